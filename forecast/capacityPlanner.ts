/**
 * The seed's `CapacityPlanner`, faithfully: per metric a degree-2 polynomial on hours since the
 * first point, hourly predictions over the horizon (7 days), confidence = R² clamped to
 * [0.1, 0.95], the trend of the last 10 values (slope beyond ±0.01), the time until the
 * prediction first reaches the metric's limit (CPU 80 %, memory 85 %, disk 90 %, response time
 * 2 s, queue 1000), and a recommendation when that is under 3 days: urgency high under 1 day,
 * else medium, with the seed's recommended action. Pure: `now` is an argument.
 */
import { linearRegression } from "simple-statistics";
import { polyFit2 } from "./stats";

export type PlannerMetric = "cpu_utilization" | "memory_utilization" | "disk_utilization" | "response_time" | "queue_length";

export const SEED_CAPACITY_LIMITS: Readonly<Record<PlannerMetric, number>> = {
    cpu_utilization: 0.8,
    memory_utilization: 0.85,
    disk_utilization: 0.9,
    response_time: 2.0,
    queue_length: 1000,
};

export const SEED_ACTIONS: Readonly<Record<PlannerMetric, string>> = {
    cpu_utilization: "Scale out application servers",
    memory_utilization: "Scale up instance memory or scale out",
    disk_utilization: "Add storage capacity or implement data archiving",
    response_time: "Scale out application servers or optimize queries",
    queue_length: "Scale out worker processes",
};

export interface PlannerSeries {
    readonly metric: PlannerMetric;
    /** Unix seconds. */
    readonly t: ArrayLike<number>;
    readonly v: ArrayLike<number>;
}

export interface CapacityForecast {
    readonly metric: PlannerMetric;
    readonly currentValue: number;
    readonly capacityLimit: number;
    /** Seconds from `now` until the prediction reaches the limit; null when not within the horizon. */
    readonly timeToLimit: number | null;
    readonly confidence: number;
    readonly trend: "increasing" | "decreasing" | "stable";
}

export interface CapacityRecommendation {
    readonly metric: PlannerMetric;
    readonly urgency: "high" | "medium";
    readonly timeToLimit: number;
    readonly currentValue: number;
    readonly capacityLimit: number;
    readonly recommendedAction: string;
    readonly confidence: number;
}

/** `_analyze_trend`. */
export function seedTrend(values: readonly number[]): CapacityForecast["trend"] {
    if (values.length < 3) return "stable";
    const { m } = linearRegression(values.map((v, i) => [i, v]));
    return m > 0.01 ? "increasing" : m < -0.01 ? "decreasing" : "stable";
}

/** `_forecast_metric`: null when fewer than 10 points or no variation, as the seed. */
export function forecastMetric(
    s: PlannerSeries,
    now: number,
    horizonSeconds = 7 * 86400,
    limits = SEED_CAPACITY_LIMITS,
): CapacityForecast | null {
    const n = s.v.length;
    if (n < 10) return null;
    // Read in place, in loops: a month at 1 minute is 43,200 points per metric, and copying them
    // to arrays first cost more than the fit itself.
    const values = s.v;
    let varies = false;
    for (let i = 0; i < n && !varies; i++) varies = values[i] !== values[0];
    if (!varies) return null;
    const base = s.t[0];
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = (s.t[i] - base) / 3600;
    const fit = polyFit2(x, values);
    const limit = limits[s.metric];
    let timeToLimit: number | null = null;
    for (let h = 1; h <= Math.floor(horizonSeconds / 3600); h++) {
        const ft = now + h * 3600;
        if (fit.predict((ft - base) / 3600) >= limit) {
            timeToLimit = ft - now;
            break;
        }
    }
    return {
        metric: s.metric,
        currentValue: values[n - 1],
        capacityLimit: limit,
        timeToLimit,
        confidence: Math.max(0.1, Math.min(0.95, fit.r2)),
        trend: seedTrend(Array.prototype.slice.call(values, -10) as number[]),
    };
}

/** `generate_scaling_recommendations`. */
export function capacityRecommendations(
    series: readonly PlannerSeries[],
    now: number,
    horizonSeconds = 7 * 86400,
    limits = SEED_CAPACITY_LIMITS,
): CapacityRecommendation[] {
    const out: CapacityRecommendation[] = [];
    for (const s of series) {
        const f = forecastMetric(s, now, horizonSeconds, limits);
        if (!f || f.timeToLimit === null || !(f.timeToLimit < 86400 * 3)) continue;
        out.push({
            metric: f.metric,
            urgency: f.timeToLimit < 86400 ? "high" : "medium",
            timeToLimit: f.timeToLimit,
            currentValue: f.currentValue,
            capacityLimit: f.capacityLimit,
            recommendedAction: SEED_ACTIONS[f.metric] ?? "Review capacity requirements",
            confidence: f.confidence,
        });
    }
    return out;
}
