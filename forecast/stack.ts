/**
 * The forecasting step for a whole stack, as the program runs it before each preview: reads the
 * stack's export files, forecasts and sizes each workload, and returns proposed bounds with the
 * HPA annotation values. Deterministic: the same files and input give the same result (no clock
 * is read; `now` is an input). Missing or stale exports give the guardrail defaults and a warning.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import { capacityRecommendations, type CapacityRecommendation, type PlannerMetric } from "./capacityPlanner";
import { parseSeriesText, pickSeries, toGrid } from "./ingest";
import { alignGrids, planWorkload, type PlanSettings, type WorkloadPlan } from "./plan";
import { replay, type ReplayResult } from "./simulator";
import { proposeBounds, type Bounds, type Guardrails } from "./sizing";
import type { Aggregation, Grid, Series } from "./types";

export interface MetricInput {
    /** Metric name, e.g. `requests`, `cpu`, `queue`. */
    readonly name: string;
    /** Export file (query_range JSON or CSV), relative to `baseDir`. */
    readonly file: string;
    /** Series in the file (its name or CSV column). @default the first */
    readonly series?: string;
    /**
     * `rate` and `gauge` are used as they are; `count` is a count per sample step (divided by
     * the step to a per-second rate); `counter` is a monotonic counter (turned into a rate).
     * @default "rate"
     */
    readonly unit?: "rate" | "gauge" | "count" | "counter";
    /** Resampling to the model step. @default "mean" */
    readonly aggregation?: Aggregation;
    /** What one pod serves at 100 %. */
    readonly capacityPerPod: number;
    /** HPA target as a fraction of capacity. */
    readonly targetUtilization: number;
    /** Also feed this metric to the seed's capacity planner under this name (values as the planner expects). */
    readonly planner?: PlannerMetric;
    /** `false`: only for the capacity planner, not for sizing (a latency, a utilization %). @default true */
    readonly sizing?: boolean;
}

export interface WorkloadInput {
    readonly name: string;
    readonly kind: "api" | "worker";
    /** Bounds the config declares now. */
    readonly current: Bounds;
    readonly metrics: readonly MetricInput[];
    readonly guardrails: Guardrails;
    /** The HPA behavior the replay uses (lib/hpa.ts API_BEHAVIOR / WORKER_BEHAVIOR). */
    readonly behavior?: HorizontalPodAutoscalerBehavior;
}

export interface ForecastSettings extends PlanSettings {
    /** Days of history the models train on (the most recent). */
    readonly trainingDays: number;
    /** Bounds move only by max(1 replica, this %). */
    readonly hysteresisPercent: number;
    /** Exports whose last point is older than this (relative to `now`) are stale. */
    readonly maxExportAgeHours: number;
}

export const DEFAULT_SETTINGS: ForecastSettings = {
    modelStepSeconds: 3600,
    horizonSteps: 168,
    bandQuantile: 0.95,
    peakQuantile: 0.95,
    headroom: 0.2,
    underProvisionedTarget: 0.05,
    floorHistoryDays: 7,
    floorScenario: "forecast",
    readinessDelaySeconds: 60,
    trainingDays: 14,
    hysteresisPercent: 10,
    maxExportAgeHours: 48,
};

export interface StackInput {
    readonly stack: string;
    /** The time of this run; staleness is only checked when given. @default the newest data point */
    readonly now?: Date;
    /** Directory export paths are relative to. @default process.cwd() at call time is NOT used: pass it */
    readonly baseDir: string;
    readonly workloads: readonly WorkloadInput[];
    readonly settings?: Partial<ForecastSettings>;
}

export interface RiskSummary {
    readonly ratioToOracle: number;
    readonly underProvisionedPct: number;
    readonly capHitPct: number;
    readonly weightedCost: number;
}

export interface MetricForecast {
    readonly name: string;
    readonly model: string;
    readonly modelDetail: string;
    readonly backtestMase: number;
    readonly peakFactor: number;
    readonly forecastPeak: number;
    readonly recentPeak: number;
    readonly fallback?: string;
    /** Model-step history and forecast, for the chart. */
    readonly history: Grid;
    readonly point: Float64Array;
    readonly upper: Float64Array;
    readonly capacityPerPod: number;
    readonly targetUtilization: number;
    /** Factor per replayed day (oldest first) of the floor's scenario; all 1 under `floorScenario: history`. */
    readonly floorScales: readonly number[];
}

