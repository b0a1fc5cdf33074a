/**
 * Turns forecasts into replica bounds like the HPA does (the data-tier counts, in dataTier.ts,
 * share its hysteresis): per metric `ceil(load / (capacity per pod × target))`, the max over
 * metrics. `maxReplicas` covers the forecast's upper band × peak factor (never below the recent
 * observed peak) with headroom;
 * `minReplicas` is the smallest floor whose replay over recent history keeps under-provisioning
 * within the target (the floor absorbs the HPA's reaction time and pod start-up). Both are
 * clamped to the environment's guardrails, `min <= max`, never below the policy minimum, and
 * held still by hysteresis. Pure.
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import { replay, SHORTFALL_WEIGHT, type ReplayMetric, type ReplayResult, type Trajectory } from "./simulator";

export interface MetricCapacity {
    readonly name: string;
    /** What one pod serves at 100 % (req/s, cores, bytes, queue items). */
    readonly capacityPerPod: number;
    /** The HPA target as a fraction of that capacity. For AverageValue targets, capacityPerPod × targetUtilization = averageValue. */
    readonly targetUtilization: number;
}

export interface Guardrails {
    /** Lowest minReplicas this environment allows. */
    readonly minReplicas: number;
    /** Highest maxReplicas this environment allows. */
    readonly maxReplicas: number;
    /** Never fewer pods than this (availability policy, PDB). */
    readonly policyMinimum: number;
}

export interface Bounds {
    readonly minReplicas: number;
    readonly maxReplicas: number;
}

const ceilEps = (x: number) => Math.ceil(x - 1e-9);

/** Replicas one metric needs: ceil(load / (capacity × target)); 0 for no load. */
export function replicasFor(load: number, c: MetricCapacity): number {
    if (!(c.capacityPerPod > 0) || !(c.targetUtilization > 0))
        throw new Error(
            `metric ${c.name}: capacityPerPod (${c.capacityPerPod}) and targetUtilization (${c.targetUtilization}) must be > 0`,
        );
    return Number.isFinite(load) && load > 0 ? ceilEps(load / (c.capacityPerPod * c.targetUtilization)) : 0;
}

/** The max over metrics, as the HPA takes it (not a weighted blend). */
export function replicasForLoads(loads: readonly number[], caps: readonly MetricCapacity[]): number {
    let r = 0;
    for (let i = 0; i < caps.length; i++) r = Math.max(r, replicasFor(loads[i], caps[i]));
    return r;
}

/** maxReplicas before guardrails: max over metrics of the peak (forecast band × peak factor, or the recent peak if higher) × (1 + headroom). */
export function rawMaxReplicas(
    forecastPeaks: readonly number[],
    recentPeaks: readonly number[],
    caps: readonly MetricCapacity[],
    headroom: number,
): number {
    const loads = caps.map((_, i) => Math.max(forecastPeaks[i] ?? 0, recentPeaks[i] ?? 0) * (1 + headroom));
    return Math.max(1, replicasForLoads(loads, caps));
}

export interface FloorOptions {
    /** Highest under-provisioned fraction of ticks accepted on the replayed history (0.05 = 5 %). */
    readonly underProvisionedTarget: number;
    readonly behavior?: HorizontalPodAutoscalerBehavior;
    /** @default 60 */
    readonly readinessDelaySeconds?: number;
}

/** One floor's simulated outcome on the replayed history. */
export interface FloorPoint {
    readonly floor: number;
    /** SLO-weighted cost: (replica-hours + 10 × missing pod-hours) ÷ oracle replica-hours. */
    readonly cost: number;
    /** Fraction of scored ticks with load above the ready pods' capacity. */
    readonly under: number;
}

/**
 * Every floor in [lo, hi] priced from ONE replay's trajectory at floor `lo`: a floor f holds
 * max(f, replicas) pods and max(f, ready) ready pods at each tick. This is what a floor does
 * while the HPA sits at it; above it the replay's own decisions stand (a raised floor also
 * starts each scale-up from higher, so the curve is slightly pessimistic there). O(ticks + hi − lo).
 */
