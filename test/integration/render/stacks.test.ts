import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { admit, formatViolation } from "../../../admission";
import { kubernetesObjects } from "../../../tools/mockRuntime";
import { validateObjects, type K8sObject } from "../../../tools/validation";
import { find, objectsOf, rendered, renderWith, STACKS, type Obj } from "../../support/render";

const WORKERS = ["queue", "agent", "report", "cleanup"];
const APP = ["sysmanage-api", ...WORKERS.map((w) => `sysmanage-worker-${w}`), "sysmanage-analytics"];
const NS: Record<string, string> = { dev: "sysmanage-dev", staging: "sysmanage-staging", prod: "sysmanage", local: "sysmanage-local" };
/** dev and local have no backups (no ScheduledBackup); local has no role management (no admin Secret). */
const noBackups = (stack: string) => stack === "dev" || stack === "local";
/**
 * prod runs report and cleanup on spot above a floor: each adds an on-demand floor Deployment, its
 * PDB and PodMonitor. staging's spot pools scale to zero (issue 17 #4): no floor.
 */
const spotPools = (stack: string) => (stack === "prod" ? 2 : 0);
/** dev and staging scale report and cleanup to zero: a KEDA ScaledObject each in place of the HPA. */
const atZero = (stack: string) => (stack === "dev" || stack === "staging" ? 2 : 0);
/** prod overprovisions (issue 17 #4): the placeholder Deployment and its PriorityClass. */
const placeholders = (stack: string) => (stack === "prod" ? 1 : 0);

describe("every stack renders complete and valid", () => {
    for (const stack of STACKS) {
        test(`${stack}: every Kubernetes object validates against the official schemas and CRDs`, async () => {
            const objects = await objectsOf(stack);
            assert.equal(objects.length, { dev: 84, local: 81, staging: 90, prod: 112 }[stack] ?? 85);
            assert.deepEqual(await validateObjects(objects as K8sObject[]), []);
        });
        test(`${stack}: a real cluster admits every object and every pod it causes (API validation, Pod Security, webhooks)`, async () => {
            const objects = await objectsOf(stack);
            assert.deepEqual(admit(objects).map(formatViolation), []);
        });
        test(`${stack}: object counts by kind`, async () => {
            // prod's two shards (issue 18): each a Cluster, ScheduledBackup, -rw Pooler with its PDB,
            // two PodMonitors, an admin and a role Secret; and the map's ConfigMap.
            const shards = stack === "prod" ? 2 : 0;
            const counts: Record<string, number> = {};
            for (const o of await objectsOf(stack)) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
            assert.deepEqual(counts, {
                Namespace: 1,
                // Two of them for the session store: who may enter (allow-redis-sessions), the API leaving for it.
                NetworkPolicy: 12,
                // The app's six, and the cache's and the session store's own (no API token in their pods).
                ServiceAccount: 8,
                Service: 1,
                Deployment: 6 + spotPools(stack) + placeholders(stack),
                HorizontalPodAutoscaler: 5 - atZero(stack),
                ...(atZero(stack) ? { ScaledObject: atZero(stack) } : {}),
                VerticalPodAutoscaler: 1,
                // The app's and poolers', and two for the operators' two pods where the stack installs them.
                PodDisruptionBudget: (stack === "local" ? 9 : 11) + spotPools(stack) + shards,
                ServiceMonitor: 1,
                // The app's five, and ours for the two clusters, three poolers and the exporters of the cache and the session store.
                PodMonitor: 12 + spotPools(stack) + 2 * shards,
                Gateway: 1,
                HTTPRoute: 2,
                DNSEndpoint: 1,
                Cluster: 2 + shards,
                Pooler: 3 + shards,
                // The cache and the session store (issue 15), each with its AUTH Secret and redis.conf ConfigMap.
                RedisCluster: 2,
                Secret: (stack === "local" ? 5 : 6) + 2 * shards,
                // Their redis.conf, and the two Grafana dashboards (scaling, data tier).
                ConfigMap: 4 + (shards ? 1 : 0),
                // The stack's alerts (docs/runbooks.md).
                // And in staging the working-hours floors of the API, queue and agent (issue 17 #4).
                PrometheusRule: stack === "staging" ? 4 : 1,
                // Placement by criticality (issue 17 #2): data, api, workers, batch; prod's placeholders' (#4).
                PriorityClass: 4 + placeholders(stack),
                ...(noBackups(stack) ? {} : { ScheduledBackup: 1 + shards }),
                // Karpenter's on-demand and spot pools (placement.karpenter, on in staging and prod).
                ...(stack === "staging" || stack === "prod" ? { NodePool: 2 } : {}),
            });
        });
        test(`${stack}: every namespaced object is in the stack's namespace, but the operators' budgets`, async () => {
            // Namespaces, PriorityClasses and NodePools are cluster-scoped.
            const objects = (await objectsOf(stack)).filter((o) => !["Namespace", "PriorityClass", "NodePool"].includes(o.kind));
            const outside = objects
                .filter((o) => o.metadata.namespace !== NS[stack])
                .map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
            assert.deepEqual(
                outside,
                stack === "local"
                    ? []
                    : ["PodDisruptionBudget cnpg-system/cnpg-cloudnative-pg", "PodDisruptionBudget redis-operator/redis-operator"],
            );
        });
    }
});

