/** Cross-field rules of the cost model: a discount is never dearer than on-demand capacity. */
import type { AppConfig } from "../schema";

/** Spot and reserved prices at most the on-demand ones, unit by unit. */
export function costProblems(c: AppConfig): string[] {
    const out: string[] = [];
    const p = c.cost.prices;
    for (const kind of ["spot", "reserved"] as const)
        for (const unit of ["vcpuHour", "gibHour"] as const)
            if (p[kind][unit] > p.onDemand[unit])
                out.push(
                    `cost.prices.${kind}.${unit} (${p[kind][unit]}) must be <= cost.prices.onDemand.${unit} (${p.onDemand[unit]}): ${kind} capacity is a discount on on-demand capacity`,
                );
    return out;
}
