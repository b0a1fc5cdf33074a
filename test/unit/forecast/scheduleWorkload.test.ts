/**
 * forecast/scheduleWorkload.ts on hand-made plans (issue 20: the schedule in the shape the program
 * publishes, worked by hand): the note when off or when the backtest keeps the static floor, the
 * lowest floor from the guardrails, the floor search's replay reused only under the same bounds,
 * and the band per slot read from the forecast step containing the slot's start.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { API_BEHAVIOR } from "../../../lib/hpa";
import type { WorkloadPlan } from "../../../forecast/plan";
import { HOLD_SECONDS, lowerBand, workloadSchedule } from "../../../forecast/scheduleWorkload";
import { DEFAULT_SETTINGS, type ForecastSettings, type WorkloadInput } from "../../../forecast/stack";
import type { Trajectory } from "../../../forecast/simulator";

const DAY = 86400;
const T0 = 20000 * DAY;
/** 7 days at 1 minute: 35 req/s, 560 req/s from 10:00 to 11:00 (8 pods at the 70 % target). */
const RAMP = Float64Array.from({ length: 7 * 1440 }, (_, i) => (Math.floor((i % 1440) / 60) === 10 ? 560 : 35));
const FLAT = new Float64Array(7 * 1440).fill(35);
const CAPACITY = [{ name: "requests", capacityPerPod: 100, targetUtilization: 0.7 }];
/** 24 h of 15-minute slots from the origin (T0 + 7 days), the step's other settings the defaults. */
const SETTINGS: ForecastSettings = { ...DEFAULT_SETTINGS, scheduleHorizonHours: 24, scheduleSlotMinutes: 15 };

const input = (guardrails = { minReplicas: 1, maxReplicas: 20, policyMinimum: 1 }): WorkloadInput => ({
    name: "api",
    kind: "api",
    current: { minReplicas: 1, maxReplicas: 20 },
    metrics: [],
    guardrails,
    behavior: API_BEHAVIOR,
});

/** A plan whose history (3600 s steps) ends at the origin, its forecast point and upper band given per hour. */
function plan(load: Float64Array, point: number[], upper: number[], replayed?: WorkloadPlan["scenario"]["replayed"]): WorkloadPlan {
    const history = { start: T0, step: 3600, values: new Float64Array(7 * 24) };
    return {
        metrics: [
            {
                name: "requests",
                forecast: { point: Float64Array.from(point), upper: Float64Array.from(upper) } as never,
                peakFactor: 1,
                forecastPeak: 0,
                recentPeak: 0,
                history,
                floorScales: [],
            },
        ],
        rawMinReplicas: 1,
        rawMaxReplicas: 20,
        neededMaxReplicas: 20,
        scenario: { start: T0, step: 60, loads: [load], replayed },
    };
}

/** A trajectory of two days with one tick at each given hour needing that many pods (1 replica, 1 ready). */
function hourNeeds(needs: Readonly<Record<number, number>>): Trajectory {
    const time: number[] = [];
    const need: number[] = [];
    for (const d of [0, 1])
        for (const [h, n] of Object.entries(needs)) {
            time.push(T0 + d * DAY + Number(h) * 3600);
            need.push(n);
        }
    return {
        time: Float64Array.from(time),
        replicas: new Int32Array(time.length).fill(1),
        ready: new Int32Array(time.length).fill(1),
        need: Float64Array.from(need),
        oracleTicks: time.length,
    };
}

/** The schedule of the api input under the bounds 1..20 from `origin`, 24 h of 15-minute slots. */
const schedule = (p: WorkloadPlan, origin: number) =>
    workloadSchedule(input(), p, CAPACITY, SETTINGS, { minReplicas: 1, maxReplicas: 20 }, origin);

