/**
 * The data tier's counts from the forecast: Redis masters through the data tier's own cache
 * scaling rules (lib/data/redis.ts), Postgres read replicas from read queries/s, and PgBouncer
 * pods from client connections within the connection budget. Each count gets the forecast peak
 * of its series (our default model's upper band × the peak factor, as for the HPAs), is clamped
 * to the stack's guardrails and held still by hysteresis. An export that cannot be used (missing,
 * refused, malformed, stale, dated after the wall clock, too little data in the training window,
 * no value above 0) keeps the configured count with a warning saying why; what looks wrong in a
 * used export is a warning too. No Pulumi; reads the exports through the series loader the
 * workloads use (series.ts), with an inputs hash of its own: the data tier's settings, config
 * and exports.
 */
import type { AppConfig } from "../config/schema";
import { ConfigError } from "../config/errors";
import { quantityValue } from "../policies/contract";
import { available } from "../lib/data/connectionBudget";
import { redisConfig, cacheScalingDecision, nextShardCount, SEED_CACHE_THRESHOLDS, type CacheThresholds } from "../lib/data/redis";
import { exportPathProblem } from "./exportFiles";
import { mappedSeries, type SeriesRef } from "./mapping";
import { forecastSeries } from "./plan";
import { bugMessage, exportLabel, iso, MIN_HISTORY_SECONDS, SeriesLoader, spanText, trainingGrid, trainingWindow } from "./series";
import { passesHysteresis, type CountGuard } from "./sizing";
import { DEFAULT_SETTINGS, hashedSettings, type ForecastSettings } from "./stack";

// ---------------------------------------------------------------------------------------------
// Forecast peaks of one series

export interface SeriesPeak {
    /**
     * What the counts are sized for: the forecast peak over the horizon (the higher of the upper
     * band and the peak band, × the peak factor), never below the training window's own peak
     * (as `maxReplicas`): a count is never sized below load it has already carried.
     */
    readonly peak: number;
    /** Highest value in the training window. */
    readonly recentPeak: number;
    readonly model: string;
    /** Last data point (unix seconds). */
    readonly dataEnd: number;
    /** Set when history was too short for a model (the flat fallback). */
    readonly fallback?: string;
    /** What ingest repaired in the export (duplicates, order, gaps, resets, negative values). */
    readonly notes: readonly string[];
    /** What looks wrong in the export (conflicting duplicates, long gaps, outliers, overflowing values). */
    readonly warnings: readonly string[];
}

export type PeakSettings = Pick<ForecastSettings, "modelStepSeconds" | "horizonSteps" | "bandQuantile" | "peakQuantile" | "trainingDays">;

/**
 * The forecast peak of one mapped series, as `forecastStack` computes it for a workload metric:
 * the last `trainingDays` at the export's own step, resampled to the model step, our default
 * forecaster, its upper band × the peak factor. A string is a reason to keep the configured
 * count: the export cannot be loaded (series.ts: missing, refused, malformed, no such series),
 * is stale or dated after the wall clock, has no data in the training window or no value above
 * 0. `ref.file` must have passed `exportPathProblem`.
 */
export function seriesPeak(loader: SeriesLoader, label: string, ref: SeriesRef, s: PeakSettings): SeriesPeak | string {
    const what = exportLabel(ref.file, label);
    const series = loader.load(label, ref);
    if (typeof series === "string") return series;
    const last = series.t[series.t.length - 1];
    const late = loader.timeProblem(label, ref.file, last);
    if (late) return late;
    try {
        const { start, end } = trainingWindow(last, s);
        const { full, points, span } = trainingGrid(series, start, end);
        const window = `${iso(start)} .. ${iso(end)} (the last ${s.trainingDays} days before its last full ${s.modelStepSeconds} s step)`;
        if (points < 2)
            return `${what} has ${points === 0 ? "no data" : "only 1 data point"} in the training window ${window}: at least 2 are needed`;
        if (span < MIN_HISTORY_SECONDS)
            return `${what} has data over only ${spanText(span)} of the training window ${window}: at least ${MIN_HISTORY_SECONDS / 3600} h are needed to size from (a Prometheus with little history?)`;
        const f = forecastSeries(full, "mean", s);
        const peak = Math.max(f.forecastPeak, f.recentPeak);
        if (!(peak > 0)) return `${what}: no value above 0 in the training window ${window}: nothing to size from`;
        const { model, fallback } = f.forecast;
        return { peak, recentPeak: f.recentPeak, model, dataEnd: last, fallback, notes: series.notes, warnings: series.warnings ?? [] };
    } catch (e) {
        return `${what}: ${bugMessage(e)}`;
    }
}