describe("placement by criticality (issue 17 #2)", () => {
    test("prod: every pod source names its tier's class, and the classes keep data > api > workers > batch", async () => {
        const objects = await objectsOf("prod");
        const classOf = (o: Obj): string | undefined =>
            o.kind === "Cluster" || o.kind === "RedisCluster" ? o.spec.priorityClassName : o.spec.template?.spec?.priorityClassName;
        const sources = objects
            .filter((o) => ["Deployment", "Cluster", "Pooler", "RedisCluster"].includes(o.kind))
            .map((o) => `${o.kind} ${o.metadata.name}: ${classOf(o)}`)
            .sort();
        assert.deepEqual(sources, [
            "Cluster sysmanage-pg-analytics: sysmanage-data",
            "Cluster sysmanage-pg-shard-0: sysmanage-data",
            "Cluster sysmanage-pg-shard-1: sysmanage-data",
            "Cluster sysmanage-pg: sysmanage-data",
            "Deployment sysmanage-analytics: sysmanage-batch",
            "Deployment sysmanage-api: sysmanage-api",
            "Deployment sysmanage-overprovisioning: sysmanage-overprovisioning",
            "Deployment sysmanage-worker-agent: sysmanage-workers",
            "Deployment sysmanage-worker-cleanup-on-demand: sysmanage-workers",
            "Deployment sysmanage-worker-cleanup: sysmanage-workers",
            "Deployment sysmanage-worker-queue: sysmanage-workers",
            "Deployment sysmanage-worker-report-on-demand: sysmanage-workers",
            "Deployment sysmanage-worker-report: sysmanage-workers",
            "Pooler sysmanage-pg-analytics-pooler-ro: sysmanage-data",
            "Pooler sysmanage-pg-pooler-ro: sysmanage-data",
            "Pooler sysmanage-pg-pooler-rw: sysmanage-data",
            "Pooler sysmanage-pg-shard-0-pooler-rw: sysmanage-data",
            "Pooler sysmanage-pg-shard-1-pooler-rw: sysmanage-data",
            "RedisCluster sysmanage-redis-sessions: sysmanage-data",
            "RedisCluster sysmanage-redis: sysmanage-data",
        ]);
        assert.deepEqual(
            objects
                .filter((o) => o.kind === "PriorityClass")
                .sort((a, b) => b.value - a.value)
                .map((o) => [o.metadata.name, o.value, o.globalDefault, o.preemptionPolicy, o.metadata.namespace]),
            [
                ["sysmanage-data", 1000000, false, "PreemptLowerPriority", undefined],
                ["sysmanage-api", 900000, false, "PreemptLowerPriority", undefined],
                ["sysmanage-workers", 500000, false, "PreemptLowerPriority", undefined],
                ["sysmanage-batch", 100000, false, "Never", undefined],
                ["sysmanage-overprovisioning", -10, false, "Never", undefined],
            ],
        );
    });

    test("prod: report and cleanup burst on spot above an on-demand floor of 3; the API and other pools on on-demand; the data tier never on spot", async () => {
        const objects = await objectsOf("prod");
        const hpa = (name: string) =>
            objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === name)?.spec;
        const placement = objects
            .filter((o) => o.kind === "Deployment" && o.metadata.name !== "sysmanage-analytics")
            .map((o) => {
                const spec = o.spec.template.spec;
                const capacity =
                    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchExpressions[0];
                const h = hpa(o.metadata.name);
                return [
                    o.metadata.name,
                    `${capacity?.key} In ${capacity?.values}`,
                    (spec.tolerations ?? []).map((t: Obj) => `${t.key}=${t.value}:${t.effect}`).join(),
                    spec.terminationGracePeriodSeconds,
                    h ? `HPA ${h.minReplicas}..${h.maxReplicas}` : `replicas ${o.spec.replicas}`,
                    o.metadata.annotations?.["sysmanage.io/on-demand-floor"],
                ];
            })
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        const OD = "karpenter.sh/capacity-type In on-demand";
        const SPOT = "karpenter.sh/capacity-type In spot";
        const TOL = "karpenter.sh/capacity-type=spot:NoSchedule";
        assert.deepEqual(placement, [
            ["sysmanage-api", OD, "", 45, "HPA 3..50", undefined],
            // Room for API pods is held where API pods may run; grace 0 frees it at once.
            ["sysmanage-overprovisioning", OD, "", 0, "replicas 3", undefined],
            ["sysmanage-worker-agent", OD, "", 120, "HPA 3..20", undefined],
            // 3 on on-demand (one per zone) + 1..17 on spot: the pool's 3..20 with its floor off spot.
            ["sysmanage-worker-cleanup", SPOT, TOL, 90, "HPA 1..17", "sysmanage-worker-cleanup-on-demand"],
            ["sysmanage-worker-cleanup-on-demand", OD, "", 120, "replicas 3", undefined],
            ["sysmanage-worker-queue", OD, "", 120, "HPA 3..20", undefined],
            ["sysmanage-worker-report", SPOT, TOL, 90, "HPA 1..17", "sysmanage-worker-report-on-demand"],
            ["sysmanage-worker-report-on-demand", OD, "", 120, "replicas 3", undefined],
        ]);
        // The data tier carries no affinity or toleration at all: it stays off tainted spot nodes.
        const data = objects.filter((o) => ["Cluster", "Pooler", "RedisCluster"].includes(o.kind));
        assert.deepEqual(
            data.filter((o) => JSON.stringify(o.spec).includes("spot")).map((o) => o.metadata.name),
            [],
        );
        // The two clusters, three poolers, two RedisClusters, and prod's two shards with a pooler each.
        assert.equal(data.length, 11);
        // Each floor has its PDB and PodMonitor.
        for (const kind of ["PodDisruptionBudget", "PodMonitor"])
            for (const pool of ["report", "cleanup"])
                assert.ok(
                    objects.some((o) => o.kind === kind && o.metadata.name === `sysmanage-worker-${pool}-on-demand`),
                    `${kind} ${pool}`,
                );
    });
});

