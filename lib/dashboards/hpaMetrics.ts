/**
 * What each HPA metric reads now, as the HPA computes it, and its target from the plan: the
 * adapter's own rule (lib/metricsRules.ts, filled in by lib/hpaQueries.ts) over the workload's pods, averaged over them
 * (`Pods` metrics) or divided by the replicas (`Object` metrics of the namespace, which the HPA
 * divides by its pods for an AverageValue target), and the utilization of the requests
 * (`Resource` metrics, as metrics-server's numbers divide by them). Pure.
 */
import type { ScalingMetric } from "../hpa";
import { METRIC } from "../metricsRules";
import { namespaceMetricQuery, podsMetricQuery } from "../hpaQueries";
import { quantityValue } from "../../policies/contract";
import { deploymentPods, matchers } from "./promql";

export interface HpaMetricView {
    /** The HPA's metric name (`http_requests_per_second`), or `cpu` / `memory`. */
    readonly metric: string;
    /** Grafana unit of the value. */
    readonly unit: string;
    /** The value the HPA compares with its target. */
    readonly current: string;
    /** The target, from the plan: a utilization in percent or an average value. */
    readonly target: number;
}

const UNITS: Readonly<Record<string, string>> = {
    [METRIC.requestsPerSecond]: "reqps",
    [METRIC.responseTimeP95]: "s",
    [METRIC.processingTimeAvg]: "s",
    [METRIC.queueLength]: "short",
};

function utilization(resource: "cpu" | "memory", pods: string): string {
    const used =
        resource === "cpu"
            ? `sum(rate(container_cpu_usage_seconds_total{${pods},container!=""}[5m]))`
            : `sum(container_memory_working_set_bytes{${pods},container!=""})`;
    return `100 * ${used} / sum(kube_pod_container_resource_requests{${pods},resource="${resource}"})`;
}

/** `hpa`: the HPA's name when it is not the Deployment's (KEDA's `keda-hpa-<deployment>`). */
export function hpaMetricView(m: ScalingMetric, namespace: string, deployment: string, hpa = deployment): HpaMetricView {
    const pods = matchers({ namespace }, { pod: deploymentPods(deployment) });
    switch (m.kind) {
        case "cpu":
        case "memory":
            return { metric: m.kind, unit: "percent", current: utilization(m.kind, pods), target: m.utilization };
        case "pods":
            return {
                metric: m.name,
                // Stryker disable next-line StringLiteral: every custom rule's metric has a unit in UNITS (adapterQuery throws for any other name).
                unit: UNITS[m.name] ?? "short",
                current: podsMetricQuery(m.name, namespace, deployment),
                target: quantityValue(m.averageValue),
            };
        case "object": {
            const replicas = `kube_horizontalpodautoscaler_status_current_replicas{${matchers({ namespace, horizontalpodautoscaler: hpa })}}`;
            const value = namespaceMetricQuery(m.name, m.selector, namespace);
            return {
                metric: m.name,
                unit: UNITS[m.name] ?? "short",
                current: `${value} / scalar(${replicas})`,
                target: quantityValue(m.averageValue),
            };
        }
    }
}
