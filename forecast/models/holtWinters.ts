/**
 * Holt-Winters (triple exponential smoothing), additive or multiplicative season, optionally
 * damped trend, tuned per series: the smoothing parameters, the season type and the period
 * (daily or weekly) are chosen by the mean absolute error of day-ahead forecasts from the daily
 * origins of the series' own recent days (a backtest, not the one-step fit error).
 */
import type { Model } from "./common";
import { dailyOrigins } from "./common";

export interface HoltWintersParams {
    readonly alpha: number;
    readonly beta: number;
    readonly gamma: number;
    /** Trend damping (1 = none). */
    readonly phi: number;
    readonly seasonal: "add" | "mul";
    /** Season length in points. */
    readonly m: number;
}

/**
 * Runs the smoothing over `y` and returns the `h`-step forecast made at the end and at each
 * origin in `origins` (forecasts[k] is made with y[0..origins[k]) only).
 */
export function holtWintersRun(
    y: Float64Array,
    p: HoltWintersParams,
    h: number,
    origins: readonly number[] = [],
): { final: Float64Array; at: Float64Array[] } {
    const { alpha, beta, gamma, phi, m } = p;
    const mul = p.seasonal === "mul";
    const n = y.length;
    // Initial level: mean of the first season; trend: change between the first two seasons.
    let l = 0;
    for (let i = 0; i < m; i++) l += y[i];
    l /= m;
    let b = 0;
    if (n >= 2 * m) {
        let l2 = 0;
        for (let i = m; i < 2 * m; i++) l2 += y[i];
        b = (l2 / m - l) / m;
    }
    const s = new Float64Array(n + m);
    for (let i = 0; i < m; i++) s[i] = mul ? (l > 0 ? y[i] / l : 1) : y[i] - l;
    const forecastFrom = (t: number, lv: number, tr: number): Float64Array => {
        // t = index of the next point; seasonal index of y[t + k] is s[t + k - m] for k < m.
        const f = new Float64Array(h);
        let damp = 0;
        let pw = 1;
        for (let k = 0; k < h; k++) {
            pw *= phi;
            damp += pw;
            const si = s[t - m + (k % m)];
            f[k] = mul ? (lv + damp * tr) * si : lv + damp * tr + si;
        }
        return f;
    };
    const at: Float64Array[] = [];
    let oi = 0;
    while (oi < origins.length && origins[oi] <= m) {
        at.push(forecastFrom(m, l, b));
        oi++;
    }
    for (let t = m; t < n; t++) {
        if (oi < origins.length && origins[oi] === t) {
            at.push(forecastFrom(t, l, b));
            oi++;
        }
        const yt = y[t];
        const sOld = s[t - m];
        const lPrev = l;
        if (mul) {
            l = alpha * (yt / sOld) + (1 - alpha) * (lPrev + phi * b);
            b = beta * (l - lPrev) + (1 - beta) * phi * b;
            s[t] = l > 0 ? gamma * (yt / l) + (1 - gamma) * sOld : sOld;
        } else {
            l = alpha * (yt - sOld) + (1 - alpha) * (lPrev + phi * b);
            b = beta * (l - lPrev) + (1 - beta) * phi * b;
            s[t] = gamma * (yt - l) + (1 - gamma) * sOld;
        }
    }
    while (oi < origins.length) {
        at.push(forecastFrom(n, l, b));
        oi++;
    }
    return { final: forecastFrom(n, l, b), at };
}

const ALPHAS = [0.05, 0.2, 0.4, 0.7];
const GAMMAS = [0.05, 0.2, 0.4];
const TRENDS: ReadonlyArray<{ beta: number; phi: number }> = [
    { beta: 0, phi: 1 },
    { beta: 0.05, phi: 0.9 },
];

/** Every candidate the tuner tries on a series of `n` points with `period` points a day. */
export function holtWintersGrid(y: Float64Array, period: number): HoltWintersParams[] {
    const n = y.length;
    const positive = y.every((x) => x > 0);
    const periods = [period, ...(n >= 2 * 7 * period ? [7 * period] : [])].filter((m) => n >= m + period * 2);
    const out: HoltWintersParams[] = [];
    for (const m of periods)
        for (const seasonal of positive ? (["add", "mul"] as const) : (["add"] as const))
            for (const alpha of ALPHAS)
                for (const gamma of GAMMAS) for (const tr of TRENDS) out.push({ alpha, beta: tr.beta, gamma, phi: tr.phi, seasonal, m });
    return out;
}

/** Picks the grid point with the lowest day-ahead backtest MAE over the last `days` daily origins. */
export function tuneHoltWinters(
    y: Float64Array,
    period: number,
    h: number,
    days = 7,
): { params: HoltWintersParams; mae: number } | undefined {
    let best: { params: HoltWintersParams; mae: number } | undefined;
    for (const p of holtWintersGrid(y, period)) {
        const origins = dailyOrigins(y.length, period, days, p.m + period, Math.min(h, period));
        if (origins.length === 0) continue;
        const { at } = holtWintersRun(y, p, Math.min(h, period), origins);
        let err = 0;
        let cnt = 0;
        for (let k = 0; k < origins.length; k++)
            for (let j = 0; j < at[k].length; j++) {
                const d = y[origins[k] + j] - at[k][j];
                if (Number.isFinite(d)) {
                    err += Math.abs(d);
                    cnt++;
                }
            }
        const mae = cnt ? err / cnt : Infinity;
        if (!best || mae < best.mae) best = { params: p, mae };
    }
    return best;
}

/** Tuning result per (series array, horizon): the backtest and the final forecast of one series share it. */
const tuned = new WeakMap<Float64Array, Map<string, HoltWintersParams>>();
function tunedParams(y: Float64Array, period: number, h: number): HoltWintersParams {
    const key = `${period}/${Math.min(h, period)}`;
    let m = tuned.get(y);
    if (!m) tuned.set(y, (m = new Map<string, HoltWintersParams>()));
    let p = m.get(key);
    if (!p) {
        p = tuneHoltWinters(y, period, h)?.params ?? { alpha: 0.3, beta: 0, gamma: 0.15, phi: 1, seasonal: "add", m: period };
        // Stryker disable next-line CallExpression: a cache only: without it the same deterministic tuning runs again.
        m.set(key, p);
    }
    return p;
}

export const holtWinters: Model = {
    name: "holt-winters",
    minPoints: (period) => 3 * period,
    backtestForecasts(y, origins, h, period) {
        // Tuned once on the whole window; its smoothing pass yields the forecast at every origin.
        return holtWintersRun(y, tunedParams(y, period, h), h, origins).at;
    },
    forecast(y, h, period) {
        const p = tunedParams(y, period, h);
        const f = holtWintersRun(y, p, h).final;
        for (let i = 0; i < f.length; i++) if (!Number.isFinite(f[i])) f[i] = y[y.length - 1];
        return { point: f, detail: `holt-winters(${p.seasonal}, m=${p.m}, α=${p.alpha}, β=${p.beta}, γ=${p.gamma}, φ=${p.phi})` };
    },
};
