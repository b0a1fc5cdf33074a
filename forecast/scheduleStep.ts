/**
 * One workload's floor schedule as the step (and the benchmark) derives it: the recent days,
 * scaled to the forecast, replayed under the static bounds; the floor per hour of the day and its
 * leave-one-day-out backtest (scheduleFloor.ts); the slots ahead. Pure.
 */
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import type { FloorSchedule } from "./schedule";
import { hourlyFloors, reactionSeconds, SCHEDULE_MARGIN, shapeFloors, type HourlyFloors } from "./scheduleFloor";
import { replay, type ReplayMetric, type Trajectory } from "./simulator";
import type { Bounds } from "./sizing";

export interface ScheduleSettings {
    /** Seconds per slot of the schedule. */
    readonly slotSeconds: number;
    /** Hours the schedule covers from the forecast origin (then the static floor again). */
    readonly horizonHours: number;
    /** Dips shorter than this between higher floors are filled. */
    readonly holdSeconds: number;
    readonly hysteresisPercent: number;
    readonly readinessDelaySeconds: number;
}

export interface ScheduleStepInput {
    /** The forecast origin (the schedule starts at the slot containing it). */
    readonly origin: number;
    /** The recent days at full resolution, scaled to the forecast (the floor's scenario), ending at the origin. */
    readonly recent: { readonly start: number; readonly step: number; readonly metrics: readonly ReplayMetric[] };
    /** The static bounds the HPA keeps (the schedule stays within them). */
    readonly bounds: Bounds;
    /** The lowest floor the schedule may set (the HPA's minReplicas while it runs). @default bounds.minReplicas */
    readonly lowest?: number;
    readonly behavior?: HorizontalPodAutoscalerBehavior;
    readonly previous?: FloorSchedule;
    /** The replay of `recent` under [lowest, bounds.maxReplicas], when one was run already (the floor search's). */
    readonly trajectory?: Trajectory;
}

export interface ScheduleStep {
    /** Slot floors from `start`; absent when the backtest keeps the static floor (`reason`). */
    readonly floors?: readonly number[];
    readonly reason?: string;
    readonly start: number;
    readonly stepSeconds: number;
    readonly hourly: HourlyFloors;
    readonly leadSeconds: number;
}

/** The schedule of one workload, or why none. */
export function scheduleStep(x: ScheduleStepInput, s: ScheduleSettings): ScheduleStep {
    const leadSeconds = reactionSeconds(x.behavior, s.readinessDelaySeconds);
    const step = s.slotSeconds;
    const lowest = Math.min(x.lowest ?? x.bounds.minReplicas, x.bounds.minReplicas);
    const start = Math.floor(x.origin / step) * step;
    const tr =
        x.trajectory ??
        replay({
            ...x.recent,
            bounds: { minReplicas: lowest, maxReplicas: x.bounds.maxReplicas },
            behavior: x.behavior,
            readinessDelaySeconds: s.readinessDelaySeconds,
            recordEvents: false,
            recordTrajectory: true,
        }).trajectory!;
    const hourly = hourlyFloors(tr, lowest, x.bounds.maxReplicas, x.bounds.minReplicas);
    const out = { start, stepSeconds: step, hourly, leadSeconds };
    const gain = hourly.staticCost > 0 ? 1 - hourly.heldOutCost / hourly.staticCost : 0;
    const reason = noScheduleReason(hourly, gain, x.bounds.minReplicas);
    if (reason) return { ...out, reason };
    const slots = Math.max(1, Math.round((s.horizonHours * 3600) / step));
    const needs = Array.from({ length: slots }, (_, i) => hourly.floors[Math.floor(((start + i * step) % 86400) / 3600)]);
    const floors = shapeFloors(needs, {
        start,
        stepSeconds: step,
        leadSeconds,
        holdSeconds: s.holdSeconds,
        minReplicas: lowest,
        maxReplicas: x.bounds.maxReplicas,
        hysteresisPercent: s.hysteresisPercent,
        previous: x.previous,
    });
    return { ...out, floors };
}

/** Why the backtest keeps the static floor, or undefined when the schedule beats it. */
function noScheduleReason(h: HourlyFloors, gain: number, staticFloor: number): string | undefined {
    if (h.days < 2) return "fewer than 2 days replayed: no backtest to trust a schedule";
    if (gain > SCHEDULE_MARGIN) return undefined;
    if (h.floors.every((f) => f === staticFloor))
        return `every hour's cheapest floor on the replayed days is the static floor ${staticFloor}: nothing to schedule`;
    const by = gain < 0 ? `${(100 * -gain).toFixed(2)} % more than` : `only ${(100 * gain).toFixed(2)} % less than`;
    return `the backtest (each of ${h.days} days under the hourly floors of the others) costs ${by} the static floor ${staticFloor}: the load's bursts do not come at the same hours from day to day`;
}