/** The stack rendered with the forecasting step off: the HPAs carry the configured (seed) bounds. */
const unforecast = new Map<string, Promise<Obj[]>>();
function configuredObjects(stack: string): Promise<Obj[]> {
    if (!unforecast.has(stack))
        unforecast.set(
            stack,
            renderWith(stack, { forecast: { enabled: false } }).then((r) => kubernetesObjects(r.resources) as Obj[]),
        );
    return unforecast.get(stack)!;
}

describe("API HPA (prod, seed numbers, forecasting off)", () => {
    test("spec is exactly the seed's", async () => {
        const hpa = find(await configuredObjects("prod"), "HorizontalPodAutoscaler", "sysmanage-api");
        assert.equal(hpa.apiVersion, "autoscaling/v2");
        assert.deepEqual(hpa.spec, {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "sysmanage-api" },
            minReplicas: 3,
            maxReplicas: 50,
            metrics: [
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
                {
                    type: "Pods",
                    pods: { metric: { name: "http_requests_per_second" }, target: { type: "AverageValue", averageValue: "100" } },
                },
                { type: "Pods", pods: { metric: { name: "response_time_p95" }, target: { type: "AverageValue", averageValue: "500m" } } },
            ],
            behavior: {
                scaleDown: {
                    stabilizationWindowSeconds: 300,
                    selectPolicy: "Max",
                    policies: [
                        { type: "Percent", value: 50, periodSeconds: 60 },
                        { type: "Pods", value: 2, periodSeconds: 60 },
                    ],
                },
                scaleUp: {
                    stabilizationWindowSeconds: 60,
                    selectPolicy: "Max",
                    policies: [
                        { type: "Percent", value: 100, periodSeconds: 15 },
                        { type: "Pods", value: 5, periodSeconds: 60 },
                    ],
                },
            },
        });
    });
    test("dev and staging keep the metrics and behavior with smaller bounds", async () => {
        // staging's working hours: minReplicas 1 at night, its 2 held in hours by the scheduled_floor metric.
        const floorMetric = {
            type: "Object",
            object: {
                describedObject: { apiVersion: "v1", kind: "Namespace", name: "sysmanage-staging" },
                metric: { name: "scheduled_floor", selector: { matchLabels: { workload: "sysmanage-api" } } },
                target: { type: "AverageValue", averageValue: "1" },
            },
        };
        for (const [stack, min, max, extra, inHours] of [
            ["dev", 1, 4, [], undefined],
            ["staging", 1, 12, [floorMetric], "2"],
        ] as const) {
            const hpa = find(await configuredObjects(stack), "HorizontalPodAutoscaler", "sysmanage-api");
            assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [min, max]);
            assert.equal(hpa.metadata.annotations?.["sysmanage.io/working-hours-floor"], inHours);
            const prod = find(await configuredObjects("prod"), "HorizontalPodAutoscaler", "sysmanage-api");
            assert.deepEqual(hpa.spec.metrics, [...prod.spec.metrics, ...extra]);
            assert.deepEqual(hpa.spec.behavior, prod.spec.behavior);
        }
    });
});

