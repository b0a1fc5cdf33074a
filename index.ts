/**
 * SysManage scaling infrastructure. Reads like the architecture: config, then the tiers from
 * the load balancers down to the workloads. Each line builds a component from plain args.
 */
import { pinImage } from "./lib/images";
import { OPERATOR_METRICS_PORTS } from "./lib/monitors";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig } from "./config";
import {
    AnalyticsService,
    ApiRoutes,
    AppNamespace,
    CHARTS,
    ConnectionPooler,
    DatabaseRoles,
    DataOperators,
    PostgresCluster,
    previousOutput,
    RedisCluster,
    GlobalDns,
    MetricsAdapter,
    RegionalGateway,
    ScalableService,
    VerticalPodAutoscaler,
} from "./components";
import { BudgetError } from "./lib/data/connectionBudget";
import { dataTierPlan, DATABASE } from "./lib/data/plan";
import { nextShardCount } from "./lib/data/redis";
import { WalVolumeError } from "./lib/data/postgresParams";
import { analyticsPod, apiPlan, workerPlans, type AutoscaledPlan } from "./lib/plan";
import { programForecast } from "./forecast/program";

export = async () => {
    const configured = loadConfig();
    const stack = pulumi.getStack();
    // What is deployed: this stack's last `dataTier` output (a StackReference to itself).
    const deployed = configured.redis.enabled
        ? ((await previousOutput("dataTier")) as { redis?: { masters?: number } } | undefined)
        : undefined;
    // The forecasting step: HPA bounds and data-tier counts from the stack's exported metrics,
    // within guardrails. Its config carries the sized counts and has passed every config rule again.
    const forecast = configured.forecast.enabled
        ? programForecast({ stack, projectDir: __dirname, config: configured, deployedRedisMasters: deployed?.redis?.masters })
        : undefined;
    const cfg = forecast?.config ?? configured;
    // pulumi.log.* return a promise the engine tracks itself; nothing to await here.
    for (const w of forecast?.warnings ?? []) void pulumi.log.warn(w);
    // The data tier's sizing (connection budget, parameters) is computed before anything is declared.
    let data: ReturnType<typeof dataTierPlan>;
    try {
        data = dataTierPlan(cfg);
    } catch (e) {
        if (e instanceof BudgetError || e instanceof WalVolumeError) throw new ConfigError([`Pulumi.${stack}.yaml: ${e.message}`]);
        throw e;
    }
    // Resharding moves slots while the cluster serves: one shard per update, checked against
    // what is deployed, unless explicitly allowed (also when the forecast chose the count).
    if (data.redis) {
        try {
            nextShardCount(deployed?.redis?.masters ?? 0, data.redis.masters, cfg.redis.allowShardJump);
        } catch (e) {
            throw new ConfigError([`Pulumi.${stack}.yaml: ${(e as Error).message}`]);
        }
    }
    const labels = {
        "app.kubernetes.io/part-of": "sysmanage",
        "app.kubernetes.io/managed-by": "pulumi",
        "sysmanage.io/environment": cfg.environment,
        "sysmanage.io/cluster": cfg.cluster.name,
    };

    // One explicit provider from the start: switching providers later would replace everything.
    const provider = new k8s.Provider("kubernetes", {
        context: cfg.cluster.kubeContext || undefined,
        renderYamlToDirectory: cfg.cluster.renderYamlToDirectory || undefined,
    });
    const opts = { providers: { kubernetes: provider } };

    // Cluster add-ons that make the autoscalers work.
    const digests = cfg.images.digests;
    if (cfg.metrics.installAdapter) {
        new MetricsAdapter(
            "metrics-adapter",
            {
                namespace: cfg.metrics.adapterNamespace,
                prometheusUrl: cfg.metrics.prometheusUrl,
                prometheusPort: cfg.metrics.prometheusPort,
                imageDigests: digests,
            },
            opts,
        );
    }
    const vpa = cfg.metrics.installVpa
        ? new VerticalPodAutoscaler("vpa", { namespace: cfg.metrics.vpaNamespace, imageDigests: digests }, opts)
        : undefined;

    const sized = [apiPlan(cfg, stack), ...workerPlans(cfg, stack)].map((p) => ({
        ...p,
        bounds: forecast?.bounds[p.key] ?? p.bounds,
        annotations: forecast?.annotations[p.key],
    }));
    const [api, ...workers] = sized;
    const gatewayName = `sysmanage-${cfg.cluster.region}`;
    const ns = new AppNamespace(
        "app",
        {
            name: cfg.namespace,
            labels,
            network: {
                apiSelector: { "app.kubernetes.io/name": api.pod.name, "app.kubernetes.io/instance": stack },
                apiPort: api.pod.port,
                gatewayNamespace: cfg.gateway.controllerNamespace,
                gatewayName,
                prometheusNamespace: cfg.metrics.prometheusNamespace,
                prometheusPodLabels: cfg.metrics.prometheusPodLabels,
                metricsPorts: [
                    api.pod.port,
                    ...workers.map((w) => w.pod.port),
                    ...(cfg.analytics.enabled ? [cfg.analytics.port] : []),
                    ...(data.postgres ? [OPERATOR_METRICS_PORTS.cnpgInstance, OPERATOR_METRICS_PORTS.cnpgPooler] : []),
                    ...(data.redis ? [OPERATOR_METRICS_PORTS.redisExporter] : []),
                ],
                postgresPort: cfg.network.postgresPort,
                redisPort: cfg.network.redisPort,
                dataTier: {
                    postgres: data.postgres !== undefined,
                    redis: data.redis?.name,
                    cnpgOperatorNamespace: cfg.postgres.operatorNamespace,
                    redisOperatorNamespace: cfg.redis.operatorNamespace,
                },
            },
        },
        opts,
    );

    // Load-balancer tiers: global DNS -> regional Gateway -> local routes to the API.
    if (cfg.dns.enabled) {
        // Each region's stack publishes only its own record set (its ExternalDNS owns it); the
        // other entries of dns.regions are the same hostname's other record sets.
        new GlobalDns(
            "global-dns",
            {
                namespace: ns.name,
                labels,
                hostname: cfg.gateway.hostname,
                routing: cfg.dns.routing,
                ttl: cfg.dns.ttl,
                regions: cfg.dns.regions.filter((r) => r.name === cfg.cluster.region),
            },
            opts,
        );
    }
    new RegionalGateway(
        "regional-gateway",
        {
            namespace: ns.name,
            labels,
            gatewayName,
            region: cfg.cluster.region,
            className: cfg.gateway.className,
            hostname: cfg.gateway.hostname,
            tlsSecretName: cfg.gateway.tlsSecretName,
        },
        opts,
    );
    new ApiRoutes(
        "api-routes",
        {
            namespace: ns.name,
            labels,
            gatewayName,
            hostname: cfg.gateway.hostname,
            serviceName: api.pod.name,
            servicePort: api.pod.port,
            requestTimeout: cfg.gateway.requestTimeout,
        },
        opts,
    );

    // Compute tier: the API and each worker pool scale horizontally; analytics vertically.
    const scalable = (plan: AutoscaledPlan & { annotations?: Record<string, string> }) =>
        new ScalableService(
            plan.key,
            {
                namespace: ns.name,
                pod: plan.pod,
                bounds: plan.bounds,
                metrics: plan.metrics,
                behavior: plan.behavior,
                exposeService: plan.exposeService,
                hpaAnnotations: plan.annotations,
                monitorLabels: cfg.metrics.monitorLabels,
                scrapeInterval: cfg.metrics.scrapeInterval,
            },
            opts,
        );
    const services = [api, ...workers].map((plan) => ({ plan, service: scalable(plan) }));
    if (cfg.analytics.enabled) {
        new AnalyticsService(
            "analytics",
            {
                namespace: ns.name,
                pod: analyticsPod(cfg, stack),
                replicas: cfg.analytics.replicas,
                vpa: {
                    updateMode: cfg.analytics.vpa.updateMode,
                    minAllowed: { cpu: cfg.analytics.vpa.minCpu, memory: cfg.analytics.vpa.minMemory },
                    maxAllowed: { cpu: cfg.analytics.vpa.maxCpu, memory: cfg.analytics.vpa.maxMemory },
                },
                monitorLabels: cfg.metrics.monitorLabels,
                scrapeInterval: cfg.metrics.scrapeInterval,
                vpaDependsOn: vpa ? [vpa.release] : [],
            },
            opts,
        );
    }

    // Data tier: Postgres (primary + read replicas, analytics replica) behind PgBouncer, and Redis.
    const scraping = { monitorLabels: cfg.metrics.monitorLabels, scrapeInterval: cfg.metrics.scrapeInterval };
    const dataLabels = (component: string) => ({
        ...labels,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/instance": stack,
    });
    const operators = new DataOperators(
        "data-operators",
        {
            cnpgNamespace: data.postgres && cfg.postgres.installOperator ? cfg.postgres.operatorNamespace : undefined,
            redisNamespace: data.redis && cfg.redis.installOperator ? cfg.redis.operatorNamespace : undefined,
            imageDigests: digests,
        },
        opts,
    );
    if (data.postgres) {
        const pg = cfg.postgres;
        const backup = pg.backup.destinationPath ? pg.backup : undefined;
        const access = cfg.databaseAccess;
        const main = new PostgresCluster(
            "postgres",
            {
                namespace: ns.name,
                labels: dataLabels("database"),
                plan: data.postgres.main,
                image: pinImage(pg.image, digests),
                storageClass: pg.storageClass,
                zones: cfg.zones.length,
                backup,
                backupSchedule: pg.backup.schedule,
                operatorReady: operators.postgresReady,
                scraping,
                bootstrap: { initdb: { database: DATABASE, owner: data.postgres.privileges.owner } },
                adminRole: access.manageRoles
                    ? { name: access.adminUsername, passwordSecret: "sysmanage-pg-admin", inRoles: [data.postgres.privileges.owner] }
                    : undefined,
            },
            opts,
        );
        if (data.postgres.analytics) {
            new PostgresCluster(
                "postgres-analytics",
                {
                    namespace: ns.name,
                    labels: dataLabels("database"),
                    plan: data.postgres.analytics,
                    image: pinImage(pg.image, digests),
                    storageClass: pg.storageClass,
                    zones: cfg.zones.length,
                    backup,
                    operatorReady: operators.postgresReady,
                    scraping,
                    bootstrap: { replicaOf: main.clusterName, database: DATABASE, owner: data.postgres.privileges.owner },
                    dependsOn: [main.cluster],
                },
                opts,
            );
        }
        const poolers = data.postgres.poolers.map(
            (plan) =>
                new ConnectionPooler(
                    plan.name,
                    {
                        namespace: ns.name,
                        plan,
                        labels: dataLabels("pooler"),
                        zones: cfg.zones.length,
                        dependsOn: [main.cluster],
                        scraping,
                    },
                    opts,
                ),
        );
        const [write, read, analytics] = poolers.map((p) => p.serviceName);
        new DatabaseRoles(
            "db-roles",
            {
                namespace: ns.name,
                labels: dataLabels("database"),
                plan: data.postgres.privileges,
                endpoints: { sysmanage_write: write, sysmanage_read: read, sysmanage_analytics: analytics ?? read },
                manage:
                    access.manageRoles && main.adminPassword
                        ? {
                              host: access.host,
                              port: access.port,
                              sslmode: access.sslmode,
                              adminUsername: access.adminUsername,
                              adminPassword: main.adminPassword,
                              dependsOn: [main.cluster],
                          }
                        : undefined,
            },
            opts,
        );
    }
    if (data.redis) {
        const r = cfg.redis;
        new RedisCluster(
            "redis",
            {
                namespace: ns.name,
                name: data.redis.name,
                labels: dataLabels("cache"),
                config: data.redis.config,
                masters: data.redis.masters,
                replicasPerMaster: data.redis.replicasPerMaster,
                image: pinImage(r.image, digests),
                exporterImage: pinImage(r.exporterImage, digests),
                cpu: r.cpu,
                memory: r.memory,
                storageSize: r.storageSize,
                storageClass: cfg.postgres.storageClass,
                zones: cfg.zones.length,
                operatorReady: operators.redisReady,
                scraping,
            },
            opts,
        );
    }

    return {
        environment: cfg.environment,
        namespace: ns.name,
        hostname: cfg.gateway.hostname,
        autoscaling: Object.fromEntries(
            services.map(({ plan }) => [plan.pod.name, { minReplicas: plan.bounds.minReplicas, maxReplicas: plan.bounds.maxReplicas }]),
        ),
        charts: Object.fromEntries(Object.values(CHARTS).map((c) => [c.chart, c.version])),
        forecast: forecast
            ? {
                  exportsDir: forecast.exportsDir,
                  inputsHash: forecast.result.inputsHash,
                  dataTierInputsHash: forecast.dataTier.inputsHash,
                  workloads: Object.fromEntries(
                      forecast.result.workloads.map((w) => [w.name, { current: w.current, proposed: w.proposed, model: w.model }]),
                  ),
                  // Every sized data-tier count with the rule that decided it (or why the configured one was kept).
                  dataTier: Object.fromEntries(
                      forecast.dataTier.counts.map((n) => [
                          n.key,
                          { configured: n.configured, proposed: n.proposed, peaks: n.peaks, model: n.model, rule: n.rule },
                      ]),
                  ),
                  warnings: forecast.warnings,
              }
            : null,
        dataTier: {
            postgres: data.postgres
                ? {
                      instances: data.postgres.main.instances,
                      analyticsReplica: data.postgres.analytics !== undefined,
                      poolers: Object.fromEntries(data.postgres.poolers.map((p) => [p.name, p.instances])),
                      budgets: data.postgres.budgets.map((b) => ({ target: b.target, available: b.available, used: b.used })),
                  }
                : null,
            redis: data.redis ? { masters: data.redis.masters, replicasPerMaster: data.redis.replicasPerMaster } : null,
        },
    };
};
