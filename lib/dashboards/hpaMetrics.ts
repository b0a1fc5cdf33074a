/**
 * What each HPA metric reads now, as the HPA computes it, and its target from the plan: the
 * adapter's own rule (lib/metricsRules.ts) over the workload's pods, averaged over them
 * (`Pods` metrics) or divided by the replicas (`Object` metrics of the namespace, which the HPA
 * divides by its pods for an AverageValue target), and the utilization of the requests
 * (`Resource` metrics, as metrics-server's numbers divide by them). Pure.
 */
import type { ScalingMetric } from "../hpa";
import { customRules, METRIC, namespaceRules, type AdapterRule } from "../metricsRules";
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

/** The adapter rule's metricsQuery with its template filled in (the adapter's own substitution). */
function adapterQuery(rules: readonly AdapterRule[], name: string, labelMatchers: string, groupBy: string): string {
    const rule = rules.find((r) => r.name.as === name);
    if (!rule) throw new Error(`no adapter rule serves the HPA metric ${name}`);
    const series = rule.seriesQuery.slice(0, rule.seriesQuery.indexOf("{"));
    return rule.metricsQuery
        .replaceAll("<<.Series>>", series)
        .replaceAll("<<.LabelMatchers>>", labelMatchers)
        .replaceAll("<<.GroupBy>>", groupBy);
}

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
                current: `avg(${adapterQuery(customRules(), m.name, pods, "pod")})`,
                target: quantityValue(m.averageValue),
            };
        case "object": {
            const replicas = `kube_horizontalpodautoscaler_status_current_replicas{${matchers({ namespace, horizontalpodautoscaler: hpa })}}`;
            // As the adapter fills the template for a root-scoped namespace metric: the metric
            // selector's matchers sorted by key (ASCII keys: the default sort is Go's byte order),
            // then the namespace's; grouped by namespace.
            const selector = Object.fromEntries(
                Object.keys(m.selector)
                    .sort()
                    .map((k) => [k, m.selector[k]]),
            );
            const value = adapterQuery(namespaceRules(), m.name, matchers({ ...selector, namespace }), "namespace");
            return {
                metric: m.name,
                unit: UNITS[m.name] ?? "short",
                current: `${value} / scalar(${replicas})`,
                target: quantityValue(m.averageValue),
            };
        }
    }
}
