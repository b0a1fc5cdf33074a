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
import { ON_DEMAND_FLOOR_ANNOTATION } from "../policies/contract";
import { capacityPlacement, type Capacity } from "../lib/placement";
import type { PodArgs } from "../lib/workload";

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
