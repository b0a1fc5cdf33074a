/**
 * forecast/simulator.ts on short replays worked on paper (issue 20): Kubernetes' default 300 s
 * scale-down window, the HPA's mean over a sync of short buckets, fast-forward over whole buckets
 * only, loads the HPA cannot read (Infinity), a workload at 0, a ratio exactly at the tolerance,
 * a load of 0, and how many steps a quiet replay takes when no window holds the count. Capacity
 * 100 per pod at target 0.5 throughout: 50 per pod.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { replay, type ReplayInput } from "../../../forecast/simulator";

/** `load` in buckets of `step` seconds from 0, one metric of 50 per pod, bounds 1..10. */
const input = (step: number, load: number[], extra: Partial<ReplayInput> = {}): ReplayInput => ({
    start: 0,
    step,
    metrics: [{ name: "rps", load, capacityPerPod: 100, targetUtilization: 0.5 }],
    bounds: { minReplicas: 1, maxReplicas: 10 },
    ...extra,
});
const fill = (n: number, x: number) => new Array<number>(n).fill(x);

describe("the HPA's defaults and what it reads", () => {
    test("without a behavior, scale-down waits for Kubernetes' 300 s window: the last 10 (45 s) leaves it at 345 s", () => {
        // 500 (10 pods) for 4 syncs, then 50 (1 pod): every sync from 60 s proposes 1, the window's
        // highest stays 10 while the sync of 45 s is in it (45 > t - 300), so until t = 345 s.
        const r = replay(input(15, [...fill(4, 500), ...fill(40, 50)]));
        assert.deepEqual(r.scaleEvents, [{ t: 345, from: 10, to: 1 }]);
    });

    test("buckets of 5 s: the sync of 15 s reads the mean of the three buckets since the last sync", () => {
        // 50, then 250, 250, 50: the sync at 15 s sees (250 + 250 + 50) / 3 = 183.3, ceil(3.67) = 4
        // pods (the last bucket alone, 50, would keep 1). At 30 s the mean 50 proposes 1; the
        // 300 s down window keeps 4.
        const r = replay(input(5, [50, 250, 250, ...fill(9, 50)]));
        assert.deepEqual(r.scaleEvents, [{ t: 15, from: 1, to: 4 }]);
    });

    test("an infinite load is a metric the HPA cannot read: the sync is skipped and the tick not scored", () => {
        const r = replay(input(15, [50, Infinity, 50, 50]));
        assert.deepEqual([r.scaleEvents, r.ticks, r.finalReplicas], [[], 3, 1]);
    });

    test("from 0 replicas (min 0) the tolerance does not apply: a load of exactly one pod starts 1", () => {
        // ratio 50 / max(0, 1) / 50 = 1 is within 0.1 of 1, but with no pod running the HPA scales.
        const r = replay(input(15, fill(4, 50), { bounds: { minReplicas: 0, maxReplicas: 5 } }));
        assert.deepEqual([r.finalReplicas, r.scaleEvents, r.replicaHours], [1, [], (4 * 15) / 3600]);
    });

    test("a ratio exactly at the tolerance keeps the count: 150 on 2 pods is 1.5, tolerance 0.5", () => {
        const r = replay(input(15, fill(4, 150), { initialReplicas: 2, tolerance: 0.5 }));
        assert.deepEqual([r.scaleEvents, r.finalReplicas], [[], 2]);
        // Just past it, 152 on 2 pods (1.52) scales to ceil(3.04) = 4.
        assert.deepEqual(replay(input(15, fill(4, 152), { initialReplicas: 2, tolerance: 0.5 })).scaleEvents, [{ t: 0, from: 2, to: 4 }]);
    });

    test("a load of 0 proposes 0: 3 replicas go to the minimum 1 at the first sync (no earlier recommendation to hold)", () => {
        const r = replay(input(15, fill(4, 0), { initialReplicas: 3 }));
        assert.deepEqual(r.scaleEvents, [{ t: 0, from: 3, to: 1 }]);
    });

    test("a gap inside a sync of short buckets: the HPA reads the mean of the buckets with data", () => {
        // Buckets of 5 s, a sync every 3 ticks. The sync of 0 s reads bucket 0 (50: 1 pod). The
        // sync of 15 s reads buckets 1-3, 250, NaN, 250: the mean of the two is 250, ratio
        // 250 / 1 / 50 = 5, 5 pods (max(1 + 4 pods, 2 × 1) = 5 allowed). From 30 s 50 on 5 pods
        // proposes 1, held by the 300 s down window. Bucket 2 is not scored: 11 of 12 ticks.
        const r = replay(input(5, [50, 250, NaN, 250, ...fill(8, 50)]));
        assert.deepEqual([r.scaleEvents, r.ticks], [[{ t: 15, from: 1, to: 5 }], 11]);
    });

    test("a metric missing while the rest propose the count: the sync is stabilized and recorded as usual", () => {
        // rps 200 (4 pods) for the syncs of 0-45 s, then 50 (1 pod); queue 50 (1 pod) but missing
        // at 30 and 45 s. The start is max(4, 1) = 4. At 30 and 45 s rps alone proposes 200 / 4 /
        // 50 = 1 (the tolerance keeps 4): not fewer than the count, so the down window records 4
        // at 45 s and the scale-down from 60 s (both propose 1) waits for 45 + 300 = 345 s.
        const queue = fill(30, 50);
        queue[2] = queue[3] = NaN;
        const r = replay({
            ...input(15, [...fill(4, 200), ...fill(26, 50)]),
            metrics: [
                { name: "rps", load: [...fill(4, 200), ...fill(26, 50)], capacityPerPod: 100, targetUtilization: 0.5 },
                { name: "queue", load: queue, capacityPerPod: 100, targetUtilization: 0.5 },
            ],
        });
        assert.deepEqual(r.scaleEvents, [{ t: 345, from: 4, to: 1 }]);
    });
});

