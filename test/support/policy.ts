/**
 * Policy test helpers: a compliant fixture stack (every rule passes it under the prod config),
 * one-field mutations of it, and runners that build the policy args the way the engine does
 * (policies/harness.ts). Tests import rules, never the pack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyResource } from "@pulumi/policy";
import { safeToEvict } from "../../policies/contract";
import { runRule, toPolicyResources, type DeclaredLike, type PackConfig, type Policy, ruleConfig } from "../../policies/harness";

export type Obj = Record<string, any>;
export type Fixture = {
    type: string;
    name: string;
    inputs: Obj;
    options?: { ignoreChanges?: string[]; dependsOn?: string[]; parent?: string };
};

export const NS = "app";
const DIGEST = "@sha256:" + "a".repeat(64);
const POOLER_RESOURCES = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "250m", memory: "256Mi" } };
const REDIS_CONTAINER = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
};
const labels = (name: string, component: string) => ({
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": "t",
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "sysmanage",
    "app.kubernetes.io/managed-by": "pulumi",
});
const sel = (name: string) => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/instance": "t" });
const meta = (name: string, component = "api") => ({ name, namespace: NS, labels: labels(name, component) });
/** The tier classes of policies/contract/scheduling.ts, written out (issue 17 #2's order). */
export const CLASSES = { data: 1000000, api: 900000, workers: 500000, batch: 100000 } as const;
const CLASS_OF: Record<string, string> = { api: "sysmanage-api", worker: "sysmanage-workers", analytics: "sysmanage-batch" };

/** A container that passes every workload and security rule. */
export function container(name: string, image: string, port: number): Obj {
    return {
        name,
        image: `${image}${DIGEST}`,
        ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
        env: [{ name: "LOG_LEVEL", value: "info" }],
        resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
        readinessProbe: { httpGet: { path: "/health/ready", port: "http" }, periodSeconds: 5 },
        livenessProbe: { httpGet: { path: "/health/live", port: "http" }, periodSeconds: 10 },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
}

function deployment(name: string, component: string, replicas: number, port: number): Fixture {
    return {
        type: "kubernetes:apps/v1:Deployment",
        name: `${name}-deployment`,
        inputs: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: meta(name, component),
            spec: {
                replicas,
                selector: { matchLabels: sel(name) },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                template: {
                    metadata: { labels: labels(name, component), annotations: safeToEvict("tmp") },
                    spec: {
                        serviceAccountName: name,
                        automountServiceAccountToken: false,
                        priorityClassName: CLASS_OF[component],
                        terminationGracePeriodSeconds: 30,
                        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
                        topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
                            maxSkew: 1,
                            topologyKey,
                            whenUnsatisfiable: "ScheduleAnyway",
                            labelSelector: { matchLabels: sel(name) },
                        })),
                        containers: [container("app", `ghcr.io/sysmanage/${name}`, port)],
                        volumes: [{ name: "tmp", emptyDir: {} }],
                    },
                },
            },
        },
        options: { ignoreChanges: ["spec.replicas"] },
    };
}

const k = (
    type: string,
    name: string,
    apiVersion: string,
    kind: string,
    metadata: Obj,
    rest: Obj,
    options?: Fixture["options"],
): Fixture => ({
    type,
    name,
    inputs: { apiVersion, kind, metadata, ...rest },
    ...(options ? { options } : {}),
});

const np = (name: string, spec: Obj) =>
    k(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        `np-${name}`,
        "networking.k8s.io/v1",
        "NetworkPolicy",
        { name, namespace: NS },
        { spec },
    );
const pdb = (name: string, matchLabels: Obj) =>
    k("kubernetes:policy/v1:PodDisruptionBudget", `${name}-pdb`, "policy/v1", "PodDisruptionBudget", meta(name), {
        spec: { maxUnavailable: 1, selector: { matchLabels }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
    });
const zoneSpread = (matchLabels: Obj) => [
    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels } },
];

/**
 * The compliant stack: an autoscaled API behind a Gateway, a VPA-sized analytics Deployment,
 * a CloudNativePG cluster with rw/ro poolers, a Redis cluster, PDBs and NetworkPolicies.
 */