export interface WorkloadForecast {
    readonly name: string;
    readonly kind: "api" | "worker";
    readonly current: Bounds;
    readonly proposed: Bounds;
    /** Bounds before guardrails and hysteresis (undefined when defaults were used). */
    readonly raw?: Bounds;
    /** The model of the metric that sets maxReplicas. */
    readonly model: string;
    readonly backtestMase: number;
    readonly metrics: readonly MetricForecast[];
    /** Last data point across the workload's exports (unix seconds), NaN when none. */
    readonly dataEnd: number;
    readonly warnings: readonly string[];
    /** What ingest repaired in the workload's exports (duplicates, order, gaps, counter resets, mixed steps), per file. */
    readonly notes: readonly string[];
    /** Replay of the recent history under the current and the proposed bounds. */
    readonly risk?: { readonly current: RiskSummary; readonly proposed: RiskSummary; readonly days: number };
    readonly capacity: readonly CapacityRecommendation[];
    /** `sysmanage.io/forecast-*` annotations for the HPA. */
    readonly annotations: Readonly<Record<string, string>>;
}

export interface StackForecast {
    readonly stack: string;
    readonly generatedAt: string;
    readonly inputsHash: string;
    readonly settings: ForecastSettings;
    readonly workloads: readonly WorkloadForecast[];
    readonly warnings: readonly string[];
}

export const ANNOTATION = {
    generatedAt: "sysmanage.io/forecast-generated-at",
    dataEnd: "sysmanage.io/forecast-data-end",
    model: "sysmanage.io/forecast-model",
    inputsHash: "sysmanage.io/forecast-inputs-hash",
    previousBounds: "sysmanage.io/forecast-previous-bounds",
} as const;

const iso = (t: number) => (Number.isFinite(t) ? new Date(t * 1000).toISOString() : "none");

function clampBounds(b: Bounds, g: Guardrails): Bounds {
    const lo = Math.max(g.minReplicas, g.policyMinimum, 1);
    const c = (x: number) => Math.min(g.maxReplicas, Math.max(lo, x));
    const min = c(b.minReplicas);
    return { minReplicas: min, maxReplicas: Math.max(min, c(b.maxReplicas)) };
}

function risk(r: ReplayResult): RiskSummary {
    return {
        ratioToOracle: r.ratioToOracle,
        underProvisionedPct: 100 * r.underProvisionedFraction,
        capHitPct: 100 * r.capHitFraction,
        weightedCost: r.weightedCost,
    };
}

interface Loaded {
    series: Series;
    text: string;
}

