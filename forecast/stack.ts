/**
 * The forecasting step for a whole stack, as the program runs it before each preview: reads the
 * stack's export files (only inside `baseDir`: exportFiles.ts), forecasts and sizes each
 * workload, and returns proposed bounds with the HPA annotation values. Deterministic: the same
 * files and input give the same result (no clock is read; `now` and `wallClock` are inputs).
 *
 * A workload keeps its configured bounds (within the guardrails, never min = max) with a warning
 * when its exports cannot be used: missing, refused (a directory, too large, a symbolic link out
 * of the exports directory), malformed, stale, dated after the time of the run, without data in
 * the training window, or without any load above 0. Data that looks wrong but is usable
 * (conflicting duplicates, long gaps, outliers, overflowing values) and a forecast the guardrail
 * caps are warnings too. Configuration errors (a path out of the exports directory, guardrails
 * that leave no room to scale) throw a `ConfigError` naming the stack file and the key.
 */
import { createHash } from "node:crypto";
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import { ConfigError } from "../config";
import { capacityRecommendations, type CapacityRecommendation, type PlannerMetric } from "./capacityPlanner";
import { exportPathProblem, readExport } from "./exportFiles";
import { IngestError, isoTime, parseSeriesText, pickSeries, toGrid } from "./ingest";
import { alignGrids, planWorkload, type PlanSettings, type WorkloadPlan } from "./plan";
import { replay, type ReplayResult } from "./simulator";
import { clampToGuardrails, GuardrailError, proposeBoundsDetailed, type Bounds, type Guardrails } from "./sizing";
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
}

export interface ForecastSettings extends PlanSettings {
    /** Days of history the models train on (the most recent). */
    readonly trainingDays: number;
    /** Bounds move only by max(1 replica, this %). */
    readonly hysteresisPercent: number;
    /** Exports whose last point is older than this (relative to `now`) are stale. */
    readonly maxExportAgeHours: number;
}

/** Exports may end this far after the wall clock (clock skew) before they count as dated in the future: 15 min. */
export const FUTURE_TOLERANCE_SECONDS = 900;
/**
 * The finest step the step resamples an export to: 15 s, the HPA's sync period (the replay
 * decides no more often). A finer export is averaged to it, so a 1 ms export cannot make a
 * window of billions of buckets.
 */
export const MIN_GRID_STEP_SECONDS = 15;

/**
 * The least history a sized series must cover in its training window (first to last point with
 * data): 24 h. Less (a Prometheus with an hour of history) keeps the configured bounds: a plan
 * from part of one day would size for whatever hour it saw.
 */
export const MIN_HISTORY_SECONDS = 86400;

/** Points with data in a grid, and the time from the first to the end of the last one's bucket. */
export function coverage(g: Grid): { readonly points: number; readonly span: number } {
    let points = 0;
    let first = -1;
    let last = -1;
    for (let i = 0; i < g.values.length; i++)
        if (Number.isFinite(g.values[i])) {
            points++;
            if (first < 0) first = i;
            last = i;
        }
    return { points, span: points ? (last - first + 1) * g.step : 0 };
}

/** A span of seconds in words: `1.0 h`, `4.0 d`. */
export const spanText = (s: number) => (s >= 86400 ? `${(s / 86400).toFixed(1)} d` : `${(s / 3600).toFixed(1)} h`);

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

/** An ISO 8601 time for annotations and messages (milliseconds kept, as the annotations always had them); `none` when not a date. */
export const iso = (t: number) => {
    const shown = isoTime(t);
    return shown === "none" ? shown : new Date(t * 1000).toISOString();
};

/** The configured bounds at least 1 (the replay of what runs now). */
const atLeastOne = (b: Bounds): Bounds => {
    const min = Math.max(1, b.minReplicas);
    return { minReplicas: min, maxReplicas: Math.max(min, b.maxReplicas) };
};

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
}

