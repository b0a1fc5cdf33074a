/**
 * One workload's forecasting step on in-memory series, shared by `forecastStack` and the
 * benchmark: resample each load metric to the model step, forecast it with its band and peak
 * factor, and turn that into raw replica bounds (before guardrails and hysteresis). Pure.
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import type { Aggregation, Grid } from "./types";
import { max } from "./stats";
import { fillGaps } from "./models/common";
import { bandPeak, forecastDefault, peakFactor, type ForecastResult } from "./models/select";
import { rawMaxReplicas, searchFloor, type MetricCapacity } from "./sizing";
import type { ReplayMetric, ReplayResult, Trajectory } from "./simulator";

export interface PlanSettings {
    /** Seconds per model step. @default 3600 */
    readonly modelStepSeconds: number;
    /** Forecast horizon in model steps. */
    readonly horizonSteps: number;
    /** Quantile of the model's relative backtest errors for the upper band. */
    readonly bandQuantile: number;
    /** Quantile of (full-resolution max ÷ step mean) for the peak factor. */
    readonly peakQuantile: number;
    /** Extra room on top of the peak for maxReplicas (0.2 = 20 %). */
    readonly headroom: number;
    /** Under-provisioned fraction of ticks the floor may leave on replayed history. */
    readonly underProvisionedTarget: number;
    /** Days of the most recent history replayed to find the floor. */
    readonly floorHistoryDays: number;
    /**
     * What the floor's replay runs: `forecast` rescales each replayed day so its peak is the
     * forecast's peak for the matching day ahead (`forecastScenario`); `history` replays the
     * days as they were.
     */
    readonly floorScenario: "forecast" | "history";
    readonly readinessDelaySeconds: number;
}

export interface PlanMetric {
    readonly capacity: MetricCapacity;
    /** Full-resolution history (NaN = gap), ending at the forecast origin. */
    readonly full: Grid;
    /** How to resample to the model step: mean for rates and utilization, max for a p95. */
    readonly aggregation: Aggregation;
}

export interface MetricPlan {
    readonly name: string;
    readonly forecast: ForecastResult;
    readonly peakFactor: number;
    /** max over the horizon of the upper band (and the peak band) × peak factor. */
    readonly forecastPeak: number;
    /** Highest full-resolution value in the history. */
    readonly recentPeak: number;
    /** The model-step history the forecast was made from (NaN = gap). */
    readonly history: Grid;
    /** Factor per replayed day (oldest first) of the floor's scenario; all 1 under `history`. */
    readonly floorScales: readonly number[];
}

export interface WorkloadPlan {
    readonly metrics: readonly MetricPlan[];
    /** Bounds before guardrails and hysteresis (maxReplicas already capped at `maxCap`). */
    readonly rawMinReplicas: number;
    readonly rawMaxReplicas: number;
    /** What the forecast peak needs before the cap (≥ rawMaxReplicas): above `maxCap`, the guardrail capped it. */
    readonly neededMaxReplicas: number;
    /**
     * The floor's replay load per metric (the scenario), on one full-resolution grid, and the
     * floor search's replay of it under [its lowest floor, its max] with the trajectory: the
     * schedule reuses that replay when its bounds are the same.
     */
    readonly scenario: {
        readonly start: number;
        readonly step: number;
        readonly loads: readonly Float64Array[];
        readonly replayed?: { readonly minReplicas: number; readonly maxReplicas: number; readonly trajectory: Trajectory };
    };
    /**
     * The exact replay that checked the floor: its window and bounds, and whether its load was
     * rescaled to the forecast (then it is not a replay of the recent history itself).
     */
    readonly floorCheck?: {
        readonly scaled: boolean;
        readonly start: number;
        readonly step: number;
        readonly length: number;
        readonly minReplicas: number;
        readonly maxReplicas: number;
        readonly result: ReplayResult;
    };
}

/** Resamples a regular grid to a coarser step aligned to multiples of the step. */
export function coarsen(g: Grid, step: number, agg: Aggregation): Grid {
    if (step <= g.step) return g;
    const from = Math.floor(g.start / step) * step;
    const n = Math.floor((g.start + g.values.length * g.step - 1 - from) / step) + 1;
    const out = new Float64Array(Math.max(0, n)).fill(NaN);
    const cnt = new Uint32Array(out.length);
    const acc = new Float64Array(out.length);
    for (let i = 0; i < g.values.length; i++) {
        const x = g.values[i];
        if (!Number.isFinite(x)) continue;
        const b = Math.floor((g.start + i * g.step - from) / step);
        if (agg === "max") acc[b] = cnt[b] ? Math.max(acc[b], x) : x;
        else if (agg === "last") acc[b] = x;
        else acc[b] += x;
        cnt[b]++;
    }
    const per = step / g.step;
    for (let b = 0; b < out.length; b++) {
        if (!cnt[b]) continue;
        if (agg === "mean") out[b] = acc[b] / cnt[b];
        else if (agg === "sum") out[b] = cnt[b] * 2 >= per ? (acc[b] * per) / cnt[b] : NaN;
        else out[b] = acc[b];
    }
    return { start: from, step, values: out };
}

