/**
 * Issue 16, the floor schedule's derivation (forecast/scheduleFloor.ts, scheduleStep.ts): a
 * 6-slot example worked on paper, the hourly floors and their held-out backtest on hand-made
 * trajectories, properties of the shaping (within [min, max], monotone in the need, unmoved by
 * small perturbations against the schedule in force), and a replay of a hand-made daily ramp
 * under the schedule against the static floor.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { API_BEHAVIOR } from "../../../lib/hpa";
import { scheduleEnd, type FloorSchedule } from "../../../forecast/schedule";
import { closeDips, floorRuns, hourlyFloors, reactionSeconds, shapeFloors, type FloorOptions } from "../../../forecast/scheduleFloor";
import { scheduleStep } from "../../../forecast/scheduleStep";
import { replay, type BoundsSegment } from "../../../forecast/simulator";
import { forecastStack, type StackInput } from "../../../forecast/stack";

const SHAPE: FloorOptions = {
    start: 0,
    stepSeconds: 900,
    leadSeconds: 150,
    holdSeconds: 1800,
    minReplicas: 2,
    maxReplicas: 8,
    hysteresisPercent: 10,
};

describe("shaping the floors of the slots", () => {
    test("a 6-slot example worked on paper: the lead before a ramp, the clamp, hysteresis keeping the floors in force", () => {
        // needs            1  2  2  7  3  9
        // lead (1 slot):   2  2  7  7  9  9   (150 s of reaction is one 900 s slot early)
        // hold (2 slots):  2  2  7  7  9  9   (no dip narrower than 2 slots)
        // clamp [2, 8]:    2  2  7  7  8  8
        // previous 3 3 6:  3  3  6  7  8  8   (each within max(1, 10 %) of the floor in force)
        const previous: FloorSchedule = { start: 0, stepSeconds: 900, floors: [3, 3, 6], bands: [] };
        assert.deepEqual(shapeFloors([1, 2, 2, 7, 3, 9], { ...SHAPE }), [2, 2, 7, 7, 8, 8]);
        assert.deepEqual(shapeFloors([1, 2, 2, 7, 3, 9], { ...SHAPE, previous }), [3, 3, 6, 7, 8, 8]);
        // A previous floor 2 below stands no more: 4 → 7 is beyond max(1, 10 % of 4).
        assert.deepEqual(shapeFloors([1, 2, 2, 7, 3, 9], { ...SHAPE, previous: { ...previous, floors: [2, 2, 4] } }), [2, 2, 7, 7, 8, 8]);
        assert.equal(scheduleEnd({ ...previous, start: 900 }), 900 + 3 * 900);
    });

    test("the hold fills a dip narrower than the hold and keeps the run: one term instead of three", () => {
        assert.deepEqual(closeDips([2, 5, 3, 5, 5, 2], 2), [2, 5, 5, 5, 5, 2]);
        assert.deepEqual(closeDips([2, 5, 3, 3, 5, 2], 2), [2, 5, 3, 3, 5, 2]);
        assert.deepEqual(closeDips([2, 5, 3, 3, 5, 2], 3), [2, 5, 5, 5, 5, 2]);
        assert.equal(floorRuns([2, 5, 3, 5, 5, 2]), 5);
        assert.equal(floorRuns(shapeFloors([2, 5, 3, 5, 5, 2], { ...SHAPE, leadSeconds: 0 })), 3);
    });

    test("the reaction time: a sync, the up window, the shortest policy period and readiness", () => {
        assert.equal(reactionSeconds(API_BEHAVIOR, 60), 15 + 60 + 15 + 60);
        assert.equal(reactionSeconds(undefined, 30), 15 + 0 + 15 + 30);
    });

    const needs = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 });
    const options = fc.record({
        start: fc.constant(0),
        stepSeconds: fc.constantFrom(300, 900, 3600),
        leadSeconds: fc.integer({ min: 0, max: 1200 }),
        holdSeconds: fc.integer({ min: 0, max: 7200 }),
        minReplicas: fc.integer({ min: 1, max: 10 }),
        maxReplicas: fc.integer({ min: 10, max: 50 }),
        hysteresisPercent: fc.integer({ min: 0, max: 50 }),
    });

    test("property: every floor lies within [minReplicas, maxReplicas]", () => {
        fc.assert(
            fc.property(needs, options, (n, o) => {
                for (const f of shapeFloors(n, o)) assert.ok(f >= o.minReplicas && f <= o.maxReplicas, `${f}`);
            }),
            { numRuns: 300 },
        );
    });

    test("property: more need never lowers a floor (with or without a schedule in force)", () => {
        fc.assert(
            fc.property(
                needs,
                fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 40, maxLength: 40 }),
                options,
                fc.boolean(),
                (n, add, o, prev) => {
                    const previous = prev ? { start: 0, stepSeconds: o.stepSeconds, floors: n.map((x) => x + 1), bands: [] } : undefined;
                    const a = shapeFloors(n, { ...o, previous });
                    const b = shapeFloors(
                        n.map((x, i) => x + add[i]),
                        { ...o, previous },
                    );
                    a.forEach((x, i) => assert.ok(b[i] >= x, `slot ${i}: ${b[i]} < ${x}`));
                },
            ),
            { numRuns: 300 },
        );
    });

    test("property: a need within one replica of the last one leaves the schedule in force as it is", () => {
        fc.assert(
            fc.property(needs, fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 40, maxLength: 40 }), options, (n, d, o) => {
                const floors = shapeFloors(n, o);
                const previous = { start: o.start, stepSeconds: o.stepSeconds, floors, bands: [] };
                const again = shapeFloors(
                    n.map((x, i) => Math.max(0, x + d[i])),
                    { ...o, previous },
                );
                assert.deepEqual(again, floors);
            }),
            { numRuns: 300 },
        );
    });
});

/** A trajectory of 1-replica ticks every 15 s over the given hours; `burst` hours start with one tick needing 3 pods. */
function trajectory(hours: ReadonlyArray<{ readonly at: number; readonly burst: boolean }>) {
    const time: number[] = [];
    const need: number[] = [];
    for (const h of hours)
        for (let k = 0; k < 4; k++) {
            time.push(h.at * 3600 + k * 15);
            need.push(h.burst && k === 0 ? 3 : 0.5);
        }
    const n = time.length;
    return {
        time: Float64Array.from(time),
        replicas: new Int32Array(n).fill(1),
        ready: new Int32Array(n).fill(1),
        need: Float64Array.from(need),
        oracleTicks: n,
    };
}

