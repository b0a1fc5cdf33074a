/**
 * From raw sizing to the HPA's bounds (forecast/sizing.ts), on examples worked by hand (issue 20):
 * each expected value is derived in the comment next to it, not by the code under test.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
    clampToGuardrails,
    passesHysteresis,
    proposeBounds,
    proposeBoundsDetailed,
    rawMaxReplicas,
    replicasFor,
    replicasForLoads,
} from "../../../forecast/sizing";

/** 100 req/s per pod at 100 %, target 50 %: 50 req/s per pod. */
const rps = { name: "rps", capacityPerPod: 100, targetUtilization: 0.5 };
/** 1 core per pod, target 80 %: 0.8 cores per pod. */
const cpu = { name: "cpu", capacityPerPod: 1, targetUtilization: 0.8 };
const wide = { minReplicas: 1, maxReplicas: 100, policyMinimum: 1 };
const still = { percent: 0 };

describe("replicas per metric", () => {
    test("ceil(load / (capacity × target)); no load, a gap or a negative load need none", () => {
        assert.equal(replicasFor(500, rps), 10); // 500 / 50
        assert.equal(replicasFor(501, rps), 11);
        assert.equal(replicasFor(500.00000001, rps), 10); // 10.0000000002: floating-point noise, not a pod
        assert.equal(replicasFor(0.5, rps), 1);
        for (const load of [0, -5, NaN, Infinity, -Infinity]) assert.equal(replicasFor(load, rps), 0, `${load}`);
    });
    test("a capacity or a target that is not positive is refused, naming both", () => {
        for (const [capacityPerPod, targetUtilization] of [
            [0, 0.5],
            [-1, 0.5],
            [100, 0],
            [100, -0.5],
            [NaN, 0.5],
            [100, NaN],
        ])
            assert.throws(() => replicasFor(1, { name: "q", capacityPerPod, targetUtilization }), {
                message: `metric q: capacityPerPod (${capacityPerPod}) and targetUtilization (${targetUtilization}) must be > 0`,
            });
    });
    test("the max over metrics, not a sum or a blend", () => {
        // 500 req/s → 10 pods; 12 cores / 0.8 → 15 pods: 15.
        assert.equal(replicasForLoads([500, 12], [rps, cpu]), 15);
        assert.equal(replicasForLoads([900, 1], [rps, cpu]), 18); // 18 beats 2
        assert.equal(replicasForLoads([], []), 0);
    });
});

describe("rawMaxReplicas: the peak (forecast or recent, whichever is higher) with headroom", () => {
    test("the forecast peak above the recent one sets it", () => {
        // max(600, 400) × 1.2 = 720 req/s → 720 / 50 = 14.4 → 15.
        assert.equal(rawMaxReplicas([600], [400], [rps], 0.2), 15);
        // The other way round: max(400, 600) × 1.2 = 720 → 15 too; 400 alone × 1.2 = 480 → 10.
        assert.equal(rawMaxReplicas([400], [600], [rps], 0.2), 15);
        assert.equal(rawMaxReplicas([400], [0], [rps], 0.2), 10);
    });
    test("per metric, max over metrics; a metric without a peak counts as 0; never below 1", () => {
        // rps: 300 × 1.5 = 450 → 9; cpu: 8 × 1.5 = 12 cores → 15.
        assert.equal(rawMaxReplicas([300, 8], [100, 2], [rps, cpu], 0.5), 15);
        // cpu has no forecast peak: its recent 4 × 1.5 = 6 → 7.5 → 8; rps 300 × 1.5 → 9.
        assert.equal(rawMaxReplicas([300], [0, 4], [rps, cpu], 0.5), 9);
        assert.equal(rawMaxReplicas([], [0, 12], [rps, cpu], 0), 15);
        assert.equal(rawMaxReplicas([0], [0], [rps], 0.2), 1);
    });
});

describe("passesHysteresis: at least max(1 replica, p % of the current value)", () => {
    test("examples", () => {
        assert.equal(passesHysteresis(40, 44, 10), true); // 4 ≥ 4
        assert.equal(passesHysteresis(40, 36, 10), true);
        assert.equal(passesHysteresis(40, 43, 10), false);
        assert.equal(passesHysteresis(40, 37, 10), false);
        assert.equal(passesHysteresis(5, 6, 10), true); // 10 % of 5 is 0.5: one replica is enough
        assert.equal(passesHysteresis(5, 5, 0), false); // no change never passes
        assert.equal(passesHysteresis(20, 30, 50), true); // 10 ≥ 10
        assert.equal(passesHysteresis(20, 29, 50), false);
    });
});

