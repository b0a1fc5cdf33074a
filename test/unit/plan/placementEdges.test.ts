/**
 * Placement and overprovisioning (issue 17) at their edges, worked by hand: a disabled spot pool,
 * a schedule without floors, a replay with no load, headroom of no pods, and a burst the
 * placeholders cover only in part.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { bandHeadroomPods, priceHeadroom } from "../../../plan/overprovision";
import { stackUsesSpot } from "../../../plan/placement";
import { planStack } from "../../../plan/stack";

const BACKUP = { postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" } } };

describe("a stack uses spot only through an enabled spot pool", () => {
    test("a disabled pool on spot places nothing; enabled, it does", () => {
        const off = parseConfig({ ...BACKUP, workers: { report: { enabled: false, capacity: "spot" } } }, "prod");
        assert.equal(stackUsesSpot(off), false);
        assert.deepEqual(
            planStack(off, "prod").workloads.map((w) => w.pod.placement),
            [undefined, undefined, undefined, undefined],
        );
        assert.equal(stackUsesSpot(parseConfig({ ...BACKUP, workers: { report: { capacity: "spot" } } }, "prod")), true);
        assert.equal(stackUsesSpot(parseConfig(BACKUP, "prod")), false);
    });
});

describe("bandHeadroomPods without floors", () => {
    test("no floor is no headroom, even under a loaded band of no width", () => {
        assert.equal(
            bandHeadroomPods({ stepSeconds: 3600, start: 0, floors: [], bands: [{ metric: "requests", lower: [50], upper: [50] }] }),
            0,
        );
    });
});

describe("priceHeadroom at its edges", () => {
    // 4 ticks a minute apart under a floor of 2; the pods are ready a minute after the HPA asks.
    const tr = (need: number[]) => ({
        time: Float64Array.from([0, 60, 120, 180]),
        replicas: Int32Array.from([2, 2, 3, 3]),
        ready: Int32Array.from([2, 2, 2, 3]),
        need: Float64Array.from(need),
        oracleTicks: need.reduce((a, n) => a + Math.ceil(n), 0),
    });
    const floor = () => 2;

    test("a burst beyond the room: the shortfall left is charged ×10", () => {
        // Without: pods 2+2+3+3 = 10, ready 2, 2, 2, 3 against 2, 5, 3, 3: short 3 + 1 = 4: (10 + 40) / 13.
        // With 1: pods 3+3+4+4 = 14, ready 3 at every tick: short 2 at tick 1: (14 + 20) / 13.
        assert.deepEqual(priceHeadroom(tr([2, 5, 3, 3]), floor, 1, 60), { without: 50 / 13, with: 34 / 13, pays: true });
    });

    test("no placeholders cost the same, which does not pay", () => {
        // 10 pods, short 0.5 at tick 1 and 1 at tick 2: (10 + 15) / 11 both ways.
        assert.deepEqual(priceHeadroom(tr([2, 2.5, 3, 3]), floor, 0, 60), { without: 25 / 11, with: 25 / 11, pays: false });
    });

    test("a replay without load prices nothing", () => {
        assert.deepEqual(priceHeadroom(tr([0, 0, 0, 0]), floor, 1, 60), { without: 0, with: 0, pays: false });
    });
});
