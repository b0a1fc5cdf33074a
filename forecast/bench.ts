/**
 * The benchmark of issue 4 on any directory of CSV / query_range files: rolling origin at 00:00
 * each day, training 14 days (7 under 21 days of data), horizon 24 h, hourly models, replay at
 * full resolution in three capacity scenarios (p99 load needs 5, 20, 100 pods), target 0.7, the
 * API's seed behavior, readiness 60 s. Reads files only; no network.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { API_BEHAVIOR } from "../lib/hpa";
import { readSeriesFile, toGrid } from "./ingest";
import type { Model } from "./models/common";
import { holtWinters } from "./models/holtWinters";
import { mstl, mstlAvailable } from "./models/mstl";
import { seasonalNaive } from "./models/seasonalNaive";
import { seedBlendController, seedModel } from "./models/seed";
import { bandPeak, forecastDefault, forecastWith, peakFactor, type ForecastResult } from "./models/select";
import { coarsen, forecastScenario } from "./plan";
import { replay, type BoundsSegment, type Controller } from "./simulator";
import { floorCurve, floorFromHistory, proposeBounds, rawMaxReplicas } from "./sizing";
import { parseConfig, type AppConfig } from "../config";
import { readAppConfig } from "../tools/stackConfig";
import { mappedSeries } from "./mapping";
import { programForecast } from "./program";
import { DEFAULT_SETTINGS } from "./stack";
import { mae, max, quantile, seasonalNaiveScale } from "./stats";
import type { Grid, Series } from "./types";

export const METHODS = ["default", "seed", "snaive24", "snaive168", "holt-winters", "mstl", "reactive-3-50", "static-peak"] as const;
export type Method = (typeof METHODS)[number];
const FORECASTERS: Method[] = ["default", "seed", "snaive24", "snaive168", "holt-winters", "mstl"];
export const P99_PODS = [5, 20, 100] as const;
const TARGET = 0.7;
/** The project root (where Pulumi.yaml and exports/ live). */
const PROJECT_DIR = path.resolve(__dirname, "..");

export interface MethodScore {
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
}

export interface BenchResult {
    series: SeriesScore[];
    speed: { forecastMs: number; jsonParseMs: number; ratio: number; files?: number };
    skipped: string[];
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

/** Scores one series; `progress` is called per origin. */
export function benchSeries(name: string, s: Series, progress: (msg: string) => void = () => {}): SeriesScore[] | string {
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
    const hourly = coarsen(full, 3600, "mean");
    const hourAt = (t: number) => Math.round((t - hourly.start) / 3600);
    const p99 = quantile(full.values, 0.99);
    if (!(p99 > 0)) return `${name}: p99 load is not positive`;

    // Forecasts per origin and method.
    type O = { o: number; used: boolean; f: Map<Method, ForecastResult>; pf: number; trainPeak: number; peak14: number; actualMax: number };
    const per: O[] = [];
    const quality = new Map<Method, { mase: number[]; band: number[]; max: number[] }>();
    const methods = FORECASTERS.filter((m) => m !== "mstl" || mstlAvailable());
    for (const m of methods) quality.set(m, { mase: [], band: [], max: [] });
    for (const [k, o] of origins.entries()) {
        progress(`${name}: origin ${k + 1}/${origins.length}`);
        const a = hourAt(o);
        const train = hourly.values.subarray(Math.max(0, a - trainDays * 24), a);
        const actual = hourly.values.subarray(a, a + 24);
        const nAct = Array.from(actual).filter(Number.isFinite).length;
        const trainFull = sliceGrid(full, o - trainDays * 86400, o);
        const pf = peakFactor(trainFull, 3600, 0.95);
        const dayFull = sliceGrid(full, o, o + 86400);
        const rec: O = {
            o,
            used: nAct >= 12 && Array.from(train).filter(Number.isFinite).length >= 48,
            f: new Map(),
            pf,
            trainPeak: max(trainFull.values),
            peak14: max(sliceGrid(full, o - 14 * 86400, o).values),
            actualMax: max(dayFull.values),
        };
        if (rec.used) {
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
                if (Number.isFinite(rec.actualMax)) q.max.push(rec.actualMax <= bandPeak(r) * pf ? 1 : 0);
            }
        }
        per.push(rec);
    }
    const used = per.filter((p) => p.used).length;
    const mean = (xs: number[]) => (xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : null);