describe("proposeBoundsDetailed on worked examples", () => {
    test("both bounds move when the change passes hysteresis (the floor is not kept at its current value)", () => {
        // Current 2..10, raw 8..30, 10 %: min moves by 6 ≥ 1, max by 20 ≥ 1.
        assert.deepEqual(
            proposeBoundsDetailed({ minReplicas: 8, maxReplicas: 30 }, { minReplicas: 2, maxReplicas: 10 }, wide, { percent: 10 }),
            {
                bounds: { minReplicas: 8, maxReplicas: 30 },
                adjusted: { maxCapped: false, minLowered: false },
            },
        );
        // Down as well: current 8..30, raw 3..12.
        assert.deepEqual(proposeBounds({ minReplicas: 3, maxReplicas: 12 }, { minReplicas: 8, maxReplicas: 30 }, wide, { percent: 10 }), {
            minReplicas: 3,
            maxReplicas: 12,
        });
    });
    test("a change within the dead band keeps the current bound; each bound on its own", () => {
        // 20 %: min 10 → 11 moves by 1 < 2 (held at 10); max 40 → 50 moves by 10 ≥ 8.
        assert.deepEqual(proposeBounds({ minReplicas: 11, maxReplicas: 50 }, { minReplicas: 10, maxReplicas: 40 }, wide, { percent: 20 }), {
            minReplicas: 10,
            maxReplicas: 50,
        });
        // min 10 → 13 moves by 3 ≥ 2; max 40 → 45 by 5 < 8 (held at 40).
        assert.deepEqual(proposeBounds({ minReplicas: 13, maxReplicas: 45 }, { minReplicas: 10, maxReplicas: 40 }, wide, { percent: 20 }), {
            minReplicas: 13,
            maxReplicas: 40,
        });
    });
    test("the current bounds are compared clamped to the guardrails", () => {
        // Guardrails 2..20; current 0..200 is 2..20 clamped; raw 3..19 moves each by 1 = max(1, 5 % of 2 or 20).
        const g = { minReplicas: 2, maxReplicas: 20, policyMinimum: 1 };
        assert.deepEqual(proposeBounds({ minReplicas: 3, maxReplicas: 19 }, { minReplicas: 0, maxReplicas: 200 }, g, { percent: 5 }), {
            minReplicas: 3,
            maxReplicas: 19,
        });
        // At 60 % (1.2 of 2, 12 of 20) the same raw is held at the clamped current 2..20; from
        // 0..200 unclamped both would move (3 ≥ 1, 181 ≥ 120).
        assert.deepEqual(proposeBounds({ minReplicas: 3, maxReplicas: 19 }, { minReplicas: 0, maxReplicas: 200 }, g, { percent: 60 }), {
            minReplicas: 2,
            maxReplicas: 20,
        });
    });
    test("clamping: guardrails, the policy minimum, at least 1, rounding, non-finite raw values", () => {
        const g = { minReplicas: 2, maxReplicas: 12, policyMinimum: 3 };
        // Raw 1..40: min up to the policy minimum 3, max capped at 12 (and said so).
        assert.deepEqual(proposeBoundsDetailed({ minReplicas: 1, maxReplicas: 40 }, { minReplicas: 3, maxReplicas: 5 }, g, still), {
            bounds: { minReplicas: 3, maxReplicas: 12 },
            adjusted: { maxCapped: true, minLowered: false },
        });
        // Raw max exactly at the guardrail is not "capped".
        assert.equal(
            proposeBoundsDetailed({ minReplicas: 4, maxReplicas: 12 }, { minReplicas: 3, maxReplicas: 5 }, g, still).adjusted.maxCapped,
            false,
        );
        // Guardrails of 0 still mean at least 1 replica.
        const zero = { minReplicas: 0, maxReplicas: 6, policyMinimum: 0 };
        assert.deepEqual(proposeBounds({ minReplicas: 0, maxReplicas: 3 }, { minReplicas: 1, maxReplicas: 3 }, zero, still), {
            minReplicas: 1,
            maxReplicas: 3,
        });
        // The guardrail minimum above the policy minimum: 5.
        assert.deepEqual(
            proposeBounds(
                { minReplicas: 1, maxReplicas: 9 },
                { minReplicas: 1, maxReplicas: 9 },
                { minReplicas: 5, maxReplicas: 12, policyMinimum: 2 },
                still,
            ),
            { minReplicas: 5, maxReplicas: 9 },
        );
        // Rounded to the nearest: 3.4 → 3, 7.5 → 8.
        assert.deepEqual(proposeBounds({ minReplicas: 3.4, maxReplicas: 7.5 }, { minReplicas: 1, maxReplicas: 2 }, wide, still), {
            minReplicas: 3,
            maxReplicas: 8,
        });
        // NaN and ±Infinity raw values fall to the lowest allowed (3), then one replica of room: 3..4.
        for (const x of [NaN, Infinity, -Infinity])
            assert.deepEqual(
                proposeBounds({ minReplicas: x, maxReplicas: x }, { minReplicas: 3, maxReplicas: 4 }, g, still),
                { minReplicas: 3, maxReplicas: 4 },
                `${x}`,
            );
        assert.deepEqual(proposeBounds({ minReplicas: 5, maxReplicas: NaN }, { minReplicas: 3, maxReplicas: 9 }, g, still), {
            minReplicas: 3,
            maxReplicas: 4,
        });
    });
    test("never inert: a raw min above the raw max, a held min above a lowered max", () => {
        // Raw 8..5: min limited to the max (5), then min = max: one replica above, 5..6.
        assert.deepEqual(proposeBounds({ minReplicas: 8, maxReplicas: 5 }, { minReplicas: 1, maxReplicas: 2 }, wide, still), {
            minReplicas: 5,
            maxReplicas: 6,
        });
        // 50 %: min 6 → 5 moves by 1 < 3, held at 6; max 20 → 5 moves by 15 ≥ 10: 5. The held
        // floor lifts the cap to 6, then one replica of room: 6..7.
        assert.deepEqual(proposeBounds({ minReplicas: 5, maxReplicas: 5 }, { minReplicas: 6, maxReplicas: 20 }, wide, { percent: 50 }), {
            minReplicas: 6,
            maxReplicas: 7,
        });
        // A held min of 7 above a lowered max of 4: lifted to 7, then 7..8.
        assert.deepEqual(proposeBounds({ minReplicas: 6, maxReplicas: 4 }, { minReplicas: 7, maxReplicas: 30 }, wide, { percent: 50 }), {
            minReplicas: 7,
            maxReplicas: 8,
        });
    });
    test("min = max at the guardrail's max: min one below, and said so; below it, max one above", () => {
        const g = { minReplicas: 2, maxReplicas: 8, policyMinimum: 2 };
        assert.deepEqual(proposeBoundsDetailed({ minReplicas: 8, maxReplicas: 8 }, { minReplicas: 2, maxReplicas: 3 }, g, still), {
            bounds: { minReplicas: 7, maxReplicas: 8 },
            adjusted: { maxCapped: false, minLowered: true },
        });
        assert.deepEqual(proposeBoundsDetailed({ minReplicas: 7, maxReplicas: 7 }, { minReplicas: 2, maxReplicas: 3 }, g, still), {
            bounds: { minReplicas: 7, maxReplicas: 8 },
            adjusted: { maxCapped: false, minLowered: false },
        });
        // Guardrails 2..3: the only room is 2..3, from any raw value.
        const tight = { minReplicas: 2, maxReplicas: 3, policyMinimum: 1 };
        for (const raw of [1, 2, 3, 4])
            assert.deepEqual(
                proposeBounds({ minReplicas: raw, maxReplicas: raw }, { minReplicas: 2, maxReplicas: 3 }, tight, still),
                { minReplicas: 2, maxReplicas: 3 },
                `${raw}`,
            );
    });
});