describe("the stabilization windows' capacity", () => {
    test("a recommendation falling at every sync: the 120 s down window keeps all nine, the highest leaves first", () => {
        // 1 per pod at target 1, tolerance 0: the proposal is the load. The load falls by 1 at
        // every sync, 10 at 0 s to 2 at 120 s, then 1. The down window holds 10@0, 9@15, ...,
        // 3@105 and 2@120: nine entries (0 is not > 120 − 120, so 10 leaves at 120 s). From 120 s
        // its highest is the entry of t − 105 s: 9 (of 15 s) at 120 s, 8 at 135 s, ..., 1 (of
        // 135 s) at 240 s, each a step a 100 % per 15 s scale-down allows. Buckets of 15 s, then
        // of 1/32 s (480 per sync: the sync of 15m s reads the 480 buckets since the last, all
        // 10 − m), where the windows, sized in ticks, hold 120 × 32 + 2 entries.
        const expected = Array.from({ length: 9 }, (_, i) => ({ t: 120 + 15 * i, from: 10 - i, to: 9 - i }));
        const falling = (step: number, perSync: number) => ({
            start: 0,
            step,
            metrics: [
                {
                    name: "rps",
                    load: Array.from({ length: 20 * perSync }, (_, i) => Math.max(1, 10 - Math.ceil(i / perSync))),
                    capacityPerPod: 1,
                    targetUtilization: 1,
                },
            ],
            bounds: { minReplicas: 1, maxReplicas: 20 },
            tolerance: 0,
            behavior: { scaleDown: { stabilizationWindowSeconds: 120 } },
        });
        assert.deepEqual(replay(falling(15, 1)).scaleEvents, expected);
        assert.deepEqual(replay(falling(1 / 32, 480)).scaleEvents, expected);
    });
});

