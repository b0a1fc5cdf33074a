/**
 * The forecasting step for a whole stack's workloads, as the program runs it before each
 * preview: reads the stack's exports through the series loader (series.ts: only inside
 * `baseDir`), sizes each workload (workload.ts), and returns proposed bounds with the HPA
 * annotation values; the inputs hash covers the settings, the workloads and every export read.
 * Deterministic: the same files and input give the same result (no clock is read; `now` and
 * `wallClock` are inputs).
 *
 * A workload keeps its configured bounds (within the guardrails, never min = max) with a warning
 * when its exports cannot be used: missing, refused (a directory, too large, a symbolic link out
 * of the exports directory), malformed, stale, dated after the time of the run, without data in
 * the training window, or without any load above 0. Data that looks wrong but is usable
 * (conflicting duplicates, long gaps, outliers, overflowing values) and a forecast the guardrail
 * caps are warnings too. Configuration errors (a path out of the exports directory, guardrails
 * that leave no room to scale) throw a `ConfigError` naming the stack file and the key.
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import { ConfigError } from "../config/errors";
import { FORECAST_ANNOTATIONS as ANNOTATION } from "../policies/contract";
import type { HeadroomVerdict } from "../plan/overprovision";
import type { CapacityRecommendation, PlannerMetric } from "./capacityPlanner";
import { exportPathProblem } from "./exportFiles";
import type { PlanSettings } from "./plan";
import type { FloorSchedule } from "./schedule";
import type { ScheduleBacktest, StaticClass } from "./scheduleStep";
import { bugMessage, iso, SeriesLoader, type SeriesSource } from "./series";
import { clampToGuardrails, GuardrailError, type Bounds, type Guardrails } from "./sizing";
import type { Aggregation, Grid, Series } from "./types";
import { sizeWorkload } from "./workload";

/** One mapped series of a workload: where it comes from (`file` relative to `baseDir`) and what one pod serves. */
export interface MetricInput extends SeriesSource {
    /** Metric name, e.g. `requests`, `cpu`, `queue`. */
    readonly name: string;
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
    /** The config key of the series, for messages (`forecast.series.api.requests`). @default forecast.series.<workload>.<name> */
    readonly key?: string;
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
    /** The config key of the guardrails, for messages (`forecast.guardrails.workers.queue`). @default forecast.guardrails.<name> */
    readonly guardrailsKey?: string;
    /** The schedule deployed now (the stack's last outputs): its floors stand against small changes (hysteresis). */
    readonly previousSchedule?: FloorSchedule;
}

export interface ForecastSettings extends PlanSettings {
    /** Days of history the models train on (the most recent). */
    readonly trainingDays: number;
    /** Bounds move only by max(1 replica, this %). */
    readonly hysteresisPercent: number;
    /** Exports whose last point is older than this (relative to `now`) are stale. */
    readonly maxExportAgeHours: number;
    /** Derive a floor schedule per workload (issue 16). */
    readonly scheduleEnabled: boolean;
    /** Hours the schedule covers from the forecast origin; after them the static floor applies again. */
    readonly scheduleHorizonHours: number;
    /** Minutes per slot of the schedule. */
    readonly scheduleSlotMinutes: number;
    /** Hours between refreshes of the exports and the schedule (the scheduled workflow's cadence). */
    readonly scheduleRefreshHours: number;
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
    scheduleEnabled: true,
    scheduleHorizonHours: 48,
    scheduleSlotMinutes: 15,
    scheduleRefreshHours: 24,
};

/**
 * The settings the inputs hashes cover: all but the schedule's, which never move a bound or a
 * count (what the hashes annotate), so turning the schedule on or off leaves the HPAs' annotations.
 */
export function hashedSettings(s: ForecastSettings): Partial<ForecastSettings> {
    return Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith("schedule")));
}

export interface StackInput {
    readonly stack: string;
    /** The time of this run; staleness is only checked when given. @default the newest data point */
    readonly now?: Date;
    /**
     * The wall clock, only to refuse exports dated after it (more than `FUTURE_TOLERANCE_SECONDS`):
     * it never changes a sizing made from past data. @default `now`; without either, not checked
     */
    readonly wallClock?: Date;
    /** Directory export paths are relative to; nothing outside it is read. @default process.cwd() at call time is NOT used: pass it */
    readonly baseDir: string;
    /** `baseDir` as messages name it (`exports/dev`). @default baseDir */
    readonly baseDirShown?: string;
    readonly workloads: readonly WorkloadInput[];
    readonly settings?: Partial<ForecastSettings>;
}

