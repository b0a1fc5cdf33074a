/**
 * The floor (minReplicas) search on replays small enough to work on paper (issue 20): every
 * expected number below is worked out by hand in the comments, not taken from the code.
 *
 * The HPA as the simulator replays it: a sync every 15 s, tolerance 0.1, proposal
 * ceil(load / (capacity × target)), scale-up by max(4 pods, 100 %) per 15 s unless the behavior
 * says otherwise, new pods ready 60 s (4 ticks) after they are created; a tick is
 * under-provisioned when load / capacity > ready pods.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import { replay, type Trajectory } from "../../../forecast/simulator";
import { floorCurve, floorFromHistory, searchFloor } from "../../../forecast/sizing";

const trajectory = (replicas: number[], ready: number[], need: number[], oracleTicks: number): Trajectory => ({
    time: Float64Array.from(replicas, (_, k) => 15 * k),
    replicas: Int32Array.from(replicas),
    ready: Int32Array.from(ready),
    need: Float64Array.from(need),
    oracleTicks,
});

describe("floorCurve on hand-made trajectories", () => {
    test("a trajectory with a shortfall: cost and under-provisioned fraction per floor", () => {
        // Tick:        0  1    2  3
        // replicas     2  4    3  5
        // ready        2  1    3  5
        // need         1  3.5  2  4.5
        // Floor f holds max(f, replicas) pods and max(f, ready) ready pods. Short: tick 1 misses
        // 3.5 − max(f, 1) for f ≤ 3 (2.5, 1.5, 0.5); tick 3 misses 4.5 − 5 < 0 never.
        // Pods Σ max(f, r): f=1: 14, f=2: 14, f=3: 3+4+3+5 = 15, f=4: 4+4+4+5 = 17, f=5: 20.
        // Cost = (pods + 10 × short) / oracle ticks (10): f=1: (14 + 25) / 10 = 3.9, f=2: 2.9,
        // f=3: 2.0, f=4: 1.7, f=5: 2.0. Under: 1 tick of 4 for f ≤ 3, none above.
        const tr = trajectory([2, 4, 3, 5], [2, 1, 3, 5], [1, 3.5, 2, 4.5], 10);
        const curve = floorCurve(tr, 1, 5);
        assert.deepEqual(
            curve.map((p) => p.floor),
            [1, 2, 3, 4, 5],
        );
        const near = (a: number[], b: number[]) => a.every((x, i) => Math.abs(x - b[i]) < 1e-12) && a.length === b.length;
        assert.ok(
            near(
                curve.map((p) => p.cost),
                [3.9, 2.9, 2.0, 1.7, 2.0],
            ),
            JSON.stringify(curve),
        );
        assert.deepEqual(
            curve.map((p) => p.under),
            [0.25, 0.25, 0.25, 0, 0],
        );
        // A window of the same curve (the trajectory never goes below its lowest floor, as a
        // replay at that floor would not): floors 2 to 4, priced the same.
        const part = floorCurve(tr, 2, 4);
        assert.deepEqual(
            part.map((p) => [p.floor, p.under]),
            [
                [2, 0.25],
                [3, 0.25],
                [4, 0],
            ],
        );
        assert.ok(
            near(
                part.map((p) => p.cost),
                [2.9, 2.0, 1.7],
            ),
            JSON.stringify(part),
        );
        // Nothing to price: an empty range, no ticks, no oracle.
        assert.deepEqual(floorCurve(tr, 4, 3), []);
        assert.deepEqual(floorCurve(trajectory([], [], [], 0), 1, 3), []);
        assert.deepEqual(floorCurve(trajectory([1], [1], [2], 0), 1, 3), []);
        // One floor: [lo, lo].
        assert.deepEqual(floorCurve(tr, 2, 2), [{ floor: 2, cost: 2.9, under: 0.25 }]);
    });
    test("a need of exactly n pods is met by n ready pods, and one a hair above n too (the 1e-9 forgiveness)", () => {
        // Tick 0: need 3 at ready 1: floors 1 and 2 are short (2 and 1 pods), floor 3 is not (3 > 3 is false).
        // Tick 1: need 2.0000000001 at ready 1 rounds to 2 (the 1e-9 forgiveness): short 1 at floor 1 only.
        // Tick 2: need 3 at ready 3: never short. Tick 3: need 3 + 1e-9 at ready 3: not short either (the forgiveness is inclusive).
        const tr = trajectory([1, 1, 3, 3], [1, 1, 3, 3], [3, 2 + 1e-10, 3, 3 + 1e-9], 4);
        const curve = floorCurve(tr, 1, 3);
        // Pods: f=1: 1 + 1 + 3 + 3 = 8, f=2: 10, f=3: 12. f=1: (8 + 10 × 3.0000000001) / 4; f=2: (10 + 10 × 1) / 4; f=3: 12 / 4.
        assert.ok(Math.abs(curve[0].cost - 9.5) < 1e-8, JSON.stringify(curve));
        assert.equal(curve[1].cost, 5);
        assert.equal(curve[2].cost, 3);
        assert.deepEqual(
            curve.map((p) => p.under),
            [0.5, 0.25, 0],
        );
    });
});

/**
 * A 5-tick replay with a shortfall, worked on paper: capacity 100 req/s per pod, target 50 %
 * (50 req/s per pod at the target), load 50, 300, 300, 300, 300 req/s every 15 s, bounds 1..10.
 * t=0: 1 pod (the first proposal, 50 / 50), need 0.5.
 * t=15: proposal 300 / 50 = 6, scale-up limited to max(1 + 4, 2 × 1) = 5; 4 new pods ready at 75 s.
 * t=30: at 5 pods the ratio is 300 / 5 / 50 = 1.2 (outside the tolerance): 6; one more pod, ready at 90 s.
 * t=45, t=60: 6 pods, 1 ready; need 3: short 2 pods each tick from t=15 on.
 * Pods 1 + 5 + 6 + 6 + 6 = 24; oracle 1 + 6 + 6 + 6 + 6 = 25; short 4 × 2 = 8; under 4 of 5 ticks.
 */