    // Replays per scenario.
    const from = origins[0];
    const to = origins[origins.length - 1] + 86400;
    const warm = sliceGrid(full, from - 86400, to);
    const scores: SeriesScore[] = [];
    for (const pods of P99_PODS) {
        const cap = p99 / (pods * TARGET);
        const capM = [{ name: "load", capacityPerPod: cap, targetUtilization: TARGET }];
        // Each method's floor per day, from the last 7 days rescaled to its own forecast (the
        // sizing rule's `forecast` scenario, as the program runs it).
        const floorsOf = (m: Method) =>
            per.map((p) => {
                const hist = sliceGrid(full, p.o - 7 * 86400, p.o);
                const f = p.f.get(m);
                const load = f
                    ? forecastScenario(hist.values, hist.start, hist.step, p.o, 7, {
                          history: coarsen(hist, 3600, "mean"),
                          point: f.point,
                          fallback: f.fallback,
                      }).load
                    : hist.values;
                const hi = Math.max(1, Math.ceil((max(load) || 0) / (cap * TARGET) - 1e-9));
                return floorFromHistory(
                    {
                        start: hist.start,
                        step: hist.step,
                        metrics: [{ name: "load", load, capacityPerPod: cap, targetUtilization: TARGET }],
                    },
                    1,
                    hi,
                    {
                        underProvisionedTarget: DEFAULT_SETTINGS.underProvisionedTarget,
                        behavior: API_BEHAVIOR,
                        readinessDelaySeconds: 60,
                    },
                );
            });
        const run = (bounds: BoundsSegment[] | { minReplicas: number; maxReplicas: number }, controller?: Controller) => {
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
            });
            return {
                replicaHoursRatio: r.ratioToOracle,
                underProvisionedPct: 100 * r.underProvisionedFraction,
                capHitPct: 100 * r.capHitFraction,
                shortfallRatio: r.shortfallRatio,
                weightedCost: r.weightedCost,
            };
        };
        const out: MethodScore[] = [];
        for (const m of methods) {
            const floors = floorsOf(m);
            const segs: BoundsSegment[] = [];
            let prev = { minReplicas: 3, maxReplicas: 50 };
            per.forEach((p, i) => {
                const f = p.f.get(m);
                if (f) {
                    const peak = bandPeak(f) * p.pf;
                    const rawMax = rawMaxReplicas([Math.max(0, peak)], [p.trainPeak], capM, DEFAULT_SETTINGS.headroom);
                    const raw = { minReplicas: Math.min(floors[i], rawMax), maxReplicas: rawMax };
                    prev = proposeBounds(
                        raw,
                        prev,
                        { minReplicas: 1, maxReplicas: 100000, policyMinimum: 1 },
                        { percent: DEFAULT_SETTINGS.hysteresisPercent },
                    );
                }
                segs.push({ from: p.o, ...prev });
            });
            segs[0] = { ...segs[0], from: -Infinity };
            const q = quality.get(m)!;
            out.push({
                method: m,
                mase: mean(q.mase),
                bandCoverage: mean(q.band),
                maxCoverage: mean(q.max),
                ...run(segs, m === "seed" ? seedBlendController(cap) : undefined),
            });
        }
        out.push({
            method: "reactive-3-50",
            mase: null,
            bandCoverage: null,
            maxCoverage: null,
            ...run({ minReplicas: 3, maxReplicas: 50 }),
        });
        const statics: BoundsSegment[] = per.map((p) => {
            const n = Math.max(1, Math.ceil(p.peak14 / (cap * TARGET) - 1e-9));
            return { from: p.o, minReplicas: n, maxReplicas: n };
        });
        statics[0] = { ...statics[0], from: -Infinity };
        out.push({ method: "static-peak", mase: null, bandCoverage: null, maxCoverage: null, ...run(statics) });
        scores.push({ name, p99Pods: pods, origins: used, methods: out, floorBound: floorBound(warm, from, origins, cap) });
    }
    return scores;
}

/**
 * The bound on what choosing minReplicas once a day can do: one replay with no floor and no cap
 * prices every floor for every test day (`floorCurve`), and the best floor of each day is taken
 * in hindsight. A forecaster's sizing can only move the cost between `hindsight` and above.
 */
function floorBound(warm: Grid, from: number, origins: readonly number[], cap: number): { noFloor: number; hindsight: number } {
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
    return { noFloor: base.weightedCost, hindsight: tr.oracleTicks > 0 ? hindsight / tr.oracleTicks : 0 };
}

/**
 * Speed: the forecasting step for a whole stack, as the program runs it (`programForecast`: every
 * workload and data-tier count the dev stack maps), on 30 days at 1-minute resolution per series
 * written as query_range exports. Each series is the longest trace found, stepped to 1 minute and
 * scaled to the p99 of the dev stack's own demo export for it. Returns the step's time and
 * JSON.parse's time on the same files, measured alternately in one run.
 */