describe("worker pools (prod)", () => {
    for (const pool of WORKERS) {
        test(`${pool}: own Deployment and HPA, queue_length of the namespace per queue (Object), seed behavior (prod floor 3 = one per zone)`, async () => {
            const objects = await configuredObjects("prod");
            const name = `sysmanage-worker-${pool}`;
            const hpa = find(objects, "HorizontalPodAutoscaler", name);
            // Report and cleanup run on spot in prod: 3 on-demand pods, the HPA's 1..17 on spot.
            const spot = pool === "report" || pool === "cleanup";
            assert.deepEqual(hpa.spec, {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
                minReplicas: spot ? 1 : 3,
                maxReplicas: spot ? 17 : 20,
                metrics: [
                    {
                        type: "Object",
                        object: {
                            describedObject: { apiVersion: "v1", kind: "Namespace", name: "sysmanage" },
                            metric: { name: "queue_length", selector: { matchLabels: { queue: pool } } },
                            target: { type: "AverageValue", averageValue: "10" },
                        },
                    },
                    {
                        type: "Pods",
                        pods: { metric: { name: "processing_time_avg" }, target: { type: "AverageValue", averageValue: "30" } },
                    },
                ],
                behavior: {
                    scaleDown: {
                        stabilizationWindowSeconds: 600,
                        selectPolicy: "Max",
                        policies: [{ type: "Percent", value: 25, periodSeconds: 60 }],
                    },
                    scaleUp: {
                        stabilizationWindowSeconds: 30,
                        selectPolicy: "Max",
                        policies: [{ type: "Percent", value: 200, periodSeconds: 30 }],
                    },
                },
            });
            const d = find(objects, "Deployment", name);
            // The pool's own settings first; the data tier's follow (connections.test.ts).
            assert.deepEqual(d.spec.template.spec.containers[0].env.slice(0, 2), [
                { name: "SYSMANAGE_WORKER_POOL", value: pool },
                { name: "SYSMANAGE_QUEUE", value: pool },
            ]);
        });
    }
    test("a disabled pool disappears with all its objects", async () => {
        const r = await renderWith("prod", { workers: { cleanup: { enabled: false } } });
        const names = r.resources.filter((x) => x.name.startsWith("worker-cleanup")).map((x) => x.name);
        assert.deepEqual(names, []);
        assert.equal(r.resources.filter((x) => x.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 4);
    });
});

describe("analytics VPA", () => {
    test("prod: seed bounds, current update mode, no HPA on analytics", async () => {
        const objects = await objectsOf("prod");
        const vpa = find(objects, "VerticalPodAutoscaler", "sysmanage-analytics");
        assert.equal(vpa.apiVersion, "autoscaling.k8s.io/v1");
        assert.deepEqual(vpa.spec, {
            targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "sysmanage-analytics" },
            updatePolicy: { updateMode: "Recreate" },
            resourcePolicy: {
                containerPolicies: [
                    {
                        containerName: "analytics",
                        minAllowed: { cpu: "500m", memory: "1Gi" },
                        maxAllowed: { cpu: "4", memory: "16Gi" },
                        controlledResources: ["cpu", "memory"],
                        controlledValues: "RequestsAndLimits",
                    },
                ],
            },
        });
        assert.equal(
            objects.filter((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === "sysmanage-analytics").length,
            0,
        );
        assert.equal(find(objects, "Deployment", "sysmanage-analytics").spec.template.spec.containers[0].name, "analytics");
    });
    test("the VPA waits for the VPA release (its CRD) and the Deployment", async () => {
        const r = await rendered("prod");
        const vpa = r.resources.find((x) => x.name === "analytics-vpa")!;
        assert.deepEqual(vpa.options.dependsOn, ["analytics-deployment", "vpa-release"]);
    });
});

describe("workloads: probes, resources, security, spread, shutdown, labels", () => {
    test("every Deployment's pod follows the restricted profile and has probes, requests and limits", async () => {
        for (const stack of STACKS) {
            for (const name of APP) {
                const d = find(await objectsOf(stack), "Deployment", name);
                const pod = d.spec.template.spec;
                const c = pod.containers[0];
                assert.equal(pod.containers.length, 1);
                assert.deepEqual(pod.securityContext, {
                    runAsNonRoot: true,
                    runAsUser: 10001,
                    runAsGroup: 10001,
                    fsGroup: 10001,
                    seccompProfile: { type: "RuntimeDefault" },
                });
                assert.deepEqual(c.securityContext, {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                });
                assert.equal(pod.automountServiceAccountToken, false);
                assert.deepEqual(c.readinessProbe.httpGet, { path: "/health/ready", port: "http" });
                assert.deepEqual(c.livenessProbe.httpGet, { path: "/health/live", port: "http" });
                assert.deepEqual(c.startupProbe.httpGet, { path: "/health/live", port: "http" });
                assert.ok(
                    c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory,
                    `${stack} ${name} resources`,
                );
                assert.ok(c.lifecycle.preStop.sleep.seconds < pod.terminationGracePeriodSeconds);
                // Pinned: a version tag everywhere, and a digest too in prod (policy wl-image-pinned).
                assert.match(c.image, stack === "prod" ? /:[0-9]+\.[0-9]+\.[0-9]+@sha256:[0-9a-f]{64}$/ : /:[0-9]+\.[0-9]+\.[0-9]+$/);
            }
        }
    });
    test("prod API: exact container resources, probes and shutdown", async () => {
        const c = find(await objectsOf("prod"), "Deployment", "sysmanage-api").spec.template.spec.containers[0];
        assert.deepEqual(c.resources, { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } });
        assert.deepEqual(c.readinessProbe, {
            httpGet: { path: "/health/ready", port: "http" },
            periodSeconds: 5,
            timeoutSeconds: 2,
            failureThreshold: 3,
        });
        assert.deepEqual(c.livenessProbe, {
            httpGet: { path: "/health/live", port: "http" },
            periodSeconds: 10,
            timeoutSeconds: 3,
            failureThreshold: 3,
        });
        assert.deepEqual(c.startupProbe, {
            httpGet: { path: "/health/live", port: "http" },
            periodSeconds: 5,
            timeoutSeconds: 3,
            failureThreshold: 30,
        });
        assert.deepEqual(c.lifecycle, { preStop: { sleep: { seconds: 10 } } });
        assert.deepEqual(c.ports, [{ name: "http", containerPort: 8000, protocol: "TCP" }]);
    });
    test("zone spread is hard with several zones, soft with one; host spread is soft", async () => {
        const prod = find(await objectsOf("prod"), "Deployment", "sysmanage-api").spec.template.spec.topologySpreadConstraints;
        const sel = { matchLabels: { "app.kubernetes.io/name": "sysmanage-api", "app.kubernetes.io/instance": "prod" } };
        assert.deepEqual(prod, [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "DoNotSchedule",
                labelSelector: sel,
                matchLabelKeys: ["pod-template-hash"],
            },
            {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: sel,
                matchLabelKeys: ["pod-template-hash"],
            },
        ]);
        const dev = find(await objectsOf("dev"), "Deployment", "sysmanage-api").spec.template.spec.topologySpreadConstraints;
        assert.equal(dev[0].whenUnsatisfiable, "ScheduleAnyway");
    });
    test("the HPA owns replicas: ignoreChanges on the Deployment, first rollout at minReplicas", async () => {
        const r = await rendered("prod");
        for (const name of ["api", ...WORKERS.map((w) => `worker-${w}`)]) {
            const d = r.resources.find((x) => x.name === `${name}-deployment`)!;
            assert.deepEqual(d.options.ignoreChanges, ["spec.replicas"]);
            assert.equal(d.options.parent, name);
            const hpa = r.resources.find((x) => x.name === `${name}-hpa`)!;
            assert.equal((d.inputs as Obj).spec.replicas, (hpa.inputs as Obj).spec.minReplicas);
        }
        assert.deepEqual(r.resources.find((x) => x.name === "analytics-deployment")!.options.ignoreChanges, []);
    });
    test("labels: app.kubernetes.io/* on every workload object and pod", async () => {
        const objects = await objectsOf("prod");
        for (const o of objects.filter(
            (x) =>
                ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceAccount"].includes(x.kind) &&
                APP.includes(x.metadata.name),
        )) {
            const l = o.metadata.labels;
            for (const k of ["name", "instance", "component", "part-of", "managed-by", "version"])
                assert.ok(l[`app.kubernetes.io/${k}`], `${o.kind} ${o.metadata.name} lacks ${k}`);
            assert.equal(l["app.kubernetes.io/instance"], "prod");
        }
        // prod pins by digest, so its version label is the digest's prefix; staging shows the tag.
        assert.match(
            find(objects, "Deployment", "sysmanage-worker-agent").spec.template.metadata.labels["app.kubernetes.io/version"],
            /^sha256-[0-9a-f]{56}$/,
        );
        assert.deepEqual(find(await objectsOf("staging"), "Deployment", "sysmanage-worker-agent").spec.template.metadata.labels, {
            "app.kubernetes.io/name": "sysmanage-worker-agent",
            "app.kubernetes.io/instance": "staging",
            "app.kubernetes.io/component": "worker",
            "app.kubernetes.io/part-of": "sysmanage",
            "app.kubernetes.io/managed-by": "pulumi",
            "app.kubernetes.io/version": "2.4.1",
        });
    });
    test("PDBs allow one eviction at minReplicas and select exactly their workload's pods", async () => {
        for (const stack of STACKS) {
            const objects = await objectsOf(stack);
            for (const name of APP) {
                const pdb = find(objects, "PodDisruptionBudget", name);
                const d = find(objects, "Deployment", name);
                assert.deepEqual(pdb.spec, {
                    maxUnavailable: 1,
                    selector: { matchLabels: d.spec.selector.matchLabels },
                    unhealthyPodEvictionPolicy: "AlwaysAllow",
                });
            }
        }
    });
});

