/**
 * lib/hpa.ts against values written out here (issue 20): the seed's behaviors number by number,
 * and each metric kind's autoscaling/v2 shape as the Kubernetes API documents it.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from "kubernetes-types/autoscaling/v2";
import { API_BEHAVIOR, WORKER_BEHAVIOR, hpaSpec, metricSpec, utilizationResources, type ScalingMetric } from "../../../lib/hpa";

/** A behavior in one line per direction: window, selectPolicy, then each policy as "type value/period". */
const summary = (b: HorizontalPodAutoscalerBehavior) =>
    Object.fromEntries(
        Object.entries(b).map(([direction, r]: [string, HPAScalingRules]) => [
            direction,
            [r.stabilizationWindowSeconds, r.selectPolicy, ...(r.policies ?? []).map((p) => `${p.type} ${p.value}/${p.periodSeconds}s`)],
        ]),
    );

describe("the seed's behaviors", () => {
    test("API: down over a 5-minute window by the larger of 50 % or 2 pods a minute; up by 100 % per 15 s or 5 pods a minute", () => {
        assert.deepEqual(summary(API_BEHAVIOR), {
            scaleDown: [300, "Max", "Percent 50/60s", "Pods 2/60s"],
            scaleUp: [60, "Max", "Percent 100/15s", "Pods 5/60s"],
        });
    });
    test("workers: down over a 10-minute window by 25 % a minute (jobs are long); up by 200 % per 30 s after 30 s", () => {
        assert.deepEqual(summary(WORKER_BEHAVIOR), { scaleDown: [600, "Max", "Percent 25/60s"], scaleUp: [30, "Max", "Percent 200/30s"] });
    });
});

describe("metricSpec: each kind's autoscaling/v2 shape", () => {
    test("cpu and memory: Resource metrics with a Utilization target", () => {
        assert.deepEqual(metricSpec({ kind: "cpu", utilization: 70 }), {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        });
        assert.deepEqual(metricSpec({ kind: "memory", utilization: 80 }), {
            type: "Resource",
            resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
        });
    });
    test("pods: a Pods metric with an AverageValue target", () => {
        assert.deepEqual(metricSpec({ kind: "pods", name: "http_requests_per_second", averageValue: "100" }), {
            type: "Pods",
            pods: { metric: { name: "http_requests_per_second" }, target: { type: "AverageValue", averageValue: "100" } },
        });
    });
    test("object: a metric of the workload's Namespace (core group v1), the selector as matchLabels, AverageValue", () => {
        assert.deepEqual(
            metricSpec({
                kind: "object",
                namespace: "sysmanage",
                name: "queue_length",
                selector: { queue: "agent", tier: "w" },
                averageValue: "10",
            }),
            {
                type: "Object",
                object: {
                    describedObject: { apiVersion: "v1", kind: "Namespace", name: "sysmanage" },
                    metric: { name: "queue_length", selector: { matchLabels: { queue: "agent", tier: "w" } } },
                    target: { type: "AverageValue", averageValue: "10" },
                },
            },
        );
    });
});

describe("hpaSpec", () => {
    const metrics: ScalingMetric[] = [
        { kind: "cpu", utilization: 70 },
        { kind: "pods", name: "processing_time_avg", averageValue: "30" },
    ];
    test("targets the Deployment by name, keeps the bounds, metrics in order and the behavior", () => {
        assert.deepEqual(hpaSpec("sysmanage-worker-queue", { minReplicas: 2, maxReplicas: 20 }, metrics, WORKER_BEHAVIOR), {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "sysmanage-worker-queue" },
            minReplicas: 2,
            maxReplicas: 20,
            metrics: [
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                { type: "Pods", pods: { metric: { name: "processing_time_avg" }, target: { type: "AverageValue", averageValue: "30" } } },
            ],
            behavior: WORKER_BEHAVIOR,
        });
    });
    test("the edges it accepts: min 1, and min = max", () => {
        assert.deepEqual(
            [hpaSpec("w", { minReplicas: 1, maxReplicas: 1 }, metrics, API_BEHAVIOR)].map((s) => [s.minReplicas, s.maxReplicas]),
            [[1, 1]],
        );
        assert.equal(hpaSpec("w", { minReplicas: 4, maxReplicas: 4 }, metrics, API_BEHAVIOR).maxReplicas, 4);
    });
    test("the edges it refuses, each naming the workload and the values", () => {
        assert.throws(() => hpaSpec("api", { minReplicas: 0, maxReplicas: 0 }, metrics, API_BEHAVIOR), {
            message: "api: minReplicas (0) must be >= 1",
        });
        assert.throws(() => hpaSpec("api", { minReplicas: 5, maxReplicas: 4 }, metrics, API_BEHAVIOR), {
            message: "api: minReplicas (5) must be <= maxReplicas (4)",
        });
        assert.throws(() => hpaSpec("api", { minReplicas: 1, maxReplicas: 4 }, [], API_BEHAVIOR), {
            message: "api: an HPA needs at least one metric",
        });
    });
});

describe("utilizationResources", () => {
    test("the resources utilization metrics divide by, in order; none for per-pod and object metrics", () => {
        assert.deepEqual(
            utilizationResources([
                { kind: "memory", utilization: 80 },
                { kind: "object", namespace: "ns", name: "q", selector: {}, averageValue: "1" },
                { kind: "cpu", utilization: 70 },
            ]),
            ["memory", "cpu"],
        );
        assert.deepEqual(utilizationResources([{ kind: "pods", name: "x", averageValue: "1" }]), []);
    });
});
