/**
 * A KEDA ScaledObject for a worker pool that scales to zero (issue 17 #4), pure. KEDA v2.19.0
 * (components/platform/charts.ts) creates the HPA `keda-hpa-<name>` from it, serves its
 * triggers as External metrics and scales the Deployment 0 -> 1 itself when a trigger becomes
 * active (an HPA cannot: HPAScaleToZero is alpha), so the pool has no HPA of its own (KEDA's
 * webhook refuses a second autoscaler on the same Deployment).
 *
 * The triggers are the pool's HPA metrics (plan/workloads.ts, and the floor schedule's
 * `scheduled_floor` when the forecast made one) through KEDA's `prometheus` scaler, against the
 * Prometheus the adapter queries, each reading what the HPA would read (lib/hpaQueries.ts: the
 * adapter's own rule filled in as the adapter fills it), so the pool scales the same above 1 pod:
 * - an `Object` metric of the namespace (the queue; the schedule's floor, a replica count) is an
 *   `AverageValue` trigger on the namespace's one value: value / pods against the target, as the
 *   HPA's Object metric;
 * - a `Pods` metric (the average job time) is a `Value` trigger on the average over the pool's pods:
 *   the HPA's AverageValue over per-pod values is that average against the target. It also keeps
 *   the pool awake while jobs still run after the queue drained.
 * activationThreshold 0 for each: the first message (or a scheduled floor) wakes the pool. The
 * workers' HPA has no cpu/memory metric (the seed's worker targets are the queue and the job time),
 * and KEDA's cpu/memory scalers cannot wake a pool at 0, so a pool with one is refused.
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import type { IScaledObject } from "../generated/crds/keda.sh/v1alpha1/ScaledObject";
import { quantityValue } from "../policies/contract";
import type { ScalingMetric } from "./hpa";
import { namespaceMetricQuery, podsMetricQuery } from "./hpaQueries";

export const SCALED_OBJECT_API_VERSION = "keda.sh/v1alpha1";

/** What a ScaledObject of a scale-to-zero pool is built from: plain data from the plan. */
export interface ScaledObjectArgs {
    /** The Deployment (and the ScaledObject: KEDA's HPA is `keda-hpa-<name>`). */
    readonly name: string;
    readonly namespace: string;
    /** The HPA's max (forecast-sized when the forecast sizes it). */
    readonly maxReplicas: number;
    /** The HPA's metrics (each becomes a trigger). */
    readonly metrics: readonly ScalingMetric[];
    /** Prometheus as the adapter reaches it (config metrics.prometheusUrl and prometheusPort). */
    readonly prometheusUrl: string;
    readonly prometheusPort: number;
    /** The seed's worker behavior (lib/hpa.ts WORKER_BEHAVIOR), for KEDA's HPA above 1 pod. */
    readonly behavior: HorizontalPodAutoscalerBehavior;
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

/** KEDA's trigger for one HPA metric, named after it (`queue_length` -> `queue-length`). */
function trigger(m: ScalingMetric, namespace: string, deployment: string, server: string): ScaleTrigger {
    switch (m.kind) {
        case "object":
            return prometheus(
                m.name.replaceAll("_", "-"),
                server,
                namespaceMetricQuery(m.name, m.selector, m.namespace),
                quantityValue(m.averageValue),
                "AverageValue",
            );
        case "pods":
            return prometheus(
                m.name.replaceAll("_", "-"),
                server,
                podsMetricQuery(m.name, namespace, deployment),
                quantityValue(m.averageValue),
                "Value",
            );
        default:
            throw new Error(
                `${deployment}: a pool that scales to zero cannot scale on ${m.kind}: KEDA's ${m.kind} scaler cannot wake it from 0`,
            );
    }
}

export function scaledObjectSpec(a: ScaledObjectArgs): ScaledObjectSpec {
    if (a.maxReplicas < 1) throw new Error(`${a.name}: maxReplicas (${a.maxReplicas}) must be >= 1`);
    const server = `${a.prometheusUrl}:${a.prometheusPort}`;
    const triggers = a.metrics.map((m) => trigger(m, a.namespace, a.name, server));
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
