import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { initialMap, rebalance } from "../../../../lib/sharding/map";
import { shardMapJson, type PublishedShardMap } from "../../../../lib/sharding/published";
import { mergeOrderedLimit, mergeSum, ownedBucketsSql, parseShardMap, routeKeys, ShardMapError } from "../../../../lib/sharding/router";
import { fenceAllows, FENCE_CHECK, FENCE_RAISE, FENCE_SETUP } from "../../../../lib/sharding/fence";

const endpoints = { s0: { host: "h0", port: 5432, database: "d" }, s1: { host: "h1", port: 5432, database: "d" } };
const TWO: PublishedShardMap = { ...initialMap(["s0", "s1"]), endpoints };
const text = (m: unknown) => JSON.stringify(m);

describe("reading a published map", () => {
    test("the program's own file reads back as the same map", () => {
        assert.deepEqual(parseShardMap(shardMapJson(TWO)), TWO);
    });
    test("an unknown hash is refused before anything else", () => {
        assert.throws(() => parseShardMap(text({ ...TWO, hash: "murmur3", ranges: [] })), {
            message: 'the shard map is refused: hash "murmur3" is not one this client implements ("sha256-be32-mod")',
        });
    });
    test("a map with problems is refused with each of them, and a shard without an endpoint", () => {
        const bad = {
            ...TWO,
            ranges: [
                { from: 0, to: 500, shard: "s0" },
                { from: 512, to: 1024, shard: "s1" },
            ],
            endpoints: { s0: endpoints.s0 },
        };
        assert.throws(() => parseShardMap(text(bad), "shard-map.json"), {
            message: 'shard-map.json is refused: buckets 500..511 are on no shard; shard "s1" has no endpoint',
        });
    });
    test("every field of the shape is held: a root that is not a map, empty names, bad numbers, an unknown endpoint field", () => {
        const problems = (m: unknown) => {
            try {
                parseShardMap(text(m));
            } catch (e) {
                return (e as ShardMapError).problems.map((p) => p.split(":")[0]);
            }
            return [];
        };
        assert.deepEqual(problems([]), ["(root)"]);
        assert.deepEqual(problems({ ...TWO, endpoints: { ...endpoints, s0: { host: "", port: 5432, database: "" } } }), [
            "endpoints.s0.host",
            "endpoints.s0.database",
        ]);
        assert.deepEqual(problems({ ...TWO, shards: [""] }), ["shards.0"]);
        assert.deepEqual(problems({ ...TWO, shards: [] }), ["shards"]);
        assert.deepEqual(problems({ ...TWO, buckets: 0, ranges: [{ from: -1, to: 1.5, shard: "s0" }] }), [
            "buckets",
            "ranges.0.from",
            "ranges.0.to",
        ]);
        assert.deepEqual(problems({ ...TWO, endpoints: { ...endpoints, s1: { host: "h", port: 0, database: "d", user: "u" } } }), [
            "endpoints.s1.port",
            "endpoints.s1",
        ]);
        assert.deepEqual(problems({ ...TWO, endpoints: { ...endpoints, s1: { host: "h", port: 65535, database: "d" } } }), []);
    });
    test("not JSON, and a wrong shape, name the field", () => {
        assert.throws(
            () => parseShardMap("{"),
            (e: unknown) =>
                e instanceof ShardMapError && e.name === "ShardMapError" && /^the shard map is refused: not JSON/.test(e.message),
        );
        assert.throws(
            () => parseShardMap(text({ ...TWO, version: 0 })),
            (e: unknown) => e instanceof ShardMapError && e.problems.length === 1 && e.problems[0].startsWith("version: "),
        );
        assert.throws(
            () => parseShardMap(text({ ...TWO, endpoints: { ...endpoints, s1: { host: "h1", port: 70000, database: "d" } } })),
            /endpoints\.s1\.port: /,
        );
    });
});

describe("routing and merging", () => {
    test("keys grouped by shard in first-seen order ('tenant:42' is bucket 549, 'host-0001' 249: hashlib)", () => {
        assert.deepEqual(
            [...routeKeys(TWO, ["tenant:42", "host-0001", "a"])],
            [
                ["s1", ["tenant:42"]],
                ["s0", ["host-0001", "a"]],
            ],
        );
    });
    test("sums of per-shard counts (pg's bigint strings) and a non-number refused", () => {
        assert.equal(mergeSum([[{ n: "40000" }], [{ n: "60000" }, { n: 5 }]], "n"), 100_005);
        assert.throws(() => mergeSum([[{ n: "x" }]], "n"), { message: "column n is not a number: x" });
    });
    test("ORDER BY ... LIMIT across shards: the first n of the union in the same order", () => {
        const desc = (a: number, b: number) => b - a;
        assert.deepEqual(mergeOrderedLimit([[9, 7, 2], [8, 7, 1], []], desc, 4), [9, 8, 7, 7]);
        assert.deepEqual(mergeOrderedLimit([[3], [4]], desc, 0), []);
        assert.deepEqual(mergeOrderedLimit([[3], [4]], desc, -2), []);
        assert.deepEqual(mergeOrderedLimit([[3], [4]], desc, 5), [4, 3]);
    });
    test("a shard's own buckets as one multirange predicate", () => {
        const three = rebalance(TWO, ["s0", "s1", "s2"]);
        assert.match(
            ownedBucketsSql({ ...three, endpoints }, "s2", "k"),
            /% 1024\)::int <@ '\{\[342,512\),\[853,1024\)\}'::int4multirange\)$/,
        );
        assert.match(ownedBucketsSql(TWO, "s0", "k"), /<@ '\{\[0,512\)\}'::int4multirange\)$/);
        assert.match(ownedBucketsSql(TWO, "s9", "k"), /<@ '\{\}'::int4multirange\)$/);
        assert.ok(ownedBucketsSql(TWO, "s0", "k").startsWith("((('x' || substr(encode(sha256(convert_to(k, 'UTF8'))"));
    });
});

describe("the map-version fence", () => {
    test("a batch writes when its map is at least the shard's version", () => {
        assert.equal(fenceAllows(2, 2), true);
        assert.equal(fenceAllows(2, 0), true);
        assert.equal(fenceAllows(1, 2), false);
    });
    test("the table: one row (a true key), created with version 0 when missing", () => {
        assert.deepEqual(FENCE_SETUP, [
            "CREATE TABLE IF NOT EXISTS sysmanage_shard_map (id boolean PRIMARY KEY DEFAULT true CHECK (id), version integer NOT NULL)",
            "INSERT INTO sysmanage_shard_map (id, version) VALUES (true, 0) ON CONFLICT (id) DO NOTHING",
        ]);
    });
    test("the lock comes first, the version in a statement of its own; the raise never lowers", () => {
        assert.deepEqual(FENCE_CHECK, ["SELECT pg_advisory_xact_lock_shared(1936220530)", "SELECT version FROM sysmanage_shard_map"]);
        assert.deepEqual(FENCE_RAISE, [
            "SELECT pg_advisory_xact_lock(1936220530)",
            "UPDATE sysmanage_shard_map SET version = greatest(version, $1::integer)",
        ]);
    });
});
