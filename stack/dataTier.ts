/**
 * Data tier: the operators, Postgres (primary + read replicas, an analytics replica cluster)
 * behind PgBouncer poolers with the application's login roles, and a Redis Cluster.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    ConnectionPooler,
    DatabaseRoles,
    DataOperators,
    PostgresCluster,
    RedisCluster,
    type DatabaseRolesArgs,
    type PostgresClusterArgs,
} from "../components";
import type { AppConfig } from "../config/schema";
import { passwordKeepers, redisCredentialsAnnotations } from "../plan/connections";
import type { PoolerPlan } from "../plan/dataTier";
import { roleEndpoints, type StackPlan } from "../plan/stack";
import { declareShards } from "./shards";

type Opts = pulumi.ComponentResourceOptions;

/** The credential Secrets (and the shard map's ConfigMap) the workloads read, by name (the Deployments wait for the ones they reference). */
export type CredentialSecrets = ReadonlyMap<string, pulumi.Resource>;

export function declareDataTier(cfg: AppConfig, plan: StackPlan, namespace: pulumi.Input<string>, opts: Opts): CredentialSecrets {
    const secrets = new Map<string, pulumi.Resource>();
    const { postgres, redis } = plan.data;
    const operators = new DataOperators(
        "data-operators",
        {
            cnpgNamespace: postgres && cfg.postgres.installOperator ? cfg.postgres.operatorNamespace : undefined,
            redisNamespace: redis && cfg.redis.installOperator ? cfg.redis.operatorNamespace : undefined,
            imageDigests: cfg.images.digests,
        },
        opts,
    );
    if (postgres) {
        const roles = declarePostgres(cfg, plan, namespace, operators.postgresReady, opts);
        const shards = declareShards(cfg, plan, namespace, operators.postgresReady, opts);
        for (const [name, secret] of [...roles.secrets, ...shards]) secrets.set(name, secret);
    }
    // The cache and the session store: one component, one plan shape.
    const caches = [
        { key: "redis", plan: redis },
        { key: "redis-sessions", plan: plan.data.sessions },
    ];
    for (const { key, plan: r } of caches) {
        if (!r) continue;
        const cluster = new RedisCluster(
            key,
            {
                namespace,
                name: r.name,
                labels: plan.dataLabels.cache,
                config: r.config,
                masters: r.masters,
                replicasPerMaster: r.replicasPerMaster,
                image: plan.images.redis,
                exporterImage: plan.images.redisExporter,
                cpu: r.cpu,
                memory: r.memoryLimit,
                storageSize: r.storageSize,
                storageClass: cfg.postgres.storageClass,
                zones: cfg.zones.length,
                operatorReady: operators.redisReady,
                scraping: scrapingOf(cfg),
                passwordKeepers: passwordKeepers(cfg.redis.credentialsVersion),
                podAnnotations: redisCredentialsAnnotations(cfg.redis.credentialsVersion),
            },
            opts,
        );
        secrets.set(cluster.passwordSecretName, cluster.passwordSecret);
    }
    return secrets;
}

const scrapingOf = (cfg: AppConfig) => ({ monitorLabels: cfg.metrics.monitorLabels, scrapeInterval: cfg.metrics.scrapeInterval });

/** What every Postgres cluster of the stack shares: the main one, the analytics replica and each shard. */
export function clusterCommon(cfg: AppConfig, plan: StackPlan, namespace: pulumi.Input<string>, operatorReady: pulumi.Resource[]) {
    const pg = cfg.postgres;
    return {
        namespace,
        labels: plan.dataLabels.database,
        image: plan.images.postgres,
        storageClass: pg.storageClass,
        zones: cfg.zones.length,
        backup: pg.backup.destinationPath ? pg.backup : undefined,
        operatorReady,
        scraping: scrapingOf(cfg),
    };
}

/** A pooler in front of `cluster` (the main cluster's and each shard's). */
export function declarePooler(
    cfg: AppConfig,
    p: PoolerPlan,
    labels: Record<string, string>,
    namespace: pulumi.Input<string>,
    cluster: PostgresCluster,
    opts: Opts,
): ConnectionPooler {
    const args = { namespace, plan: p, labels, zones: cfg.zones.length, dependsOn: [cluster.cluster], scraping: scrapingOf(cfg) };
    return new ConnectionPooler(p.name, args, opts);
}

/** Role management through @pulumi/postgresql as the cluster's admin role, at `port` on databaseAccess.host. */
export function roleManagement(cfg: AppConfig, cluster: PostgresCluster, port: number): DatabaseRolesArgs["manage"] {
    const access = cfg.databaseAccess;
    if (!access.manageRoles || !cluster.adminPassword) return undefined;
    const { host, sslmode, adminUsername } = access;
    return { host, port, sslmode, adminUsername, adminPassword: cluster.adminPassword, dependsOn: [cluster.cluster] };
}

/** The managed admin role of a cluster (when roles are managed): its Secret is `secret`. */
export function adminRoleOf(cfg: AppConfig, owner: string, secret: string): PostgresClusterArgs["adminRole"] {
    const access = cfg.databaseAccess;
    return access.manageRoles ? { name: access.adminUsername, passwordSecret: secret, inRoles: [owner] } : undefined;
}

function declarePostgres(
    cfg: AppConfig,
    plan: StackPlan,
    namespace: pulumi.Input<string>,
    operatorReady: pulumi.Resource[],
    opts: Opts,
): DatabaseRoles {
    const data = plan.data.postgres!;
    const common = clusterCommon(cfg, plan, namespace, operatorReady);
    const owner = data.privileges.owner;
    const main = new PostgresCluster(
        "postgres",
        {
            ...common,
            plan: data.main,
            backupSchedule: cfg.postgres.backup.schedule,
            bootstrap: { initdb: { database: plan.database, owner } },
            adminRole: adminRoleOf(cfg, owner, plan.pgAdminSecret),
        },
        opts,
    );
    if (data.analytics) {
        const bootstrap = { replicaOf: main.clusterName, database: plan.database, owner };
        new PostgresCluster("postgres-analytics", { ...common, plan: data.analytics, bootstrap, dependsOn: [main.cluster] }, opts);
    }
    for (const p of data.poolers) declarePooler(cfg, p, plan.dataLabels.pooler, namespace, main, opts);
    return new DatabaseRoles(
        "db-roles",
        {
            namespace,
            labels: plan.dataLabels.database,
            plan: data.privileges,
            endpoints: roleEndpoints(data),
            passwordKeepers: passwordKeepers(cfg.databaseAccess.credentialsVersion),
            manage: roleManagement(cfg, main, cfg.databaseAccess.port),
        },
        opts,
    );
}
