/**
 * A KEDA ScaledObject for a worker pool that scales to zero (issue 17 #4), pure. KEDA v2.19.0
 * (components/platform/charts.ts) creates the HPA `keda-hpa-<name>` from it, serves its
 * triggers as External metrics and scales the Deployment 0 -> 1 itself when a trigger becomes
 * active (an HPA cannot: HPAScaleToZero is alpha), so the pool has no HPA of its own (KEDA's
 * webhook refuses a second autoscaler on the same Deployment).
 *
 * The triggers are the pool's HPA metrics through KEDA's `prometheus` scaler, against the
 * Prometheus the adapter queries:
 * - the queue (`max(sysmanage_queue_length{...})`, AverageValue queueLengthPerPod as the HPA's
 *   External metric), activationThreshold 0: the first message wakes the pool;
 * - the average job time (the HPA's Pods metric: `Value` over the pool's average equals an
 *   AverageValue over per-pod values), which also keeps the pool awake while jobs still run after
 *   the queue drained;
 * - the forecast's floor schedule when there is one (`sysmanage:scheduled_floor:replicas`, threshold
 *   1: the value is a replica count), so a scheduled busy hour starts warm.
 * The workers' HPA has no cpu/memory metric (the seed's worker targets are the queue and the job
 * time), so neither has the ScaledObject.
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import type { IScaledObject } from "../generated/crds/keda.sh/v1alpha1/ScaledObject";
import { SCHEDULE_SERIES } from "./floorSchedule";

export const SCALED_OBJECT_API_VERSION = "keda.sh/v1alpha1";

/** What a ScaledObject of a scale-to-zero pool is built from: plain data from the plan. */
export interface ScaledObjectArgs {
    /** The Deployment (and the ScaledObject: KEDA's HPA is `keda-hpa-<name>`). */
    readonly name: string;
    readonly namespace: string;
    /** The HPA's max (forecast-sized when the forecast sizes it). */
    readonly maxReplicas: number;
    readonly queueName: string;
    readonly queueLengthPerPod: number;
    readonly processingTimeSeconds: number;
    /** Prometheus as the adapter reaches it (config metrics.prometheusUrl and prometheusPort). */
    readonly prometheusUrl: string;
    readonly prometheusPort: number;
    /** The seed's worker behavior (lib/hpa.ts WORKER_BEHAVIOR), for KEDA's HPA above 1 pod. */
    readonly behavior: HorizontalPodAutoscalerBehavior;
    /** True when the forecast schedules the pool's floor (its PrometheusRule records the series). */
    readonly scheduled: boolean;
    /** Seconds between KEDA's checks of the triggers while the pool is at 0 (the scrape interval). */
    readonly pollingIntervalSeconds: number;
    /** Seconds every trigger stays inactive before 1 -> 0 (the workers' scale-down window). */
    readonly cooldownSeconds: number;
}

/** A ScaledObject's spec as the vendored CRD (KEDA v2.19.0) types it (`npm run crds:types`). */
export type ScaledObjectSpec = NonNullable<IScaledObject["spec"]>;
type ScaleTrigger = ScaledObjectSpec["triggers"][number];

/** The HPA KEDA creates for a ScaledObject (KEDA's default name; dashboards and alerts name it). */
export const KEDA_HPA_PREFIX = "keda-hpa-";
export const kedaHpaName = (scaledObject: string): string => `${KEDA_HPA_PREFIX}${scaledObject}`;

/** The average job time of the pool's pods, as the adapter's processing_time_avg rule computes it per pod. */
export function processingTimeQuery(namespace: string, name: string): string {
    const m = `namespace="${namespace}",pod=~"${name}-.*"`;
    return (
        `sum(rate(sysmanage_job_duration_seconds_sum{${m}}[5m]))` +
        ` / clamp_min(sum(rate(sysmanage_job_duration_seconds_count{${m}}[5m])), 0.001)`
    );
}

const prometheus = (
    name: string,
    serverAddress: string,
    query: string,
    threshold: number,
    metricType: "AverageValue" | "Value",
): ScaleTrigger => ({
    type: "prometheus",
    name,
    metricType,
    metadata: { serverAddress, query, threshold: String(threshold), activationThreshold: "0" },
});

export function scaledObjectSpec(a: ScaledObjectArgs): ScaledObjectSpec {
    if (a.maxReplicas < 1) throw new Error(`${a.name}: maxReplicas (${a.maxReplicas}) must be >= 1`);
    const server = `${a.prometheusUrl}:${a.prometheusPort}`;
    const ns = `namespace="${a.namespace}"`;
    const triggers: ScaleTrigger[] = [
        prometheus(
            "queue-length",
            server,
            `max(sysmanage_queue_length{${ns},queue="${a.queueName}"})`,
            a.queueLengthPerPod,
            "AverageValue",
        ),
        prometheus("processing-time", server, processingTimeQuery(a.namespace, a.name), a.processingTimeSeconds, "Value"),
    ];
    if (a.scheduled)
        triggers.push(
            prometheus("scheduled-floor", server, `max(${SCHEDULE_SERIES.floor}{${ns},workload="${a.name}"})`, 1, "AverageValue"),
        );
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: a.name },
        minReplicaCount: 0,
        maxReplicaCount: a.maxReplicas,
        pollingInterval: a.pollingIntervalSeconds,
        cooldownPeriod: a.cooldownSeconds,
        advanced: { horizontalPodAutoscalerConfig: { behavior: a.behavior } },
        triggers,
    };
}
