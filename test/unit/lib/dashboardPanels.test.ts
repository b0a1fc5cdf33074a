/**
 * The two dashboards panel by panel (lib/dashboards): every query, legend, unit and dashed series,
 * the descriptions' numbers and alert names, Grafana's panel and dashboard options. Expected
 * values written out by hand from the inputs (the PromQL as Prometheus would read it), never from
 * the builders.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { dashboard } from "../../../lib/dashboards/dashboard";
import { dataTierDashboard } from "../../../lib/dashboards/dataTier";
import { hpaMetricView } from "../../../lib/dashboards/hpaMetrics";
import { scalingDashboard } from "../../../lib/dashboards/scaling";
import { panelsOf } from "../../support/grafana";

/** A panel as Grafana reads it (the builders' Panel and RowPanel, fields looked up by name). */
type AnyPanel = ReturnType<typeof panelsOf>[number] & {
    description?: string;
    options?: unknown;
    fieldConfig?: { defaults?: { unit?: string }; overrides?: { matcher: { options: string } }[] };
};

/** What a panel shows: title, unit, [expr, legend] per query, the series drawn dashed. */
const view = (p: AnyPanel) => ({
    title: p.title,
    unit: p.fieldConfig?.defaults?.unit,
    queries: (p.targets ?? []).map((t) => [t.expr, t.legendFormat]),
    dashed: (p.fieldConfig?.overrides ?? []).map((o) => o.matcher.options),
});
const panels = (d: ReturnType<typeof dashboard>) => panelsOf(d).filter((p) => p.type !== "row") as AnyPanel[];
const rows = (d: ReturnType<typeof dashboard>) =>
    panelsOf(d)
        .filter((p) => p.type === "row")
        .map((p) => p.title);

/** `expr` labelled workload="w" (the union the workload variable filters). */
const labelled = (w: string, expr: string) => `label_replace(${expr}, "workload", "${w}", "", "")`;
const selected = (...xs: string[]) => `(${xs.join(" or ")}) and on (workload) label_replace(vector(1), "workload", "$workload", "", "")`;
const pods = (w: string) => `namespace="ns",pod=~"${w}-[a-z0-9]+-[a-z0-9]+"`;
const cpu = (w: string) =>
    `100 * sum(rate(container_cpu_usage_seconds_total{${pods(w)},container!=""}[5m])) / sum(kube_pod_container_resource_requests{${pods(w)},resource="cpu"})`;
const KSM = 'kube_horizontalpodautoscaler_status_current_replicas{namespace="ns",horizontalpodautoscaler="wq"}';

