/**
 * The reference client's pure half (issue 18 #2, #6): reading a published shard map an app may
 * trust, routing keys by it, and merging the rows of a query run on every shard. No I/O: the pg
 * half is tools/sharding/client.ts.
 */
import { z } from "zod";
import { HASH_NAME, bucketSql } from "./hash";
import { mapProblems, shardOfKey } from "./map";
import type { PublishedShardMap } from "./published";

const Endpoint = z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535), database: z.string().min(1) });
const Published = z.object({
    version: z.number().int().min(1),
    hash: z.string(),
    buckets: z.number().int().min(1),
    shards: z.array(z.string().min(1)).min(1),
    ranges: z.array(z.strictObject({ from: z.number().int().min(0), to: z.number().int().min(0), shard: z.string() })),
    endpoints: z.record(z.string(), Endpoint),
});

/** Why a map was refused: every reason, so a broken deployment is fixed in one go. */
export class ShardMapError extends Error {
    constructor(
        readonly problems: readonly string[],
        what: string,
    ) {
        super(`${what} is refused: ${problems.join("; ")}`);
        this.name = "ShardMapError";
    }
}

/**
 * A published map from its JSON text, checked: the shape, a hash this client implements (a map
 * written for another hash would send every key to the wrong shard), every bucket on exactly one
 * listed shard (`mapProblems`), and an endpoint for every shard. `what` names the source in errors.
 */
export function parseShardMap(text: string, what = "the shard map"): PublishedShardMap {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        throw new ShardMapError([`not JSON (${e instanceof Error ? e.message : String(e)})`], what);
    }
    const parsed = Published.safeParse(json);
    if (!parsed.success)
        throw new ShardMapError(
            parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
            what,
        );
    const map = parsed.data;
    // An unknown hash is refused before anything else: the other checks mean nothing under it.
    if (map.hash !== HASH_NAME) throw new ShardMapError([`hash "${map.hash}" is not one this client implements ("${HASH_NAME}")`], what);
    const problems = [...mapProblems(map), ...map.shards.filter((s) => !map.endpoints[s]).map((s) => `shard "${s}" has no endpoint`)];
    if (problems.length) throw new ShardMapError(problems, what);
    return map;
}

/** Keys grouped by the shard that holds them under `map`, in first-seen order. */
export function routeKeys<K extends string>(map: PublishedShardMap, keys: readonly K[]): Map<string, K[]> {
    const out = new Map<string, K[]>();
    for (const k of keys) {
        const s = shardOfKey(map, k);
        const list = out.get(s) ?? [];
        list.push(k);
        out.set(s, list);
    }
    return out;
}

/** The sum of one numeric column over every shard's rows (a count(*) or sum() run on each shard). */
export function mergeSum(perShard: readonly (readonly Record<string, unknown>[])[], column: string): number {
    let total = 0;
    for (const rows of perShard)
        for (const r of rows) {
            // pg returns bigint and numeric as strings: they are summed as numbers, exact below 2^53.
            const v = Number(r[column]);
            if (!Number.isFinite(v)) throw new TypeError(`column ${column} is not a number: ${String(r[column])}`);
            total += v;
        }
    return total;
}

/**
 * `ORDER BY ... LIMIT n` across shards: each shard ran the query with the same ORDER BY and LIMIT,
 * so the global first n are among the union of their rows; a stable sort of the union by `compare`
 * (the same order as the SQL's) and its first n are the answer.
 */
export function mergeOrderedLimit<R>(perShard: readonly (readonly R[])[], compare: (a: R, b: R) => number, limit: number): R[] {
    return perShard.flat().sort(compare).slice(0, Math.max(0, limit));
}

/**
 * A SQL predicate true for the rows of `column` whose buckets `map` assigns to `shard`. A query run
 * on every shard adds it so that rows copied ahead of a map switch (on their new shard before the
 * switch, on their old one until the cleanup) are counted once.
 */
export function ownedBucketsSql(map: PublishedShardMap, shard: string, column: string): string {
    // A multirange (PostgreSQL 14+): one bucket computation per row, however many ranges.
    const ranges = map.ranges.filter((r) => r.shard === shard).map((r) => `[${r.from},${r.to})`);
    return `(${bucketSql(column, map.buckets)}::int <@ '{${ranges.join(",")}}'::int4multirange)`;
}
