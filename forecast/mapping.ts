/**
 * The stack config's series mapping (`forecast.series`) turned into what the forecasting step
 * reads: one `WorkloadInput` per autoscaled workload that has series, with the capacity per pod
 * DERIVED from the HPA the program declares for it (plan/workloads.ts), never restated in the mapping:
 *
 * - a `Resource` metric (CPU, memory): one pod serves its request (`resources.cpuRequest`,
 *   `memoryRequest`) at 100 %, and the HPA's utilization target is the target;
 * - a `Pods`/`Object` metric with an `AverageValue` target (100 req/s, 10 queue items per pod):
 *   that value is `forecast.averageValueUtilization` % of what one pod handles at full load, so
 *   capacity × target = the HPA's own value.
 *
 * Latency and processing time are HPA metrics too, but per-pod averages the HPA multiplies by the
 * pod count, not loads that add up over pods: they get their HPA-derived capacity and feed the
 * capacity planner (latency) and the staleness check, with `sizing: false`. Pure.
 */
import type { AppConfig, WorkerPoolName } from "../config/schema";
import { ConfigError } from "../config/errors";
import { WORKER_POOLS } from "../config/schema";
import { quantityValue } from "../policies/contract";
import { ExportPathError, resolveExportsDir, type ExportsDir } from "./exportFiles";
import { METRIC } from "../lib/metricsRules";
import { apiPlan, workerPlans, type AutoscaledPlan } from "../plan/workloads";
import type { PlannerMetric } from "./capacityPlanner";
import type { MetricInput, WorkloadInput } from "./stack";
import type { Aggregation } from "./types";

type ForecastConfig = AppConfig["forecast"];
/** One mapped series: `{ file, series, query, unit }` in the stack config. */
export type SeriesRef = NonNullable<NonNullable<ForecastConfig["series"]["api"]>["requests"]>;

/** Which HPA metric of the workload a mapped series is measured against. */
export type HpaMetricRef = { readonly kind: "cpu" | "memory" } | { readonly kind: "pods" | "object"; readonly name: string };

interface SeriesRole {
    readonly hpa: HpaMetricRef;
    /** Resampling to the model step: never average a p95. */
    readonly aggregation: Aggregation;
    readonly sizing: boolean;
    readonly planner?: PlannerMetric;
}

const API_ROLES: Readonly<Record<keyof NonNullable<ForecastConfig["series"]["api"]>, SeriesRole>> = {
    requests: { hpa: { kind: "pods", name: METRIC.requestsPerSecond }, aggregation: "mean", sizing: true },
    cpu: { hpa: { kind: "cpu" }, aggregation: "mean", sizing: true },
    memory: { hpa: { kind: "memory" }, aggregation: "mean", sizing: true },
    latencyP95: { hpa: { kind: "pods", name: METRIC.responseTimeP95 }, aggregation: "max", sizing: false, planner: "response_time" },
};

type WorkerSeries = NonNullable<ForecastConfig["series"]["workers"][WorkerPoolName]>;
const WORKER_ROLES: Readonly<Record<keyof WorkerSeries, SeriesRole>> = {
    queueLength: { hpa: { kind: "object", name: METRIC.queueLength }, aggregation: "mean", sizing: true, planner: "queue_length" },
    processingTime: { hpa: { kind: "pods", name: METRIC.processingTimeAvg }, aggregation: "mean", sizing: false },
};

const describeHpaMetric = (m: HpaMetricRef) => ("name" in m ? `${m.kind} ${m.name}` : m.kind);

/**
 * What one pod serves at 100 % for an HPA metric of `plan`, and the HPA's target as a fraction
 * of it, from the metric the program declares (so a changed target or request moves the sizing
 * with it). `averageValueUtilization` is a fraction (0.7).
 */
export function hpaCapacity(
    plan: Pick<AutoscaledPlan, "key" | "metrics" | "pod">,
    ref: HpaMetricRef,
    averageValueUtilization: number,
): { capacityPerPod: number; targetUtilization: number } {
    const m = plan.metrics.find((x) => x.kind === ref.kind && (!("name" in ref) || ("name" in x && x.name === ref.name)));
    if (!m) throw new Error(`${plan.key}: the HPA has no ${describeHpaMetric(ref)} metric to size against`);
    switch (m.kind) {
        case "cpu":
            return { capacityPerPod: quantityValue(plan.pod.resources.cpuRequest), targetUtilization: m.utilization / 100 };
        case "memory":
            return { capacityPerPod: quantityValue(plan.pod.resources.memoryRequest), targetUtilization: m.utilization / 100 };
        case "pods":
        case "object":
            return { capacityPerPod: quantityValue(m.averageValue) / averageValueUtilization, targetUtilization: averageValueUtilization };
    }
}

/**
 * The mapped series the forecast sizes a workload on (`sizing: true`), by their key (`requests`,
 * `queueLength`: the forecast band's `metric` label), with the HPA metric each is measured
 * against: what the dashboards draw against the forecast's band.
 */
