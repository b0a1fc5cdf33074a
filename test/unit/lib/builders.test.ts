import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { API_BEHAVIOR, hpaSpec, metricSpec, utilizationResources, type ScalingMetric } from "../../../lib/hpa";
import { customRules, namespaceRules } from "../../../lib/metricsRules";
import { analyticsPod, apiPlan, workerPlans } from "../../../plan/workloads";
import { cnpgOperatorValues, prometheusAdapterValues, redisOperatorValues, vpaValues } from "../../../lib/chartValues";
import { dnsEndpointSpec } from "../../../lib/traffic";
import { vpaSpec } from "../../../lib/vpa";
import { imageVersion, podTemplate, topologySpread } from "../../../lib/workload";
import { parseConfig } from "../../../config";
import { prodRaw } from "../../support/render";

const cpu: ScalingMetric = { kind: "cpu", utilization: 70 };

describe("hpaSpec", () => {
    test("refuses min > max naming both values", () => {
        assert.throws(() => hpaSpec("w", { minReplicas: 6, maxReplicas: 5 }, [cpu], API_BEHAVIOR), {
            message: "w: minReplicas (6) must be <= maxReplicas (5)",
        });
    });
    test("refuses min < 1 and no metrics", () => {
        assert.throws(() => hpaSpec("w", { minReplicas: 0, maxReplicas: 5 }, [cpu], API_BEHAVIOR), {
            message: "w: minReplicas (0) must be >= 1",
        });
        assert.throws(() => hpaSpec("w", { minReplicas: 1, maxReplicas: 5 }, [], API_BEHAVIOR), {
            message: "w: an HPA needs at least one metric",
        });
    });
    test("property: valid bounds pass through unchanged and keep min <= max", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (min, extra) => {
                const s = hpaSpec("w", { minReplicas: min, maxReplicas: min + extra }, [cpu], API_BEHAVIOR);
                return s.minReplicas === min && s.maxReplicas === min + extra && s.minReplicas <= s.maxReplicas;
            }),
        );
    });
    test("metric kinds map to the autoscaling/v2 shapes", () => {
        assert.deepEqual(
            metricSpec({ kind: "object", namespace: "ns", name: "queue_length", selector: { queue: "q" }, averageValue: "10" }),
            {
                type: "Object",
                object: {
                    describedObject: { apiVersion: "v1", kind: "Namespace", name: "ns" },
                    metric: { name: "queue_length", selector: { matchLabels: { queue: "q" } } },
                    target: { type: "AverageValue", averageValue: "10" },
                },
            },
        );
        assert.deepEqual(utilizationResources([cpu, { kind: "memory", utilization: 80 }, { kind: "pods", name: "x", averageValue: "1" }]), [
            "cpu",
            "memory",
        ]);
    });
});

describe("plans from config", () => {
    test("property: HPA bounds are exactly the configured ones for any valid config", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), (min, extra) => {
                const c = parseConfig(
                    prodRaw({
                        api: { minReplicas: min, maxReplicas: min + extra },
                        workers: { agent: { minReplicas: min, maxReplicas: min + extra } },
                    }),
                    "prod",
                );
                const a = apiPlan(c, "prod");
                const agent = workerPlans(c, "prod").find((w) => w.key === "worker-agent")!;
                return a.bounds.minReplicas === min && a.bounds.maxReplicas === min + extra && agent.bounds.maxReplicas === min + extra;
            }),
            { numRuns: 50 },
        );
    });
    test("the API requests every resource its utilization metrics divide by", () => {
        const a = apiPlan(parseConfig(prodRaw(), "prod"), "prod");
        const pod = podTemplate({ ...a.pod, serviceAccountName: "sa" });
        // The API scales on CPU (70 %) and memory (80 %), so its one container requests both (the defaults: 500m, 512Mi).
        assert.deepEqual(utilizationResources(a.metrics), ["cpu", "memory"]);
        assert.deepEqual(
            pod.spec!.containers.map((c) => [c.name, c.resources!.requests]),
            [["app", { cpu: "500m", memory: "512Mi" }]],
        );
    });
});

