/**
 * The program's configuration: one typed schema with a description of every key, one pure
 * parser that turns a stack's raw config into a frozen object (or an exact error), and one
 * `loadConfig()` that reads the Pulumi config once.
 *
 * Pulumi replaces a structured key wholesale when a stack file sets it, so every field has its
 * default here and a stack file only lists what differs; `Pulumi.yaml` repeats the defaults so
 * `pulumi config` shows them (a test keeps the two equal).
 *
 * Every string is checked by the grammar of what it becomes (a DNS-1123 label or subdomain, a
 * label key or value, a hostname, a positive quantity, an image reference, a six-field cron, a
 * PostgreSQL role, a URL, a relative path): the grammars live in `policies/lib/grammar.ts`, shared
 * with the forecast and the policy pack. A message names the file, the key, the value (URLs
 * without credentials, secrets not at all) and the rule.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiConfig from "@pulumi/pulumi/runtime/config";
import { z } from "zod";
import * as g from "./policies/lib/grammar";

export const PROJECT = "sysmanage-scaling";
/** Config namespaces besides the project's that a stack may set: the providers the program uses, and Pulumi's own. */
export const PROVIDER_NAMESPACES: readonly string[] = ["kubernetes", "postgresql", "random", "pulumi"];

/** True when an image reference is pinned by a version tag (not `latest`) or by a sha256 digest. */
export const isPinnedImage = g.isPinnedImage;

/** A string in a grammar of `policies/lib/grammar.ts`: the check's rule is the message. */
const grammar = (check: (v: string) => string | undefined) =>
    z.string().superRefine((v, ctx) => {
        const e = check(v);
        if (e !== undefined) ctx.addIssue({ code: "custom", message: e });
    });
/** Empty, or a string in the grammar. */
const optional = (check: (v: string) => string | undefined) =>
    grammar((v) => {
        const e = v === "" ? undefined : check(v);
        return e === undefined ? undefined : `${e}, or empty`;
    });
const label = () => grammar(g.dnsLabelError);
const subdomain = () => grammar(g.dnsSubdomainError);
const labelValue = () => grammar((v) => g.labelValueError(v, true));
const cpu = () => grammar((v) => g.positiveQuantityError(v, "cpu"));
const bytes = () => grammar((v) => g.positiveQuantityError(v, "bytes"));
const image = () => grammar(g.pinnedImageError);
const text = (max: number) => grammar((v) => g.textError(v, max));
const int = (min: number, max: number) => z.number().int({ message: "must be an integer" }).min(min).max(max);
const port = () => int(1, 65535);
/** Labels as a map: each key a label key, each value a label value. */
const labels = () =>
    z.record(
        grammar(g.labelKeyError),
        grammar((v) => g.labelValueError(v)),
    );

const resources = (d: { cpuRequest: string; memoryRequest: string; memoryLimit: string }) =>
    z
        .strictObject({
            cpuRequest: cpu().default(d.cpuRequest).describe("CPU request per pod (an HPA CPU utilization target divides by it)."),
            memoryRequest: bytes()
                .default(d.memoryRequest)
                .describe("Memory request per pod (an HPA memory utilization target divides by it)."),
            memoryLimit: bytes().default(d.memoryLimit).describe("Memory limit per pod (must be >= memoryRequest)."),
            cpuLimit: optional((v) => g.positiveQuantityError(v, "cpu"))
                .default("")
                .describe("CPU limit per pod; empty for none (CPU limits throttle latency-sensitive pods)."),
        })
        .prefault({});

const probes = (d: { startupFailureThreshold: number }) =>
    z
        .strictObject({
            startupFailureThreshold: int(0, 1000)
                .default(d.startupFailureThreshold)
                .describe("Startup probe attempts (every 5 s) before the pod is restarted; 0 disables the startup probe."),
            readinessPeriodSeconds: int(1, 300).default(5).describe("Readiness probe period on /health/ready."),
            livenessPeriodSeconds: int(1, 300).default(10).describe("Liveness probe period on /health/live."),
        })
        .prefault({});

const shutdown = (d: { grace: number; preStop: number }) =>
    z
        .strictObject({
            terminationGracePeriodSeconds: int(1, 3600)
                .default(d.grace)
                .describe("Seconds a pod gets to finish in-flight work after SIGTERM."),
            preStopSleepSeconds: int(0, 600)
                .default(d.preStop)
                .describe("Seconds the preStop hook waits so load balancers stop routing first (< grace period)."),
        })
        .prefault({});

const workerPool = (name: string) =>
    z
        .strictObject({
            enabled: z.boolean().default(true).describe(`Deploy the ${name} worker pool.`),
            image: image().default("ghcr.io/sysmanage/sysmanage-worker:2.4.1").describe("Pinned worker image (tag or digest)."),
            minReplicas: int(1, 1000).default(2).describe("HPA minReplicas (seed: 2)."),
            maxReplicas: int(1, 1000).default(20).describe("HPA maxReplicas (seed: 20)."),
            queueName: labelValue().default(name).describe("Value of the `queue` label of `sysmanage_queue_length` this pool consumes."),
            queueLengthPerPod: int(1, 100000).default(10).describe("External metric queue_length target per pod (AverageValue; seed: 10)."),
            processingTimeSeconds: int(1, 86400)
                .default(30)
                .describe("Pods metric processing_time_avg target in seconds (AverageValue; seed: 30)."),
            port: port().default(8080).describe("Container port serving /metrics and the health endpoints."),
            resources: resources({ cpuRequest: "250m", memoryRequest: "256Mi", memoryLimit: "512Mi" }).describe("Worker pod resources."),
            probes: probes({ startupFailureThreshold: 24 }).describe("Worker probe timings."),
            shutdown: shutdown({ grace: 120, preStop: 5 }).describe("Worker graceful shutdown."),
        })
        .prefault({})
        .describe(`The ${name} worker pool (Deployment + HPA + PDB).`);

/** One exported series: the file the forecast reads and the PromQL a refresh writes it from. */
const exportRef = (what: string, unit: "rate" | "gauge") =>
    z
        .strictObject({
            file: grammar(g.relativePathError).describe(
                "Export file (Prometheus query_range JSON or CSV timestamp,value), relative to forecast.exportsDir.",
            ),
            series: text(1000)
                .default("")
                .describe(
                    'Series in the file: the CSV column, or a query_range selector (name and/or labels in any order, e.g. rate{job="api"}) matching exactly one series; empty when the file has only one.',
                ),
            query: text(10000)
                .default("")
                .describe("PromQL that npm run forecast -- --refresh runs (query_range) to rewrite the file; empty: never refreshed."),
            unit: z
                .enum(["rate", "gauge", "count", "counter"])
                .default(unit)
                .describe(
                    "rate and gauge are used as they are; count is per sample step (divided by the step); counter is turned into a rate.",
                ),
        })
        .optional()
        .describe(what);

