/**
 * The forecast's floor schedule as Prometheus recording rules (pure): Prometheus evaluates the
 * schedule by its own clock, the adapter serves it as the Object metric `scheduled_floor` of the
 * workload's Namespace (selector `workload=<name>`, lib/metricsRules.ts namespaceRules), and
 * the HPA, which takes the largest proposal over its metrics, keeps at least that many pods
 * (target AverageValue 1: the metric's value is the replica count). The seed's metrics still
 * scale above the floor, and `minReplicas` still holds below it.
 *
 * Each run of equal values is one term `vector(V) and on() (vector(time()) >= FROM < TO)` with
 * its UTC times in a comment, so a preview diff reads as a timetable. After the last slot the
 * floor rule yields 0 (its `or vector(0)`): a schedule nobody refreshed falls back to the static
 * minReplicas by itself, and the metric never goes missing (a missing metric would stop the
 * HPA from scaling down).
 */
import { scheduleEnd, type FloorSchedule } from "../forecast/schedule";
import type { ScalingMetric } from "./hpa";
import { METRIC } from "./metricsRules";

/** The recorded series (the adapter's namespace rule and the dashboards read them). */
export const SCHEDULE_SERIES = {
    floor: "sysmanage:scheduled_floor:replicas",
    upper: "sysmanage:forecast_band:upper",
    lower: "sysmanage:forecast_band:lower",
} as const;

/** How often Prometheus evaluates the schedule: a slot starts at most this late. */
export const SCHEDULE_EVALUATION_INTERVAL = "30s";

const iso = (t: number) => new Date(t * 1000).toISOString().replace(":00.000Z", "Z");

/** Three significant digits: a band the alert compares with does not need more, and equal runs merge. */
export const bandValue = (v: number): number => Number(v.toPrecision(3));

/** Runs of equal values per slot from `start`: each its value and [from, to) in unix seconds. */
export function valueRuns(start: number, step: number, values: readonly number[]): Array<{ value: number; from: number; to: number }> {
    const runs: Array<{ value: number; from: number; to: number }> = [];
    for (let i = 0; i < values.length;) {
        let j = i + 1;
        while (j < values.length && values[j] === values[i]) j++;
        runs.push({ value: values[i], from: start + i * step, to: start + j * step });
        i = j;
    }
    return runs;
}

/**
 * One PromQL term per run of equal values (runs whose value `keep` refuses are left out), joined
 * by `or`; undefined when no run is kept.
 */
export function piecewiseExpr(
    start: number,
    step: number,
    values: readonly number[],
    keep: (v: number) => boolean = () => true,
): string | undefined {
    const terms = valueRuns(start, step, values)
        .filter((r) => keep(r.value))
        .map(({ value, from, to }) => `vector(${value}) and on() (vector(time()) >= ${from} < ${to}) # ${iso(from)} .. ${iso(to)}`);
    return terms.length ? terms.join("\nor ") : undefined;
}

export interface ScheduleRuleInputs {
    readonly namespace: string;
    /** The Deployment (and HPA) name: the `workload` label. */
    readonly workload: string;
    /** The HPA's static minReplicas: floors at or below it need no term (the HPA keeps them anyway). */
    readonly minReplicas: number;
    readonly schedule: FloorSchedule;
}

/** A recording rule as a PrometheusRule carries it. */
export interface RecordingRule {
    readonly record: string;
    readonly expr: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** A PrometheusRule spec of recording rules (assignable to prometheus-operator's). */
export interface RecordingRuleSpec {
    readonly groups: readonly { readonly name: string; readonly interval: string; readonly rules: readonly RecordingRule[] }[];
}

/** The PrometheusRule spec of one workload's schedule: its floor, and its forecast band per metric. */
export function scheduleRuleSpec(s: ScheduleRuleInputs): RecordingRuleSpec {
    const { start, stepSeconds: step } = s.schedule;
    const labels = { namespace: s.namespace, workload: s.workload };
    const floor = piecewiseExpr(start, step, s.schedule.floors, (v) => v > s.minReplicas);
    const rules: RecordingRule[] = [
        {
            record: SCHEDULE_SERIES.floor,
            expr: `${floor ? `${floor}\nor ` : ""}vector(0) # after ${iso(scheduleEnd(s.schedule))} or between runs: minReplicas holds`,
            labels,
        },
    ];
    for (const b of s.schedule.bands)
        for (const [record, values] of [
            [SCHEDULE_SERIES.upper, b.upper],
            [SCHEDULE_SERIES.lower, b.lower],
        ] as const) {
            const expr = piecewiseExpr(start, step, values.map(bandValue));
            if (expr) rules.push({ record, expr, labels: { ...labels, metric: b.metric } });
        }
    return { groups: [{ name: `sysmanage-schedule-${s.workload}`, interval: SCHEDULE_EVALUATION_INTERVAL, rules }] };
}

/** The HPA metric that makes the schedule a floor: the recorded value as pods (AverageValue 1). */
export function scheduledFloorMetric(namespace: string, workload: string): ScalingMetric {
    return { kind: "object", namespace, name: METRIC.scheduledFloor, selector: { workload }, averageValue: "1" };
}