describe("namespace and NetworkPolicies", () => {
    test("namespace enforces the restricted Pod Security Standard", async () => {
        const ns = find(await objectsOf("prod"), "Namespace", "sysmanage");
        for (const m of ["enforce", "audit", "warn"]) assert.equal(ns.metadata.labels[`pod-security.kubernetes.io/${m}`], "restricted");
    });
    test("default deny, then DNS, gateway -> API, Prometheus scrape, apps -> data tier", async () => {
        const objects = await objectsOf("prod");
        const np = (n: string) => find(objects, "NetworkPolicy", n).spec;
        assert.deepEqual(np("default-deny-all"), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        assert.deepEqual(np("allow-dns-egress").egress[0].ports, [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ]);
        assert.deepEqual(np("allow-gateway-to-api"), {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "sysmanage-api", "app.kubernetes.io/instance": "prod" } },
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } } },
                        { podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "sysmanage-us-east-1" } } },
                    ],
                    ports: [{ protocol: "TCP", port: 8000 }],
                },
            ],
        });
        assert.deepEqual(np("allow-gateway-proxies"), {
            podSelector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": "sysmanage-us-east-1" } },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{}],
            egress: [
                {
                    to: [
                        {
                            podSelector: {
                                matchLabels: { "app.kubernetes.io/name": "sysmanage-api", "app.kubernetes.io/instance": "prod" },
                            },
                        },
                    ],
                    ports: [{ protocol: "TCP", port: 8000 }],
                },
                { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } } }] },
            ],
        });
        assert.deepEqual(np("allow-prometheus-scrape").ingress, [
            {
                from: [
                    {
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
                        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
                    },
                ],
                // The app's ports, then the data tier's exporters: Redis 9121, PgBouncer 9127, Postgres 9187.
                ports: [8000, 8080, 9121, 9127, 9187].map((port) => ({ protocol: "TCP", port })),
            },
        ]);
        assert.deepEqual(np("allow-apps-to-data-tier").egress, [
            { to: [{ podSelector: { matchLabels: { "cnpg.io/podRole": "pooler" } } }], ports: [{ protocol: "TCP", port: 5432 }] },
        ]);
        // Redis: egress only from the API and workers, the pods allow-redis admits.
        assert.deepEqual(np("allow-cache-clients-to-redis").podSelector, {
            matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["api", "worker"] }],
        });
        assert.deepEqual(np("allow-cache-clients-to-redis").egress, [
            {
                to: [
                    {
                        podSelector: {
                            matchExpressions: [
                                { key: "app", operator: "In", values: ["sysmanage-redis-leader", "sysmanage-redis-follower"] },
                            ],
                        },
                    },
                ],
                ports: [{ protocol: "TCP", port: 6379 }],
            },
        ]);
        // The gateway policy selects exactly the API pods.
        const api = find(objects, "Deployment", "sysmanage-api");
        const sel = np("allow-gateway-to-api").podSelector.matchLabels;
        for (const [k, v] of Object.entries(sel)) assert.equal(api.spec.template.metadata.labels[k], v);
    });
});

