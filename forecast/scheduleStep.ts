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

/**
 * The classes of series on which the step keeps the static floor, from its own backtest:
 * `short` fewer than 2 days replayed (no day to hold out); `flat` every hour's cheapest floor is
 * the static one (the load never needs more at any hour: nothing to schedule); `irregular` the
 * hourly floors chosen on some days do not beat the static floor on the others (the bursts do not
 * come at the same hours from day to day).
 */
export type StaticClass = "short" | "flat" | "irregular";

/** The leave-one-day-out backtest in SLO-weighted cost (÷ the oracle's replica-ticks, like the replay's `weightedCost`). */
export interface ScheduleBacktest {
    /** Every day under the static floor. */
    readonly staticCost: number;
    /** Each day under the hourly floors the other days chose. */
    readonly scheduledCost: number;
    /** Days held out in turn. */
    readonly days: number;
}

export interface ScheduleStep {
    /** Slot floors from `start`; absent when the backtest keeps the static floor (`reason`, `kept`). */
    readonly floors?: readonly number[];
    readonly reason?: string;
    /** The class of series the static floor was kept for (with `reason`). */
    readonly kept?: StaticClass;
    readonly backtest: ScheduleBacktest;
    readonly start: number;
    readonly stepSeconds: number;
    readonly hourly: HourlyFloors;
    readonly leadSeconds: number;
    /** The replay of the recent days under the lowest floor the hourly floors were priced on. */
    readonly trajectory: Trajectory;
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
    const per = tr.oracleTicks > 0 ? 1 / tr.oracleTicks : 0;
    const backtest = { staticCost: hourly.staticCost * per, scheduledCost: hourly.heldOutCost * per, days: hourly.days };
    const out = { start, stepSeconds: step, hourly, leadSeconds, backtest, trajectory: tr };
    const gain = hourly.staticCost > 0 ? 1 - hourly.heldOutCost / hourly.staticCost : 0;
    const kept = staticClass(hourly, gain, x.bounds.minReplicas);
    if (kept) return { ...out, kept, reason: keptReason(kept, hourly, gain, x.bounds.minReplicas, backtest) };
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

/** The class of series the backtest keeps the static floor for, or undefined when the schedule beats it. */
function staticClass(h: HourlyFloors, gain: number, staticFloor: number): StaticClass | undefined {
    if (h.days < 2) return "short";
    if (gain > SCHEDULE_MARGIN) return undefined;
    return h.floors.every((f) => f === staticFloor) ? "flat" : "irregular";
}

/** Why the backtest keeps the static floor, with its numbers. */
function keptReason(kept: StaticClass, h: HourlyFloors, gain: number, staticFloor: number, b: ScheduleBacktest): string {
    if (kept === "short") return "fewer than 2 days replayed: no backtest to trust a schedule";
    const numbers = `(backtest: scheduled ${b.scheduledCost.toFixed(3)} vs static ${b.staticCost.toFixed(3)} over ${h.days} held-out days)`;
    if (kept === "flat")
        return `every hour's cheapest floor on the replayed days is the static floor ${staticFloor}: nothing to schedule ${numbers}`;
    const by = gain < 0 ? `${(100 * -gain).toFixed(2)} % more than` : `only ${(100 * gain).toFixed(2)} % less than`;
    return `the backtest (each of ${h.days} days under the hourly floors of the others) costs ${by} the static floor ${staticFloor} ${numbers}: the load's bursts do not come at the same hours from day to day`;
}
