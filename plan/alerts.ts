/**
 * The alerts' inputs from the plan: which HPAs, queues, clusters, poolers and Redis nodes the
 * stack runs and the numbers each alert compares with (maxReplicas, the queue length the
 * workers are sized for, the lag a cluster's readers accept, each pooler pod's
 * max_db_connections). Pure.
 */
import type { AppConfig } from "../config/schema";
import { alertRulesSpec, type AlertInputs } from "../lib/alerts";
import type { ForecastBandInput } from "../lib/alerts/forecast";
import { SCHEDULE_SERIES } from "../lib/floorSchedule";
import { SEED_CACHE_THRESHOLDS } from "../lib/data/redis";
import { METRIC } from "../lib/metricsRules";
import { quantityValue } from "../policies/contract";
import { kedaHpaName } from "../lib/scaledObject";
import type { StackPlan } from "./stack";

/** A Postgres duration parameter (`30s`, `1h`, `10min`) in seconds. */
export function pgDurationSeconds(v: string): number {
    const m = /^([0-9]+)\s*(ms|s|min|h|d)?$/.exec(v.trim());
    if (!m) return NaN;
    const unit: Record<string, number> = { ms: 0.001, s: 1, min: 60, h: 3600, d: 86400 };
    return Number(m[1]) * unit[m[2] ?? "ms"];
}

export function alertInputs(plan: StackPlan): Omit<AlertInputs, "forecastBands"> {
    const api = plan.workloads.find((w) => w.key === "api");
    const p95 = api?.metrics.find((m) => m.kind === "pods" && m.name === METRIC.responseTimeP95);
    const pg = plan.data.postgres;
    // The shards are OLTP clusters like the main one: the same lag, WAL and pool alerts (issue 18).
    const shards = pg?.shards ?? [];
    const clusters = pg ? [pg.main, ...(pg.analytics ? [pg.analytics] : []), ...shards.map((s) => s.cluster)] : [];
    return {
        workloads: plan.workloads.map((w) => ({
            name: w.pod.name,
            maxReplicas: w.bounds.maxReplicas,
            ...(w.scaledObject ? { hpa: kedaHpaName(w.pod.name) } : {}),
        })),
        api: api && p95 && p95.kind === "pods" ? { deployment: api.pod.name, p95Seconds: quantityValue(p95.averageValue) } : undefined,
        queues: plan.workloads.flatMap((w) =>
            w.metrics
                .filter((m) => m.kind === "object" && m.name === METRIC.queueLength)
                .map((m) => ({
                    deployment: w.pod.name,
                    queue: m.kind === "object" ? m.selector.queue : "",
                    // A spot pool's on-demand floor works the same queue beside the HPA's pods.
                    maxQueueLength:
                        (m.kind === "object" ? Number(m.averageValue) : 0) * (w.bounds.maxReplicas + (w.onDemandFloor?.replicas ?? 0)),
                })),
        ),
        postgres: clusters.map((c) => ({
            name: c.name,
            // The analytics cluster is one replica cluster: its lag is against the main cluster.
            replicas: c === pg?.analytics ? 0 : c.instances - 1,
            maxLagSeconds: pgDurationSeconds(c.parameters.max_standby_streaming_delay ?? "30s"),
        })),
        poolers: [...(pg?.poolers ?? []), ...shards.map((s) => s.pooler)].map((p) => ({
            name: p.name,
            maxDbConnections: Number(p.parameters.max_db_connections),
        })),
        redis: [plan.data.redis, plan.data.sessions].flatMap((r) =>
            r ? [{ name: r.name, replicasPerMaster: r.replicasPerMaster, memoryHigh: SEED_CACHE_THRESHOLDS.memoryHigh }] : [],
        ),
    };
}

/**
 * The scheduled workloads' bands that an export query measures: the load the forecast-vs-reality
 * alerts compare with the band (a series mapped without a query has nothing to compare).
 */
export function forecastBandInputs(cfg: AppConfig, plan: StackPlan): ForecastBandInput[] {
    const series = cfg.forecast.series;
    return plan.workloads.flatMap((w) => {
        const mapped: Readonly<Record<string, { readonly query: string } | undefined>> | undefined =
            w.key === "api" ? series.api : series.workers[w.key.replace(/^worker-/, "") as keyof typeof series.workers];
        const bands = (w.scheduleRules?.groups ?? []).flatMap((g) => g.rules).filter((r) => r.record === SCHEDULE_SERIES.upper);
        return bands.flatMap((r) => {
            const query = mapped?.[r.labels.metric]?.query ?? "";
            return query ? [{ workload: w.pod.name, metric: r.labels.metric, query }] : [];
        });
    });
}

/** The PrometheusRule's spec for the stack, or undefined when alerts are off. */
export function alertsPlan(cfg: AppConfig, plan: StackPlan) {
    if (!cfg.metrics.alertRules) return undefined;
    return alertRulesSpec(
        { namespace: cfg.namespace, runbookBaseUrl: cfg.metrics.runbookBaseUrl },
        { ...alertInputs(plan), forecastBands: forecastBandInputs(cfg, plan) },
    );
}