/** What an unexpected failure says: it is a bug, never the user's input. */
export const bugMessage = (e: unknown) =>
    `an unexpected error (a bug in the forecasting step; please report it): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;

/** The config problems of a stack's workloads: export paths and guardrails (the step's own checks of config.ts' rules). */
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

export function forecastStack(input: StackInput): StackForecast {
    const settings: ForecastSettings = { ...DEFAULT_SETTINGS, ...input.settings };
    const problems = configProblems(input);
    if (problems.length) throw new ConfigError(problems.map((p) => `Pulumi.${input.stack}.yaml: ${p}`));
    const hash = createHash("sha256");
    // The config keys only name things in messages: not part of the inputs.
    hash.update(
        JSON.stringify({ stack: input.stack, settings, workloads: input.workloads }, (k, v: unknown) =>
            k === "key" || k === "guardrailsKey" ? undefined : v,
        ),
    );
    const dirShown = input.baseDirShown ?? input.baseDir;
    const cache = new Map<string, { text: string } | { reason: string }>();
    const readText = (file: string) => {
        let got = cache.get(file);
        if (!got) {
            const r = readExport(input.baseDir, file, dirShown);
            got = r.ok ? { text: r.text } : { reason: r.reason };
            cache.set(file, got);
            // The path as mapped (relative to the exports folder): the same files hash the same in any checkout.
            hash.update(`\0${file}\0`).update(r.ok ? r.text : r.reason === "is missing" ? "<missing>" : `<${r.reason}>`);
        }
        return got;
    };
    const parsed = new Map<string, Series[] | string>();
    const load = (m: MetricInput): Loaded | string => {
        const what = `export ${m.file} for ${m.name}`;
        const got = readText(m.file);
        if ("reason" in got) return `${what} ${got.reason}`;
        const key = `${m.file}|${m.unit === "counter"}`;
        if (!parsed.has(key))
            try {
                parsed.set(key, parseSeriesText(got.text, m.file, { counter: m.unit === "counter" }));
            } catch (e) {
                parsed.set(key, e instanceof IngestError ? `${e.position}: ${e.reason}` : bugMessage(e));
            }
        const all = parsed.get(key)!;
        if (typeof all === "string") return `${what}: ${all}`;
        try {
            const s = pickSeries(all, m.file, m.name, m.series);
            if (typeof s === "string") return s;
            if (m.unit === "count") {
                const v = new Float64Array(s.v.length);
                for (let i = 0; i < v.length; i++) v[i] = s.v[i] / s.step;
                return { series: { ...s, v } };
            }
            return { series: s };
        } catch (e) {
            return `${what}: ${bugMessage(e)}`;
        }
    };

    const workloads: WorkloadForecast[] = [];
    const stackWarnings: string[] = [];
    const pending: Array<() => WorkloadForecast> = [];
    const wall = (input.wallClock ?? input.now)?.getTime();
    const isFuture = (end: number) => wall !== undefined && end > wall / 1000 + FUTURE_TOLERANCE_SECONDS;
    const lastOf = (l: Loaded) => l.series.t[l.series.t.length - 1];
    let newest = -Infinity;
    const loadedByWorkload = input.workloads.map((w) => {
        const loaded = w.metrics.map((m) => ({ m, l: load(m) }));
        for (const { l } of loaded) if (typeof l !== "string" && !isFuture(lastOf(l))) newest = Math.max(newest, lastOf(l));
        return { w, loaded };
    });
    const inputsHash = hash.digest("hex").slice(0, 16);
    // The wall clock only decides staleness. The forecast stands at its newest sample, so the same
    // files give the same annotations in preview, up and render, on any day.
    const now = input.now ? input.now.getTime() / 1000 : newest;
    const generatedAt = iso(newest);

    for (const { w, loaded } of loadedByWorkload) {
        const gkey = w.guardrailsKey ?? `forecast.guardrails.${w.name}`;
        const g = w.guardrails;
        const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
        const previous = `${w.current.minReplicas}..${w.current.maxReplicas}`;
        const annotations = (model: string, proposedEnd: number) => ({
            [ANNOTATION.generatedAt]: generatedAt,
            [ANNOTATION.dataEnd]: iso(proposedEnd),
            [ANNOTATION.model]: model,
            [ANNOTATION.inputsHash]: inputsHash,
            [ANNOTATION.previousBounds]: previous,
        });
        pending.push(() => {
            /** Warnings that do not stop the sizing. */
            const warnings: string[] = [];
            /** Why the workload keeps its configured bounds. */
            const reasons: string[] = [];
            if (w.current.maxReplicas < lowest || w.current.minReplicas > g.maxReplicas)
                warnings.push(
                    `${w.name}: the configured bounds ${previous} lie outside ${gkey} (${lowest}..${g.maxReplicas} with forecast.policyMinimum): the forecast keeps to the guardrails`,
                );
            let dataEnd = -Infinity;
            for (const { l } of loaded) if (typeof l !== "string" && !isFuture(lastOf(l))) dataEnd = Math.max(dataEnd, lastOf(l));
            for (const { l } of loaded) if (typeof l === "string") reasons.push(l);
            const notes = loaded.flatMap(({ m, l }) =>
                typeof l === "string" ? [] : l.series.notes.map((n) => `export ${m.file} for ${m.name}: ${n}`),
            );
            for (const { m, l } of loaded)
                if (typeof l !== "string") {
                    const end = lastOf(l);
                    if (isFuture(end))
                        reasons.push(
                            `export ${m.file} for ${m.name} ends ${iso(end)}, after the time of this run (${iso(wall! / 1000)}): data dated in the future is not a measurement`,
                        );
                    else if (input.now && now - end > settings.maxExportAgeHours * 3600)
                        reasons.push(`export ${m.file} for ${m.name} ends ${iso(end)}, older than ${settings.maxExportAgeHours} h`);
                }
            const sizingMetrics = loaded.filter(({ m }) => m.sizing !== false);
            const usable = sizingMetrics.filter((x): x is { m: MetricInput; l: Loaded } => typeof x.l !== "string");
            if (reasons.length === 0 && usable.length === 0) reasons.push(`${w.name} has no sizing metric`);
            const fallback = (why: string[]): WorkloadForecast => {
                const proposed = clampToGuardrails(w.current, g, w.name);
                return {
                    name: w.name,
                    kind: w.kind,
                    current: w.current,
                    proposed,
                    model: "defaults",
                    backtestMase: NaN,
                    metrics: [],
                    dataEnd: Number.isFinite(dataEnd) ? dataEnd : NaN,
                    warnings: [
                        ...warnings,
                        ...why,
                        `${w.name}: kept the guardrail defaults ${proposed.minReplicas}..${proposed.maxReplicas}`,
                    ],
                    notes,
                    capacity: [],
                    annotations: annotations("defaults", dataEnd),
                };
            };
            if (reasons.length > 0) return fallback(reasons);
            try {
                const sized = size(w, loaded, usable, settings, { gkey, warnings, notes, annotations, dataEnd });
                return typeof sized === "string" ? fallback([sized]) : sized;
            } catch (e) {
                if (e instanceof ConfigError || e instanceof GuardrailError) throw e;
                return fallback([`${w.name}: ${bugMessage(e)}`]);
            }
        });
    }
    for (const p of pending) workloads.push(p());
    for (const w of workloads) for (const x of w.warnings) stackWarnings.push(x);
    return { stack: input.stack, generatedAt, inputsHash, settings, workloads, warnings: stackWarnings };
}

interface SizeContext {
    readonly gkey: string;
    /** Warnings so far (the sizing adds its own). */
    readonly warnings: readonly string[];
    readonly notes: readonly string[];
    readonly annotations: (model: string, proposedEnd: number) => Record<string, string>;
    readonly dataEnd: number;
}

/**
 * One workload's sizing from its loaded exports, or the reason it cannot be sized (no data in the
 * training window, no load above 0).
 */
function size(
    w: WorkloadInput,
    loaded: ReadonlyArray<{ readonly m: MetricInput; readonly l: Loaded | string }>,
    usable: ReadonlyArray<{ readonly m: MetricInput; readonly l: Loaded }>,
    settings: ForecastSettings,
    x: SizeContext,
): WorkloadForecast | string {
    const warnings = [...x.warnings];
    // What looks wrong in the data used: warnings, not reasons to fall back.
    for (const { m, l } of loaded)
        if (typeof l !== "string") for (const d of l.series.warnings ?? []) warnings.push(`export ${m.file} for ${m.name}: ${d}`);
    // Training window: the most recent `trainingDays` days up to the last complete model step.
    const step = settings.modelStepSeconds;
    const end = Math.floor((Math.min(...usable.map(({ l }) => l.series.t[l.series.t.length - 1])) + 1) / step) * step;
    const start = end - settings.trainingDays * 86400;
    const window = `${iso(start)} .. ${iso(end)} (the last ${settings.trainingDays} days before the last full ${step} s step of the workload's exports)`;
    const planMetrics = usable.map(({ m, l }) => {
        const s = l.series;
        const gs = Math.max(s.step, MIN_GRID_STEP_SECONDS);
        const full = toGrid(s, gs, "mean", { align: gs, from: Math.ceil(start / gs) * gs, to: end - gs });
        const { points, span } = coverage(full);
        return {
            m,
            points,
            span,
            capacity: { name: m.name, capacityPerPod: m.capacityPerPod, targetUtilization: m.targetUtilization },
            full,
            aggregation: m.aggregation ?? "mean",
        };
    });
    const empty = planMetrics.filter((p) => p.points < 2);
    if (empty.length === 1)
        return `export ${empty[0].m.file} for ${empty[0].m.name} has ${empty[0].points === 0 ? "no data" : "only 1 data point"} in the training window ${window}: at least 2 points are needed`;
    if (empty.length > 1)
        return `exports ${empty.map((p) => `${p.m.file} for ${p.m.name}`).join(", ")} have fewer than 2 data points each in the training window ${window}: at least 2 are needed`;
    const short = planMetrics.filter((p) => p.span < MIN_HISTORY_SECONDS);
    if (short.length)
        return `${short.map((p) => `export ${p.m.file} for ${p.m.name} has data over only ${spanText(p.span)}`).join(", ")} of the training window ${window}: at least ${MIN_HISTORY_SECONDS / 3600} h are needed to size from (a Prometheus with little history?)`;
    const plan: WorkloadPlan = planWorkload(planMetrics, settings, {
        behavior: w.behavior,
        policyFloor: Math.max(w.guardrails.minReplicas, w.guardrails.policyMinimum, 1),
        maxCap: w.guardrails.maxReplicas,
    });
    // Never a plan from no load: an all-zero window says nothing about what the workload needs.
    if (plan.metrics.every((p) => !(p.forecastPeak > 0) && !(p.recentPeak > 0)))
        return `${usable.map(({ m }) => `export ${m.file} for ${m.name}`).join(", ")}: no load above 0 in the training window ${window}: nothing to size from`;
    const raw = { minReplicas: plan.rawMinReplicas, maxReplicas: plan.neededMaxReplicas };
    const { bounds: proposed, adjusted } = proposeBoundsDetailed(
        raw,
        w.current,
        w.guardrails,
        { percent: settings.hysteresisPercent },
        w.name,
    );
    if (adjusted.maxCapped)
        warnings.push(
            `${w.name}: the forecast needs ${plan.neededMaxReplicas} replicas at its peak, above ${x.gkey}.maxReplicas (${w.guardrails.maxReplicas}): capped at the guardrail; raise it, or expect the HPA to sit at its maximum at the peak`,
        );
    if (adjusted.minLowered)
        warnings.push(
            `${w.name}: the floor the replay needs reaches ${x.gkey}.maxReplicas (${w.guardrails.maxReplicas}): minReplicas lowered to ${proposed.minReplicas} so that the HPA can still scale (min = max never does); raise the guardrail`,
        );
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
        dataEnd: x.dataEnd,
        warnings,
        notes: x.notes,
        risk: {
            current: sim(atLeastOne(w.current)),
            proposed: sim(proposed),
            days: settings.floorHistoryDays,
        },
        capacity: capacityRecommendations(planner, x.dataEnd),
        annotations: x.annotations(leadModel, x.dataEnd),
    };
}
