/** Seasonal naive: tomorrow is today (period 24) or this day last week (period 168). */
import type { Model, ModelName } from "./common";

export function seasonalNaiveForecast(y: Float64Array, h: number, m: number): Float64Array {
    const n = y.length;
    const f = new Float64Array(h);
    for (let i = 0; i < h; i++) f[i] = y[n - m + (i % m)];
    return f;
}

/** `days` = 1 for the daily, 7 for the weekly seasonal naive. */
export function seasonalNaive(days: 1 | 7): Model {
    const name: ModelName = days === 1 ? "snaive24" : "snaive168";
    return {
        name,
        minPoints: (period) => period * days,
        forecast: (y, h, period) => ({ point: seasonalNaiveForecast(y, h, period * days), detail: name }),
    };
}
