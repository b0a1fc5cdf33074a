/**
 * forecast/simulator.ts at its edges, each worked by hand (issue 20): the input checks and their
 * messages, a custom controller's state and its rounding and clamping, scores without an oracle
 * or without data, the options (events, sync period, tolerance, initial replicas, scoreFrom),
 * bounds lowered under the current count, and a scale-down that removes unready pods newest first.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { replay, type ControllerState, type ReplayInput } from "../../../forecast/simulator";

/** 80 ticks of 15 s of `load(k)`; capacity 10 per pod at target 0.5: 5 per pod. */
function run(load: (k: number) => number, extra: Partial<ReplayInput> = {}): ReplayInput {
    return {
        start: 0,
        step: 15,
        metrics: [{ name: "rps", load: Array.from({ length: 80 }, (_, k) => load(k)), capacityPerPod: 10, targetUtilization: 0.5 }],
        bounds: { minReplicas: 1, maxReplicas: 20 },
        ...extra,
    };
}
const metric = (name: string, n: number, capacityPerPod = 1, targetUtilization = 1) => ({
    name,
    load: new Array<number>(n).fill(1),
    capacityPerPod,
    targetUtilization,
});

describe("replay's input checks", () => {
    test("bounds: at least one segment, 0 <= min <= max", () => {
        assert.throws(() => replay(run(() => 1, { bounds: [] })), { message: "replay: bounds needs at least one segment" });
        assert.throws(() => replay(run(() => 1, { bounds: { minReplicas: -1, maxReplicas: 3 } })), {
            message: "replay: minReplicas (-1) must be >= 0 and <= maxReplicas (3)",
        });
        assert.throws(() => replay(run(() => 1, { bounds: { minReplicas: NaN, maxReplicas: 3 } })), {
            message: "replay: minReplicas (NaN) must be >= 0 and <= maxReplicas (3)",
        });
        // min = max and min 0 are valid.
        assert.equal(replay(run(() => 20, { bounds: { minReplicas: 3, maxReplicas: 3 } })).finalReplicas, 3);
        assert.equal(replay(run(() => 0, { bounds: { minReplicas: 0, maxReplicas: 3 } })).finalReplicas, 0);
    });
    test("metrics: at least one, the same length, capacity and target above 0", () => {
        const base = run(() => 1);
        assert.throws(() => replay({ ...base, metrics: [] }), { message: "replay: needs at least one metric" });
        assert.throws(() => replay({ ...base, metrics: [metric("a", 2), metric("b", 3)] }), {
            message: "replay: metric b has 3 buckets, a has 2",
        });
        for (const m of [metric("a", 2, 0), metric("a", 2, 1, 0), metric("a", 2, -1), metric("a", 2, NaN)])
            assert.throws(() => replay({ ...base, metrics: [m] }), {
                message: "replay: metric a needs capacityPerPod > 0 and targetUtilization > 0",
            });
        assert.equal(replay({ ...base, metrics: [metric("a", 2, 0.5, 0.5)] }).ticks, 2);
    });
});

describe("a custom controller", () => {
    test("sees the sync's state, and its answer is rounded and clamped to the bounds", () => {
        // 20 per 15 s, 5 per pod: 4 pods at the start; the controller asks 7.4 → 7 at t = 0, the
        // 3 new pods ready at 60 s.
        const seen: ControllerState[] = [];
        const r = replay(
            run(() => 20, {
                controller: (s) => {
                    seen.push(s);
                    return 7.4;
                },
            }),
        );
        assert.deepEqual(r.scaleEvents, [{ t: 0, from: 4, to: 7 }]);
        assert.deepEqual(seen.slice(0, 2), [
            { t: 0, current: 4, ready: 4, loads: [20], minReplicas: 1, maxReplicas: 20 },
            { t: 15, current: 7, ready: 4, loads: [20], minReplicas: 1, maxReplicas: 20 },
        ]);
        // Each tick syncs before pods become ready: the sync at 60 s still sees 4, the next one 7.
        assert.deepEqual([seen[4].ready, seen[5].ready], [4, 7]);
        assert.equal(replay(run(() => 20, { controller: () => 7.6 })).finalReplicas, 8);
        assert.equal(replay(run(() => 20, { controller: () => 100 })).finalReplicas, 20);
        assert.equal(replay(run(() => 20, { controller: () => -5 })).finalReplicas, 1);
    });
});

