/**
 * The shard map's refusals at their edges (issue 18 #2-#3), worked by hand: a rebalance onto no
 * shard or repeated names, two undeclared shards named together, and an uneven deployed map made even.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bucketMoves, rebalance, type ShardMap } from "../../../../lib/sharding/map";
import { nextShardMap } from "../../../../lib/sharding/nextMap";
import { S0 as a, S1 as b, S2 as c, TWO } from "../../../support/shardMap";

describe("rebalance refuses what the first map refuses", () => {
    test("no shards, and a name twice", () => {
        assert.throws(() => rebalance(TWO, []), { message: "a shard map needs 1 to 1024 shards, got 0" });
        assert.throws(() => rebalance(TWO, [a, c, c]), { message: `shard names repeat: ${a}, ${c}, ${c}` });
    });
});

describe("uneven maps", () => {
    test("a: 600, b: 424 evened to 512 each: a gives 512..599 (88) to b, a new version", () => {
        const uneven: ShardMap = {
            ...TWO,
            ranges: [
                { from: 0, to: 600, shard: a },
                { from: 600, to: 1024, shard: b },
            ],
        };
        const next = rebalance(uneven, [a, b]);
        assert.deepEqual([next.version, next.ranges], [2, TWO.ranges]);
        assert.deepEqual(bucketMoves(uneven, next), [{ from: a, to: b, buckets: 88, ranges: [{ from: 512, to: 600, shard: b }] }]);
    });
});

describe("a listed shard holding nothing", () => {
    test("a: 0..341 and 683..1023, b: 342..682, c: none; c takes a's excess 683..1023, one range for another at the same edges", () => {
        const prev: ShardMap = {
            ...TWO,
            shards: [a, b, c],
            ranges: [
                { from: 0, to: 342, shard: a },
                { from: 342, to: 683, shard: b },
                { from: 683, to: 1024, shard: a },
            ],
        };
        const next = rebalance(prev, [a, b, c]);
        assert.deepEqual(
            [next.version, next.ranges],
            [
                2,
                [
                    { from: 0, to: 342, shard: a },
                    { from: 342, to: 683, shard: b },
                    { from: 683, to: 1024, shard: c },
                ],
            ],
        );
    });
});

describe("nextShardMap names every undeclared shard", () => {
    test("two at once, joined by a comma", () => {
        assert.throws(
            () =>
                nextShardMap({
                    declared: [a, b, c, "d"],
                    mapShards: [a, b, c, "d"],
                    approvedVersion: 2,
                    deployed: { map: TWO, shards: [a, b] },
                }),
            {
                message: `sharding.mapShards (4) puts buckets on ${c}, d, which the last update did not declare: declare the cluster first (sharding.shards: 4, sharding.mapShards: 2), copy its buckets, then switch the map in a later update`,
            },
        );
    });
});
