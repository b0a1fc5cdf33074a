/**
 * The floor schedule's derivation (issue 16). Pure. The floor of each hour of the day is the
 * cheapest one on the recent days replayed through the HPA under the static floor, those days
 * scaled to the forecast's level (`hourlyFloors`: SLO-weighted cost, a missing pod-hour costs ten
 * idle ones, every floor of every hour priced from one replay). It is kept only when a
 * leave-one-day-out backtest of the same rule beats the static floor. The hourly floors become
 * slots ahead in three monotone steps (`shapeFloors`), so a higher need never lowers a floor:
 *
 * 1. lead: a slot also covers the slots starting within the HPA's reaction time after it (sync,
 *    scale-up stabilization and policy period, readiness), so pods are ready when a ramp starts;
 * 2. hold: dips shorter than `holdSeconds` between higher floors are filled (a morphological
 *    closing: idempotent and monotone), so the schedule has few runs of equal floors;
 * 3. within [minReplicas, maxReplicas], then hysteresis against the schedule in force: a slot keeps
 *    the previous floor unless the change exceeds max(1 replica, `hysteresisPercent` %).
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import type { FloorSchedule } from "./schedule";
import { SHORTFALL_WEIGHT, type Trajectory } from "./simulator";
import { floorCurve } from "./sizing";

export interface FloorOptions {
    /** Unix seconds of slot 0 (a multiple of `stepSeconds`). */
    readonly start: number;
    readonly stepSeconds: number;
    /** The HPA's reaction time: a slot's floor also covers the slots starting this long after it. */
    readonly leadSeconds: number;
    /** Dips shorter than this between higher floors are filled. */
    readonly holdSeconds: number;
    /** The static floor (the HPA's minReplicas) and the cap. */
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly hysteresisPercent: number;
    /** The schedule in force: its floors stand where the new ones differ by little. */
    readonly previous?: FloorSchedule;
}

/**
 * Step 2: fills dips narrower than `w` slots, a closing: each slot takes the lowest, over the
 * windows of `w` slots that contain it (cut at the ends), of the window's highest floor.
 */
export function closeDips(x: readonly number[], w: number): number[] {
    if (w <= 1) return [...x];
    const n = x.length;
    const top = (j: number) => Math.max(...x.slice(Math.max(0, j), Math.min(n, j + w)));
    const d = new Map<number, number>();
    for (let j = 1 - w; j < n; j++) d.set(j, top(j));
    return x.map((_, i) => {
        let m = Infinity;
        for (let j = i - w + 1; j <= i; j++) m = Math.min(m, d.get(j)!);
        return m;
    });
}

/** The max over each window of `w` slots starting at i (the last ones see fewer). */
function maxAhead(x: readonly number[], w: number): number[] {
    return x.map((_, i) => Math.max(...x.slice(i, i + w)));
}

/** The previous schedule's floor at `t`, or undefined outside it. */
function previousAt(p: FloorSchedule, t: number): number | undefined {
    const i = Math.floor((t - p.start) / p.stepSeconds);
    return i >= 0 && i < p.floors.length ? p.floors[i] : undefined;
}

/** The floors of the slots from each slot's need: lead, hold, clamp, hysteresis. */
export function shapeFloors(needs: readonly number[], o: FloorOptions): number[] {
    const lead = Math.max(0, Math.ceil(o.leadSeconds / o.stepSeconds - 1e-9));
    const led = maxAhead(needs, lead + 1);
    const held = closeDips(led, Math.max(1, Math.round(o.holdSeconds / o.stepSeconds)));
    const clamp = (x: number) => Math.min(o.maxReplicas, Math.max(o.minReplicas, x));
    return held.map((x, i) => {
        const v = clamp(x);
        const p = o.previous && previousAt(o.previous, o.start + i * o.stepSeconds);
        if (p === undefined) return v;
        const q = clamp(p);
        return Math.abs(v - q) <= Math.max(1, (o.hysteresisPercent / 100) * q) ? q : v;
    });
}

/**
 * The HPA's reaction time to a raised floor, as the deployment serves it (an Object metric of the namespace):
 * a sync, the scale-up stabilization window, one policy period, and the pod's readiness.
 */
export function reactionSeconds(
    behavior: HorizontalPodAutoscalerBehavior | undefined,
    readinessDelaySeconds: number,
    syncSeconds = 15,
): number {
    const up = behavior?.scaleUp;
    const periods = (up?.policies ?? []).map((p) => p.periodSeconds);
    return syncSeconds + (up?.stabilizationWindowSeconds ?? 0) + (periods.length ? Math.min(...periods) : 15) + readinessDelaySeconds;
}

