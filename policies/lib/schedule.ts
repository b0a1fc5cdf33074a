/** The floor schedule an HPA records (policies/contract/annotations.ts), for the `forecast-schedule-*` rules. */
import { FLOOR_SCHEDULE_ANNOTATION, parseFloorSchedule, type FloorScheduleText } from "../contract";
import { plain } from "./k8s";
import type { K8sObject } from "./object";

/** The HPA's schedule; undefined when it has none, or when it cannot be read (reported). */
export function scheduleOf(o: K8sObject, report: (m: string) => void): FloorScheduleText | undefined {
    const text = plain<Record<string, string>>(o.props.metadata?.annotations ?? {})[FLOOR_SCHEDULE_ANNOTATION];
    if (text === undefined) return undefined;
    const s = parseFloorSchedule(text);
    if (typeof s !== "string") return s;
    report(`${o.id}: ${FLOOR_SCHEDULE_ANNOTATION} ${s}; re-run the forecasting step.`);
    return undefined;
}

/** Unix seconds at which the schedule ends. */
export const scheduleEndOf = (s: FloorScheduleText): number => s.start + s.floors.length * s.stepSeconds;
