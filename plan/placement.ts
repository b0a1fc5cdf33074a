/**
 * Placement by capacity type (issue 17 #2), pure: a spot pool becomes a spot burst (the HPA's
 * target, from one replica up to the ceiling less the floor) and an on-demand floor Deployment
 * running the pool's minimum; in a stack that uses spot, everything else is pinned to on-demand.
 *
 * Two Deployments rather than one spread over `karpenter.sh/capacity-type`: a spread balances a
 * ratio, and a pod allowed on both lands where the scheduler finds room, so it keeps no number
 * of pods on on-demand; a Deployment that requires on-demand keeps exactly its replicas there.
 * The burst keeps the pool's name, so its HPA, schedule, alerts and forecast series stay the
 * pool's; the floor is `<name>-on-demand`. Cost of the split: the burst's HPA divides the queue by
 * its own pods, so at load it adds the floor's pods on top (conservative for the SLO, at most
 * minReplicas pods more than one HPA over the pool would run). A spot pool that scales to zero
 * (KEDA, minReplicas 0) has no floor to keep: it runs on spot alone, with no `-on-demand` Deployment.
 */
import type { AppConfig } from "../config/schema";
import { WORKER_POOLS } from "../config/schema";
import { ON_DEMAND_FLOOR_ANNOTATION, quantityValue } from "../policies/contract";
import { capacityPlacement, type Capacity } from "../lib/placement";
import type { NodePoolArgs } from "../lib/karpenter";
import type { PodArgs } from "../lib/workload";
import { costItems, type CostTier } from "./cost/usage";
import type { OverprovisionPlan } from "./overprovision";
import { apiPlan, workerPlans } from "./workloads";

/** A spot pool's floor: a Deployment pinned to on-demand nodes with a fixed replica count (no HPA). */
export interface OnDemandFloorPlan {
    readonly replicas: number;
    readonly pod: Omit<PodArgs, "serviceAccountName">;
}

/** What placement adds to a workload's plan. */
export interface Placed {
    readonly capacity: Capacity;
    readonly pod: Omit<PodArgs, "serviceAccountName">;
    readonly bounds: { readonly minReplicas: number; readonly maxReplicas: number };
    readonly onDemandFloor?: OnDemandFloorPlan;
    /** Annotations of the Deployment (a spot burst names its floor: policy place-spot-has-on-demand-floor). */
    readonly deploymentAnnotations?: Readonly<Record<string, string>>;
}

export const onDemandName = (name: string): string => `${name}-on-demand`;

/** True when an enabled worker pool runs on spot. */
export const stackUsesSpot = (cfg: AppConfig): boolean =>
    WORKER_POOLS.some((p) => cfg.workers[p].enabled && cfg.workers[p].capacity === "spot");

/** The workload placed: unchanged in a stack without spot, pinned to on-demand, or split into a spot burst and its on-demand floor. */
export function placed<W extends Placed>(w: W, cfg: AppConfig): W {
    if (!stackUsesSpot(cfg)) return w;
    const s = cfg.placement;
    const onDemand = capacityPlacement(s, "on-demand");
    if (w.capacity !== "spot") return { ...w, pod: { ...w.pod, placement: onDemand } };
    const floor = { ...w.pod, name: onDemandName(w.pod.name), placement: onDemand };
    // AWS reclaims a spot node 120 s after its notice: the pods finish (or hand back) their job inside it.
    const grace = Math.min(w.pod.shutdown.terminationGracePeriodSeconds, s.spotGracePeriodSeconds);
    const pod = {
        ...w.pod,
        placement: capacityPlacement(s, "spot"),
        shutdown: { ...w.pod.shutdown, terminationGracePeriodSeconds: grace },
    };
    // A pool that scales to zero (minReplicas 0 by config) keeps no floor: all of it is burst on spot.
    if (w.bounds.minReplicas === 0) return { ...w, pod };
    return {
        ...w,
        pod,
        // An HPA cannot go below 1 (HPAScaleToZero is alpha): one spot pod of slack above the floor.
        bounds: { minReplicas: 1, maxReplicas: w.bounds.maxReplicas - w.bounds.minReplicas },
        onDemandFloor: { replicas: w.bounds.minReplicas, pod: floor },
        deploymentAnnotations: { [ON_DEMAND_FLOOR_ANNOTATION]: floor.name },
    };
}

// ---- Karpenter NodePools (placement.karpenter) ------------------------------------------------

