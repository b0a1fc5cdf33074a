/**
 * The benchmark's money columns (issue 17): each method's replay priced on-demand, and again
 * with the burst above its floor on spot, interrupted at a rate (forecast/spotReplay.ts). Every
 * replay draws its interruptions from its own generator seeded with the same `seed` (common
 * random numbers: the methods meet the same luck), so one run is reproducible and its methods
 * comparable.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { mersenne } from "pure-rand/generator/mersenne";
import { monthlyCost, ON_DEMAND_USD, SEED_API_POD, SPOT_USD, type PodSize, type UnitPrices } from "../../forecast/replayPrice";
import type { Trajectory } from "../../forecast/simulator";
import { AWS_NOTICE_SECONDS, DEFAULT_INTERRUPTIONS_PER_POD_HOUR, spotReplay, type SpotSettings } from "../../forecast/spotReplay";

export interface BenchPricing {
    /** What one pod of a series requests: the capacity scenarios count pods of this size. */
    readonly pod: PodSize;
    readonly onDemand: UnitPrices;
    readonly spot: UnitPrices;
    /** The spot share, rate and notice; the replacement delay is the replay's readiness delay. */
    readonly spotSettings: Omit<SpotSettings, "replacementDelaySeconds">;
    /** The interruption generator's seed (Mersenne Twister, pure-rand). */
    readonly seed: number;
}

/** The seed's API pod at the config's example prices, the whole burst on spot, 20 % of spot pods interrupted a month. */
export const DEFAULT_BENCH_PRICING: BenchPricing = {
    pod: SEED_API_POD,
    onDemand: ON_DEMAND_USD,
    spot: SPOT_USD,
    spotSettings: { share: 1, interruptionsPerPodHour: DEFAULT_INTERRUPTIONS_PER_POD_HOUR, noticeSeconds: AWS_NOTICE_SECONDS },
    seed: 1,
};

/** The money and spot fields of a method's score (added to the JSON document's methods, nothing removed). */
export interface PriceScore {
    /** Monthly equivalent (USD at the default prices) with every pod on-demand. */
    monthlyCost: number;
    /** The same with the burst above the floor on spot. */
    spotMonthlyCost: number;
    /** The SLO-weighted cost with spot interruptions (compare with `weightedCost`). */
    spotWeightedCost: number;
    spotUnderProvisionedPct: number;
    spotInterruptions: number;
}

/**
 * Prices one replay's trajectory (ticks `dt` seconds apart, `replicaHours` of it) under the floor
 * `floorAt`, with the replacement delay `readinessDelaySeconds`.
 */
export function priceReplay(
    tr: Trajectory,
    dt: number,
    floorAt: (t: number) => number,
    readinessDelaySeconds: number,
    p: BenchPricing = DEFAULT_BENCH_PRICING,
): PriceScore {
    const rng = mersenne(p.seed);
    const spot = spotReplay(tr, dt, floorAt, { ...p.spotSettings, replacementDelaySeconds: readinessDelaySeconds }, () =>
        uniformFloat64(rng),
    );
    const scoredHours = (tr.time.length * dt) / 3600;
    const podHours = spot.onDemandPodHours + spot.spotPodHours;
    return {
        monthlyCost: monthlyCost({ podHours, scoredHours }, p.pod, p.onDemand),
        spotMonthlyCost: monthlyCost(
            { podHours: spot.onDemandPodHours, spotPodHours: spot.spotPodHours, scoredHours },
            p.pod,
            p.onDemand,
            p.spot,
        ),
        spotWeightedCost: spot.weightedCost,
        spotUnderProvisionedPct: 100 * spot.underProvisionedFraction,
        spotInterruptions: spot.interruptions,
    };
}

/** A trajectory with floor `floorAt` laid under it, its pods ready at once (how the hindsight bound is priced). */
export function withFloor(tr: Trajectory, floorAt: (t: number) => number): Trajectory {
    const n = tr.time.length;
    const replicas = new Int32Array(n);
    const ready = new Int32Array(n);
    for (let k = 0; k < n; k++) {
        const f = floorAt(tr.time[k]);
        replicas[k] = Math.max(f, tr.replicas[k]);
        ready[k] = Math.max(f, tr.ready[k]);
    }
    return { time: tr.time, replicas, ready, need: tr.need, oracleTicks: tr.oracleTicks };
}