describe("a 5-tick replay with a shortfall, and the floors it prices", () => {
    const history = {
        start: 0,
        step: 15,
        metrics: [{ name: "rps", load: [50, 300, 300, 300, 300], capacityPerPod: 100, targetUtilization: 0.5 }],
    };
    test("the replay at floor 1", () => {
        const r = replay({ ...history, bounds: { minReplicas: 1, maxReplicas: 10 }, recordTrajectory: true });
        assert.deepEqual(Array.from(r.trajectory!.replicas), [1, 5, 6, 6, 6]);
        assert.deepEqual(Array.from(r.trajectory!.ready), [1, 1, 1, 1, 1]);
        assert.deepEqual(Array.from(r.trajectory!.need), [0.5, 3, 3, 3, 3]);
        assert.equal(r.trajectory!.oracleTicks, 25);
        assert.equal(r.underProvisionedFraction, 0.8);
        // (24 + 10 × 8) / 25 = 4.16; 8 pod-ticks of 15 s = 1/30 pod-hour.
        assert.ok(Math.abs(r.weightedCost - 4.16) < 1e-12, `${r.weightedCost}`);
        assert.ok(Math.abs(r.shortfallPodHours - 1 / 30) < 1e-12, `${r.shortfallPodHours}`);
        // Floor f: pods f + 5∨f + 6 + 6 + 6, short 4 × max(0, 3 − f):
        // f=2: (25 + 40) / 25 = 2.6; f=3: 26 / 25 = 1.04; f=4: 1.08; f=5: 1.12; f=6: 30 / 25 = 1.2.
        const curve = floorCurve(r.trajectory!, 1, 6);
        const expected = [
            [1, 4.16, 0.8],
            [2, 2.6, 0.8],
            [3, 1.04, 0],
            [4, 1.08, 0],
            [5, 1.12, 0],
            [6, 1.2, 0],
        ];
        for (const [i, [floor, cost, under]] of expected.entries()) {
            assert.equal(curve[i].floor, floor);
            assert.ok(Math.abs(curve[i].cost - cost) < 1e-12, `floor ${floor}: ${curve[i].cost}`);
            assert.equal(curve[i].under, under);
        }
    });
    test("searchFloor takes the cheapest floor even when a lower one is within the target", () => {
        // Any under-provisioning accepted (target 1): floor 1 qualifies, but floor 3 costs 1.04
        // against 4.16. The exact replay at 3: 3 pods at t=0, 6 from t=15, 3 ready ≥ need 3.
        const s = searchFloor(history, 1, 10, { underProvisionedTarget: 1 })!;
        assert.equal(s.floor, 3);
        assert.equal(s.replays, 2); // the trajectory at 1, the check at 3
        assert.equal(s.exact.underProvisionedFraction, 0);
        // (3 + 6 × 4) pods, 25 oracle ticks: 27 / 25 = 1.08 (the curve priced 1.04: the exact
        // replay scales to 6 at once from 3, not to 5 first).
        assert.ok(Math.abs(s.exact.weightedCost - 1.08) < 1e-12, `${s.exact.weightedCost}`);
        assert.equal(floorFromHistory(history, 1, 10, { underProvisionedTarget: 1 }), 3);
        // The check replays cheaply: no event list, no trajectory (it scaled once, 3 → 6 at t=15).
        assert.deepEqual([s.exact.scaleEventCount, s.exact.scaleEvents, s.exact.trajectory], [1, [], undefined]);
    });
    test("no history: no search; a history without load or data: the lowest floor, from one replay", () => {
        const empty = { ...history, metrics: [{ ...history.metrics[0], load: [] }] };
        assert.equal(searchFloor(empty, 1, 10, { underProvisionedTarget: 1 }), undefined);
        assert.equal(floorFromHistory(empty, 2, 10, { underProvisionedTarget: 1 }), 2);
        // No load: nothing to price (no oracle pods); gaps only: no scored tick.
        for (const [load, ticks] of [
            [[0, 0, 0], 3],
            [[NaN, NaN], 0],
        ] as const) {
            const s = searchFloor({ ...history, metrics: [{ ...history.metrics[0], load }] }, 2, 10, { underProvisionedTarget: 0 })!;
            assert.deepEqual([s.floor, s.replays, s.exact.ticks], [2, 1, ticks]);
        }
    });
    test("the lowest floor already cheapest: no second replay", () => {
        // From lo = 3 the curve starts at its minimum (1.04): the base replay is the exact one.
        const s = searchFloor(history, 3, 10, { underProvisionedTarget: 0 })!;
        assert.equal(s.floor, 3);
        assert.equal(s.replays, 1);
        assert.equal(s.exact.underProvisionedFraction, 0);
        // A negative lo is floor 0: the replay starts at its own first proposal (1 pod), as at floor 1.
        assert.equal(searchFloor(history, -2, 10, { underProvisionedTarget: 1 })!.floor, 3);
    });
});

