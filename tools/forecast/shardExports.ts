/**
 * The next-shard section's inputs (issue 18 #4): the stack's shard exports and its `sharding.*`
 * config, read when the stack shards. Not pure (reads files); the projection is forecast/shardCapacity.ts.
 */
import fs from "node:fs";
import path from "node:path";
import type { AppConfig } from "../../config";
import { exportsLocation } from "../../forecast/mapping";
import { planShardCapacity, shardLoadsFromExports, type ShardCapacityPlan } from "../../forecast/shardCapacity";
import { quantityValue } from "../../policies/contract";

export const SHARD_EXPORTS = { storage: "shard-storage-bytes.query_range.json", queries: "shard-queries.query_range.json" } as const;

/**
 * The plan when `sharding.shards` > 0 and both exports exist; undefined otherwise. Projected from
 * the exports' last sample (the forecast's own "now"), at each shard's storage size.
 */
export function shardCapacityFromExports(c: AppConfig, stack: string, projectDir: string): ShardCapacityPlan | undefined {
    if (c.sharding.shards === 0) return undefined;
    const { dir, shown } = exportsLocation(c, stack, projectDir);
    const read = (file: string): unknown => {
        const p = path.join(dir, file);
        if (!fs.existsSync(p)) return undefined;
        try {
            return JSON.parse(fs.readFileSync(p, "utf8"));
        } catch (e) {
            throw new TypeError(`${path.join(shown, file)}: ${(e as Error).message}`);
        }
    };
    const storage = read(SHARD_EXPORTS.storage);
    const queries = read(SHARD_EXPORTS.queries);
    if (storage === undefined || queries === undefined) return undefined;
    const loads = shardLoadsFromExports(storage, queries);
    const end = Math.max(
        ...loads.flatMap((l) => [l.storage.t[l.storage.t.length - 1] ?? -Infinity, l.qps.t[l.qps.t.length - 1] ?? -Infinity]),
    );
    const cap = c.sharding.capacity;
    return planShardCapacity(loads, end, {
        storageBytes: quantityValue(c.sharding.postgres.storageSize || c.postgres.storageSize),
        qps: cap.queriesPerSecond,
        threshold: cap.threshold,
        horizonDays: cap.horizonDays,
    });
}
