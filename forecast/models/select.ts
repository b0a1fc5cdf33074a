/**
 * Our default forecaster: per series, the candidate with the lowest day-ahead error in a rolling
 * backtest on the series' own recent days; a point forecast; an upper band from that model's own
 * out-of-sample errors (a high quantile of its relative backtest residuals); and a peak factor
 * for bursts shorter than the model's step (a high quantile of full-resolution max ÷ step mean).
 */
import type { Grid } from "../types";
import { quantile, seasonalNaiveScale } from "../stats";
import { dailyOrigins, fillGaps, type Model, type ModelName } from "./common";
import { holtWinters } from "./holtWinters";
import { levelModel } from "./level";
import { profileModel } from "./profile";
import { seasonalNaive } from "./seasonalNaive";

export interface BandOptions {
    /** Points per day at the model's step (24 for hourly). */
    readonly period: number;
    /** Daily origins in the backtest. @default 7 */
    readonly backtestDays?: number;
    /** Quantile of the relative residuals that makes the upper band. @default 0.95 */
    readonly bandQuantile?: number;
}

export interface ForecastResult {
    readonly model: ModelName;
    readonly detail: string;
    readonly point: Float64Array;
    /** point + the band quantile of the model's own relative backtest errors (never below point). */
    readonly upper: Float64Array;
    /** Mean absolute error of the backtest (NaN when no origin fitted). */
    readonly backtestMae: number;
    /** backtestMae ÷ the in-sample daily seasonal-naive error. */
    readonly backtestMase: number;
    readonly backtestOrigins: number;
    /** Candidates tried with their backtest MAE (default model only). */
    readonly candidates?: ReadonlyArray<{ readonly model: ModelName; readonly mae: number }>;
    /** Set when history was too short for any model: what was done instead. */
    readonly fallback?: string;
    /**
     * The band for the horizon's peak: the point forecast's maximum × the `bandQuantile`
     * prediction bound of the backtest's (observed daily max ÷ forecast daily max), see
     * `ratioBound`. An hourly band covers each hour; the day's highest hour needs its own
     * calibration (a news spike, a launch).
     */
    readonly peakUpper?: number;
}

interface Backtest {
    mae: number;
    /** Relative residuals (actual − forecast) ÷ max(|forecast|, floor). */
    rel: number[];
    origins: number[];
    /** Day-ahead forecasts made at each origin. */
    forecasts: Float64Array[];
}

function scaleFloor(y: Float64Array): number {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += Math.abs(y[i]);
    return Math.max(1e-9, (0.1 * s) / Math.max(1, y.length));
}

function score(
    forecasts: readonly Float64Array[],
    origins: readonly number[],
    raw: ArrayLike<number>,
    floor: number,
): Pick<Backtest, "mae" | "rel"> {
    const rel: number[] = [];
    let err = 0;
    let n = 0;
    for (let j = 0; j < origins.length; j++) {
        const f = forecasts[j];
        for (let k = 0; k < f.length; k++) {
            const a = raw[origins[j] + k]; // score against what was observed, not a filled value
            if (!Number.isFinite(a)) continue;
            err += Math.abs(a - f[k]);
            n++;
            rel.push((a - f[k]) / Math.max(Math.abs(f[k]), floor));
        }
    }
    return { mae: n ? err / n : NaN, rel };
}

/**
 * Day-ahead rolling-origin backtest of `model` over the last `days` days: fitted on `fit`
 * (the gap-filled, possibly outlier-capped history) and scored against `raw`.
 */
export function backtest(model: Model, fit: Float64Array, raw: ArrayLike<number>, period: number, days: number): Backtest {
    const h = period;
    const origins = dailyOrigins(fit.length, period, days, model.minPoints(period), h);
    const forecasts = model.backtestForecasts
        ? model.backtestForecasts(fit, origins, h, period)
        : origins.map((o) => model.forecast(fit.subarray(0, o), h, period).point);
    return { ...score(forecasts, origins, raw, scaleFloor(fit)), origins, forecasts };
}