describe("scores without an oracle or without data", () => {
    test("no load: 2 idle replicas against an oracle of 0 cost infinitely much, nothing is short", () => {
        const r = replay(run(() => 0, { bounds: { minReplicas: 2, maxReplicas: 5 } }));
        assert.equal(r.ticks, 80);
        assert.equal(r.replicaHours, (80 * 2 * 15) / 3600);
        assert.equal(r.oracleReplicaHours, 0);
        assert.equal(r.ratioToOracle, Infinity);
        assert.equal(r.weightedCost, Infinity);
        assert.equal(r.shortfallRatio, 0);
        assert.equal(r.underProvisionedFraction, 0);
        assert.equal(r.finalReplicas, 2);
    });
    test("only gaps: nothing scored, every fraction and ratio 0", () => {
        const r = replay(run(() => NaN));
        assert.deepEqual(
            [r.ticks, r.replicaHours, r.ratioToOracle, r.underProvisionedFraction, r.capHitFraction, r.weightedCost, r.shortfallRatio],
            [0, 0, 0, 0, 0, 0, 0],
        );
    });
});

describe("replay options", () => {
    const upOnly4 = { scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 4, periodSeconds: 60 }] } };
    test("recordEvents false: the events are counted, not kept", () => {
        const r = replay(run((k) => (k < 40 ? 20 : 60), { behavior: upOnly4, recordEvents: false }));
        assert.deepEqual([r.scaleEvents, r.scaleEventCount], [[], 2]);
    });
    test("a 30 s sync: the load stepping up at 615 s is seen at the sync of 630 s (the mean of 615 and 630)", () => {
        const load = (k: number) => (k < 41 ? 20 : 60);
        assert.deepEqual(replay(run(load, { behavior: upOnly4 })).scaleEvents[0], { t: 615, from: 4, to: 8 });
        assert.deepEqual(replay(run(load, { behavior: upOnly4, syncSeconds: 30 })).scaleEvents[0], { t: 630, from: 4, to: 8 });
    });
    test("tolerance: 21.5 on 4 pods (7.5 % over) keeps 4 at 0.1, scales to 5 at 0.05", () => {
        assert.equal(replay(run(() => 21.5, { initialReplicas: 4 })).scaleEventCount, 0);
        assert.deepEqual(replay(run(() => 21.5, { initialReplicas: 4, tolerance: 0.05 })).scaleEvents, [{ t: 0, from: 4, to: 5 }]);
    });
    test("the initial replicas: the first proposal within the bounds, unless given", () => {
        // 200 needs 40 pods: 20 (the max), no event; 1 needs 1: 3 (the min).
        assert.deepEqual([replay(run(() => 200)).finalReplicas, replay(run(() => 200)).scaleEventCount], [20, 0]);
        assert.equal(replay(run(() => 1, { bounds: { minReplicas: 3, maxReplicas: 20 } })).finalReplicas, 3);
        assert.deepEqual(
            replay(run(() => 20, { initialReplicas: 9, behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } })).scaleEvents,
            [{ t: 0, from: 9, to: 4 }],
        );
    });
    test("recordTrajectory: no trajectory unless asked", () => {
        assert.equal(replay(run(() => 20)).trajectory, undefined);
        assert.equal(replay(run(() => 20, { recordTrajectory: false })).trajectory, undefined);
    });
    test("a cap hit is a proposal above maxReplicas, not at it", () => {
        // 20 on 4 pods: 20 / 4 / 5 = 1, the count 4 = max: no cap hit. 25 on 4 pods: 1.25, ceil(5)
        // > 4 at every one of the 80 syncs (the start is min(4, ceil(25 / 5)) = 4).
        assert.equal(replay(run(() => 20, { bounds: { minReplicas: 1, maxReplicas: 4 } })).capHitFraction, 0);
        assert.equal(replay(run(() => 25, { bounds: { minReplicas: 1, maxReplicas: 4 } })).capHitFraction, 1);
    });
    test("scoreFrom: the ticks before it are not scored", () => {
        const r = replay(run(() => 20, { scoreFrom: 600 }));
        assert.deepEqual([r.ticks, r.replicaHours], [40, (40 * 4 * 15) / 3600]);
    });
    test("a segment lowering max under the count scales down at once, past the 300 s down window", () => {
        const r = replay(
            run(() => 20, {
                bounds: [
                    { from: -Infinity, minReplicas: 1, maxReplicas: 20 },
                    { from: 300, minReplicas: 1, maxReplicas: 2 },
                ],
            }),
        );
        assert.deepEqual(r.scaleEvents, [{ t: 300, from: 4, to: 2 }]);
        // From then on the HPA wants 4 with max 2: 40 of 80 ticks... from 300 s, 60 of 80.
        assert.equal(r.capHitFraction, 60 / 80);
    });
});