/**
 * Where the curve is optimistic and the exact replay corrects it (the binary search): capacity
 * and target 100 req/s per pod, scale-up by up to 10 pods per 15 s; 30 ticks at 100 req/s, then
 * 20 ticks at 540 req/s (need 5.4 pods). Bounds 1..10.
 * Floor 1: 1 pod, then at tick 30 the proposal ceil(5.4) = 6 at once; 5 pods unready for ticks
 * 30–33: 4 under-provisioned ticks of 50 (0.08), short 4.4 pods each.
 * The curve from it: a floor f ≤ 5 leaves those 4 ticks short by 5.4 − f, f ≥ 6 none.
 * Pods 30·f + 20·6 for f ≤ 6; oracle 30 × 1 + 20 × 6 = 150:
 * cost(f ≤ 5) = (30 f + 120 + 10 × 4 × (5.4 − f)) / 150 = (336 − 10 f) / 150, lowest at f = 5
 * (286 / 150 = 1.907); cost(6) = 300 / 150 = 2.0. Target 0.1: floor 5 (under 0.08) qualifies.
 * But the exact replay at 5 never scales: 540 / 5 pods / 100 = 1.08 is within the tolerance, so
 * 5 pods stay and all 20 ticks at 540 are short: 0.4 > 0.1. The search raises it: 10 (no miss),
 * then 7 (5.4 / 7 proposes 6, held at the floor 7: no miss), then 6 (540 / 6 / 100 = 0.9, within
 * the tolerance: 6 pods, none short). Floor 6, after 5 replays (1, 5, 10, 7, 6).
 */