export function forecastStack(input: StackInput): StackForecast {
    const settings: ForecastSettings = { ...DEFAULT_SETTINGS, ...input.settings };
    const hash = createHash("sha256");
    hash.update(JSON.stringify({ stack: input.stack, settings, workloads: input.workloads }));
    const cache = new Map<string, string | null>();
    const readText = (file: string, shown: string) => {
        if (!cache.has(file)) {
            let text: string | null = null;
            try {
                text = fs.readFileSync(file, "utf8");
            } catch {
                text = null;
            }
            cache.set(file, text);
            // The path as mapped (relative to the exports folder): the same files hash the same in any checkout.
            hash.update(`\0${shown}\0`).update(text ?? "<missing>");
        }
        return cache.get(file) ?? null;
    };
    const parsed = new Map<string, Series[]>();
    const load = (m: MetricInput): Loaded | string => {
        const file = path.resolve(input.baseDir, m.file);
        const text = readText(file, m.file);
        if (text === null) return `export ${m.file} for ${m.name} is missing`;
        const key = `${file}|${m.unit === "counter"}`;
        if (!parsed.has(key)) parsed.set(key, parseSeriesText(text, file, { counter: m.unit === "counter" }));
        const s = pickSeries(parsed.get(key)!, m.file, m.name, m.series);
        if (typeof s === "string") return s;
        if (m.unit === "count") {
            const v = new Float64Array(s.v.length);
            for (let i = 0; i < v.length; i++) v[i] = s.v[i] / s.step;
            return { series: { ...s, v }, text };
        }
        return { series: s, text };
    };

    const workloads: WorkloadForecast[] = [];
    const stackWarnings: string[] = [];
    const pending: Array<() => WorkloadForecast> = [];
    let newest = -Infinity;
    const loadedByWorkload = input.workloads.map((w) => {
        const loaded = w.metrics.map((m) => ({ m, l: load(m) }));
        for (const { l } of loaded) if (typeof l !== "string") newest = Math.max(newest, l.series.t[l.series.t.length - 1]);
        return { w, loaded };
    });
    const inputsHash = hash.digest("hex").slice(0, 16);
    // The wall clock only decides staleness. The forecast stands at its newest sample, so the same
    // files give the same annotations in preview, up and render, on any day.
    const now = input.now ? input.now.getTime() / 1000 : newest;
    const generatedAt = iso(newest);

    for (const { w, loaded } of loadedByWorkload) {
        pending.push(() => {
            const warnings: string[] = [];
            const sizingMetrics = loaded.filter(({ m }) => m.sizing !== false);
            let dataEnd = -Infinity;
            for (const { l } of loaded) if (typeof l !== "string") dataEnd = Math.max(dataEnd, l.series.t[l.series.t.length - 1]);
            for (const { l } of loaded) if (typeof l === "string") warnings.push(l);
            const notes = loaded.flatMap(({ m, l }) =>
                typeof l === "string" ? [] : l.series.notes.map((n) => `export ${m.file} for ${m.name}: ${n}`),
            );
            for (const { m, l } of loaded)
                if (typeof l !== "string") {
                    const end = l.series.t[l.series.t.length - 1];
                    if (input.now && now - end > settings.maxExportAgeHours * 3600)
                        warnings.push(`export ${m.file} for ${m.name} ends ${iso(end)}, older than ${settings.maxExportAgeHours} h`);
                }
            const previous = `${w.current.minReplicas}..${w.current.maxReplicas}`;
            const annotations = (model: string, proposedEnd: number) => ({
                [ANNOTATION.generatedAt]: generatedAt,
                [ANNOTATION.dataEnd]: iso(proposedEnd),
                [ANNOTATION.model]: model,
                [ANNOTATION.inputsHash]: inputsHash,
                [ANNOTATION.previousBounds]: previous,
            });
            const usable = sizingMetrics.filter(({ l }) => typeof l !== "string");
            if (warnings.length > 0 || usable.length === 0) {
                if (usable.length === 0 && warnings.length === 0) warnings.push(`${w.name} has no sizing metric`);
                const proposed = clampBounds(w.current, w.guardrails);
                warnings.push(`${w.name}: kept the guardrail defaults ${proposed.minReplicas}..${proposed.maxReplicas}`);
                return {
                    name: w.name,
                    kind: w.kind,
                    current: w.current,
                    proposed,
                    model: "defaults",
                    backtestMase: NaN,
                    metrics: [],
                    dataEnd: Number.isFinite(dataEnd) ? dataEnd : NaN,
                    warnings,
                    notes,
                    capacity: [],
                    annotations: annotations("defaults", dataEnd),
                };
            }
            // Training window: the most recent `trainingDays` days up to the last complete model step.
            const step = settings.modelStepSeconds;
            const end =
                Math.floor((Math.min(...usable.map(({ l }) => (l as Loaded).series.t[(l as Loaded).series.t.length - 1])) + 1) / step) *
                step;
            const start = end - settings.trainingDays * 86400;
            const planMetrics = usable.map(({ m, l }) => {
                const s = (l as Loaded).series;
                const full = toGrid(s, s.step, "mean", { align: s.step, from: Math.ceil(start / s.step) * s.step, to: end - s.step });
                return {
                    capacity: { name: m.name, capacityPerPod: m.capacityPerPod, targetUtilization: m.targetUtilization },
                    full,
                    aggregation: m.aggregation ?? "mean",
                };
            });
            const plan: WorkloadPlan = planWorkload(planMetrics, settings, {
                behavior: w.behavior,
                policyFloor: Math.max(w.guardrails.minReplicas, w.guardrails.policyMinimum, 1),
                maxCap: w.guardrails.maxReplicas,
            });
            const raw = { minReplicas: plan.rawMinReplicas, maxReplicas: plan.rawMaxReplicas };
            const proposed = proposeBounds(raw, w.current, w.guardrails, { percent: settings.hysteresisPercent }, w.name);
            for (const p of plan.metrics) if (p.forecast.fallback) warnings.push(`${w.name}/${p.name}: ${p.forecast.fallback}`);
            // The metric whose peak needs the most pods names the model.
            let lead = 0;
            let most = -1;
            plan.metrics.forEach((p, i) => {
                const need = p.forecastPeak / (planMetrics[i].capacity.capacityPerPod * planMetrics[i].capacity.targetUtilization);
                if (need > most) {
                    most = need;
                    lead = i;
                }
            });
            const aligned = alignGrids(
                planMetrics.map((m) => m.full),
                end - settings.floorHistoryDays * 86400,
                end,
            );
            const rm = planMetrics.map((m, i) => ({
                name: m.capacity.name,
                load: aligned.values[i],
                capacityPerPod: m.capacity.capacityPerPod,
                targetUtilization: m.capacity.targetUtilization,
            }));
            // Exact replays of the recent history, once per distinct bounds (the floor search's
            // own check is reused when it replayed the same window and bounds).
            const replays = new Map<string, RiskSummary>();
            const fc = plan.floorCheck;
            if (fc && !fc.scaled && fc.start === aligned.start && fc.step === aligned.step && fc.length === (rm[0]?.load.length ?? 0))
                replays.set(`${fc.minReplicas}..${fc.maxReplicas}`, risk(fc.result));
            const sim = (b: Bounds) => {
                const key = `${b.minReplicas}..${b.maxReplicas}`;
                let r = replays.get(key);
                if (!r) {
                    r = risk(
                        replay({
                            start: aligned.start,
                            step: aligned.step,
                            metrics: rm,
                            bounds: b,
                            behavior: w.behavior,
                            readinessDelaySeconds: settings.readinessDelaySeconds,
                            recordEvents: false,
                        }),
                    );
                    replays.set(key, r);
                }
                return r;
            };
            const planner = loaded.flatMap(({ m, l }) =>
                m.planner && typeof l !== "string" ? [{ metric: m.planner, t: l.series.t, v: l.series.v }] : [],
            );
            const leadModel = plan.metrics[lead].forecast.model;
            return {
                name: w.name,
                kind: w.kind,
                current: w.current,
                proposed,
                raw,
                model: leadModel,
                backtestMase: plan.metrics[lead].forecast.backtestMase,
                metrics: plan.metrics.map((p, i) => ({
                    name: p.name,
                    model: p.forecast.model,
                    modelDetail: p.forecast.detail,
                    backtestMase: p.forecast.backtestMase,
                    peakFactor: p.peakFactor,
                    forecastPeak: p.forecastPeak,
                    recentPeak: p.recentPeak,
                    fallback: p.forecast.fallback,
                    history: p.history,
                    point: p.forecast.point,
                    upper: p.forecast.upper,
                    capacityPerPod: planMetrics[i].capacity.capacityPerPod,
                    targetUtilization: planMetrics[i].capacity.targetUtilization,
                    floorScales: p.floorScales,
                })),
                dataEnd,
                warnings,
                notes,
                risk: {
                    current: sim(clampBounds(w.current, { minReplicas: 0, maxReplicas: Infinity, policyMinimum: 1 })),
                    proposed: sim(proposed),
                    days: settings.floorHistoryDays,
                },
                capacity: capacityRecommendations(planner, dataEnd),
                annotations: annotations(leadModel, dataEnd),
            };
        });
    }
    for (const p of pending) workloads.push(p());
    for (const w of workloads) for (const x of w.warnings) stackWarnings.push(x);
    return { stack: input.stack, generatedAt, inputsHash, settings, workloads, warnings: stackWarnings };
}