describe("a scale-down removes the unready pods, newest first", () => {
    test("4 → 8 at 600 s, → 12 at 615 s, → 10 at 630 s: the 2 removed are of the second batch", () => {
        // 60 per sync at 600 and 615 s (12 pods), then 50 (10 pods); no down window. The first
        // batch (4 pods) is ready at 660 s, the second (4, then 2) at 675 s: ready 4, 4, 8, 10 from
        // 630 s. Oldest first would leave 2 + 4 unready: 6 ready at 660 s.
        const r = replay(
            run((k) => (k < 40 ? 20 : k < 42 ? 60 : 50), {
                behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
                recordTrajectory: true,
            }),
        );
        assert.deepEqual(r.scaleEvents, [
            { t: 600, from: 4, to: 8 },
            { t: 615, from: 8, to: 12 },
            { t: 630, from: 12, to: 10 },
        ]);
        const tr = r.trajectory!;
        assert.deepEqual([...tr.ready.subarray(40, 46)], [4, 4, 4, 4, 8, 10]);
        assert.deepEqual([...tr.replicas.subarray(40, 46)], [8, 12, 10, 10, 10, 10]);
        assert.deepEqual([...tr.need.subarray(39, 43)], [2, 6, 6, 5]);
        // Short at 600 and 615 s (6 needed, 4 ready) and at 630 and 645 s (5 needed, 4 ready).
        assert.equal(r.underProvisionedFraction, 4 / 80);
        assert.equal(r.shortfallPodHours, ((2 + 2 + 1 + 1) * 15) / 3600);
    });
    test("all of a batch removed before it is ready: the ready count is the old pods'", () => {
        // 60 for one sync (8 pods, 4 unready), then 20: back to 4 at 615 s, all 4 ready.
        const r = replay(
            run((k) => (k === 40 ? 60 : 20), { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } }, recordTrajectory: true }),
        );
        assert.deepEqual(r.scaleEvents, [
            { t: 600, from: 4, to: 8 },
            { t: 615, from: 8, to: 4 },
        ]);
        assert.deepEqual([...r.trajectory!.ready.subarray(40, 46)], [4, 4, 4, 4, 4, 4]);
        assert.equal(r.underProvisionedFraction, 1 / 80);
    });
});

