/**
 * Spot capacity on a replay's trajectory (issue 17): the pods above the on-demand floor run on
 * spot (a `share` of them), and spot pods are interrupted at a rate per spot pod-hour. Pure and
 * deterministic: the randomness is a uniform source the caller seeds.
 *
 * The model, per interruption:
 * - interruptions form a Poisson process over spot pod-hours: the gaps between them, counted in
 *   spot pod-hours, are exponential with mean 1 ÷ `interruptionsPerPodHour` (one uniform draw
 *   each, `-ln(1 - u) ÷ rate`), so a replay draws once per interruption, not once per pod-tick;
 * - the notice arrives at the tick where the spot pod-hours cross the next gap; the pod serves
 *   through the notice (graceful shutdown) and is lost `noticeSeconds` later (AWS gives 120 s);
 * - its replacement is created then and is ready `replacementDelaySeconds` after the loss (the
 *   replay's readiness delay); in between the workload has one ready pod fewer. A controller that
 *   starts the replacement at the notice (Karpenter's interruption handling) is modelled by a
 *   delay of max(0, delay − notice).
 * - the floor's pods are on-demand and never interrupted; lost pods beyond the spot pods of a
 *   tick (the HPA scaled down meanwhile, removing the missing pods first) count no more.
 * Pods are interrupted one by one (a node that carries several pods would take them together:
 * the rate is per pod, the burst is not modelled). The HPA does not react to the missing pod: a
 * short outage is priced as the shortfall it leaves.
 */
import { SHORTFALL_WEIGHT, type Trajectory } from "./simulator";

export interface SpotSettings {
    /** Fraction (0..1) of the pods above the on-demand floor that run on spot; the rest on-demand. */
    readonly share: number;
    /** Interruptions per spot pod-hour. */
    readonly interruptionsPerPodHour: number;
    /** Seconds from the interruption notice to the loss of the pod. */
    readonly noticeSeconds: number;
    /** Seconds from the loss to its replacement being ready. */
    readonly replacementDelaySeconds: number;
}

/** AWS's interruption notice. */
export const AWS_NOTICE_SECONDS = 120;

/**
 * 20 % of spot instances interrupted a month, per pod-hour (730 h a month): the lower edge of the
 * worst bucket of AWS's Spot Instance Advisor (<5, 5-10, 10-15, 15-20, >20 % a month), a
 * conservative default; most general-purpose types sit in the <5 % bucket.
 */
export const DEFAULT_INTERRUPTIONS_PER_POD_HOUR = 0.2 / 730;

export interface SpotOutcome {
    readonly interruptions: number;
    /** Pod-hours on-demand (the floor, and the burst's share not on spot) and on spot. */
    readonly onDemandPodHours: number;
    readonly spotPodHours: number;
    /** Σ max(0, need − ready pods left) in pod-hours. */
    readonly shortfallPodHours: number;
    /** Fraction of the scored ticks with the load above the ready pods left. */
    readonly underProvisionedFraction: number;
    /** (replica-hours + 10 × shortfall pod-hours) ÷ the oracle's replica-hours: the replay's `weightedCost` with spot. */
    readonly weightedCost: number;
}

/** Outages in notice order: [lost at, ready at] seconds; the loss times rise with the notices. */
class Outages {
    private readonly spans: [number, number][] = [];

    add(lostAt: number, readyAt: number): void {
        if (readyAt > lostAt) this.spans.push([lostAt, readyAt]);
    }

    /** Pods lost and not replaced at `t`; drops the outages over by then. */
    at(t: number): number {
        let n = 0;
        let keep = 0;
        for (const s of this.spans) {
            if (s[1] <= t) continue;
            this.spans[keep++] = s;
            if (s[0] <= t) n++;
        }
        this.spans.length = keep;
        return n;
    }
}

/**
 * Prices spot on trajectory `tr` (ticks `dt` seconds apart) under the on-demand floor `floorAt`
 * (called with rising times). `uniform` returns numbers in [0, 1).
 */
export function spotReplay(
    tr: Trajectory,
    dt: number,
    floorAt: (t: number) => number,
    s: SpotSettings,
    uniform: () => number,
): SpotOutcome {
    if (!(s.share >= 0 && s.share <= 1)) throw new Error(`spot share (${s.share}) must be within 0..1`);
    if (!(s.interruptionsPerPodHour >= 0)) throw new Error(`spot interruptions per pod-hour (${s.interruptionsPerPodHour}) must be >= 0`);
    const h = dt / 3600;
    const gap = () => (s.interruptionsPerPodHour > 0 ? -Math.log(1 - uniform()) / s.interruptionsPerPodHour : Infinity);
    const outages = new Outages();
    let exposure = 0;
    let next = gap();
    let interruptions = 0;
    let replicaTicks = 0;
    let spotTicks = 0;
    let shortTicks = 0;
    let underTicks = 0;
    for (let k = 0; k < tr.time.length; k++) {
        const t = tr.time[k];
        const r = tr.replicas[k];
        const spot = Math.floor(s.share * Math.max(0, r - floorAt(t)) + 1e-9);
        exposure += spot * h;
        while (spot > 0 && exposure >= next) {
            interruptions++;
            outages.add(t + s.noticeSeconds, t + s.noticeSeconds + s.replacementDelaySeconds);
            next += gap();
        }
        const ready = Math.max(0, tr.ready[k] - Math.min(outages.at(t), spot));
        const short = tr.need[k] - ready;
        if (short > 1e-9) {
            shortTicks += short;
            underTicks++;
        }
        replicaTicks += r;
        spotTicks += spot;
    }
    const n = tr.time.length;
    return {
        interruptions,
        onDemandPodHours: (replicaTicks - spotTicks) * h,
        spotPodHours: spotTicks * h,
        shortfallPodHours: shortTicks * h,
        underProvisionedFraction: n ? underTicks / n : 0,
        weightedCost: tr.oracleTicks > 0 ? (replicaTicks + SHORTFALL_WEIGHT * shortTicks) / tr.oracleTicks : 0,
    };
}

/** The floor in force at rising times `t` of fixed bounds or bounds segments sorted by `from`. */
export function floorOf(
    bounds: { readonly minReplicas: number } | readonly { readonly from: number; readonly minReplicas: number }[],
): (t: number) => number {
    if (!Array.isArray(bounds)) {
        const f = (bounds as { minReplicas: number }).minReplicas;
        return () => f;
    }
    const segs = bounds as readonly { readonly from: number; readonly minReplicas: number }[];
    let i = 0;
    return (t) => {
        while (i + 1 < segs.length && segs[i + 1].from <= t) i++;
        return segs[i].minReplicas;
    };
}
