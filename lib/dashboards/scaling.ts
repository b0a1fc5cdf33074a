/**
 * The "SysManage scaling" dashboard: per workload (the `workload` variable), its replicas
 * against the HPA's bounds and the forecast's scheduled floor, its load against the forecast's
 * band, and each HPA metric against its target. Pure: plan/dashboards.ts builds the inputs.
 */
import type { Dashboard } from "@grafana/schema";
import type { ScalingMetric } from "../hpa";
import { dashboard, type PanelSpec } from "./dashboard";
import { hpaMetricView } from "./hpaMetrics";
import { matchers, perWorkload, WORKLOAD_VARIABLE } from "./promql";
import { KEDA_HPA_PREFIX } from "../scaledObject";

/** One series the forecast sizes the workload on (`forecast.series`): its key and its PromQL. */
export interface LoadSeries {
    /** Its key in forecast.series (`requests`, `cpu`, `queueLength`): the band's `metric` label. */
    readonly metric: string;
    /** The mapping's query, the same one `npm run forecast -- --refresh` exports. */
    readonly query: string;
}

/** Units of the loads the forecast sizes on: the metric's own, CPU in cores, memory in bytes. */
const LOAD_UNITS: Readonly<Record<string, string>> = { requests: "reqps", memory: "bytes" };

export interface ScaledWorkloadView {
    /** The Deployment and its HPA (same name), the `workload` label of the forecast's series. */
    readonly name: string;
    /** The HPA's name when it is not the Deployment's: KEDA's `keda-hpa-<name>` for a pool at 0. */
    readonly hpa?: string;
    readonly metrics: readonly ScalingMetric[];
    readonly loads: readonly LoadSeries[];
}

export interface ScalingDashboardInputs {
    readonly namespace: string;
    readonly environment: string;
    readonly workloads: readonly ScaledWorkloadView[];
    /** Some pool scales to zero: KEDA's HPA of workload W is `keda-hpa-W` (lib/scaledObject.ts). */
    readonly keda?: boolean;
}

const KSM_HPA = "kube_horizontalpodautoscaler_";

function replicasPanel(ns: string, keda: boolean): PanelSpec {
    const hpa = keda
        ? matchers({ namespace: ns }, { horizontalpodautoscaler: `(${KEDA_HPA_PREFIX})?$${WORKLOAD_VARIABLE}` })
        : matchers({ namespace: ns, horizontalpodautoscaler: `$${WORKLOAD_VARIABLE}` });
    const series = (name: string, legend: string) => ({ expr: `${KSM_HPA}${name}{${hpa}}`, legend });
    return {
        kind: "timeseries",
        width: 24,
        spec: {
            title: "Replicas: current and desired within min..max, and the scheduled floor",
            description:
                "kube-state-metrics' view of the HPA: the replicas it runs and wants, its bounds, and the floor the forecast schedules now (sysmanage:scheduled_floor:replicas, 0 when none). Current at max for long: raise the bounds (alert SysmanageHpaAtMaxReplicas).",
            unit: "short",
            queries: [
                series("status_current_replicas", "current"),
                series("status_desired_replicas", "desired"),
                series("spec_min_replicas", "min"),
                series("spec_max_replicas", "max"),
                {
                    expr: `sysmanage:scheduled_floor:replicas{${matchers({ namespace: ns, workload: `$${WORKLOAD_VARIABLE}` })}}`,
                    legend: "scheduled floor",
                },
            ],
            dashed: ["min", "max", "scheduled floor"],
        },
    };
}

function loadPanel(ns: string, metric: string, views: readonly ScaledWorkloadView[]): PanelSpec {
    const loads = views.flatMap((w) => w.loads.filter((l) => l.metric === metric).map((l) => ({ workload: w.name, expr: l.query })));
    const band = (side: "upper" | "lower") => ({
        expr: `sysmanage:forecast_band:${side}{${matchers({ namespace: ns, workload: `$${WORKLOAD_VARIABLE}`, metric })}}`,
        legend: `forecast ${side}`,
    });
    return {
        kind: "timeseries",
        spec: {
            title: `Load vs forecast band: ${metric}`,
            description: `The forecast's series query for ${loads.map((l) => l.workload).join(", ")} (forecast.series in the stack file) against the band the forecast step published. Outside the band for long: the load changed and the forecast is stale (alerts SysmanageLoadAboveForecast, SysmanageLoadBelowForecast).`,
            unit: LOAD_UNITS[metric] ?? "short",
            queries: [{ expr: perWorkload(loads), legend: "load" }, band("upper"), band("lower")],
            dashed: ["forecast upper", "forecast lower"],
        },
    };
}

function hpaMetricPanel(ns: string, metric: string, views: readonly ScaledWorkloadView[]): PanelSpec {
    const of = views.flatMap((w) =>
        w.metrics.map((m) => ({ workload: w.name, view: hpaMetricView(m, ns, w.name, w.hpa) })).filter((x) => x.view.metric === metric),
    );
    return {
        kind: "timeseries",
        spec: {
            title: `HPA metric vs target: ${metric}`,
            description: `What the HPA of ${of.map((x) => x.workload).join(", ")} reads (the adapter's rule, or the requests' utilization) and its target from the plan. Above the target the HPA scales out.`,
            // Stryker disable next-line StringLiteral,OptionalChaining: a panel exists only for a metric some workload has, so of[0] is always there.
            unit: of[0]?.view.unit ?? "short",
            queries: [
                { expr: perWorkload(of.map((x) => ({ workload: x.workload, expr: x.view.current }))), legend: "current" },
                { expr: perWorkload(of.map((x) => ({ workload: x.workload, expr: `vector(${x.view.target})` }))), legend: "target" },
            ],
            dashed: ["target"],
        },
    };
}

const distinct = (xs: readonly string[]) => [...new Set(xs)];

export function scalingDashboard(i: ScalingDashboardInputs): Dashboard {
    const loadMetrics = distinct(i.workloads.flatMap((w) => w.loads.map((l) => l.metric)));
    const hpaMetrics = distinct(i.workloads.flatMap((w) => w.metrics.map((m) => hpaMetricView(m, i.namespace, w.name).metric)));
    return dashboard({
        uid: `sysmanage-scaling-${i.environment}`,
        title: `SysManage scaling (${i.environment})`,
        description: "Replicas, load against the forecast, and HPA metrics against their targets, per autoscaled workload.",
        tags: ["sysmanage", "autoscaling", i.environment],
        variables: [{ name: WORKLOAD_VARIABLE, label: "Workload", values: i.workloads.map((w) => w.name) }],
        sections: [
            { title: "Replicas", panels: [replicasPanel(i.namespace, i.keda === true)] },
            { title: "Load vs forecast", panels: loadMetrics.map((m) => loadPanel(i.namespace, m, i.workloads)) },
            { title: "HPA metrics vs targets", panels: hpaMetrics.map((m) => hpaMetricPanel(i.namespace, m, i.workloads)) },
        ].filter((s) => s.panels.length > 0),
    });
}