export function sizingSeries(series: ForecastConfig["series"], workloadKey: string): { name: string; hpa: HpaMetricRef; ref: SeriesRef }[] {
    const [mapped, roles]: [Record<string, SeriesRef | undefined> | undefined, Readonly<Record<string, SeriesRole>>] =
        workloadKey === "api"
            ? [series.api, API_ROLES]
            : [series.workers[workloadKey.slice("worker-".length) as WorkerPoolName], WORKER_ROLES];
    return Object.entries(roles).flatMap(([name, role]) => {
        const ref = mapped?.[name];
        return ref && role.sizing ? [{ name, hpa: role.hpa, ref }] : [];
    });
}

/**
 * The directory the stack's exports live in (`forecast.exportsDir`, default `exports/<stack>`):
 * absolute, and as messages name it (relative to the project). It must lie inside the project
 * (exportFiles.ts `resolveExportsDir`): a `ConfigError` naming the stack file, the key and the
 * value otherwise.
 */
export function exportsLocation(c: AppConfig, stack: string, projectDir: string): ExportsDir {
    try {
        return resolveExportsDir(c.forecast.exportsDir, stack, projectDir);
    } catch (e) {
        if (e instanceof ExportPathError) throw new ConfigError([`Pulumi.${stack}.yaml: ${e.message}`]);
        throw e;
    }
}

function metricInputs<K extends string>(
    plan: AutoscaledPlan,
    mapped: Partial<Record<K, SeriesRef>>,
    roles: Readonly<Record<K, SeriesRole>>,
    averageValueUtilization: number,
    keyPrefix: string,
): MetricInput[] {
    return (Object.keys(roles) as K[]).flatMap((name) => {
        const ref = mapped[name];
        if (!ref) return [];
        const role = roles[name];
        return [
            {
                name,
                file: ref.file,
                series: ref.series || undefined,
                unit: ref.unit,
                aggregation: role.aggregation,
                ...hpaCapacity(plan, role.hpa, averageValueUtilization),
                planner: role.planner,
                sizing: role.sizing,
                key: `${keyPrefix}.${name}`,
            },
        ];
    });
}

/**
 * One `WorkloadInput` per autoscaled workload with mapped series: the configured bounds as the
 * current ones, the guardrails (never below `forecast.policyMinimum`) and the HPA's behavior.
 */
export function workloadInputs(
    c: AppConfig,
    stack: string,
    plans: readonly AutoscaledPlan[] = [apiPlan(c, stack), ...workerPlans(c, stack)],
): WorkloadInput[] {
    const f = c.forecast;
    const u = f.averageValueUtilization / 100;
    const guard = (g: { minReplicas: number; maxReplicas: number }) => ({
        minReplicas: Math.max(g.minReplicas, f.policyMinimum),
        maxReplicas: Math.max(g.maxReplicas, f.policyMinimum),
        policyMinimum: f.policyMinimum,
    });
    const out: WorkloadInput[] = [];
    const add = (plan: AutoscaledPlan, metrics: MetricInput[], g: { minReplicas: number; maxReplicas: number }, guardrailsKey: string) => {
        if (metrics.length === 0) return;
        out.push({
            name: plan.key,
            kind: plan.key === "api" ? "api" : "worker",
            current: plan.bounds,
            guardrails: guard(g),
            behavior: plan.behavior,
            metrics,
            guardrailsKey,
        });
    };
    for (const plan of plans) {
        if (plan.key === "api") {
            if (f.series.api)
                add(
                    plan,
                    metricInputs(plan, f.series.api, API_ROLES, u, "forecast.series.api"),
                    f.guardrails.api,
                    "forecast.guardrails.api",
                );
            continue;
        }
        const pool = plan.key.slice("worker-".length) as WorkerPoolName;
        const mapped = f.series.workers[pool];
        if (mapped)
            add(
                plan,
                metricInputs(plan, mapped, WORKER_ROLES, u, `forecast.series.workers.${pool}`),
                f.guardrails.workers[pool],
                `forecast.guardrails.workers.${pool}`,
            );
    }
    return out;
}

/**
 * Every mapped series in config order, named `api/requests`, `worker-queue/queueLength`,
 * `redis/memoryUsed`, ..., with its config key (`forecast.series.workers.queue.queueLength`);
 * the refs are the config's own objects.
 */
export function mappedSeries(
    series: ForecastConfig["series"],
): Array<{ readonly group: string; readonly name: string; readonly key: string; readonly ref: SeriesRef }> {
    const groups: [string, string, Record<string, SeriesRef | undefined> | undefined][] = [
        ["api", "api", series.api],
        ...WORKER_POOLS.map((p): [string, string, Record<string, SeriesRef | undefined> | undefined] => [
            `worker-${p}`,
            `workers.${p}`,
            series.workers[p],
        ]),
        ["redis", "redis", series.redis],
        ["postgres", "postgres", series.postgres],
        ["poolers", "poolers", series.poolers],
    ];
    return groups.flatMap(([group, keyGroup, refs]) =>
        Object.entries(refs ?? {}).flatMap(([name, ref]) =>
            ref ? [{ group, name: `${group}/${name}`, key: `forecast.series.${keyGroup}.${name}`, ref }] : [],
        ),
    );
}
