/** Cross-field rules of the forecast step: guardrails that leave room, and that overlap the configured bounds. */
import { haFloor } from "../../policies/contract";
import { WORKER_POOLS, type AppConfig } from "../schema";

interface ReplicaBounds {
    readonly minReplicas: number;
    readonly maxReplicas: number;
}

/** Each guardrail's lower bound at most its upper bound. */
function guardrailOrderProblems(c: AppConfig): string[] {
    const out: string[] = [];
    const gr = c.forecast.guardrails;
    const guard = (key: string, lo: string, hi: string, min: number, max: number) => {
        if (min > max) out.push(`forecast.guardrails.${key}.${lo} (${min}) must be <= forecast.guardrails.${key}.${hi} (${max})`);
    };
    guard("api", "minReplicas", "maxReplicas", gr.api.minReplicas, gr.api.maxReplicas);
    for (const name of WORKER_POOLS)
        guard(`workers.${name}`, "minReplicas", "maxReplicas", gr.workers[name].minReplicas, gr.workers[name].maxReplicas);
    for (const key of ["redisMasters", "postgresReplicas", "poolerInstances"] as const) guard(key, "min", "max", gr[key].min, gr[key].max);
    return out;
}

// The guardrails bound what the forecast may set; bounds configured wholly outside them would
// let it jump there (1..4 -> 50..51) on the first preview, with no warning.
function overlapProblems(key: string, configured: ReplicaBounds, g2: ReplicaBounds): string[] {
    const out: string[] = [];
    const why = "the guardrails must overlap the configured bounds, or the forecast would jump past them";
    if (g2.minReplicas <= g2.maxReplicas && g2.minReplicas > configured.maxReplicas)
        out.push(
            `forecast.guardrails.${key}.minReplicas (${g2.minReplicas}) must be <= ${key}.maxReplicas (${configured.maxReplicas}): ${why}`,
        );
    if (g2.minReplicas <= g2.maxReplicas && g2.maxReplicas < configured.minReplicas)
        out.push(
            `forecast.guardrails.${key}.maxReplicas (${g2.maxReplicas}) must be >= ${key}.minReplicas (${configured.minReplicas}): ${why}`,
        );
    return out;
}

/** Guardrails in order, then, where the forecast sizes a workload, overlapping its configured bounds. */
export function guardrailProblems(c: AppConfig): string[] {
    const out = guardrailOrderProblems(c);
    // A forecast floor below the pack's would size HPAs that `hpa-min-replicas-ha` then refuses.
    const floor = haFloor(c.environment);
    if (c.forecast.policyMinimum < floor)
        out.push(
            `forecast.policyMinimum (${c.forecast.policyMinimum}) must be >= ${floor}, the ${c.environment} HA floor the policy pack enforces (0: that floor)`,
        );
    out.push(...scheduleProblems(c));
    const gr = c.forecast.guardrails;
    // Only where the forecast sizes the workload: enabled, with the workload's series mapped.
    if (c.forecast.enabled) {
        if (c.forecast.series.api) out.push(...overlapProblems("api", c.api, gr.api));
        for (const name of WORKER_POOLS)
            if (c.forecast.series.workers[name]) out.push(...overlapProblems(`workers.${name}`, c.workers[name], gr.workers[name]));
    }
    return out;
}

/** The schedule's slots tile the hour, and it outlives the refresh that replaces it. */
function scheduleProblems(c: AppConfig): string[] {
    const out: string[] = [];
    const s = c.forecast.schedule;
    if (60 % s.slotMinutes !== 0)
        out.push(
            `forecast.schedule.slotMinutes (${s.slotMinutes}) must divide 60 (5, 6, 10, 12, 15, 20, 30 or 60), so that slots tile the hour`,
        );
    // A schedule that expires before the next refresh leaves the static floor in between.
    if (s.refreshHours > s.horizonHours)
        out.push(
            `forecast.schedule.refreshHours (${s.refreshHours}) must be <= forecast.schedule.horizonHours (${s.horizonHours}), or the schedule expires before the refresh that replaces it`,
        );
    return out;
}