describe("the floor per hour of the day and its held-out backtest", () => {
    test("a burst at 10:00 every day: floor 3 at 10:00, and the held-out days beat the static floor", () => {
        // Per day, hour 10 at floor f costs 4f + 10 × max(0, 3 − f): 24, 18, 12 for 1, 2, 3;
        // hour 11 costs 4f. Static: 2 × (24 + 4) = 56; each day under the other's floors (3 at
        // 10:00, 1 at 11:00): 2 × (12 + 4) = 32.
        const tr = trajectory([
            { at: 10, burst: true },
            { at: 11, burst: false },
            { at: 34, burst: true },
            { at: 35, burst: false },
        ]);
        const h = hourlyFloors(tr, 1, 3);
        assert.equal(h.floors[10], 3);
        assert.equal(h.floors[11], 1);
        assert.equal(h.floors.filter((f) => f === 1).length, 23);
        assert.deepEqual([h.staticCost, h.heldOutCost, h.days], [56, 32, 2]);
        // Against a sized static floor of 2 (18 at 10:00, 8 at 11:00 per day): 52; the schedule's
        // quiet hour goes down to 1.
        assert.deepEqual([hourlyFloors(tr, 1, 3, 2).staticCost, hourlyFloors(tr, 1, 3, 2).floors[11]], [52, 1]);
    });

    test("bursts at other hours each day: held out, the schedule costs more than the static floor", () => {
        // Day 0 bursts at 10:00, day 1 at 14:00: each day runs floor 3 where the other day burst
        // (12 instead of 4) and floor 1 where it bursts itself (24): 72 against 56.
        const tr = trajectory([
            { at: 10, burst: true },
            { at: 14, burst: false },
            { at: 34, burst: false },
            { at: 38, burst: true },
        ]);
        const h = hourlyFloors(tr, 1, 3);
        assert.deepEqual([h.staticCost, h.heldOutCost], [56, 72]);
    });
});

