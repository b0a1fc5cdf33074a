/**
 * Money for a replay: pod-hours × what one pod requests × the price of a vCPU-hour and a
 * GiB-hour, as a monthly equivalent. Pure; the prices are plain parameters (the stack config's
 * `cost.*` section feeds them where the program has one).
 *
 * The defaults are public list prices, so that the benchmark prints a figure with no network
 * look-up: AWS Fargate, Linux/x86, us-east-1 (aws.amazon.com/fargate/pricing): on-demand
 * $0.04048 per vCPU-hour and $0.004445 per GB-hour; Fargate Spot at the 70 % discount AWS
 * advertises ("up to 70 %"), i.e. 0.3 × on-demand. Fargate bills the resources a pod requests,
 * which is what a replay counts.
 */

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

/** AWS Fargate on-demand, Linux/x86, us-east-1 (USD). */
export const ON_DEMAND_USD: UnitPrices = { cpuHour: 0.04048, gibHour: 0.004445 };

/** Fargate Spot at 70 % off on-demand (USD). */
export const SPOT_USD: UnitPrices = { cpuHour: 0.04048 * 0.3, gibHour: 0.004445 * 0.3 };

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
