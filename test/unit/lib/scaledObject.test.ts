/** lib/scaledObject.ts: a ScaledObject's triggers are the HPA's metrics, read as the HPA reads them; worked by hand. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { WORKER_BEHAVIOR } from "../../../lib/hpa";
import { kedaHpaName, scaledObjectSpec, type ScaledObjectArgs } from "../../../lib/scaledObject";

const ARGS: ScaledObjectArgs = {
    name: "w",
    namespace: "ns",
    maxReplicas: 4,
    metrics: [
        { kind: "object", namespace: "ns", name: "queue_length", selector: { queue: "q" }, averageValue: "10" },
        { kind: "pods", name: "processing_time_avg", averageValue: "1500m" },
    ],
    prometheusUrl: "http://p",
    prometheusPort: 9090,
    behavior: WORKER_BEHAVIOR,
    pollingIntervalSeconds: 30,
    cooldownSeconds: 300,
};
const active0 = (query: string, threshold: string) => ({ serverAddress: "http://p:9090", query, threshold, activationThreshold: "0" });

describe("scaledObjectSpec", () => {
    test("0..max, polling and cooldown as given, the behavior for KEDA's HPA, one trigger per metric", () => {
        assert.deepEqual(scaledObjectSpec(ARGS), {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "w" },
            minReplicaCount: 0,
            maxReplicaCount: 4,
            pollingInterval: 30,
            cooldownPeriod: 300,
            advanced: { horizontalPodAutoscalerConfig: { behavior: WORKER_BEHAVIOR } },
            triggers: [
                {
                    type: "prometheus",
                    name: "queue-length",
                    metricType: "AverageValue",
                    metadata: active0('max(sysmanage_queue_length{queue="q",namespace="ns"}) by (namespace)', "10"),
                },
                {
                    type: "prometheus",
                    name: "processing-time-avg",
                    metricType: "Value",
                    // 1500m = 1.5 s: KEDA's threshold is a plain number.
                    metadata: active0(
                        'avg(sum(rate(sysmanage_job_duration_seconds_sum{namespace="ns",pod=~"w-[a-z0-9]+-[a-z0-9]+"}[5m])) by (pod)' +
                            ' / clamp_min(sum(rate(sysmanage_job_duration_seconds_count{namespace="ns",pod=~"w-[a-z0-9]+-[a-z0-9]+"}[5m])) by (pod), 0.001))',
                        "1.5",
                    ),
                },
            ],
        });
    });

    test("an Object metric's selector keys are sorted as the adapter sorts them, ahead of the namespace", () => {
        const spec = scaledObjectSpec({
            ...ARGS,
            metrics: [
                { kind: "object", namespace: "other", name: "scheduled_floor", selector: { workload: "w", b: "x" }, averageValue: "1" },
            ],
        });
        assert.deepEqual(spec.triggers, [
            {
                type: "prometheus",
                name: "scheduled-floor",
                metricType: "AverageValue",
                metadata: active0('max(sysmanage:scheduled_floor:replicas{b="x",workload="w",namespace="other"}) by (namespace)', "1"),
            },
        ]);
    });

    test("refused: a pool that could never run a pod, a metric no adapter rule serves, a cpu or memory metric", () => {
        assert.throws(() => scaledObjectSpec({ ...ARGS, maxReplicas: 0 }), { message: "w: maxReplicas (0) must be >= 1" });
        assert.equal(scaledObjectSpec({ ...ARGS, maxReplicas: 1 }).maxReplicaCount, 1);
        assert.throws(() => scaledObjectSpec({ ...ARGS, metrics: [{ kind: "pods", name: "queue_length", averageValue: "1" }] }), {
            message: "no adapter rule serves the HPA metric queue_length",
        });
        assert.throws(() => scaledObjectSpec({ ...ARGS, metrics: [{ kind: "cpu", utilization: 70 }] }), {
            message: "w: a pool that scales to zero cannot scale on cpu: KEDA's cpu scaler cannot wake it from 0",
        });
        assert.throws(() => scaledObjectSpec({ ...ARGS, metrics: [{ kind: "memory", utilization: 80 }] }), {
            message: "w: a pool that scales to zero cannot scale on memory: KEDA's memory scaler cannot wake it from 0",
        });
    });

    test("KEDA's HPA is keda-hpa-<name>", () => {
        assert.equal(kedaHpaName("sysmanage-worker-report"), "keda-hpa-sysmanage-worker-report");
    });
});