describe("the class of series the step keeps the static floor for, from its own backtest", () => {
    const settings = { slotSeconds: 900, horizonHours: 24, holdSeconds: 3600, hysteresisPercent: 10, readinessDelaySeconds: 0 };
    const step = (hours: Parameters<typeof trajectory>[0]) =>
        scheduleStep(
            {
                origin: 2 * 86400,
                recent: { start: 0, step: 15, metrics: [] },
                bounds: { minReplicas: 1, maxReplicas: 3 },
                trajectory: trajectory(hours),
            },
            settings,
        );
    test("the same hour each day: scheduled, its backtest per oracle tick (32 and 56 over 16 ticks)", () => {
        const r = step([
            { at: 10, burst: true },
            { at: 11, burst: false },
            { at: 34, burst: true },
            { at: 35, burst: false },
        ]);
        assert.deepEqual([r.kept, r.reason, r.floors?.length], [undefined, undefined, 96]);
        assert.deepEqual(r.backtest, { staticCost: 3.5, scheduledCost: 2, days: 2 });
    });
    test("irregular: bursts at other hours each day (72 against 56 over 16 ticks)", () => {
        const r = step([
            { at: 10, burst: true },
            { at: 14, burst: false },
            { at: 34, burst: false },
            { at: 38, burst: true },
        ]);
        assert.deepEqual([r.kept, r.floors], ["irregular", undefined]);
        assert.deepEqual(r.backtest, { staticCost: 3.5, scheduledCost: 4.5, days: 2 });
        assert.equal(
            r.reason,
            "the backtest (each of 2 days under the hourly floors of the others) costs 28.57 % more than the static floor 1 (backtest: scheduled 4.500 vs static 3.500 over 2 held-out days): the load's bursts do not come at the same hours from day to day",
        );
    });
    test("flat: no hour needs more than the static floor (4 ticks of 1 pod an hour, 8 over 8 ticks)", () => {
        const r = step([
            { at: 10, burst: false },
            { at: 34, burst: false },
        ]);
        assert.equal(r.kept, "flat");
        assert.equal(
            r.reason,
            "every hour's cheapest floor on the replayed days is the static floor 1: nothing to schedule (backtest: scheduled 1.000 vs static 1.000 over 2 held-out days)",
        );
    });
    test("short: one day replayed, none to hold out", () => {
        const r = step([
            { at: 10, burst: true },
            { at: 11, burst: false },
        ]);
        assert.deepEqual([r.kept, r.backtest.days], ["short", 1]);
        assert.equal(r.reason, "fewer than 2 days replayed: no backtest to trust a schedule");
    });
});