describe("workload helpers", () => {
    test("imageVersion", () => {
        assert.equal(imageVersion("ghcr.io/a/b:2.4.1"), "2.4.1");
        assert.equal(imageVersion("registry:5000/b:v1"), "v1");
        assert.equal(imageVersion(`a/b@sha256:${"c".repeat(64)}`), `sha256-${"c".repeat(56)}`);
        assert.equal(imageVersion(`a/b@sha256:${"c".repeat(64)}`).length, 63);
    });
    test("spread selectors match the pod's selector labels", () => {
        const s = topologySpread({ name: "n", instance: "i", zones: ["a", "b"] });
        assert.deepEqual(
            s.map((x) => [x.topologyKey, x.whenUnsatisfiable]),
            [
                ["topology.kubernetes.io/zone", "DoNotSchedule"],
                ["kubernetes.io/hostname", "ScheduleAnyway"],
            ],
        );
        assert.deepEqual(s[0].labelSelector, { matchLabels: { "app.kubernetes.io/name": "n", "app.kubernetes.io/instance": "i" } });
    });
    test("mounted ConfigMaps (the shard map) read-only beside /tmp; the placement's affinity and tolerations kept", () => {
        const a = apiPlan(parseConfig(prodRaw(), "prod"), "prod");
        const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } };
        const tolerations = [{ key: "spot", operator: "Exists", effect: "NoSchedule" }];
        const pod = podTemplate({
            ...a.pod,
            serviceAccountName: "sa",
            configMaps: [{ name: "shard-map", configMap: "sysmanage-shard-map", mountPath: "/etc/sysmanage/shards" }],
            placement: { affinity, tolerations },
        });
        assert.deepEqual(pod.spec!.containers[0].volumeMounts, [
            { name: "tmp", mountPath: "/tmp" },
            { name: "shard-map", mountPath: "/etc/sysmanage/shards", readOnly: true },
        ]);
        assert.deepEqual(pod.spec!.volumes, [
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            { name: "shard-map", configMap: { name: "sysmanage-shard-map" } },
        ]);
        assert.deepEqual([pod.spec!.affinity, pod.spec!.tolerations], [affinity, tolerations]);
        // Without them: /tmp alone, no affinity or tolerations keys.
        const plain = podTemplate({ ...a.pod, serviceAccountName: "sa" }).spec!;
        assert.deepEqual(
            [plain.volumes, plain.containers[0].volumeMounts],
            [[{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }], [{ name: "tmp", mountPath: "/tmp" }]],
        );
        assert.deepEqual(["affinity" in plain, "tolerations" in plain], [false, false]);
    });
    test("startup probe off when its threshold is 0", () => {
        const a = apiPlan(parseConfig(prodRaw({ api: { probes: { startupFailureThreshold: 0 } } }), "prod"), "prod");
        assert.equal(podTemplate({ ...a.pod, serviceAccountName: "sa" }).spec!.containers[0].startupProbe, undefined);
    });
});

describe("adapter rules", () => {
    test("every rule uses the adapter's template placeholders and a namespace override", () => {
        // Three per-pod rules and two of the namespace: the loops below cannot pass on an empty list.
        assert.deepEqual(
            [customRules().map((r) => r.name.as), namespaceRules().map((r) => r.name.as)],
            [
                ["http_requests_per_second", "response_time_p95", "processing_time_avg"],
                ["queue_length", "scheduled_floor"],
            ],
        );
        for (const r of [...customRules(), ...namespaceRules()]) {
            assert.match(r.metricsQuery, /<<\.LabelMatchers>>/);
            assert.deepEqual(r.resources.overrides.namespace, { resource: "namespace" });
        }
        for (const r of customRules()) assert.deepEqual(r.resources.overrides.pod, { resource: "pod" });
    });
    test("the namespace's metrics: the namespace is their only resource, one value per namespace (adapter v0.12.0 root-scoped)", () => {
        assert.deepEqual(namespaceRules(), [
            {
                seriesQuery: 'sysmanage_queue_length{namespace!="",queue!=""}',
                resources: { overrides: { namespace: { resource: "namespace" } } },
                name: { matches: "^sysmanage_queue_length$", as: "queue_length" },
                metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
            },
            {
                seriesQuery: 'sysmanage:scheduled_floor:replicas{namespace!="",workload!=""}',
                resources: { overrides: { namespace: { resource: "namespace" } } },
                name: { matches: "^sysmanage:scheduled_floor:replicas$", as: "scheduled_floor" },
                metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
            },
        ]);
    });
    test("p95 comes from histogram buckets, never from averaging", () => {
        const p95 = customRules().find((r) => r.name.as === "response_time_p95")!;
        assert.equal(p95.metricsQuery, "histogram_quantile(0.95, sum(rate(<<.Series>>{<<.LabelMatchers>>}[5m])) by (le, <<.GroupBy>>))");
    });
});

