import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { API_BEHAVIOR, WORKER_BEHAVIOR } from "../../../lib/hpa";
import { toGrid } from "../../../forecast/ingest";
import { readSeriesFile } from "../../../tools/forecast/seriesFile";
import { quantile } from "../../../forecast/stats";
import { metricProposal, replay, type ReplayInput } from "../../../forecast/simulator";

/** 80 ticks of 15 s: `a` before t = 600 s, `b` from then on. Capacity 10 per pod, target 0.5 → 5 per pod. */
function step(a: number, b: number, extra: Partial<ReplayInput> = {}): ReplayInput {
    const load = Array.from({ length: 80 }, (_, k) => (k < 40 ? a : b));
    return {
        start: 0,
        step: 15,
        metrics: [{ name: "rps", load, capacityPerPod: 10, targetUtilization: 0.5 }],
        bounds: { minReplicas: 1, maxReplicas: 20 },
        ...extra,
    };
}
const upOnly4 = { scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 4, periodSeconds: 60 }] } };

describe("HPA replay simulator", () => {
    test("constant load at the oracle: no events, ratio 1, nothing under-provisioned", () => {
        const r = replay(step(20, 20));
        assert.equal(r.finalReplicas, 4);
        assert.equal(r.scaleEventCount, 0);
        assert.equal(r.ratioToOracle, 1);
        assert.equal(r.underProvisionedFraction, 0);
        assert.equal(r.replicaHours, (80 * 4 * 15) / 3600);
    });
    test("tolerance 0.1: a 7.5 % excess does not scale, 15 % does (ceil)", () => {
        assert.equal(metricProposal(21.5, 4, 10, 0.5, 0.1), 4);
        assert.equal(metricProposal(23, 4, 10, 0.5, 0.1), 5);
        assert.equal(metricProposal(17, 4, 10, 0.5, 0.1), 4);
        assert.equal(metricProposal(15, 4, 10, 0.5, 0.1), 3);
    });
    test("step up limited to 4 pods per 60 s, pods ready after 60 s: hand-worked replica-hours, shortfall, cost", () => {
        const r = replay(step(20, 60, { behavior: upOnly4 }));
        assert.deepEqual(r.scaleEvents, [
            { t: 600, from: 4, to: 8 },
            { t: 660, from: 8, to: 12 },
        ]);
        // replica ticks: 40×4 + 4×8 + 36×12 = 624; oracle 40×4 + 40×12 = 640; 4 ticks with 4 ready for 6 needed
        assert.equal(r.replicaHours, (624 * 15) / 3600);
        assert.equal(r.oracleReplicaHours, (640 * 15) / 3600);
        assert.ok(Math.abs(r.ratioToOracle - 624 / 640) < 1e-12);
        assert.equal(r.underProvisionedFraction, 4 / 80);
        assert.equal(r.shortfallPodHours, (4 * 2 * 15) / 3600);
        assert.ok(Math.abs(r.weightedCost - (624 + 80) / 640) < 1e-12);
        assert.equal(r.capHitFraction, 0);
    });
    test("readiness delay 0: the same step is never under-provisioned", () => {
        assert.equal(replay(step(20, 60, { behavior: upOnly4, readinessDelaySeconds: 0 })).underProvisionedFraction, 0);
    });
    test("scale-down: 300 s window (max over it) then 50 % per 60 s, floor at the recommendation or minReplicas", () => {
        const behavior = { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] } };
        const r = replay(step(60, 20, { behavior, initialReplicas: 12 }));
        assert.deepEqual(r.scaleEvents, [
            { t: 885, from: 12, to: 6 },
            { t: 945, from: 6, to: 4 },
        ]);
        const m = replay(step(60, 20, { behavior, initialReplicas: 12, bounds: { minReplicas: 5, maxReplicas: 20 } }));
        assert.deepEqual(
            m.scaleEvents.map((e) => e.to),
            [6, 5],
        );
    });
    test("the seed's API behavior: 60 s up window, then max(100 % per 15 s, 5 pods per 60 s)", () => {
        const load = Array.from({ length: 80 }, (_, k) => (k < 40 ? 20 : 100));
        const r = replay({
            start: 0,
            step: 15,
            metrics: [{ name: "rps", load, capacityPerPod: 10, targetUtilization: 0.5 }],
            bounds: { minReplicas: 1, maxReplicas: 50 },
            behavior: API_BEHAVIOR,
        });
        assert.deepEqual(r.scaleEvents, [
            { t: 645, from: 4, to: 9 },
            { t: 660, from: 9, to: 18 },
            { t: 675, from: 18, to: 20 },
        ]);
    });
    test("a 30 s spike inside the 60 s up window never scales", () => {
        const load = Array.from({ length: 80 }, (_, k) => (k === 40 || k === 41 ? 100 : 20));
        const r = replay({
            start: 0,
            step: 15,
            metrics: [{ name: "rps", load, capacityPerPod: 10, targetUtilization: 0.5 }],
            bounds: { minReplicas: 1, maxReplicas: 50 },
            behavior: API_BEHAVIOR,
        });
        assert.equal(r.scaleEventCount, 0);
        assert.equal(r.underProvisionedFraction, 2 / 80);
    });
    test("selectPolicy Max takes the bigger step, Min the smaller", () => {
        const policies = [
            { type: "Percent", value: 100, periodSeconds: 15 },
            { type: "Pods", value: 1, periodSeconds: 15 },
        ];
        const first = (selectPolicy: string) =>
            replay(step(20, 60, { behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy, policies } } })).scaleEvents[0];
        assert.deepEqual(first("Max"), { t: 600, from: 4, to: 8 });
        assert.deepEqual(first("Min"), { t: 600, from: 4, to: 5 });
        assert.equal(replay(step(20, 60, { behavior: { scaleUp: { selectPolicy: "Disabled" } } })).scaleEventCount, 0);
    });
    test("cap hits: the HPA wants 12 with max 6", () => {
        const r = replay(step(20, 60, { bounds: { minReplicas: 1, maxReplicas: 6 } }));
        assert.equal(r.capHitFraction, 40 / 80);
        assert.equal(r.finalReplicas, 6);
        // default behavior adds max(4 pods, 100 %) → 6 at t = 600, ready at 660: 4 ticks with 4 ready for 6 needed
        assert.equal(r.underProvisionedFraction, 4 / 80);
    });
    test("max over metrics, and bounds segments jump straight to a new minimum", () => {
        const cpu = Array.from({ length: 80 }, () => 2); // 2 cores, 0.5 per pod at 70 % → ceil(2/0.35) = 6
        const r = replay({
            ...step(20, 20),
            metrics: [step(20, 20).metrics[0], { name: "cpu", load: cpu, capacityPerPod: 0.5, targetUtilization: 0.7 }],
        });
        assert.equal(r.finalReplicas, 6);
        const s = replay(
            step(20, 20, {
                bounds: [
                    { from: 0, minReplicas: 1, maxReplicas: 20 },
                    { from: 300, minReplicas: 8, maxReplicas: 20 },
                ],
            }),
        );
        assert.deepEqual(s.scaleEvents[0], { t: 300, from: 4, to: 8 });
    });
    test("gaps are not scored; buckets shorter than the sync are averaged for the HPA", () => {
        const load = [20, NaN, NaN, 20];
        const r = replay({
            start: 0,
            step: 15,
            metrics: [{ name: "x", load, capacityPerPod: 10, targetUtilization: 0.5 }],
            bounds: { minReplicas: 1, maxReplicas: 9 },
        });
        assert.equal(r.ticks, 2);
        // 1 s buckets with a 45 in the last second of each 15: the HPA sees the mean 21.67 (ratio 1.083, inside
        // the tolerance) and never scales, while each spike needs 4.5 pods of 4 ready.
        const fine = Array.from({ length: 60 }, (_, k) => (k % 15 === 14 ? 45 : 20));
        const f = replay({
            start: 0,
            step: 1,
            metrics: [{ name: "x", load: fine, capacityPerPod: 10, targetUtilization: 0.5 }],
            bounds: { minReplicas: 1, maxReplicas: 20 },
            initialReplicas: 4,
        });
        assert.equal(f.ticks, 60);
        assert.equal(f.scaleEventCount, 0);
        assert.equal(f.underProvisionedFraction, 4 / 60);
    });
    test("missing metrics never scale down: some missing and the rest proposing fewer, or all missing, skip the sync", () => {
        // requests need 10 pods (1000 / 100) except a scrape gap in buckets 20-39; cpu needs 1 pod,
        // then 15 (150 / 10) in buckets 30-39, inside the gap. 60 s buckets, down window 60 s.
        const requests = Array.from({ length: 60 }, (_, i) => (i >= 20 && i < 40 ? NaN : 1000));
        const cpu = Array.from({ length: 60 }, (_, i) => (i >= 30 && i < 40 ? 150 : 10));
        const r = replay({
            start: 0,
            step: 60,
            bounds: { minReplicas: 1, maxReplicas: 50 },
            initialReplicas: 10,
            behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
            metrics: [
                { name: "requests", load: requests, capacityPerPod: 100, targetUtilization: 1 },
                { name: "cpu", load: cpu, capacityPerPod: 10, targetUtilization: 1 },
            ],
        });
        // The gap holds 10 (cpu alone would say 1); a valid metric asking for more still scales up
        // (10 → 15 at 1800 s, 100 % per 15 s allows it); back to 10 once the window has no 15 left:
        // the last 15 was recorded at 2385 s, so at 2445 s.
        assert.deepEqual(r.scaleEvents, [
            { t: 1800, from: 10, to: 15 },
            { t: 2445, from: 15, to: 10 },
        ]);
        // Short only while the 5 new pods start (60 s by default): 4 of 240 ticks.
        assert.equal(r.underProvisionedFraction, 4 / 240);
        // Every metric missing for 20 minutes: the windows record nothing, so when the load returns
        // at a tenth the 300 s down window holds only the new recommendation and 10 → 1 at once
        // (recording the gap's syncs as "keep 10" would have held it until 2100 s).
        const load = Array.from({ length: 40 }, (_, i) => (i < 10 ? 1000 : i < 30 ? NaN : 100));
        const g = replay({
            start: 0,
            step: 60,
            bounds: { minReplicas: 1, maxReplicas: 50 },
            initialReplicas: 10,
            metrics: [{ name: "requests", load, capacityPerPod: 100, targetUtilization: 1 }],
        });
        assert.deepEqual(g.scaleEvents, [{ t: 1800, from: 10, to: 1 }]);
    });
    test("invalid input names the problem", () => {
        assert.throws(() => replay(step(1, 1, { bounds: { minReplicas: 5, maxReplicas: 4 } })), {
            message: "replay: minReplicas (5) must be >= 0 and <= maxReplicas (4)",
        });
        assert.throws(() => replay(step(1, 1, { behavior: { scaleUp: { policies: [{ type: "Foo", value: 1, periodSeconds: 1 }] } } })), {
            message: 'behavior policy type "Foo" must be Pods or Percent',
        });
    });
});