const workerSeries = (pool: string) =>
    z
        .strictObject({
            queueLength: exportRef(
                `Length of the ${pool} queue (items waiting); sized against workers.${pool}.queueLengthPerPod per pod.`,
                "gauge",
            ),
            processingTime: exportRef(
                `Average job duration of the ${pool} pool in seconds; checked for staleness and shown, not sized from (a per-pod average, see the metrics contract).`,
                "gauge",
            ),
        })
        .optional()
        .describe(`The ${pool} pool's series.`);

const replicaGuardrails = (min: number, max: number, what: string) =>
    z
        .strictObject({
            minReplicas: int(1, 1000).default(min).describe("Lowest minReplicas the forecast may set."),
            maxReplicas: int(1, 1000).default(max).describe("Highest maxReplicas the forecast may set."),
        })
        .prefault({})
        .describe(`Bounds the forecast keeps the ${what} HPA within.`);

const countGuardrails = (min: number, max: number, lo: number, hi: number, what: string) =>
    z
        .strictObject({
            min: int(lo, hi).default(min).describe("Fewest the forecast may set."),
            max: int(lo, hi).default(max).describe("Most the forecast may set."),
        })
        .prefault({})
        .describe(`How many ${what} the forecast may set.`);

export const ConfigSchema = z.strictObject({
    environment: z.enum(["dev", "staging", "prod"]).default("prod").describe("Environment this stack is: dev, staging or prod."),
    namespace: label().default("sysmanage").describe("Namespace every application object lives in."),
    zones: z
        .array(labelValue())
        .min(1)
        .default(["zone-a", "zone-b", "zone-c"])
        .describe("Availability zones of the cluster (topology.kubernetes.io/zone values); zone spread is hard when there are several."),
    cluster: z
        .strictObject({
            name: labelValue()
                .default("sysmanage")
                .describe("Cluster name, set as the sysmanage.io/cluster label on every object the namespace component creates."),
            region: grammar(
                (v) =>
                    g.dnsLabelError(v) ??
                    (v.length > 53
                        ? "must be at most 53 characters (the Gateway is named sysmanage-<region>, a label value of at most 63)"
                        : undefined),
            )
                .default("us-east-1")
                .describe("Region of this cluster; must be one of dns.regions[].name."),
            kubeContext: text(1000).default("").describe("kubeconfig context for the Kubernetes provider; empty for the current one."),
            renderYamlToDirectory: optional(g.relativePathError)
                .default("")
                .describe("When set, the Kubernetes provider writes manifests to this directory instead of a cluster."),
        })
        .prefault({})
        .describe("The Kubernetes cluster this stack deploys to."),
    api: z
        .strictObject({
            image: image().default("ghcr.io/sysmanage/sysmanage-api:2.4.1").describe("Pinned API image (tag or digest)."),
            port: port().default(8000).describe("Container port of the API (HTTP, /metrics and health endpoints)."),
            minReplicas: int(1, 1000).default(3).describe("HPA minReplicas (seed: 3)."),
            maxReplicas: int(1, 1000).default(50).describe("HPA maxReplicas (seed: 50)."),
            targets: z
                .strictObject({
                    cpuUtilization: int(1, 100).default(70).describe("HPA CPU utilization target in % of requests (seed: 70)."),
                    memoryUtilization: int(1, 100).default(80).describe("HPA memory utilization target in % of requests (seed: 80)."),
                    requestsPerSecond: int(1, 1000000)
                        .default(100)
                        .describe("Pods metric http_requests_per_second target per pod (seed: 100)."),
                    responseTimeP95: grammar((v) => g.positiveQuantityError(v, "seconds"))
                        .default("500m")
                        .describe("Pods metric response_time_p95 target in seconds as a quantity (seed: 500m = 500 ms)."),
                })
                .prefault({})
                .describe("API HPA targets."),
            resources: resources({ cpuRequest: "500m", memoryRequest: "512Mi", memoryLimit: "1Gi" }).describe("API pod resources."),
            probes: probes({ startupFailureThreshold: 30 }).describe("API probe timings."),
            shutdown: shutdown({ grace: 45, preStop: 10 }).describe("API graceful shutdown."),
        })
        .prefault({})
        .describe("The API tier (sysmanage-api): Deployment, Service, HPA, PDB."),
    workers: z
        .strictObject({
            queue: workerPool("queue"),
            agent: workerPool("agent"),
            report: workerPool("report"),
            cleanup: workerPool("cleanup"),
        })
        .prefault({})
        .describe("Worker pools, each its own Deployment, HPA and PDB."),
    analytics: z
        .strictObject({
            enabled: z.boolean().default(true).describe("Deploy the analytics tier."),
            image: image().default("ghcr.io/sysmanage/sysmanage-analytics:2.4.1").describe("Pinned analytics image."),
            replicas: int(1, 100).default(2).describe("Analytics replicas (fixed: the VPA sizes pods, no HPA)."),
            port: port().default(8080).describe("Container port serving /metrics and the health endpoints."),
            resources: resources({ cpuRequest: "500m", memoryRequest: "1Gi", memoryLimit: "2Gi" }).describe(
                "Initial analytics resources (the VPA adjusts them).",
            ),
            vpa: z
                .strictObject({
                    updateMode: z
                        .enum(["InPlaceOrRecreate", "Recreate", "Initial", "Off"])
                        .default("Recreate")
                        .describe(
                            "VPA update mode: Recreate is what the seed's deprecated Auto did; InPlaceOrRecreate (Kubernetes 1.33+) resizes in place when it can.",
                        ),
                    minCpu: cpu().default("500m").describe("VPA minAllowed CPU (seed: 500m)."),
                    minMemory: bytes().default("1Gi").describe("VPA minAllowed memory (seed: 1Gi)."),
                    maxCpu: cpu().default("4").describe("VPA maxAllowed CPU (seed: 4)."),
                    maxMemory: bytes().default("16Gi").describe("VPA maxAllowed memory (seed: 16Gi)."),
                })
                .prefault({})
                .describe("The analytics VerticalPodAutoscaler."),
            shutdown: shutdown({ grace: 300, preStop: 5 }).describe("Analytics graceful shutdown (long queries)."),
        })
        .prefault({})
        .describe("The analytics tier (sysmanage-analytics) with a VPA."),
    metrics: z
        .strictObject({
            prometheusUrl: grammar((v) => g.httpUrlError(v))
                .default("http://kube-prometheus-stack-prometheus.monitoring.svc")
                .describe("Prometheus address the metrics adapter queries (scheme and host)."),
            prometheusPort: port().default(9090).describe("Prometheus port."),
            prometheusNamespace: label().default("monitoring").describe("Namespace of Prometheus; allowed to scrape the application pods."),
            prometheusPodLabels: labels()
                .default({ "app.kubernetes.io/name": "prometheus" })
                .describe("Labels of the Prometheus pods; only they may scrape the application pods."),
            monitorLabels: labels()
                .default({ release: "kube-prometheus-stack" })
                .describe("Labels on ServiceMonitor/PodMonitor objects so Prometheus selects them."),
            scrapeInterval: grammar(g.scrapeIntervalError).default("15s").describe("Scrape interval of the application pods."),
            installAdapter: z
                .boolean()
                .default(true)
                .describe("Install prometheus-adapter (custom and external metrics API); off when the cluster already has one."),
            adapterNamespace: label().default("monitoring").describe("Namespace of the prometheus-adapter release."),
            installVpa: z.boolean().default(true).describe("Install the Vertical Pod Autoscaler; off when the cluster already has it."),
            vpaNamespace: label().default("kube-system").describe("Namespace of the VPA release."),
        })
        .prefault({})
        .describe("Metrics pipeline: Prometheus, the custom-metrics adapter and the VPA."),
    gateway: z
        .strictObject({
            className: subdomain().default("istio").describe("GatewayClass of the regional Gateway."),
            hostname: grammar((v) => g.hostnameError(v, { wildcard: true }))
                .default("api.sysmanage.example.com")
                .describe("Public hostname of the API."),
            tlsSecretName: subdomain()
                .default("sysmanage-api-tls")
                .describe("Secret holding the TLS certificate of the HTTPS listener (e.g. issued by cert-manager)."),
            controllerNamespace: label()
                .default("istio-system")
                .describe("Namespace of the gateway controller and its shared proxies; allowed to reach the API."),
            requestTimeout: grammar(g.gatewayDurationError).default("30s").describe("HTTPRoute request timeout for API traffic."),
        })
        .prefault({})
        .describe("Regional (Gateway) and local (HTTPRoute) load-balancer tiers."),
    dns: z
        .strictObject({
            enabled: z.boolean().default(true).describe("Declare the global DNS records (ExternalDNS DNSEndpoint)."),
            routing: z.enum(["weighted", "geo"]).default("weighted").describe("Global routing policy across regions."),
            ttl: int(5, 86400).default(60).describe("TTL of the global records in seconds."),
            regions: z
                .array(
                    z.strictObject({
                        name: label().describe("Region name (matches cluster.region of that region's stack)."),
                        target: grammar(g.dnsTargetError).describe("Load-balancer hostname or IPv4 of that region's Gateway."),
                        weight: int(0, 255).default(100).describe("Weight for weighted routing (0 drains the region)."),
                        geo: z
                            .string()
                            .regex(/^([A-Z]{2}|\*)$/, { message: "must be a continent code (e.g. NA, EU) or *" })
                            .default("*")
                            .describe("Continent code for geo routing; * is the default location."),
                        healthCheckId: grammar(g.providerIdError)
                            .default("")
                            .describe("DNS-provider health check id for this region (optional)."),
                    }),
                )
                .min(1)
                .default([{ name: "us-east-1", target: "sysmanage-us-east-1.lb.example.com", weight: 100, geo: "*", healthCheckId: "" }])
                .describe("Regions serving the public hostname; adding a region is adding an entry."),
        })
        .prefault({})
        .describe("Global load-balancer tier (DNS)."),
    postgres: z
        .strictObject({
            enabled: z.boolean().default(true).describe("Declare the Postgres clusters (CloudNativePG)."),
            image: image().default("ghcr.io/cloudnative-pg/postgresql:17.6").describe("Pinned Postgres image of every cluster."),
            replicas: int(0, 10).default(3).describe("Read replicas of the main cluster (instances = 1 primary + replicas; seed: 3)."),
            cpu: cpu().default("2").describe("CPU of each Postgres instance (request = limit)."),
            memory: bytes().default("8Gi").describe("Memory of each Postgres instance (request = limit); sizes the parameters."),
            storageSize: bytes().default("100Gi").describe("Data volume size per instance."),
            walStorageSize: bytes().default("20Gi").describe("Separate WAL volume size per instance."),
            storageClass: optional(g.dnsSubdomainError).default("").describe("StorageClass of the volumes; empty for the cluster default."),
            maxConnections: int(20, 10000).default(300).describe("max_connections of the main cluster (the connection budget)."),
            readQueriesPerReplica: int(1, 1000000)
                .default(1500)
                .describe(
                    "Read queries/s one instance of postgres.cpu/memory serves at full load (measure yours, e.g. pgbench -S); the forecast sizes postgres.replicas from it.",
                ),
            readTargetUtilization: int(1, 100)
                .default(70)
                .describe("% of postgres.readQueriesPerReplica a replica should carry at the forecast peak."),
            superuserReservedConnections: int(1, 100).default(3).describe("superuser_reserved_connections (CloudNativePG default 3)."),
            systemReservedConnections: int(0, 1000).default(10).describe("Connections kept for the operator, replication and monitoring."),
            headroomConnections: int(0, 1000)
                .default(20)
                .describe("Connections kept free for humans and migrations (outside the poolers)."),
            walKeepSize: grammar((v) =>
                /^[0-9]{1,10}(MB|GB)$/.test(v) && parseInt(v, 10) * (v.endsWith("GB") ? 1024 : 1) <= 2147483647
                    ? undefined
                    : "must be a size such as 512MB or 8GB, at most 2147483647MB (PostgreSQL's limit)",
            )
                .default("8GB")
                .describe("wal_keep_size: WAL the primary keeps for a lagging analytics replica."),
            operatorNamespace: label().default("cnpg-system").describe("Namespace of the CloudNativePG operator release."),
            installOperator: z.boolean().default(true).describe("Install the CloudNativePG operator (pinned Helm release)."),
            backup: z
                .strictObject({
                    destinationPath: optional(g.objectStoreUrlError)
                        .default("")
                        .describe("Object-store path for base backups and WAL archive (s3://...); required in prod."),
                    endpointURL: optional((v) => g.httpUrlError(v, { port: true, path: true }))
                        .default("")
                        .describe("Object-store endpoint URL; empty for AWS S3."),
                    credentialsSecret: subdomain()
                        .default("sysmanage-backup-credentials")
                        .describe("Secret with ACCESS_KEY_ID and ACCESS_SECRET_KEY for the object store."),
                    retentionPolicy: z
                        .string()
                        .regex(/^[1-9][0-9]*[dwm]$/, { message: "must be like 30d, 4w or 3m" })
                        .default("30d")
                        .describe("How long backups are kept."),
                    schedule: grammar(g.scheduleError).default("0 0 3 * * *").describe("ScheduledBackup cron (six fields, with seconds)."),
                })
                .prefault({})
                .describe("Backups of the main cluster to an object store."),
            analytics: z
                .strictObject({
                    enabled: z.boolean().default(true).describe("Declare the analytics replica cluster."),
                    instances: int(1, 5)
                        .default(1)
                        .describe("Instances of the analytics replica cluster (a read-only copy; the main cluster carries the HA)."),
                    cpu: cpu().default("4").describe("CPU of the analytics replica instance."),
                    memory: bytes().default("16Gi").describe("Memory of the analytics replica instance (request = limit)."),
                    storageSize: bytes().default("100Gi").describe("Data volume size of the analytics replica."),
                    maxConnections: int(20, 10000)
                        .default(300)
                        .describe("max_connections of the analytics replica (a hot standby needs at least the primary's)."),
                })
                .prefault({})
                .describe("The analytics replica: a separate cluster following the main one."),
        })
        .prefault({})
        .describe("Postgres (CloudNativePG): the main cluster and the analytics replica."),
    pooler: z
        .strictObject({
            image: image()
                .default("ghcr.io/cloudnative-pg/pgbouncer:1.25.1")
                .describe(
                    "Pinned PgBouncer image of every pooler (CloudNativePG 1.30's default, pinned here so prod can pin it by digest).",
                ),
            cpu: cpu().default("250m").describe("CPU request of each PgBouncer pod (PgBouncer uses one core at most)."),
            memory: bytes().default("256Mi").describe("Memory of each PgBouncer pod (request = limit: Guaranteed, never BestEffort)."),
            writeInstances: int(1, 20).default(3).describe("PgBouncer pods of the -rw pooler (to the primary)."),
            readInstances: int(1, 20).default(3).describe("PgBouncer pods of the -ro pooler (to the replicas)."),
            analyticsInstances: int(1, 20).default(2).describe("PgBouncer pods of the analytics pooler."),
            maxClientConn: int(1, 100000).default(1000).describe("max_client_conn per pooler pod (seed: 1000)."),
            clientTargetUtilization: int(1, 100)
                .default(70)
                .describe("% of max_client_conn a pooler pod should carry at the forecast peak of client connections."),
            defaultPoolSize: int(1, 1000).default(50).describe("default_pool_size before the budget caps it (seed: 50)."),
            minPoolSize: int(0, 1000).default(10).describe("min_pool_size (seed: 10)."),
            reservePoolSize: int(0, 1000).default(10).describe("reserve_pool_size (seed: 10)."),
            maxDbConnections: int(1, 10000)
                .default(100)
                .describe("Upper bound of max_db_connections per pod (seed: 100); the budget may lower it."),
        })
        .prefault({})
        .describe("PgBouncer poolers (CloudNativePG Pooler) with the seed's settings."),
    databaseAccess: z
        .strictObject({
            manageRoles: z
                .boolean()
                .default(true)
                .describe("Manage roles and grants with @pulumi/postgresql (off when the deployer cannot reach the database)."),
            host: grammar(g.hostError)
                .default("127.0.0.1")
                .describe("Host the deployer reaches the primary at (e.g. kubectl port-forward svc/<cluster>-rw 5432)."),
            port: port().default(5432).describe("Port the deployer reaches the primary at."),
            sslmode: z
                .enum(["require", "verify-ca", "verify-full"])
                .default("require")
                .describe("TLS mode of the role-management connection."),
            adminUsername: grammar(g.pgRoleNameError)
                .default("sysmanage_admin")
                .describe("Role the provider connects as (CREATEROLE, not superuser)."),
        })
        .prefault({})
        .describe("How the deployer manages roles and grants."),
    redis: z
        .strictObject({
            enabled: z.boolean().default(true).describe("Declare the Redis Cluster (OT-CONTAINER-KIT redis-operator)."),
            image: image().default("quay.io/opstree/redis:v7.0.15").describe("Pinned Redis image."),
            exporterImage: image().default("quay.io/opstree/redis-exporter:v1.44.0").describe("Pinned redis-exporter image."),
            masters: int(3, 100).default(3).describe("Shards (masters), at least 3."),
            replicasPerMaster: int(0, 5).default(1).describe("Replicas per master (at least 1 in staging and prod)."),
            cpu: cpu().default("500m").describe("CPU request of each Redis node."),
            memory: bytes().default("2Gi").describe("Memory of each Redis node (request = limit); maxmemory derives from it."),
            maxmemoryRatio: z
                .number()
                .min(0.5)
                .max(0.9)
                .default(0.78)
                .describe("maxmemory as a fraction of the memory limit (0.75-0.8 leaves room for fragmentation and forks)."),
            evictionPolicy: z
                .enum(["allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "volatile-ttl", "noeviction"])
                .default("allkeys-lru")
                .describe("maxmemory-policy (a cache evicts)."),
            storageSize: bytes().default("5Gi").describe("Volume per node for RDB snapshots and nodes.conf."),
            allowShardJump: z.boolean().default(false).describe("Allow changing masters by more than one per update."),
            operatorNamespace: label().default("redis-operator").describe("Namespace of the redis-operator release."),
            installOperator: z.boolean().default(true).describe("Install the redis-operator (pinned Helm release)."),
        })
        .prefault({})
        .describe("The Redis Cluster cache."),
    forecast: z
        .strictObject({
            enabled: z
                .boolean()
                .default(true)
                .describe("Size HPA min/max and the data-tier counts from the stack's metric exports before every preview, up and render."),
            exportsDir: optional(g.relativePathError)
                .default("")
                .describe("Directory of the export files, relative to the project; empty for exports/<stack>."),
            prometheus: z
                .strictObject({
                    url: optional((v) => g.httpUrlError(v, { credentials: true, port: true, path: true }))
                        .default("")
                        .describe(
                            "Prometheus that npm run forecast -- --refresh queries; empty for metrics.prometheusUrl:metrics.prometheusPort (PROMETHEUS_URL overrides both).",
                        ),
                    stepSeconds: int(1, 86400).default(300).describe("Resolution of the refreshed exports (query_range step)."),
                    days: int(1, 90).default(14).describe("Days of history a refresh pulls."),
                })
                .prefault({})
                .describe("Where --refresh pulls fresh exports from."),
            series: z
                .strictObject({
                    api: z
                        .strictObject({
                            requests: exportRef(
                                "Total API requests/s (not per pod); sized against api.targets.requestsPerSecond per pod.",
                                "rate",
                            ),
                            cpu: exportRef(
                                "Total API CPU in cores; sized against api.resources.cpuRequest × api.targets.cpuUtilization.",
                                "gauge",
                            ),
                            memory: exportRef(
                                "Total API memory in bytes; sized against api.resources.memoryRequest × api.targets.memoryUtilization.",
                                "gauge",
                            ),
                            latencyP95: exportRef(
                                "API p95 latency in seconds; feeds the capacity planner (a per-pod average the HPA multiplies by the pod count, not a load to size from).",
                                "gauge",
                            ),
                        })
                        .optional()
                        .describe("The API's series; unset: the API keeps its configured bounds."),
                    workers: z
                        .strictObject({
                            queue: workerSeries("queue"),
                            agent: workerSeries("agent"),
                            report: workerSeries("report"),
                            cleanup: workerSeries("cleanup"),
                        })
                        .prefault({})
                        .describe("Each worker pool's series; a pool without them keeps its configured bounds."),
                    redis: z
                        .strictObject({
                            memoryUsed: exportRef(
                                "Redis memory used over all masters, bytes (sizes redis.masters through the cache scaling rules).",
                                "gauge",
                            ),
                            opsPerSecond: exportRef(
                                "Redis commands/s over all masters (sizes redis.masters through the cache scaling rules).",
                                "rate",
                            ),
                        })
                        .optional()
                        .describe("Redis series; both are needed to size redis.masters."),
                    postgres: z
                        .strictObject({
                            readQueries: exportRef(
                                "Read queries/s on the main cluster (sizes postgres.replicas against postgres.readQueriesPerReplica).",
                                "rate",
                            ),
                        })
                        .optional()
                        .describe("Postgres series."),
                    poolers: z
                        .strictObject({
                            write: exportRef(
                                "Client connections to the -rw pooler (sizes pooler.writeInstances against pooler.maxClientConn).",
                                "gauge",
                            ),
                            read: exportRef("Client connections to the read pooler (sizes pooler.readInstances).", "gauge"),
                            analytics: exportRef("Client connections to the analytics pooler (sizes pooler.analyticsInstances).", "gauge"),
                        })
                        .optional()
                        .describe("PgBouncer client-connection series, one per pooler."),
                })
                .prefault({})
                .describe(
                    "Which export holds which tier's series, and the PromQL that refreshes it; capacity per pod comes from the HPA targets.",
                ),
            guardrails: z
                .strictObject({
                    api: replicaGuardrails(1, 100, "API"),
                    workers: z
                        .strictObject({
                            queue: replicaGuardrails(1, 60, "queue worker"),
                            agent: replicaGuardrails(1, 60, "agent worker"),
                            report: replicaGuardrails(1, 60, "report worker"),
                            cleanup: replicaGuardrails(1, 60, "cleanup worker"),
                        })
                        .prefault({})
                        .describe("Bounds the forecast keeps each worker pool's HPA within."),
                    redisMasters: countGuardrails(3, 12, 3, 100, "Redis masters (shards)"),
                    postgresReplicas: countGuardrails(0, 5, 0, 10, "Postgres read replicas"),
                    poolerInstances: countGuardrails(1, 10, 1, 20, "pods of each PgBouncer pooler (at least 2 outside dev)"),
                })
                .prefault({})
                .describe("Per-environment limits the forecast never sizes beyond."),
            averageValueUtilization: int(1, 100)
                .default(70)
                .describe(
                    "An HPA AverageValue target (100 req/s, 10 queue items per pod) as a % of what one pod handles at full load; the replay counts a pod short when load exceeds that.",
                ),
            hysteresisPercent: int(0, 100)
                .default(10)
                .describe(
                    "A bound or count moves only by at least max(1, this % of its current value), so previews do not churn on noise.",
                ),
            underProvisionedTargetPercent: z
                .number()
                .min(0)
                .max(100)
                .default(5)
                .describe(
                    "minReplicas is the smallest floor whose replay of recent history leaves at most this % of ticks under-provisioned.",
                ),
            headroomPercent: int(0, 400)
                .default(20)
                .describe(
                    "maxReplicas covers the forecast peak (the higher of the upper band and the peak band, × the peak factor; at least the recent peak) plus this %.",
                ),
            trainingDays: int(2, 90).default(14).describe("Days of the most recent history the models train on."),
            floorHistoryDays: int(1, 30)
                .default(7)
                .describe("Days of the most recent history replayed through the HPA to choose minReplicas."),
            floorScenario: z
                .enum(["forecast", "history"])
                .default("forecast")
                .describe(
                    "What the floor's replay runs: `forecast` scales each replayed day so its peak is the forecast's peak for the matching day ahead (at most ×2 or ÷2); `history` replays the days as they were.",
                ),
            maxAgeDays: int(0, 365)
                .default(0)
                .describe(
                    "Exports older than this fall back to the configured bounds and counts with a warning; 0 disables the check (demo exports).",
                ),
            policyMinimum: int(1, 100)
                .default(1)
                .describe("The forecast never sizes minReplicas below this (the policy pack's HA floor of the environment)."),
        })
        .prefault({})
        .describe("The forecasting step (issue 4)."),
    images: z
        .strictObject({
            digests: z
                .record(
                    grammar((r) =>
                        g.pinnedImageError(r) === undefined && !r.includes("@")
                            ? undefined
                            : "must be an image reference with a version tag (registry/name:tag, not latest, no digest)",
                    ),
                    grammar((d) => (g.isSha256Digest(d) ? undefined : "must be sha256:<64 lowercase hex digits>")),
                )
                .default({})
                .describe(
                    "Digests of the images the program runs by tag (`<image>:<tag>` -> `sha256:...`): the data tier's, the operators' and the charts'. Each listed image is pinned as `<image>:<tag>@<digest>`; prod requires a digest for every image (policy wl-image-pinned).",
                ),
        })
        .prefault({})
        .describe("Image pinning by digest."),
    network: z
        .strictObject({
            postgresPort: port().default(5432).describe("Port of the Postgres poolers and clusters the apps may reach."),
            redisPort: port().default(6379).describe("Port of Redis the apps may reach."),
        })
        .prefault({})
        .describe("Ports the NetworkPolicies open toward the data tier."),
});

export type AppConfig = z.output<typeof ConfigSchema>;
export type WorkerPoolConfig = AppConfig["workers"]["queue"];
export type ResourcesConfig = WorkerPoolConfig["resources"];
export const WORKER_POOLS = ["queue", "agent", "report", "cleanup"] as const;
export type WorkerPoolName = (typeof WORKER_POOLS)[number];

/** Top-level config keys, in schema order. */
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof AppConfig)[];

export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "ConfigError";
    }
}

