/**
 * The benchmark of issue 4 on any directory of CSV / query_range files: rolling origin at 00:00
 * each day, training 14 days (7 under 21 days of data), horizon 24 h, hourly models, replay at
 * full resolution in three capacity scenarios (p99 load needs 5, 20, 100 pods), target 0.7, the
 * API's seed behavior, readiness 60 s. Reads files only; no network.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { toGrid } from "../../forecast/ingest";
import type { Model } from "../../forecast/models/common";
import { holtWinters } from "../../forecast/models/holtWinters";
import { seasonalNaive } from "../../forecast/models/seasonalNaive";
import { bandPeak, forecastDefault, forecastWith, peakFactor, type ForecastResult } from "../../forecast/models/select";
import { coarsen, forecastScenario } from "../../forecast/plan";
import type { FloorSchedule } from "../../forecast/schedule";
import { hourCells, priceFloor } from "../../forecast/scheduleFloor";
import { scheduleStep, type ScheduleSettings, type StaticClass } from "../../forecast/scheduleStep";
import { replay, type BoundsSegment, type Controller, type Trajectory } from "../../forecast/simulator";
import { floorCurve, floorFromHistory, proposeBounds, rawMaxReplicas, type Bounds } from "../../forecast/sizing";
import { DEFAULT_SETTINGS } from "../../forecast/stack";
import { mae, max, quantile, seasonalNaiveScale } from "../../forecast/stats";
import type { Grid, Series } from "../../forecast/types";
import { API_BEHAVIOR } from "../../lib/hpa";
import { mstl, mstlAvailable } from "./models/mstl";
import { seedBlendController, seedModel } from "./models/seed";
import { benchSpeed } from "./benchSpeed";
import { DEFAULT_BENCH_PRICING, priceReplay, withFloor, type BenchPricing, type PriceScore } from "./benchPrice";
import { floorOf } from "../../forecast/spotReplay";
import { readSeriesFile } from "./seriesFile";

/**
 * `default` is the scheduled floor (the static bounds plus the forecast's floor schedule), `static`
 * the same bounds without the schedule, `hindsight-hourly` the best floor of each hour chosen in
 * hindsight: the bound on what any schedule can do (not a method, and never "the best other").
 */
export const METHODS = [
    "default",
    "static",
    "seed",
    "snaive24",
    "snaive168",
    "holt-winters",
    "mstl",
    "reactive-3-50",
    "static-peak",
    "hindsight-hourly",
] as const;
export type Method = (typeof METHODS)[number];
const FORECASTERS: Method[] = ["default", "seed", "snaive24", "snaive168", "holt-winters", "mstl"];
export const P99_PODS = [5, 20, 100] as const;
const TARGET = 0.7;

export interface MethodScore extends PriceScore {
    method: Method;
    mase: number | null;
    bandCoverage: number | null;
    maxCoverage: number | null;
    replicaHoursRatio: number;
    underProvisionedPct: number;
    capHitPct: number;
    shortfallRatio: number;
    weightedCost: number;
}

/** A method's replay: what `MethodScore` adds to the forecast quality. */
type ReplayScore = Pick<MethodScore, "replicaHoursRatio" | "underProvisionedPct" | "capHitPct" | "shortfallRatio" | "weightedCost"> &
    PriceScore;

export interface SeriesScore {
    name: string;
    p99Pods: number;
    origins: number;
    methods: MethodScore[];
    /**
     * What any forecast could gain through minReplicas (not in --json): the SLO-weighted cost of
     * the HPA with no floor and no cap, and with the best floor for each day chosen in hindsight.
     */
    floorBound?: { noFloor: number; hindsight: number };
    /** The scheduled default's days (origins): how many ran a schedule, how many kept the static floor and why (not in --json). */
    schedule?: ScheduleTally;
}

/** Days the scheduled default ran a schedule, and days its backtest kept the static floor, by class of series. */
export interface ScheduleTally {
    scheduled: number;
    kept: Record<StaticClass, number>;
}

export interface BenchResult {
    series: SeriesScore[];
    speed: { forecastMs: number; jsonParseMs: number; ratio: number; files?: number };
    skipped: string[];
    /** The prices and spot model the money columns used (not in --json). */
    pricing?: BenchPricing;
}

function walk(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : /\.(csv|json)$/i.test(e.name) ? [path.join(dir, e.name)] : []));
}

