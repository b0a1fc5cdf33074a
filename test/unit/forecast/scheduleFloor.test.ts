/**
 * forecast/scheduleFloor.ts at its boundaries, each worked by hand (issue 20): the lead in whole
 * slots, the dead band's edge and the schedule in force clamped and placed in time, the reaction
 * time's parts, a time-varying floor priced on a 4-tick trajectory, the hour cells, and the
 * hourly floors' ties and static floor outside the range.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
    closeDips,
    floorRuns,
    hourCells,
    hourlyFloors,
    priceFloor,
    reactionSeconds,
    shapeFloors,
    type FloorOptions,
} from "../../../forecast/scheduleFloor";
import type { Trajectory } from "../../../forecast/simulator";

const O: FloorOptions = {
    start: 0,
    stepSeconds: 900,
    leadSeconds: 0,
    holdSeconds: 0,
    minReplicas: 1,
    maxReplicas: 50,
    hysteresisPercent: 10,
};
const tr = (time: number[], replicas: number[], ready: number[], need: number[], oracleTicks: number): Trajectory => ({
    time: Float64Array.from(time),
    replicas: Int32Array.from(replicas),
    ready: Int32Array.from(ready),
    need: Float64Array.from(need),
    oracleTicks,
});

describe("shapeFloors at its edges", () => {
    test("the lead in whole slots: 900 s is one 900 s slot, 901 s two, 0 none", () => {
        assert.deepEqual(shapeFloors([1, 1, 1, 5], { ...O, leadSeconds: 900 }), [1, 1, 5, 5]);
        assert.deepEqual(shapeFloors([1, 1, 1, 5], { ...O, leadSeconds: 901 }), [1, 5, 5, 5]);
        assert.deepEqual(shapeFloors([1, 1, 1, 5], O), [1, 1, 1, 5]);
    });
    test("the hold in slots, rounded: 1350 s of 900 s slots is 2 (a 1-slot dip filled), 1349 s is 1 (none)", () => {
        assert.deepEqual(shapeFloors([5, 1, 5, 1, 1, 5], { ...O, holdSeconds: 1350 }), [5, 5, 5, 1, 1, 5]);
        assert.deepEqual(shapeFloors([5, 1, 5, 1, 1, 5], { ...O, holdSeconds: 1349 }), [5, 1, 5, 1, 1, 5]);
    });
    test("closeDips with a window of 1 or less changes nothing", () => {
        assert.deepEqual(closeDips([3, 1, 3], 1), [3, 1, 3]);
        assert.deepEqual(closeDips([3, 1, 3], 0), [3, 1, 3]);
        assert.deepEqual(closeDips([3, 1, 3], 2), [3, 3, 3]);
    });
    test("the dead band's edge: a floor in force of 20 at 10 % stands against 18 and 22, not 17 or 23", () => {
        const previous = { start: 0, stepSeconds: 900, floors: [20, 20, 20, 20], bands: [] };
        assert.deepEqual(shapeFloors([17, 18, 22, 23], { ...O, previous }), [17, 20, 20, 23]);
        // At 0 % the band is one replica: 21 stands as 20, 22 does not.
        assert.deepEqual(shapeFloors([19, 21, 22, 18], { ...O, hysteresisPercent: 0, previous }), [20, 20, 22, 18]);
    });
    test("the schedule in force is clamped to the bounds and read at each slot's start, on its own slots", () => {
        // A previous floor 30 above max 10 stands as 10; one of 1 below min 3 as 3 (against 4).
        const high = { start: 0, stepSeconds: 900, floors: [30], bands: [] };
        assert.deepEqual(shapeFloors([10], { ...O, maxReplicas: 10, previous: high }), [10]);
        assert.deepEqual(shapeFloors([4], { ...O, minReplicas: 3, previous: { ...high, floors: [1] } }), [3]);
        // Previous 30-minute slots from 1800 s, 8 then 12: the new 15-minute slots 2-5 lie in them, 6 after.
        const coarse = { start: 1800, stepSeconds: 1800, floors: [8, 12], bands: [] };
        assert.deepEqual(shapeFloors([7, 7, 7, 7, 11, 11, 7], { ...O, previous: coarse }), [7, 7, 8, 8, 12, 12, 7]);
    });
});

describe("reactionSeconds", () => {
    test("a sync, the up window, the shortest up policy period, readiness", () => {
        const policies = [
            { type: "Pods", value: 4, periodSeconds: 60 },
            { type: "Percent", value: 100, periodSeconds: 30 },
        ];
        assert.equal(reactionSeconds({ scaleUp: { policies } }, 20), 15 + 0 + 30 + 20);
        assert.equal(reactionSeconds({ scaleUp: { stabilizationWindowSeconds: 120 } }, 20), 15 + 120 + 15 + 20);
        assert.equal(reactionSeconds({ scaleDown: { stabilizationWindowSeconds: 600 } }, 0, 10), 10 + 0 + 15 + 0);
    });
});

describe("priceFloor", () => {
    test("a floor of 1, then 2 from 15 s, on 4 ticks with a 15 s lag: 7 pod-ticks, 1.5 short at 15 s", () => {
        // t 0: max(1, 1) = 1 pod, ready max(1, 1) for 0.5; t 15: 2 pods, ready max(floor at 0 = 1, 1) = 1
        // for 2.5 (1.5 short); t 30: 2, ready max(2, 1) for 2; t 45: 2, ready 2 for 1. Cost (7 + 10 × 1.5) ÷ 6.
        const t = tr([0, 15, 30, 45], [1, 1, 2, 2], [1, 1, 1, 2], [0.5, 2.5, 2, 1], 6);
        const floorAt = (x: number) => (x >= 15 ? 2 : 1);
        assert.deepEqual(priceFloor(t, floorAt, 15), { replicaTicks: 7, shortfallTicks: 1.5, underTicks: 1, cost: 22 / 6 });
        // Without the lag the floor of 2 is ready at 15 s: 0.5 short.
        assert.deepEqual(priceFloor(t, floorAt, 0), { replicaTicks: 7, shortfallTicks: 0.5, underTicks: 1, cost: 12 / 6 });
        assert.equal(priceFloor({ ...t, oracleTicks: 0 }, floorAt, 15).cost, 0);
    });
});

describe("hourCells", () => {
    test("the ticks cut at each unix hour, each cell priced alone (oracleTicks 1)", () => {
        const t = tr([3500, 3599, 3600, 7300], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], 10);
        const cells = [...hourCells(t)];
        assert.deepEqual(
            cells.map((c) => [c.hour, [...c.cell.time], [...c.cell.replicas], [...c.cell.ready], [...c.cell.need], c.cell.oracleTicks]),
            [
                [0, [3500, 3599], [1, 2], [1, 2], [1, 2], 1],
                [1, [3600], [3], [3], [3], 1],
                [2, [7300], [4], [4], [4], 1],
            ],
        );
        assert.deepEqual([...hourCells(tr([], [], [], [], 0))], []);
    });
});

describe("hourlyFloors at its edges", () => {
    /** One tick per listed hour, 1 replica ready, needing `need`. */
    const ticks = (hours: number[], need: number[]) =>
        tr(
            hours.map((h) => h * 3600),
            hours.map(() => 1),
            hours.map(() => 1),
            need,
            hours.length,
        );
    test("a tie between floors takes the lowest; one day is one day", () => {
        // Hour 5 needs 1.5: floor 1 costs 1 + 10 × 0.5 = 6, floor 2 costs 2 (cheapest), floor 3 costs 3.
        const h = hourlyFloors(ticks([5], [1.5]), 1, 3);
        assert.deepEqual([h.floors[5], h.days, h.staticCost], [2, 1, 6]);
        // Need 1 exactly: every floor from 1 is enough, 1 is the cheapest.
        assert.equal(hourlyFloors(ticks([5], [1]), 1, 3).floors[5], 1);
    });
    test("a static floor outside [lo, hi] is priced at the nearest end", () => {
        const t = ticks([5, 29], [1.5, 1.5]);
        // Floors 1..3 for hour 5 on two days: 6, 2, 3 each; static 0 → floor 1 (6 + 6), static 9 → floor 3 (3 + 3).
        assert.deepEqual([hourlyFloors(t, 1, 3, 0).staticCost, hourlyFloors(t, 1, 3, 9).staticCost], [12, 6]);
        assert.equal(hourlyFloors(t, 1, 3).days, 2);
        // hi below lo: one floor, lo.
        assert.deepEqual(hourlyFloors(t, 2, 1).floors[5], 2);
    });
});

describe("floorRuns", () => {
    test("one run per change of floor, the first counted once", () => {
        assert.deepEqual([floorRuns([]), floorRuns([7]), floorRuns([4, 4]), floorRuns([1, 1, 2]), floorRuns([1, 2, 2])], [0, 1, 1, 2, 2]);
    });
});
