import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { API_BEHAVIOR } from "../../../lib/hpa";
import { replay } from "../../../forecast/simulator";
import { defaultForecaster, forecastScenario, MAX_FLOOR_SCALE, planWorkload, type Forecaster } from "../../../forecast/plan";
import { DEFAULT_SETTINGS } from "../../../forecast/stack";
import {
    floorCurve,
    floorFromHistory,
    searchFloor,
    passesHysteresis,
    clampToGuardrails,
    proposeBounds,
    proposeBoundsDetailed,
    rawMaxReplicas,
    replicasFor,
    replicasForLoads,
    type Guardrails,
} from "../../../forecast/sizing";

const rps = { name: "rps", capacityPerPod: 100 / 0.7, targetUtilization: 0.7 };
const cpu = { name: "cpu", capacityPerPod: 0.5, targetUtilization: 0.7 };

describe("sizing rules", () => {
    test("replicas per metric = ceil(load / (capacity × target)), max over metrics", () => {
        assert.equal(replicasFor(1000, rps), 10);
        assert.equal(replicasFor(1001, rps), 11);
        assert.equal(replicasFor(0, rps), 0);
        assert.equal(replicasForLoads([1000, 7], [rps, cpu]), 20); // 7 cores / 0.35 = 20 beats 10
        assert.equal(rawMaxReplicas([900], [1000], [rps], 0.2), 12);
        assert.throws(() => replicasFor(1, { name: "x", capacityPerPod: 0, targetUtilization: 1 }), {
            message: "metric x: capacityPerPod (0) and targetUtilization (1) must be > 0",
        });
    });
    test("the floor: smallest min keeping replayed under-provisioning within target", () => {
        // Quiet at 50 req/s, then a jump to 1000 req/s for 10 min, three times: the HPA needs ~2 min to react.
        const load = Array.from({ length: 3 * 240 }, (_, k) => (k % 240 >= 200 ? 1000 : 50));
        const history = { start: 0, step: 15, metrics: [{ name: "rps", load, capacityPerPod: 100, targetUtilization: 0.7 }] };
        const opts = { underProvisionedTarget: 0.001, behavior: API_BEHAVIOR };
        const floor = floorFromHistory(history, 1, 30, opts);
        assert.equal(floor, 10); // 10 ready pods serve 1000 at 100 %
        assert.equal(floorFromHistory(history, 1, 30, { ...opts, underProvisionedTarget: 0.5 }), 1);
    });
    test("floorCurve prices every floor from one trajectory: exact at the base floor, equal to a tick-by-tick count", () => {
        // Daily-like load: a ramp from 50 to 900 req/s and back, at 1-minute steps, two days, with a
        // 5-minute burst of +1000 req/s every 4 hours that the HPA cannot meet at once (issue 20:
        // a load that is never under-provisioned cannot tell a shortfall's sign).
        const load = Array.from(
            { length: 2 * 1440 },
            (_, k) => 50 + 850 * Math.max(0, Math.sin((Math.PI * (k % 1440)) / 1440)) ** 3 + (k % 240 < 5 ? 1000 : 0),
        );
        const metrics = [{ name: "rps", load, capacityPerPod: 100, targetUtilization: 0.7 }];
        const base = replay({
            start: 0,
            step: 60,
            metrics,
            bounds: { minReplicas: 1, maxReplicas: 20 },
            behavior: API_BEHAVIOR,
            recordTrajectory: true,
        });
        const tr = base.trajectory!;
        assert.equal(tr.replicas.length, base.ticks);
        const curve = floorCurve(tr, 1, 20);
        assert.deepEqual(
            curve.map((p) => p.floor),
            Array.from({ length: 20 }, (_, i) => i + 1),
        );
        assert.ok(Math.abs(curve[0].cost - base.weightedCost) < 1e-12, `${curve[0].cost} vs ${base.weightedCost}`);
        assert.ok(Math.abs(curve[0].under - base.underProvisionedFraction) < 1e-12);
        let shortTicks = 0;
        for (const p of curve) {
            let replicas = 0;
            let short = 0;
            let under = 0;
            for (let k = 0; k < tr.replicas.length; k++) {
                replicas += Math.max(p.floor, tr.replicas[k]);
                const ready = Math.max(p.floor, tr.ready[k]);
                if (tr.need[k] > ready + 1e-9) {
                    short += tr.need[k] - ready;
                    under++;
                }
            }
            assert.ok(Math.abs(p.cost - (replicas + 10 * short) / tr.oracleTicks) < 1e-9, `floor ${p.floor}`);
            assert.equal(p.under, under / tr.replicas.length, `floor ${p.floor}`);
            shortTicks += under;
        }
        // The bursts leave the low floors short (at floor 1, the replay itself is).
        assert.ok(base.underProvisionedFraction > 0 && shortTicks > 0, `${base.underProvisionedFraction}`);
        // Floors at or above the peak need never miss a pod.
        assert.equal(curve[19].under, 0);
        assert.deepEqual(floorCurve(tr, 5, 4), []);
    });
    test("searchFloor: the curve's cheapest floor, raised to the target and checked by an exact replay", () => {
        const load = Array.from({ length: 3 * 240 }, (_, k) => (k % 240 >= 200 ? 1000 : 50));
        const history = { start: 0, step: 15, metrics: [{ name: "rps", load, capacityPerPod: 100, targetUtilization: 0.7 }] };
        const strict = searchFloor(history, 1, 30, { underProvisionedTarget: 0.001, behavior: API_BEHAVIOR })!;
        assert.equal(strict.floor, 10);
        assert.ok(strict.exact.underProvisionedFraction <= 0.001);
        assert.ok(strict.replays <= 3, `${strict.replays} replays`);
        // The exact result is the replay of [floor, max].
        const again = replay({
            ...history,
            bounds: { minReplicas: 10, maxReplicas: 30 },
            behavior: API_BEHAVIOR,
            readinessDelaySeconds: 60,
        });
        assert.equal(strict.exact.weightedCost, again.weightedCost);
        assert.equal(searchFloor({ ...history, metrics: [] }, 1, 30, { underProvisionedTarget: 0.01 }), undefined);
    });
    test("guardrails that leave no room to scale are a named error (GuardrailError), equal ones too", () => {
        for (const g of [
            { minReplicas: 5, maxReplicas: 4, policyMinimum: 2 },
            { minReplicas: 3, maxReplicas: 3, policyMinimum: 1 },
            { minReplicas: 1, maxReplicas: 3, policyMinimum: 3 },
        ]) {
            const lowest = Math.max(g.minReplicas, g.policyMinimum);
            const message = `api: the guardrails allow only ${lowest}..${g.maxReplicas}: maxReplicas must be above ${lowest} (the higher of minReplicas and the policy minimum), or the HPA gets min = max and never scales`;
            assert.throws(
                () => proposeBounds({ minReplicas: 1, maxReplicas: 2 }, { minReplicas: 1, maxReplicas: 2 }, g, { percent: 10 }, "api"),
                {
                    name: "GuardrailError",
                    message,
                },
            );
            assert.throws(() => clampToGuardrails({ minReplicas: 1, maxReplicas: 2 }, g, "api"), { name: "GuardrailError", message });
        }
    });
    test("issue 13 #1: a floor at the guardrail's max never makes the HPA inert: min lowered to max - 1, and said so", () => {
        // The replay's floor reaches the guardrail (10): the old code proposed 10..10.
        const g = { minReplicas: 1, maxReplicas: 10, policyMinimum: 1 };
        const r = proposeBoundsDetailed({ minReplicas: 10, maxReplicas: 14 }, { minReplicas: 2, maxReplicas: 6 }, g, { percent: 10 });
        assert.deepEqual(r, { bounds: { minReplicas: 9, maxReplicas: 10 }, adjusted: { maxCapped: true, minLowered: true } });
        assert.deepEqual(proposeBounds({ minReplicas: 10, maxReplicas: 10 }, { minReplicas: 10, maxReplicas: 10 }, g, { percent: 0 }), {
            minReplicas: 9,
            maxReplicas: 10,
        });
        // Hysteresis holding min at the guardrail's max: still one replica of room.
        assert.deepEqual(proposeBounds({ minReplicas: 9, maxReplicas: 10 }, { minReplicas: 10, maxReplicas: 10 }, g, { percent: 50 }), {
            minReplicas: 9,
            maxReplicas: 10,
        });
        // Below the guardrail's max, the room is above (as before).
        assert.deepEqual(proposeBoundsDetailed({ minReplicas: 4, maxReplicas: 4 }, { minReplicas: 1, maxReplicas: 4 }, g, { percent: 0 }), {
            bounds: { minReplicas: 4, maxReplicas: 5 },
            adjusted: { maxCapped: false, minLowered: false },
        });
        // The fallback (configured bounds within the guardrails) is never inert either: 1..4 under 50..51 is 50..51.
        assert.deepEqual(clampToGuardrails({ minReplicas: 1, maxReplicas: 4 }, { minReplicas: 50, maxReplicas: 51, policyMinimum: 1 }), {
            minReplicas: 50,
            maxReplicas: 51,
        });
        assert.deepEqual(clampToGuardrails({ minReplicas: 60, maxReplicas: 70 }, { minReplicas: 50, maxReplicas: 51, policyMinimum: 1 }), {
            minReplicas: 50,
            maxReplicas: 51,
        });
        assert.deepEqual(clampToGuardrails({ minReplicas: 3, maxReplicas: 3 }, { minReplicas: 1, maxReplicas: 10, policyMinimum: 1 }), {
            minReplicas: 3,
            maxReplicas: 4,
        });
    });
    test("hysteresis: 10 % of 50 is 5, of 3 is 1 replica", () => {
        assert.equal(passesHysteresis(50, 54, 10), false);
        assert.equal(passesHysteresis(50, 55, 10), true);
        assert.equal(passesHysteresis(3, 4, 10), true);
        assert.equal(passesHysteresis(3, 3, 10), false);
        // 53 is within 5 of 50: held; 55 is not: it moves (a rule that never moves a bound fails here).
        assert.deepEqual(
            proposeBounds(
                { minReplicas: 3, maxReplicas: 55 },
                { minReplicas: 3, maxReplicas: 50 },
                { minReplicas: 1, maxReplicas: 100, policyMinimum: 2 },
                { percent: 10 },
            ),
            { minReplicas: 3, maxReplicas: 55 },
        );
        assert.deepEqual(
            proposeBounds(
                { minReplicas: 3, maxReplicas: 53 },
                { minReplicas: 3, maxReplicas: 50 },
                { minReplicas: 1, maxReplicas: 100, policyMinimum: 2 },
                { percent: 10 },
            ),
            {
                minReplicas: 3,
                maxReplicas: 50,
            },
        );
    });

    const guard = fc
        .record({
            minReplicas: fc.integer({ min: 1, max: 20 }),
            span: fc.integer({ min: 0, max: 200 }),
            policyMinimum: fc.integer({ min: 1, max: 20 }),
        })
        .filter((g) => Math.max(g.minReplicas, g.policyMinimum) < g.minReplicas + g.span)
        .map((g): Guardrails => ({ minReplicas: g.minReplicas, maxReplicas: g.minReplicas + g.span, policyMinimum: g.policyMinimum }));
    const bounds = fc.record({ minReplicas: fc.integer({ min: 0, max: 500 }), maxReplicas: fc.integer({ min: 0, max: 500 }) });
    const pct = fc.integer({ min: 0, max: 50 });

    test("property: min < max (never inert), both within guardrails, never below the policy minimum", () => {
        fc.assert(
            fc.property(bounds, bounds, guard, pct, (raw, cur, g, p) => {
                const lowest = Math.max(g.minReplicas, g.policyMinimum);
                const ok = (b: { minReplicas: number; maxReplicas: number }) =>
                    b.minReplicas < b.maxReplicas && b.minReplicas >= lowest && b.maxReplicas <= g.maxReplicas;
                return ok(proposeBounds(raw, cur, g, { percent: p })) && ok(clampToGuardrails(cur, g));
            }),
            { numRuns: 500 },
        );
    });
    test("property: hysteresis holds: a bound changes only by at least max(1, p %) of its clamped current value", () => {
        fc.assert(
            fc.property(bounds, bounds, guard, pct, (raw, cur, g, p) => {
                const { bounds: b, adjusted } = proposeBoundsDetailed(raw, cur, g, { percent: p });
                const again = proposeBounds(b, b, g, { percent: p });
                const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
                const clamp = (x: number) => Math.min(g.maxReplicas, Math.max(lowest, x));
                // The one exception: a min lowered by one below the guardrail's max, so the HPA is not inert.
                const okMin =
                    b.minReplicas === clamp(cur.minReplicas) ||
                    passesHysteresis(clamp(cur.minReplicas), b.minReplicas, p) ||
                    (adjusted.minLowered && b.minReplicas === g.maxReplicas - 1);
                return okMin && again.minReplicas === b.minReplicas && again.maxReplicas === b.maxReplicas;
            }),
        );
    });
    test("property: a bound that passes the dead band moves to the raw bound (an implementation that never moves one fails)", () => {
        // Wide guardrails (1..1000) and bounds far enough apart that no min/max adjustment applies:
        // each bound is the raw one when |raw − current| ≥ max(1, p % of current), else the current.
        const g: Guardrails = { minReplicas: 1, maxReplicas: 1000, policyMinimum: 1 };
        const pair = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 999 })).filter(([a, b]) => a < b);
        let moved = 0;
        fc.assert(
            fc.property(
                fc.tuple(pair, pair).filter(([[curMin, curMax], [rawMin, rawMax]]) => Math.max(curMin, rawMin) < Math.min(curMax, rawMax)),
                pct,
                ([[curMin, curMax], [rawMin, rawMax]], p) => {
                    const b = proposeBounds({ minReplicas: rawMin, maxReplicas: rawMax }, { minReplicas: curMin, maxReplicas: curMax }, g, {
                        percent: p,
                    });
                    const band = (cur: number) => Math.max(1, (p / 100) * cur);
                    const want = {
                        minReplicas: Math.abs(rawMin - curMin) >= band(curMin) ? rawMin : curMin,
                        maxReplicas: Math.abs(rawMax - curMax) >= band(curMax) ? rawMax : curMax,
                    };
                    if (want.minReplicas !== curMin || want.maxReplicas !== curMax) moved++;
                    assert.deepEqual(b, want);
                },
            ),
            { numRuns: 400 },
        );
        // Most runs move a bound: the property is not passed by holding both.
        assert.ok(moved > 200, `${moved}`);
    });
    test("property: monotone in load: more load never lowers replicas or maxReplicas", () => {
        fc.assert(
            fc.property(
                fc.double({ min: 0, max: 1e6, noNaN: true }),
                fc.double({ min: 0, max: 1e6, noNaN: true }),
                fc.double({ min: 0, max: 1, noNaN: true }),
                (a, b, head) => {
                    const [lo, hi] = a <= b ? [a, b] : [b, a];
                    return (
                        replicasFor(lo, rps) <= replicasFor(hi, rps) &&
                        rawMaxReplicas([lo], [0], [rps], head) <= rawMaxReplicas([hi], [0], [rps], head)
                    );
                },
            ),
        );
        fc.assert(
            fc.property(bounds, fc.integer({ min: 0, max: 100 }), guard, (raw, extra, g) => {
                const cur = { minReplicas: 1, maxReplicas: 1 };
                const a = proposeBounds(raw, cur, g, { percent: 0 });
                const b = proposeBounds({ minReplicas: raw.minReplicas, maxReplicas: raw.maxReplicas + extra }, cur, g, { percent: 0 });
                return b.maxReplicas >= a.maxReplicas;
            }),
        );
    });
});