describe("replay: fast-forward over quiet stretches equals the tick-by-tick replay", () => {
    const DATA = path.resolve(__dirname, "../../fixtures/traces");
    const traces = [
        "nasa_http/nasa_http_1995_requests_per_minute.csv",
        "nasa_http/nasa_http_1995_requests_per_5min.csv",
        "nab/realKnownCause/nyc_taxi.csv",
        "nab/realAWSCloudwatch/elb_request_count_8c0756.csv",
        "azure_llm_2023/azure_llm_2023_code_requests_per_15s.csv",
    ];
    test("same scores and the same scale events on real traces, behaviors, bounds segments, two metrics and scoreFrom", () => {
        let cases = 0;
        let fastSteps = 0;
        let slowSteps = 0;
        for (const f of traces) {
            const s = readSeriesFile(path.join(DATA, f))[0];
            const full = toGrid(s, s.step, "mean", { align: s.step });
            const vals = full.values.subarray(0, Math.min(full.values.length, Math.round((4 * 86400) / full.step)));
            const p99 = quantile(vals, 0.99);
            const dur = vals.length * full.step;
            for (const pods of [5, 40])
                for (const behavior of [API_BEHAVIOR, WORKER_BEHAVIOR, undefined])
                    for (const variant of [0, 1, 2]) {
                        const cap = p99 / (pods * 0.7);
                        const metrics = [{ name: "load", load: vals, capacityPerPod: cap, targetUtilization: 0.7 }];
                        if (variant === 2)
                            metrics.push({
                                name: "other",
                                load: vals.map((x, i) => x * (1 + 0.3 * Math.sin(i / 50))),
                                capacityPerPod: cap * 1.2,
                                targetUtilization: 0.6,
                            });
                        const input: ReplayInput = {
                            start: full.start,
                            step: full.step,
                            metrics,
                            bounds:
                                variant === 1
                                    ? [
                                          { from: -Infinity, minReplicas: 2, maxReplicas: pods },
                                          { from: full.start + dur / 3 + 7, minReplicas: Math.ceil(pods / 3), maxReplicas: pods * 2 },
                                          { from: full.start + dur / 2, minReplicas: 1, maxReplicas: Math.ceil(pods / 2) },
                                      ]
                                    : { minReplicas: 1 + (pods % 7), maxReplicas: pods * 2 },
                            behavior,
                            readinessDelaySeconds: variant === 2 ? 45 : 60,
                            scoreFrom: variant === 1 ? full.start + dur / 4 + 3 : undefined,
                            recordTrajectory: true,
                        };
                        const fast = replay(input);
                        const slow = replay({ ...input, fastForward: false });
                        const where = `${f} pods=${pods} variant=${variant}`;
                        assert.deepEqual(fast.scaleEvents, slow.scaleEvents, where);
                        assert.deepEqual(fast.trajectory, slow.trajectory, where);
                        for (const k of ["ticks", "scaleEventCount", "finalReplicas"] as const)
                            assert.equal(fast[k], slow[k], `${where} ${k}`);
                        for (const k of [
                            "replicaHours",
                            "oracleReplicaHours",
                            "underProvisionedFraction",
                            "capHitFraction",
                            "shortfallPodHours",
                            "weightedCost",
                        ] as const)
                            assert.ok(
                                Math.abs(fast[k] - slow[k]) <= 1e-9 * Math.max(1, Math.abs(slow[k])),
                                `${where} ${k}: ${fast[k]} vs ${slow[k]}`,
                            );
                        cases++;
                        assert.equal(slow.steps, Math.floor((vals.length * full.step) / Math.min(15, full.step)), where);
                        fastSteps += fast.steps;
                        slowSteps += slow.steps;
                    }
        }
        assert.equal(cases, 90);
        // The quiet stretches are real: the fast replay runs under half the loop iterations.
        assert.ok(fastSteps < 0.5 * slowSteps, `${fastSteps} vs ${slowSteps}`);
    });
});