export function benchSpeed(all: Series[]): { forecastMs: number; jsonParseMs: number; ratio: number; files: number } {
    const longest = [...all].sort((a, b) => b.t[b.t.length - 1] - b.t[0] - (a.t[a.t.length - 1] - a.t[0]))[0];
    // A project of its own: the step reads exports only inside the project it is given.
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "bench-forecast-"));
    const dir = path.join(project, "exports");
    fs.mkdirSync(dir);
    try {
        const dev = readAppConfig(PROJECT_DIR, "dev");
        const devDir = path.resolve(PROJECT_DIR, dev.forecast.exportsDir || "exports/dev");
        const n = 30 * 1440;
        const g = toGrid(longest, longest.step, "mean", { align: longest.step });
        const shapeP99 = quantile(g.values, 0.99) || 1;
        const series = structuredClone(dev.forecast.series);
        const files: string[] = [];
        for (const { name, ref } of mappedSeries(series)) {
            const at = name.split("/");
            let scale = 1;
            try {
                const demo = readSeriesFile(path.join(devDir, ref.file))[0];
                scale = (quantile(demo.v, 0.99) || 1) / shapeP99;
            } catch {
                // no demo export for this series: the trace's own scale
            }
            const values: Array<[number, string]> = [];
            let last = 0;
            const t0 = 1700000000 - (1700000000 % 86400);
            for (let i = 0; i < n; i++) {
                const j = Math.floor(((i * 60) % (g.values.length * g.step)) / g.step);
                const v = g.values[j];
                if (Number.isFinite(v)) last = v;
                values.push([t0 + i * 60, String(Math.round(last * scale * 1000) / 1000)]);
            }
            const file = `${at.join("-")}.query_range.json`;
            fs.writeFileSync(
                path.join(dir, file),
                JSON.stringify({
                    status: "success",
                    data: { resultType: "matrix", result: [{ metric: { __name__: at.join("_") }, values }] },
                }),
            );
            ref.file = file;
            ref.series = "";
            ref.unit = "rate";
            files.push(path.join(dir, file));
        }
        const raw = toRaw(dev);
        const config = parseConfig({ ...raw, forecast: { ...raw.forecast, exportsDir: "exports", maxAgeDays: 0, series } }, "dev");
        const run = () => programForecast({ stack: "dev", projectDir: project, config });
        run(); // warm-up, so both timings measure steady-state code
        const texts = files.map((f) => fs.readFileSync(f, "utf8"));
        // Side by side: the two timings alternate, and each keeps its fastest of 7 runs, so a
        // burst of load on a shared machine does not land on one side only.
        let jsonParseMs = Infinity;
        let forecastMs = Infinity;
        for (let r = 0; r < 7; r++) {
            let t0 = performance.now();
            for (const t of texts) JSON.parse(t);
            jsonParseMs = Math.min(jsonParseMs, performance.now() - t0);
            t0 = performance.now();
            run();
            forecastMs = Math.min(forecastMs, performance.now() - t0);
        }
        return { forecastMs, jsonParseMs, ratio: forecastMs / jsonParseMs, files: files.length };
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }
}

/** A parsed config back as the raw object parseConfig reads (it is plain data). */
const toRaw = (c: AppConfig): Record<string, unknown> & { forecast: Record<string, unknown> } => structuredClone(c);

export function runBench(dataDir: string, progress: (msg: string) => void = () => {}, only?: (rel: string) => boolean): BenchResult {
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
            const r = benchSeries(name, s, progress);
            if (typeof r === "string") skipped.push(r);
            else series.push(...r);
        }
    }
    progress("speed: the dev stack's whole forecasting step, every mapped series at 30 days × 1 min");
    const speed = all.length ? benchSpeed(all) : { forecastMs: NaN, jsonParseMs: NaN, ratio: NaN };
    return { series, speed, skipped };
}

