import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { initialMap, rebalance } from "../../../../lib/sharding/map";
import type { PublishedShardMap } from "../../../../lib/sharding/published";
import { main, plannedMoves } from "../../../../tools/sharding/move";
import { digestMismatches } from "../../../../tools/sharding/moveSteps";

const e = { host: "h", port: 5432, database: "d" };
const V1: PublishedShardMap = { ...initialMap(["s0", "s1"]), endpoints: { s0: e, s1: e } };
const V2: PublishedShardMap = { ...rebalance(V1, ["s0", "s1", "s2"]), endpoints: { s0: e, s1: e, s2: e } };

describe("shard:move's plan", () => {
    test("2 -> 3: s0 gives 170 buckets to s2, s1 171", () => {
        assert.deepEqual(
            plannedMoves(V1, V2).map((m) => [m.from, m.to, m.buckets]),
            [
                ["s0", "s2", 170],
                ["s1", "s2", 171],
            ],
        );
    });
    test("refuses maps that are not one planned move", () => {
        assert.throws(() => plannedMoves(V2, V1), {
            message:
                "refused: --to is map version 1 over 1024 buckets, --from version 2 over 1024 buckets; a move goes to the next version over the same buckets",
        });
        assert.throws(() => plannedMoves(V1, { ...V1, version: 2 }), {
            message: "refused: maps 1 and 2 assign every bucket alike: nothing to move",
        });
    });
    test("usage errors exit 2 before any connection", async () => {
        const lines: string[] = [];
        const io = { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(l) };
        assert.equal(await main(["--from", "a", "--to", "b", "--table", "hosts:hostname"], io), 2);
        assert.deepEqual(lines, ["shard:move: give exactly one of --copy and --cleanup"]);
        assert.equal(await main(["--from", "/nonexistent/a.json", "--to", "b", "--table", "hosts", "--copy"], io), 2);
        assert.equal(lines.at(-1), 'shard:move: --table "hosts": expected <table>:<key column>, e.g. hosts:hostname');
        assert.equal(await main(["--from", "/nonexistent/a.json", "--to", "b", "--table", "h:k", "--copy"], io), 2);
        assert.equal(lines.at(-1), "shard:move: --from /nonexistent/a.json: does not exist (ENOENT)");
    });
});

describe("the per-bucket verification", () => {
    test("a bucket missing or different on the target is named; identical buckets pass", () => {
        const d = (rows: number, checksum: string) => ({ rows, checksum });
        const source = new Map([
            [7, d(3, "aaaaaaaa11")],
            [3, d(2, "bbbbbbbb22")],
            [5, d(1, "cccccccc33")],
        ]);
        const target = new Map([
            [3, d(2, "bbbbbbbb22")],
            [7, d(3, "dddddddd44")],
        ]);
        assert.deepEqual(digestMismatches(source, target), [
            "bucket 5: source 1 rows cccccccc, target 0 rows",
            "bucket 7: source 3 rows aaaaaaaa, target 3 rows dddddddd",
        ]);
        assert.deepEqual(digestMismatches(target, target), []);
    });
});
