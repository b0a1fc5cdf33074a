/**
 * The shards (issue 18): each shard cluster, its -rw pooler and its roles through the same
 * components as the main cluster, and the published map every connected workload mounts.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DatabaseRoles, PostgresCluster, ShardMapConfig } from "../components";
import type { AppConfig } from "../config/schema";
import { passwordKeepers } from "../plan/connections";
import type { StackPlan } from "../plan/stack";
import { SHARD_LABEL } from "../policies/contract";
import { adminRoleOf, clusterCommon, declarePooler, roleManagement } from "./dataTier";

type Opts = pulumi.ComponentResourceOptions;

/** The shards and the map; the role Secrets and the map's ConfigMap the workloads read, by name (empty when sharding is off). */
export function declareShards(
    cfg: AppConfig,
    plan: StackPlan,
    namespace: pulumi.Input<string>,
    operatorReady: pulumi.Resource[],
    opts: Opts,
): Map<string, pulumi.Resource> {
    const secrets = new Map<string, pulumi.Resource>();
    const sharding = plan.sharding;
    if (!sharding) return secrets;
    const common = clusterCommon(cfg, plan, namespace, operatorReady);
    const written: pulumi.Resource[] = [];
    for (const s of sharding.shards) {
        const name = s.cluster.name;
        const shardLabel = { [SHARD_LABEL]: name };
        const owner = s.privileges.owner;
        const cluster = new PostgresCluster(
            `postgres-shard-${s.index}`,
            {
                ...common,
                labels: { ...common.labels, ...shardLabel },
                plan: s.cluster,
                backupSchedule: cfg.postgres.backup.schedule,
                bootstrap: { initdb: { database: plan.database, owner } },
                adminRole: adminRoleOf(cfg, owner, `${name}-admin`),
            },
            opts,
        );
        const pooler = declarePooler(cfg, s.pooler, { ...plan.dataLabels.pooler, ...shardLabel }, namespace, cluster, opts);
        const roles = new DatabaseRoles(
            `db-roles-shard-${s.index}`,
            {
                namespace,
                labels: { ...plan.dataLabels.database, ...shardLabel },
                plan: s.privileges,
                secretPrefix: name,
                endpoints: Object.fromEntries(s.privileges.roles.map((r) => [r.role, s.pooler.name])),
                passwordKeepers: passwordKeepers(cfg.databaseAccess.credentialsVersion),
                // Each shard's primary is forwarded to its own port: sharding.adminPort + index.
                manage: roleManagement(cfg, cluster, cfg.sharding.adminPort + s.index),
            },
            opts,
        );
        for (const [secretName, secret] of roles.secrets) secrets.set(secretName, secret);
        written.push(cluster.cluster, pooler);
    }
    const map = new ShardMapConfig(
        "shard-map",
        { namespace, labels: plan.dataLabels.database, map: sharding.map, dependsOn: written },
        opts,
    );
    secrets.set(map.configMapName, map.configMap);
    return secrets;
}
