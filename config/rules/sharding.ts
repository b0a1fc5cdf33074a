/** Cross-field rules of the shards: they are Postgres clusters, and the map spans only declared ones. */
import type { AppConfig } from "../schema";

/** Shards need the Postgres tier; the map holds at most the declared shards. */
export function shardingProblems(c: AppConfig): string[] {
    const s = c.sharding;
    const out: string[] = [];
    if (s.shards > 0 && !c.postgres.enabled)
        out.push(`sharding.shards (${s.shards}) needs postgres.enabled true (the shards are CloudNativePG clusters like the main one)`);
    if (s.mapShards > s.shards)
        out.push(
            `sharding.mapShards (${s.mapShards}) must be <= sharding.shards (${s.shards}): the map can only put buckets on declared shard clusters`,
        );
    return out;
}
