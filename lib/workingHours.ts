/**
 * Working hours as a recorded floor (issue 17 #4), pure: outside them the HPA falls back to a
 * small minReplicas, inside them a recording rule holds the workload's usual minimum through the
 * floor schedule's Object metric (`scheduled_floor`, lib/floorSchedule.ts). The rule records the
 * same series as the forecast's schedule with `source="working-hours"`: the adapter serves the
 * largest value per workload, so a forecast floor and the working-hours floor combine by max.
 *
 * Prometheus evaluates hour(), minute() and day_of_week() in UTC; the configured UTC offset is
 * added to time() first. A fixed offset does not follow daylight saving time: the window moves
 * by an hour twice a year (documented with the key), which the start and end should allow for.
 */
import { SCHEDULE_SERIES, type RecordingRule } from "./floorSchedule";

export interface WorkingHours {
    /** Days of the week, 0 = Sunday (PromQL's day_of_week). */
    readonly days: readonly number[];
    /** `HH:MM`, local time; the window is [start, end). */
    readonly start: string;
    readonly end: string;
    /** Local time less UTC, in minutes (CET: 60). */
    readonly utcOffsetMinutes: number;
}

/** Minutes since midnight of `HH:MM`. */
export const minuteOfDay = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** PromQL that is `floor` inside the working hours and 0 outside them. */
export function workingHoursExpr(w: WorkingHours, floor: number): string {
    const t = w.utcOffsetMinutes === 0 ? "vector(time())" : `vector(time() + ${w.utcOffsetMinutes * 60})`;
    const minutes = `(hour(${t}) * 60 + minute(${t}))`;
    const days = w.days.map((d) => `day_of_week(${t}) == ${d}`).join(" or ");
    return (
        `vector(${floor}) and on() (${minutes} >= ${minuteOfDay(w.start)} < ${minuteOfDay(w.end)})` +
        ` and on() (${days}) # ${w.start} .. ${w.end} at UTC${w.utcOffsetMinutes >= 0 ? "+" : ""}${w.utcOffsetMinutes / 60}h, days ${w.days.join(",")}` +
        `\nor vector(0) # outside working hours: minReplicas holds`
    );
}

/** The recording rule of a workload's working-hours floor. */
export function workingHoursRule(w: WorkingHours, namespace: string, workload: string, floor: number): RecordingRule {
    return { record: SCHEDULE_SERIES.floor, expr: workingHoursExpr(w, floor), labels: { namespace, workload, source: "working-hours" } };
}
