/**
 * The seed's method, faithfully (the scaling-strategies design document the project started from):
 * - `IntelligentAutoScaler`: per-metric scaling factors (CPU and memory against thresholds
 *   0.7/0.3, response time against 500 ms, queue against 10, error rate over 5 %), their weighted
 *   blend (CPU 0.3, memory 0.25, response time 0.2, queue 0.15, error rate 0.1), a load factor
 *   from the linear trend of the last 10 request rates extrapolated 5 periods, `int(current ×
 *   factor)` clamped to [min, max], and the dampening (no action within 300 s of the last one
 *   unless confidence × 0.5 ≥ 0.7, which never holds).
 * - `CapacityPlanner`'s forecast: a degree-2 polynomial regression on hours since the first point.
 */
import { linearRegression } from "simple-statistics";
import type { Controller } from "../simulator";
import type { Model } from "./common";

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

/** Least-squares polynomial of degree 2 (the seed's PolynomialFeatures(2) + LinearRegression) and its R². */
export function polyFit2(
    x: ArrayLike<number>,
    y: ArrayLike<number>,
): { coef: [number, number, number]; r2: number; predict(x: number): number } {
    const n = x.length;
    // Centre and scale x for a well-conditioned 3×3 system.
    let mx = 0;
    for (let i = 0; i < n; i++) mx += x[i];
    mx /= n || 1;
    let sx = 0;
    for (let i = 0; i < n; i++) sx = Math.max(sx, Math.abs(x[i] - mx));
    sx = sx || 1;
    const S = new Float64Array(5);
    const T = new Float64Array(3);
    for (let i = 0; i < n; i++) {
        const u = (x[i] - mx) / sx;
        let p = 1;
        for (let k = 0; k < 5; k++) {
            S[k] += p;
            if (k < 3) T[k] += p * y[i];
            p *= u;
        }
    }
    const A = [
        [S[0], S[1], S[2], T[0]],
        [S[1], S[2], S[3], T[1]],
        [S[2], S[3], S[4], T[2]],
    ];
    // Gaussian elimination with partial pivoting; a singular system (fewer than 3 distinct x) drops the higher terms.
    for (let c = 0; c < 3; c++) {
        let piv = c;
        for (let r = c + 1; r < 3; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
        [A[c], A[piv]] = [A[piv], A[c]];
        if (Math.abs(A[c][c]) < 1e-12) continue;
        for (let r = 0; r < 3; r++) {
            if (r === c) continue;
            const f = A[r][c] / A[c][c];
            for (let k = c; k < 4; k++) A[r][k] -= f * A[c][k];
        }
    }
    const b = [0, 1, 2].map((c) => (Math.abs(A[c][c]) < 1e-12 ? 0 : A[c][3] / A[c][c]));
    const predict = (xv: number) => {
        const u = (xv - mx) / sx;
        return b[0] + b[1] * u + b[2] * u * u;
    };
    let my = 0;
    for (let i = 0; i < n; i++) my += y[i];
    my /= n || 1;
    let ssr = 0;
    let sst = 0;
    for (let i = 0; i < n; i++) {
        ssr += (y[i] - predict(x[i])) ** 2;
        sst += (y[i] - my) ** 2;
    }
    // Coefficients in the original x: a + b x + c x².
    const c2 = b[2] / (sx * sx);
    const c1 = b[1] / sx - (2 * b[2] * mx) / (sx * sx);
    const c0 = b[0] - (b[1] * mx) / sx + (b[2] * mx * mx) / (sx * sx);
    return { coef: [c0, c1, c2], r2: sst > 0 ? 1 - ssr / sst : 1, predict };
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