export function formatBench(r: BenchResult): string {
    const out: string[] = [];
    const f = (x: number | null, d = 3) => (x === null || !Number.isFinite(x) ? "-" : x.toFixed(d));
    for (const s of r.series) {
        out.push(`### ${s.name} · p99 needs ${s.p99Pods} pods · ${s.origins} origins`, "");
        out.push(
            "| method | MASE | band cov. | max cov. | replica-h ÷ oracle | under-prov. % | cap hits % | shortfall ÷ oracle | SLO-weighted cost |",
            "|---|---|---|---|---|---|---|---|---|",
        );
        for (const m of s.methods)
            out.push(
                `| ${m.method} | ${f(m.mase)} | ${f(m.bandCoverage, 2)} | ${f(m.maxCoverage, 2)} | ${f(m.replicaHoursRatio)} | ${f(m.underProvisionedPct, 2)} | ${f(m.capHitPct, 2)} | ${f(m.shortfallRatio, 4)} | ${f(m.weightedCost)} |`,
            );
        out.push("");
    }
    out.push(
        "## Summary (means over series × scenarios)",
        "",
        "Cost to 4 decimals: the forecasters differ in the third. Behind: runs (series × scenario) more than 2 % costlier than the best other method.",
        "",
        "| method | mean MASE (per series) | mean daily-max coverage | mean SLO-weighted cost | mean under-prov. % | mean replica-h ÷ oracle | max cap hits % | worst cost ÷ best other | runs > 2 % behind |",
        "|---|---|---|---|---|---|---|---|---|",
    );
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const means = new Map<Method, number>();
    for (const m of METHODS) {
        const rows = r.series.map((s) => s.methods.find((x) => x.method === m)).filter((x): x is MethodScore => !!x);
        if (rows.length === 0) continue;
        // Forecast quality once per series (the scenarios share the forecasts).
        const firstScenario = r.series.filter((s) => s.p99Pods === P99_PODS[0]).map((s) => s.methods.find((x) => x.method === m));
        const mases = firstScenario.map((x) => x?.mase).filter((x): x is number => typeof x === "number");
        const cover = firstScenario.map((x) => x?.maxCoverage).filter((x): x is number => typeof x === "number");
        const ratios = r.series.map((s) => {
            const me = s.methods.find((x) => x.method === m)?.weightedCost ?? NaN;
            const best = Math.min(...s.methods.filter((x) => x.method !== m).map((x) => x.weightedCost));
            return me / best;
        });
        means.set(m, avg(rows.map((x) => x.weightedCost)));
        out.push(
            `| ${m} | ${mases.length ? avg(mases).toFixed(3) : "-"} | ${cover.length ? avg(cover).toFixed(3) : "-"} | ${means.get(m)!.toFixed(4)} | ${avg(rows.map((x) => x.underProvisionedPct)).toFixed(2)} | ${avg(rows.map((x) => x.replicaHoursRatio)).toFixed(3)} | ${Math.max(...rows.map((x) => x.capHitPct)).toFixed(2)} | ${Math.max(...ratios).toFixed(3)} | ${ratios.filter((x) => x > 1.02).length} of ${ratios.length} |`,
        );
    }
    const ranked = [...means.entries()].sort((a, b) => a[1] - b[1]);
    if (ranked.length)
        out.push(
            "",
            `Lowest mean SLO-weighted cost: ${ranked[0][0]} (${ranked[0][1].toFixed(4)})${ranked[0][0] === "default" ? "" : `; default ${means.get("default")?.toFixed(4) ?? "-"}, ${(((means.get("default") ?? NaN) / ranked[0][1] - 1) * 100).toFixed(2)} % above it`}.`,
        );
    const bounded = r.series.filter((s) => s.floorBound);
    if (bounded.length) {
        const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        out.push(
            "",
            `What minReplicas can do at all (the same replays): the HPA with no floor and no cap costs ${avg(bounded.map((s) => s.floorBound!.noFloor)).toFixed(3)} on average; with the best floor of each day chosen in hindsight, ${avg(bounded.map((s) => s.floorBound!.hindsight)).toFixed(3)}. A forecast sizes the floor and the cap; with cap hits kept near zero, the room between forecasters is this gap.`,
        );
    }
    out.push("", "Frontier (mean SLO-weighted cost against mean under-provisioned %, lower-left is better):", "");
    for (const m of METHODS) {
        const rows = r.series.map((s) => s.methods.find((x) => x.method === m)).filter((x): x is MethodScore => !!x);
        const c = rows.reduce((a, b) => a + b.replicaHoursRatio, 0) / Math.max(1, rows.length);
        const u = rows.reduce((a, b) => a + b.underProvisionedPct, 0) / Math.max(1, rows.length);
        out.push(`- ${m}: replica-h ÷ oracle ${c.toFixed(3)}, under-provisioned ${u.toFixed(2)} %`);
    }
    out.push(
        "",
        `Speed: the dev stack's forecasting step${r.speed.files ? ` on ${r.speed.files} exports of 30 days at 1 min` : ""} ${r.speed.forecastMs.toFixed(1)} ms, JSON.parse of the same files ${r.speed.jsonParseMs.toFixed(1)} ms, ratio ${r.speed.ratio.toFixed(2)} (target ≤ 3)`,
    );
    if (r.skipped.length) out.push("", "Skipped:", ...r.skipped.map((s) => `- ${s}`));
    return out.join("\n");
}