export function fixture(): Fixture[] {
    const api = deployment("api", "api", 3, 8000);
    const analytics = deployment("analytics", "analytics", 2, 8080);
    analytics.options = {};
    return [
        { type: "pulumi:providers:kubernetes", name: "kubernetes", inputs: {} },
        { type: "sysmanage:compute:ScalableService", name: "api", inputs: {} },
        { ...api, options: { ...api.options, parent: "api" } },
        k("kubernetes:core/v1:ServiceAccount", "api-sa", "v1", "ServiceAccount", meta("api"), { automountServiceAccountToken: false }),
        k("kubernetes:core/v1:Service", "api-service", "v1", "Service", meta("api"), {
            spec: { type: "ClusterIP", selector: sel("api"), ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }] },
        }),
        k("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa", "autoscaling/v2", "HorizontalPodAutoscaler", meta("api"), {
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
                minReplicas: 3,
                maxReplicas: 10,
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
                behavior: {
                    scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] },
                    scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
                },
            },
        }),
        pdb("api", sel("api")),
        analytics,
        k("kubernetes:core/v1:ServiceAccount", "analytics-sa", "v1", "ServiceAccount", meta("analytics", "analytics"), {
            automountServiceAccountToken: false,
        }),
        k(
            "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler",
            "analytics-vpa",
            "autoscaling.k8s.io/v1",
            "VerticalPodAutoscaler",
            meta("analytics", "analytics"),
            {
                spec: {
                    targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "analytics" },
                    updatePolicy: { updateMode: "Recreate" },
                    resourcePolicy: {
                        containerPolicies: [
                            {
                                containerName: "app",
                                minAllowed: { cpu: "250m", memory: "512Mi" },
                                maxAllowed: { cpu: "2", memory: "4Gi" },
                                controlledResources: ["cpu", "memory"],
                            },
                        ],
                    },
                },
            },
        ),
        pdb("analytics", sel("analytics")),
        k(
            "kubernetes:gateway.networking.k8s.io/v1:Gateway",
            "gateway",
            "gateway.networking.k8s.io/v1",
            "Gateway",
            { name: "gw", namespace: NS },
            {
                spec: {
                    gatewayClassName: "istio",
                    listeners: [
                        {
                            name: "https",
                            port: 443,
                            protocol: "HTTPS",
                            tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "tls" }] },
                        },
                        { name: "http", port: 80, protocol: "HTTP" },
                    ],
                },
            },
        ),
        k(
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            "api-route",
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            { name: "api", namespace: NS },
            {
                spec: { parentRefs: [{ name: "gw", sectionName: "https" }], rules: [{ backendRefs: [{ name: "api", port: 8000 }] }] },
            },
        ),
        k(
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            "redirect-route",
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            { name: "redirect", namespace: NS },
            {
                spec: {
                    parentRefs: [{ name: "gw", sectionName: "http" }],
                    rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
                },
            },
        ),
        ...Object.entries(CLASSES).map(([tier, value]) =>
            k(
                "kubernetes:scheduling.k8s.io/v1:PriorityClass",
                `priority-${tier}`,
                "scheduling.k8s.io/v1",
                "PriorityClass",
                { name: `sysmanage-${tier}` },
                {
                    value,
                    globalDefault: false,
                    preemptionPolicy: tier === "batch" ? "Never" : "PreemptLowerPriority",
                },
            ),
        ),
        np("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
        np("allow-postgres", {
            podSelector: { matchLabels: { "cnpg.io/podRole": "instance" } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        { podSelector: { matchLabels: { "cnpg.io/podRole": "pooler" } } },
                        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cnpg-system" } } },
                    ],
                },
            ],
        }),
        np("allow-poolers", {
            podSelector: { matchLabels: { "cnpg.io/podRole": "pooler" } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        {
                            podSelector: {
                                matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["api", "analytics"] }],
                            },
                        },
                    ],
                },
            ],
        }),
        np("allow-redis", {
            podSelector: { matchLabels: { redis_setup_type: "cluster" } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        { podSelector: { matchLabels: { "app.kubernetes.io/component": "api" } } },
                        { podSelector: { matchLabels: { redis_setup_type: "cluster" } } },
                    ],
                },
            ],
        }),
        k(
            "kubernetes:postgresql.cnpg.io/v1:Cluster",
            "pg-cluster",
            "postgresql.cnpg.io/v1",
            "Cluster",
            // The memory model's assumptions (pg-memory-bounded): 2 pooler pods × 15 per instance role + 10 direct.
            { name: "pg", namespace: NS, annotations: { "sysmanage.io/active-backends": "40", "sysmanage.io/query-memory-nodes": "2" } },
            {
                spec: {
                    instances: 3,
                    imageName: `ghcr.io/cloudnative-pg/postgresql:17.6${DIGEST}`,
                    inheritedMetadata: { annotations: safeToEvict("scratch-data", "shm") },
                    // Worst case (MiB): 784 shared + 202 × 2 + 42 × 2 × 4 × 2 + 40 × 8 + 128 + 3 × 64 + 128 = 2628 of 2765 (3Gi less 10 %).
                    postgresql: {
                        parameters: {
                            max_connections: "200",
                            superuser_reserved_connections: "3",
                            shared_buffers: "768MB",
                            work_mem: "4MB",
                            maintenance_work_mem: "128MB",
                            autovacuum_work_mem: "64MB",
                            max_parallel_workers: "2",
                        },
                    },
                    affinity: { enablePodAntiAffinity: true, topologyKey: "kubernetes.io/hostname" },
                    topologySpreadConstraints: zoneSpread({ "cnpg.io/cluster": "pg" }),
                    priorityClassName: "sysmanage-data",
                    backup: { barmanObjectStore: { destinationPath: "s3://backups/pg" } },
                    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "3Gi" } },
                },
            },
        ),
        ...(["rw", "ro"] as const).map((type) =>
            k(
                "kubernetes:postgresql.cnpg.io/v1:Pooler",
                `pg-${type}-pooler`,
                "postgresql.cnpg.io/v1",
                "Pooler",
                { name: `pg-${type}`, namespace: NS },
                {
                    spec: {
                        cluster: { name: "pg" },
                        instances: 2,
                        type,
                        pgbouncer: {
                            poolMode: "transaction",
                            parameters: { default_pool_size: "10", reserve_pool_size: "5", max_client_conn: "1000" },
                        },
                        template: {
                            metadata: { labels: { "app.kubernetes.io/component": "pooler" }, annotations: safeToEvict("scratch-data") },
                            spec: {
                                containers: [
                                    {
                                        name: "pgbouncer",
                                        image: `ghcr.io/cloudnative-pg/pgbouncer:1.25.1${DIGEST}`,
                                        resources: POOLER_RESOURCES,
                                    },
                                ],
                                initContainers: [{ name: "bootstrap-controller", resources: POOLER_RESOURCES }],
                                topologySpreadConstraints: zoneSpread({ "cnpg.io/poolerName": `pg-${type}` }),
                                priorityClassName: "sysmanage-data",
                            },
                        },
                    },
                },
            ),
        ),
        pdb("pg-rw", { "cnpg.io/poolerName": "pg-rw" }),
        pdb("pg-ro", { "cnpg.io/poolerName": "pg-ro" }),
        k(
            "kubernetes:core/v1:ConfigMap",
            "redis-config",
            "v1",
            "ConfigMap",
            { name: "redis-config", namespace: NS },
            {
                // Worst case (redis-memory-bounded): 400 × 1.7 + 32 + 64 + 16 = 792 MiB of 1024.
                data: {
                    "redis-additional.conf":
                        "maxmemory 400mb\nmaxmemory-policy volatile-lru\nrepl-backlog-size 32mb\nclient-output-buffer-limit replica 64mb 32mb 60\n",
                },
            },
        ),
        k(
            "kubernetes:core/v1:ServiceAccount",
            "redis-sa",
            "v1",
            "ServiceAccount",
            { name: "redis", namespace: NS },
            {
                automountServiceAccountToken: false,
            },
        ),
        k(
            "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisCluster",
            "redis-cluster",
            "redis.redis.opstreelabs.in/v1beta2",
            "RedisCluster",
            { name: "redis", namespace: NS, annotations: safeToEvict("config") },
            {
                spec: {
                    clusterSize: 3,
                    serviceAccountName: "redis",
                    priorityClassName: "sysmanage-data",
                    kubernetesConfig: {
                        image: `quay.io/opstree/redis:v7.0.15${DIGEST}`,
                        resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } },
                    },
                    redisLeader: { replicas: 3, redisConfig: { additionalRedisConfig: "redis-config" }, securityContext: REDIS_CONTAINER },
                    redisFollower: {
                        replicas: 3,
                        redisConfig: { additionalRedisConfig: "redis-config" },
                        securityContext: REDIS_CONTAINER,
                    },
                },
            },
        ),
    ];
}

