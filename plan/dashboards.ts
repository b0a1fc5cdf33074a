/**
 * The dashboards' inputs from the plan: the autoscaled workloads with their HPA metrics and the
 * series the forecast sizes them on (forecast.series), the Postgres clusters with their
 * connection budget and accepted lag, the poolers, the Redis Clusters with their maxmemory; and
 * where the ConfigMaps go and how Grafana's sidecar finds them. Pure.
 */
import { METRIC } from "../lib/metricsRules";
import type { AppConfig } from "../config/schema";
import { dashboardFiles, type DataTierDashboardInputs, type LoadSeries, type ScalingDashboardInputs } from "../lib/dashboards";
import { SEED_CACHE_THRESHOLDS } from "../lib/data/redis";
import { sizingSeries } from "../forecast/mapping";
import { pgDurationSeconds } from "./alerts";
import { kedaHpaName } from "../lib/scaledObject";
import type { StackPlan } from "./stack";

/** The annotation kube-prometheus-stack's sidecar reads the folder from (its folderAnnotation). */
export const FOLDER_ANNOTATION = "grafana_folder";

export interface DashboardsPlan {
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    /** ConfigMap name → the dashboard's JSON. */
    readonly files: readonly { readonly name: string; readonly json: string }[];
}

/** The mapped series of a workload that have a query whose values are used as they are. */
function loads(cfg: AppConfig, workloadKey: string): LoadSeries[] {
    return sizingSeries(cfg.forecast.series, workloadKey)
        .filter((s) => s.ref.query !== "" && (s.ref.unit === "rate" || s.ref.unit === "gauge"))
        .map((s) => ({ metric: s.name, query: s.ref.query }));
}

export function scalingInputs(cfg: AppConfig, plan: StackPlan): ScalingDashboardInputs {
    return {
        namespace: cfg.namespace,
        environment: cfg.environment,
        keda: plan.workloads.some((w) => w.scaledObject !== undefined),
        // The scheduled floor is in the replicas panel already: no "metric vs target" panel of its own.
        workloads: plan.workloads.map((w) => ({
            name: w.pod.name,
            ...(w.scaledObject ? { hpa: kedaHpaName(w.pod.name) } : {}),
            metrics: w.metrics.filter((m) => !(m.kind === "object" && m.name === METRIC.scheduledFloor)),
            loads: loads(cfg, w.key),
        })),
    };
}

export function dataTierInputs(cfg: AppConfig, plan: StackPlan): DataTierDashboardInputs {
    const pg = plan.data.postgres;
    const clusters = pg ? [pg.main, ...(pg.analytics ? [pg.analytics] : [])] : [];
    // A cluster's budgets are per instance kind ("<cluster> primary", "<cluster> replica"): the busiest.
    const pooled = (cluster: string) =>
        Math.max(0, ...(pg?.budgets ?? []).filter((b) => b.target === cluster || b.target.startsWith(`${cluster} `)).map((b) => b.used));
    return {
        namespace: cfg.namespace,
        environment: cfg.environment,
        postgres: clusters.map((c) => ({
            name: c.name,
            poolerConnections: pooled(c.name),
            maxConnections: Number(c.parameters.max_connections),
            maxLagSeconds: pgDurationSeconds(c.parameters.max_standby_streaming_delay ?? "30s"),
        })),
        poolers: (pg?.poolers ?? []).map((p) => p.name),
        redis: [plan.data.redis, plan.data.sessions].flatMap((r) =>
            r ? [{ name: r.name, maxmemoryBytes: r.memory.maxmemory, memoryHigh: SEED_CACHE_THRESHOLDS.memoryHigh }] : [],
        ),
    };
}

/** The dashboards' ConfigMaps for the stack, or undefined when dashboards are off. */
export function dashboardsPlan(cfg: AppConfig, plan: StackPlan): DashboardsPlan | undefined {
    const m = cfg.metrics;
    if (!m.dashboards) return undefined;
    return {
        namespace: m.dashboardNamespace || cfg.namespace,
        labels: { ...plan.labels, ...m.dashboardLabels },
        annotations: m.dashboardFolder ? { [FOLDER_ANNOTATION]: m.dashboardFolder } : {},
        files: dashboardFiles(scalingInputs(cfg, plan), dataTierInputs(cfg, plan)).map((f) => ({
            name: f.name,
            json: JSON.stringify(f.dashboard, null, 2),
        })),
    };
}
