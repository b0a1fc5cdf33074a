/**
 * Pure builders for prometheus-operator monitors, typed with the model package's interfaces so
 * TypeScript rejects a misspelt field at compile time.
 */
import type { IPodMonitorSpec } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitorSpec";
import type { IServiceMonitorSpec } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitorSpec";

/** Scrapes the Service port named `http` at /metrics. */
export function serviceMonitorSpec(selector: Record<string, string>, interval: string): IServiceMonitorSpec {
    return { selector: { matchLabels: selector }, endpoints: [{ port: "http", path: "/metrics", interval }] };
}

/** Scrapes the container port named `http` at /metrics (workloads without a Service). */
export function podMonitorSpec(selector: Record<string, string>, interval: string): IPodMonitorSpec {
    return { selector: { matchLabels: selector }, podMetricsEndpoints: [{ port: "http", path: "/metrics", interval }] };
}

/** The metrics ports of the pods the operators run (what our PodMonitors scrape; NetworkPolicies open them to Prometheus). */
export const OPERATOR_METRICS_PORTS = { cnpgInstance: 9187, cnpgPooler: 9127, redisExporter: 9121 } as const;

/**
 * Scrapes a named container port at /metrics on the pods an operator runs (CloudNativePG
 * instances `metrics` 9187 and poolers `metrics` 9127; the Redis exporter `redis-exporter` 9121).
 * Ours instead of CloudNativePG's `monitoring.enablePodMonitor`, which 1.30 deprecates and which
 * carries no label for our Prometheus to select it by.
 */
export function operatorPodMonitorSpec(
    selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: "In"; values: string[] }[] },
    port: string,
    interval: string,
): IPodMonitorSpec {
    return { selector, podMetricsEndpoints: [{ port, path: "/metrics", interval }] };
}