/** Config keys whose strings are URLs: a message shows them without user, password or query values. */
const URL_KEYS = new Set([
    "metrics.prometheusUrl",
    "forecast.prometheus.url",
    "postgres.backup.endpointURL",
    "postgres.backup.destinationPath",
]);
const MAX_SHOWN_CHARS = 200;
const MAX_SHOWN_ENTRIES = 20;

/**
 * A config value as a message shows it: strings quoted, numbers as they are (`Infinity`, `NaN`),
 * lists and maps in JSON form, long ones cut with their length said; URLs (a string with `://`,
 * or any string of a URL key) without credentials.
 */
export function showValue(v: unknown, o: { url?: boolean } = {}, depth = 0): string {
    if (typeof v === "string") {
        const s = o.url || v.includes("://") ? g.redactUrl(v) : v;
        return s.length > MAX_SHOWN_CHARS ? `${JSON.stringify(s.slice(0, MAX_SHOWN_CHARS))}… (${s.length} characters)` : JSON.stringify(s);
    }
    if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
    if (v === undefined) return "unset";
    if (v === null || typeof v === "boolean" || typeof v === "bigint") return String(v);
    if (typeof v !== "object") return typeof v;
    if (depth >= 4) return Array.isArray(v) ? "[…]" : "{…}";
    const more = (n: number) => (n > MAX_SHOWN_ENTRIES ? `,… (${n} entries)` : "");
    if (Array.isArray(v))
        return `[${v
            .slice(0, MAX_SHOWN_ENTRIES)
            .map((x) => showValue(x, o, depth + 1))
            .join(",")}${more(v.length)}]`;
    const entries = Object.entries(v as Record<string, unknown>);
    return `{${entries
        .slice(0, MAX_SHOWN_ENTRIES)
        .map(([k, x]) => `${showValue(k)}:${showValue(x, o, depth + 1)}`)
        .join(",")}${more(entries.length)}}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = raw;
    for (const p of path) {
        if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}

/** `api.resources.cpuRequest`, `dns.regions[0].target`, `metrics.monitorLabels["app.kubernetes.io/name"]`. */
function keyPath(path: readonly PropertyKey[]): string {
    return path
        .map((p, i) =>
            typeof p === "number"
                ? `[${p}]`
                : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(p))
                  ? `${i === 0 ? "" : "."}${String(p)}`
                  : `[${showValue(String(p))}]`,
        )
        .join("");
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
    object: "an object (a map of keys to values)",
    record: "a map of keys to values",
    array: "a list",
    string: "a string",
    number: "a number",
    int: "an integer",
    boolean: "true or false",
};

/** One schema issue as the key it is about and what is wrong with its value. */
function describeIssue(
    issue: z.core.$ZodIssue,
    raw: unknown,
    shown: (path: readonly PropertyKey[], v: unknown) => string,
): { key: string; text: string } {
    const key = keyPath(issue.path);
    const value = valueAt(raw, issue.path);
    const v = () => shown(issue.path, value);
    switch (issue.code) {
        case "unrecognized_keys":
            // One line per key (see parseConfig); the key is the problem, its value is not shown.
            return { key, text: "is not a known key (see the config table in README.md)" };
        case "invalid_key": {
            const inner = issue.issues.map((i) => i.message).join("; ");
            return {
                key: keyPath(issue.path.slice(0, -1)),
                text: `has the key ${showValue(String(issue.path[issue.path.length - 1]))}, which ${inner}`,
            };
        }
        case "too_small":
            if (issue.origin === "array")
                return { key, text: `(${v()}) must have at least ${String(issue.minimum)} ${issue.minimum === 1 ? "entry" : "entries"}` };
            if (issue.origin === "string") return { key, text: `(${v()}) must have at least ${String(issue.minimum)} characters` };
            return { key, text: `(${v()}) must be >= ${String(issue.minimum)}` };
        case "too_big":
            return { key, text: `(${v()}) must be <= ${String(issue.maximum)}` };
        case "invalid_type": {
            const want = TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
            if (value === undefined) return { key, text: `is required (${want})` };
            if (typeof value === "number" && !Number.isFinite(value) && (issue.expected === "number" || issue.expected === "int"))
                return { key, text: `(${v()}) must be a finite number` };
            return { key, text: `(${v()}) must be ${want}` };
        }
        case "invalid_value":
            return { key, text: `(${v()}) must be one of ${issue.values.map((x) => showValue(x)).join(", ")}` };
        default:
            return { key, text: `(${v()}) ${issue.message}` };
    }
}

/** A Kubernetes quantity in base units (`500m` → 0.5, `1Gi` → 1073741824); NaN when it is not one. */
export const quantityValue = g.quantityValue;

/** Cross-field rules a schema cannot express; each returns the problems it finds. */
function crossFieldProblems(c: AppConfig, show: (v: unknown, key: string) => string): string[] {
    const out: string[] = [];
    const minMax = (key: string, min: number, max: number) => {
        if (min > max) out.push(`${key}.minReplicas (${min}) must be <= ${key}.maxReplicas (${max})`);
    };
    const res = (key: string, r: ResourcesConfig) => {
        if (quantityValue(r.memoryLimit) < quantityValue(r.memoryRequest))
            out.push(
                `${key}.resources.memoryLimit (${show(r.memoryLimit, key)}) must be >= ${key}.resources.memoryRequest (${show(r.memoryRequest, key)})`,
            );
        if (r.cpuLimit !== "" && quantityValue(r.cpuLimit) < quantityValue(r.cpuRequest))
            out.push(
                `${key}.resources.cpuLimit (${show(r.cpuLimit, key)}) must be >= ${key}.resources.cpuRequest (${show(r.cpuRequest, key)})`,
            );
    };
    const grace = (key: string, s: { terminationGracePeriodSeconds: number; preStopSleepSeconds: number }) => {
        if (s.preStopSleepSeconds >= s.terminationGracePeriodSeconds)
            out.push(
                `${key}.shutdown.preStopSleepSeconds (${s.preStopSleepSeconds}) must be < ${key}.shutdown.terminationGracePeriodSeconds (${s.terminationGracePeriodSeconds})`,
            );
    };
    minMax("api", c.api.minReplicas, c.api.maxReplicas);
    res("api", c.api.resources);
    grace("api", c.api.shutdown);
    const queues = new Map<string, string>();
    for (const name of WORKER_POOLS) {
        const p = c.workers[name];
        const key = `workers.${name}`;
        minMax(key, p.minReplicas, p.maxReplicas);
        res(key, p.resources);
        grace(key, p.shutdown);
        if (p.enabled) {
            const other = queues.get(p.queueName);
            if (other) out.push(`${key}.queueName (${show(p.queueName, "workers")}) is already consumed by workers.${other}`);
            queues.set(p.queueName, name);
        }
    }
    res("analytics", c.analytics.resources);
    grace("analytics", c.analytics.shutdown);
    const v = c.analytics.vpa;
    if (quantityValue(v.minCpu) > quantityValue(v.maxCpu))
        out.push(`analytics.vpa.minCpu (${show(v.minCpu, "analytics")}) must be <= analytics.vpa.maxCpu (${show(v.maxCpu, "analytics")})`);
    if (quantityValue(v.minMemory) > quantityValue(v.maxMemory))
        out.push(
            `analytics.vpa.minMemory (${show(v.minMemory, "analytics")}) must be <= analytics.vpa.maxMemory (${show(v.maxMemory, "analytics")})`,
        );
    if (new Set(c.zones).size !== c.zones.length) out.push(`zones (${show(c.zones, "zones")}) must not repeat a zone`);
    const names = c.dns.regions.map((r) => r.name);
    names.forEach((n, i) => {
        if (names.indexOf(n) !== i) out.push(`dns.regions[${i}].name (${show(n, "dns")}) must be unique`);
    });
    if (c.dns.enabled && !names.includes(c.cluster.region))
        out.push(`cluster.region (${show(c.cluster.region, "cluster")}) must be one of dns.regions[].name (${show(names, "dns")})`);
    if (c.environment === "prod" && c.postgres.enabled && !c.postgres.backup.destinationPath)
        out.push(`postgres.backup.destinationPath ("") must be set in prod (backups to an object store are required)`);
    if (c.environment !== "dev") {
        for (const k of ["writeInstances", "readInstances", "analyticsInstances"] as const)
            if (c.pooler[k] < 2) out.push(`pooler.${k} (${c.pooler[k]}) must be >= 2 in ${c.environment}`);
        if (c.redis.enabled && c.redis.replicasPerMaster < 1)
            out.push(`redis.replicasPerMaster (${c.redis.replicasPerMaster}) must be >= 1 in ${c.environment}`);
    }
    if (c.postgres.enabled && c.postgres.analytics.enabled && c.postgres.analytics.maxConnections < c.postgres.maxConnections)
        out.push(
            `postgres.analytics.maxConnections (${c.postgres.analytics.maxConnections}) must be >= postgres.maxConnections (${c.postgres.maxConnections}): a hot standby refuses to start with fewer connections than its primary`,
        );
    if (c.pooler.maxDbConnections < c.pooler.minPoolSize + c.pooler.reservePoolSize)
        out.push(
            `pooler.maxDbConnections (${c.pooler.maxDbConnections}) must be >= pooler.minPoolSize + pooler.reservePoolSize (${c.pooler.minPoolSize + c.pooler.reservePoolSize})`,
        );
    if (c.pooler.minPoolSize > c.pooler.defaultPoolSize)
        out.push(`pooler.minPoolSize (${c.pooler.minPoolSize}) must be <= pooler.defaultPoolSize (${c.pooler.defaultPoolSize})`);
    if (c.cluster.renderYamlToDirectory) {
        const on = (
            [
                ["metrics.installAdapter", c.metrics.installAdapter],
                ["metrics.installVpa", c.metrics.installVpa],
                ["postgres.installOperator", c.postgres.enabled && c.postgres.installOperator],
                ["redis.installOperator", c.redis.enabled && c.redis.installOperator],
            ] as const
        ).filter(([, v]) => v);
        if (on.length)
            out.push(
                `cluster.renderYamlToDirectory (${show(c.cluster.renderYamlToDirectory, "cluster")}) needs ${on.map(([k]) => k).join(", ")} false (Helm releases cannot be rendered to YAML)`,
            );
        if (c.postgres.enabled && c.databaseAccess.manageRoles)
            out.push(
                `cluster.renderYamlToDirectory (${show(c.cluster.renderYamlToDirectory, "cluster")}) needs databaseAccess.manageRoles false (there is no database to connect to)`,
            );
    }
    const gr = c.forecast.guardrails;
    const guard = (key: string, lo: string, hi: string, min: number, max: number) => {
        if (min > max) out.push(`forecast.guardrails.${key}.${lo} (${min}) must be <= forecast.guardrails.${key}.${hi} (${max})`);
    };
    guard("api", "minReplicas", "maxReplicas", gr.api.minReplicas, gr.api.maxReplicas);
    for (const name of WORKER_POOLS)
        guard(`workers.${name}`, "minReplicas", "maxReplicas", gr.workers[name].minReplicas, gr.workers[name].maxReplicas);
    for (const key of ["redisMasters", "postgresReplicas", "poolerInstances"] as const) guard(key, "min", "max", gr[key].min, gr[key].max);
    // The guardrails bound what the forecast may set; bounds configured wholly outside them would
    // let it jump there (1..4 -> 50..51) on the first preview, with no warning.
    const overlap = (
        key: string,
        configured: { minReplicas: number; maxReplicas: number },
        g2: { minReplicas: number; maxReplicas: number },
    ) => {
        const why = "the guardrails must overlap the configured bounds, or the forecast would jump past them";
        if (g2.minReplicas <= g2.maxReplicas && g2.minReplicas > configured.maxReplicas)
            out.push(
                `forecast.guardrails.${key}.minReplicas (${g2.minReplicas}) must be <= ${key}.maxReplicas (${configured.maxReplicas}): ${why}`,
            );
        if (g2.minReplicas <= g2.maxReplicas && g2.maxReplicas < configured.minReplicas)
            out.push(
                `forecast.guardrails.${key}.maxReplicas (${g2.maxReplicas}) must be >= ${key}.minReplicas (${configured.minReplicas}): ${why}`,
            );
    };
    // Only where the forecast sizes the workload: enabled, with the workload's series mapped.
    if (c.forecast.enabled) {
        if (c.forecast.series.api) overlap("api", c.api, gr.api);
        for (const name of WORKER_POOLS) if (c.forecast.series.workers[name]) overlap(`workers.${name}`, c.workers[name], gr.workers[name]);
    }
    if (c.dns.routing === "weighted" && c.dns.regions.every((r) => r.weight === 0))
        out.push(`dns.regions[].weight (all 0) must leave at least one region with weight > 0`);
    if (c.dns.routing === "geo" && !c.dns.regions.some((r) => r.geo === "*"))
        out.push(
            `dns.regions[].geo (${show(
                c.dns.regions.map((r) => r.geo),
                "dns",
            )}) must include one default location "*" for geo routing`,
        );
    return out;
}

/** Where a stack's config came from, for messages: the files of its keys and which are secret. */
export interface ConfigOrigin {
    /** Full keys (`project:key`) holding secrets: messages never show their values. */
    readonly secretKeys?: readonly string[];
    /** The file each full key was read from (`Pulumi.yaml` for a project default); default the stack file. */
    readonly files?: Readonly<Record<string, string>>;
}

/**
 * Validates a stack's raw config (top-level keys without the project prefix, structured values
 * already parsed) and returns the frozen typed config, or throws a ConfigError whose lines each
 * name the file, the key, the value and the rule. Values of secret keys are never shown.
 */
export function parseConfig(raw: Record<string, unknown>, stack: string, origin: ConfigOrigin = {}): Readonly<AppConfig> {
    const stackFile = `Pulumi.${stack}.yaml`;
    const secret = new Set((origin.secretKeys ?? []).map((k) => k.slice(k.indexOf(":") + 1)));
    const fileOf = (top: PropertyKey | undefined) =>
        top === undefined ? stackFile : (origin.files?.[`${PROJECT}:${String(top)}`] ?? stackFile);
    const shown = (path: readonly PropertyKey[], v: unknown) =>
        path.length && secret.has(String(path[0]))
            ? "[secret]"
            : showValue(v, { url: URL_KEYS.has(path.filter((p) => typeof p === "string").join(".")) });
    let parsed: ReturnType<typeof ConfigSchema.safeParse>;
    try {
        parsed = ConfigSchema.safeParse(raw);
    } catch (e) {
        throw new ConfigError([`${stackFile}: the config could not be validated (a bug, please report it): ${(e as Error).message}`]);
    }
    if (!parsed.success) {
        // zod's integer check also reports the safe-integer range; the schema's own bound says more.
        const issues = parsed.error.issues.filter(
            (i) =>
                !((i.code === "too_big" || i.code === "too_small") && i.origin === "int") ||
                !parsed.error.issues.some((j) => j !== i && j.code === i.code && j.path.join("\u0000") === i.path.join("\u0000")),
        );
        const lines = issues.flatMap((i) => {
            // An unknown key is its own line, under the file it came from.
            const paths = i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k]) : [i.path];
            return paths.map((path) => {
                const { key, text } = describeIssue({ ...i, path }, raw, shown);
                return `${fileOf(path[0])}: ${key} ${text}`;
            });
        });
        throw new ConfigError([...new Set(lines)]);
    }
    const problems = crossFieldProblems(parsed.data, (v, key) => (secret.has(key.split(/[.[]/)[0]) ? "[secret]" : showValue(v)));
    if (problems.length) throw new ConfigError(problems.map((p) => `${stackFile}: ${p}`));
    return deepFreeze(parsed.data);
}

function deepFreeze<T>(o: T): Readonly<T> {
    if (o && typeof o === "object") {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
    }
    return o;
}

/**
 * Reads this stack's config from the Pulumi runtime once and validates it. Structured keys
 * arrive as JSON strings; keys of this project that the schema does not know are errors (a
 * misspelt key would otherwise be silently ignored), and so are keys under a namespace that is
 * neither the project's nor a provider's (a misspelt project name).
 */
export function loadConfig(): Readonly<AppConfig> {
    const stack = pulumi.getStack();
    const all = pulumi.runtime.allConfig();
    // The SDK knows which keys the engine passed as secrets (marked internal, so looked up defensively).
    const isSecret = (pulumiConfig as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    const secretKeys = typeof isSecret === "function" ? Object.keys(all).filter((k) => isSecret(k)) : [];
    return parseConfig(rawConfig(all, stack, { secretKeys }), stack, { secretKeys });
}

/** How a non-finite number (YAML `.inf`, `.nan`) travels in a config string, which is JSON. */
const NON_FINITE = "$nonFinite";

/**
 * A config value as the string the engine would pass (strings as they are, the rest as JSON),
 * keeping `.inf`/`-.inf`/`.nan` (which JSON turns into null) so messages can show them. The offline
 * readers use it; `rawConfig` reads it back.
 */
export function configValueString(v: unknown): string {
    if (typeof v === "string") return v;
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? { [NON_FINITE]: String(x) } : x));
    return s ?? "null";
}

const reviveNonFinite = (_k: string, x: unknown): unknown => {
    if (x === null || typeof x !== "object" || Array.isArray(x)) return x;
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    return keys.length === 1 && keys[0] === NON_FINITE && ["Infinity", "-Infinity", "NaN"].includes(String(o[NON_FINITE]))
        ? Number(o[NON_FINITE])
        : x;
};

/**
 * This project's keys of a config map as the engine passes it (`project:key` to string) with
 * structured values parsed: the input of `parseConfig`. The offline tools read stack files into
 * the same map, so they validate exactly what `pulumi up` would. A key under a namespace that is
 * neither the project's nor one of PROVIDER_NAMESPACES, or not of the form `namespace:name`, is
 * an error (all of them are reported together).
 */
export function rawConfig(all: Readonly<Record<string, string>>, stack: string, origin: ConfigOrigin = {}): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const problems: string[] = [];
    const secret = new Set(origin.secretKeys ?? []);
    for (const [fullKey, value] of Object.entries(all)) {
        const file = origin.files?.[fullKey] ?? `Pulumi.${stack}.yaml`;
        const parts = fullKey.split(":");
        // `ns:config:name` is the old spelling of `ns:name`, which the engine still accepts.
        const [ns, key] = parts.length === 3 && parts[1] === "config" ? [parts[0], parts[2]] : parts;
        if ((parts.length !== 2 && !(parts.length === 3 && parts[1] === "config")) || !ns || !key) {
            problems.push(`${file}: ${showValue(fullKey)} is not a config key of the form <namespace>:<name> (e.g. ${PROJECT}:api)`);
            continue;
        }
        if (ns !== PROJECT) {
            if (!PROVIDER_NAMESPACES.includes(ns))
                problems.push(
                    `${file}: ${fullKey.includes(" ") || /[^\x21-\x7e]/.test(fullKey) ? showValue(fullKey) : fullKey} is not a key of this project (${PROJECT}) nor of a provider it configures (${PROVIDER_NAMESPACES.join(", ")}): a misspelt project name? (unknown keys are errors)`,
                );
            continue;
        }
        try {
            // Structured values arrive as JSON; every top-level scalar key of the schema is a string.
            raw[key] = value.startsWith("{") || value.startsWith("[") ? (JSON.parse(value, reviveNonFinite) as unknown) : value;
        } catch {
            const shown = secret.has(fullKey) ? "[secret]" : showValue(value);
            problems.push(`${file}: ${key} (${shown}) is not valid JSON/YAML`);
        }
    }
    if (problems.length) throw new ConfigError(problems);
    return raw;
}