describe("clampToGuardrails (the fallback) on worked examples", () => {
    test("within the guardrails as configured; clamped; one replica of room when they meet", () => {
        const g = { minReplicas: 2, maxReplicas: 10, policyMinimum: 3 };
        assert.deepEqual(clampToGuardrails({ minReplicas: 4, maxReplicas: 8 }, g), { minReplicas: 4, maxReplicas: 8 });
        // 1..20 → the policy minimum 3 .. the guardrail 10.
        assert.deepEqual(clampToGuardrails({ minReplicas: 1, maxReplicas: 20 }, g), { minReplicas: 3, maxReplicas: 10 });
        // 6..4: max raised to the min (6), then one above: 6..7.
        assert.deepEqual(clampToGuardrails({ minReplicas: 6, maxReplicas: 4 }, g), { minReplicas: 6, maxReplicas: 7 });
        // 10..10 at the guardrail's max: min one below, 9..10.
        assert.deepEqual(clampToGuardrails({ minReplicas: 10, maxReplicas: 12 }, g), { minReplicas: 9, maxReplicas: 10 });
        // Guardrails of 0: at least 1.
        assert.deepEqual(clampToGuardrails({ minReplicas: 0, maxReplicas: 0 }, { minReplicas: 0, maxReplicas: 5, policyMinimum: 0 }), {
            minReplicas: 1,
            maxReplicas: 2,
        });
        assert.throws(
            () => clampToGuardrails({ minReplicas: 1, maxReplicas: 2 }, { minReplicas: 0, maxReplicas: 1, policyMinimum: 0 }, "w"),
            {
                name: "GuardrailError",
                message:
                    "w: the guardrails allow only 1..1: maxReplicas must be above 1 (the higher of minReplicas and the policy minimum), or the HPA gets min = max and never scales",
            },
        );
    });
});