describe("the exact replay corrects an optimistic curve", () => {
    const load = [...Array<number>(30).fill(100), ...Array<number>(20).fill(540)];
    const history = { start: 0, step: 15, metrics: [{ name: "rps", load, capacityPerPod: 100, targetUtilization: 1 }] };
    const behavior: HorizontalPodAutoscalerBehavior = { scaleUp: { policies: [{ type: "Pods", value: 10, periodSeconds: 15 }] } };
    test("the curve from floor 1 prefers floor 5", () => {
        const base = replay({ ...history, bounds: { minReplicas: 1, maxReplicas: 10 }, behavior, recordTrajectory: true });
        assert.equal(base.underProvisionedFraction, 0.08);
        const curve = floorCurve(base.trajectory!, 1, 10);
        const cost = [326, 316, 306, 296, 286, 300, 350, 400, 450, 500].map((x) => x / 150);
        curve.forEach((p, i) => assert.ok(Math.abs(p.cost - cost[i]) < 1e-12, `floor ${p.floor}: ${p.cost} vs ${cost[i]}`));
        assert.deepEqual(
            curve.map((p) => p.under),
            [0.08, 0.08, 0.08, 0.08, 0.08, 0, 0, 0, 0, 0],
        );
        const at5 = replay({ ...history, bounds: { minReplicas: 5, maxReplicas: 10 }, behavior });
        assert.equal(at5.underProvisionedFraction, 0.4);
        assert.equal(at5.scaleEventCount, 0);
    });
    test("the binary search over exact replays lands on floor 6", () => {
        const s = searchFloor(history, 1, 10, { underProvisionedTarget: 0.1, behavior })!;
        assert.equal(s.floor, 6);
        assert.equal(s.replays, 5);
        assert.equal(s.exact.underProvisionedFraction, 0);
        // The exact result is floor 6's: 6 pods on all 50 ticks against 150 oracle ticks.
        assert.equal(s.exact.ratioToOracle, 2);
        assert.equal(s.exact.finalReplicas, 6);
    });
    test("the target is inclusive: 0.08 accepts the curve's 0.08 at floor 5, which the search then corrects", () => {
        const s = searchFloor(history, 1, 10, { underProvisionedTarget: 0.08, behavior })!;
        assert.deepEqual([s.floor, s.replays], [6, 5]);
    });
    test("the readiness delay reaches the replays: pods ready after 15 s leave one short tick, floor 1 is cheapest", () => {
        // Floor 1: at tick 30 six pods, five ready at the next tick: 1 short tick of 50 (0.02),
        // short 4.4. cost(f ≤ 5) = (30 f + 120 + 10 × (5.4 − f)) / 150: lowest at f = 1 (194 / 150),
        // within the target 0.1: the base replay is the answer.
        const s = searchFloor(history, 1, 10, { underProvisionedTarget: 0.1, behavior, readinessDelaySeconds: 15 })!;
        assert.deepEqual([s.floor, s.replays, s.exact.underProvisionedFraction], [1, 1, 0.02]);
    });
    test("a search capped at max: floor 5 fails, max 6 is the answer after one more replay", () => {
        // Bounds 1..6: the curve's floor 5 is checked (0.4), then max 6 replayed (no miss).
        const s = searchFloor(history, 1, 6, { underProvisionedTarget: 0.1, behavior })!;
        assert.equal(s.floor, 6);
        assert.equal(s.replays, 3);
        assert.equal(s.exact.underProvisionedFraction, 0);
    });
    test("no floor within the target: max, checked once", () => {
        // Target 0: every floor up to 5 misses 4 ticks on the curve, floor 6 none, but the
        // cheapest (5) misses: the first floor above it within the target is 6, exact: no miss.
        const s = searchFloor(history, 1, 10, { underProvisionedTarget: 0, behavior })!;
        assert.equal(s.floor, 6);
        assert.equal(s.replays, 2);
        // Bounds 1..5: no floor on the curve meets target 0: max (5), replayed once: 0.4, returned as is.
        const capped = searchFloor(history, 1, 5, { underProvisionedTarget: 0, behavior })!;
        assert.equal(capped.floor, 5);
        assert.equal(capped.replays, 2);
        assert.equal(capped.exact.underProvisionedFraction, 0.4);
    });
});

/**
 * The HPA's tolerance trap at a raised floor, with target 0 and pods ready at once: capacity and
 * target 100 req/s per pod; load 100, then 4 ticks at 105 (need 1.05), then 4 at 210 (need 2.1); bounds 1..5.
 * Floor 1: 1 pod (105 / 100 = 1.05 is within the tolerance: kept, short 0.05 for 4 ticks), then
 * 210 → ceil(2.1) = 3 pods, ready at once. Oracle 1 + 4 × 2 + 4 × 3 = 21 pods.
 * Curve: floor 1 misses 4 of 9 ticks, cost (17 + 10 × 0.2) / 21 = 0.905, the cheapest; floor 2 misses
 * none (2 ≥ 1.05, 3 ≥ 2.1): cost 22 / 21. Target 0: floor 2. Exactly: at 2 pods 210 is 1.05 of the
 * target, kept: 4 ticks short (4 / 9). Floor 5 (max) misses none: 0, equal to the target, so
 * the search goes on: floor 3 (210 / 3 / 100 = 0.7 proposes 3: kept) misses none. Floor 3, after
 * 4 replays (1, 2, 5, 3).
 */