/** What a floor per tick makes of a replay's trajectory (replayed under a lower floor). */
export interface FloorPrice {
    readonly replicaTicks: number;
    readonly shortfallTicks: number;
    readonly underTicks: number;
    /** (replicas + SHORTFALL_WEIGHT × shortfall) ÷ oracle, as the replay's weighted cost. */
    readonly cost: number;
}

/**
 * Prices a time-varying floor on a trajectory replayed under a lower one: at tick k the floor
 * `floorAt(t)` holds max(floor, replicas) pods, and the floor in force `readyLag` seconds earlier
 * keeps max(that, ready) pods ready (pods need the reaction time to start). Slightly
 * pessimistic, like `floorCurve`: a raised floor also starts each scale-up from higher.
 */
export function priceFloor(tr: Trajectory, floorAt: (t: number) => number, readyLag: number): FloorPrice {
    let replicaTicks = 0;
    let shortfallTicks = 0;
    let underTicks = 0;
    for (let k = 0; k < tr.time.length; k++) {
        const t = tr.time[k];
        replicaTicks += Math.max(floorAt(t), tr.replicas[k]);
        const ready = Math.max(floorAt(t - readyLag), tr.ready[k]);
        const short = tr.need[k] - ready;
        if (short > 1e-9) {
            shortfallTicks += short;
            underTicks++;
        }
    }
    const cost = tr.oracleTicks > 0 ? (replicaTicks + SHORTFALL_WEIGHT * shortfallTicks) / tr.oracleTicks : 0;
    return { replicaTicks, shortfallTicks, underTicks, cost };
}

/** A schedule must beat the static floor by this fraction of its cost in the leave-one-day-out backtest. */
export const SCHEDULE_MARGIN = 0.001;

export interface HourlyFloors {
    /** The floor per hour of the day (UTC), from all the replayed days. */
    readonly floors: readonly number[];
    /** Backtest costs (weighted pod-ticks) over the replayed days: the static floor, and each day under the floors the other days chose. */
    readonly staticCost: number;
    readonly heldOutCost: number;
    readonly days: number;
}

/** Index of the lowest value of `a(f)` for f in [0, n) (the lowest floor on ties). */
function argmin(n: number, a: (f: number) => number): number {
    let best = 0;
    for (let f = 1; f < n; f++) if (a(f) < a(best) - 1e-9) best = f;
    return best;
}

/** The trajectory cut at each hour (unix hours): the ticks of one hour, priced alone (`oracleTicks` 1). */
export function* hourCells(tr: Trajectory): Generator<{ readonly hour: number; readonly cell: Trajectory }> {
    let a = 0;
    while (a < tr.time.length) {
        const hour = Math.floor(tr.time[a] / 3600);
        let b = a;
        while (b < tr.time.length && Math.floor(tr.time[b] / 3600) === hour) b++;
        const cell = {
            time: tr.time.subarray(a, b),
            replicas: tr.replicas.subarray(a, b),
            ready: tr.ready.subarray(a, b),
            need: tr.need.subarray(a, b),
            oracleTicks: 1,
        };
        yield { hour, cell };
        a = b;
    }
}

/**
 * The floor per hour of the day from a replay of recent days under the static floor `lo`: each
 * hour's ticks over all the days priced for every floor in [lo, hi] (`floorCurve`), the cheapest
 * floor per hour. The backtest holds each day out in turn: that day's hours run the floors the
 * other days chose, so the schedule is judged on days it was not chosen from.
 */
export function hourlyFloors(tr: Trajectory, lo: number, hi: number, staticFloor = lo): HourlyFloors {
    const F = Math.max(1, hi - lo + 1);
    const cells = new Map<number, Float64Array>();
    for (const { hour, cell } of hourCells(tr))
        cells.set(
            hour,
            Float64Array.from(floorCurve(cell, lo, lo + F - 1), (p) => p.cost),
        );
    const total = Array.from({ length: 24 }, () => new Float64Array(F));
    for (const [key, c] of cells) for (let f = 0; f < F; f++) total[key % 24][f] += c[f];
    const floors = total.map((t) => lo + argmin(F, (f) => t[f]));
    const s0 = Math.min(F - 1, Math.max(0, staticFloor - lo));
    let staticCost = 0;
    let heldOutCost = 0;
    for (const [key, c] of cells) {
        const t = total[key % 24];
        staticCost += c[s0];
        heldOutCost += c[argmin(F, (f) => t[f] - c[f])];
    }
    const days = new Set([...cells.keys()].map((k) => Math.floor(k / 24))).size;
    return { floors, staticCost, heldOutCost, days };
}

/** Runs of equal floors (the deployment writes one PromQL term per run). */
export function floorRuns(floors: readonly number[]): number {
    let n = 0;
    for (let i = 0; i < floors.length; i++) if (i === 0 || floors[i] !== floors[i - 1]) n++;
    return n;
}
