/**
 * The chart's numbers (tools/forecast/chart.ts): each metric's display unit, the panels' axis
 * ranges with round ticks, and the series as ECharts data. Pure; no ECharts here.
 */
import type { ChartInput, TimeSeries } from "./chart";

/** The unit a metric is shown in, and the factor from its exported unit (memory is exported in bytes). */
export function metricUnit(metric: string): { unit: string; scale: number } {
    const unit = UNITS[metric];
    if (unit) return unit;
    return /^memory/.test(metric) ? { unit: "MiB", scale: 2 ** -20 } : { unit: "as exported", scale: 1 };
}

/** The series of forecast.series (config/schema/forecast.ts) and the unit of their PromQL. */
const UNITS: Readonly<Record<string, { unit: string; scale: number }>> = {
    requests: { unit: "requests/s", scale: 1 },
    cpu: { unit: "CPU cores", scale: 1 },
    latencyP95: { unit: "s", scale: 1 },
    queueLength: { unit: "jobs waiting", scale: 1 },
    processingTime: { unit: "s", scale: 1 },
};

/** An axis range: ticks every `interval` from `min` to `max`. */
export interface Scale {
    readonly min: number;
    readonly max: number;
    readonly interval: number;
}

/** Three significant digits, whole numbers from 100 up: axis labels and the subtitle. */
export function num(v: number): string {
    return Math.abs(v) >= 100 ? Math.round(v).toString() : String(Number(v.toPrecision(3)));
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `x` (> 0). */
function niceCeil(x: number): number {
    const p = 10 ** Math.floor(Math.log10(x));
    return [1, 2, 2.5, 5, 10].map((k) => k * p).find((v) => v >= x * (1 - 1e-12)) ?? 10 * p;
}

/** The smallest of 1, 2, 5 × 10^k at or above `x` (≥ 1): whole replica ticks. */
function niceInt(x: number): number {
    const p = 10 ** Math.floor(Math.log10(x));
    return [1, 2, 5, 10].map((k) => k * p).find((v) => v >= x) ?? 10 * p;
}

const finite = (xs: ArrayLike<number>, scale: number) => Array.from(xs, (v) => v * scale).filter(Number.isFinite);

/** The load panel: 5 round ticks from 0 (or below the lowest value) to just above the highest of history, median and band. */
export function loadScale(c: ChartInput, scale: number): Scale {
    const vs = [c.history.values, c.forecast.values, c.forecast.lower, c.forecast.upper].flatMap((xs) => finite(xs, scale));
    const top = Math.max(0, ...vs) * 1.05;
    const interval = top > 0 ? niceCeil(top / 5) : 0.2;
    const low = Math.min(0, ...vs);
    return { min: low < 0 ? -Math.ceil(-low / interval) * interval : 0, max: Math.max(1, Math.ceil(top / interval)) * interval, interval };
}

/**
 * The capacity panel's two aligned axes: replicas (whole ticks, one above the highest bound,
 * floor or the replicas the load needs) and the load they serve (the same ticks × the load
 * one replica serves), so a line reads on either axis.
 */
export function capacityScale(c: ChartInput, scale: number): { load: Scale; replicas: Scale } {
    const perReplica = c.perReplica * scale;
    const loads = [c.history.values, c.forecast.upper].flatMap((xs) => finite(xs, scale));
    const needed = Math.ceil(Math.max(0, ...loads) / perReplica);
    const top = Math.max(c.current.maxReplicas, c.proposed.maxReplicas, ...(c.floorSchedule?.floors ?? []), needed) + 1;
    const interval = top <= 6 ? 1 : niceInt(top / 5);
    const max = Math.ceil(top / interval) * interval;
    return {
        replicas: { min: 0, max, interval },
        load: { min: 0, max: max * perReplica, interval: interval * perReplica },
    };
}

/** [ms, value] pairs for an ECharts time axis; a NaN becomes null, a gap in the line. */
export function timeData(s: TimeSeries, scale: number): Array<[number, number | null]> {
    return Array.from(s.values, (v, i) => [(s.start + i * s.step) * 1000, Number.isFinite(v) ? v * scale : null]);
}

/** The band as one polygon per run of steps where both edges are known: along the upper edge, back along the lower. */
export function bandPolygons(
    f: ChartInput["forecast"],
    scale: number,
): Array<{ value: [number, number]; points: Array<[number, number]> }> {
    const runs: Array<Array<[number, number, number]>> = [];
    let run: Array<[number, number, number]> = [];
    for (let i = 0; i < f.upper.length; i++) {
        const lo = f.lower[i];
        const hi = f.upper[i];
        if (Number.isFinite(lo) && Number.isFinite(hi)) run.push([(f.start + i * f.step) * 1000, lo * scale, hi * scale]);
        else if (run.length) {
            runs.push(run);
            run = [];
        }
    }
    if (run.length) runs.push(run);
    return runs.map((r) => ({
        value: [r[0][0], r[0][1]],
        points: [...r.map(([t, , hi]): [number, number] => [t, hi]), ...r.reverse().map(([t, lo]): [number, number] => [t, lo])],
    }));
}