/** The fixture with one resource changed: `change(inputs, fixture)` mutates a fresh copy. */
export function mutated(name: string, change: (inputs: Obj, f: Fixture) => void, base: Fixture[] = fixture()): Fixture[] {
    const f = base.find((x) => x.name === name);
    if (!f) throw new Error(`no fixture resource ${name}`);
    change(f.inputs, f);
    return base;
}

/** A copy of the fixture's resource `name` moved to namespace `ns` (resource name `<ns>-<name>`), its inputs changed by `change`. */
export function copiedIn(ns: string, name: string, change: (inputs: Obj) => void = () => {}): Fixture {
    const f = structuredClone(fixture().find((x) => x.name === name));
    if (!f) throw new Error(`no fixture resource ${name}`);
    f.name = `${ns}-${name}`;
    f.inputs.metadata.namespace = ns;
    change(f.inputs);
    return f;
}

/** A DaemonSet `name` in the fixture's namespace (pod label app=<name>): `spec` is added to its selector and template. */
export function daemonSet(name: string, spec: Obj = {}, podSpec?: Obj): Fixture {
    const template = { metadata: { labels: { app: name } }, ...(podSpec ? { spec: podSpec } : {}) };
    return {
        type: "kubernetes:apps/v1:DaemonSet",
        name: `${name}-ds`,
        inputs: {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name, namespace: NS },
            spec: { ...spec, selector: { matchLabels: { app: name } }, template },
        },
    };
}

