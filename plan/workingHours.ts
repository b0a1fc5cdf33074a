/**
 * Idle capacity outside working hours (issue 17 #4), pure: the HPA's minReplicas drops to the
 * configured off-hours minimum, and a recording rule (lib/workingHours.ts) holds the usual minimum
 * inside the working hours through the floor schedule's Object metric. A forecast schedule of
 * the workload stays as it is (its busy slots hold at any hour); the adapter takes the larger of
 * the two floors. A spot pool's on-demand floor Deployment has no HPA and keeps its replicas.
 */
import type { AppConfig } from "../config/schema";
import { SCHEDULE_EVALUATION_INTERVAL, scheduledFloorMetric } from "../lib/floorSchedule";
import { METRIC } from "../lib/metricsRules";
import { workingHoursRule } from "../lib/workingHours";
import { WORKING_HOURS_FLOOR_ANNOTATION } from "../policies/contract";
import type { WorkloadPlan } from "./stack";

/** The workload with its off-hours minimum and working-hours floor, or unchanged when that minimum is not lower. */
export function offHours(w: WorkloadPlan, cfg: AppConfig): WorkloadPlan {
    const wh = cfg.placement.workingHours;
    if (!wh.enabled || wh.minReplicas >= w.bounds.minReplicas) return w;
    const workload = w.pod.name;
    const rule = workingHoursRule(wh, cfg.namespace, workload, w.bounds.minReplicas);
    const groups = w.scheduleRules?.groups ?? [];
    const hasFloorMetric = w.metrics.some((m) => m.kind === "object" && m.name === METRIC.scheduledFloor);
    return {
        ...w,
        bounds: { ...w.bounds, minReplicas: wh.minReplicas },
        annotations: { ...w.annotations, [WORKING_HOURS_FLOOR_ANNOTATION]: String(w.bounds.minReplicas) },
        metrics: hasFloorMetric ? w.metrics : [...w.metrics, scheduledFloorMetric(cfg.namespace, workload)],
        scheduleRules: {
            groups: groups.length
                ? [{ ...groups[0], rules: [...groups[0].rules, rule] }, ...groups.slice(1)]
                : [{ name: `sysmanage-schedule-${workload}`, interval: SCHEDULE_EVALUATION_INTERVAL, rules: [rule] }],
        },
    };
}
