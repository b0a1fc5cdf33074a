/**
 * Money for a replay: pod-hours × what one pod requests × the price of a vCPU-hour and a
 * GiB-hour, as a monthly equivalent. Pure; the prices are plain parameters (the stack config's
 * `cost.*` section feeds them where the program has one).
 *
 * The defaults are the stack config's example prices (config/schema/cost.ts, EXAMPLE_PRICES:
 * GCE N2 list prices, spot 70 % below on-demand), so the benchmark and a stack with no `cost`
 * section price a pod-hour the same, with no network look-up.
 */
import { EXAMPLE_PRICES } from "../config/schema/cost";

/** What one pod requests. */
export interface PodSize {
    /** vCPU (cores) per pod. */
    readonly cpu: number;
    /** Memory per pod in GiB. */
    readonly memoryGiB: number;
}

/** Prices of requested capacity, per hour. */
export interface UnitPrices {
    readonly cpuHour: number;
    readonly gibHour: number;
}

/** The seed's API pod (api.resources: cpuRequest 500m, memoryRequest 512Mi): the benchmark's series are sized in these pods. */
export const SEED_API_POD: PodSize = { cpu: 0.5, memoryGiB: 0.5 };

/** The example on-demand prices (USD). */
export const ON_DEMAND_USD: UnitPrices = { cpuHour: EXAMPLE_PRICES.onDemand.vcpuHour, gibHour: EXAMPLE_PRICES.onDemand.gibHour };

/** The example spot prices (USD). */
export const SPOT_USD: UnitPrices = { cpuHour: EXAMPLE_PRICES.spot.vcpuHour, gibHour: EXAMPLE_PRICES.spot.gibHour };

/** Hours in the monthly equivalent: 365 × 24 ÷ 12, the month cloud price lists use. */
export const HOURS_PER_MONTH = 730;

/** What one pod costs per hour at `p`. */
export function podHourPrice(pod: PodSize, p: UnitPrices): number {
    return pod.cpu * p.cpuHour + pod.memoryGiB * p.gibHour;
}

/**
 * The monthly equivalent of `podHours` on-demand and `spotPodHours` on spot over a replay that
 * scored `scoredHours`: the replay's money scaled to a 730-hour month. 0 when nothing was scored.
 */
export function monthlyCost(
    a: { readonly podHours: number; readonly spotPodHours?: number; readonly scoredHours: number },
    pod: PodSize,
    onDemand: UnitPrices,
    spot: UnitPrices = onDemand,
): number {
    if (!(a.scoredHours > 0)) return 0;
    const money = a.podHours * podHourPrice(pod, onDemand) + (a.spotPodHours ?? 0) * podHourPrice(pod, spot);
    return (money * HOURS_PER_MONTH) / a.scoredHours;
}
