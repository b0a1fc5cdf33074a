import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { seedDecision, seedLoadFactor, seedModel, seedScalingFactors, seedWeightedFactor } from "../../../../../tools/forecast/models/seed";

describe("the seed's method (table tests)", () => {
    const neutral = { cpuUtilization: 0.5, memoryUtilization: 0.5, requestRate: 1, responseTimeP95: 100, queueLength: 10, errorRate: 0 };
    const cases: Array<[string, Partial<typeof neutral>, Record<string, number>]> = [
        ["neutral", {}, { cpu: 1, memory: 1, response_time: 1, queue: 1, error_rate: 1 }],
        ["cpu 1.4 → 2 (capped)", { cpuUtilization: 1.6 }, { cpu: 2 }],
        ["cpu 0.84 → 1.2", { cpuUtilization: 0.84 }, { cpu: 0.84 / 0.7 }],
        ["cpu 0.15 → 0.5", { cpuUtilization: 0.15 }, { cpu: 0.5 }],
        ["memory 0.21 → 0.7", { memoryUtilization: 0.21 }, { memory: 0.21 / 0.3 }],
        ["p95 2 s → 3 (capped)", { responseTimeP95: 2000 }, { response_time: 3 }],
        ["p95 750 ms → 1.5", { responseTimeP95: 750 }, { response_time: 1.5 }],
        ["queue 0 → 0.8", { queueLength: 0 }, { queue: 0.8 }],
        ["queue 15 → 1.5", { queueLength: 15 }, { queue: 1.5 }],
        ["errors 10 % → 1.1", { errorRate: 0.1 }, { error_rate: 1.1 }],
        ["errors 5 % → 1", { errorRate: 0.05 }, { error_rate: 1 }],
    ];
    for (const [name, m, expected] of cases)
        test(`factors: ${name}`, () => {
            const f = seedScalingFactors({ ...neutral, ...m });
            for (const [k, v] of Object.entries(expected)) assert.equal(f[k as keyof typeof f], v);
        });
    test("weights 0.3/0.25/0.2/0.15/0.1", () => {
        assert.equal(seedWeightedFactor({ cpu: 2, memory: 1, response_time: 1, queue: 1, error_rate: 1 }), 1.3);
        assert.ok(Math.abs(seedWeightedFactor({ cpu: 1, memory: 1, response_time: 1, queue: 0.8, error_rate: 1 }) - 0.97) < 1e-12);
    });
    test("load factor: 1 under 10 points; trend of the last 10 extrapolated 5 periods, clamped", () => {
        assert.equal(seedLoadFactor([1, 2, 3]), 1);
        assert.equal(seedLoadFactor([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]), 1);
        // 1..10: mean 5.5, slope 1 → (5.5 + 5) / 5.5
        assert.equal(seedLoadFactor([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 10.5 / 5.5);
        assert.equal(seedLoadFactor([1, 1, 1, 1, 1, 1, 1, 1, 1, 100]), 2);
    });
    test("decision: int(current × factor), bounds, confidence, dampening", () => {
        assert.deepEqual(seedDecision(1.3, 1, 10, 2, 50, false), {
            action: "scale_up",
            targetReplicas: 13,
            confidence: 0.6000000000000001,
            reason: "Scale up due to high load (factor: 1.30)",
            factor: 1.3,
        });
        assert.equal(seedDecision(1.05, 1, 10, 2, 50, false).action, "no_action"); // int(10.5) = 10
        assert.equal(seedDecision(0.5, 1, 10, 2, 50, false).targetReplicas, 5);
        assert.equal(seedDecision(0.1, 1, 10, 2, 50, false).targetReplicas, 2);
        const damp = seedDecision(2, 1, 10, 2, 50, true);
        assert.equal(damp.action, "no_action");
        assert.equal(damp.reason, "Dampened due to recent scaling activity");
        assert.equal(damp.confidence, 0.5);
    });
    test("the seed's forecaster extrapolates the degree-2 polynomial of the whole history", () => {
        const x = [0, 1, 2, 3, 4, 5];
        assert.ok(Math.abs(seedModel.forecast(Float64Array.from(x.map((v) => 3 - 2 * v + 0.5 * v * v)), 1, 24).point[0] - 9) < 1e-9); // 3 − 2·6 + 0.5·36
    });
});
