/**
 * Pure builders for autoscaling/v2 HorizontalPodAutoscaler specs, with the seed's metrics and
 * behaviors for the API and the workers.
 */
import type { HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricSpec } from "kubernetes-types/autoscaling/v2";

/** Replica bounds of an autoscaled workload: an input, so the forecasting step can set it. */
export interface ReplicaBounds {
    readonly minReplicas: number;
    readonly maxReplicas: number;
}

/** What the autoscaler scales on, as plain data. */
export type ScalingMetric =
    | { readonly kind: "cpu"; readonly utilization: number }
    | { readonly kind: "memory"; readonly utilization: number }
    /** A per-pod metric served by the custom metrics API, averaged over the pods. */
    | { readonly kind: "pods"; readonly name: string; readonly averageValue: string }
    /**
     * A metric of something outside the pods (a queue), divided by the pod count: an `Object`
     * metric whose described object is the workload's Namespace, picked out by `selector`. It is
     * served by the custom metrics API (prometheus-adapter), so external.metrics.k8s.io stays free
     * for KEDA (one APIService owns that group).
     */
    | {
          readonly kind: "object";
          /** The workload's namespace: the described object (the HPA reads the metric of its own). */
          readonly namespace: string;
          readonly name: string;
          readonly selector: Record<string, string>;
          readonly averageValue: string;
      };

export function metricSpec(m: ScalingMetric): MetricSpec {
    switch (m.kind) {
        case "cpu":
        case "memory":
            return { type: "Resource", resource: { name: m.kind, target: { type: "Utilization", averageUtilization: m.utilization } } };
        case "pods":
            return { type: "Pods", pods: { metric: { name: m.name }, target: { type: "AverageValue", averageValue: m.averageValue } } };
        case "object":
            // kubernetes v1.34.0 pkg/controller/podautoscaler/metrics/client.go GetObjectMetric: kind
            // Namespace (group "") is read root-scoped, /namespaces/<hpa's ns>/metrics/<name>?metricLabelSelector=;
            // replica_calculator.go GetObjectPerPodMetricReplicas: AverageValue = value / target pods,
            // the same arithmetic as an External AverageValue (GetExternalPerPodMetricReplicas).
            return {
                type: "Object",
                object: {
                    describedObject: { apiVersion: "v1", kind: "Namespace", name: m.namespace },
                    metric: { name: m.name, selector: { matchLabels: m.selector } },
                    target: { type: "AverageValue", averageValue: m.averageValue },
                },
            };
    }
}

/** Seed behavior for the API: scale down slowly (5 min window, at most 50 % or 2 pods a minute), up fast. */
export const API_BEHAVIOR: HorizontalPodAutoscalerBehavior = {
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
};

/** Seed behavior for workers: a 10 min scale-down window (jobs are long), 25 % a minute; up 200 % per 30 s. */
export const WORKER_BEHAVIOR: HorizontalPodAutoscalerBehavior = {
    scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: "Max", policies: [{ type: "Percent", value: 25, periodSeconds: 60 }] },
    scaleUp: { stabilizationWindowSeconds: 30, selectPolicy: "Max", policies: [{ type: "Percent", value: 200, periodSeconds: 30 }] },
};

export function hpaSpec(
    deploymentName: string,
    bounds: ReplicaBounds,
    metrics: readonly ScalingMetric[],
    behavior: HorizontalPodAutoscalerBehavior,
): HorizontalPodAutoscalerSpec {
    if (bounds.minReplicas < 1) throw new Error(`${deploymentName}: minReplicas (${bounds.minReplicas}) must be >= 1`);
    if (bounds.minReplicas > bounds.maxReplicas)
        throw new Error(`${deploymentName}: minReplicas (${bounds.minReplicas}) must be <= maxReplicas (${bounds.maxReplicas})`);
    if (metrics.length === 0) throw new Error(`${deploymentName}: an HPA needs at least one metric`);
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
        minReplicas: bounds.minReplicas,
        maxReplicas: bounds.maxReplicas,
        metrics: metrics.map(metricSpec),
        behavior,
    };
}

/** The resources that utilization metrics divide by: every container must request them. */
export function utilizationResources(metrics: readonly ScalingMetric[]): ("cpu" | "memory")[] {
    return metrics.flatMap((m) => (m.kind === "cpu" || m.kind === "memory" ? [m.kind] : []));
}
