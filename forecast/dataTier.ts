/**
 * The data tier's counts from the forecast: Redis masters through the data tier's own cache
 * scaling rules (lib/data/redis.ts), Postgres read replicas from read queries/s, and PgBouncer
 * pods from client connections within the connection budget. Each count gets the forecast peak
 * of its series (our default model's upper band × the peak factor, as for the HPAs), is clamped
 * to the stack's guardrails and held still by hysteresis. An export that cannot be used (missing,
 * refused, malformed, stale, dated after the wall clock, too little data in the training window,
 * no value above 0) keeps the configured count with a warning saying why; what looks wrong in a
 * used export is a warning too. No Pulumi; reads only the export files, inside the exports
 * directory (exportFiles.ts).
 */
import { createHash, type Hash } from "node:crypto";
import type { AppConfig } from "../config";
import { ConfigError, quantityValue } from "../config";
import { available } from "../lib/data/connectionBudget";
import { redisConfig, cacheScalingDecision, nextShardCount, SEED_CACHE_THRESHOLDS, type CacheThresholds } from "../lib/data/redis";
import { exportPathProblem, readExport } from "./exportFiles";
import { IngestError, parseSeriesText, pickSeries, toGrid } from "./ingest";
import { forecastSeries } from "./plan";
import { passesHysteresis, type CountGuard } from "./sizing";
import {
    bugMessage,
    coverage,
    DEFAULT_SETTINGS,
    FUTURE_TOLERANCE_SECONDS,
    iso,
    MIN_GRID_STEP_SECONDS,
    MIN_HISTORY_SECONDS,
    spanText,
    type ForecastSettings,
} from "./stack";
import type { SeriesRef } from "./mapping";
import type { Aggregation } from "./types";

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

export type PeakSettings = Pick<
    ForecastSettings,
    "modelStepSeconds" | "horizonSteps" | "bandQuantile" | "peakQuantile" | "trainingDays" | "maxExportAgeHours"
>;

export interface PeakOptions {
    /** The time of the run: exports older than `maxExportAgeHours` before it are stale. Not checked without it. */
    readonly now?: Date;
    /** The wall clock, only to refuse exports dated after it (`FUTURE_TOLERANCE_SECONDS`). @default now */
    readonly wallClock?: Date;
    /** @default "mean" */
    readonly aggregation?: Aggregation;
    /** Fed the export's path and content (the data tier's inputs hash). */
    readonly hash?: Hash;
    /** `baseDir` as messages name it. @default baseDir */
    readonly baseDirShown?: string;
}

/**
 * The forecast peak of one mapped series, as `forecastStack` computes it for a workload metric:
 * the last `trainingDays` at the export's own step, resampled to the model step, our default
 * forecaster, its upper band × the peak factor. A string is a reason to keep the configured
 * count: the export is missing or refused (exportFiles.ts), malformed (the IngestError's position
 * and reason), has no such series, is stale or dated after the wall clock, has no data in the
 * training window or no value above 0. `ref.file` must have passed `exportPathProblem`.
 */
