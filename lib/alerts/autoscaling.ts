/**
 * Alerts on the autoscalers and the workloads they scale (kube-state-metrics series; the
 * application's own series from docs/metrics.md). Pure.
 */
import { alertRule, inNamespace, type AlertContext } from "./rule";
import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";
import { KEDA_HPA_PREFIX } from "../scaledObject";
import { deploymentPods } from "../dashboards/promql";

export interface ScaledWorkload {
    /** The Deployment (and its HPA, of the same name, unless `hpa` says otherwise). */
    readonly name: string;
    readonly maxReplicas: number;
    /** The HPA's name when it is not the Deployment's: KEDA's `keda-hpa-<name>` for a pool that scales to zero. */
    readonly hpa?: string;
}

export interface QueueCapacity {
    readonly deployment: string;
    readonly queue: string;
    /** What the HPA's AverageValue target lets one pod hold, times maxReplicas. */
    readonly maxQueueLength: number;
}

export interface AutoscalingAlertInputs {
    readonly workloads: readonly ScaledWorkload[];
    /** The API's Deployment and its p95 latency target in seconds (api.targets.responseTimeP95). */
    readonly api?: { readonly deployment: string; readonly p95Seconds: number };
    readonly queues: readonly QueueCapacity[];
}

export function autoscalingAlerts(ctx: AlertContext, i: AutoscalingAlertInputs): IRule[] {
    const ns = inNamespace(ctx);
    const hpas = i.workloads.map((w) => w.hpa ?? w.name).join("|");
    // kube-state-metrics names a Deployment's HPA by the Deployment, and KEDA's by keda-hpa-<Deployment>.
    const available = (prefix: string) =>
        `label_replace(kube_deployment_status_replicas_available{${ns}}, "horizontalpodautoscaler", "${prefix}$1", "deployment", "(.*)")`;
    // Pools that scale to zero: KEDA owns their HPA (named otherwise) through a ScaledObject of the Deployment's name.
    const scaledObjects = i.workloads.filter((w) => w.hpa !== undefined && w.hpa !== w.name).map((w) => w.name);
    const keda = scaledObjects.length > 0;
    const availableByHpa = keda ? `(${available("")} or ${available(KEDA_HPA_PREFIX)})` : available("");
    // KEDA's HPA of a pool at 0 reports ScalingActive=false (ScalingDisabled) by design: only an awake one counts.
    const awake = keda
        ? ` unless on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_status_current_replicas{${ns}} == 0`
        : "";
    const rules: IRule[] = [
        alertRule(ctx, {
            alert: "SysmanageHpaAtMaxReplicas",
            expr: `kube_horizontalpodautoscaler_status_current_replicas{${ns},horizontalpodautoscaler=~"${hpas}"} >= on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas{${ns}}`,
            for: "15m",
            severity: "warning",
            summary: "An HPA has been at maxReplicas for 15 minutes",
            description:
                "{{ $labels.horizontalpodautoscaler }} runs {{ $value }} replicas, its maximum: load beyond it queues or is served slower. Raise the bound (forecast guardrails) or find out why the load grew.",
        }),
        alertRule(ctx, {
            alert: "SysmanageHpaMetricUnavailable",
            expr: `kube_horizontalpodautoscaler_status_condition{${ns},horizontalpodautoscaler=~"${hpas}",condition="ScalingActive",status="false"} == 1${awake}`,
            for: "10m",
            severity: "critical",
            summary: "An HPA cannot read its metrics",
            description:
                "{{ $labels.horizontalpodautoscaler }} reports ScalingActive=false: a metric is <unknown> (prometheus-adapter, metrics-server or an exporter is down), so it cannot scale out.",
        }),
        alertRule(ctx, {
            alert: "SysmanageReplicasNotReady",
            expr: `kube_horizontalpodautoscaler_status_desired_replicas{${ns},horizontalpodautoscaler=~"${hpas}"} > on (namespace, horizontalpodautoscaler) ${availableByHpa}`,
            for: "15m",
            severity: "warning",
            summary: "Desired replicas have not been available for 15 minutes",
            description:
                "{{ $labels.horizontalpodautoscaler }} wants more pods than are available: pods pending (no capacity, quota), crashing or failing readiness.",
        }),
        alertRule(ctx, {
            alert: "SysmanagePodCrashLooping",
            expr: `increase(kube_pod_container_status_restarts_total{${ns}}[15m]) > 3`,
            for: "5m",
            severity: "warning",
            summary: "A container keeps restarting",
            description: "{{ $labels.pod }}/{{ $labels.container }} restarted {{ $value }} times in 15 minutes.",
        }),
    ];
    rules.push(...kedaAlerts(ctx, scaledObjects));
    if (i.api)
        rules.push(
            alertRule(ctx, {
                alert: "SysmanageApiLatencyAboveTarget",
                expr: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${ns},pod=~"${deploymentPods(i.api.deployment)}"}[5m]))) > ${i.api.p95Seconds}`,
                for: "15m",
                severity: "warning",
                summary: "The API's p95 latency is above its target",
                description: `The API's p95 over all pods is {{ $value }} s, above the ${i.api.p95Seconds} s the HPA targets per pod.`,
            }),
        );
    for (const q of i.queues)
        rules.push(
            alertRule(ctx, {
                alert: "SysmanageQueueBeyondCapacity",
                expr: `max by (queue) (sysmanage_queue_length{queue="${q.queue}"}) > ${q.maxQueueLength}`,
                for: "15m",
                severity: "warning",
                labels: { queue: q.queue },
                summary: "A queue is longer than its workers at maxReplicas are sized for",
                description: `Queue ${q.queue} holds {{ $value }} jobs; ${q.deployment} at maxReplicas is sized for ${q.maxQueueLength}.`,
            }),
        );
    return rules;
}

/**
 * KEDA's operator (2.19.0 pkg/metricscollector/prommetrics.go) counts each failed read of a
 * ScaledObject's triggers in keda_scaled_object_errors_total{namespace, scaledObject}; scraped by
 * the chart's PodMonitor in KEDA's namespace, the object's namespace label becomes exported_namespace.
 */
function kedaAlerts(ctx: AlertContext, scaledObjects: readonly string[]): IRule[] {
    if (!scaledObjects.length) return [];
    return [
        alertRule(ctx, {
            alert: "SysmanageKedaTriggerErrors",
            expr: `sum by (exported_namespace, scaledObject) (rate(keda_scaled_object_errors_total{exported_namespace="${ctx.namespace}",scaledObject=~"${scaledObjects.join("|")}"}[5m])) > 0`,
            for: "10m",
            severity: "critical",
            summary: "KEDA cannot read the triggers of a pool that scales to zero",
            description:
                "KEDA fails to read the triggers of {{ $labels.scaledObject }} ({{ $value }} errors a second): at 0 pods the pool does not wake for new jobs, above 1 it does not scale. Check the Prometheus the triggers query (metrics.prometheusUrl) and `kubectl describe scaledobject`.",
        }),
    ];
}