export interface RiskSummary {
    readonly ratioToOracle: number;
    readonly underProvisionedPct: number;
    readonly capHitPct: number;
    readonly weightedCost: number;
    /**
     * Share of the replayed time with at least n replicas, n = 0 .. the most (index 0 is 1): the
     * mean replicas is the sum from n = 1, the reserved floor the largest n at the coverage (plan/cost/).
     */
    readonly replicasAtLeast: readonly number[];
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
    /** The band's lower edge: the point less the upper band's width, at least 0. */
    readonly lower: Float64Array;
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
    /** The floor schedule ahead of the forecast origin, within the proposed bounds (scheduleStep.ts). */
    readonly schedule?: FloorSchedule;
    /** Why there is no schedule (off, not sized from metrics, or the backtest kept the static floor). */
    readonly scheduleNote?: string;
    /** The schedule's leave-one-day-out backtest, when it ran (whether or not it kept the static floor). */
    readonly scheduleBacktest?: ScheduleBacktest;
    /** The class of series the backtest kept the static floor for (scheduleStep.ts). */
    readonly scheduleKept?: StaticClass;
    /**
     * With a schedule whose band allows a burst: the placeholder pods the band's headroom asks for
     * and whether they pay in the replay (plan/overprovision.ts `priceHeadroom`). Only the API's
     * is used (the placeholders hold room for API pods).
     */
    readonly headroom?: HeadroomVerdict;
}

export interface StackForecast {
    readonly stack: string;
    readonly generatedAt: string;
    readonly inputsHash: string;
    readonly settings: ForecastSettings;
    readonly workloads: readonly WorkloadForecast[];
    readonly warnings: readonly string[];
}

/** The HPA annotations this step writes; the policy pack reads them (one home: policies/contract/annotations.ts). */
export { ANNOTATION };

/** A metric with its loaded series, or the reason it could not be loaded. */
export interface LoadedMetric {
    readonly m: MetricInput;
    readonly l: Series | string;
}

/** What the sizing of one workload gets besides its metrics. */
export interface WorkloadContext {
    readonly gkey: string;
    /** Warnings so far (the sizing adds its own). */
    readonly warnings: readonly string[];
    readonly notes: readonly string[];
    /** Last data point across the workload's exports that is not dated in the future; -Infinity when none. */
    readonly dataEnd: number;
    /** The HPA annotations for bounds sized by `model`. */
    readonly annotations: (model: string) => Record<string, string>;
}

/** What every workload of one run shares. */
interface StackRun {
    readonly settings: ForecastSettings;
    readonly loader: SeriesLoader;
    readonly inputsHash: string;
    readonly generatedAt: string;
}

/** The config problems of a stack's workloads: export paths and guardrails (the step's own checks of the config rules). */
function configProblems(input: StackInput): string[] {
    const problems: string[] = [];
    for (const w of input.workloads) {
        const g = w.guardrails;
        const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
        const gkey = w.guardrailsKey ?? `forecast.guardrails.${w.name}`;
        if (!(lowest < g.maxReplicas))
            problems.push(
                `${gkey} with forecast.policyMinimum (${g.policyMinimum}) allows the forecast only ${lowest}..${g.maxReplicas}: ${gkey}.maxReplicas must be above ${lowest}, or the HPA would get minReplicas = maxReplicas and never scale`,
            );
        for (const m of w.metrics) {
            const key = m.key ?? `forecast.series.${w.name}.${m.name}`;
            const p = exportPathProblem(m.file);
            if (p) problems.push(`${key}.file (${JSON.stringify(m.file)}) ${p} (a file inside forecast.exportsDir, relative to it)`);
            if (!(m.capacityPerPod > 0 && Number.isFinite(m.capacityPerPod)) || !(m.targetUtilization > 0))
                problems.push(
                    `${key}: the capacity per pod (${m.capacityPerPod}) and the HPA target (${m.targetUtilization}) derived from ${w.name}'s HPA must be > 0 (check its resources and targets)`,
                );
        }
    }
    return problems;
}

/** The last data point of the loaded series that are not dated in the future; -Infinity when none. */
function dataEndOf(loaded: readonly LoadedMetric[], loader: SeriesLoader): number {
    let end = -Infinity;
    for (const { l } of loaded)
        if (typeof l !== "string") {
            const last = l.t[l.t.length - 1];
            if (!loader.isFuture(last)) end = Math.max(end, last);
        }
    return end;
}

/**
 * Sizes every workload of the stack from its exports, or keeps its configured bounds with the
 * reasons why. Throws a `ConfigError` naming `Pulumi.<stack>.yaml` for export paths out of the
 * exports directory and guardrails that leave no room to scale.
 */