/** A Deployment's rollout at its maximum briefly runs maxSurge more pods (lib/workload.ts: 25%, rounded up). */
const SURGE = 0.25;
/** The PDBs of the program's workloads (lib/workload.ts) let one pod go at a time. */
export const PDB_MAX_UNAVAILABLE = 1;
const DEPLOYMENT_TIERS: ReadonlySet<CostTier> = new Set(["api", "workers", "analytics"]);

/** Requests at maximum scale, in cores and GiB. */
export interface Demand {
    readonly vcpu: number;
    readonly gib: number;
}

/**
 * What the stack's pods request at maximum scale on each capacity type: the HPAs' maxReplicas
 * (a spot pool's floor on on-demand, its burst up to max − min on spot), the rollout surge of
 * every Deployment, the analytics pods at their VPA's maxAllowed, the placeholders, the data
 * tier. The inventory is the cost model's (plan/cost/usage.ts), counted at the maxima instead of
 * the replay's mean: one list of what the stack runs. The sum is what `hpa-max-fits-capacity`
 * checks against the environment's capacity budget.
 */
export function maxDemand(
    cfg: AppConfig,
    stack: string,
    placeholders?: { replicas: number; cpu: string; memory: string },
): Record<Capacity, Demand> {
    const max = new Map([apiPlan(cfg, stack), ...workerPlans(cfg, stack)].map((w) => [w.key, w.bounds.maxReplicas]));
    const items = costItems(cfg, stack, (key, min) => ({ mean: max.get(key) ?? min })).filter((i) => i.name !== "overprovisioning");
    const v = cfg.analytics.vpa;
    const vpaGrows = v.updateMode !== "Off";
    const out: Record<Capacity, { vcpu: number; gib: number }> = { "on-demand": { vcpu: 0, gib: 0 }, spot: { vcpu: 0, gib: 0 } };
    const add = (capacity: Capacity, pods: number, vcpu: number, gib: number) => {
        out[capacity].vcpu += pods * vcpu;
        out[capacity].gib += pods * gib;
    };
    for (const i of items) {
        const pods = DEPLOYMENT_TIERS.has(i.tier) ? i.mean + Math.ceil(i.mean * SURGE) : i.mean;
        const grown = i.tier === "analytics" && vpaGrows;
        const vcpu = grown ? Math.max(i.vcpu, quantityValue(v.maxCpu)) : i.vcpu;
        const gib = grown ? Math.max(i.gib, quantityValue(v.maxMemory) / 2 ** 30) : i.gib;
        add(i.spot ? "spot" : "on-demand", pods, vcpu, gib);
    }
    if (placeholders) {
        const pods = placeholders.replicas + Math.ceil(placeholders.replicas * SURGE);
        add("on-demand", pods, quantityValue(placeholders.cpu), quantityValue(placeholders.memory) / 2 ** 30);
    }
    return out;
}

/** The stack's NodePools: on-demand, and spot when a pool runs there; none unless placement.karpenter.enabled. */
export function nodePoolsPlan(
    cfg: AppConfig,
    stack: string,
    labels: Readonly<Record<string, string>>,
    placeholders?: OverprovisionPlan,
): NodePoolArgs[] {
    const k = cfg.placement.karpenter;
    if (!k.enabled) return [];
    const demand = maxDemand(cfg, stack, placeholders);
    const grow = 1 + k.limitsHeadroomPercent / 100;
    const capacities: Capacity[] = stackUsesSpot(cfg) ? ["on-demand", "spot"] : ["on-demand"];
    return capacities.map((capacity) => ({
        name: `${cfg.namespace}-${capacity}`,
        capacity,
        labels,
        nodeClassRef: k.nodeClassRef,
        architectures: k.architectures,
        zones: cfg.zones,
        instanceCategories: k.instanceCategories,
        ...(capacity === "spot" ? { spotTaint: cfg.placement.spotTaint } : {}),
        // Float noise (0.1 + 0.2) must not add a core: rounded to the millicore and the MiB first.
        limits: {
            cpu: Math.ceil(Math.round(demand[capacity].vcpu * grow * 1000) / 1000),
            memoryGiB: Math.ceil(Math.round(demand[capacity].gib * grow * 1024) / 1024),
        },
        consolidateAfter: k.consolidateAfter,
        expireAfter: k.expireAfter,
        ...(k.terminationGracePeriod ? { terminationGracePeriod: k.terminationGracePeriod } : {}),
        disruptNodes: PDB_MAX_UNAVAILABLE,
    }));
}