describe("the scaling dashboard, panel by panel", () => {
    const d = scalingDashboard({
        namespace: "ns",
        environment: "dev",
        workloads: [
            {
                name: "api",
                metrics: [
                    { kind: "cpu", utilization: 70 },
                    { kind: "pods", name: "http_requests_per_second", averageValue: "20" },
                ],
                loads: [
                    { metric: "requests", query: "sum(api_rps)" },
                    { metric: "cpu", query: "sum(api_cpu)" },
                ],
            },
            {
                name: "wq",
                metrics: [
                    { kind: "cpu", utilization: 80 },
                    { kind: "object", namespace: "ns", name: "queue_length", selector: { queue: "q" }, averageValue: "5" },
                    { kind: "pods", name: "processing_time_avg", averageValue: "2" },
                ],
                loads: [
                    { metric: "requests", query: "sum(wq_rps)" },
                    { metric: "memory", query: "sum(wq_mem)" },
                ],
            },
        ],
    });
    const band = (side: string, metric: string) => [
        `sysmanage:forecast_band:${side}{namespace="ns",workload="$workload",metric="${metric}"}`,
        `forecast ${side}`,
    ];
    const load = (metric: string, unit: string, ...loads: [string, string][]) => ({
        title: `Load vs forecast band: ${metric}`,
        unit,
        queries: [[selected(...loads.map(([w, e]) => labelled(w, e))), "load"], band("upper", metric), band("lower", metric)],
        dashed: ["forecast upper", "forecast lower"],
    });
    const hpa = (metric: string, unit: string, ...of: [string, string, number][]) => ({
        title: `HPA metric vs target: ${metric}`,
        unit,
        queries: [
            [selected(...of.map(([w, e]) => labelled(w, e))), "current"],
            [selected(...of.map(([w, , t]) => labelled(w, `vector(${t})`))), "target"],
        ],
        dashed: ["target"],
    });
    const ksm = (name: string, legend: string) => [
        `kube_horizontalpodautoscaler_${name}{namespace="ns",horizontalpodautoscaler="$workload"}`,
        legend,
    ];

    test("replicas against the HPA's bounds and the scheduled floor; a load panel per sized series; an HPA panel per metric", () => {
        assert.deepEqual(rows(d), ["Replicas", "Load vs forecast", "HPA metrics vs targets"]);
        assert.deepEqual(panels(d).map(view), [
            {
                title: "Replicas: current and desired within min..max, and the scheduled floor",
                unit: "short",
                queries: [
                    ksm("status_current_replicas", "current"),
                    ksm("status_desired_replicas", "desired"),
                    ksm("spec_min_replicas", "min"),
                    ksm("spec_max_replicas", "max"),
                    ['sysmanage:scheduled_floor:replicas{namespace="ns",workload="$workload"}', "scheduled floor"],
                ],
                dashed: ["min", "max", "scheduled floor"],
            },
            load("requests", "reqps", ["api", "sum(api_rps)"], ["wq", "sum(wq_rps)"]),
            load("cpu", "short", ["api", "sum(api_cpu)"]),
            load("memory", "bytes", ["wq", "sum(wq_mem)"]),
            hpa("cpu", "percent", ["api", cpu("api"), 70], ["wq", cpu("wq"), 80]),
            hpa("http_requests_per_second", "reqps", ["api", `avg(sum(rate(http_requests_total{${pods("api")}}[2m])) by (pod))`, 20]),
            hpa("queue_length", "short", [
                "wq",
                `max(sysmanage_queue_length{queue="q",namespace="ns"}) by (namespace) / scalar(${KSM})`,
                5,
            ]),
            hpa("processing_time_avg", "s", [
                "wq",
                `avg(sum(rate(sysmanage_job_duration_seconds_sum{${pods("wq")}}[5m])) by (pod) / clamp_min(sum(rate(sysmanage_job_duration_seconds_count{${pods("wq")}}[5m])) by (pod), 0.001))`,
                2,
            ]),
        ]);
        // The replicas panel spans the row.
        assert.equal(panels(d)[0].gridPos?.w, 24);
    });

    test("the descriptions name the workloads and the alerts", () => {
        const desc = panels(d).map((p) => p.description as string);
        assert.match(desc[0], /^kube-state-metrics' view of the HPA: .*\(alert SysmanageHpaAtMaxReplicas\)\.$/);
        assert.match(desc[1], /^The forecast's series query for api, wq \(forecast\.series in the stack file\) against the band/);
        assert.match(desc[1], /\(alerts SysmanageLoadAboveForecast, SysmanageLoadBelowForecast\)\.$/);
        assert.match(desc[2], /^The forecast's series query for api \(/);
        assert.match(
            desc[4],
            /^What the HPA of api, wq reads \(the adapter's rule, or the requests' utilization\) and its target from the plan\./,
        );
        assert.match(desc[5], /^What the HPA of api reads /);
    });

    test("the dashboard: title, tags, the workload variable, Grafana's options", () => {
        const { panels: _, templating, ...rest } = d;
        assert.deepEqual(rest, {
            uid: "sysmanage-scaling-dev",
            title: "SysManage scaling (dev)",
            description: "Replicas, load against the forecast, and HPA metrics against their targets, per autoscaled workload.",
            tags: ["sysmanage", "autoscaling", "dev"],
            editable: false,
            graphTooltip: 1,
            schemaVersion: 39,
            version: 1,
            time: { from: "now-24h", to: "now" },
            timezone: "browser",
            refresh: "1m",
            annotations: { list: [] },
        });
        assert.deepEqual(templating, {
            list: [
                { name: "datasource", label: "Data source", type: "datasource", query: "prometheus", hide: 0, refresh: 1, options: [] },
                {
                    name: "workload",
                    label: "Workload",
                    type: "custom",
                    query: "api,wq",
                    current: { text: "api", value: "api", selected: true },
                    options: [
                        { text: "api", value: "api", selected: true },
                        { text: "wq", value: "wq", selected: false },
                    ],
                    multi: false,
                    includeAll: false,
                    hide: 0,
                },
            ],
        });
    });

    test("a time series: each query over a range, the legend listed at the bottom, a shared tooltip", () => {
        const p = panels(d)[0];
        assert.deepEqual(
            p.targets?.map((t) => [t.refId, t.range]),
            [
                ["A", true],
                ["B", true],
                ["C", true],
                ["D", true],
                ["E", true],
            ],
        );
        assert.deepEqual(p.options, {
            legend: { displayMode: "list", placement: "bottom", showLegend: true },
            tooltip: { mode: "multi", sort: "none" },
        });
    });

    test("no section without panels: workloads sized on nothing have no load row", () => {
        const e = scalingDashboard({ namespace: "ns", environment: "e", workloads: [{ name: "a", metrics: [], loads: [] }] });
        assert.deepEqual(rows(e), ["Replicas"]);
    });
});

describe("the data tier dashboard, panel by panel", () => {
    const d = dataTierDashboard({
        namespace: "ns",
        environment: "dev",
        postgres: [{ name: "pg", poolerConnections: 12, maxConnections: 100, maxLagSeconds: 30 }],
        poolers: ["pg-pooler-rw"],
        redis: [{ name: "r", maxmemoryBytes: 1000, memoryHigh: 0.8 }],
    });
    const S = 'namespace="ns",pod=~"pg-[0-9]+"';
    const P = 'namespace="ns",pod=~"pg-pooler-rw-[a-z0-9]+-[a-z0-9]+"';
    const R = 'namespace="ns",pod=~"r-(leader|follower)-[0-9]+"';
    const either = (agg: string, sel: string, ...names: string[]) => names.map((n) => `${agg} by (pod) (${n}{${sel}})`).join(" or ");

    test("Postgres connections and lag, the pooler's clients, Redis memory, commands, evictions and state", () => {
        assert.deepEqual(rows(d), ["PostgreSQL", "PgBouncer", "Redis"]);
        assert.deepEqual(panels(d).map(view), [
            {
                title: "Postgres pg: connections vs budget",
                unit: "short",
                queries: [[either("sum", S, "cnpg_backends_total", "pg_stat_database_numbackends"), "{{pod}}"]],
                dashed: [],
            },
            {
                title: "Postgres pg: replication lag",
                unit: "s",
                queries: [[either("max", S, "cnpg_pg_replication_lag", "pg_replication_lag", "pg_replication_lag_seconds"), "{{pod}}"]],
                dashed: [],
            },
            {
                title: "Pooler pg-pooler-rw: clients waiting and active",
                unit: "short",
                queries: [
                    [
                        either(
                            "sum",
                            P,
                            "cnpg_pgbouncer_pools_cl_waiting",
                            "pgbouncer_waiting_clients",
                            "pgbouncer_pools_client_waiting_connections",
                        ),
                        "waiting {{pod}}",
                    ],
                    [
                        either(
                            "sum",
                            P,
                            "cnpg_pgbouncer_pools_cl_active",
                            "pgbouncer_active_clients",
                            "pgbouncer_pools_client_active_connections",
                        ),
                        "active {{pod}}",
                    ],
                ],
                dashed: [],
            },
            { title: "Redis r: memory vs maxmemory", unit: "bytes", queries: [[`redis_memory_used_bytes{${R}}`, "{{pod}}"]], dashed: [] },
            {
                title: "Redis r: commands/s",
                unit: "ops",
                queries: [[`sum by (pod) (rate(redis_commands_processed_total{${R}}[5m]))`, "{{pod}}"]],
                dashed: [],
            },
            {
                title: "Redis r: evictions/s",
                unit: "short",
                queries: [[`sum by (pod) (rate(redis_evicted_keys_total{${R}}[5m]))`, "{{pod}}"]],
                dashed: [],
            },
            { title: "Redis r: cluster state", unit: undefined, queries: [[`min(redis_cluster_state{${R}})`, "state"]], dashed: [] },
        ]);
    });

    test("the descriptions give the plan's numbers and the alerts", () => {
        assert.deepEqual(
            panels(d).map((p) => p.description),
            [
                "Client backends per instance. Orange: the 12 server connections its poolers may open (the connection budget, pooler max_db_connections × pods); red: max_connections 100.",
                "Replay lag per instance (0 on the primary). Red: the 30 s its readers accept (max_standby_streaming_delay; alert SysmanagePostgresReplicationLag).",
                "Clients per PgBouncer pod with a server connection (active) and waiting for one (waiting > 0 for minutes: the pool is saturated; alert SysmanagePoolerClientsWaiting).",
                "Used memory per node. Orange: 80 % of maxmemory (the cache scales out; alert SysmanageRedisMemoryHigh); red: maxmemory 1000 bytes.",
                "Commands processed per second per node.",
                "Keys evicted per second per node (only keys with a TTL under volatile-lru; none under noeviction).",
                "cluster_state as the worst node sees it: fail when slots are uncovered (alert SysmanageRedisClusterStateNotOk).",
            ],
        );
        assert.deepEqual(
            [d.uid, d.title, d.tags],
            ["sysmanage-data-tier-dev", "SysManage data tier (dev)", ["sysmanage", "data-tier", "dev"]],
        );
        assert.equal(
            d.description,
            "Postgres connections against the connection budget and replication lag, pooler clients, Redis memory, ops and state.",
        );
    });

    test("the cluster state: a stat, 1 ok in green and 0 fail in red, the last value, the background colored", () => {
        // Rows at y 0, 9 and 18; Redis: two 12-wide panels, then evictions wrap to y 27 and the 6-wide, 4-high stat fits beside it.
        assert.deepEqual(panels(d)[6].gridPos, { x: 12, y: 27, w: 6, h: 4 });
        const { id: _, gridPos: __, targets: ___, title: ____, description: _____, ...stat } = panels(d)[6];
        assert.deepEqual(stat, {
            type: "stat",
            datasource: { type: "prometheus", uid: "${datasource}" },
            fieldConfig: {
                defaults: {
                    mappings: [{ type: "value", options: { "1": { text: "ok", color: "green" }, "0": { text: "fail", color: "red" } } }],
                    thresholds: { mode: "absolute", steps: [{ color: "transparent", value: null }] },
                    color: { mode: "fixed", fixedColor: "text" },
                },
                overrides: [],
            },
            options: { colorMode: "background", graphMode: "none", reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } },
        });
    });

    test("a row: expanded, the full width, its panels beside it (not inside)", () => {
        assert.deepEqual(panelsOf(d)[0], {
            id: 1,
            type: "row",
            title: "PostgreSQL",
            collapsed: false,
            gridPos: { x: 0, y: 0, w: 24, h: 1 },
            panels: [],
        });
    });
});

describe("HPA metric views: memory and the scheduled floor", () => {
    test("memory: the working set over the requests, in percent", () => {
        assert.deepEqual(hpaMetricView({ kind: "memory", utilization: 75 }, "ns", "w"), {
            metric: "memory",
            unit: "percent",
            current: `100 * sum(container_memory_working_set_bytes{${pods("w")},container!=""}) / sum(kube_pod_container_resource_requests{${pods("w")},resource="memory"})`,
            target: 75,
        });
    });

    test("an Object metric of the namespace without a unit of its own (the scheduled floor) is in short", () => {
        assert.deepEqual(
            hpaMetricView(
                { kind: "object", namespace: "ns", name: "scheduled_floor", selector: { workload: "w" }, averageValue: "1" },
                "ns",
                "w",
            ),
            {
                metric: "scheduled_floor",
                unit: "short",
                current:
                    'max(sysmanage:scheduled_floor:replicas{workload="w",namespace="ns"}) by (namespace) / scalar(kube_horizontalpodautoscaler_status_current_replicas{namespace="ns",horizontalpodautoscaler="w"})',
                target: 1,
            },
        );
    });
});

describe("a list variable with no values", () => {
    test("selects the empty value", () => {
        const d = dashboard({
            uid: "u",
            title: "t",
            description: "d",
            tags: [],
            variables: [{ name: "v", label: "V", values: [] }],
            sections: [],
        });
        assert.deepEqual(d.templating?.list?.[1].current, { text: "", value: "", selected: true });
        assert.deepEqual(d.templating?.list?.[1].options, []);
    });
});
