import { plain, type Json } from "../lib/k8s";
import { resourceRule } from "../lib/rule";
import { scheduleOf } from "../lib/schedule";

/**
 * `forecast-schedule-bounded`: a scheduled floor never asks for more than maxReplicas, and the
 * HPA reads it (the Object metric `scheduled_floor` of its Namespace, selector its own workload,
 * AverageValue 1), or the schedule would change nothing. The adapter serves the floor only as a
 * metric of the Namespace (lib/metricsRules.ts namespaceRules): an External one, or one described
 * by another object, would read nothing.
 */
export const forecastScheduleBounded = resourceRule<Record<string, never>>(
    {
        name: "forecast-schedule-bounded",
        description:
            "An HPA with a floor schedule (sysmanage.io/floor-schedule) never schedules more than maxReplicas and scales on the Object metric scheduled_floor of its Namespace (selector workload=<its name>) with an AverageValue target of 1.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Re-run the forecasting step (npm run forecast) so the schedule is derived within the HPA's bounds.",
        configSchema: { properties: {} },
    },
    (kind) => kind === "HorizontalPodAutoscaler",
    (o, _cfg, report) => {
        const s = scheduleOf(o, report);
        if (!s) return;
        const max = Number(o.props.spec?.maxReplicas);
        const peak = Math.max(...s.floors);
        if (peak > max) {
            const at = s.start + s.floors.indexOf(peak) * s.stepSeconds;
            report(
                `${o.id}: the floor schedule asks for ${peak} pods at ${new Date(at * 1000).toISOString()}, above maxReplicas (${max}); re-run the forecasting step, or raise maxReplicas.`,
            );
        }
        const name = o.props.metadata?.name;
        const metrics = plain<Json[]>(o.props.spec?.metrics ?? []);
        const floor = metrics.find(
            (m) => m?.type === "Object" && m.object?.metric?.name === "scheduled_floor" && m.object.describedObject?.kind === "Namespace",
        );
        if (!floor || floor.object.metric.selector?.matchLabels?.workload !== name)
            report(
                `${o.id}: has a floor schedule but no Object metric scheduled_floor of its Namespace with selector workload=${name}; without it the schedule changes nothing.`,
            );
        else if (floor.object.target?.type !== "AverageValue" || String(floor.object.target.averageValue) !== "1")
            report(`${o.id}: scheduled_floor's target must be AverageValue 1 (the metric's value is a replica count).`);
    },
);
