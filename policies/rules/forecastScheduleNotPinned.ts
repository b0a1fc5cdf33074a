import { resourceRule } from "../lib/rule";
import { scheduleOf } from "../lib/schedule";

/**
 * `forecast-schedule-not-pinned`: a workload is either pinned by hand (minReplicas = maxReplicas)
 * or scheduled by the forecast, never both: a pinned HPA leaves the schedule no room, and the
 * person who pinned it expects the count to stay put.
 */
export const forecastScheduleNotPinned = resourceRule<Record<string, never>>(
    {
        name: "forecast-schedule-not-pinned",
        description:
            "No HPA is both pinned by hand (minReplicas = maxReplicas) and scheduled by the forecast (sysmanage.io/floor-schedule).",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Unpin the workload (minReplicas < maxReplicas), or switch its schedule off (forecast.schedule).",
        configSchema: { properties: {} },
    },
    (kind) => kind === "HorizontalPodAutoscaler",
    (o, _cfg, report) => {
        // Unreadable schedules are forecast-schedule-bounded's to report.
        if (!scheduleOf(o, () => undefined)) return;
        const min = Number(o.props.spec?.minReplicas ?? 1);
        if (min === Number(o.props.spec?.maxReplicas))
            report(
                `${o.id}: is pinned at ${min} replicas (minReplicas = maxReplicas) and has a floor schedule; unpin it or switch its schedule off.`,
            );
    },
);
