import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    crossing,
    dailyPeaks,
    DEFAULT_SHARD_LIMITS,
    planShardCapacity,
    shardLoadsFromExports,
    type ShardLoad,
} from "../../../forecast/shardCapacity";
import { shardCapacitySection } from "../../../tools/forecast/shardReport";

const DAY = 86400;
const GiB = 2 ** 30;
// Hand-worked: 10, 11, 12 GiB on three days (1 GiB/day); 80 % of 100 GiB is 80 GiB, 68 days after the last point.
const A: ShardLoad = {
    shard: "a",
    storage: { t: [0, DAY, 2 * DAY], v: [10 * GiB, 11 * GiB, 12 * GiB] },
    qps: { t: [0, DAY / 2, DAY, 1.5 * DAY, 2 * DAY], v: [100, 900, 200, 1000, 300] },
};

describe("when the next shard is needed", () => {
    test("a line's crossing: later, already, never, beyond the horizon", () => {
        assert.equal(crossing(12, 1, 80, 1000, 1e9), 1068);
        assert.equal(crossing(90, 1, 80, 1000, 1e9), 1000);
        assert.equal(crossing(12, 0, 80, 1000, 1e9), null);
        assert.equal(crossing(12, -1, 80, 1000, 1e9), null);
        assert.equal(crossing(12, 1, 80, 1000, 67), null);
    });
    test("daily peaks, stamped at the middle of their UTC day", () => {
        assert.deepEqual(dailyPeaks(A.qps), { t: [DAY / 2, 1.5 * DAY, 2.5 * DAY], v: [900, 1000, 300] });
    });
    test("storage at 1 GiB/day reaches 80 GiB 68 days on; peaks 900, 1000, 300 fall: storage decides", () => {
        const p = planShardCapacity([A], 2 * DAY);
        assert.equal(p.shards[0].storageNow, 12 * GiB);
        assert.equal(p.shards[0].storagePerDay, GiB);
        assert.equal(p.shards[0].storageAt, 70 * DAY);
        // Peaks at days 0.5, 1.5, 2.5: mean 733.33 at day 1.5, slope (-166.67 - 433.33) / 2 = -300/day; at day 2: 583.33.
        assert.ok(Math.abs(p.shards[0].peakQpsNow - 583.3333) < 1e-3);
        assert.ok(Math.abs(p.shards[0].peakQpsPerDay - -300) < 1e-9);
        assert.equal(p.shards[0].qpsAt, null);
        assert.equal(p.nextShardAt, 70 * DAY);
        assert.equal(p.reason, "shard a's storage reaches 80 % of its capacity");
    });
    test("nothing within the horizon, said so", () => {
        const p = planShardCapacity([A], 2 * DAY, { ...DEFAULT_SHARD_LIMITS, horizonDays: 30 });
        assert.equal(p.nextShardAt, null);
        assert.equal(p.reason, "no shard reaches 80 % of its storage or queries/s within 30 days");
    });
    test("the report's section", () => {
        assert.deepEqual(shardCapacitySection(planShardCapacity([A], 2 * DAY)), [
            "### Shards",
            "",
            "Capacity per shard: 100 GiB of storage, 5000 queries/s; the next shard is needed when either reaches 80 % (horizon 180 days from 1970-01-03).",
            "",
            "| shard | storage now | growth per day | storage reaches 80 % | peak queries/s now | growth per day | peak reaches 80 % |",
            "|---|---|---|---|---|---|---|",
            "| a | 12.0 GiB | 1.00 GiB | 1970-03-12 | 583 | -300.0 | not within the horizon |",
            "",
            "**Next shard needed by 1970-03-12**: shard a's storage reaches 80 % of its capacity. Going from 1 to 2 shards moves 1/2 of the buckets (docs/sharding.md, resharding).",
            "",
        ]);
    });
});

describe("the prod demo exports (figures from numpy.polyfit over the same files)", () => {
    const read = (f: string) => JSON.parse(fs.readFileSync(path.join(__dirname, "../../../exports/prod", f), "utf8")) as unknown;
    const loads = shardLoadsFromExports(read("shard-storage-bytes.query_range.json"), read("shard-queries.query_range.json"));
    const end = 806_802_900; // 1995-07-26 23:55 UTC, the last point
    const p = planShardCapacity(loads, end);
    test("two shards at about 38.8 GiB growing 0.90-0.91 GiB a day reach 80 GiB on 1995-09-10", () => {
        assert.deepEqual(
            p.shards.map((s) => s.shard),
            ["sysmanage-pg-shard-0", "sysmanage-pg-shard-1"],
        );
        assert.ok(Math.abs(p.shards[0].storageNow / GiB - 38.7784) < 1e-3);
        assert.ok(Math.abs(p.shards[1].storagePerDay / GiB - 0.90987) < 1e-4);
        assert.ok(Math.abs(p.shards[0].storageAt! - 810_740_793) <= 1);
        assert.ok(Math.abs(p.nextShardAt! - 810_709_363) <= 1);
        assert.equal(p.reason, "shard sysmanage-pg-shard-1's storage reaches 80 % of its capacity");
        // The NASA trace's daily peaks fall over the two weeks: load never decides.
        assert.ok(Math.abs(p.shards[0].peakQpsPerDay - -54.9234) < 1e-3);
        assert.equal(p.shards[1].qpsAt, null);
    });
    test("an export without shard labels, not a query_range answer, or a shard in one export only, is refused", () => {
        const series = (shard: string) => ({ metric: { shard }, values: [[1, "2"]] });
        assert.throws(() => shardLoadsFromExports({ data: { result: [{ metric: {}, values: [] }] } }, {}), {
            message: "shard storage export: a series without a shard label or values",
        });
        assert.throws(() => shardLoadsFromExports({ data: { result: [series("s0")] } }, { data: {} }), {
            message: "shard queries export: not a Prometheus query_range answer (data.result missing)",
        });
        assert.throws(() => shardLoadsFromExports({ data: { result: [series("s0")] } }, { data: { result: [series("s1")] } }), {
            message: "shard s0 is in only one of the storage and queries exports",
        });
        assert.deepEqual(
            shardLoadsFromExports({ data: { result: [series("b"), series("a")] } }, { data: { result: [series("a"), series("b")] } }),
            [
                { shard: "a", storage: { t: [1], v: [2] }, qps: { t: [1], v: [2] } },
                { shard: "b", storage: { t: [1], v: [2] }, qps: { t: [1], v: [2] } },
            ],
        );
    });
    test("a single point is flat: no growth, no crossing", () => {
        const p = planShardCapacity([{ shard: "x", storage: { t: [0], v: [GiB] }, qps: { t: [0], v: [10] } }], DAY);
        assert.deepEqual(
            [p.shards[0].storageNow, p.shards[0].storagePerDay, p.shards[0].storageAt, p.shards[0].peakQpsNow, p.nextShardAt],
            [GiB, 0, null, 10, null],
        );
    });
});
