/** Cross-field rules of the compute tier: HPA bounds, requests against limits, shutdown timings, queues, the VPA. */
import { KARPENTER_CAPACITY_TYPE, quantityValue } from "../../policies/contract";
import { WORKER_POOLS, type AppConfig, type ResourcesConfig } from "../schema";
import type { Show } from "./rule";

interface Shutdown {
    readonly terminationGracePeriodSeconds: number;
    readonly preStopSleepSeconds: number;
}

/** What every workload must satisfy: min <= max replicas (where it has an HPA), limits >= requests, preStop < grace. */
function workloadProblems(
    key: string,
    w: { resources: ResourcesConfig; shutdown: Shutdown },
    show: Show,
    replicas?: [number, number],
): string[] {
    const out: string[] = [];
    if (replicas && replicas[0] > replicas[1])
        out.push(`${key}.minReplicas (${replicas[0]}) must be <= ${key}.maxReplicas (${replicas[1]})`);
    const r = w.resources;
    if (quantityValue(r.memoryLimit) < quantityValue(r.memoryRequest))
        out.push(
            `${key}.resources.memoryLimit (${show(r.memoryLimit, key)}) must be >= ${key}.resources.memoryRequest (${show(r.memoryRequest, key)})`,
        );
    if (r.cpuLimit !== "" && quantityValue(r.cpuLimit) < quantityValue(r.cpuRequest))
        out.push(
            `${key}.resources.cpuLimit (${show(r.cpuLimit, key)}) must be >= ${key}.resources.cpuRequest (${show(r.cpuRequest, key)})`,
        );
    const s = w.shutdown;
    if (s.preStopSleepSeconds >= s.terminationGracePeriodSeconds)
        out.push(
            `${key}.shutdown.preStopSleepSeconds (${s.preStopSleepSeconds}) must be < ${key}.shutdown.terminationGracePeriodSeconds (${s.terminationGracePeriodSeconds})`,
        );
    return out;
}

/** A spot pool leaves its burst at least one pod, and its preStop fits the spot grace period. */
function spotProblems(c: AppConfig, name: (typeof WORKER_POOLS)[number]): string[] {
    const p = c.workers[name];
    const key = `workers.${name}`;
    const out: string[] = [];
    // The on-demand Deployment runs minReplicas; the spot HPA has the rest (an HPA needs maxReplicas >= 1).
    if (p.minReplicas >= p.maxReplicas)
        out.push(
            `${key}.capacity is spot, so ${key}.minReplicas (${p.minReplicas}) must be < ${key}.maxReplicas (${p.maxReplicas}): the burst on spot is the difference`,
        );
    const grace = Math.min(p.shutdown.terminationGracePeriodSeconds, c.placement.spotGracePeriodSeconds);
    if (p.shutdown.preStopSleepSeconds >= grace)
        out.push(
            `${key}.shutdown.preStopSleepSeconds (${p.shutdown.preStopSleepSeconds}) must be < the spot pods' grace period (${grace}, placement.spotGracePeriodSeconds)`,
        );
    return out;
}

/** Karpenter NodePools: the nodes carry the label the pods select on, and AWS-only requirements need the AWS NodeClass. */
function karpenterProblems(c: AppConfig): string[] {
    const k = c.placement.karpenter;
    if (!k.enabled) return [];
    const out: string[] = [];
    // Karpenter sets karpenter.sh/capacity-type on every node it launches; no other capacity label.
    if (c.placement.capacityTypeLabel !== KARPENTER_CAPACITY_TYPE)
        out.push(
            `placement.karpenter.enabled needs placement.capacityTypeLabel ${KARPENTER_CAPACITY_TYPE} (the label Karpenter puts on its nodes), not ${c.placement.capacityTypeLabel}`,
        );
    if (k.instanceCategories.length > 0 && k.nodeClassRef.group !== "karpenter.k8s.aws")
        out.push(
            `placement.karpenter.instanceCategories is an AWS requirement (karpenter.k8s.aws/instance-category): it needs placement.karpenter.nodeClassRef.group karpenter.k8s.aws, not ${k.nodeClassRef.group}`,
        );
    return out;
}

/**
 * A pool at 0 is a KEDA ScaledObject's (issue 17 #4): an HPA cannot go below 1 (HPAScaleToZero is
 * alpha), and a pool that scales to zero keeps no floor, on-demand or otherwise.
 */
function scaleToZeroProblems(key: string, p: AppConfig["workers"]["queue"]): string[] {
    if (p.scaleToZero && p.minReplicas !== 0)
        return [
            `${key}.scaleToZero is true, so ${key}.minReplicas (${p.minReplicas}) must be 0: a pool that scales to zero keeps no floor`,
        ];
    if (!p.scaleToZero && p.minReplicas === 0)
        return [`${key}.minReplicas (0) must be >= 1 unless ${key}.scaleToZero is true: an HPA cannot scale to 0`];
    return [];
}

/** The API, then each worker pool (two enabled pools may not consume one queue), then analytics and its VPA. */
export function computeProblems(c: AppConfig, show: Show): string[] {
    const out = workloadProblems("api", c.api, show, [c.api.minReplicas, c.api.maxReplicas]);
    const queues = new Map<string, string>();
    for (const name of WORKER_POOLS) {
        const p = c.workers[name];
        const key = `workers.${name}`;
        out.push(...workloadProblems(key, p, show, [p.minReplicas, p.maxReplicas]));
        out.push(...scaleToZeroProblems(key, p));
        if (p.enabled && p.capacity === "spot") out.push(...spotProblems(c, name));
        if (p.enabled) {
            const other = queues.get(p.queueName);
            if (other) out.push(`${key}.queueName (${show(p.queueName, "workers")}) is already consumed by workers.${other}`);
            queues.set(p.queueName, name);
        }
    }
    out.push(...workloadProblems("analytics", c.analytics, show));
    const wh = c.placement.workingHours;
    if (wh.start >= wh.end) out.push(`placement.workingHours.start (${wh.start}) must be before placement.workingHours.end (${wh.end})`);
    out.push(...karpenterProblems(c));
    const v = c.analytics.vpa;
    if (quantityValue(v.minCpu) > quantityValue(v.maxCpu))
        out.push(`analytics.vpa.minCpu (${show(v.minCpu, "analytics")}) must be <= analytics.vpa.maxCpu (${show(v.maxCpu, "analytics")})`);
    if (quantityValue(v.minMemory) > quantityValue(v.maxMemory))
        out.push(
            `analytics.vpa.minMemory (${show(v.minMemory, "analytics")}) must be <= analytics.vpa.maxMemory (${show(v.maxMemory, "analytics")})`,
        );
    return out;
}
