/**
 * The shard map (issue 18 #2-#3): which shard holds each virtual bucket, published to the apps
 * (a ConfigMap and a stack output) and versioned. Pure: no Pulumi, no I/O.
 *
 * Buckets are assigned in ranges. A change of shards moves the fewest buckets possible: each shard
 * keeps what it has up to its new even share and gives away its highest buckets beyond it, so going
 * from 2 to 3 shards moves a third of the buckets, not the half a re-cut of contiguous ranges would.
 */
import { HASH_NAME, type BucketRange, type ShardMap } from "../../policies/contract/shardMap";
import { BUCKETS, bucketOf } from "./hash";

// The map's shape and its soundness check live in the pack's contract (the pack checks the published map).
export { mapProblems, type BucketRange, type ShardMap } from "../../policies/contract/shardMap";

/** Buckets that change shard between two maps. */
export interface BucketMove {
    readonly from: string;
    readonly to: string;
    readonly buckets: number;
    readonly ranges: readonly BucketRange[];
}

/** The first map: even contiguous ranges, the first `buckets mod n` shards one bucket larger. */
export function initialMap(shards: readonly string[], buckets: number = BUCKETS): ShardMap {
    assertShards(shards, buckets);
    const owners: string[] = [];
    shards.forEach((s, i) => {
        for (let k = 0; k < share(buckets, shards.length, i); k++) owners.push(s);
    });
    return { version: 1, hash: HASH_NAME, buckets, shards: [...shards], ranges: toRanges(owners) };
}

/**
 * The map for a new set of shards with the fewest buckets moved. Shards keep their names; new ones
 * are appended. The same shards give back the same map (same version).
 */
export function rebalance(prev: ShardMap, shards: readonly string[]): ShardMap {
    assertShards(shards, prev.buckets);
    const owners = ownersOf(prev);
    const counts = new Map(shards.map((s) => [s, 0] as [string, number]));
    for (const o of owners) if (counts.has(o)) counts.set(o, (counts.get(o) ?? 0) + 1);
    // The larger shares go to the shards holding the most now (ties: the order given), so fewer move.
    const byHeld = [...shards].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || shards.indexOf(a) - shards.indexOf(b));
    const target = new Map(byHeld.map((s, i) => [s, share(prev.buckets, shards.length, i)] as [string, number]));
    const kept = new Map(shards.map((s) => [s, 0] as [string, number]));
    const next: (string | undefined)[] = owners.map((o) => {
        if (!target.has(o) || (kept.get(o) ?? 0) >= (target.get(o) ?? 0)) return undefined;
        kept.set(o, (kept.get(o) ?? 0) + 1);
        return o;
    });
    // The freed buckets fill the shards below their share, in bucket order.
    let i = 0;
    for (const s of shards) {
        while ((kept.get(s) ?? 0) < (target.get(s) ?? 0)) {
            while (next[i] !== undefined) i++;
            next[i] = s;
            kept.set(s, (kept.get(s) ?? 0) + 1);
        }
    }
    const ranges = toRanges(next);
    const same = sameAssignment(prev.ranges, ranges) && prev.shards.join() === shards.join();
    return same ? prev : { version: prev.version + 1, hash: prev.hash, buckets: prev.buckets, shards: [...shards], ranges };
}

/** Which buckets change shard from `prev` to `next`, grouped by (from, to). */
export function bucketMoves(prev: ShardMap, next: ShardMap): BucketMove[] {
    const a = ownersOf(prev);
    const b = ownersOf(next);
    const moved = new Map<string, { from: string; to: string; owners: (string | undefined)[] }>();
    for (let k = 0; k < a.length; k++) {
        if (a[k] === b[k]) continue;
        const id = `${a[k]}\u0000${b[k]}`;
        const m = moved.get(id) ?? { from: a[k], to: b[k], owners: new Array<string | undefined>(a.length).fill(undefined) };
        m.owners[k] = b[k];
        moved.set(id, m);
    }
    return [...moved.values()].map((m) => {
        const ranges = toRanges(m.owners).filter((r) => r.shard !== undefined);
        return { from: m.from, to: m.to, ranges, buckets: ranges.reduce((n, r) => n + r.to - r.from, 0) };
    });
}

/** The shard holding a bucket (binary search over the sorted ranges). */
export function shardOfBucket(map: ShardMap, bucket: number): string {
    let lo = 0;
    let hi = map.ranges.length - 1;
    while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const r = map.ranges[mid];
        if (bucket < r.from) hi = mid - 1;
        else if (bucket >= r.to) lo = mid + 1;
        else return r.shard;
    }
    throw new RangeError(`bucket ${bucket} is outside the map's ${map.buckets} buckets`);
}

/** The shard holding a key. */
export function shardOfKey(map: ShardMap, key: string): string {
    return shardOfBucket(map, bucketOf(key, map.buckets));
}

function share(buckets: number, n: number, i: number): number {
    return Math.floor(buckets / n) + (i < buckets % n ? 1 : 0);
}

function assertShards(shards: readonly string[], buckets: number): void {
    if (shards.length < 1 || shards.length > buckets)
        throw new RangeError(`a shard map needs 1 to ${buckets} shards, got ${shards.length}`);
    if (new Set(shards).size !== shards.length) throw new RangeError(`shard names repeat: ${shards.join(", ")}`);
}

function ownersOf(map: ShardMap): string[] {
    const owners = new Array<string>(map.buckets);
    for (const r of map.ranges) for (let k = r.from; k < r.to; k++) owners[k] = r.shard;
    return owners;
}

function toRanges(owners: readonly (string | undefined)[]): BucketRange[] {
    const ranges: BucketRange[] = [];
    for (let k = 0; k < owners.length; k++) {
        const last = ranges[ranges.length - 1];
        if (last && last.shard === owners[k] && last.to === k) ranges[ranges.length - 1] = { ...last, to: k + 1 };
        else ranges.push({ from: k, to: k + 1, shard: owners[k] as string });
    }
    return ranges;
}

function sameAssignment(a: readonly BucketRange[], b: readonly BucketRange[]): boolean {
    return a.length === b.length && a.every((r, i) => r.from === b[i].from && r.to === b[i].to && r.shard === b[i].shard);
}