describe("the scheduled floor on a hand-made daily ramp", () => {
    // 8 days at 1 minute: 35 req/s (1 pod at 70 of 100 req/s per pod) except 10:00–11:00 each
    // day at 560 req/s (8 pods at the target, 5.6 at full load): the HPA needs 2 minutes and
    // more to follow the step, the schedule has 6 pods ready before it.
    const DAY = 86400;
    const t0 = 20000 * DAY;
    const load = Float64Array.from({ length: 8 * 1440 }, (_, i) => (Math.floor((i % 1440) / 60) === 10 ? 560 : 35));
    const metric = (from: number, to: number) => ({
        name: "requests",
        load: load.subarray(from * 1440, to * 1440),
        capacityPerPod: 100,
        targetUtilization: 0.7,
    });
    const settings = { slotSeconds: 900, horizonHours: 24, holdSeconds: 3600, hysteresisPercent: 10, readinessDelaySeconds: 60 };
    const bounds = { minReplicas: 1, maxReplicas: 20 };

    test("the schedule rises one slot before the ramp to 6 pods, and the replay of the next day has no pod missing", () => {
        const r = scheduleStep(
            { origin: t0 + 7 * DAY, recent: { start: t0, step: 60, metrics: [metric(0, 7)] }, bounds, behavior: API_BEHAVIOR },
            settings,
        );
        assert.equal(r.reason, undefined);
        assert.equal(r.leadSeconds, 150);
        const floors = r.floors!;
        assert.equal(floors.length, 96);
        // 09:45 (the lead of 150 s is one slot), 10:00 .. 10:45: 6 pods ready, 1 elsewhere.
        assert.deepEqual(
            floors.map((f, i) => (f === 6 ? i : -1)).filter((i) => i >= 0),
            [39, 40, 41, 42, 43],
        );
        assert.equal(floors.filter((f) => f === 1).length, 91);
        const day = { start: t0 + 7 * DAY, step: 60, metrics: [metric(7, 8)] };
        const scheduled: BoundsSegment[] = floors.map((f, i) => ({
            from: i === 0 ? -Infinity : r.start + i * 900,
            minReplicas: f,
            maxReplicas: 20,
        }));
        const withSchedule = replay({ ...day, bounds: scheduled, behavior: API_BEHAVIOR, readinessDelaySeconds: 60, recordEvents: false });
        const withStatic = replay({ ...day, bounds, behavior: API_BEHAVIOR, readinessDelaySeconds: 60, recordEvents: false });
        assert.equal(withSchedule.underProvisionedFraction, 0);
        assert.ok(withStatic.underProvisionedFraction > 0.001, `${withStatic.underProvisionedFraction}`);
        assert.ok(withSchedule.weightedCost < withStatic.weightedCost, `${withSchedule.weightedCost} vs ${withStatic.weightedCost}`);
    });
});

describe("the step's schedule (forecastStack)", () => {
    test("a daily ramp in the exports: 48 h of 15-minute slots, 6 pods from 09:45 to 10:45 each day, the band per slot; off: none, with the note", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-schedule-"));
        try {
            // 15 days at 1 minute: 35 req/s, 560 from 10:00 to 11:00 (5.6 pods at full load), the
            // last minute at 23:59 of day 15.
            const t0 = 20000 * 86400;
            const lines = ["timestamp,value"];
            for (let i = 0; i < 15 * 1440; i++) lines.push(`${t0 + i * 60},${Math.floor((i % 1440) / 60) === 10 ? 560 : 35}`);
            fs.writeFileSync(path.join(tmp, "requests.csv"), lines.join("\n") + "\n");
            const input: StackInput = {
                stack: "dev",
                baseDir: tmp,
                workloads: [
                    {
                        name: "api",
                        kind: "api",
                        current: { minReplicas: 1, maxReplicas: 20 },
                        metrics: [{ name: "requests", file: "requests.csv", capacityPerPod: 100, targetUtilization: 0.7 }],
                        guardrails: { minReplicas: 1, maxReplicas: 20, policyMinimum: 1 },
                        behavior: API_BEHAVIOR,
                    },
                ],
            };
            const w = forecastStack(input).workloads[0];
            const s = w.schedule!;
            assert.equal(w.scheduleNote, undefined);
            assert.deepEqual([s.start, s.stepSeconds, s.floors.length, s.minReplicas], [t0 + 15 * 86400 - 3600, 900, 192, 1]);
            const six = s.floors.map((f, i) => (f === 6 ? i : -1)).filter((i) => i >= 0);
            // The step stands at the last full hour (23:00): 09:45 is slot 43, the next day's slot 139.
            assert.deepEqual(six, [43, 44, 45, 46, 47, 139, 140, 141, 142, 143]);
            assert.equal(s.floors.filter((f) => f === 1).length, 192 - 10);
            assert.deepEqual(
                s.bands.map((b) => [b.metric, b.lower.length, b.upper.length]),
                [["requests", 192, 192]],
            );
            s.bands[0].lower.forEach((x, i) => assert.ok(x >= 0 && x <= s.bands[0].upper[i], `slot ${i}`));
            const off = forecastStack({ ...input, settings: { scheduleEnabled: false } }).workloads[0];
            assert.equal(off.schedule, undefined);
            assert.equal(off.scheduleNote, "forecast.schedule.enabled is off: the static floor");
            // The schedule never moves the bounds, nor the inputs hash the HPAs are annotated with.
            assert.deepEqual([off.proposed, off.annotations], [w.proposed, w.annotations]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
