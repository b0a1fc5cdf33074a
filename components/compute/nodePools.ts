import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { nodePool, type NodePoolArgs } from "../../lib/karpenter";

export interface NodePoolsArgs {
    /** One NodePool per capacity type (plan/placement.ts nodePoolsPlan). */
    readonly pools: readonly NodePoolArgs[];
}

/** Karpenter NodePools (issue 17 #2): cluster-scoped, one per capacity type the stack runs on. */
export class NodePools extends pulumi.ComponentResource {
    /** The NodePools by their Kubernetes name. */
    public readonly pools: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

    constructor(name: string, args: NodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:compute:NodePools", name, {}, opts);
        const pools: Record<string, k8s.apiextensions.CustomResource> = {};
        for (const a of args.pools) {
            const { apiVersion, kind, metadata, spec } = nodePool(a);
            pools[a.name] = new k8s.apiextensions.CustomResource(
                `${name}-${a.capacity}`,
                { apiVersion, kind, metadata, spec },
                { parent: this },
            );
        }
        this.pools = pools;
        this.registerOutputs({ names: Object.keys(pools) });
    }
}
