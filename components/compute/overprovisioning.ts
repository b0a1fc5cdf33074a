import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { placeholderDeployment, type PlaceholderArgs } from "../../lib/overprovision";

export interface OverprovisioningArgs extends PlaceholderArgs {
    readonly namespace: pulumi.Input<string>;
    /** The PriorityClass the placeholders name: the API server refuses pods of a class that does not exist yet. */
    readonly priorityClass?: pulumi.Resource;
}

/** Overprovisioning placeholders (issue 17 #4): one Deployment of pause pods at the lowest priority. */
export class Overprovisioning extends pulumi.ComponentResource {
    public readonly deployment: k8s.apps.v1.Deployment;

    constructor(name: string, args: OverprovisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:compute:Overprovisioning", name, {}, opts);
        const { namespace, priorityClass, ...placeholders } = args;
        const d = placeholderDeployment(placeholders);
        this.deployment = new k8s.apps.v1.Deployment(
            name,
            // kubernetes-types marks optional what Pulumi's input types require: the same objects.
            { metadata: { ...d.metadata, namespace }, spec: d.spec as k8s.types.input.apps.v1.DeploymentSpec },
            { parent: this, dependsOn: priorityClass ? [priorityClass] : [] },
        );
        this.registerOutputs({ replicas: args.replicas });
    }
}
