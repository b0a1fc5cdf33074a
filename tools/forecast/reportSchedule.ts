/**
 * The report's floor schedule of one workload (issue 16): the floors it sets from its start to its
 * end, as runs of equal floors (each one PromQL term of the recording rule the preview diffs),
 * and the leave-one-day-out backtest behind it; or why the workload keeps its static floor (the
 * backtest's class and numbers, or the reason it was not sized from metrics). Pure.
 */
import { valueRuns } from "../../lib/floorSchedule";
import { scheduleEnd } from "../../forecast/schedule";
import type { HeadroomVerdict } from "../../plan/overprovision";
import type { WorkloadForecast } from "../../forecast/stack";

/** As the recording rule's comments show times: `2026-12-05T06:45Z`. */
const at = (t: number) => new Date(t * 1000).toISOString().replace(":00.000Z", "Z");

/** The lines of the workload's schedule in the report: a list item, then the table of its runs when there is one. */
export function scheduleSection(w: WorkloadForecast): string[] {
    const s = w.schedule;
    if (!s) return [`- floor schedule: none: ${w.scheduleNote ?? "not derived"}`];
    const b = w.scheduleBacktest;
    const lowest = s.minReplicas ?? w.proposed.minReplicas;
    return [
        `- floor schedule: ${s.floors.length} slots of ${s.stepSeconds / 60} min from ${at(s.start)} until ${at(scheduleEnd(s))}, floors ${Math.min(...s.floors)}..${Math.max(...s.floors)} (maxReplicas ${w.proposed.maxReplicas}), then the HPA's minReplicas ${lowest} by itself${b ? `; backtest: scheduled ${b.scheduledCost.toFixed(3)} vs static ${b.staticCost.toFixed(3)} over ${b.days} held-out days` : ""}`,
        "",
        "| from (UTC) | until (UTC) | floor |",
        "|---|---|---|",
        ...valueRuns(s.start, s.stepSeconds, s.floors).map((r) => `| ${at(r.from)} | ${at(r.to)} | ${r.value} |`),
        "",
        ...(w.headroom ? [headroomLine(w.headroom), ""] : []),
    ];
}

/** The band's headroom priced in the replay: the placeholders (API only, `placement.overprovision`) are declared only when they pay. */
export function headroomLine(h: HeadroomVerdict): string {
    return `- overprovisioning headroom: ${h.pods} placeholder pod(s) at the band's peak; the replay's weighted cost ${h.without.toFixed(4)} without, ${h.with.toFixed(4)} with: ${h.pays ? "pays" : "does not pay (no placeholders from the band)"}`;
}
