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