describe("load-balancer tiers", () => {
    test("regional Gateway: HTTPS with the certificate, HTTP only redirects", async () => {
        const objects = await objectsOf("prod");
        const gw = find(objects, "Gateway", "sysmanage-us-east-1");
        assert.equal(gw.spec.gatewayClassName, "istio");
        assert.deepEqual(
            gw.spec.listeners.map((l: Obj) => [l.name, l.protocol, l.port]),
            [
                ["https", "HTTPS", 443],
                ["http", "HTTP", 80],
            ],
        );
        assert.deepEqual(gw.spec.listeners[0].tls, {
            mode: "Terminate",
            certificateRefs: [{ group: "", kind: "Secret", name: "sysmanage-api-tls" }],
        });
        const redirect = find(objects, "HTTPRoute", "sysmanage-us-east-1-https-redirect");
        assert.deepEqual(redirect.spec, {
            parentRefs: [{ name: "sysmanage-us-east-1", sectionName: "http" }],
            hostnames: ["api.sysmanage.example.com"],
            rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        });
    });
    test("local routes: health endpoints and API traffic to the API Service on the HTTPS listener", async () => {
        const objects = await objectsOf("prod");
        const route = find(objects, "HTTPRoute", "sysmanage-api");
        const svc = find(objects, "Service", "sysmanage-api");
        assert.deepEqual(route.spec.parentRefs, [{ name: "sysmanage-us-east-1", sectionName: "https" }]);
        assert.deepEqual(
            route.spec.rules[0].matches.map((m: Obj) => m.path.value),
            ["/health", "/health/ready", "/health/live"],
        );
        for (const rule of route.spec.rules)
            assert.deepEqual(rule.backendRefs, [{ kind: "Service", name: svc.metadata.name, port: svc.spec.ports[0].port }]);
        assert.deepEqual(route.spec.rules[1].matches, [{ path: { type: "PathPrefix", value: "/" } }]);
        assert.deepEqual(svc.spec.selector, find(objects, "Deployment", "sysmanage-api").spec.selector.matchLabels);
    });
    test("global DNS: the stack publishes its own region's weighted record set (prod: us-east-1 of two)", async () => {
        const dns = find(await objectsOf("prod"), "DNSEndpoint", "sysmanage-global");
        assert.deepEqual(dns.spec.endpoints, [
            {
                dnsName: "api.sysmanage.example.com",
                recordType: "CNAME",
                targets: ["sysmanage-prod-us-east-1.lb.example.com"],
                recordTTL: 60,
                setIdentifier: "us-east-1",
                providerSpecific: [{ name: "aws/weight", value: "50" }],
            },
        ]);
    });
    test("adding a region is a config change; geo routing uses continent codes and a default", async () => {
        const regions = {
            dns: {
                routing: "geo",
                regions: [
                    { name: "us-east-1", target: "203.0.113.10", geo: "*", healthCheckId: "hc-1" },
                    { name: "eu-west-1", target: "eu.lb.example.com", geo: "EU" },
                    { name: "ap-south-1", target: "ap.lb.example.com", geo: "AS" },
                ],
            },
        };
        const endpoints = async (region: string) => {
            const r = await renderWith("prod", { ...regions, cluster: { region } });
            return ((r.resources.find((x) => x.type.endsWith(":DNSEndpoint"))!.inputs as Obj).spec.endpoints as Obj[]).map((e) => [
                e.setIdentifier,
                e.recordType,
                e.providerSpecific,
            ]);
        };
        assert.deepEqual(await endpoints("us-east-1"), [
            [
                "us-east-1",
                "A",
                [
                    { name: "aws/geolocation-country-code", value: "*" },
                    { name: "aws/health-check-id", value: "hc-1" },
                ],
            ],
        ]);
        assert.deepEqual(await endpoints("eu-west-1"), [["eu-west-1", "CNAME", [{ name: "aws/geolocation-continent-code", value: "EU" }]]]);
        assert.deepEqual(await endpoints("ap-south-1"), [
            ["ap-south-1", "CNAME", [{ name: "aws/geolocation-continent-code", value: "AS" }]],
        ]);
    });
});