describe("the tolerance trap at a raised floor", () => {
    test("an exact miss at the curve's floor, max exactly at the target: the binary search still narrows", () => {
        const load = [100, 105, 105, 105, 105, 210, 210, 210, 210];
        const history = { start: 0, step: 15, metrics: [{ name: "rps", load, capacityPerPod: 100, targetUtilization: 1 }] };
        const o = { underProvisionedTarget: 0, readinessDelaySeconds: 0 };
        const base = replay({ ...history, bounds: { minReplicas: 1, maxReplicas: 5 }, readinessDelaySeconds: 0, recordTrajectory: true });
        const curve = floorCurve(base.trajectory!, 1, 5);
        assert.deepEqual(
            curve.map((p) => p.under),
            [4 / 9, 0, 0, 0, 0],
        );
        assert.ok(Math.abs(curve[0].cost - 19 / 21) < 1e-12 && Math.abs(curve[1].cost - 22 / 21) < 1e-12, JSON.stringify(curve));
        assert.equal(
            replay({ ...history, bounds: { minReplicas: 2, maxReplicas: 5 }, readinessDelaySeconds: 0 }).underProvisionedFraction,
            4 / 9,
        );
        const s = searchFloor(history, 1, 5, o)!;
        assert.deepEqual([s.floor, s.replays, s.exact.underProvisionedFraction], [3, 4, 0]);
    });
    test("two trapped floors in a row: the search climbs past both", () => {
        // The same, then 25 ticks at 100 (the floor-1 replay comes back to 1 pod after the 300 s
        // window), then 4 ticks at 320 (need 3.2): floor 1 jumps to ceil(3.2) = 4, the curve's
        // floor 2 still misses nothing. Exactly, floor 2 is trapped at 210 (2.1 / 2 = 1.05) and
        // floor 3 at 320 (3.2 / 3 = 1.067): 4 ticks of 38 each; floor 4 and up miss none.
        // Search over 2..8: 8 passes, 5 passes, 3 fails, 4 passes: floor 4, after 6 replays (1, 2, 8, 5, 3, 4).
        const load = [100, 105, 105, 105, 105, 210, 210, 210, 210, ...Array<number>(25).fill(100), 320, 320, 320, 320];
        const history = { start: 0, step: 15, metrics: [{ name: "rps", load, capacityPerPod: 100, targetUtilization: 1 }] };
        const at = (f: number) =>
            replay({ ...history, bounds: { minReplicas: f, maxReplicas: 8 }, readinessDelaySeconds: 0 }).underProvisionedFraction;
        assert.deepEqual([2, 3, 4, 5].map(at), [4 / 38, 4 / 38, 0, 0]);
        const s = searchFloor(history, 1, 8, { underProvisionedTarget: 0, readinessDelaySeconds: 0 })!;
        assert.deepEqual([s.floor, s.replays], [4, 6]);
    });
});

describe("ties", () => {
    test("floors that cost the same: the lowest is taken", () => {
        // The optimistic-curve history with 40 quiet ticks instead of 30: oracle 40 + 120 = 160,
        // cost(f ≤ 5) = (40 f + 120 + 10 × 4 × (5.4 − f)) / 160 = 336 / 160 = 2.1 for every f: floor 1.
        const load = [...Array<number>(40).fill(100), ...Array<number>(20).fill(540)];
        const history = { start: 0, step: 15, metrics: [{ name: "rps", load, capacityPerPod: 100, targetUtilization: 1 }] };
        const behavior: HorizontalPodAutoscalerBehavior = { scaleUp: { policies: [{ type: "Pods", value: 10, periodSeconds: 15 }] } };
        const s = searchFloor(history, 1, 10, { underProvisionedTarget: 1, behavior })!;
        assert.deepEqual([s.floor, s.replays], [1, 1]);
    });
});