/** The band the horizon's peak must stay under: the highest of the hourly band and the peak band (0 when neither is finite). */
export function bandPeak(f: Pick<ForecastResult, "upper" | "peakUpper">): number {
    let up = 0;
    for (const x of f.upper) if (Number.isFinite(x)) up = Math.max(up, x);
    if (f.peakUpper !== undefined && Number.isFinite(f.peakUpper)) up = Math.max(up, f.peakUpper);
    return up;
}

// jstat ships no type declarations (and ts-node, which the Pulumi CLI runs the program with, reads
// no ambient .d.ts files): the one function used, typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jStat } = require("jstat") as { jStat: { studentt: { inv(p: number, dof: number): number } } };

/**
 * The q upper prediction bound of the next day's ratio from the backtest's ratios: log-normal,
 * with Student's t for the few days a backtest has, exp(m + t(n−1, q) · s · √(1 + 1/n)) over the
 * logs' mean m and deviation s. The empirical q quantile of 7 ratios is exceeded far more often
 * than 1 − q (a new day beats the highest of 7 with probability 1/8), and the cap it sets would
 * be too low on exactly the days it matters. Fewer than `MIN_DAYS_FOR_BOUND` ratios give the
 * highest of them; none gives 1.
 */
export function ratioBound(ratios: readonly number[], q: number): number {
    const ok = ratios.filter((r) => r > 0 && Number.isFinite(r));
    const n = ok.length;
    if (n === 0) return 1;
    const highest = Math.max(...ok);
    // Under 4 days the spread is not worth estimating (t(1, 0.95) = 6.3 would multiply the band
    // several times over from two days): the highest ratio seen.
    if (n < MIN_DAYS_FOR_BOUND) return highest;
    const logs = ok.map(Math.log);
    const m = logs.reduce((a, b) => a + b, 0) / n;
    const s = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
    const bound = Math.exp(m + jStat.studentt.inv(q, n - 1) * s * Math.sqrt(1 + 1 / n));
    return Number.isFinite(bound) ? bound : highest;
}

/** Backtest days below which `ratioBound` is the highest ratio rather than a t bound. */
export const MIN_DAYS_FOR_BOUND = 4;

/** point max × the q prediction bound of (observed max ÷ forecast max) over the backtest days (at least 1). */
function peakUpper(
    point: Float64Array,
    forecasts: readonly Float64Array[],
    origins: readonly number[],
    raw: ArrayLike<number>,
    q: number,
): number {
    let pmax = -Infinity;
    for (const x of point) if (Number.isFinite(x)) pmax = Math.max(pmax, x);
    // Stryker disable next-line ArrayDeclaration: ratioBound keeps only positive finite ratios; a string seeded in is dropped.
    const ratios: number[] = [];
    origins.forEach((o, j) => {
        const f = forecasts[j];
        let fmax = -Infinity;
        let amax = -Infinity;
        for (let k = 0; k < f.length; k++) {
            if (Number.isFinite(f[k])) fmax = Math.max(fmax, f[k]);
            const a = raw[o + k];
            if (Number.isFinite(a)) amax = Math.max(amax, a);
        }
        if (fmax > 0 && Number.isFinite(amax)) ratios.push(amax / fmax);
    });
    return Number.isFinite(pmax) ? pmax * Math.max(1, ratioBound(ratios, q)) : NaN;
}

function band(point: Float64Array, rel: readonly number[], floor: number, q: number): Float64Array {
    const rq = rel.length ? Math.max(0, quantile(rel, q)) : 0;
    const upper = new Float64Array(point.length);
    for (let k = 0; k < point.length; k++) upper[k] = point[k] + rq * Math.max(Math.abs(point[k]), floor);
    return upper;
}

/** Forecast of `h` points after `raw` (NaN = gap) by one given model, with its band (the baselines). */
export function forecastWith(model: Model, raw: ArrayLike<number>, h: number, opts: BandOptions): ForecastResult {
    const y = fillGaps(raw, opts.period);
    if (y.length < model.minPoints(opts.period) + opts.period || !Number.isFinite(y[0]))
        return flatFallback(y, h, opts.period, model.name, raw);
    const bt = backtest(model, y, raw, opts.period, opts.backtestDays ?? 7);
    const { point, detail } = model.forecast(y, h, opts.period);
    const scale = seasonalNaiveScale(y, opts.period);
    return {
        model: model.name,
        detail,
        point,
        upper: band(point, bt.rel, scaleFloor(y), opts.bandQuantile ?? 0.95),
        peakUpper: peakUpper(point, bt.forecasts, bt.origins, raw, opts.bandQuantile ?? 0.95),
        backtestMae: bt.mae,
        backtestMase: scale > 0 ? bt.mae / scale : NaN,
        backtestOrigins: bt.origins.length,
    };
}

