/**
 * The prometheus-adapter rules that make the HPAs' custom metrics real. Without them the
 * custom metrics API serves nothing and the Pods/Object metrics of the HPAs report `<unknown>`,
 * so the HPAs would scale on CPU and memory alone. The adapter serves no external metrics:
 * external.metrics.k8s.io is left to KEDA (only one APIService can own the group).
 *
 * The application exports (the contract is in docs/metrics.md):
 * - `http_requests_total` (counter) and `http_request_duration_seconds` (histogram) from the API;
 * - `sysmanage_queue_length{queue="..."}` (gauge) for each queue;
 * - `sysmanage_job_duration_seconds` (histogram or summary: `_sum` and `_count`) from the workers.
 */

/** One adapter discovery rule, in the adapter's config format. */
export interface AdapterRule {
    readonly seriesQuery: string;
    readonly resources: { readonly overrides: Record<string, { readonly resource: string }> };
    readonly name: { readonly matches: string; readonly as: string };
    readonly metricsQuery: string;
}

const podResources = { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } };
/** Only the namespace: the metric describes the Namespace, not a pod. */
const namespaceResources = { overrides: { namespace: { resource: "namespace" } } };

/** Metric names the HPAs use; one source of truth for rules and HPAs. */
export const METRIC = {
    requestsPerSecond: "http_requests_per_second",
    responseTimeP95: "response_time_p95",
    processingTimeAvg: "processing_time_avg",
    queueLength: "queue_length",
    /** The forecast's floor schedule (lib/floorSchedule.ts records it), in pods. */
    scheduledFloor: "scheduled_floor",
} as const;

/** Rules behind `type: Pods` metrics (custom.metrics.k8s.io), per pod. */
export function customRules(): AdapterRule[] {
    return [
        {
            seriesQuery: 'http_requests_total{namespace!="",pod!=""}',
            resources: podResources,
            name: { matches: "^http_requests_total$", as: METRIC.requestsPerSecond },
            metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)",
        },
        {
            seriesQuery: 'http_request_duration_seconds_bucket{namespace!="",pod!=""}',
            resources: podResources,
            name: { matches: "^http_request_duration_seconds_bucket$", as: METRIC.responseTimeP95 },
            // A p95 is computed from the buckets, never averaged from other quantiles.
            metricsQuery: "histogram_quantile(0.95, sum(rate(<<.Series>>{<<.LabelMatchers>>}[5m])) by (le, <<.GroupBy>>))",
        },
        {
            seriesQuery: 'sysmanage_job_duration_seconds_sum{namespace!="",pod!=""}',
            resources: podResources,
            name: { matches: "^sysmanage_job_duration_seconds_sum$", as: METRIC.processingTimeAvg },
            // Idle pods have no jobs: clamp the divisor so they report 0, not NaN.
            metricsQuery:
                "sum(rate(sysmanage_job_duration_seconds_sum{<<.LabelMatchers>>}[5m])) by (<<.GroupBy>>)" +
                " / clamp_min(sum(rate(sysmanage_job_duration_seconds_count{<<.LabelMatchers>>}[5m])) by (<<.GroupBy>>), 0.001)",
        },
    ];
}

/**
 * Rules behind `type: Object` metrics of the workload's Namespace (custom.metrics.k8s.io, root
 * scoped: `/namespaces/<ns>/metrics/<name>?metricLabelSelector=queue=...`). At prometheus-adapter
 * v0.12.0 a series whose only resource is `namespace` registers as a root-scoped namespaces metric
 * (pkg/custom-provider/series_registry.go SetSeries); the HPA's metric selector reaches
 * `<<.LabelMatchers>>` ahead of `namespace="<ns>"`, and `<<.GroupBy>>` is `namespace`
 * (pkg/naming/metrics_query.go Build). The result must keep the `namespace` label: the adapter
 * matches it to the namespace asked for (series_registry.go MatchValuesToNames), so a
 * `by (queue)` would answer "not found".
 */
export function namespaceRules(): AdapterRule[] {
    return [
        {
            seriesQuery: 'sysmanage_queue_length{namespace!="",queue!=""}',
            resources: namespaceResources,
            name: { matches: "^sysmanage_queue_length$", as: METRIC.queueLength },
            // Several pods may export the same queue's depth: one value (the selector picks the queue).
            metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
        },
        {
            // Recorded by the schedule's PrometheusRule (0 when nothing is scheduled), one per workload.
            seriesQuery: 'sysmanage:scheduled_floor:replicas{namespace!="",workload!=""}',
            resources: namespaceResources,
            name: { matches: "^sysmanage:scheduled_floor:replicas$", as: METRIC.scheduledFloor },
            metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
        },
    ];
}