export function seriesPeak(label: string, ref: SeriesRef, baseDir: string, s: PeakSettings, o: PeakOptions = {}): SeriesPeak | string {
    const what = `export ${ref.file} for ${label}`;
    const r = readExport(baseDir, ref.file, o.baseDirShown ?? baseDir);
    if (!r.ok) {
        o.hash?.update(`\0${ref.file}\0${r.reason === "is missing" ? "<missing>" : `<${r.reason}>`}`);
        return `${what} ${r.reason}`;
    }
    o.hash?.update(`\0${ref.file}\0`).update(r.text);
    let all;
    try {
        all = parseSeriesText(r.text, ref.file, { counter: ref.unit === "counter" });
    } catch (e) {
        if (e instanceof IngestError) return `${what}: ${e.position}: ${e.reason}`;
        return `${what}: ${bugMessage(e)}`;
    }
    let series;
    try {
        series = pickSeries(all, ref.file, label, ref.series);
    } catch (e) {
        return `${what}: ${bugMessage(e)}`;
    }
    if (typeof series === "string") return series;
    const last = series.t[series.t.length - 1];
    const wall = (o.wallClock ?? o.now)?.getTime();
    if (wall !== undefined && last > wall / 1000 + FUTURE_TOLERANCE_SECONDS)
        return `${what} ends ${iso(last)}, after the time of this run (${iso(wall / 1000)}): data dated in the future is not a measurement`;
    if (o.now && o.now.getTime() / 1000 - last > s.maxExportAgeHours * 3600)
        return `${what} ends ${iso(last)}, older than ${s.maxExportAgeHours} h`;
    try {
        const v = ref.unit === "count" ? series.v.map((x) => x / series.step) : series.v;
        const step = s.modelStepSeconds;
        const end = Math.floor((last + 1) / step) * step;
        const start = end - s.trainingDays * 86400;
        const gs = Math.max(series.step, MIN_GRID_STEP_SECONDS);
        const full = toGrid({ t: series.t, v, step: series.step }, gs, "mean", {
            align: gs,
            from: Math.ceil(start / gs) * gs,
            to: end - gs,
        });
        const { points, span } = coverage(full);
        const window = `${iso(start)} .. ${iso(end)} (the last ${s.trainingDays} days before its last full ${step} s step)`;
        if (points < 2)
            return `${what} has ${points === 0 ? "no data" : "only 1 data point"} in the training window ${window}: at least 2 are needed`;
        if (span < MIN_HISTORY_SECONDS)
            return `${what} has data over only ${spanText(span)} of the training window ${window}: at least ${MIN_HISTORY_SECONDS / 3600} h are needed to size from (a Prometheus with little history?)`;
        const f = forecastSeries(full, o.aggregation ?? "mean", s);
        const peak = Math.max(f.forecastPeak, f.recentPeak);
        if (!(peak > 0)) return `${what}: no value above 0 in the training window ${window}: nothing to size from`;
        return {
            peak,
            recentPeak: f.recentPeak,
            model: f.forecast.model,
            dataEnd: last,
            fallback: f.forecast.fallback,
            notes: series.notes,
            warnings: series.warnings ?? [],
        };
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

/** The data tier's mapped series with their config keys (`forecast.series.redis.memoryUsed`). */
function mappedDataSeries(series: AppConfig["forecast"]["series"]): Array<{ readonly key: string; readonly ref: SeriesRef }> {
    const groups: Array<[string, Record<string, SeriesRef | undefined> | undefined]> = [
        ["redis", series.redis],
        ["postgres", series.postgres],
        ["poolers", series.poolers],
    ];
    return groups.flatMap(([group, refs]) =>
        Object.entries(refs ?? {}).flatMap(([name, ref]) => (ref ? [{ key: `forecast.series.${group}.${name}`, ref }] : [])),
    );
}

/** Sizes every data-tier count that has series mapped; counts without series are not listed. */
export function forecastDataTier(a: DataTierArgs): DataTierForecast {
    const c = a.config;
    const s: ForecastSettings = { ...DEFAULT_SETTINGS, ...a.settings };
    const series = c.forecast.series;
    const guards = c.forecast.guardrails;
    const counts: CountForecast[] = [];
    const warnings: string[] = [];
    const notes: string[] = [];
    const hash = createHash("sha256");
    hash.update(
        JSON.stringify({
            settings: s,
            series: c.forecast.series,
            guardrails: c.forecast.guardrails,
            redis: c.redis,
            postgres: c.postgres,
            pooler: c.pooler,
            deployed: a.deployedRedisMasters ?? null,
        }),
    );
    // The step's own check of config.ts' rule for export paths (nothing outside the exports directory is read).
    const problems = mappedDataSeries(series).flatMap(({ key, ref }) => {
        const p = exportPathProblem(ref.file);
        return p ? [`${key}.file (${JSON.stringify(ref.file)}) ${p} (a file inside forecast.exportsDir, relative to it)`] : [];
    });
    if (problems.length) throw new ConfigError(problems.map((p) => `Pulumi.${a.stack ?? c.environment}.yaml: ${p}`));
    const peakOptions: PeakOptions = { now: a.now, wallClock: a.wallClock, hash, baseDirShown: a.baseDirShown };
    const peaksOf = (key: string, refs: [string, SeriesRef][]) => {
        const got = refs.map(([label, ref]) => [label, seriesPeak(label, ref, a.baseDir, s, peakOptions)] as const);
        const reasons = got.flatMap(([, p]) => (typeof p === "string" ? [p] : []));
        refs.forEach(([label, ref], i) => {
            const p = got[i][1];
            if (typeof p !== "string") for (const n of p.notes) notes.push(`export ${ref.file} for ${label}: ${n}`);
            // What looks wrong in the data a count is sized from: warnings (not for a count that falls back).
            if (typeof p !== "string" && reasons.length === 0)
                for (const w of p.warnings) warnings.push(`forecast ${key}: export ${ref.file} for ${label}: ${w}`);
        });
        return { got: got.flatMap(([l, p]) => (typeof p === "string" ? [] : [[l, p] as const])), reasons };
    };
    const keep = (key: string, configured: number, reasons: string[]) => {
        const rule = `kept the configured ${configured}: ${reasons.join("; ")}`;
        warnings.push(`forecast ${key}: ${rule}`);
        counts.push({ key, configured, current: configured, proposed: configured, peaks: {}, model: "defaults", rule, fallback: true });
    };
    const describeModels = (got: readonly (readonly [string, SeriesPeak])[]) =>
        [...new Set(got.map(([, p]) => (p.fallback ? `${p.model} (too little history)` : p.model)))].join(", ");

    if (c.redis.enabled && series.redis) {
        const key = "redis.masters";
        const refs = Object.entries(series.redis).filter((e): e is [string, SeriesRef] => e[1] !== undefined);
        const { got, reasons } = peaksOf(key, refs);
        if (refs.length < 2) reasons.push("both forecast.series.redis.memoryUsed and opsPerSecond are needed");
        if (reasons.length) keep(key, c.redis.masters, reasons);
        else {
            const peak = Object.fromEntries(got.map(([l, p]) => [l, p.peak]));
            const current = a.deployedRedisMasters && a.deployedRedisMasters > 0 ? a.deployedRedisMasters : c.redis.masters;
            const maxmemory = redisMaxmemoryBytes(c);
            const d = decideRedisMasters({
                current,
                memoryPeakBytes: peak.memoryUsed,
                opsPeak: peak.opsPerSecond,
                thresholds: { ...SEED_CACHE_THRESHOLDS, maxMemoryPerNode: maxmemory },
                allowJump: c.redis.allowShardJump,
                guard: guards.redisMasters,
            });
            counts.push({
                key,
                configured: c.redis.masters,
                current,
                proposed: d.proposed,
                peaks: peak,
                model: describeModels(got),
                rule: d.rule,
                fallback: false,
            });
        }
    }

    let replicas = c.postgres.replicas;
    if (c.postgres.enabled && series.postgres?.readQueries) {
        const key = "postgres.replicas";
        const { got, reasons } = peaksOf(key, [["readQueries", series.postgres.readQueries]]);
        if (reasons.length) keep(key, replicas, reasons);
        else {
            const peak = got[0][1].peak;
            const per = c.postgres.readQueriesPerReplica;
            const u = c.postgres.readTargetUtilization / 100;
            // With no replicas the primary serves the reads (the -r pooler): 0 and 1 replicas read alike.
            const d = decideCount({
                current: replicas,
                peak,
                capacity: (n) => Math.max(1, n) * per,
                targetUtilization: u,
                guard: guards.postgresReplicas,
                hysteresisPercent: s.hysteresisPercent,
            });
            const rule = `${peak.toFixed(0)} read queries/s at the peak; an instance serves ${(per * u).toFixed(0)}/s at ${c.postgres.readTargetUtilization} % of postgres.readQueriesPerReplica (${per}), the primary when there are no replicas: ${explain(d, replicas, s.hysteresisPercent)}`;
            counts.push({
                key,
                configured: replicas,
                current: replicas,
                proposed: d.proposed,
                peaks: { readQueries: peak },
                model: describeModels(got),
                rule,
                fallback: false,
            });
            if (d.capped) warnings.push(`forecast ${key}: ${rule}`);
            replicas = d.proposed;
        }
    }

    if (c.postgres.enabled && series.poolers) {
        // Each pooler pod needs at least min_pool_size + reserve_pool_size server connections: the
        // connection budget caps the pods a target can take. Without replicas the read pooler
        // shares the primary with the write pooler.
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
        const sized: Record<string, number> = {};
        for (const p of POOLERS) {
            const ref = series.poolers[p.id];
            const key = `pooler.${p.key}`;
            const configured = c.pooler[p.key];
            if (!ref || (p.id === "analytics" && !c.postgres.analytics.enabled)) continue;
            const { got, reasons } = peaksOf(key, [[`${p.id} client connections`, ref]]);
            if (reasons.length) {
                keep(key, configured, reasons);
                sized[p.id] = configured;
                continue;
            }
            const budgetPods =
                p.id === "analytics"
                    ? target(c.postgres.analytics.maxConnections)
                    : p.id === "read" && replicas > 0
                      ? primaryPods
                      : primaryPods -
                        (p.id === "write" ? (replicas > 0 ? 0 : c.pooler.readInstances) : (sized.write ?? c.pooler.writeInstances));
            const lo = Math.max(guards.poolerInstances.min, floor);
            const guard = { min: lo, max: Math.max(lo, Math.min(guards.poolerInstances.max, budgetPods)) };
            const peak = got[0][1].peak;
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
            counts.push({
                key,
                configured,
                current: configured,
                proposed: d.proposed,
                peaks: { clientConnections: peak },
                model: describeModels(got),
                rule,
                fallback: false,
            });
            if (d.capped) warnings.push(`forecast ${key}: ${rule}`);
            sized[p.id] = d.proposed;
        }
    }
    return { counts, warnings, notes, inputsHash: hash.digest("hex").slice(0, 16) };
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

/** The config with the forecast's counts in place of the configured ones (validate it again before use). */
export function withDataTierCounts(c: AppConfig, f: DataTierForecast): AppConfig {
    const get = (key: string) => f.counts.find((x) => x.key === key)?.proposed;
    return {
        ...c,
        redis: { ...c.redis, masters: get("redis.masters") ?? c.redis.masters },
        postgres: { ...c.postgres, replicas: get("postgres.replicas") ?? c.postgres.replicas },
        pooler: {
            ...c.pooler,
            writeInstances: get("pooler.writeInstances") ?? c.pooler.writeInstances,
            readInstances: get("pooler.readInstances") ?? c.pooler.readInstances,
            analyticsInstances: get("pooler.analyticsInstances") ?? c.pooler.analyticsInstances,
        },
    };
}