/** The candidates our default combines: four seasonal ones and the level model (no season). */
export function defaultCandidates(): Model[] {
    return [seasonalNaive(1), seasonalNaive(7), holtWinters, profileModel, levelModel];
}

/**
 * Caps outliers (news spikes, incidents) before fitting: each point at most its hour-of-day
 * median + `k` × the median absolute deviation (at least 5 % of the median). Forecasts of load
 * should not repeat last week's one-off spike; the peak factor and band carry the risk instead.
 */
export function winsorize(y: Float64Array, period: number, k = 5): Float64Array {
    const out = y.slice();
    const caps = new Float64Array(period);
    for (let h = 0; h < period; h++) {
        // Stryker disable next-line ArrayDeclaration: quantile keeps finite numbers only; a string seeded in is dropped.
        const v: number[] = [];
        for (let i = h; i < y.length; i += period) v.push(y[i]);
        const med = quantile(v, 0.5);
        const mad = quantile(
            v.map((x) => Math.abs(x - med)),
            0.5,
        );
        caps[h] = med + k * Math.max(mad, 0.05 * Math.abs(med), 1e-9);
    }
    // Only short excursions are capped: a point whose surrounding day (±half a period) mostly
    // sits above the hour caps too is a new level (a migration, a level shift), which the
    // models must follow rather than flatten.
    const half = Math.max(1, period >> 1);
    for (let i = 0; i < y.length; i++) {
        const cap = caps[i % period];
        if (!(y[i] > cap)) continue;
        let above = 0;
        let seen = 0;
        for (let j = Math.max(0, i - half); j <= Math.min(y.length - 1, i + half); j++) {
            if (j === i || !Number.isFinite(y[j])) continue;
            seen++;
            if (y[j] > caps[j % period]) above++;
        }
        if (above * 2 < seen) out[i] = cap;
    }
    return out;
}

/** Pointwise median of forecasts. */
function medianOf(fs: readonly Float64Array[]): Float64Array {
    const h = fs[0].length;
    const out = new Float64Array(h);
    // Stryker disable next-line ArrayDeclaration: an array grown by assignment holds the same values.
    const buf = new Array<number>(fs.length);
    for (let k = 0; k < h; k++) {
        for (let j = 0; j < fs.length; j++) buf[j] = fs[j][k];
        buf.sort((a, b) => a - b);
        const m = buf.length >> 1;
        out[k] = buf.length % 2 ? buf[m] : (buf[m - 1] + buf[m]) / 2;
    }
    return out;
}

/**
 * Our default. On the outlier-capped history, every seasonal candidate is backtested
 * (day-ahead, daily origins over the last `backtestDays` days); the candidates within
 * `keepWithin` × the best backtest error are kept and their pointwise median is the forecast
 * (a single survivor is used alone). The band comes from the backtest errors of that same
 * combination. Too little history for every candidate → the flat fallback.
 */
