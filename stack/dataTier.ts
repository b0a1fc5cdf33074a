/**
 * Data tier: the operators, Postgres (primary + read replicas, an analytics replica cluster)
 * behind PgBouncer poolers with the application's login roles, and a Redis Cluster.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ConnectionPooler, DatabaseRoles, DataOperators, PostgresCluster, RedisCluster } from "../components";
import type { AppConfig } from "../config/schema";
import { passwordKeepers, redisCredentialsAnnotations } from "../plan/connections";
import { roleEndpoints, type StackPlan } from "../plan/stack";

type Opts = pulumi.ComponentResourceOptions;

/** The credential Secrets the workloads read, by Secret name (the Deployments wait for the ones they reference). */
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
        for (const [name, secret] of roles.secrets) secrets.set(name, secret);
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

function declarePostgres(
    cfg: AppConfig,
    plan: StackPlan,
    namespace: pulumi.Input<string>,
    operatorReady: pulumi.Resource[],
    opts: Opts,
): DatabaseRoles {
    const data = plan.data.postgres!;
    const pg = cfg.postgres;
    const access = cfg.databaseAccess;
    const owner = data.privileges.owner;
    const common = {
        namespace,
        labels: plan.dataLabels.database,
        image: plan.images.postgres,
        storageClass: pg.storageClass,
        zones: cfg.zones.length,
        backup: pg.backup.destinationPath ? pg.backup : undefined,
        operatorReady,
        scraping: scrapingOf(cfg),
    };
    const main = new PostgresCluster(
        "postgres",
        {
            ...common,
            plan: data.main,
            backupSchedule: pg.backup.schedule,
            bootstrap: { initdb: { database: plan.database, owner } },
            adminRole: access.manageRoles
                ? { name: access.adminUsername, passwordSecret: plan.pgAdminSecret, inRoles: [owner] }
                : undefined,
        },
        opts,
    );
    if (data.analytics) {
        const bootstrap = { replicaOf: main.clusterName, database: plan.database, owner };
        new PostgresCluster("postgres-analytics", { ...common, plan: data.analytics, bootstrap, dependsOn: [main.cluster] }, opts);
    }
    for (const p of data.poolers) {
        const args = {
            namespace,
            plan: p,
            labels: plan.dataLabels.pooler,
            zones: cfg.zones.length,
            dependsOn: [main.cluster],
            scraping: scrapingOf(cfg),
        };
        new ConnectionPooler(p.name, args, opts);
    }
    const manage =
        access.manageRoles && main.adminPassword
            ? {
                  host: access.host,
                  port: access.port,
                  sslmode: access.sslmode,
                  adminUsername: access.adminUsername,
                  adminPassword: main.adminPassword,
                  dependsOn: [main.cluster],
              }
            : undefined;
    return new DatabaseRoles(
        "db-roles",
        {
            namespace,
            labels: plan.dataLabels.database,
            plan: data.privileges,
            endpoints: roleEndpoints(data),
            passwordKeepers: passwordKeepers(access.credentialsVersion),
            manage,
        },
        opts,
    );
}