export function forecastStack(input: StackInput): StackForecast {
    const settings: ForecastSettings = { ...DEFAULT_SETTINGS, ...input.settings };
    const problems = configProblems(input);
    if (problems.length) throw new ConfigError(problems.map((p) => `Pulumi.${input.stack}.yaml: ${p}`));
    const loader = new SeriesLoader({
        baseDir: input.baseDir,
        baseDirShown: input.baseDirShown,
        // The config keys only name things in messages: not part of the inputs.
        inputs: JSON.stringify({ stack: input.stack, settings: hashedSettings(settings), workloads: input.workloads }, (k, v: unknown) =>
            k === "key" || k === "guardrailsKey" ? undefined : v,
        ),
        now: input.now,
        wallClock: input.wallClock,
        maxExportAgeHours: settings.maxExportAgeHours,
    });
    const loaded = input.workloads.map((w) => ({ w, metrics: w.metrics.map((m): LoadedMetric => ({ m, l: loader.load(m.name, m) })) }));
    // The forecast stands at its newest sample (the wall clock only decides staleness), so the
    // same files give the same annotations in preview, up and render, on any day.
    const run: StackRun = {
        settings,
        loader,
        inputsHash: loader.inputsHash(),
        generatedAt: iso(
            dataEndOf(
                loaded.flatMap((x) => x.metrics),
                loader,
            ),
        ),
    };
    const workloads = loaded.map(({ w, metrics }) => forecastWorkload(w, metrics, run));
    const warnings = workloads.flatMap((w) => w.warnings);
    return { stack: input.stack, generatedAt: run.generatedAt, inputsHash: run.inputsHash, settings, workloads, warnings };
}

/** One workload: sized from its exports, or its configured bounds within the guardrails with the reasons why. */
function forecastWorkload(w: WorkloadInput, loaded: readonly LoadedMetric[], run: StackRun): WorkloadForecast {
    const gkey = w.guardrailsKey ?? `forecast.guardrails.${w.name}`;
    const g = w.guardrails;
    const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
    const previous = `${w.current.minReplicas}..${w.current.maxReplicas}`;
    /** Warnings that do not stop the sizing. */
    const warnings: string[] = [];
    if (w.current.maxReplicas < lowest || w.current.minReplicas > g.maxReplicas)
        warnings.push(
            `${w.name}: the configured bounds ${previous} lie outside ${gkey} (${lowest}..${g.maxReplicas} with forecast.policyMinimum): the forecast keeps to the guardrails`,
        );
    const dataEnd = dataEndOf(loaded, run.loader);
    const x: WorkloadContext = {
        gkey,
        warnings,
        notes: loaded.flatMap(({ m, l }) => (typeof l === "string" ? [] : l.notes.map((n) => `export ${m.file} for ${m.name}: ${n}`))),
        dataEnd,
        annotations: (model) => ({
            [ANNOTATION.generatedAt]: run.generatedAt,
            [ANNOTATION.dataEnd]: iso(dataEnd),
            [ANNOTATION.model]: model,
            [ANNOTATION.inputsHash]: run.inputsHash,
            [ANNOTATION.previousBounds]: previous,
        }),
    };
    /** Why the workload keeps its configured bounds: exports that failed to load, then those dated in the future or stale. */
    const reasons = loaded.flatMap(({ l }) => (typeof l === "string" ? [l] : []));
    for (const { m, l } of loaded) {
        const late = typeof l === "string" ? undefined : run.loader.timeProblem(m.name, m.file, l.t[l.t.length - 1]);
        if (late) reasons.push(late);
    }
    const usable = loaded.filter((p): p is { m: MetricInput; l: Series } => p.m.sizing !== false && typeof p.l !== "string");
    if (reasons.length === 0 && usable.length === 0) reasons.push(`${w.name} has no sizing metric`);
    if (reasons.length > 0) return fallback(w, x, reasons);
    try {
        const sized = sizeWorkload(w, loaded, usable, run.settings, x);
        return typeof sized === "string" ? fallback(w, x, [sized]) : sized;
    } catch (e) {
        if (e instanceof ConfigError || e instanceof GuardrailError) throw e;
        return fallback(w, x, [`${w.name}: ${bugMessage(e)}`]);
    }
}

/** The configured bounds within the guardrails, with the reasons the workload was not sized. */
function fallback(w: WorkloadInput, x: WorkloadContext, why: readonly string[]): WorkloadForecast {
    const proposed = clampToGuardrails(w.current, w.guardrails, w.name);
    return {
        name: w.name,
        kind: w.kind,
        current: w.current,
        proposed,
        model: "defaults",
        backtestMase: NaN,
        metrics: [],
        dataEnd: Number.isFinite(x.dataEnd) ? x.dataEnd : NaN,
        warnings: [...x.warnings, ...why, `${w.name}: kept the guardrail defaults ${proposed.minReplicas}..${proposed.maxReplicas}`],
        notes: x.notes,
        capacity: [],
        annotations: x.annotations("defaults"),
        // The first reason names the export and why (stale, missing, unusable); the warnings list them all.
        scheduleNote: `not sized from metrics (${why[0]}${why.length > 1 ? `; and ${why.length - 1} more in the warnings` : ""}): the static floor`,
    };
}
