/**
 * What every forecasting model shares: the model interface, gap filling and rolling origins.
 * Models work on an evenly spaced series at the model's step (hourly in the benchmark) whose
 * first point starts a day, so index % 24 is the hour of day.
 */

export type ModelName = "snaive24" | "snaive168" | "holt-winters" | "mstl" | "seed" | "profile" | "level" | "median-ensemble" | "flat";

export interface Model {
    readonly name: ModelName;
    /** Fewest points the model needs; below it the caller falls back. */
    minPoints(period: number): number;
    /**
     * Point forecast of the next `h` points after `y` (no NaN in `y`). `period` is the points per
     * day (24 for hourly). Returns the forecast and a short description of the fitted model.
     */
    forecast(y: Float64Array, h: number, period: number): { point: Float64Array; detail: string };
    /**
     * Forecasts made at each origin with `y[0..origin)` only, when the model has a faster way
     * than refitting per origin (Holt-Winters: one smoothing pass).
     */
    backtestForecasts?(y: Float64Array, origins: readonly number[], h: number, period: number): Float64Array[];
}

/**
 * Fills NaN gaps: with the value one `period` earlier, else one later, else the last finite value
 * before the gap (the first after it at the start). A series with no finite value at all stays NaN.
 */
export function fillGaps(y: ArrayLike<number>, period: number): Float64Array {
    const out = Float64Array.from(y);
    const n = out.length;
    let missing = 0;
    // Stryker disable next-line BooleanLiteral: counting the finite points instead, the early return below is taken in the same two cases.
    for (let i = 0; i < n; i++) if (!Number.isFinite(out[i])) missing++;
    // Stryker disable next-line LogicalOperator: a shortcut only: with no gap, or nothing finite, the passes below change nothing.
    if (missing === 0 || missing === n) return out;
    for (let i = period; i < n; i++) if (!Number.isFinite(out[i]) && Number.isFinite(out[i - period])) out[i] = out[i - period];
    for (let i = n - 1 - period; i >= 0; i--) if (!Number.isFinite(out[i]) && Number.isFinite(out[i + period])) out[i] = out[i + period];
    let last = NaN;
    for (let i = 0; i < n; i++) {
        if (Number.isFinite(out[i])) last = out[i];
        else if (Number.isFinite(last)) out[i] = last;
    }
    let next = NaN;
    // Stryker disable next-line ArithmeticOperator: from n + 1, indices n + 1 and n are outside the array (reads undefined, writes dropped).
    for (let i = n - 1; i >= 0; i--) {
        if (Number.isFinite(out[i])) next = out[i];
        else out[i] = next;
    }
    return out;
}

/** Daily origins (indices) for a backtest: the last `days` day starts with at least `minTrain` points before them and `h` after. */
export function dailyOrigins(n: number, period: number, days: number, minTrain: number, h: number): number[] {
    const out: number[] = [];
    for (let o = Math.floor((n - h) / period) * period; o >= minTrain && out.length < days; o -= period) out.unshift(o);
    return out;
}
