import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gvkString, keda, kedaHpaNameOf } from "../../../admission/keda";
import type { AdmissionContext, Manifest } from "../../../admission/types";

const ctxOf = (...objects: Manifest[]): AdmissionContext => ({ objects, namespaceLabels: () => undefined });
const DENY = "the KEDA admission webhook (vscaledobject.kb.io) denies it";

const deployment = (resources: Record<string, unknown> = { requests: { cpu: "250m", memory: "256Mi" } }): Manifest => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "w", namespace: "ns" },
    spec: { template: { spec: { containers: [{ name: "worker", resources }] } } },
});
const queue = { type: "prometheus", name: "queue-length", metadata: { serverAddress: "http://p:9090", query: "q", threshold: "10" } };
const so = (spec: Record<string, unknown> = {}, name = "w", annotations?: Record<string, string>): Manifest => ({
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name, namespace: "ns", ...(annotations ? { annotations } : {}) },
    spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "w" },
        minReplicaCount: 0,
        maxReplicaCount: 4,
        triggers: [queue],
        ...spec,
    },
});
const hpa = (name: string, annotations?: Record<string, string>): Manifest => ({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: "ns", ...(annotations ? { annotations } : {}) },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "w" }, maxReplicas: 4 },
});
/** [rule, path, message] of every violation of `o` in a stack of `o`, the Deployment and `others`. */
const found = (o: Manifest, ...others: Manifest[]) =>
    keda.check(o, ctxOf(o, deployment(), ...others)).map((v) => [v.rule, v.path, v.message]);

