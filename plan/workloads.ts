/**
 * Turns the validated config into plain workload plans: names, pod shapes, HPA bounds, metrics
 * and behaviors. Pure, so the render summary, the tests and (later) the forecasting step see
 * the same plan the components are built from.
 */
import type { AppConfig, WorkerPoolName } from "../config/schema";
import { WORKER_POOLS } from "../config/schema";
import { priorityClassOf } from "../policies/contract";
import { API_BEHAVIOR, WORKER_BEHAVIOR, type ReplicaBounds, type ScalingMetric } from "../lib/hpa";
import { METRIC } from "../lib/metricsRules";
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import type { PodArgs } from "../lib/workload";
import type { Capacity } from "../lib/placement";
import type { OnDemandFloorPlan } from "./placement";

export const API_NAME = "sysmanage-api";
export const ANALYTICS_NAME = "sysmanage-analytics";
export const workerName = (pool: WorkerPoolName) => `sysmanage-worker-${pool}`;

export interface AutoscaledPlan {
    /** Logical (Pulumi) name of the component. */
    readonly key: string;
    /** Where its settings live in the stack config (`api`, `workers.queue`, ...). */
    readonly configKey: string;
    readonly pod: Omit<PodArgs, "serviceAccountName">;
    readonly bounds: ReplicaBounds;
    readonly metrics: readonly ScalingMetric[];
    readonly behavior: HorizontalPodAutoscalerBehavior;
    readonly exposeService: boolean;
    /** Node capacity (config `workers.<pool>.capacity`; the API is on-demand). */
    readonly capacity: Capacity;
    /** A spot pool's floor on on-demand nodes (plan/placement.ts). */
    readonly onDemandFloor?: OnDemandFloorPlan;
    /** Annotations of the Deployment. */
    readonly deploymentAnnotations?: Readonly<Record<string, string>>;
    /**
     * Scaled by a KEDA ScaledObject from 0 pods (config `workers.<pool>.scaleToZero`) instead of
     * an HPA, whose triggers are the HPA's metrics (plan/scaleToZero.ts): its queue wakes it.
     */
    readonly scaleToZero?: true;
}

export function apiPlan(c: AppConfig, instance: string): AutoscaledPlan {
    const a = c.api;
    return {
        key: "api",
        configKey: "api",
        pod: {
            name: API_NAME,
            component: "api",
            instance,
            image: a.image,
            port: a.port,
            resources: a.resources,
            probes: a.probes,
            shutdown: a.shutdown,
            zones: c.zones,
            priorityClassName: priorityClassOf("api"),
        },
        bounds: { minReplicas: a.minReplicas, maxReplicas: a.maxReplicas },
        metrics: [
            { kind: "cpu", utilization: a.targets.cpuUtilization },
            { kind: "memory", utilization: a.targets.memoryUtilization },
            { kind: "pods", name: METRIC.requestsPerSecond, averageValue: String(a.targets.requestsPerSecond) },
            { kind: "pods", name: METRIC.responseTimeP95, averageValue: a.targets.responseTimeP95 },
        ],
        behavior: API_BEHAVIOR,
        exposeService: true,
        capacity: "on-demand",
    };
}

export function workerPlans(c: AppConfig, instance: string): AutoscaledPlan[] {
    return WORKER_POOLS.filter((pool) => c.workers[pool].enabled).map((pool) => {
        const w = c.workers[pool];
        return {
            key: `worker-${pool}`,
            configKey: `workers.${pool}`,
            pod: {
                name: workerName(pool),
                component: "worker",
                instance,
                image: w.image,
                port: w.port,
                resources: w.resources,
                probes: w.probes,
                shutdown: w.shutdown,
                zones: c.zones,
                priorityClassName: priorityClassOf("workers"),
                env: [
                    { name: "SYSMANAGE_WORKER_POOL", value: pool },
                    { name: "SYSMANAGE_QUEUE", value: w.queueName },
                ],
            },
            bounds: { minReplicas: w.minReplicas, maxReplicas: w.maxReplicas },
            metrics: [
                // The queue is shared by the pool: an Object metric (of the namespace) divided by the
                // pod count is "items per worker". A Pods metric would average one global number and never scale.
                {
                    kind: "object",
                    namespace: c.namespace,
                    name: METRIC.queueLength,
                    selector: { queue: w.queueName },
                    averageValue: String(w.queueLengthPerPod),
                },
                { kind: "pods", name: METRIC.processingTimeAvg, averageValue: String(w.processingTimeSeconds) },
            ],
            behavior: WORKER_BEHAVIOR,
            exposeService: false,
            capacity: w.capacity,
            ...(w.scaleToZero ? { scaleToZero: true as const } : {}),
        };
    });
}

export function analyticsPod(c: AppConfig, instance: string): Omit<PodArgs, "serviceAccountName" | "containerName"> {
    const a = c.analytics;
    return {
        name: ANALYTICS_NAME,
        component: "analytics",
        instance,
        image: a.image,
        port: a.port,
        resources: a.resources,
        probes: { startupFailureThreshold: 60, readinessPeriodSeconds: 10, livenessPeriodSeconds: 20 },
        shutdown: a.shutdown,
        zones: c.zones,
        priorityClassName: priorityClassOf("batch"),
    };
}
