import * as pulumi from "@pulumi/pulumi";

/**
 * Reads an output of this stack's last deployment (a StackReference to the stack itself), so a
 * change can be checked against what is deployed. Undefined before the first deployment.
 */
export async function previousOutputs<K extends string>(keys: readonly K[]): Promise<Partial<Record<K, unknown>>> {
    const self = new pulumi.StackReference("self", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });
    const out: Partial<Record<K, unknown>> = {};
    for (const key of keys) {
        const details = await self.getOutputDetails(key);
        out[key] = (details.value ?? details.secretValue) as unknown;
    }
    return out;
}
