import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SHARD_MAP_CONFIGMAP, SHARD_MAP_KEY, shardMapJson, type PublishedShardMap } from "../../lib/sharding/published";

export interface ShardMapConfigArgs {
    readonly namespace: pulumi.Input<string>;
    readonly labels: Record<string, string>;
    /** The map this update publishes, with each shard's endpoint (plan/sharding.ts). */
    readonly map: PublishedShardMap;
    /** The shard clusters and poolers the map points at: the map is written once they exist. */
    readonly dependsOn: pulumi.Resource[];
}

/**
 * The published shard map (issue 18): the ConfigMap `sysmanage-shard-map` with `shard-map.json`,
 * which every connected workload mounts read-only. Its name is fixed: the pods mount it by name.
 */
export class ShardMapConfig extends pulumi.ComponentResource {
    public readonly configMapName = SHARD_MAP_CONFIGMAP;
    public readonly configMap: k8s.core.v1.ConfigMap;

    constructor(name: string, args: ShardMapConfigArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:data:ShardMapConfig", name, {}, opts);
        this.configMap = new k8s.core.v1.ConfigMap(
            `${name}-configmap`,
            {
                metadata: { name: SHARD_MAP_CONFIGMAP, namespace: args.namespace, labels: args.labels },
                data: { [SHARD_MAP_KEY]: shardMapJson(args.map) },
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.registerOutputs({ configMapName: this.configMapName });
    }
}