function forecaster(m: Method): (y: Float64Array) => ForecastResult {
    const single = (model: Model) => (y: Float64Array) => forecastWith(model, y, 24, { period: 24 });
    switch (m) {
        case "default":
            return (y) => forecastDefault(y, 24, { period: 24 });
        case "seed":
            return single(seedModel);
        case "snaive24":
            return single(seasonalNaive(1));
        case "snaive168":
            return single(seasonalNaive(7));
        case "holt-winters":
            return single(holtWinters);
        case "mstl":
            return single(mstl);
        default:
            throw new Error(`${m} does not forecast`);
    }
}

const sliceGrid = (g: Grid, from: number, to: number): Grid => {
    const a = Math.max(0, Math.round((from - g.start) / g.step));
    const b = Math.max(a, Math.min(g.values.length, Math.round((to - g.start) / g.step)));
    return { start: g.start + a * g.step, step: g.step, values: g.values.subarray(a, b) };
};

/** A series on its own step, with the benchmark's rolling origins. */
interface BenchData {
    readonly name: string;
    readonly full: Grid;
    readonly hourly: Grid;
    readonly origins: readonly number[];
    readonly trainDays: number;
    /** The 99th percentile of the load: the capacity scenarios are sized from it. */
    readonly p99: number;
}

/** One origin: its forecasts per method, and what the sizing and the baselines read. */
interface Origin {
    readonly o: number;
    /** Enough data to forecast from and to score (12 test hours, 48 training hours). */
    readonly used: boolean;
    readonly f: Map<Method, ForecastResult>;
    readonly pf: number;
    readonly trainPeak: number;
    readonly peak14: number;
    readonly actualMax: number;
}

/** Forecast quality per method, one entry per used origin. */
type Quality = Map<Method, { mase: number[]; band: number[]; max: number[] }>;

/** Scores one series; `progress` is called per origin. */
export function benchSeries(
    name: string,
    s: Series,
    progress: (msg: string) => void = () => {},
    pricing: BenchPricing = DEFAULT_BENCH_PRICING,
): SeriesScore[] | string {
    const d = benchData(name, s);
    if (typeof d === "string") return d;
    const methods = FORECASTERS.filter((m) => m !== "mstl" || mstlAvailable());
    const quality: Quality = new Map(methods.map((m) => [m, { mase: [], band: [], max: [] }]));
    const per = d.origins.map((o, k) => {
        progress(`${name}: origin ${k + 1}/${d.origins.length}`);
        return forecastOrigin(d, o, methods, quality);
    });
    const used = per.filter((p) => p.used).length;
    return P99_PODS.map((pods) => scoreScenario(d, per, methods, quality, pods, used, pricing));
}

function benchData(name: string, s: Series): BenchData | string {
    if (s.t.length < 2 || s.step <= 0) return `${name}: too few points`;
    const step = Math.max(1, s.step);
    const full = toGrid(s, step, "mean", { align: step });
    const day0 = Math.ceil(full.start / 86400) * 86400;
    const end = full.start + full.values.length * step;
    const spanDays = (end - full.start) / 86400;
    const trainDays = spanDays >= 21 ? 14 : 7;
    const origins: number[] = [];
    for (let o = day0 + trainDays * 86400; o + 86400 <= end; o += 86400) origins.push(o);
    if (origins.length === 0) return `${name}: ${spanDays.toFixed(2)} days is too short for ${trainDays} training days and a test day`;
    const p99 = quantile(full.values, 0.99);
    if (!(p99 > 0)) return `${name}: p99 load is not positive`;
    return { name, full, hourly: coarsen(full, 3600, "mean"), origins, trainDays, p99 };
}