/** What the pack shows of a rule, and whether docs/policies.md's catalogue row gives its description. */
export function published(rule: Policy) {
    const catalogue = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "policies.md"), "utf8");
    const row = catalogue.split("\n").find((l) => l.startsWith(`| \`${rule.name}\` `));
    const { name, enforcementLevel, severity, remediationSteps } = rule;
    return { name, enforcementLevel, severity, remediationSteps, inCatalogue: row?.split("|")[6].trim() === rule.description };
}

/** The fixture plus extra resources. */
export const withExtra = (...extra: Fixture[]): Fixture[] => [...fixture(), ...extra];

export const PACK_CONFIG: Record<string, PackConfig> = Object.fromEntries(
    ["dev", "staging", "prod"].map((env) => [
        env,
        JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policies", "config", `${env}.json`), "utf8")) as PackConfig,
    ]),
);

/** Thresholds of a rule in an environment's pack config, overlaid with `extra`. */
export const envConfig = (rule: string, env = "prod", extra: Obj = {}): Obj => ({ ...ruleConfig(PACK_CONFIG[env], rule), ...extra });

export const resourcesOf = (declared: readonly DeclaredLike[]): PolicyResource[] => toPolicyResources(declared, "t");

/** The messages a rule reports for a resource list (thresholds from the prod config unless given). */
export async function messages(rule: Policy, declared: readonly DeclaredLike[], config?: Obj): Promise<string[]> {
    return (await runRule(rule, resourcesOf(declared), config ?? envConfig(rule.name))).map((v) => v.message);
}
