import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bucketMoves, initialMap, mapProblems, rebalance, shardOfBucket, shardOfKey, type ShardMap } from "../../../../lib/sharding/map";

const TWO = initialMap(["s0", "s1"]);

describe("the first map", () => {
    test("two shards: halves of 1024", () => {
        assert.deepEqual(TWO, {
            version: 1,
            hash: "sha256-be32-mod",
            buckets: 1024,
            shards: ["s0", "s1"],
            ranges: [
                { from: 0, to: 512, shard: "s0" },
                { from: 512, to: 1024, shard: "s1" },
            ],
        });
    });
    test("three shards: 342, 341, 341 (the remainder to the first)", () => {
        assert.deepEqual(initialMap(["a", "b", "c"]).ranges, [
            { from: 0, to: 342, shard: "a" },
            { from: 342, to: 683, shard: "b" },
            { from: 683, to: 1024, shard: "c" },
        ]);
    });
    test("refuses no shards, too many shards and repeated names", () => {
        assert.throws(() => initialMap([]), { message: "a shard map needs 1 to 1024 shards, got 0" });
        assert.throws(() => initialMap(["a", "b", "c"], 2), { message: "a shard map needs 1 to 2 shards, got 3" });
        assert.throws(() => initialMap(["a", "a"]), { message: "shard names repeat: a, a" });
    });
    test("as many shards as buckets is the limit, not over it: one bucket each", () => {
        assert.deepEqual(initialMap(["a", "b"], 2).ranges, [
            { from: 0, to: 1, shard: "a" },
            { from: 1, to: 2, shard: "b" },
        ]);
    });
});

describe("rebalancing", () => {
    // Worked by hand: shares 342/341/341; s0 keeps 0..341 and gives 342..511 (170), s1 keeps
    // 512..852 and gives 853..1023 (171); s2 gets both: 341 buckets moved of 1024 (a third).
    const THREE = rebalance(TWO, ["s0", "s1", "s2"]);
    test("2 -> 3 shards moves 341 buckets, the fewest possible", () => {
        assert.equal(THREE.version, 2);
        assert.deepEqual(THREE.ranges, [
            { from: 0, to: 342, shard: "s0" },
            { from: 342, to: 512, shard: "s2" },
            { from: 512, to: 853, shard: "s1" },
            { from: 853, to: 1024, shard: "s2" },
        ]);
        assert.deepEqual(bucketMoves(TWO, THREE), [
            { from: "s0", to: "s2", buckets: 170, ranges: [{ from: 342, to: 512, shard: "s2" }] },
            { from: "s1", to: "s2", buckets: 171, ranges: [{ from: 853, to: 1024, shard: "s2" }] },
        ]);
    });
    test("the same shards give back the same map and version", () => {
        assert.equal(rebalance(THREE, ["s0", "s1", "s2"]), THREE);
        assert.deepEqual(bucketMoves(THREE, THREE), []);
    });
    test("removing a shard hands its buckets to the others, lowest buckets to the first", () => {
        // s1's 512..852 (341) is freed; s0 (342) needs 170 to reach 512, s2 (341) needs 171.
        const back = rebalance(THREE, ["s0", "s2"]);
        assert.equal(back.version, 3);
        assert.deepEqual(back.ranges, [
            { from: 0, to: 342, shard: "s0" },
            { from: 342, to: 512, shard: "s2" },
            { from: 512, to: 682, shard: "s0" },
            { from: 682, to: 1024, shard: "s2" },
        ]);
    });
    test("any change keeps every bucket on exactly one shard and moves only the excess", () => {
        const names = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), (a, b) => {
                const before = initialMap(names(a));
                const after = rebalance(before, names(b));
                assert.deepEqual(mapProblems(after), []);
                const moved = bucketMoves(before, after).reduce((n, m) => n + m.buckets, 0);
                // Bounds worked from the shares alone: a kept shard gives away at least what it holds
                // beyond share + 1, a removed one all it holds; at most b more than that.
                const held = (s: string) => before.ranges.filter((r) => r.shard === s).reduce((n, r) => n + r.to - r.from, 0);
                const share = Math.floor(1024 / b);
                let excess = 0;
                for (const s of names(Math.max(a, b))) excess += Math.max(0, held(s) - (names(b).includes(s) ? share + 1 : 0));
                assert.ok(moved <= excess + b, `${a} -> ${b}: moved ${moved}, excess ${excess}`);
                assert.ok(moved >= Math.max(0, excess - b), `${a} -> ${b}: moved ${moved}, excess ${excess}`);
                for (const s of names(b)) {
                    const n = after.ranges.filter((r) => r.shard === s).reduce((k, r) => k + r.to - r.from, 0);
                    assert.ok(n === share || n === share + 1, `${s} holds ${n}`);
                }
            }),
            { numRuns: 200 },
        );
    });
});

describe("lookups and problems", () => {
    test("a bucket's shard at the range edges", () => {
        assert.equal(shardOfBucket(TWO, 0), "s0");
        assert.equal(shardOfBucket(TWO, 511), "s0");
        assert.equal(shardOfBucket(TWO, 512), "s1");
        assert.equal(shardOfBucket(TWO, 1023), "s1");
        assert.throws(() => shardOfBucket(TWO, 1024), { message: "bucket 1024 is outside the map's 1024 buckets" });
        assert.throws(() => shardOfBucket(TWO, -1), { message: "bucket -1 is outside the map's 1024 buckets" });
    });
    test("a key's shard: 'tenant:42' is bucket 549 (hashlib), on s1", () => {
        assert.equal(shardOfKey(TWO, "tenant:42"), "s1");
        assert.equal(shardOfKey(TWO, "host-0001"), "s0");
    });
    test("gaps, overlaps, unknown or empty shards and a foreign hash are named", () => {
        const bad: ShardMap = {
            version: 1,
            hash: "md5",
            buckets: 1024,
            shards: ["s0", "s1", "s2"],
            ranges: [
                { from: 0, to: 500, shard: "s0" },
                { from: 510, to: 600, shard: "s1" },
                { from: 590, to: 1000, shard: "sX" },
            ],
        };
        assert.deepEqual(mapProblems(bad), [
            'hash is "md5", expected "sha256-be32-mod"',
            "buckets 500..509 are on no shard",
            "buckets 590..599 are on more than one shard",
            'range 590..999 names shard "sX", which the map does not list',
            "buckets 1000..1023 are on no shard",
            'shard "s2" holds no bucket',
        ]);
        assert.deepEqual(mapProblems(TWO), []);
    });
});

describe("the published file", () => {
    test("stable keys and bytes, endpoints per shard, refuses a shard without one", async () => {
        const { shardMapJson } = await import("../../../../lib/sharding/published");
        const endpoints = {
            s0: { host: "sysmanage-shard-0-rw", port: 5432, database: "sysmanage" },
            s1: { host: "h1", port: 6432, database: "d" },
        };
        const text = shardMapJson({ ...TWO, endpoints });
        assert.equal(text.endsWith("}\n"), true);
        assert.deepEqual(JSON.parse(text), { ...TWO, endpoints });
        assert.deepEqual(Object.keys(JSON.parse(text) as object), ["version", "hash", "buckets", "shards", "ranges", "endpoints"]);
        assert.throws(() => shardMapJson({ ...TWO, endpoints: { s0: endpoints.s0 } }), { message: 'shard "s1" has no endpoint' });
    });
});