/** Every method's forecast at origin `o`, scored against the next day (into `quality`). */
function forecastOrigin(d: BenchData, o: number, methods: readonly Method[], quality: Quality): Origin {
    const a = Math.round((o - d.hourly.start) / 3600);
    const train = d.hourly.values.subarray(Math.max(0, a - d.trainDays * 24), a);
    const actual = d.hourly.values.subarray(a, a + 24);
    const nAct = Array.from(actual).filter(Number.isFinite).length;
    const trainFull = sliceGrid(d.full, o - d.trainDays * 86400, o);
    const rec: Origin = {
        o,
        used: nAct >= 12 && Array.from(train).filter(Number.isFinite).length >= 48,
        f: new Map(),
        pf: peakFactor(trainFull, 3600, 0.95),
        trainPeak: max(trainFull.values),
        peak14: max(sliceGrid(d.full, o - 14 * 86400, o).values),
        actualMax: max(sliceGrid(d.full, o, o + 86400).values),
    };
    if (!rec.used) return rec;
    const scale = seasonalNaiveScale(train, 24);
    for (const m of methods) {
        const r = forecaster(m)(train);
        rec.f.set(m, r);
        const q = quality.get(m)!;
        if (scale > 0) q.mase.push(mae(actual, r.point) / scale);
        let c = 0;
        let n = 0;
        for (let i = 0; i < 24; i++)
            if (Number.isFinite(actual[i])) {
                n++;
                if (actual[i] <= r.upper[i]) c++;
            }
        if (n) q.band.push(c / n);
        if (Number.isFinite(rec.actualMax)) q.max.push(rec.actualMax <= bandPeak(r) * rec.pf ? 1 : 0);
    }
    return rec;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : null);

/** Every method's replay in one capacity scenario (p99 load needs `pods` pods at the target). */
function scoreScenario(
    d: BenchData,
    per: readonly Origin[],
    methods: readonly Method[],
    quality: Quality,
    pods: number,
    used: number,
    pricing: BenchPricing,
): SeriesScore {
    const cap = d.p99 / (pods * TARGET);
    const from = d.origins[0];
    const warm = sliceGrid(d.full, from - 86400, d.origins[d.origins.length - 1] + 86400);
    const run = (bounds: BoundsSegment[] | Bounds, controller?: Controller): ReplayScore => {
        const r = replay({
            start: warm.start,
            step: warm.step,
            metrics: [{ name: "load", load: warm.values, capacityPerPod: cap, targetUtilization: TARGET }],
            bounds,
            behavior: API_BEHAVIOR,
            readinessDelaySeconds: 60,
            scoreFrom: from,
            controller,
            recordEvents: false,
            recordTrajectory: true,
        });
        return {
            replicaHoursRatio: r.ratioToOracle,
            underProvisionedPct: 100 * r.underProvisionedFraction,
            capHitPct: 100 * r.capHitFraction,
            shortfallRatio: r.shortfallRatio,
            weightedCost: r.weightedCost,
            ...priceReplay(r.trajectory!, Math.min(15, warm.step), floorOf(bounds), 60, pricing),
        };
    };
    const quality0 = (m: Method) => {
        const q = quality.get(m)!;
        return { mase: mean(q.mase), bandCoverage: mean(q.band), maxCoverage: mean(q.max) };
    };
    const out: MethodScore[] = [];
    const tally: ScheduleTally = { scheduled: 0, kept: { short: 0, flat: 0, irregular: 0 } };
    for (const m of methods) {
        const days = methodBounds(d, per, m, cap);
        const segs = daySegments(per, days);
        if (m === "default") {
            // The scheduled default and the same static bounds without the schedule, side by side.
            out.push({ method: "default", ...quality0(m), ...run(scheduledSegments(d, per, days, cap, tally)) });
            out.push({ method: "static", ...quality0(m), ...run(segs) });
        } else out.push({ method: m, ...quality0(m), ...run(segs, m === "seed" ? seedBlendController(cap) : undefined) });
    }
    const none = { mase: null, bandCoverage: null, maxCoverage: null };
    out.push({ method: "reactive-3-50", ...none, ...run({ minReplicas: 3, maxReplicas: 50 }) });
    const statics: BoundsSegment[] = per.map((p) => {
        const n = Math.max(1, Math.ceil(p.peak14 / (cap * TARGET) - 1e-9));
        return { from: p.o, minReplicas: n, maxReplicas: n };
    });
    statics[0] = { ...statics[0], from: -Infinity };
    out.push({ method: "static-peak", ...none, ...run(statics) });
    const bound = floorBound(warm, from, d.origins, cap, pricing);
    out.push({ method: "hindsight-hourly", ...none, ...bound.hourly });
    return {
        name: d.name,
        p99Pods: pods,
        origins: used,
        methods: out,
        floorBound: { noFloor: bound.noFloor, hindsight: bound.hindsight },
        schedule: tally,
    };
}

/**
 * A method's bounds per day, as the program sizes them: the floor from the last 7 days rescaled
 * to its own forecast (the sizing rule's `forecast` scenario), maxReplicas from its peak, both
 * held by hysteresis from the previous day's.
 */
