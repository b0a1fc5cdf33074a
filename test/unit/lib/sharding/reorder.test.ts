/**
 * The shard map when the same shards are listed in another order (issue 18 #2-#3), worked by hand:
 * the larger shares stay with the shards holding the most, so nothing moves, and the new map needs
 * no approval (no row changes shard).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bucketMoves, initialMap, rebalance } from "../../../../lib/sharding/map";
import { nextShardMap } from "../../../../lib/sharding/nextMap";

// a 0..341 (342), b 342..682 (341), c 683..1023 (341).
const ABC = initialMap(["a", "b", "c"]);
const RANGES = [
    { from: 0, to: 342, shard: "a" },
    { from: 342, to: 683, shard: "b" },
    { from: 683, to: 1024, shard: "c" },
];

describe("the same shards in another order", () => {
    test("c, b, a: a keeps its 342 (it holds the most), nothing moves, a new version lists the new order", () => {
        const next = rebalance(ABC, ["c", "b", "a"]);
        assert.deepEqual(next, { version: 2, hash: "sha256-be32-mod", buckets: 1024, shards: ["c", "b", "a"], ranges: RANGES });
        assert.deepEqual(bucketMoves(ABC, next), []);
    });

    test("published without an approval: it moves no bucket", () => {
        const next = nextShardMap({
            declared: ["c", "b", "a"],
            mapShards: ["c", "b", "a"],
            approvedVersion: 0,
            deployed: { map: ABC, shards: ["a", "b", "c"] },
        });
        assert.deepEqual([next?.version, next?.shards, next?.ranges], [2, ["c", "b", "a"], RANGES]);
    });

    test("the held counts, not the order given, pick who keeps the larger share: b, a after a 2 -> 3 -> 2 round trip", () => {
        // From a, b, c: dropping c frees 683..1023; shares 512 each: a (342, first) gets 683..852 (170),
        // b (341) 853..1023 (171). Then b, a: both hold 512, nothing moves.
        const two = rebalance(ABC, ["a", "b"]);
        assert.deepEqual(two.ranges, [
            { from: 0, to: 342, shard: "a" },
            { from: 342, to: 683, shard: "b" },
            { from: 683, to: 853, shard: "a" },
            { from: 853, to: 1024, shard: "b" },
        ]);
        const swapped = rebalance(two, ["b", "a"]);
        assert.deepEqual([swapped.version, swapped.ranges], [3, two.ranges]);
        assert.equal(rebalance(two, ["a", "b"]), two);
    });
});