describe("Gateway API CEL rules (JSON Schema cannot run them; checked here on every stack)", () => {
    for (const stack of STACKS) {
        test(`${stack}: listener TLS, redirect and timeout rules hold`, async () => {
            const objects = await objectsOf(stack);
            for (const gw of objects.filter((o) => o.kind === "Gateway")) {
                for (const l of gw.spec.listeners) {
                    // "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"
                    if (["HTTP", "TCP", "UDP"].includes(l.protocol)) assert.equal(l.tls, undefined, `${l.name} has tls`);
                    // "tls mode must be set for protocol HTTPS" / "certificateRefs or options must be specified when mode is Terminate"
                    if (l.protocol === "HTTPS") {
                        assert.equal(l.tls.mode, "Terminate");
                        assert.ok(l.tls.certificateRefs.length >= 1);
                    }
                }
                assert.equal(new Set(gw.spec.listeners.map((l: Obj) => l.name)).size, gw.spec.listeners.length, "listener names unique");
            }
            for (const route of objects.filter((o) => o.kind === "HTTPRoute")) {
                for (const rule of route.spec.rules) {
                    const redirect = (rule.filters ?? []).some((f: Obj) => f.type === "RequestRedirect");
                    // "RequestRedirect filter must not be used together with backendRefs"
                    if (redirect) assert.equal(rule.backendRefs, undefined);
                    // "backendRequest timeout cannot be longer than request timeout" (we set none)
                    assert.equal(rule.timeouts?.backendRequest, undefined);
                    // Exact and PathPrefix paths must start with "/"
                    for (const m of rule.matches ?? []) assert.match(m.path.value, /^\//);
                }
            }
        });
    }
});

describe("custom metrics are real: adapter, rules and scraping", () => {
    test("prometheus-adapter, VPA and the data-tier operators are pinned Helm releases", async () => {
        const r = await rendered("prod");
        const rel = r.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release").map((x) => x.inputs as Obj);
        assert.deepEqual(
            rel.map((x) => [x.name, x.chart, x.version, x.repositoryOpts.repo, x.namespace]),
            [
                ["cnpg", "cloudnative-pg", "0.29.0", "https://cloudnative-pg.github.io/charts", "cnpg-system"],
                ["redis-operator", "redis-operator", "0.26.0", "https://ot-container-kit.github.io/helm-charts", "redis-operator"],
                ["prometheus-adapter", "prometheus-adapter", "5.3.0", "https://prometheus-community.github.io/helm-charts", "monitoring"],
                ["vertical-pod-autoscaler", "vertical-pod-autoscaler", "0.11.0", "https://kubernetes.github.io/autoscaler", "kube-system"],
            ],
        );
    });
    test("adapter rules derive every metric an HPA uses, from the documented series", async () => {
        const r = await rendered("prod");
        const values = (r.resources.find((x) => x.name === "metrics-adapter-release")!.inputs as Obj).values;
        assert.deepEqual(values.prometheus, { url: "http://kube-prometheus-stack-prometheus.monitoring.svc", port: 9090, path: "" });
        assert.equal(values.rules.default, false);
        const custom = values.rules.custom.map((x: Obj) => [x.name.as, x.seriesQuery]);
        assert.deepEqual(custom, [
            ["http_requests_per_second", 'http_requests_total{namespace!="",pod!=""}'],
            ["response_time_p95", 'http_request_duration_seconds_bucket{namespace!="",pod!=""}'],
            ["processing_time_avg", 'sysmanage_job_duration_seconds_sum{namespace!="",pod!=""}'],
            // The namespace's metrics (only the namespace as resource), one value per namespace.
            ["queue_length", 'sysmanage_queue_length{namespace!="",queue!=""}'],
            // The forecast's floor schedule, recorded per workload (lib/floorSchedule.ts).
            ["scheduled_floor", 'sysmanage:scheduled_floor:replicas{namespace!="",workload!=""}'],
        ]);
        // No external rules: the chart registers no external.metrics.k8s.io APIService (KEDA owns it).
        assert.deepEqual(values.rules.external, []);
        const served = new Set(values.rules.custom.map((x: Obj) => x.name.as));
        const types = new Set<string>();
        for (const hpa of (await objectsOf("prod")).filter((o) => o.kind === "HorizontalPodAutoscaler")) {
            for (const m of hpa.spec.metrics) {
                types.add(m.type);
                if (m.type === "Pods") assert.ok(served.has(m.pods.metric.name), m.pods.metric.name);
                if (m.type === "Object") assert.ok(served.has(m.object.metric.name), m.object.metric.name);
            }
        }
        assert.deepEqual([...types].sort(), ["Object", "Pods", "Resource"]);
    });
    test("every workload is scraped: ServiceMonitor for the API, PodMonitors for the rest", async () => {
        const objects = await objectsOf("prod");
        const sm = find(objects, "ServiceMonitor", "sysmanage-api");
        assert.deepEqual(sm.spec, {
            selector: { matchLabels: { "app.kubernetes.io/name": "sysmanage-api", "app.kubernetes.io/instance": "prod" } },
            endpoints: [{ port: "http", path: "/metrics", interval: "15s" }],
        });
        assert.equal(sm.metadata.labels.release, "kube-prometheus-stack");
        for (const name of APP.slice(1))
            assert.deepEqual(find(objects, "PodMonitor", name).spec.podMetricsEndpoints, [
                { port: "http", path: "/metrics", interval: "15s" },
            ]);
    });
    test("installAdapter/installVpa off: no releases, and the VPA no longer depends on one", async () => {
        const r = await renderWith("prod", { metrics: { installAdapter: false, installVpa: false } });
        assert.deepEqual(
            r.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release").map((x) => (x.inputs as Obj).name),
            ["cnpg", "redis-operator"],
        );
        assert.deepEqual(r.resources.find((x) => x.name === "analytics-vpa")!.options.dependsOn, ["analytics-deployment"]);
    });
});

describe("stack outputs and failures", () => {
    test("prod outputs (forecasting off)", async () => {
        const r = await renderWith("prod", { forecast: { enabled: false } });
        assert.deepEqual(r.outputs.autoscaling, {
            "sysmanage-api": { minReplicas: 3, maxReplicas: 50 },
            "sysmanage-worker-queue": { minReplicas: 3, maxReplicas: 20 },
            "sysmanage-worker-agent": { minReplicas: 3, maxReplicas: 20 },
            // On spot: the HPA's share above the on-demand floor of 3.
            "sysmanage-worker-report": { minReplicas: 1, maxReplicas: 17 },
            "sysmanage-worker-cleanup": { minReplicas: 1, maxReplicas: 17 },
        });
        assert.equal(r.outputs.hostname, "api.sysmanage.example.com");
    });
    test("bad config fails the render with the exact message", async () => {
        await assert.rejects(renderWith("prod", { api: { minReplicas: 60 } }), {
            message: "Pulumi.prod.yaml: api.minReplicas (60) must be <= api.maxReplicas (50)",
        });
    });
});

describe("the local stack (CLI without a cluster)", () => {
    test("the provider renders manifests to a directory; no Helm releases, no role management", async () => {
        const r = await rendered("local");
        const provider = r.resources.find((x) => x.type === "pulumi:providers:kubernetes")!;
        assert.equal(provider.inputs.renderYamlToDirectory, "out/local-manifests");
        assert.deepEqual(
            r.resources.filter(
                (x) =>
                    x.type === "kubernetes:helm.sh/v3:Release" ||
                    x.type.startsWith("postgresql:") ||
                    x.type === "pulumi:providers:postgresql",
            ),
            [],
        );
    });
});
