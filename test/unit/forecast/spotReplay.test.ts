/** Spot interruptions and money on a replay (forecast/spotReplay.ts, replayPrice.ts), worked by hand. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { floorOf, spotReplay, type SpotSettings } from "../../../forecast/spotReplay";
import { monthlyCost, podHourPrice, SEED_API_POD } from "../../../forecast/replayPrice";

// Worked with Fargate's list prices (us-east-1), given here, not the module's defaults.
const ON_DEMAND_USD = { cpuHour: 0.04048, gibHour: 0.004445 };
const SPOT_USD = { cpuHour: 0.04048 * 0.3, gibHour: 0.004445 * 0.3 };
import { tenTicks } from "../../support/trajectories";

/** Uniform draws that give the exponential gaps `gaps` (in spot pod-hours at rate 1): u = 1 − e^(−gap); counts the draws. */
function draws(gaps: number[]): { next: () => number; count: () => number } {
    let i = 0;
    return { next: () => 1 - Math.exp(-gaps[i++]), count: () => i };
}

const ONE_PER_POD_HOUR: SpotSettings = { share: 1, interruptionsPerPodHour: 1, noticeSeconds: 120, replacementDelaySeconds: 120 };

describe("spot interruptions in the replay", () => {
    test("one interruption worked by hand: notice at t = 120, lost 240..360, half a pod short at t = 240", () => {
        // The first gap is 0.09 spot pod-hours: 1/30 after t = 0, 2/30 after 60, 3/30 = 0.1 >= 0.09
        // after 120, so the notice comes at t = 120; the second gap (10) is never reached (10/30 in all).
        // Lost at 120 + 120 = 240, ready again at 240 + 120 = 360: one pod fewer at t = 240 and 300.
        // t = 240: 3 ready, need 3.5 → 0.5 short; t = 300: 3 ready, need 2.5 → none; t = 360: 4 ready.
        const u = draws([0.09, 10]);
        const r = spotReplay(tenTicks(), 60, () => 2, ONE_PER_POD_HOUR, u.next);
        assert.equal(u.count(), 2);
        assert.equal(r.interruptions, 1);
        assert.equal(r.shortfallPodHours, (0.5 * 60) / 3600);
        assert.equal(r.underProvisionedFraction, 0.1);
        // (40 pod-ticks + 10 × 0.5) ÷ 30 = 1.5; on-demand 20 pod-ticks = 1/3 h, spot the same.
        assert.equal(r.weightedCost, 1.5);
        assert.equal(r.onDemandPodHours, (20 * 60) / 3600);
        assert.equal(r.spotPodHours, (20 * 60) / 3600);
    });

    test("without spot (share 0) nothing is interrupted and the cost is the replay's: 40 ÷ 30", () => {
        const r = spotReplay(tenTicks(), 60, () => 2, { ...ONE_PER_POD_HOUR, share: 0 }, draws([0.01]).next);
        assert.deepEqual(r, {
            interruptions: 0,
            onDemandPodHours: (40 * 60) / 3600,
            spotPodHours: 0,
            shortfallPodHours: 0,
            underProvisionedFraction: 0,
            weightedCost: 40 / 30,
        });
    });

    test("the on-demand floor is never interrupted: every pod on the floor, a gap of 0.001 pod-hours, no interruption", () => {
        const r = spotReplay(tenTicks(), 60, () => 4, ONE_PER_POD_HOUR, draws([0.001, 0.001]).next);
        assert.equal(r.interruptions, 0);
        assert.equal(r.spotPodHours, 0);
    });

    test("a pod lost while the HPA scales down to the floor is not missed: the deficit is at most the spot pods", () => {
        // Notice at t = 120 as above, lost 240..360, but from t = 240 the workload runs 2 pods, its floor.
        const r = spotReplay(tenTicks([4, 4, 4, 4, 2, 2, 2, 2, 2, 2]), 60, () => 2, ONE_PER_POD_HOUR, draws([0.09, 10]).next);
        assert.equal(r.interruptions, 1);
        // need 3.5, 2.5, 3.5, 3 ×3 with 2 ready: 1.5 + 0.5 + 1.5 + 1 + 1 + 1 = 6.5 pod-ticks short, the replay's own.
        assert.equal(r.shortfallPodHours, (6.5 * 60) / 3600);
    });

    test("half the burst on spot: floor(0.5 × 2) = 1 spot pod a tick", () => {
        const r = spotReplay(tenTicks(), 60, () => 2, { ...ONE_PER_POD_HOUR, share: 0.5 }, draws([10]).next);
        assert.equal(r.spotPodHours, (10 * 60) / 3600);
        assert.equal(r.onDemandPodHours, (30 * 60) / 3600);
    });

    test("a share outside 0..1 is refused", () => {
        assert.throws(
            () => spotReplay(tenTicks(), 60, () => 2, { ...ONE_PER_POD_HOUR, share: 1.5 }, Math.random),
            /spot share \(1\.5\) must be within 0\.\.1/,
        );
    });

    test("the floor of bounds segments at rising times", () => {
        const f = floorOf([
            { from: -Infinity, minReplicas: 2 },
            { from: 100, minReplicas: 5 },
            { from: 200, minReplicas: 3 },
        ]);
        assert.deepEqual([0, 99, 100, 199, 200, 1e9].map(f), [2, 2, 5, 5, 3, 3]);
        assert.equal(floorOf({ minReplicas: 7 })(12), 7);
    });
});

describe("the replay's money", () => {
    test("one pod of the seed's API at Fargate's list prices: 0.5 × 0.04048 + 0.5 × 0.004445 = 0.0224625 USD an hour", () => {
        assert.equal(podHourPrice(SEED_API_POD, ON_DEMAND_USD), 0.0224625);
    });

    test("the ten ticks as a month: 4 pods × 730 h × 0.0224625 = 65.5905 USD; half on spot at 0.3 ×: 2 × 730 × 0.0224625 × 1.3 = 42.633825", () => {
        const scoredHours = 600 / 3600;
        const od = monthlyCost({ podHours: (40 * 60) / 3600, scoredHours }, SEED_API_POD, ON_DEMAND_USD);
        assert.ok(Math.abs(od - 65.5905) < 1e-9, `${od}`);
        const spot = monthlyCost({ podHours: 1 / 3, spotPodHours: 1 / 3, scoredHours }, SEED_API_POD, ON_DEMAND_USD, SPOT_USD);
        assert.ok(Math.abs(spot - 42.633825) < 1e-9, `${spot}`);
        assert.equal(monthlyCost({ podHours: 1, scoredHours: 0 }, SEED_API_POD, ON_DEMAND_USD), 0);
    });
});