export function floorCurve(tr: Trajectory, lo: number, hi: number): FloorPoint[] {
    const F = Math.max(0, hi - lo + 1);
    const n = tr.replicas.length;
    if (F === 0 || n === 0 || !(tr.oracleTicks > 0)) return [];
    // Replicas: Σ max(f, r) = Σ r + Σ_{r < f} (f − r), from a histogram of r.
    // Stryker disable next-line ArithmeticOperator: equivalent, the last slot is added after the last floor is priced
    const cnt = new Float64Array(F + 1);
    let total = 0;
    for (let k = 0; k < n; k++) {
        const r = tr.replicas[k];
        total += r;
        if (r <= hi) cnt[Math.max(0, r - lo)]++;
    }
    // Missing pods of tick k at floor f: need − max(f, ready) when positive; piecewise linear in
    // f, accumulated as difference arrays of a + b·f, and of the under-provisioned count.
    const dA = new Float64Array(F + 1);
    const dB = new Float64Array(F + 1);
    const dU = new Float64Array(F + 1);
    // Stryker disable next-line ArithmeticOperator: equivalent, slots from F on are never read
    const top = F - 1;
    const add = (arr: Float64Array, from: number, to: number, x: number) => {
        const i0 = Math.max(0, from - lo);
        const i1 = Math.min(top, to - lo);
        if (i0 > i1) return;
        arr[i0] += x;
        arr[i1 + 1] -= x;
    };
    for (let k = 0; k < n; k++) {
        const need = tr.need[k];
        const ready = tr.ready[k];
        if (!(need > ready + 1e-9)) continue;
        const last = Math.ceil(need - 1e-9) - 1; // highest floor still short of `need`
        add(dA, lo, ready, need - ready);
        add(dA, ready + 1, last, need);
        add(dB, ready + 1, last, -1);
        add(dU, lo, last, 1);
    }
    const out: FloorPoint[] = [];
    let a = 0;
    let b = 0;
    let u = 0;
    let below = 0; // ticks with r < f
    let belowSum = 0; // Σ r over them
    for (let i = 0; i < F; i++) {
        const f = lo + i;
        a += dA[i];
        b += dB[i];
        u += dU[i];
        const replicas = total + below * f - belowSum;
        const short = a + b * f;
        out.push({ floor: f, cost: (replicas + SHORTFALL_WEIGHT * short) / tr.oracleTicks, under: u / n });
        below += cnt[i];
        belowSum += cnt[i] * f;
    }
    return out;
}

export interface FloorSearch {
    readonly floor: number;
    /** The exact replay of [floor, maxReplicas]. */
    readonly exact: ReplayResult;
    /** Full replays run (the trajectory, the check, and any exact search above it). */
    readonly replays: number;
    /** The replay of [lo, maxReplicas] that priced every floor, with its trajectory (the schedule reuses it). */
    readonly base: ReplayResult;
}

/**
 * The floor (minReplicas) from a replay of recent history: one replay at `lo` prices every floor
 * (`floorCurve`); the floor with the lowest SLO-weighted cost is taken, raised to the lowest floor
 * whose under-provisioned fraction is within the target; an exact replay of that floor checks
 * it, and if the exact replay misses the target a binary search over exact replays raises it
 * (a higher floor never has fewer ready pods).
 */
export function searchFloor(
    history: { readonly start: number; readonly step: number; readonly metrics: readonly ReplayMetric[] },
    lo: number,
    maxReplicas: number,
    o: FloorOptions,
): FloorSearch | undefined {
    if (history.metrics.length === 0 || history.metrics[0].load.length === 0) return undefined;
    let replays = 0;
    const run = (floor: number, recordTrajectory = false) => {
        replays++;
        return replay({
            ...history,
            bounds: { minReplicas: floor, maxReplicas },
            behavior: o.behavior,
            readinessDelaySeconds: o.readinessDelaySeconds ?? 60,
            recordEvents: false,
            recordTrajectory,
        });
    };
    const a = Math.max(0, lo);
    const b = Math.max(a, maxReplicas);
    const base = run(a, true);
    const curve = floorCurve(base.trajectory!, a, b);
    if (curve.length === 0) return { floor: a, exact: base, replays, base };
    let best = curve[0];
    for (const p of curve) if (p.cost < best.cost - 1e-12) best = p;
    let floor = best.floor;
    if (best.under > o.underProvisionedTarget)
        floor = curve.find((p) => p.floor > best.floor && p.under <= o.underProvisionedTarget)?.floor ?? b;
    let exact = floor === a ? base : run(floor);
    if (exact.underProvisionedFraction <= o.underProvisionedTarget || floor === b) return { floor, exact, replays, base };
    // The curve was optimistic here: exact binary search above.
    let x = floor;
    let y = b;
    let atY = run(y);
    // Stryker disable next-line ObjectLiteral: equivalent, never reached: pinned at max the replay misses only where need > max, which every lower floor's curve counts too
    if (atY.underProvisionedFraction > o.underProvisionedTarget) return { floor: y, exact: atY, replays, base };
    while (y - x > 1) {
        const m = (x + y) >> 1;
        const r = run(m);
        if (r.underProvisionedFraction <= o.underProvisionedTarget) {
            y = m;
            atY = r;
        } else x = m;
    }
    exact = atY;
    return { floor: y, exact, replays, base };
}

