/**
 * The prometheus-adapter rules that make the HPAs' custom metrics real. Without them the
 * custom and external metrics APIs serve nothing and the Pods/External metrics of the HPAs
 * report `<unknown>`, so the HPAs would scale on CPU and memory alone.
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

/** Rules behind `type: External` metrics (external.metrics.k8s.io): one value per queue. */
export function externalRules(): AdapterRule[] {
    return [
        {
            seriesQuery: 'sysmanage_queue_length{namespace!="",queue!=""}',
            resources: { overrides: { namespace: { resource: "namespace" } } },
            name: { matches: "^sysmanage_queue_length$", as: METRIC.queueLength },
            // Several pods may export the same queue's depth: take one value per queue.
            metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (queue)",
        },
        {
            // Recorded by the schedule's PrometheusRule (0 when nothing is scheduled), one per workload.
            seriesQuery: 'sysmanage:scheduled_floor:replicas{namespace!="",workload!=""}',
            resources: { overrides: { namespace: { resource: "namespace" } } },
            name: { matches: "^sysmanage:scheduled_floor:replicas$", as: METRIC.scheduledFloor },
            metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (workload)",
        },
    ];
}