/** Value of grid `g` at time `t` (the bucket containing it), NaN outside. */
export function valueAt(g: Grid, t: number): number {
    const i = Math.floor((t - g.start) / g.step);
    return i >= 0 && i < g.values.length ? g.values[i] : NaN;
}

/** Puts several grids on the finest step among them over [start, end). */
export function alignGrids(grids: readonly Grid[], start: number, end: number): { start: number; step: number; values: Float64Array[] } {
    const step = Math.min(...grids.map((g) => g.step));
    const n = Math.max(0, Math.floor((end - start) / step));
    return {
        start,
        step,
        values: grids.map((g) => {
            const v = new Float64Array(n);
            for (let i = 0; i < n; i++) v[i] = valueAt(g, start + i * step);
            return v;
        }),
    };
}

/** Limit of the floor scenario's rescaling, either way: a day is scaled by at most ×2 or ÷2. */
export const MAX_FLOOR_SCALE = 2;

/**
 * The floor's replay scenario: the last `days` days before `end` of one metric at full
 * resolution (`load`, ticks from `start` every `step` s), each day scaled so that its highest
 * model-step value becomes the forecast's highest for the matching day ahead. The matching day
 * is the one a week later when the horizon covers a week (Monday for Monday), else the next day.
 * The floor absorbs the HPA's reaction at the day's busiest time, so it is the level of that
 * time, tomorrow's rather than last week's, that the floor must be chosen for: the minute-level
 * dynamics (ramps, bursts) stay those the history had. Scale factors are clamped to
 * [1 / MAX_FLOOR_SCALE, MAX_FLOOR_SCALE] (a forecast of no load at all halves the day); a day
 * with no data or no positive value, or a forecast that is a fallback (no model), leaves its
 * day at 1.
 */
export function forecastScenario(
    load: Float64Array,
    start: number,
    step: number,
    end: number,
    days: number,
    f: { readonly history: Grid; readonly point: ArrayLike<number>; readonly fallback?: string },
): { readonly load: Float64Array; readonly scales: number[] } {
    const from = end - days * 86400;
    const dayOf = (t: number) => Math.floor((t - from) / 86400);
    const histPeak = new Array<number>(days).fill(-Infinity);
    const h = f.history;
    for (let b = 0; b < h.values.length; b++) {
        const d = dayOf(h.start + b * h.step);
        const x = h.values[b];
        if (d >= 0 && d < days && Number.isFinite(x)) histPeak[d] = Math.max(histPeak[d], x);
    }
    const perDay = Math.max(1, Math.round(86400 / h.step));
    const aheadDays = Math.max(1, Math.floor(f.point.length / perDay));
    const cycle = aheadDays >= 7 ? 7 : aheadDays;
    const scales = histPeak.map((y, d) => {
        if (f.fallback !== undefined || !(y > 0)) return 1;
        const j = (((d - days) % cycle) + cycle) % cycle;
        let peak = -Infinity;
        for (let k = j * perDay; k < Math.min(f.point.length, (j + 1) * perDay); k++)
            if (Number.isFinite(f.point[k])) peak = Math.max(peak, f.point[k]);
        if (!Number.isFinite(peak)) return 1;
        return Math.min(MAX_FLOOR_SCALE, Math.max(1 / MAX_FLOOR_SCALE, Math.max(0, peak) / y));
    });
    const out = new Float64Array(load.length);
    for (let i = 0; i < load.length; i++) {
        const d = dayOf(start + i * step);
        out[i] = load[i] * (d >= 0 && d < days ? scales[d] : 1);
    }
    return { load: out, scales };
}

/** A forecaster: ours by default (`forecastSeries` takes another in tests). */
export type Forecaster = (hourly: Float64Array, h: number, period: number, bandQuantile: number) => ForecastResult;
export const defaultForecaster: Forecaster = (y, h, period, q) => forecastDefault(y, h, { period, bandQuantile: q });

/** What one series' forecast gives the sizing: the model-step history, the forecast and its peaks. */
export interface SeriesForecast {
    /** Model-step history (gaps filled when its start is missing), for the chart. */
    readonly history: Grid;
    readonly forecast: ForecastResult;
    readonly peakFactor: number;
    /** The higher of the upper band and the peak band, × the peak factor (≥ 0). */
    readonly forecastPeak: number;
    /** Highest value of the full-resolution history (0 when none). */
    readonly recentPeak: number;
}