describe("planWorkload on an export coarser than the model step", () => {
    test("2-hour points: a day is 12 points and the 168-hour horizon 84, not 24 and 168 (two days and two weeks)", () => {
        const days = 14;
        const values = Float64Array.from({ length: days * 12 }, (_, i) => 100 + 50 * Math.sin((2 * Math.PI * i) / 12));
        const seen: Array<{ h: number; period: number; n: number }> = [];
        const plan = planWorkload(
            [
                {
                    capacity: { name: "requests", capacityPerPod: 10, targetUtilization: 0.7 },
                    full: { start: 1700006400, step: 7200, values },
                    aggregation: "mean",
                },
            ],
            { ...DEFAULT_SETTINGS, horizonSteps: 168 },
            {
                policyFloor: 1,
                maxCap: 100,
                forecaster: (y, h, period, q) => {
                    seen.push({ h, period, n: y.length });
                    return defaultForecaster(y, h, period, q);
                },
            },
        );
        assert.deepEqual(seen, [{ h: 84, period: 12, n: days * 12 }]);
        assert.equal(plan.metrics[0].forecast.point.length, 84);
        assert.equal(plan.metrics[0].history.step, 7200);
    });
});

describe("the floor's scenario: recent days rescaled to the forecast's peaks", () => {
    const DAY = 86400;
    const end = 1700006400 + 20 * DAY; // a midnight: days are [end − k d, end − (k − 1) d)
    /** Hourly history whose day d (oldest first) peaks at peaks[d] (the day's 12:00 hour), 1 elsewhere. */
    const hourly = (peaks: number[]) => {
        const v = new Float64Array(peaks.length * 24).fill(1);
        peaks.forEach((p, d) => (v[d * 24 + 12] = p));
        return { start: end - peaks.length * DAY, step: 3600, values: v };
    };
    const point = (dayPeaks: number[]) => {
        const v = new Float64Array(dayPeaks.length * 24).fill(1);
        dayPeaks.forEach((p, j) => (v[j * 24 + 12] = p));
        return v;
    };
    const load = (days: number, step = 900) => Float64Array.from({ length: (days * DAY) / step }, (_, i) => 1 + (i % 4));

    test("a one-day horizon scales every replayed day to that day's peak; the load keeps its minute-level shape", () => {
        const l = load(2);
        const r = forecastScenario(l, end - 2 * DAY, 900, end, 2, { history: hourly([10, 20]), point: point([15]) });
        assert.deepEqual(r.scales, [1.5, 0.75]);
        assert.deepEqual(Array.from(r.load.subarray(0, 4)), [1.5, 3, 4.5, 6]);
        assert.deepEqual(Array.from(r.load.subarray(96, 100)), [0.75, 1.5, 2.25, 3]);
    });
    test("a week's horizon maps each day to the same weekday ahead; fewer replayed days keep the weekday", () => {
        const peaks = [10, 10, 10, 10, 10, 10, 10];
        const ahead = [10, 11, 12, 13, 14, 15, 16];
        const week = forecastScenario(load(7), end - 7 * DAY, 900, end, 7, { history: hourly(peaks), point: point(ahead) });
        assert.deepEqual(
            week.scales.map((k) => Number(k.toFixed(2))),
            [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6],
        );
        // Three days replayed: the oldest is 3 days before the origin, the same weekday as 4 days ahead.
        const three = forecastScenario(load(3), end - 3 * DAY, 900, end, 3, { history: hourly([10, 10, 10]), point: point(ahead) });
        assert.deepEqual(
            three.scales.map((k) => Number(k.toFixed(2))),
            [1.4, 1.5, 1.6],
        );
    });
    test("clamped to ×2 and ÷2; a fallback forecast, an empty day or a zero peak in history leave the day at 1", () => {
        assert.equal(MAX_FLOOR_SCALE, 2);
        const r = forecastScenario(load(2), end - 2 * DAY, 900, end, 2, { history: hourly([10, 10]), point: point([1000]) });
        assert.deepEqual(r.scales, [2, 2]);
        const low = forecastScenario(load(2), end - 2 * DAY, 900, end, 2, { history: hourly([10, 10]), point: point([0.1]) });
        assert.deepEqual(low.scales, [0.5, 0.5]);
        const fb = forecastScenario(load(2), end - 2 * DAY, 900, end, 2, {
            history: hourly([10, 10]),
            point: point([15]),
            fallback: "too short",
        });
        assert.deepEqual(fb.scales, [1, 1]);
        const gap = hourly([10, 10]);
        gap.values.fill(NaN, 0, 24);
        const zero = hourly([10, 0]);
        zero.values.fill(0, 24, 48);
        assert.deepEqual(forecastScenario(load(2), end - 2 * DAY, 900, end, 2, { history: gap, point: point([15]) }).scales, [1, 1.5]);
        assert.deepEqual(forecastScenario(load(2), end - 2 * DAY, 900, end, 2, { history: zero, point: point([15]) }).scales, [1.5, 1]);
    });
    test("planWorkload searches the floor on the scenario, and says the check replayed scaled load", () => {
        // 20 req/s, and from 08:00 to 16:00 a 2-minute spike to 300 req/s every 10 minutes (too short
        // for the HPA to catch), 14 days at 1 minute.
        const step = 60;
        const values = Float64Array.from({ length: (14 * DAY) / step }, (_, i) => {
            const s = (i * step) % DAY;
            return s >= 8 * 3600 && s < 16 * 3600 && i % 10 < 2 ? 300 : 20;
        });
        const full = { start: end - 14 * DAY, step, values };
        // A forecaster whose point forecast is twice the history's hourly level: the scenario doubles each day.
        const doubled: Forecaster = (y, h, period, q) => {
            const f = defaultForecaster(y, h, period, q);
            const last = y.subarray(y.length - period);
            return { ...f, point: Float64Array.from({ length: h }, (_, k) => 2 * last[k % period]) };
        };
        const metric = { capacity: rps, full, aggregation: "mean" as const };
        const o = { policyFloor: 1, maxCap: 200, behavior: API_BEHAVIOR, forecaster: doubled };
        const scaled = planWorkload([metric], DEFAULT_SETTINGS, o);
        const plain = planWorkload([metric], { ...DEFAULT_SETTINGS, floorScenario: "history" }, o);
        assert.deepEqual(scaled.metrics[0].floorScales, [2, 2, 2, 2, 2, 2, 2]);
        assert.deepEqual(plain.metrics[0].floorScales, [1, 1, 1, 1, 1, 1, 1]);
        assert.equal(scaled.floorCheck!.scaled, true);
        assert.equal(plain.floorCheck!.scaled, false);
        // Each equals the floor the search finds on its own replay.
        const week = { start: end - 7 * DAY, step, values: values.subarray(values.length - (7 * DAY) / step) };
        const floorOn = (k: number) =>
            searchFloor(
                { start: week.start, step, metrics: [{ ...rps, load: week.values.map((x) => x * k), name: "rps" }] },
                1,
                scaled.rawMaxReplicas,
                { underProvisionedTarget: DEFAULT_SETTINGS.underProvisionedTarget, behavior: API_BEHAVIOR },
            )!.floor;
        assert.equal(scaled.rawMinReplicas, floorOn(2));
        assert.equal(plain.rawMinReplicas, floorOn(1));
        assert.ok(scaled.rawMinReplicas > plain.rawMinReplicas, `${scaled.rawMinReplicas} > ${plain.rawMinReplicas}`);
    });
});
