/**
 * The forecast's floor schedule: the replica floor per slot ahead of the forecast origin, which
 * the program publishes as a Prometheus recording rule served to the HPA as an Object metric
 * (the HPA takes the max over its metrics, so the schedule is a floor and the seed's metrics
 * still scale above it). Pure data here; the derivation lives with the forecast.
 */

export interface ScheduleBand {
    /** The metric, as `forecast.series` names it for the workload (`requests`, `cpu`, `queueLength`, ...). */
    readonly metric: string;
    /** Per slot, in the metric's unit (the total over the workload's pods, like its export). */
    readonly lower: readonly number[];
    readonly upper: readonly number[];
}

export interface FloorSchedule {
    /** Seconds per slot. */
    readonly stepSeconds: number;
    /** Unix seconds of slot 0's start (the forecast origin, a multiple of `stepSeconds`). */
    readonly start: number;
    /**
     * Replica floor per slot (slot i covers [start + i·step, start + (i+1)·step)), each within
     * [the static minReplicas (`minReplicas` when set), maxReplicas]. After the last slot the
     * floor is the static minReplicas again: a schedule nobody refreshed expires by itself.
     */
    readonly floors: readonly number[];
    /** The forecast band per slot of each metric the workload scales on (alerts and dashboards read it). */
    readonly bands: readonly ScheduleBand[];
    /**
     * The lowest floor the schedule sets: the configured static minimum (the guardrail's
     * minReplicas and the policy minimum), below the sized minReplicas in quiet hours. The HPA's
     * minReplicas must be this while the schedule runs, or a quiet hour keeps the sized floor
     * and the schedule can only add pods (the benchmark's gain is the quiet hours). Absent: the
     * sized minReplicas.
     */
    readonly minReplicas?: number;
}

/** Unix seconds at which the schedule stops applying. */
export function scheduleEnd(s: FloorSchedule): number {
    return s.start + s.floors.length * s.stepSeconds;
}