/** The floor `searchFloor` picks (`lo` when there is no history). */
export function floorFromHistory(
    history: { readonly start: number; readonly step: number; readonly metrics: readonly ReplayMetric[] },
    lo: number,
    maxReplicas: number,
    o: FloorOptions,
): number {
    return searchFloor(history, lo, maxReplicas, o)?.floor ?? lo;
}

export interface HysteresisOptions {
    /** A bound moves only by at least max(1 replica, this % of its current value). @default 10 */
    readonly percent: number;
}

/** Whether moving from `current` to `next` is a big enough change. */
export function passesHysteresis(current: number, next: number, percent: number): boolean {
    return Math.abs(next - current) >= Math.max(1, (percent / 100) * current);
}

/** The guardrails leave no room for an HPA that scales: their lowest min is not below their max. */
export class GuardrailError extends Error {
    constructor(
        readonly lowest: number,
        readonly maxReplicas: number,
        name: string,
    ) {
        super(
            `${name}: the guardrails allow only ${lowest}..${maxReplicas}: maxReplicas must be above ${lowest} (the higher of minReplicas and the policy minimum), or the HPA gets min = max and never scales`,
        );
        this.name = "GuardrailError";
    }
}

/** What `proposeBoundsDetailed` had to do beyond clamping, for the step's warnings. */
export interface BoundsAdjustments {
    /** The raw maxReplicas was above the guardrail's: it was capped there. */
    readonly maxCapped: boolean;
    /** The floor reached the guardrail's maxReplicas: minReplicas was lowered to one below it. */
    readonly minLowered: boolean;
}

/**
 * Final bounds: raw values clamped to guardrails and the policy minimum, then each bound kept at
 * its current value unless the change passes hysteresis. Never inert: `min < max` always (an HPA
 * with min = max never scales); when the floor reaches the guardrail's max, min is lowered to one
 * below it, and the result says so. Throws `GuardrailError` when the guardrails themselves leave
 * no room (their lowest min is not below their max).
 */
export function proposeBoundsDetailed(
    raw: Bounds,
    current: Bounds,
    g: Guardrails,
    hysteresis: HysteresisOptions,
    name = "workload",
): { readonly bounds: Bounds; readonly adjusted: BoundsAdjustments } {
    const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
    if (!(lowest < g.maxReplicas)) throw new GuardrailError(lowest, g.maxReplicas, name);
    const clamp = (x: number) => Math.min(g.maxReplicas, Math.max(lowest, Number.isFinite(x) ? Math.round(x) : lowest));
    const maxCapped = raw.maxReplicas > g.maxReplicas;
    let max = clamp(raw.maxReplicas);
    let min = Math.min(clamp(raw.minReplicas), max);
    const cur = { minReplicas: clamp(current.minReplicas), maxReplicas: clamp(current.maxReplicas) };
    if (!passesHysteresis(cur.maxReplicas, max, hysteresis.percent)) max = cur.maxReplicas;
    if (!passesHysteresis(cur.minReplicas, min, hysteresis.percent)) min = cur.minReplicas;
    if (min > max) max = min; // a held min above a lowered max: keep the floor, lift the cap
    let minLowered = false;
    if (max === min) {
        // min = max makes the HPA inert (it can never react): one replica of room, above if the
        // guardrail allows, else below.
        if (max < g.maxReplicas) max = min + 1;
        else {
            min = max - 1;
            minLowered = true;
        }
    }
    return { bounds: { minReplicas: min, maxReplicas: max }, adjusted: { maxCapped, minLowered } };
}

/** `proposeBoundsDetailed`'s bounds. */
export function proposeBounds(raw: Bounds, current: Bounds, g: Guardrails, hysteresis: HysteresisOptions, name = "workload"): Bounds {
    return proposeBoundsDetailed(raw, current, g, hysteresis, name).bounds;
}

/**
 * The configured bounds within the guardrails, never inert (what a workload falls back to when
 * it cannot be sized): clamped, then one replica of room as in `proposeBoundsDetailed`.
 */
export function clampToGuardrails(b: Bounds, g: Guardrails, name = "workload"): Bounds {
    const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
    if (!(lowest < g.maxReplicas)) throw new GuardrailError(lowest, g.maxReplicas, name);
    const c = (x: number) => Math.min(g.maxReplicas, Math.max(lowest, x));
    let min = c(b.minReplicas);
    let max = Math.max(min, c(b.maxReplicas));
    if (max === min) {
        if (max < g.maxReplicas) max++;
        else min--;
    }
    return { minReplicas: min, maxReplicas: max };
}

/** A data-tier count's guardrails (dataTier.ts). */
export interface CountGuard {
    readonly min: number;
    readonly max: number;
}
