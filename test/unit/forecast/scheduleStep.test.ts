/**
 * forecast/scheduleStep.ts's choices, each on a hand-made trajectory priced by hand (issue 20):
 * why no schedule (one day, a backtest that loses, one that wins by less than the margin), the
 * slots from the origin and the horizon, and the lowest floor.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { scheduleStep, type ScheduleSettings } from "../../../forecast/scheduleStep";
import type { Trajectory } from "../../../forecast/simulator";

const DAY = 86400;
const T0 = 20000 * DAY;
const S: ScheduleSettings = { slotSeconds: 900, horizonHours: 24, holdSeconds: 0, hysteresisPercent: 10, readinessDelaySeconds: 0 };

/** Ticks of 1 replica, 1 ready: `[day, second of the day, need]`. At floor f a tick costs f + 10 × max(0, need − f). */
function tr(ticks: ReadonlyArray<readonly [number, number, number]>): Trajectory {
    return {
        time: Float64Array.from(ticks, ([d, s]) => T0 + d * DAY + s),
        replicas: new Int32Array(ticks.length).fill(1),
        ready: new Int32Array(ticks.length).fill(1),
        need: Float64Array.from(ticks, ([, , n]) => n),
        oracleTicks: ticks.length,
    };
}
const step = (trajectory: Trajectory, extra: { origin?: number; lowest?: number; minReplicas?: number } = {}, s = S) =>
    scheduleStep(
        {
            origin: extra.origin ?? T0 + 7 * DAY,
            recent: { start: T0, step: 60, metrics: [] },
            bounds: { minReplicas: extra.minReplicas ?? 1, maxReplicas: 3 },
            lowest: extra.lowest,
            trajectory,
        },
        s,
    );
/** A tick needing 1.5 pods at 10:00 on each of the given days (floor 1 costs 6, floor 2 costs 2). */
const bursts = (days: number[]) => days.map((d) => [d, 36000, 1.5] as const);

describe("scheduleStep: why no schedule", () => {
    test("one day replayed: no backtest", () => {
        const r = step(tr(bursts([0])));
        assert.deepEqual([r.floors, r.reason], [undefined, "fewer than 2 days replayed: no backtest to trust a schedule"]);
        assert.equal(r.hourly.days, 1);
    });
    test("bursts at other hours each day: the backtest costs 28.57 % more (72 against 56)", () => {
        // Each day: one burst hour needing 3 (floor 1: 4 ticks cost 1 × 4 + 10 × 2 = 24) and one
        // quiet hour (4). Day 0 bursts at 10:00, day 1 at 14:00; held out, each day runs floor 3
        // (12) where the other burst and floor 1 (24) where it bursts itself: 72 against 56.
        const hour = (d: number, h: number, burst: boolean) =>
            [0, 15, 30, 45].map((s, k) => [d, h * 3600 + s, burst && k === 0 ? 3 : 0.5] as const);
        const r = step(tr([...hour(0, 10, true), ...hour(0, 14, false), ...hour(1, 10, false), ...hour(1, 14, true)]));
        assert.deepEqual([r.hourly.staticCost, r.hourly.heldOutCost], [56, 72]);
        assert.equal(
            r.reason,
            "the backtest (each of 2 days under the hourly floors of the others) costs 28.57 % more than the static floor 1 (backtest: scheduled 4.500 vs static 3.500 over 2 held-out days): the load's bursts do not come at the same hours from day to day",
        );
    });
    test("a replay that needed no pod at all (a pool at 0, oracle 0): the backtest's costs per oracle pod are 0, not infinite", () => {
        // Two days of one burst each: floor 1 costs 6 a day (static 12), but there is no oracle pod to divide by.
        const r = step({ ...tr(bursts([0, 1])), oracleTicks: 0 });
        assert.deepEqual(r.backtest, { staticCost: 0, scheduledCost: 0, days: 2 });
    });
    test("a gain under the 0.1 % margin: kept static, saying by how little", () => {
        // Two days, a burst at 10:00 (held out: floor 2, 2 instead of 6) and 4000 quiet ticks at
        // 00:00 (1 each): static 2 × 4006 = 8012, held out 2 × 4002 = 8004, 8 ÷ 8012 = 0.0998 %.
        const quiet = (d: number) => Array.from({ length: 4000 }, (_, j) => [d, j * 0.9, 0.5] as const);
        const r = step(tr([...bursts([0, 1]), ...quiet(0), ...quiet(1)]));
        assert.deepEqual([r.hourly.staticCost, r.hourly.heldOutCost, r.hourly.floors[10]], [8012, 8004, 2]);
        assert.equal(
            r.reason,
            "the backtest (each of 2 days under the hourly floors of the others) costs only 0.10 % less than the static floor 1 (backtest: scheduled 1.000 vs static 1.001 over 2 held-out days): the load's bursts do not come at the same hours from day to day",
        );
        // 3000 quiet ticks: 8 ÷ 6012 = 0.13 %, over the margin: a schedule.
        const won = step(tr([...bursts([0, 1]), ...quiet(0).slice(0, 3000), ...quiet(1).slice(0, 3000)]));
        assert.equal(won.reason, undefined);
        assert.equal(won.floors!.length, 96);
    });
    test("a backtest exactly even: 0.00 % less, not more", () => {
        // Day 0 bursts at 10:00 (floor 2 chosen there), day 1 does not tick then; a quiet tick at
        // 00:00 each day. Held out, day 0's 10:00 runs the others' floor (none: 1), as static: 8 = 8.
        const r = step(tr([...bursts([0]), [0, 0, 0.5], [1, 0, 0.5]]));
        assert.deepEqual([r.hourly.staticCost, r.hourly.heldOutCost, r.hourly.floors[10]], [8, 8, 2]);
        assert.equal(
            r.reason,
            "the backtest (each of 2 days under the hourly floors of the others) costs only 0.00 % less than the static floor 1 (backtest: scheduled 2.667 vs static 2.667 over 2 held-out days): the load's bursts do not come at the same hours from day to day",
        );
    });
    test("every hour's floor the static one: nothing to schedule", () => {
        assert.equal(
            step(tr([...bursts([0, 1])]), { minReplicas: 2 }).reason,
            "every hour's cheapest floor on the replayed days is the static floor 2: nothing to schedule (backtest: scheduled 1.000 vs static 1.000 over 2 held-out days)",
        );
    });
});

