/**
 * A sized workload's floor schedule (issue 16) in the shape the program publishes (schedule.ts):
 * the floors from `scheduleStep` and, per slot, the forecast's band of each sizing metric, or the
 * reason the workload keeps its static floor. Pure.
 */
import { headroomVerdict } from "../plan/overprovision";
import type { WorkloadPlan } from "./plan";
import type { ScheduleBand } from "./schedule";
import { scheduleStep } from "./scheduleStep";
import type { Bounds, MetricCapacity } from "./sizing";
import type { ForecastSettings, WorkloadForecast, WorkloadInput } from "./stack";

/** Dips shorter than an hour between higher floors are filled: one PromQL term per run. */
export const HOLD_SECONDS = 3600;

/** The band's lower edge: the point less the upper band's width, at least 0. */
export function lowerBand(point: ArrayLike<number>, upper: ArrayLike<number>): Float64Array {
    return Float64Array.from(point, (p, i) => Math.max(0, 2 * p - upper[i]));
}

/** Per slot, each metric's band at the model step containing the slot's start. */
function bands(plan: WorkloadPlan, start: number, step: number, slots: number): ScheduleBand[] {
    return plan.metrics.map((p) => {
        const g = p.history;
        const from = g.start + g.values.length * g.step;
        const lower = lowerBand(p.forecast.point, p.forecast.upper);
        const at = (a: ArrayLike<number>, i: number) => {
            const k = Math.min(a.length - 1, Math.max(0, Math.floor((start + i * step - from) / g.step)));
            return a[k];
        };
        return {
            metric: p.name,
            lower: Array.from({ length: slots }, (_, i) => at(lower, i)),
            upper: Array.from({ length: slots }, (_, i) => at(p.forecast.upper, i)),
        };
    });
}

/** The schedule of a sized workload within its proposed bounds, or the note why none. */
export function workloadSchedule(
    w: WorkloadInput,
    plan: WorkloadPlan,
    capacities: readonly MetricCapacity[],
    s: ForecastSettings,
    proposed: Bounds,
    origin: number,
): Pick<WorkloadForecast, "schedule" | "scheduleNote" | "scheduleBacktest" | "scheduleKept" | "headroom"> {
    if (!s.scheduleEnabled) return { scheduleNote: "forecast.schedule.enabled is off: the static floor" };
    const sc = plan.scenario;
    // The configured static minimum: a quiet hour's floor may go down to it (never below).
    const lowest = Math.min(proposed.minReplicas, Math.max(w.guardrails.minReplicas, w.guardrails.policyMinimum, 1));
    const r = scheduleStep(
        {
            origin,
            recent: { start: sc.start, step: sc.step, metrics: capacities.map((c, i) => ({ ...c, load: sc.loads[i] })) },
            bounds: proposed,
            lowest,
            // The floor search replayed the same scenario: reused when its bounds are these.
            trajectory:
                sc.replayed && sc.replayed.minReplicas === lowest && sc.replayed.maxReplicas === proposed.maxReplicas
                    ? sc.replayed.trajectory
                    : undefined,
            behavior: w.behavior,
            previous: w.previousSchedule,
        },
        {
            slotSeconds: s.scheduleSlotMinutes * 60,
            horizonHours: s.scheduleHorizonHours,
            holdSeconds: HOLD_SECONDS,
            hysteresisPercent: s.hysteresisPercent,
            readinessDelaySeconds: s.readinessDelaySeconds,
        },
    );
    if (!r.floors)
        return {
            scheduleNote: `${w.name}: ${r.reason}; keeps the static floor ${proposed.minReplicas}`,
            scheduleBacktest: r.backtest,
            scheduleKept: r.kept,
        };
    const schedule = {
        stepSeconds: r.stepSeconds,
        start: r.start,
        floors: r.floors,
        bands: bands(plan, r.start, r.stepSeconds, r.floors.length),
        minReplicas: lowest,
    };
    const headroom = headroomVerdict(schedule, r.trajectory, r.hourly.floors, r.leadSeconds);
    return { scheduleBacktest: r.backtest, schedule, ...(headroom ? { headroom } : {}) };
}
