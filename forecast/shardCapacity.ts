/**
 * When the next shard is needed (issue 18 #4): each shard's storage and query load projected from
 * its exports, and the first date either crosses a share of a shard's capacity. Pure: `now` and
 * the capacities are arguments (the lead wires `sharding.*` config to them).
 *
 * Storage grows with the data, not with the time of day: a straight line fitted to every point.
 * Load has a daily cycle: a straight line fitted to each day's peak, so the projection is of peaks.
 * The threshold is below 100 % because adding a shard takes days (a new cluster, the copy, the map
 * switch, the cleanup: docs/sharding.md) while the data keeps growing.
 */
import { linearRegression } from "simple-statistics";

/** A series: Unix seconds and values. */
export interface ShardSeries {
    readonly t: readonly number[];
    readonly v: readonly number[];
}

export interface ShardLoad {
    readonly shard: string;
    /** Bytes of the shard's data (pg_database_size). */
    readonly storage: ShardSeries;
    /** Queries per second on the shard. */
    readonly qps: ShardSeries;
}

export interface ShardCapacityLimits {
    /** A shard's usable storage, bytes. @default 100 GiB (postgres.storageSize's default, per instance) */
    readonly storageBytes: number;
    /** Queries per second one shard's primary serves. @default 5000 (an assumption: measure yours with pgbench) */
    readonly qps: number;
    /** The share of either capacity at which the next shard is needed. @default 0.8 */
    readonly threshold: number;
    /** How far ahead to look, days. @default 180 */
    readonly horizonDays: number;
}

export const DEFAULT_SHARD_LIMITS: ShardCapacityLimits = { storageBytes: 100 * 2 ** 30, qps: 5000, threshold: 0.8, horizonDays: 180 };

export interface ShardProjection {
    readonly shard: string;
    readonly storageNow: number;
    /** Fitted growth, bytes per day. */
    readonly storagePerDay: number;
    /** When storage reaches threshold × capacity (Unix s; `now` if already), null beyond the horizon. */
    readonly storageAt: number | null;
    readonly peakQpsNow: number;
    /** Fitted growth of the daily peak, queries/s per day. */
    readonly peakQpsPerDay: number;
    readonly qpsAt: number | null;
}

export interface ShardCapacityPlan {
    readonly limits: ShardCapacityLimits;
    readonly now: number;
    readonly shards: readonly ShardProjection[];
    /** The first crossing over every shard and both measures; null when none within the horizon. */
    readonly nextShardAt: number | null;
    /** What crosses first, in words, or why nothing does. */
    readonly reason: string;
}

const DAY = 86400;

/** The line fitted to (t, v): value at `now` and slope per second; a single point is flat. */
function fit(t: readonly number[], v: readonly number[], now: number): { at: number; slope: number } {
    if (t.length < 2) return { at: v[v.length - 1] ?? 0, slope: 0 };
    const t0 = t[0];
    const { m, b } = linearRegression(t.map((x, i) => [x - t0, v[i]]));
    return { at: b + m * (now - t0), slope: m };
}

/** When a line worth `at` at `now`, rising by `slope` per second, reaches `limit`: now, a later time, or null. */
export function crossing(at: number, slope: number, limit: number, now: number, horizonSeconds: number): number | null {
    if (at >= limit) return now;
    if (!(slope > 0)) return null;
    const t = now + (limit - at) / slope;
    return t - now <= horizonSeconds ? Math.round(t) : null;
}

/** Each UTC day's peak, stamped at the day's middle. */
export function dailyPeaks(s: ShardSeries): ShardSeries {
    const peaks = new Map<number, number>();
    s.t.forEach((t, i) => {
        const d = Math.floor(t / DAY);
        peaks.set(d, Math.max(peaks.get(d) ?? -Infinity, s.v[i]));
    });
    const days = [...peaks.keys()].sort((a, b) => a - b);
    return { t: days.map((d) => d * DAY + DAY / 2), v: days.map((d) => peaks.get(d)!) };
}

/** The projection per shard and the date the next shard is needed. */
export function planShardCapacity(
    shards: readonly ShardLoad[],
    now: number,
    limits: ShardCapacityLimits = DEFAULT_SHARD_LIMITS,
): ShardCapacityPlan {
    const horizon = limits.horizonDays * DAY;
    const projections = shards.map((s): ShardProjection => {
        const st = fit(s.storage.t, s.storage.v, now);
        const peaks = dailyPeaks(s.qps);
        const q = fit(peaks.t, peaks.v, now);
        return {
            shard: s.shard,
            storageNow: st.at,
            storagePerDay: st.slope * DAY,
            storageAt: crossing(st.at, st.slope, limits.threshold * limits.storageBytes, now, horizon),
            peakQpsNow: q.at,
            peakQpsPerDay: q.slope * DAY,
            qpsAt: crossing(q.at, q.slope, limits.threshold * limits.qps, now, horizon),
        };
    });
    const firsts = projections.flatMap((p) => [
        { at: p.storageAt, what: `shard ${p.shard}'s storage` },
        { at: p.qpsAt, what: `shard ${p.shard}'s peak queries/s` },
    ]);
    const first = firsts.filter((x): x is { at: number; what: string } => x.at !== null).sort((a, b) => a.at - b.at)[0];
    const pct = `${Math.round(limits.threshold * 100)} %`;
    return {
        limits,
        now,
        shards: projections,
        nextShardAt: first?.at ?? null,
        reason: first
            ? `${first.what} reaches ${pct} of its capacity`
            : `no shard reaches ${pct} of its storage or queries/s within ${limits.horizonDays} days`,
    };
}

/** One query_range answer's series by their `shard` label (the shape of exports/<stack>/shard-*.query_range.json). */
function byShard(json: unknown, what: string): Map<string, ShardSeries> {
    const result = (json as { data?: { result?: unknown } })?.data?.result;
    if (!Array.isArray(result)) throw new TypeError(`${what}: not a Prometheus query_range answer (data.result missing)`);
    const out = new Map<string, ShardSeries>();
    for (const r of result as { metric?: { shard?: unknown }; values?: unknown }[]) {
        const shard = r.metric?.shard;
        if (typeof shard !== "string" || !Array.isArray(r.values)) throw new TypeError(`${what}: a series without a shard label or values`);
        const values = r.values as [number, string][];
        out.set(shard, { t: values.map((p) => Number(p[0])), v: values.map((p) => Number(p[1])) });
    }
    return out;
}

/** The shards' loads from the storage and queries exports (parsed JSON), every shard in both. */
export function shardLoadsFromExports(storage: unknown, queries: unknown): ShardLoad[] {
    const st = byShard(storage, "shard storage export");
    const q = byShard(queries, "shard queries export");
    const names = [...new Set([...st.keys(), ...q.keys()])].sort();
    return names.map((shard) => {
        const s = st.get(shard);
        const l = q.get(shard);
        if (!s || !l) throw new TypeError(`shard ${shard} is in only one of the storage and queries exports`);
        return { shard, storage: s, qps: l };
    });
}
