/**
 * Turns forecasts into replica bounds and data-tier counts, like the HPA does: per metric
 * `ceil(load / (capacity per pod × target))`, the max over metrics. `maxReplicas` covers the
 * forecast's upper band × peak factor (never below the recent observed peak) with headroom;
 * `minReplicas` is the smallest floor whose replay over recent history keeps under-provisioning
 * within the target (the floor absorbs the HPA's reaction time and pod start-up). Both are
 * clamped to the environment's guardrails, `min <= max`, never below the policy minimum, and
 * held still by hysteresis. Pure.
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import { replay, type ReplayMetric } from "./simulator";

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

/**
 * The floor (minReplicas) from a replay of recent history: the floor in [lo, maxReplicas] with
 * the lowest SLO-weighted cost (replica-hours + 10 × missing pod-hours; integer ternary search,
 * the cost being unimodal in the floor: idle pods grow, missing pods shrink), raised to the
 * smallest floor that keeps the under-provisioned fraction within the target when it misses it
 * (binary search: a higher floor never has fewer ready pods).
 */
export function floorFromHistory(
    history: { readonly start: number; readonly step: number; readonly metrics: readonly ReplayMetric[] },
    lo: number,
    maxReplicas: number,
    o: FloorOptions,
): number {
    if (history.metrics.length === 0 || history.metrics[0].load.length === 0) return lo;
    const memo = new Map<number, { cost: number; under: number }>();
    const sim = (floor: number) => {
        let r = memo.get(floor);
        if (!r) {
            const x = replay({
                ...history,
                bounds: { minReplicas: floor, maxReplicas },
                behavior: o.behavior,
                readinessDelaySeconds: o.readinessDelaySeconds ?? 60,
                recordEvents: false,
            });
            r = { cost: x.weightedCost, under: x.underProvisionedFraction };
            memo.set(floor, r);
        }
        return r;
    };
    let a = Math.max(0, lo);
    let b = Math.max(a, maxReplicas);
    while (b - a > 2) {
        const m1 = a + Math.floor((b - a) / 3);
        const m2 = b - Math.floor((b - a) / 3);
        if (sim(m1).cost <= sim(m2).cost) b = m2 - 1;
        else a = m1 + 1;
    }
    let best = a;
    for (let f = a + 1; f <= b; f++) if (sim(f).cost < sim(best).cost) best = f;
    if (sim(best).under <= o.underProvisionedTarget) return best;
    let x = best;
    let y = Math.max(lo, maxReplicas);
    if (sim(y).under > o.underProvisionedTarget) return y;
    while (y - x > 1) {
        const m = (x + y) >> 1;
        if (sim(m).under <= o.underProvisionedTarget) y = m;
        else x = m;
    }
    return y;
}

export interface HysteresisOptions {
    /** A bound moves only by at least max(1 replica, this % of its current value). @default 10 */
    readonly percent: number;
}

/** Whether moving from `current` to `next` is a big enough change. */
export function passesHysteresis(current: number, next: number, percent: number): boolean {
    return Math.abs(next - current) >= Math.max(1, (percent / 100) * current);
}

/**
 * Final bounds: raw values clamped to guardrails and the policy minimum, min ≤ max, then each
 * bound kept at its current value unless the change passes hysteresis. Throws when the
 * guardrails themselves contradict (a config error, named).
 */
export function proposeBounds(raw: Bounds, current: Bounds, g: Guardrails, hysteresis: HysteresisOptions, name = "workload"): Bounds {
    const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
    if (lowest > g.maxReplicas)
        throw new Error(
            `${name}: guardrails minReplicas (${g.minReplicas}) / policyMinimum (${g.policyMinimum}) must be <= maxReplicas (${g.maxReplicas})`,
        );
    const clamp = (x: number) => Math.min(g.maxReplicas, Math.max(lowest, Math.round(x)));
    let max = clamp(raw.maxReplicas);
    let min = Math.min(clamp(raw.minReplicas), max);
    const cur = { minReplicas: clamp(current.minReplicas), maxReplicas: clamp(current.maxReplicas) };
    if (!passesHysteresis(cur.maxReplicas, max, hysteresis.percent)) max = cur.maxReplicas;
    if (!passesHysteresis(cur.minReplicas, min, hysteresis.percent)) min = cur.minReplicas;
    if (min > max) max = min; // a held min above a lowered max: keep the floor, lift the cap
    // min = max makes the HPA inert (it can never react): keep one replica of headroom.
    if (max === min && max < g.maxReplicas) max = min + 1;
    return { minReplicas: min, maxReplicas: max };
}

// ---------------------------------------------------------------------------------------------
// Data tier

export interface CountGuard {
    readonly min: number;
    readonly max: number;
}

const clampCount = (x: number, g: CountGuard) => Math.min(g.max, Math.max(g.min, Math.ceil(x - 1e-9)));

export interface CacheLoad {
    /** Forecast peak of Redis memory used, bytes. */
    readonly memoryBytes: number;
    /** Forecast peak of Redis operations per second. */
    readonly opsPerSecond: number;
}

/** The data tier's cache scaling rules: shards needed for a load. Passed in by the caller. */
export type CacheScalingRules = (load: CacheLoad) => number;

/** The seed's Redis cluster rule: 1 GiB per node at 60 % memory, 10k ops/s per node; at least 3 nodes. */
export const seedCacheRules: CacheScalingRules = (l) =>
    Math.max(3, Math.ceil(l.memoryBytes / (1024 ** 3 * 0.6)), Math.ceil(l.opsPerSecond / 10000));

export function sizeRedisShards(load: CacheLoad, rules: CacheScalingRules, guard: CountGuard): number {
    return clampCount(rules(load), guard);
}

/** Read replicas for a forecast peak of read queries/s: ceil(peak / (per replica × target)). */
export function sizeReadReplicas(peakReadQps: number, perReplicaQps: number, targetUtilization: number, guard: CountGuard): number {
    return clampCount(peakReadQps / (perReplicaQps * targetUtilization), guard);
}

/** Pooler (PgBouncer) instances for a forecast peak of client connections. */
export function sizePoolers(peakClientConnections: number, connectionsPerPooler: number, guard: CountGuard): number {
    return clampCount(peakClientConnections / connectionsPerPooler, guard);
}