export function forecastDefault(
    raw: ArrayLike<number>,
    h: number,
    opts: BandOptions & { readonly candidates?: readonly Model[]; readonly keepWithin?: number },
): ForecastResult {
    const period = opts.period;
    const y = fillGaps(raw, period);
    const days = opts.backtestDays ?? 7;
    if (!Number.isFinite(y[0])) return flatFallback(y, h, period, "median-ensemble", raw);
    const w = winsorize(y, period);
    const tried: { model: Model; bt: Backtest }[] = [];
    for (const m of opts.candidates ?? defaultCandidates()) {
        // Stryker disable next-line ArithmeticOperator: a shortcut: with fewer points the backtest has no origin and the candidate is dropped below.
        if (y.length < m.minPoints(period) + period) continue;
        const bt = backtest(m, w, raw, period, days);
        if (bt.origins.length > 0 && Number.isFinite(bt.mae)) tried.push({ model: m, bt });
    }
    if (tried.length === 0) return flatFallback(y, h, period, "median-ensemble", raw);
    tried.sort((a, b) => a.bt.mae - b.bt.mae);
    const keep = tried.filter((t) => t.bt.mae <= tried[0].bt.mae * (opts.keepWithin ?? 1.5));
    // Backtest of the combination over the origins every kept model has.
    const origins = keep.reduce((o, t) => o.filter((x) => t.bt.origins.includes(x)), keep[0].bt.origins);
    const combined = origins.map((o) => medianOf(keep.map((t) => t.bt.forecasts[t.bt.origins.indexOf(o)])));
    const floor = scaleFloor(w);
    const sc = score(combined, origins, raw, floor);
    const fits = keep.map((t) => t.model.forecast(w, h, period));
    const point = fits.length === 1 ? fits[0].point : medianOf(fits.map((f) => f.point));
    const scale = seasonalNaiveScale(y, period);
    return {
        model: keep.length === 1 ? keep[0].model.name : "median-ensemble",
        detail: keep.length === 1 ? fits[0].detail : `median(${fits.map((f) => f.detail).join(", ")})`,
        point,
        upper: band(point, sc.rel, floor, opts.bandQuantile ?? 0.95),
        peakUpper: peakUpper(point, combined, origins, raw, opts.bandQuantile ?? 0.95),
        backtestMae: sc.mae,
        backtestMase: scale > 0 ? sc.mae / scale : NaN,
        backtestOrigins: origins.length,
        candidates: tried.map((t) => ({ model: t.model.name, mae: t.bt.mae })),
    };
}

/**
 * Too little history for a model (under a day plus a backtest day, or a model's minimum): the
 * point forecast is the mean of the last day and the band the highest value seen. Documented,
 * not an error; the report says so.
 */
export function flatFallback(y: Float64Array, h: number, period: number, wanted: ModelName, raw?: ArrayLike<number>): ForecastResult {
    // How many points had data before gap filling: "336 points are too few" of a window with 3 was misleading.
    let withData = y.length;
    if (raw) {
        withData = 0;
        for (let i = 0; i < raw.length; i++) if (Number.isFinite(raw[i])) withData++;
    }
    const count =
        withData < y.length
            ? `only ${withData} of ${y.length} point(s) at the model step have data:`
            : `${y.length} point(s) at the model step are`;
    const recent = y.subarray(Math.max(0, y.length - period));
    let s = 0;
    let n = 0;
    let mx = -Infinity;
    for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) mx = Math.max(mx, y[i]);
    for (let i = 0; i < recent.length; i++)
        if (Number.isFinite(recent[i])) {
            s += recent[i];
            n++;
        }
    const level = n ? s / n : NaN;
    return {
        model: "flat",
        detail: "flat(mean of the last day; band = observed max)",
        point: new Float64Array(h).fill(level),
        upper: new Float64Array(h).fill(Number.isFinite(mx) ? mx : NaN),
        backtestMae: NaN,
        backtestMase: NaN,
        backtestOrigins: 0,
        fallback: `${count} too few for ${wanted}: flat forecast at the last day's mean, band at the observed max`,
    };
}

/**
 * Peak factor for bursts shorter than the model step: the `q` quantile over model-step buckets
 * of (max at full resolution ÷ mean) for buckets with at least half their points. ≥ 1.
 */
export function peakFactor(full: Grid, modelStep: number, q = 0.95): number {
    const per = Math.max(1, Math.round(modelStep / full.step));
    if (per <= 1) return 1;
    const ratios: number[] = [];
    const offset = Math.round((((full.start % modelStep) + modelStep) % modelStep) / full.step);
    for (let b = offset === 0 ? 0 : per - offset; b + per <= full.values.length; b += per) {
        let s = 0;
        let n = 0;
        let mx = -Infinity;
        for (let i = b; i < b + per; i++) {
            const x = full.values[i];
            if (!Number.isFinite(x)) continue;
            s += x;
            n++;
            if (x > mx) mx = x;
        }
        if (n * 2 >= per && s > 0) ratios.push(mx / (s / n));
    }
    return ratios.length ? Math.max(1, quantile(ratios, q)) : 1;
}