function methodBounds(d: BenchData, per: readonly Origin[], m: Method, cap: number): Bounds[] {
    const capM = [{ name: "load", capacityPerPod: cap, targetUtilization: TARGET }];
    const days: Bounds[] = [];
    let prev: Bounds = { minReplicas: 3, maxReplicas: 50 };
    for (const p of per) {
        const f = p.f.get(m);
        if (f) {
            const { hist, load } = floorScenarioOf(d, p.o, f);
            const hi = Math.max(1, Math.ceil((max(load) || 0) / (cap * TARGET) - 1e-9));
            const history = {
                start: hist.start,
                step: hist.step,
                metrics: [{ name: "load", load, capacityPerPod: cap, targetUtilization: TARGET }],
            };
            const floor = floorFromHistory(history, 1, hi, {
                underProvisionedTarget: DEFAULT_SETTINGS.underProvisionedTarget,
                behavior: API_BEHAVIOR,
                readinessDelaySeconds: 60,
            });
            const rawMax = rawMaxReplicas([Math.max(0, bandPeak(f) * p.pf)], [p.trainPeak], capM, DEFAULT_SETTINGS.headroom);
            const raw = { minReplicas: Math.min(floor, rawMax), maxReplicas: rawMax };
            prev = proposeBounds(
                raw,
                prev,
                { minReplicas: 1, maxReplicas: 100000, policyMinimum: 1 },
                { percent: DEFAULT_SETTINGS.hysteresisPercent },
            );
        }
        days.push(prev);
    }
    return days;
}

/** One bounds segment per origin, the first from the start of the replay. */
function daySegments(per: readonly Origin[], days: readonly Bounds[]): BoundsSegment[] {
    const segs = per.map((p, i): BoundsSegment => ({ from: p.o, ...days[i] }));
    segs[0] = { ...segs[0], from: -Infinity };
    return segs;
}

/** What the benchmark's step derives the schedule with: the program's defaults, one refresh per origin (a day). */
const BENCH_SCHEDULE: ScheduleSettings = {
    slotSeconds: DEFAULT_SETTINGS.scheduleSlotMinutes * 60,
    horizonHours: 24,
    holdSeconds: 3600,
    hysteresisPercent: DEFAULT_SETTINGS.hysteresisPercent,
    readinessDelaySeconds: 60,
};

/**
 * The scheduled default: each origin's static bounds (`days`) with the floor schedule the step
 * derives from that origin's forecast on top, refreshed once a day; a day whose backtest keeps
 * the static floor runs its static bounds (counted in `tally` by class, as the days scheduled).
 */
function scheduledSegments(
    d: BenchData,
    per: readonly Origin[],
    days: readonly Bounds[],
    cap: number,
    tally: ScheduleTally,
): BoundsSegment[] {
    const segs: BoundsSegment[] = [];
    let previous: FloorSchedule | undefined;
    per.forEach((p, i) => {
        const b = days[i];
        segs.push({ from: p.o, ...b });
        const f = p.f.get("default");
        if (!f) return;
        const { hist, load } = floorScenarioOf(d, p.o, f);
        const metric = { name: "load", load, capacityPerPod: cap, targetUtilization: TARGET };
        const r = scheduleStep(
            {
                origin: p.o,
                recent: { start: hist.start, step: hist.step, metrics: [metric] },
                bounds: b,
                lowest: 1,
                behavior: API_BEHAVIOR,
                previous,
            },
            BENCH_SCHEDULE,
        );
        if (r.kept) tally.kept[r.kept]++;
        if (!r.floors) return;
        tally.scheduled++;
        previous = { start: r.start, stepSeconds: r.stepSeconds, floors: r.floors, bands: [] };
        segs.pop();
        r.floors.forEach((floor, k) => {
            const from = r.start + k * r.stepSeconds;
            if (from >= p.o && from < p.o + 86400) segs.push({ from, minReplicas: floor, maxReplicas: b.maxReplicas });
        });
    });
    segs[0] = { ...segs[0], from: -Infinity };
    return segs;
}

/** The last 7 days before `o` at full resolution, and the same scaled to forecast `f` (the sizing rule's scenario). */
function floorScenarioOf(d: BenchData, o: number, f: ForecastResult): { hist: Grid; load: Float64Array } {
    const hist = sliceGrid(d.full, o - 7 * 86400, o);
    const load = forecastScenario(hist.values, hist.start, hist.step, o, 7, {
        history: coarsen(hist, 3600, "mean"),
        point: f.point,
        fallback: f.fallback,
    }).load;
    return { hist, load };
}

