/**
 * Prices the stack's pods (usage.ts) at the configured prices: the monthly cost per tier, and the
 * reserved floor the report recommends committing with what it saves. Pure arithmetic over plain
 * numbers, so a test can work an example on paper.
 */
import { COST_TIERS, type CostItem, type CostTier } from "./usage";

/** A price per vCPU-hour and per GiB-hour of requests. */
export interface Prices {
    readonly vcpuHour: number;
    readonly gibHour: number;
}

/** Per hour, one pod of `item` at `p`. */
const perPod = (item: CostItem, p: Prices) => item.vcpu * p.vcpuHour + item.gib * p.gibHour;

/** The monthly cost of each tier at `p`, spot pods at `spot` (every tier present, 0 when the stack runs none of it). */
export function monthlyByTier(items: readonly CostItem[], p: Prices, hoursPerMonth: number, spot: Prices = p): Record<CostTier, number> {
    const out = Object.fromEntries(COST_TIERS.map((t) => [t, 0])) as Record<CostTier, number>;
    for (const item of items) out[item.tier] += item.mean * perPod(item, item.spot ? spot : p) * hoursPerMonth;
    return out;
}

/** One kind of pod's reserved floor: the pods busy at least the coverage share of the time. */
export interface ReservedFloor {
    readonly name: string;
    readonly tier: CostTier;
    readonly replicas: number;
    readonly vcpu: number;
    readonly gib: number;
}

export interface ReservedPlan {
    readonly floors: readonly ReservedFloor[];
    /** What to commit: the floors' requests. */
    readonly vcpu: number;
    readonly gib: number;
    /** Monthly: the floors at the reserved price (paid every hour) plus the pods above them on demand. */
    readonly monthly: number;
    /** The all on-demand monthly cost less `monthly`. */
    readonly saving: number;
}

// A share computed from tick counts may land a hair under the coverage it equals.
const EPSILON = 1e-9;

/**
 * The floor of one kind of pod at `coverage`: the most pods running at least that share of the
 * time (all of a fixed count), and the pods of the floor busy on average (Σ share of n, n ≤ floor).
 */
export function floorAt(item: CostItem, coverage: number): { replicas: number; busy: number } {
    if (!item.atLeast) return { replicas: item.mean, busy: item.mean };
    let replicas = 0;
    let busy = 0;
    for (let n = 1; n < item.atLeast.length && item.atLeast[n] >= coverage - EPSILON; n++) {
        replicas = n;
        busy += item.atLeast[n];
    }
    return { replicas, busy };
}

/**
 * Committing each kind of pod's floor: the floors cost the reserved price every hour, whether
 * busy or not, and the pods above them (the mean less the floor's busy pods) the on-demand price.
 */
export function reservedPlan(
    items: readonly CostItem[],
    prices: { readonly onDemand: Prices; readonly reserved: Prices; readonly spot?: Prices },
    hoursPerMonth: number,
    coverage: number,
): ReservedPlan {
    // Spot pods are not committed: they cost the spot price on both sides.
    const spot = items.filter((i) => i.spot).reduce((s, i) => s + i.mean * perPod(i, prices.spot ?? prices.onDemand) * hoursPerMonth, 0);
    let monthly = spot;
    let onDemand = spot;
    const floors = items
        .filter((i) => !i.spot)
        .map((item): ReservedFloor => {
            const f = floorAt(item, coverage);
            monthly += (f.replicas * perPod(item, prices.reserved) + (item.mean - f.busy) * perPod(item, prices.onDemand)) * hoursPerMonth;
            onDemand += item.mean * perPod(item, prices.onDemand) * hoursPerMonth;
            return { name: item.name, tier: item.tier, replicas: f.replicas, vcpu: f.replicas * item.vcpu, gib: f.replicas * item.gib };
        });
    const vcpu = floors.reduce((s, f) => s + f.vcpu, 0);
    const gib = floors.reduce((s, f) => s + f.gib, 0);
    return { floors, vcpu, gib, monthly, saving: onDemand - monthly };
}