/**
 * Forecasts one full-resolution series at the model step. An export coarser than the model step
 * (2 h points, say) is modelled at its own step: a day is then 12 points and the horizon as many
 * as cover the same hours. Shared by the workloads (`planWorkload`) and the data tier.
 */
export function forecastSeries(
    full: Grid,
    aggregation: Aggregation,
    s: Pick<PlanSettings, "modelStepSeconds" | "horizonSteps" | "bandQuantile" | "peakQuantile">,
    forecaster: Forecaster = defaultForecaster,
): SeriesForecast {
    const history = coarsen(full, s.modelStepSeconds, aggregation);
    const period = Math.max(1, Math.round(86400 / history.step));
    const horizon = Math.max(1, Math.ceil((s.horizonSteps * s.modelStepSeconds) / history.step));
    const y = fillGaps(history.values, period);
    const forecast = forecaster(history.values, horizon, period, s.bandQuantile);
    const pf = peakFactor(full, s.modelStepSeconds, s.peakQuantile);
    const recentPeak = max(full.values);
    return {
        history: { ...history, values: Number.isFinite(y[0]) ? history.values : y },
        forecast,
        peakFactor: pf,
        forecastPeak: Math.max(0, bandPeak(forecast) * pf),
        recentPeak: Number.isFinite(recentPeak) ? recentPeak : 0,
    };
}

/**
 * Forecasts every metric and sizes the workload. `policyFloor` is the lowest floor the search
 * tries; `maxCap` bounds the search from above (the guardrail).
 */
export function planWorkload(
    metrics: readonly PlanMetric[],
    s: PlanSettings,
    o: {
        readonly forecaster?: Forecaster;
        readonly behavior?: HorizontalPodAutoscalerBehavior;
        readonly policyFloor: number;
        readonly maxCap: number;
    },
): WorkloadPlan {
    const forecasts = metrics.map((m) => forecastSeries(m.full, m.aggregation, s, o.forecaster));
    const caps = metrics.map((m) => m.capacity);
    const needed = rawMaxReplicas(
        forecasts.map((p) => p.forecastPeak),
        forecasts.map((p) => p.recentPeak),
        caps,
        s.headroom,
    );
    const rawMax = Math.min(o.maxCap, needed);
    // The floor: replay the last days at full resolution under [floor, rawMax].
    const end = Math.min(...metrics.map((m) => m.full.start + m.full.values.length * m.full.step));
    const start = end - s.floorHistoryDays * 86400;
    const aligned = alignGrids(
        metrics.map((m) => m.full),
        Math.max(start, Math.min(...metrics.map((m) => m.full.start))),
        end,
    );
    const scenarios = forecasts.map((f, i) =>
        s.floorScenario === "history"
            ? { load: aligned.values[i], scales: new Array<number>(s.floorHistoryDays).fill(1) }
            : forecastScenario(aligned.values[i], aligned.start, aligned.step, end, s.floorHistoryDays, {
                  history: f.history,
                  point: f.forecast.point,
                  fallback: f.forecast.fallback,
              }),
    );
    const plans: MetricPlan[] = metrics.map((m, i) => ({ name: m.capacity.name, ...forecasts[i], floorScales: scenarios[i].scales }));
    const replayMetrics: ReplayMetric[] = metrics.map((m, i) => ({
        name: m.capacity.name,
        load: scenarios[i].load,
        capacityPerPod: m.capacity.capacityPerPod,
        targetUtilization: m.capacity.targetUtilization,
    }));
    const searchMax = Math.max(o.policyFloor, rawMax);
    const found = searchFloor({ start: aligned.start, step: aligned.step, metrics: replayMetrics }, o.policyFloor, searchMax, {
        underProvisionedTarget: s.underProvisionedTarget,
        behavior: o.behavior,
        readinessDelaySeconds: s.readinessDelaySeconds,
    });
    const rawMin = found?.floor ?? o.policyFloor;
    return {
        metrics: plans,
        rawMinReplicas: rawMin,
        rawMaxReplicas: Math.max(rawMax, rawMin),
        neededMaxReplicas: Math.max(needed, rawMin),
        scenario: {
            start: aligned.start,
            step: aligned.step,
            loads: scenarios.map((x) => x.load),
            replayed: found?.base.trajectory && {
                minReplicas: Math.max(0, o.policyFloor),
                maxReplicas: Math.max(Math.max(0, o.policyFloor), searchMax),
                trajectory: found.base.trajectory,
            },
        },
        floorCheck: found && {
            scaled: scenarios.some((x) => x.scales.some((k) => k !== 1)),
            start: aligned.start,
            step: aligned.step,
            length: aligned.values[0]?.length ?? 0,
            minReplicas: found.floor,
            maxReplicas: searchMax,
            result: found.exact,
        },
    };
}