/**
 * The bound on what choosing minReplicas once a day can do: one replay with no floor and no cap
 * prices every floor for every test day (`floorCurve`), and the best floor of each day is taken
 * in hindsight. A forecaster's sizing can only move the cost between `hindsight` and above.
 */
function floorBound(
    warm: Grid,
    from: number,
    origins: readonly number[],
    cap: number,
    pricing: BenchPricing,
): { noFloor: number; hindsight: number; hourly: ReplayScore } {
    let top = 0;
    for (const x of warm.values) if (Number.isFinite(x)) top = Math.max(top, x);
    const hi = Math.max(1, Math.ceil(top / (cap * TARGET)));
    const base = replay({
        start: warm.start,
        step: warm.step,
        metrics: [{ name: "load", load: warm.values, capacityPerPod: cap, targetUtilization: TARGET }],
        bounds: { minReplicas: 1, maxReplicas: hi * 10 },
        behavior: API_BEHAVIOR,
        readinessDelaySeconds: 60,
        scoreFrom: from,
        recordEvents: false,
        recordTrajectory: true,
    });
    const tr = base.trajectory!;
    let hindsight = 0;
    let a = 0;
    for (const o of origins) {
        let b = a;
        while (b < tr.time.length && tr.time[b] < o + 86400) b++;
        const day = {
            time: tr.time.subarray(a, b),
            replicas: tr.replicas.subarray(a, b),
            ready: tr.ready.subarray(a, b),
            need: tr.need.subarray(a, b),
            oracleTicks: 1,
        };
        const curve = floorCurve(day, 1, hi);
        if (curve.length) hindsight += Math.min(...curve.map((p) => p.cost)); // absolute: oracleTicks 1
        a = b;
    }
    return {
        noFloor: base.weightedCost,
        hindsight: tr.oracleTicks > 0 ? hindsight / tr.oracleTicks : 0,
        hourly: hindsightHourly(tr, hi, Math.min(15, warm.step), pricing),
    };
}

/**
 * The best floor of each hour chosen in hindsight, priced on the no-floor replay's trajectory
 * with pods ready the moment the floor rises: the bound on what any hourly schedule can do.
 */
function hindsightHourly(tr: Trajectory, hi: number, dt: number, pricing: BenchPricing): ReplayScore {
    const best = new Map<number, number>();
    for (const { hour, cell } of hourCells(tr)) {
        let f = 1;
        let c = Infinity;
        for (const p of floorCurve(cell, 1, hi)) if (p.cost < c - 1e-12) [f, c] = [p.floor, p.cost];
        best.set(hour, f);
    }
    const floorAt = (t: number) => best.get(Math.floor(t / 3600)) ?? 1;
    const p = priceFloor(tr, floorAt, 0);
    const n = tr.time.length;
    const o = tr.oracleTicks;
    return {
        replicaHoursRatio: o > 0 ? p.replicaTicks / o : 0,
        underProvisionedPct: n ? (100 * p.underTicks) / n : 0,
        capHitPct: 0,
        shortfallRatio: o > 0 ? p.shortfallTicks / o : 0,
        weightedCost: p.cost,
        ...priceReplay(withFloor(tr, floorAt), dt, floorAt, 60, pricing),
    };
}

export function runBench(
    dataDir: string,
    progress: (msg: string) => void = () => {},
    only?: (rel: string) => boolean,
    pricing: BenchPricing = DEFAULT_BENCH_PRICING,
): BenchResult {
    const series: SeriesScore[] = [];
    const skipped: string[] = [];
    const all: Series[] = [];
    for (const file of walk(dataDir)) {
        const rel = path.relative(dataDir, file);
        if (only && !only(rel)) continue;
        let ss: Series[];
        try {
            ss = readSeriesFile(file);
        } catch (e) {
            skipped.push(`${rel}: ${(e as Error).message}`);
            continue;
        }
        for (const s of ss) {
            all.push(s);
            const name = ss.length > 1 ? `${rel}#${s.name}` : rel;
            const r = benchSeries(name, s, progress, pricing);
            if (typeof r === "string") skipped.push(r);
            else series.push(...r);
        }
    }
    progress("speed: the dev stack's whole forecasting step, every mapped series at 30 days × 1 min");
    const speed = all.length ? benchSpeed(all) : { forecastMs: NaN, jsonParseMs: NaN, ratio: NaN };
    return { series, speed, skipped, pricing };
}
