import * as pulumi from "@pulumi/pulumi";

/**
 * Reads an output of this stack's last deployment (a StackReference to the stack itself), so a
 * change can be checked against what is deployed. Undefined before the first deployment.
 */
export async function previousOutput(key: string): Promise<unknown> {
    const self = new pulumi.StackReference("self", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });
    const details = await self.getOutputDetails(key);
    return details.value ?? details.secretValue;
}
