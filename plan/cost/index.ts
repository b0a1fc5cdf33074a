/**
 * The cost model (issue 17): a stack's monthly cost per tier at the configured on-demand prices,
 * now (the stack file's sizes) and as proposed (after the forecast), and the reserved floor worth
 * committing. Autoscaled workloads count the mean replicas of the forecast's replay of the recent
 * days under each set of bounds; without a replay, their minReplicas. Pure.
 */
import type { AppConfig } from "../../config/schema";
import type { WorkloadForecast } from "../../forecast/stack";
import { monthlyByTier, reservedPlan, type ReservedFloor } from "./price";
import { costItems, COST_TIERS, type CostTier, type Replicas, type ReplicasOf } from "./usage";

export { COST_TIERS, costItems, spotSplit, type CostItem, type CostTier, type Replicas } from "./usage";
export { floorAt, monthlyByTier, reservedPlan, type Prices, type ReservedFloor, type ReservedPlan } from "./price";

export interface StackCost {
    /** ISO 4217 code of every amount. */
    readonly currency: string;
    readonly hoursPerMonth: number;
    /** Monthly cost per tier at on-demand prices, to the cent: now and as proposed. */
    readonly tiers: Readonly<Record<CostTier, { readonly now: number; readonly proposed: number }>>;
    /** The tiers' sum (of the unrounded amounts), to the cent. */
    readonly total: { readonly now: number; readonly proposed: number };
    /** The proposed stack with its reserved floor committed (`cost.reserved.coverage`). */
    readonly reserved: {
        readonly coverage: number;
        /** Requests to commit, to the thousandth. */
        readonly vcpu: number;
        readonly gib: number;
        /** Monthly with the commitment, and its saving on the all on-demand proposed cost, to the cent. */
        readonly monthly: number;
        readonly saving: number;
        readonly floors: readonly ReservedFloor[];
    };
}

export interface StackCostArgs {
    readonly stack: string;
    /** The stack file's config, before the forecast. */
    readonly configured: AppConfig;
    /** The config the program deploys (the forecast applied); the prices are read from it. */
    readonly final: AppConfig;
    /** The forecast's workloads (replays of the configured and the proposed bounds), when it ran. */
    readonly forecast?: { readonly workloads: readonly WorkloadForecast[] };
}

const cents = (x: number) => Math.round(x * 100) / 100;
const thousandths = (x: number) => Math.round(x * 1000) / 1000;

/** Replicas from a replay's shares; minReplicas where there is no replay. */
function replicasFrom(forecast: StackCostArgs["forecast"], which: "current" | "proposed"): ReplicasOf {
    return (key, minReplicas): Replicas => {
        const atLeast = forecast?.workloads.find((w) => w.name === key)?.risk?.[which].replicasAtLeast;
        if (!atLeast || atLeast.length === 0) return { mean: minReplicas };
        return { mean: atLeast.slice(1).reduce((s, x) => s + x, 0), atLeast };
    };
}

/** The stack's monthly cost per tier, now and as proposed, and the reserved floor of the proposed stack. */
export function stackCost(a: StackCostArgs): StackCost {
    const c = a.final.cost;
    const now = costItems(a.configured, a.stack, replicasFrom(a.forecast, "current"));
    // The program's placeholders follow the API's schedule where the forecast sized the API (forecast/program.ts).
    const api = a.forecast?.workloads.find((w) => w.name === "api" && w.raw !== undefined);
    const proposed = costItems(a.final, a.stack, replicasFrom(a.forecast, "proposed"), { schedule: api?.schedule, verdict: api?.headroom });
    const before = monthlyByTier(now, c.prices.onDemand, c.hoursPerMonth, c.prices.spot);
    const after = monthlyByTier(proposed, c.prices.onDemand, c.hoursPerMonth, c.prices.spot);
    const sum = (m: Record<CostTier, number>) => COST_TIERS.reduce((s, t) => s + m[t], 0);
    const r = reservedPlan(proposed, c.prices, c.hoursPerMonth, c.reserved.coverage);
    return {
        currency: c.currency,
        hoursPerMonth: c.hoursPerMonth,
        tiers: Object.fromEntries(COST_TIERS.map((t) => [t, { now: cents(before[t]), proposed: cents(after[t]) }])) as StackCost["tiers"],
        total: { now: cents(sum(before)), proposed: cents(sum(after)) },
        reserved: {
            coverage: c.reserved.coverage,
            vcpu: thousandths(r.vcpu),
            gib: thousandths(r.gib),
            monthly: cents(r.monthly),
            saving: cents(r.saving),
            floors: r.floors.map((f) => ({ ...f, vcpu: thousandths(f.vcpu), gib: thousandths(f.gib) })),
        },
    };
}