describe("fast-forward on worked examples", () => {
    test("a quiet stretch ends with its bucket: 1 pod for two 60 s buckets, then 200 (4 pods) at 120 s", () => {
        // Ticks of 15 s, 4 per bucket. Steps: 0 (ticks 0-3), 4 (4-7), 8 (1 → 4; not kept: the
        // count was 1), 9 (9-11: the new pods are ready at 180 s), 12 (the ready tick), 13 (13-15).
        const i = input(60, [50, 50, 200, 200]);
        const r = replay(i);
        assert.deepEqual([r.scaleEvents, r.steps, r.finalReplicas], [[{ t: 120, from: 1, to: 4 }], 6, 4]);
        assert.deepEqual(replay({ ...i, fastForward: false }).scaleEvents, r.scaleEvents);
    });

    test("a proposal equal to the count holds with no window: one step per bucket even with a 0 s down window", () => {
        // 100 is 2 pods, 8 buckets of 4 ticks: each bucket one step.
        const r = replay(input(60, fill(8, 100), { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } }));
        assert.deepEqual([r.steps, r.scaleEvents, r.ticks], [8, [], 32]);
    });

    test("held at minReplicas by a lower proposal: one step per bucket, whatever the down window holds", () => {
        // 50 wants 1 pod, min 2: the recommendation 1 is clamped back to 2 at every sync.
        const r = replay(
            input(60, fill(8, 50), {
                bounds: { minReplicas: 2, maxReplicas: 10 },
                behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
            }),
        );
        assert.deepEqual([r.steps, r.scaleEvents, r.finalReplicas], [8, [], 2]);
    });

    test("buckets of 40 s are not a whole number of 15 s ticks: no fast-forward, every tick a step", () => {
        // 3 buckets: ⌊120 / 15⌋ = 8 ticks.
        const r = replay(input(40, fill(3, 100)));
        assert.deepEqual([r.steps, r.ticks, r.scaleEvents], [8, 8, []]);
    });
});

describe("scale events and the score on worked examples", () => {
    test("Pods 4 per 60 s: the scale-up of 15 s counts only its own 2 pods, so 3 → 5 is allowed", () => {
        // 1 → 3 at 0 s (150: 3 pods), then 500 wants 10: within 60 s of 0 s the start is 3 − 2 = 1,
        // 1 + 4 = 5. At 60 s the 0 s event leaves the period (start 5 − 2 = 3: 7), at 75 s the 15 s
        // one (7 − 2 = 5: 9); at 90 and 105 s the events of 60 and 75 s hold 9; at 120 s 9 − 2 + 4 = 11, max 10.
        const scaleUp = { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 4, periodSeconds: 60 }] };
        const r = replay(input(15, [150, ...fill(11, 500)], { initialReplicas: 1, behavior: { scaleUp } }));
        assert.deepEqual(r.scaleEvents, [
            { t: 0, from: 1, to: 3 },
            { t: 15, from: 3, to: 5 },
            { t: 60, from: 5, to: 7 },
            { t: 75, from: 7, to: 9 },
            { t: 120, from: 9, to: 10 },
        ]);
    });

    test("a batch removed before it is ready leaves no trace: a second scale-down removes ready pods", () => {
        // 4 ready; 400 at 15 s: 4 → 8 (4 pending until 75 s); 200 at 30 s: 8 → 4, the 4 pending go;
        // 100 at 45 s: 4 → 2 from the ready ones (no pending batch left to take from).
        const down = { scaleDown: { stabilizationWindowSeconds: 0 } };
        const r = replay(input(15, [200, 400, 200, 100, 100], { initialReplicas: 4, behavior: down }));
        assert.deepEqual(r.scaleEvents, [
            { t: 15, from: 4, to: 8 },
            { t: 30, from: 8, to: 4 },
            { t: 45, from: 4, to: 2 },
        ]);
    });

    test("two metrics: the oracle, the need and the shortfall are the larger metric's, whichever comes first", () => {
        // At most 2 pods, all ready. rps 400: oracle 8, need 4, short 2; jobs 300: oracle 6, need 3, short 1.
        const metric = (name: string, x: number) => ({ name, load: fill(4, x), capacityPerPod: 100, targetUtilization: 0.5 });
        const r = replay({
            ...input(15, []),
            metrics: [metric("rps", 400), metric("jobs", 300)],
            bounds: { minReplicas: 1, maxReplicas: 2 },
            initialReplicas: 2,
            recordTrajectory: true,
        });
        // 2 pods against an oracle of 8; 2 pods short of 4.
        assert.deepEqual([r.ratioToOracle, r.shortfallRatio, r.underProvisionedFraction, r.capHitFraction], [0.25, 0.25, 1, 1]);
        assert.deepEqual(Array.from(r.trajectory!.need), [4, 4, 4, 4]);
    });
});
