/** The bench's money columns (tools/forecast/benchPrice.ts) on a trajectory worked by hand, with pure-rand's seeded draws. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { mersenne } from "pure-rand/generator/mersenne";
import { DEFAULT_BENCH_PRICING, priceReplay, withFloor } from "../../../../tools/forecast/benchPrice";
import { tenTicks } from "../../../support/trajectories";

// Worked at Fargate's us-east-1 list prices, given here so the hand-worked money does not follow the defaults.
const PRICING = {
    ...DEFAULT_BENCH_PRICING,
    onDemand: { cpuHour: 0.04048, gibHour: 0.004445 },
    spot: { cpuHour: 0.04048 * 0.3, gibHour: 0.004445 * 0.3 },
};

describe("the bench's money columns", () => {
    test("the bench's price columns on the ten ticks, interruptions off: 65.5905, 42.633825 and the replay's 40 ÷ 30", () => {
        const p = { ...PRICING, spotSettings: { ...PRICING.spotSettings, interruptionsPerPodHour: 0 } };
        const r = priceReplay(tenTicks(), 60, () => 2, 60, p);
        assert.ok(Math.abs(r.monthlyCost - 65.5905) < 1e-9);
        assert.ok(Math.abs(r.spotMonthlyCost - 42.633825) < 1e-9);
        assert.equal(r.spotWeightedCost, 40 / 30);
        assert.equal(r.spotUnderProvisionedPct, 0);
        assert.equal(r.spotInterruptions, 0);
    });

    test("seeded: seed 34 at 7.5 interruptions a spot pod-hour gives one interruption, at t = 120, worked by hand", () => {
        // pure-rand's Mersenne Twister, seed 34, draws 0.46794750190441836 then 0.9264294288757188.
        const rng = mersenne(34);
        assert.deepEqual([uniformFloat64(rng), uniformFloat64(rng)], [0.46794750190441836, 0.9264294288757188]);
        // Gaps: -ln(1 − 0.4679…) ÷ 7.5 = 0.6310 ÷ 7.5 = 0.0841 spot pod-hours, crossed after t = 120
        // (2/30 < 0.0841 <= 3/30); the next, -ln(1 − 0.9264…) = 2.6095, puts the second at
        // (0.6310 + 2.6095) ÷ 7.5 = 0.432, beyond the run's 10/30. Lost at 240, ready after the
        // 60 s readiness delay at 300: one pod fewer at t = 240 only, where 3.5 are needed: 0.5 short.
        const p = {
            ...PRICING,
            seed: 34,
            spotSettings: { ...PRICING.spotSettings, interruptionsPerPodHour: 7.5 },
        };
        const r = priceReplay(tenTicks(), 60, () => 2, 60, p);
        assert.equal(r.spotInterruptions, 1);
        assert.equal(r.spotWeightedCost, (40 + 10 * 0.5) / 30);
        assert.equal(r.spotUnderProvisionedPct, 10);
        // Interruptions move no money: the replacement runs in the lost pod's place.
        assert.ok(Math.abs(r.spotMonthlyCost - 42.633825) < 1e-9);
    });

    test("the seeded draws are reproducible: one seed, one result; at 20 interruptions a spot pod-hour the ten ticks lose pods", () => {
        const p = { ...PRICING, spotSettings: { ...PRICING.spotSettings, interruptionsPerPodHour: 20 } };
        const a = priceReplay(tenTicks(), 60, () => 2, 60, p);
        assert.deepEqual(
            priceReplay(tenTicks(), 60, () => 2, 60, p),
            a,
        );
        // 20 × 1/3 spot pod-hour: about 6.7 interruptions expected; losses only add shortfall.
        assert.ok(a.spotInterruptions > 0);
        assert.ok(a.spotWeightedCost > 40 / 30);
    });

    test("a floor laid under a trajectory raises its pods and its ready pods to it", () => {
        const w = withFloor(tenTicks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), () => 5);
        assert.deepEqual(Array.from(w.replicas), [5, 5, 5, 5, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(Array.from(w.ready), [5, 5, 5, 5, 5, 6, 7, 8, 9, 10]);
    });
});
