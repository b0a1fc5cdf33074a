/**
 * The shard map's shape as the program publishes it and the pack checks it (issue 18): the map
 * (lib/sharding/map.ts builds it), the ConfigMap that carries it and the label of the shard
 * clusters. Pure: no Pulumi.
 */

/** The hash's name as published in the map, so a client can refuse a map it cannot follow. */
export const HASH_NAME = "sha256-be32-mod";

/** The ConfigMap the apps mount, and its key. */
export const SHARD_MAP_CONFIGMAP = "sysmanage-shard-map";
export const SHARD_MAP_KEY = "shard-map.json";

/** On each shard Cluster and its Pooler: the shard's name in the map (the Cluster's own name). */
export const SHARD_LABEL = "sysmanage.io/shard";

/** Buckets [from, to) on one shard. */
export interface BucketRange {
    readonly from: number;
    readonly to: number;
    readonly shard: string;
}

/** The published map. */
export interface ShardMap {
    /** 1 for the first map; +1 on every change of assignment. */
    readonly version: number;
    readonly hash: string;
    readonly buckets: number;
    /** The shards that hold buckets, in the order they were added. */
    readonly shards: readonly string[];
    /** Sorted by `from`, covering [0, buckets) exactly once. */
    readonly ranges: readonly BucketRange[];
}

/** What is wrong with a map (empty when it is sound): every bucket on exactly one known shard. */
export function mapProblems(map: ShardMap): string[] {
    const problems: string[] = [];
    if (map.hash !== HASH_NAME) problems.push(`hash is "${map.hash}", expected "${HASH_NAME}"`);
    let next = 0;
    for (const r of map.ranges) {
        if (r.from !== next)
            problems.push(
                r.from > next
                    ? `buckets ${next}..${r.from - 1} are on no shard`
                    : `buckets ${r.from}..${Math.min(next, r.to) - 1} are on more than one shard`,
            );
        if (r.to <= r.from) problems.push(`range ${r.from}..${r.to} is empty`);
        if (!map.shards.includes(r.shard))
            problems.push(`range ${r.from}..${r.to - 1} names shard "${r.shard}", which the map does not list`);
        next = Math.max(next, r.to);
    }
    if (next !== map.buckets)
        problems.push(
            next < map.buckets
                ? `buckets ${next}..${map.buckets - 1} are on no shard`
                : `ranges reach ${next}, beyond the ${map.buckets} buckets`,
        );
    for (const s of map.shards) if (!map.ranges.some((r) => r.shard === s)) problems.push(`shard "${s}" holds no bucket`);
    return problems;
}