// ---------------------------------------------------------------------------------------------
// Decisions (pure)

export interface CountDecision {
    readonly proposed: number;
    /** Why: the rule that decided, with its numbers. */
    readonly rule: string;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export interface RedisDecisionInput {
    /** Masters now: the deployed count when known, else the configured one. */
    readonly current: number;
    readonly memoryPeakBytes: number;
    readonly opsPeak: number;
    /** The data tier's thresholds, with each node's maxmemory. */
    readonly thresholds: CacheThresholds;
    readonly allowJump: boolean;
    readonly guard: CountGuard;
}

/**
 * Redis masters from the forecast peaks: the data tier's `cacheScalingDecision` on the current
 * masters each carrying an equal share of the peak (Redis Cluster spreads keys over hash slots),
 * clamped to the guardrails (never under the rules' minimum), then moved at most one shard per
 * update unless `allowJump` (`nextShardCount`). The rules' dead band (out above 80 % memory or
 * 10k ops/s on a node, in only under 30 % and 1k ops/s on 70 % of nodes) is the hysteresis.
 */
export function decideRedisMasters(a: RedisDecisionInput): CountDecision {
    const n = Math.max(1, a.current);
    const node = { healthy: true, memoryUsed: a.memoryPeakBytes / n, opsPerSec: a.opsPeak / n };
    const d = cacheScalingDecision(
        Array.from({ length: n }, () => node),
        a.thresholds,
    );
    const lo = Math.max(a.guard.min, a.thresholds.minMasters);
    const wanted = clamp(d.masters, lo, Math.max(lo, a.guard.max));
    const perNode = `${((100 * node.memoryUsed) / a.thresholds.maxMemoryPerNode).toFixed(0)} % memory and ${Math.round(node.opsPerSec)} ops/s per master at the peak`;
    const parts = [
        `${perNode}: ${d.action === "none" ? `keep (${d.reason})` : `${d.action.replace("_", " ")} to ${d.masters} (${d.reason})`}`,
    ];
    if (wanted !== d.masters) parts.push(`clamped to the guardrails ${a.guard.min}..${a.guard.max}`);
    let next = wanted;
    if (!a.allowJump && a.current > 0 && Math.abs(wanted - a.current) > 1) {
        next = a.current + Math.sign(wanted - a.current);
        parts.push(`one shard per update (redis.allowShardJump is off): ${next} now, ${wanted} wanted`);
    }
    nextShardCount(a.current, next, a.allowJump);
    return { proposed: next, rule: parts.join("; ") };
}

export interface CountInput {
    readonly current: number;
    readonly peak: number;
    /** What `n` units serve at 100 %. */
    readonly capacity: (n: number) => number;
    /** Fraction of capacity to fill at the peak. */
    readonly targetUtilization: number;
    readonly guard: CountGuard;
    /** A count falls only when the peak fits at target × (1 − this %) and the change is at least max(1, this %). */
    readonly hysteresisPercent: number;
}

/**
 * A count sized like the HPA sizes replicas: the fewest units whose capacity × target covers
 * the peak, within the guardrails. Up as soon as the current count is short; down only when a
 * smaller count covers the peak with `hysteresisPercent` to spare (a dead band, so a preview
 * does not flip a stateful count on noise).
 */
export function decideCount(a: CountInput): CountDecision & { readonly needed: number; readonly capped: boolean } {
    const lo = a.guard.min;
    const hi = Math.max(lo, a.guard.max);
    const fits = (n: number, u: number) => a.peak <= a.capacity(n) * u * (1 + 1e-9);
    let needed = lo;
    while (needed < hi && !fits(needed, a.targetUtilization)) needed++;
    const capped = !fits(needed, a.targetUtilization);
    const cur = clamp(a.current, lo, hi);
    if (needed > cur) return { proposed: needed, needed, capped, rule: capped ? `needs more than the guardrail max ${hi}` : "up" };
    const band = a.targetUtilization * (1 - a.hysteresisPercent / 100);
    let down = lo;
    while (down < cur && !fits(down, band)) down++;
    if (down < cur && passesHysteresis(cur, down, a.hysteresisPercent)) return { proposed: down, needed, capped, rule: "down" };
    return { proposed: cur, needed, capped, rule: cur !== a.current ? `clamped to the guardrails ${lo}..${hi}` : "keep" };
}

// ---------------------------------------------------------------------------------------------
// The data tier of a stack

export interface CountForecast {
    /** The config key the count lives in: `redis.masters`, `postgres.replicas`, `pooler.writeInstances`, ... */
    readonly key: string;
    readonly configured: number;
    /** What the decision moved from: the deployed count for Redis when known, else the configured one. */
    readonly current: number;
    readonly proposed: number;
    /** Forecast peak per series (in its unit). */
    readonly peaks: Readonly<Record<string, number>>;
    readonly model: string;
    /** Why it is (or stays) this number; for a fallback, why the configured count was kept. */
    readonly rule: string;
    readonly fallback: boolean;
}

export interface DataTierForecast {
    readonly counts: readonly CountForecast[];
    readonly warnings: readonly string[];
    /** What ingest repaired in the exports read, per file. */
    readonly notes: readonly string[];
    /** sha256 (16 hex) of the settings, the data-tier config and every export read: the same inputs give the same counts. */
    readonly inputsHash: string;
}

export interface DataTierArgs {
    readonly config: AppConfig;
    /** The stack (its file is named in config errors). @default the environment's */
    readonly stack?: string;
    readonly baseDir: string;
    /** `baseDir` as messages name it (`exports/dev`). @default baseDir */
    readonly baseDirShown?: string;
    /** The wall clock, only to refuse exports dated after it. @default now */
    readonly wallClock?: Date;
    /** Masters of the last deployment (the stack's own `dataTier` output), when known. */
    readonly deployedRedisMasters?: number;
    readonly settings?: Partial<ForecastSettings>;
    /** Staleness is checked only when given (as for the workloads). */
    readonly now?: Date;
}

const POOLERS = [
    { id: "write", key: "writeInstances" },
    { id: "read", key: "readInstances" },
    { id: "analytics", key: "analyticsInstances" },
] as const;

/** The step's own check of the config rule for the data tier's export paths (nothing outside the exports directory is read). */
function pathProblems(series: AppConfig["forecast"]["series"]): string[] {
    return mappedSeries(series)
        .filter((x) => x.group === "redis" || x.group === "postgres" || x.group === "poolers")
        .flatMap(({ key, ref }) => {
            const p = exportPathProblem(ref.file);
            return p ? [`${key}.file (${JSON.stringify(ref.file)}) ${p} (a file inside forecast.exportsDir, relative to it)`] : [];
        });
}

/** One run over the data tier: what each count reads and what it adds to the result. */
interface TierRun {
    readonly c: AppConfig;
    readonly s: ForecastSettings;
    readonly loader: SeriesLoader;
    readonly counts: CountForecast[];
    readonly warnings: string[];
    readonly notes: string[];
}

/** Sizes every data-tier count that has series mapped; counts without series are not listed. */
export function forecastDataTier(a: DataTierArgs): DataTierForecast {
    const c = a.config;
    const s: ForecastSettings = { ...DEFAULT_SETTINGS, ...a.settings };
    const problems = pathProblems(c.forecast.series);
    if (problems.length) throw new ConfigError(problems.map((p) => `Pulumi.${a.stack ?? c.environment}.yaml: ${p}`));
    const inputs = {
        settings: hashedSettings(s),
        series: c.forecast.series,
        guardrails: c.forecast.guardrails,
        redis: c.redis,
        postgres: c.postgres,
        pooler: c.pooler,
        deployed: a.deployedRedisMasters ?? null,
    };
    const loader = new SeriesLoader({
        baseDir: a.baseDir,
        baseDirShown: a.baseDirShown,
        inputs: JSON.stringify(inputs),
        now: a.now,
        wallClock: a.wallClock,
        maxExportAgeHours: s.maxExportAgeHours,
    });
    const run: TierRun = { c, s, loader, counts: [], warnings: [], notes: [] };
    redisMasters(run, a.deployedRedisMasters);
    poolerInstances(run, postgresReplicas(run));
    return { counts: run.counts, warnings: run.warnings, notes: run.notes, inputsHash: loader.inputsHash() };
}

/**
 * The forecast peaks of a count's series, or the reasons the count keeps its configured number.
 * What ingest repaired goes to the notes; what looks wrong in the data a count is sized from goes
 * to the warnings (not for a count that falls back).
 */
function peaksOf(run: TierRun, key: string, refs: ReadonlyArray<readonly [string, SeriesRef]>) {
    const got = refs.map(([label, ref]) => [label, seriesPeak(run.loader, label, ref, run.s)] as const);
    const reasons = got.flatMap(([, p]) => (typeof p === "string" ? [p] : []));
    refs.forEach(([label, ref], i) => {
        const p = got[i][1];
        if (typeof p === "string") return;
        for (const n of p.notes) run.notes.push(`${exportLabel(ref.file, label)}: ${n}`);
        if (reasons.length === 0) for (const w of p.warnings) run.warnings.push(`forecast ${key}: ${exportLabel(ref.file, label)}: ${w}`);
    });
    const peaks = got.flatMap(([l, p]) => (typeof p === "string" ? [] : [[l, p] as const]));
    const model = [...new Set(peaks.map(([, p]) => (p.fallback ? `${p.model} (too little history)` : p.model)))].join(", ");
    return { peaks, reasons, model };
}

/** The configured count, with the reasons why. */
function keep(run: TierRun, key: string, configured: number, reasons: readonly string[]): void {
    const rule = `kept the configured ${configured}: ${reasons.join("; ")}`;
    run.warnings.push(`forecast ${key}: ${rule}`);
    run.counts.push({ key, configured, current: configured, proposed: configured, peaks: {}, model: "defaults", rule, fallback: true });
}

/** A sized count; one the guardrail capped is a warning too. */
function sized(run: TierRun, n: Omit<CountForecast, "fallback">, capped: boolean): void {
    run.counts.push({ ...n, fallback: false });
    if (capped) run.warnings.push(`forecast ${n.key}: ${n.rule}`);
}

function redisMasters(run: TierRun, deployed: number | undefined): void {
    const { c } = run;
    const series = c.forecast.series.redis;
    if (!c.redis.enabled || !series) return;
    const key = "redis.masters";
    const refs = Object.entries(series).filter((e): e is [string, SeriesRef] => e[1] !== undefined);
    const { peaks, reasons, model } = peaksOf(run, key, refs);
    if (refs.length < 2) reasons.push("both forecast.series.redis.memoryUsed and opsPerSecond are needed");
    if (reasons.length) return keep(run, key, c.redis.masters, reasons);
    const peak = Object.fromEntries(peaks.map(([l, p]) => [l, p.peak]));
    const current = deployed && deployed > 0 ? deployed : c.redis.masters;
    const d = decideRedisMasters({
        current,
        memoryPeakBytes: peak.memoryUsed,
        opsPeak: peak.opsPerSecond,
        thresholds: { ...SEED_CACHE_THRESHOLDS, maxMemoryPerNode: redisMaxmemoryBytes(c) },
        allowJump: c.redis.allowShardJump,
        guard: c.forecast.guardrails.redisMasters,
    });
    sized(run, { key, configured: c.redis.masters, current, proposed: d.proposed, peaks: peak, model, rule: d.rule }, false);
}

/** Postgres read replicas from read queries/s; returns the replicas the poolers are sized with. */
function postgresReplicas(run: TierRun): number {
    const { c, s } = run;
    const replicas = c.postgres.replicas;
    const ref = c.forecast.series.postgres?.readQueries;
    if (!c.postgres.enabled || !ref) return replicas;
    const key = "postgres.replicas";
    const { peaks, reasons, model } = peaksOf(run, key, [["readQueries", ref]]);
    if (reasons.length) {
        keep(run, key, replicas, reasons);
        return replicas;
    }
    const peak = peaks[0][1].peak;
    const per = c.postgres.readQueriesPerReplica;
    const u = c.postgres.readTargetUtilization / 100;
    // With no replicas the primary serves the reads (the -r pooler): 0 and 1 replicas read alike.
    const d = decideCount({
        current: replicas,
        peak,
        capacity: (n) => Math.max(1, n) * per,
        targetUtilization: u,
        guard: c.forecast.guardrails.postgresReplicas,
        hysteresisPercent: s.hysteresisPercent,
    });
    const rule = `${peak.toFixed(0)} read queries/s at the peak; an instance serves ${(per * u).toFixed(0)}/s at ${c.postgres.readTargetUtilization} % of postgres.readQueriesPerReplica (${per}), the primary when there are no replicas: ${explain(d, replicas, s.hysteresisPercent)}`;
    sized(run, { key, configured: replicas, current: replicas, proposed: d.proposed, peaks: { readQueries: peak }, model, rule }, d.capped);
    return d.proposed;
}

/**
 * PgBouncer pods per pooler from client connections. Each pod needs at least min_pool_size +
 * reserve_pool_size server connections: the connection budget caps the pods a target can take.
 * Without replicas the read pooler shares the primary with the write pooler.
 */
function poolerInstances(run: TierRun, replicas: number): void {
    const { c, s } = run;
    const series = c.forecast.series.poolers;
    if (!c.postgres.enabled || !series) return;
    const need = c.pooler.minPoolSize + c.pooler.reservePoolSize;
    const target = (maxConnections: number) =>
        Math.floor(
            available({
                name: "",
                maxConnections,
                superuserReserved: c.postgres.superuserReservedConnections,
                systemReserved: c.postgres.systemReservedConnections,
                headroom: c.postgres.headroomConnections,
            }) / need,
        );
    const primaryPods = target(c.postgres.maxConnections);
    const floor = c.environment === "dev" ? 1 : 2; // config rule: at least 2 pods per pooler outside dev
    const placed: Record<string, number> = {};
    for (const p of POOLERS) {
        const ref = series[p.id];
        const key = `pooler.${p.key}`;
        const configured = c.pooler[p.key];
        if (!ref || (p.id === "analytics" && !c.postgres.analytics.enabled)) continue;
        const { peaks, reasons, model } = peaksOf(run, key, [[`${p.id} client connections`, ref]]);
        if (reasons.length) {
            keep(run, key, configured, reasons);
            placed[p.id] = configured;
            continue;
        }
        const budgetPods =
            p.id === "analytics"
                ? target(c.postgres.analytics.maxConnections)
                : p.id === "read" && replicas > 0
                  ? primaryPods
                  : primaryPods -
                    (p.id === "write" ? (replicas > 0 ? 0 : c.pooler.readInstances) : (placed.write ?? c.pooler.writeInstances));
        const lo = Math.max(c.forecast.guardrails.poolerInstances.min, floor);
        const guard = { min: lo, max: Math.max(lo, Math.min(c.forecast.guardrails.poolerInstances.max, budgetPods)) };
        const peak = peaks[0][1].peak;
        const u = c.pooler.clientTargetUtilization / 100;
        const d = decideCount({
            current: configured,
            peak,
            capacity: (n) => n * c.pooler.maxClientConn,
            targetUtilization: u,
            guard,
            hysteresisPercent: s.hysteresisPercent,
        });
        const rule = `${peak.toFixed(0)} client connections at the peak; a pod takes ${(c.pooler.maxClientConn * u).toFixed(0)} at ${c.pooler.clientTargetUtilization} % of pooler.maxClientConn (${c.pooler.maxClientConn}); the connection budget allows ${budgetPods} pod(s): ${explain(d, configured, s.hysteresisPercent)}`;
        sized(
            run,
            { key, configured, current: configured, proposed: d.proposed, peaks: { clientConnections: peak }, model, rule },
            d.capped,
        );
        placed[p.id] = d.proposed;
    }
}

function explain(d: ReturnType<typeof decideCount>, current: number, h: number): string {
    if (d.rule === "up") return `needs ${d.needed}, up from ${current}`;
    if (d.rule === "down") return `${d.proposed} cover the peak with ${h} % to spare, down from ${current}`;
    if (d.rule === "keep")
        return d.needed < current
            ? `needs ${d.needed}; keeps ${current} (a smaller count would not leave ${h} % to spare)`
            : `keeps ${current}`;
    return d.rule;
}

/** Each master's maxmemory in bytes, as the data tier configures it. */
export function redisMaxmemoryBytes(c: AppConfig): number {
    const mb = redisConfig({
        memoryLimit: c.redis.memory,
        maxmemoryRatio: c.redis.maxmemoryRatio,
        evictionPolicy: c.redis.evictionPolicy,
    }).maxmemory;
    return quantityValue(mb.replace(/mb$/, "Mi"));
}