describe('GuardrailError names the workload, "workload" when none is given', () => {
    test("proposeBounds, proposeBoundsDetailed and clampToGuardrails", () => {
        const g = { minReplicas: 4, maxReplicas: 4, policyMinimum: 1 };
        const message =
            "workload: the guardrails allow only 4..4: maxReplicas must be above 4 (the higher of minReplicas and the policy minimum), or the HPA gets min = max and never scales";
        const b = { minReplicas: 1, maxReplicas: 2 };
        assert.throws(() => proposeBounds(b, b, g, still), { name: "GuardrailError", message });
        assert.throws(() => proposeBoundsDetailed(b, b, g, still), { name: "GuardrailError", message });
        assert.throws(() => clampToGuardrails(b, g), { name: "GuardrailError", message });
    });
});

describe("properties of the bounds against independent oracles", () => {
    const guard = fc
        .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 100 }))
        .map(([minReplicas, policyMinimum, span]) => ({
            minReplicas,
            policyMinimum,
            maxReplicas: Math.max(minReplicas, policyMinimum, 1) + span,
        }));
    const b = fc.record({ minReplicas: fc.integer({ min: 0, max: 150 }), maxReplicas: fc.integer({ min: 0, max: 150 }) });
    test("with no dead band, a raw range inside the guardrails with room is taken as it is", () => {
        fc.assert(
            fc.property(guard, b, fc.integer({ min: 0, max: 150 }), fc.integer({ min: 1, max: 150 }), (g, cur, lo, span) => {
                const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
                const min = Math.min(Math.max(lo, lowest), g.maxReplicas - 1);
                const max = Math.min(min + span, g.maxReplicas);
                assert.deepEqual(proposeBounds({ minReplicas: min, maxReplicas: max }, cur, g, still), {
                    minReplicas: min,
                    maxReplicas: max,
                });
            }),
        );
    });
    test("the result is always min < max within the guardrails, above the policy minimum, and monotone in the raw max", () => {
        fc.assert(
            fc.property(guard, b, b, fc.integer({ min: 0, max: 50 }), (g, raw, cur, more) => {
                const lowest = Math.max(g.minReplicas, g.policyMinimum, 1);
                const r = proposeBounds(raw, cur, g, still);
                assert.ok(lowest <= r.minReplicas && r.minReplicas < r.maxReplicas && r.maxReplicas <= g.maxReplicas, JSON.stringify(r));
                const higher = proposeBounds({ ...raw, maxReplicas: raw.maxReplicas + more }, cur, g, still);
                assert.ok(higher.maxReplicas >= r.maxReplicas);
            }),
        );
    });
});
