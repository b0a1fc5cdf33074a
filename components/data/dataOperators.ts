import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, pinnedRelease } from "../platform/charts";

export interface DataOperatorsArgs {
    /** Namespace of the CloudNativePG operator release; undefined to skip it. */
    readonly cnpgNamespace?: string;
    /** Namespace of the redis-operator release; undefined to skip it. */
    readonly redisNamespace?: string;
}

/**
 * The operators that run the data tier, as pinned Helm releases. Clusters depend on them: an
 * atomic release is done only when the operator and its admission webhook are up, so the
 * classic failure (a webhook refusing a Cluster created before the operator) cannot happen.
 */
export class DataOperators extends pulumi.ComponentResource {
    /** What Postgres resources must depend on. */
    public readonly postgresReady: pulumi.Resource[];
    /** What Redis resources must depend on. */
    public readonly redisReady: pulumi.Resource[];

    constructor(name: string, args: DataOperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:data:DataOperators", name, {}, opts);
        const cnpg = args.cnpgNamespace
            ? new k8s.helm.v3.Release(
                  `${name}-cnpg`,
                  { ...pinnedRelease(CHARTS.cloudnativePg, "cnpg", args.cnpgNamespace, {}), createNamespace: true },
                  { parent: this },
              )
            : undefined;
        const redis = args.redisNamespace
            ? new k8s.helm.v3.Release(
                  `${name}-redis-operator`,
                  { ...pinnedRelease(CHARTS.redisOperator, "redis-operator", args.redisNamespace, {}), createNamespace: true },
                  { parent: this },
              )
            : undefined;
        this.postgresReady = cnpg ? [cnpg] : [];
        this.redisReady = redis ? [redis] : [];
        this.registerOutputs({});
    }
}