describe("fast-forward: the ticks a quiet sync stands for", () => {
    /** 60 s buckets, a 15 s sync: 4 ticks per bucket; 5 per pod. */
    const buckets = (load: number[], extra: Partial<ReplayInput> = {}): ReplayInput => ({
        start: 0,
        step: 60,
        metrics: [{ name: "x", load, capacityPerPod: 10, targetUtilization: 0.5 }],
        bounds: { minReplicas: 1, maxReplicas: 20 },
        ...extra,
    });
    const steps = (input: ReplayInput) => [replay(input).steps, replay({ ...input, fastForward: false }).steps];
    test("a quiet bucket is one step; new pods becoming ready cut it", () => {
        // 10 quiet buckets: 10 steps for 40 ticks.
        assert.deepEqual(steps(buckets(new Array<number>(10).fill(20))), [10, 40]);
        // 20, then 60 (12 pods): 4 → 8 at 60 s, → 12 at 75 s (ready at 120 and 135 s). Steps at
        // 0 (the whole bucket), 60, 75, 90 (to 105: the next pods are ready at 120), 120 and 135
        // (each a pod batch's tick), 150 (to 165) and 180 (the last bucket): 8 for 16 ticks.
        assert.deepEqual(steps(buckets([20, 60, 60, 60])), [8, 16]);
    });
    test("the scoring start and the next bounds segment cut it", () => {
        // scoreFrom 30 s: ticks 0-1, then 2-3, then three whole buckets.
        assert.deepEqual(steps(buckets([20, 20, 20, 20], { scoreFrom: 30 })), [5, 16]);
        // A segment from 100 s: ticks 0-3, 4-6 (up to 90 s), 7, then two whole buckets.
        const bounds = [
            { from: -Infinity, minReplicas: 1, maxReplicas: 20 },
            { from: 100, minReplicas: 1, maxReplicas: 20 },
        ];
        assert.deepEqual(steps(buckets([20, 20, 20, 20], { bounds })), [5, 16]);
    });
    test("a stabilization window holding the count: until its newest entry at or beyond the count expires", () => {
        // Up window 60 s, 20 then 60: the whole first bucket says 4 (the window's entry retimed to
        // 45 s); from 60 s the window's lowest is that 4 until 105 s: ticks 4-6 in one step, 4 → 8
        // at 105 s, → 12 at 120 s, then cut at 165 and 180 s (pods ready). 9 steps for 20 ticks.
        const up = buckets([20, 60, 60, 60, 60], { behavior: { scaleUp: { stabilizationWindowSeconds: 60 } } });
        assert.deepEqual(steps(up), [9, 20]);
        assert.deepEqual(replay(up).scaleEvents, [
            { t: 105, from: 4, to: 8 },
            { t: 120, from: 8, to: 12 },
        ]);
        // Down window 120 s, 60 then 20: 12 holds until the 12 of 45 s leaves the window at 165 s
        // (ticks 4-7, 8-10), then 12 → 4; 9 steps for 32 ticks.
        const down = buckets([60, 20, 20, 20, 20, 20, 20, 20], { behavior: { scaleDown: { stabilizationWindowSeconds: 120 } } });
        assert.deepEqual(steps(down), [9, 32]);
        assert.deepEqual(replay(down).scaleEvents, [{ t: 165, from: 12, to: 4 }]);
    });
    test("the up window's newest entry at or below the count sets the hold, not its lowest", () => {
        // Up window 120 s, buckets 20, 15, 20, 40, 40, 40 (4, 3, 4, 8, 8, 8 pods at 5 per pod on 4).
        // Step 1 (0-45 s): 4 kept, entries retimed to 45 s. Step 2 (60-105 s): 3, the down window's
        // 4 of 45 s holds 4 (until 345 s); up window [3@105]. Step 3 (120-165 s): 4; up window
        // [3@105, 4@165]. Step 4 (180 s): 8; up window [3@105, 4@165, 8@180], lowest 3: 4 kept
        // until the newest entry at or below 4, the 4 of 165 s, expires at 165 + 120 = 285 s; the
        // bucket ends first (ticks 12-15; not the 3's 105 + 120 = 225 s, ticks 12-14). Step 5
        // (240 s): the 3 left the window (105 <= 240 - 120), [4@165, 8@240], ticks 16-18 up to
        // 285 s. Step 6 (285 s): [8@285], 4 → 8 (Pods 4 and 100 % both allow 8), ready at 345 s.
        // Step 7 (300-330 s, up to the pods' 345 s), step 8 (345 s): 8 steps for 24 ticks.
        const up = buckets([20, 15, 20, 40, 40, 40], { behavior: { scaleUp: { stabilizationWindowSeconds: 120 } } });
        assert.deepEqual(steps(up), [8, 24]);
        assert.deepEqual(replay(up).scaleEvents, [{ t: 285, from: 4, to: 8 }]);
        assert.deepEqual(replay({ ...up, fastForward: false }).scaleEvents, [{ t: 285, from: 4, to: 8 }]);
    });
});
