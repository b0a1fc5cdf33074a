import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CNPG_OPERATOR_LABELS, cnpgOperatorValues, REDIS_OPERATOR_LABELS, redisOperatorValues } from "../../lib/chartValues";
import { CHARTS, pinnedRelease } from "../platform/charts";

/** A budget for an operator's two pods (its chart has no PDB template): a drain keeps one leading. */
function operatorPdb(
    resourceName: string,
    name: string,
    namespace: string,
    matchLabels: Record<string, string>,
    release: k8s.helm.v3.Release,
    parent: pulumi.Resource,
): k8s.policy.v1.PodDisruptionBudget {
    return new k8s.policy.v1.PodDisruptionBudget(
        resourceName,
        {
            metadata: {
                name,
                namespace,
                labels: {
                    "app.kubernetes.io/name": name,
                    "app.kubernetes.io/instance": name,
                    "app.kubernetes.io/part-of": "sysmanage",
                    "app.kubernetes.io/managed-by": "pulumi",
                },
            },
            spec: { maxUnavailable: 1, selector: { matchLabels }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        },
        { parent, dependsOn: [release] },
    );
}

export interface DataOperatorsArgs {
    /** Namespace of the CloudNativePG operator release; undefined to skip it. */
    readonly cnpgNamespace?: string;
    /** Namespace of the redis-operator release; undefined to skip it. */
    readonly redisNamespace?: string;
    /** Image digests by `<image>:<tag>` (config images.digests). */
    readonly imageDigests: Readonly<Record<string, string>>;
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
                  {
                      ...pinnedRelease(CHARTS.cloudnativePg, "cnpg", args.cnpgNamespace, cnpgOperatorValues(args.imageDigests)),
                      createNamespace: true,
                  },
                  { parent: this },
              )
            : undefined;
        if (cnpg && args.cnpgNamespace)
            operatorPdb(`${name}-cnpg-pdb`, "cnpg-cloudnative-pg", args.cnpgNamespace, CNPG_OPERATOR_LABELS, cnpg, this);
        const redis = args.redisNamespace
            ? new k8s.helm.v3.Release(
                  `${name}-redis-operator`,
                  {
                      ...pinnedRelease(CHARTS.redisOperator, "redis-operator", args.redisNamespace, redisOperatorValues(args.imageDigests)),
                      createNamespace: true,
                  },
                  { parent: this },
              )
            : undefined;
        if (redis && args.redisNamespace)
            operatorPdb(`${name}-redis-operator-pdb`, "redis-operator", args.redisNamespace, REDIS_OPERATOR_LABELS, redis, this);
        this.postgresReady = cnpg ? [cnpg] : [];
        this.redisReady = redis ? [redis] : [];
        this.registerOutputs({});
    }
}