describe("scheduleStep: the slots", () => {
    const t = tr(bursts([0, 1, 2]));
    test("from the slot containing the origin, over the horizon, each slot the floor of the hour it starts in", () => {
        const r = step(t, { origin: T0 + 7 * DAY + 9 * 3600 + 100 });
        // 09:00 (and 100 s): slot 0 is 09:00, 10:00 is slots 4-7, led by one slot (a reaction of
        // 30 s: a sync and the default 15 s policy period) from 09:45.
        assert.deepEqual([r.start, r.stepSeconds, r.leadSeconds], [T0 + 7 * DAY + 9 * 3600, 900, 15 + 15]);
        assert.deepEqual(r.floors!.slice(0, 10), [1, 1, 1, 2, 2, 2, 2, 2, 1, 1]);
        assert.equal(r.floors!.length, 96);
        assert.deepEqual(r.hourly.floors.slice(9, 12), [1, 2, 1]);
    });
    test("at least one slot; the horizon in slots, rounded", () => {
        assert.equal(step(t, {}, { ...S, horizonHours: 0.1 }).floors!.length, 1);
        assert.equal(step(t, {}, { ...S, horizonHours: 1.2, slotSeconds: 1800 }).floors!.length, 2);
    });
    test("the lowest floor: the given one, never above the static minReplicas", () => {
        // A quiet tick at 00:00 a day (need 0.5): at floor 1 instead of the static 2 it costs 1, not
        // 2. Allowed down to 1, quiet hours get 1 and 10:00 keeps 2; a lowest of 3 is the static 2.
        const quiet = tr([...bursts([0, 1, 2]), [0, 0, 0.5], [1, 0, 0.5], [2, 0, 0.5]]);
        const low = step(quiet, { minReplicas: 2, lowest: 1 });
        assert.deepEqual([low.floors![0], low.floors![40]], [1, 2]);
        assert.match(
            step(quiet, { minReplicas: 2, lowest: 3 }).reason!,
            /static floor 2: nothing to schedule \(backtest: scheduled 1\.000 vs static 1\.000 over 3 held-out days\)$/,
        );
    });
});
