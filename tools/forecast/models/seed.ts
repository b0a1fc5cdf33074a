/**
 * The seed's method, faithfully (the scaling-strategies design document the project started from):
 * - `IntelligentAutoScaler`: per-metric scaling factors (CPU and memory against thresholds
 *   0.7/0.3, response time against 500 ms, queue against 10, error rate over 5 %), their weighted
 *   blend (CPU 0.3, memory 0.25, response time 0.2, queue 0.15, error rate 0.1), a load factor
 *   from the linear trend of the last 10 request rates extrapolated 5 periods, `int(current ×
 *   factor)` clamped to [min, max], and the dampening (no action within 300 s of the last one
 *   unless confidence × 0.5 ≥ 0.7, which never holds).
 * - `CapacityPlanner`'s forecast as a model (`seedModel`): the degree-2 polynomial regression
 *   (forecast/stats.ts `polyFit2`, which the program's capacity planner uses too).
 * Only the benchmark runs these: they are its baseline, not the program's method.
 */
import { linearRegression } from "simple-statistics";
import type { Model } from "../../../forecast/models/common";
import type { Controller } from "../../../forecast/simulator";
import { polyFit2 } from "../../../forecast/stats";

export interface SeedMetrics {
    readonly cpuUtilization: number;
    readonly memoryUtilization: number;
    readonly requestRate: number;
    /** Milliseconds, as the seed compares with its 500 ms target. */
    readonly responseTimeP95: number;
    readonly queueLength: number;
    readonly errorRate: number;
}

export const SEED_WEIGHTS = { cpu: 0.3, memory: 0.25, response_time: 0.2, queue: 0.15, error_rate: 0.1 } as const;
export const SEED_THRESHOLDS = { up: 0.7, down: 0.3 } as const;

/** `_calculate_scaling_factors`. */
export function seedScalingFactors(
    m: SeedMetrics,
    up = SEED_THRESHOLDS.up,
    down = SEED_THRESHOLDS.down,
): Record<keyof typeof SEED_WEIGHTS, number> {
    const util = (u: number) => (u > up ? Math.min(2.0, u / up) : u < down ? Math.max(0.5, u / down) : 1.0);
    const targetResponse = 500;
    const targetQueue = 10;
    return {
        cpu: util(m.cpuUtilization),
        memory: util(m.memoryUtilization),
        response_time: m.responseTimeP95 > targetResponse ? Math.min(3.0, m.responseTimeP95 / targetResponse) : 1.0,
        queue: m.queueLength > targetQueue ? Math.min(2.0, m.queueLength / targetQueue) : Math.max(0.8, m.queueLength / targetQueue),
        error_rate: m.errorRate > 0.05 ? Math.min(2.0, 1.0 + m.errorRate) : 1.0,
    };
}

/** The weighted blend of `_make_scaling_decision`. */
export function seedWeightedFactor(f: Record<keyof typeof SEED_WEIGHTS, number>): number {
    let s = 0;
    for (const k of Object.keys(SEED_WEIGHTS) as (keyof typeof SEED_WEIGHTS)[]) s += (f[k] ?? 1.0) * SEED_WEIGHTS[k];
    return s;
}

/** `_predict_future_load`: 1.0 under 10 points; else (mean + 5 × slope) / mean of the last 10, clamped to [0.5, 2]. */
export function seedLoadFactor(requestRates: readonly number[]): number {
    if (requestRates.length < 10) return 1.0;
    const recent = requestRates.slice(-10);
    const { m: slope } = linearRegression(recent.map((r, i) => [i, r]));
    const avg = recent.reduce((a, b) => a + b, 0) / recent.length;
    if (avg > 0) return Math.max(0.5, Math.min(2.0, (avg + slope * 5) / avg));
    return 1.0;
}

export type SeedAction = "scale_up" | "scale_down" | "no_action";

export interface SeedDecision {
    readonly action: SeedAction;
    readonly targetReplicas: number;
    readonly confidence: number;
    readonly reason: string;
    readonly factor: number;
}

/** `_make_scaling_decision` with its dampening. `recentScaling`: an action in the last 300 s. */
export function seedDecision(
    weightedFactor: number,
    predictedLoad: number,
    current: number,
    minReplicas: number,
    maxReplicas: number,
    recentScaling: boolean,
): SeedDecision {
    const finalFactor = weightedFactor * predictedLoad;
    let target = Math.trunc(current * finalFactor);
    target = Math.max(minReplicas, Math.min(maxReplicas, target));
    let action: SeedAction;
    let confidence: number;
    let reason: string;
    if (target > current) {
        action = "scale_up";
        confidence = Math.min(1.0, (finalFactor - 1.0) * 2);
        reason = `Scale up due to high load (factor: ${finalFactor.toFixed(2)})`;
    } else if (target < current) {
        action = "scale_down";
        confidence = Math.min(1.0, (1.0 - finalFactor) * 2);
        reason = `Scale down due to low load (factor: ${finalFactor.toFixed(2)})`;
    } else {
        action = "no_action";
        confidence = 1.0 - Math.abs(finalFactor - 1.0);
        reason = "Load is within acceptable range";
    }
    if (recentScaling) {
        confidence *= 0.5;
        if (confidence < 0.7) {
            action = "no_action";
            reason = "Dampened due to recent scaling activity";
        }
    }
    return { action, targetReplicas: target, confidence, reason, factor: finalFactor };
}

/**
 * The seed's autoscaler as a replay controller over one load metric: CPU and memory utilization
 * are the load over what the ready pods serve (the only signal a load trace has), response time,
 * queue and error rate sit at their neutral values. Evaluated at every sync of the replay.
 */
export function seedBlendController(capacityPerPod: number): Controller {
    const rates: { t: number; r: number }[] = [];
    let lastAction = -Infinity;
    return (s) => {
        const load = s.loads[0];
        if (!Number.isFinite(load)) return s.current;
        rates.push({ t: s.t, r: load });
        while (rates.length && rates[0].t <= s.t - 3600) rates.shift(); // keeps 1 h, as `_cleanup_old_metrics`
        const util = load / (Math.max(1, s.ready) * capacityPerPod);
        const f = seedScalingFactors({
            cpuUtilization: util,
            memoryUtilization: util,
            requestRate: load,
            responseTimeP95: 0,
            queueLength: 10,
            errorRate: 0,
        });
        const d = seedDecision(
            seedWeightedFactor(f),
            seedLoadFactor(rates.map((x) => x.r)),
            s.current,
            s.minReplicas,
            s.maxReplicas,
            s.t - lastAction < 300,
        );
        if (d.action === "no_action") return s.current;
        lastAction = s.t;
        return d.targetReplicas;
    };
}

/** The seed's forecaster: the capacity planner's degree-2 polynomial on the whole history, one point per step ahead. */
export const seedModel: Model = {
    name: "seed",
    minPoints: () => 10,
    forecast(y, h) {
        const x = Array.from({ length: y.length }, (_, i) => i);
        const fit = polyFit2(x, y);
        const point = new Float64Array(h);
        for (let k = 0; k < h; k++) point[k] = fit.predict(y.length + k);
        return { point, detail: `seed(poly2, R²=${fit.r2.toFixed(2)})` };
    },
};