describe("KEDA 2.19.0 ScaledObject admission", () => {
    test("the catalogue: 13 rules, unique ids, each cited at kedacore/keda v2.19.0 and a line", () => {
        assert.equal(keda.rules.length, 13);
        assert.equal(new Set(keda.rules.map((r) => r.id)).size, 13);
        for (const r of keda.rules) assert.match(r.source, /^kedacore\/keda v2\.19\.0 apis\/keda\/v1alpha1\/[a-z_]+\.go:\d+$/, r.id);
    });
    test("the program's shape passes (a queue trigger at 0, KEDA's own HPA name), and other kinds are not looked at", () => {
        assert.deepEqual(found(so()), []);
        assert.deepEqual(found({ ...hpa("x"), kind: "HorizontalPodAutoscaler" }), []);
        assert.deepEqual(found({ ...so(), apiVersion: "example.com/v1" }), []);
    });
    test("ParseGVKR's defaults and getHpaName", () => {
        assert.equal(gvkString({}), "apps/v1.Deployment");
        assert.equal(gvkString({ apiVersion: "apps/v1", kind: "StatefulSet" }), "apps/v1.StatefulSet");
        assert.equal(kedaHpaNameOf(so()), "keda-hpa-w");
        assert.equal(kedaHpaNameOf(so({ advanced: { horizontalPodAutoscalerConfig: { name: "mine" } } })), "mine");
    });
    test("a target an HPA already scales is refused; an HPA annotated hpa-ownership false is not counted", () => {
        assert.deepEqual(found(so(), hpa("sysmanage-worker-report")), [
            [
                "keda/target-not-scaled-by-hpa",
                "spec.scaleTargetRef",
                `${DENY}: the workload 'w' of type 'apps/v1.Deployment' is already managed by the hpa 'sysmanage-worker-report'`,
            ],
        ]);
        assert.deepEqual(found(so(), hpa("h", { "validations.keda.sh/hpa-ownership": "false" })), []);
    });
    test("an ownership transfer must name the HPA it takes over", () => {
        const transfer = { "scaledobject.keda.sh/transfer-hpa-ownership": "true" };
        assert.deepEqual(found(so({}, "w", transfer), hpa("h")), [
            [
                "keda/hpa-ownership-transfer-named",
                "spec.advanced.horizontalPodAutoscalerConfig.name",
                `${DENY}: the existing hpa 'h' for workload 'w' of type 'apps/v1.Deployment' must be specified by name in advanced settings to enable ownership transfer`,
            ],
        ]);
        assert.deepEqual(found(so({ advanced: { horizontalPodAutoscalerConfig: { name: "h" } } }, "w", transfer), hpa("h")), []);
    });
    test("two ScaledObjects on one target, or with one HPA name", () => {
        assert.deepEqual(found(so(), so({}, "other")), [
            [
                "keda/target-not-scaled-by-scaledobject",
                "spec.scaleTargetRef",
                `${DENY}: the workload 'w' of type 'apps/v1.Deployment' is already managed by the ScaledObject 'other'`,
            ],
        ]);
        const elsewhere = so(
            { scaleTargetRef: { name: "v" }, advanced: { horizontalPodAutoscalerConfig: { name: "keda-hpa-w" } } },
            "other",
        );
        assert.deepEqual(found(so(), elsewhere), [
            [
                "keda/hpa-name-unique",
                "spec.advanced.horizontalPodAutoscalerConfig.name",
                `${DENY}: the HPA 'keda-hpa-w' is already managed by the ScaledObject 'other'`,
            ],
        ]);
    });
    test("cpu/memory triggers need the resource requested, and cannot take the workload to 0 alone", () => {
        const cpu = { type: "cpu", metricType: "Utilization", metadata: { value: "70" } };
        const o = so({ triggers: [cpu] });
        const bare = (x: Manifest) => keda.check(x, ctxOf(x, deployment({}))).map((v) => [v.rule, v.message]);
        assert.deepEqual(bare(o), [
            [
                "keda/cpu-memory-requests",
                `${DENY}: the scaledobject has a cpu trigger but the container worker doesn't have the cpu request defined`,
            ],
            [
                "keda/cpu-memory-not-to-zero",
                `${DENY}: scaledobject has only cpu/memory triggers AND minReplica is 0 (scale to zero doesn't work in this case)`,
            ],
        ]);
        // With the queue beside it, cpu at 0 is fine; a limit, or a LimitRange default, counts as set.
        assert.deepEqual(found(so({ triggers: [queue, cpu] })), []);
        assert.deepEqual(
            keda.check(o, ctxOf(o, deployment({ limits: { cpu: "1" } }))).map((v) => v.rule),
            ["keda/cpu-memory-not-to-zero"],
        );
        const lr: Manifest = {
            apiVersion: "v1",
            kind: "LimitRange",
            metadata: { name: "d", namespace: "ns" },
            spec: { limits: [{ type: "Container", defaultRequest: { cpu: "100m" } }] },
        };
        assert.deepEqual(
            keda.check(o, ctxOf(o, deployment({}), lr)).map((v) => v.rule),
            ["keda/cpu-memory-not-to-zero"],
        );
        // At minReplicaCount 1 cpu alone is accepted.
        assert.deepEqual(found(so({ triggers: [cpu], minReplicaCount: 1 })), []);
    });
    test("replica bounds: min <= max (default 100; a declared 0 compares as 1), idle < min", () => {
        assert.deepEqual(found(so({ minReplicaCount: 5, maxReplicaCount: 4 })), [
            [
                "keda/replica-bounds",
                "spec.minReplicaCount",
                "KEDA's controller refuses to scale it (ScaledObject not Ready; the webhook only logs it): MinReplicaCount=5 must be less than MaxReplicaCount=4",
            ],
        ]);
        assert.deepEqual(
            found(so({ minReplicaCount: 0, maxReplicaCount: 0 })).map((v) => v[2]),
            [
                "KEDA's controller refuses to scale it (ScaledObject not Ready; the webhook only logs it): MinReplicaCount=1 must be less than MaxReplicaCount=0",
            ],
        );
        assert.deepEqual(
            found(so({ minReplicaCount: 2, idleReplicaCount: 2 })).map((v) => v[2]),
            [
                "KEDA's controller refuses to scale it (ScaledObject not Ready; the webhook only logs it): IdleReplicaCount=2 must be less than MinReplicaCount=2",
            ],
        );
        assert.deepEqual(found(so({ minReplicaCount: 2, idleReplicaCount: 0 })), []);
    });
    test("fallback: non-negative, and a trigger other than cpu/memory", () => {
        assert.deepEqual(found(so({ fallback: { failureThreshold: -1, replicas: 2 } })), [
            [
                "keda/fallback-non-negative",
                "spec.fallback",
                `${DENY}: FailureThreshold=-1 & Replicas=2 must both be greater than or equal to 0`,
            ],
        ]);
        const mem = { type: "memory", metricType: "Utilization", metadata: { value: "80" } };
        assert.deepEqual(found(so({ minReplicaCount: 1, triggers: [mem], fallback: { failureThreshold: 3, replicas: 2 } })), [
            [
                "keda/fallback-trigger",
                "spec.fallback",
                `${DENY}: at least one trigger (that is not cpu or memory) has to have the \`AverageValue\` type for the fallback to be enabled`,
            ],
        ]);
        assert.deepEqual(found(so({ fallback: { failureThreshold: 3, replicas: 2 } })), []);
    });
    test("scalingModifiers: a formula, a target with it above 0, not Utilization", () => {
        const m = (sm: Record<string, unknown>) => found(so({ advanced: { scalingModifiers: sm } })).map((v) => v[2]);
        assert.deepEqual(m({ target: "2" }), [`${DENY}: error ScalingModifiers.Formula is mandatory`]);
        assert.deepEqual(m({ formula: "queue-length" }), [
            `${DENY}: error validating formula in ScalingModifiers\nformula is given but target is empty`,
        ]);
        assert.deepEqual(m({ formula: "x", target: "0" }), [
            `${DENY}: error validating target in ScalingModifiers\nerror converting target for scalingModifiers (string->float) to valid target`,
        ]);
        assert.deepEqual(m({ formula: "x", target: "2", metricType: "Utilization" }), [
            `${DENY}: error validating target in ScalingModifiers\nerror trigger type is Utilization, but it needs to be AverageValue or Value for external metrics`,
        ]);
        assert.deepEqual(m({ formula: "x", target: "2" }), []);
    });
    test("triggers: at least one, unique names, useCachedMetrics not on cpu/memory/cron", () => {
        assert.deepEqual(
            found(so({ triggers: [] })).map((v) => [v[0], v[2]]),
            [["keda/triggers-required", `${DENY}: no triggers defined in the ScaledObject/ScaledJob`]],
        );
        assert.deepEqual(
            found(so({ triggers: [queue, queue] })).map((v) => v[2]),
            [`${DENY}: triggerName "queue-length" is defined multiple times in the ScaledObject/ScaledJob, but it must be unique`],
        );
        const cron = { type: "cron", useCachedMetrics: true, metadata: {} };
        assert.deepEqual(
            found(so({ triggers: [queue, cron] })).map((v) => v[2]),
            [`${DENY}: property "useCachedMetrics" is not supported for "cron" scaler`],
        );
        assert.deepEqual(found(so({ triggers: [{ ...queue, useCachedMetrics: true }] })), []);
    });
});