describe("traffic and VPA builders", () => {
    test("IPv4 targets are A records, names CNAMEs", () => {
        const spec = dnsEndpointSpec({
            hostname: "api.example.com",
            routing: "weighted",
            ttl: 30,
            regions: [
                { name: "a", target: "198.51.100.7", weight: 10, geo: "*", healthCheckId: "" },
                { name: "b", target: "lb.example.com", weight: 0, geo: "*", healthCheckId: "" },
            ],
        }) as { endpoints: { recordType: string; providerSpecific: unknown[] }[] };
        assert.deepEqual(
            spec.endpoints.map((e) => e.recordType),
            ["A", "CNAME"],
        );
        assert.deepEqual(spec.endpoints[1].providerSpecific, [{ name: "aws/weight", value: "0" }]);
    });
    test("VPA spec copies bounds", () => {
        const s = vpaSpec({
            deploymentName: "d",
            containerName: "c",
            updateMode: "Recreate",
            minAllowed: { cpu: "1", memory: "1Gi" },
            maxAllowed: { cpu: "2", memory: "2Gi" },
            replicas: 3,
        }) as Record<string, any>;
        assert.deepEqual(s.updatePolicy, { updateMode: "Recreate" });
        const single = vpaSpec({
            deploymentName: "d",
            containerName: "c",
            updateMode: "Recreate",
            minAllowed: { cpu: "1", memory: "1Gi" },
            maxAllowed: { cpu: "2", memory: "2Gi" },
            replicas: 1,
        }) as Record<string, any>;
        assert.deepEqual(single.updatePolicy, { updateMode: "Recreate", minReplicas: 1 });
        assert.deepEqual(s.resourcePolicy.containerPolicies[0].maxAllowed, { cpu: "2", memory: "2Gi" });
    });
});

describe("priority classes (issue 17 #2)", () => {
    test("the API, every worker pool and analytics name their tier's class in the pod template", () => {
        const c = parseConfig(prodRaw(), "prod");
        const classOf = (pod: Parameters<typeof podTemplate>[0]) => podTemplate(pod).spec?.priorityClassName;
        assert.equal(classOf({ ...apiPlan(c, "prod").pod, serviceAccountName: "a" }), "sysmanage-api");
        assert.deepEqual(
            workerPlans(c, "prod").map((w) => [w.key, classOf({ ...w.pod, serviceAccountName: "w" })]),
            [
                ["worker-queue", "sysmanage-workers"],
                ["worker-agent", "sysmanage-workers"],
                ["worker-report", "sysmanage-workers"],
                ["worker-cleanup", "sysmanage-workers"],
            ],
        );
        assert.equal(classOf({ ...analyticsPod(c, "prod"), serviceAccountName: "x" }), "sysmanage-batch");
    });
    test("the operators run in the data tier's class, the metrics adapter in the API's; the VPA keeps the chart's default", () => {
        assert.deepEqual(
            [cnpgOperatorValues().priorityClassName, redisOperatorValues().priorityClassName, prometheusAdapterValues().priorityClassName],
            ["sysmanage-data", "sysmanage-data", "sysmanage-api"],
        );
        assert.equal(JSON.stringify(vpaValues()).includes("priorityClassName"), false);
    });
    test("a pod without a class has no priorityClassName field", () => {
        const { priorityClassName: _omit, ...pod } = { ...apiPlan(parseConfig(prodRaw(), "prod"), "prod").pod, serviceAccountName: "a" };
        assert.equal("priorityClassName" in (podTemplate(pod).spec ?? {}), false);
    });
});