describe("workloadSchedule", () => {
    test("off: no schedule, the note says so", () => {
        const off = workloadSchedule(
            input(),
            plan(RAMP, [1], [1]),
            CAPACITY,
            { ...SETTINGS, scheduleEnabled: false },
            { minReplicas: 1, maxReplicas: 20 },
            T0 + 7 * DAY,
        );
        assert.deepEqual(off, { scheduleNote: "forecast.schedule.enabled is off: the static floor" });
    });

    test("a flat load: the note names the workload, the backtest's reason and the static floor kept", () => {
        const r = schedule(plan(FLAT, [1], [1]), T0 + 7 * DAY);
        assert.deepEqual(r, {
            scheduleNote:
                "api: every hour's cheapest floor on the replayed days is the static floor 1: nothing to schedule (backtest: scheduled 1.000 vs static 1.000 over 7 held-out days); keeps the static floor 1",
            scheduleKept: "flat",
            // A flat load: every day under every other day's floors costs what the static floor costs.
            scheduleBacktest: { days: 7, scheduledCost: 1, staticCost: 1 },
        });
    });

    test("the daily ramp: 96 slots from the origin, 6 pods from 09:45 to 10:45, the band per slot from the hour containing it", () => {
        // Hours 0 and 1 of the forecast: point 10 and 20, upper 15 and 22 → lower 2 × 10 − 15 = 5
        // and 2 × 20 − 22 = 18; slots 0-3 read hour 0, slots 4 and later hour 1 (the last one).
        const r = schedule(plan(RAMP, [10, 20], [15, 22]), T0 + 7 * DAY);
        const s = r.schedule!;
        assert.equal(r.scheduleNote, undefined);
        assert.deepEqual([s.start, s.stepSeconds, s.floors.length, s.minReplicas], [T0 + 7 * DAY, 900, 96, 1]);
        assert.deepEqual(
            s.floors.map((f, i) => (f === 6 ? i : -1)).filter((i) => i >= 0),
            [39, 40, 41, 42, 43],
        );
        assert.equal(s.floors.filter((f) => f === 1).length, 91);
        assert.deepEqual(s.bands.length, 1);
        assert.equal(s.bands[0].metric, "requests");
        assert.deepEqual(s.bands[0].lower.slice(0, 6), [5, 5, 5, 5, 18, 18]);
        assert.deepEqual(s.bands[0].upper.slice(0, 6), [15, 15, 15, 15, 22, 22]);
        assert.deepEqual([s.bands[0].lower.length, s.bands[0].upper.length, s.bands[0].upper[95]], [96, 96, 22]);
        // The band's headroom is priced (the placeholders read it): the highest floor 6, the band at its
        // peak 18..22 (slot 4, the first at 22): 6 × (22 − 18) ÷ (2 × 22) = 0.55, so 1 pod.
        assert.equal(r.headroom?.pods, 1);
    });

    test("an origin before the history's end reads the forecast's first step", () => {
        const r = schedule(plan(RAMP, [10, 20], [15, 22]), T0 + 7 * DAY - 7200);
        assert.deepEqual(r.schedule!.bands[0].upper.slice(0, 9), [15, 15, 15, 15, 15, 15, 15, 15, 15]);
        assert.equal(r.schedule!.bands[0].upper[12], 22);
    });

    test("the lowest floor: the guardrails' static minimum (and the policy minimum), never above the sized minReplicas", () => {
        const proposed = { minReplicas: 5, maxReplicas: 20 };
        const at = (g: { minReplicas: number; maxReplicas: number; policyMinimum: number }) =>
            workloadSchedule(input(g), plan(RAMP, [1], [1]), CAPACITY, SETTINGS, proposed, T0 + 7 * DAY);
        // Guardrail minimum 2, policy minimum 3: quiet hours go down to 3; the ramp's hour keeps 6.
        const s = at({ minReplicas: 2, maxReplicas: 20, policyMinimum: 3 }).schedule!;
        assert.equal(s.minReplicas, 3);
        assert.deepEqual([Math.min(...s.floors), Math.max(...s.floors)], [3, 6]);
        assert.equal(at({ minReplicas: 4, maxReplicas: 20, policyMinimum: 1 }).schedule!.minReplicas, 4);
        // A guardrail minimum above the sized one: the sized 5 (the ramp's hour still needs 6).
        const high = at({ minReplicas: 6, maxReplicas: 20, policyMinimum: 1 }).schedule!;
        assert.deepEqual([high.minReplicas, Math.min(...high.floors), Math.max(...high.floors)], [5, 5, 6]);
    });

    test("the floor search's replay is reused only when its bounds are the schedule's", () => {
        // Two days, each needing 9 pods in the tick at 03:00 and 1 at 04:00: with this replay the
        // hourly floor at 03:00 is 9 (the flat load itself would schedule nothing).
        const trajectory = hourNeeds({ 3: 9, 4: 1 });
        const proposed = { minReplicas: 1, maxReplicas: 20 };
        const run = (replayed: WorkloadPlan["scenario"]["replayed"]) =>
            workloadSchedule(input(), plan(FLAT, [1], [1], replayed), CAPACITY, SETTINGS, proposed, T0 + 7 * DAY);
        const reused = run({ minReplicas: 1, maxReplicas: 20, trajectory }).schedule!;
        // 03:00 is slot 12; the 150 s lead raises 02:45 (slot 11) as well.
        assert.deepEqual(
            reused.floors.map((f, i) => (f === 9 ? i : -1)).filter((i) => i >= 0),
            [11, 12, 13, 14, 15],
        );
        for (const other of [
            { minReplicas: 2, maxReplicas: 20, trajectory },
            { minReplicas: 1, maxReplicas: 19, trajectory },
        ])
            assert.match(run(other).scheduleNote!, /^api: every hour's cheapest floor on the replayed days is the static floor 1/);
        assert.match(run(undefined).scheduleNote!, /nothing to schedule/);
    });

    test("dips shorter than an hour are filled: 9 pods at 03:00 and 05:00, 1 at 04:00 → 9 from 02:45 to 06:00", () => {
        // Led by one slot: 9 at slots 11-15 and 19-23, 1 at 16-18; the 3-slot dip is under the 4-slot hold.
        assert.equal(HOLD_SECONDS, 3600);
        const trajectory = hourNeeds({ 3: 9, 4: 1, 5: 9 });
        const s = schedule(plan(FLAT, [1], [1], { minReplicas: 1, maxReplicas: 20, trajectory }), T0 + 7 * DAY).schedule!;
        assert.deepEqual(
            s.floors.map((f, i) => (f === 9 ? i : -1)).filter((i) => i >= 0),
            Array.from({ length: 13 }, (_, k) => 11 + k),
        );
    });
});

describe("lowerBand", () => {
    test("the point less the upper band's width, at least 0", () => {
        assert.deepEqual([...lowerBand([10, 20, 3], [15, 22, 9])], [5, 18, 0]);
    });
    test("property: never negative, never above the point when the upper band is at or above it", () => {
        fc.assert(
            fc.property(
                fc.array(fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true })), {
                    minLength: 1,
                    maxLength: 20,
                }),
                (pairs) => {
                    const point = pairs.map(([p]) => p);
                    const upper = pairs.map(([p, w]) => p + w);
                    const lower = lowerBand(point, upper);
                    lower.forEach((l, i) => assert.ok(l >= 0 && l <= point[i] + 1e-9, `${l} ${point[i]}`));
                },
            ),
            { numRuns: 200 },
        );
    });
});
