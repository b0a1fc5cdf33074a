/** The dashboards' pure builders (lib/dashboards): layout, the PromQL shapes, HPA metric views, panels; expected values worked out by hand. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { dashboard, layout, SCHEMA_VERSION, type PanelSpec } from "../../../lib/dashboards/dashboard";
import { hpaMetricView } from "../../../lib/dashboards/hpaMetrics";
import { timeseriesPanel } from "../../../lib/dashboards/panels";
import { eitherExporter, perWorkload } from "../../../lib/dashboards/promql";
import { scalingDashboard } from "../../../lib/dashboards/scaling";
import { dataTierDashboard } from "../../../lib/dashboards/dataTier";
import { dashboardProblems, exprsOf, panelsOf } from "../../support/grafana";

const ts = (title: string, width?: number): PanelSpec => ({
    kind: "timeseries",
    width,
    spec: { title, description: "d", unit: "short", queries: [{ expr: "up", legend: "{{pod}}" }] },
});
const stat: PanelSpec = {
    kind: "stat",
    spec: { title: "s", description: "d", query: { expr: "up", legend: "x" }, states: [{ value: 1, text: "ok", color: "green" }] },
};

describe("layout", () => {
    test("a row per section, panels left to right, wrapping at 24 columns; ids from 1", () => {
        const panels = layout([
            { title: "A", panels: [ts("a1"), ts("a2"), ts("a3"), stat] },
            { title: "B", panels: [ts("b1", 24), stat] },
        ]);
        assert.deepEqual(
            panels.map((p) => [p.id, p.type, p.gridPos]),
            [
                [1, "row", { x: 0, y: 0, w: 24, h: 1 }],
                [2, "timeseries", { x: 0, y: 1, w: 12, h: 8 }],
                [3, "timeseries", { x: 12, y: 1, w: 12, h: 8 }],
                // a3 wraps to y 1 + 8; the stat fits beside it.
                [4, "timeseries", { x: 0, y: 9, w: 12, h: 8 }],
                [5, "stat", { x: 12, y: 9, w: 6, h: 4 }],
                // The next row starts below the tallest panel of the last line: 9 + 8.
                [6, "row", { x: 0, y: 17, w: 24, h: 1 }],
                [7, "timeseries", { x: 0, y: 18, w: 24, h: 8 }],
                [8, "stat", { x: 0, y: 26, w: 6, h: 4 }],
            ],
        );
    });

    test("a dashboard has the datasource variable, the list variables and Grafana 10.4's schema version", () => {
        const d = dashboard({
            uid: "u",
            title: "t",
            description: "d",
            tags: ["x"],
            variables: [{ name: "workload", label: "Workload", values: ["a", "b"] }],
            sections: [{ title: "A", panels: [ts("a1")] }],
        });
        assert.equal(SCHEMA_VERSION, 39);
        assert.deepEqual(
            d.templating?.list?.map((v) => [v.name, v.type, v.query]),
            [
                ["datasource", "datasource", "prometheus"],
                ["workload", "custom", "a,b"],
            ],
        );
        assert.deepEqual(d.templating?.list?.[1].current, { text: "a", value: "a", selected: true });
        assert.deepEqual(dashboardProblems(d), []);
    });
});

describe("panels", () => {
    test("a time series with lines: a transparent base step, then a step per line, drawn dashed; dashed series by name", () => {
        const p = timeseriesPanel(
            {
                title: "t",
                description: "d",
                unit: "bytes",
                queries: [
                    { expr: "a", legend: "used" },
                    { expr: "b", legend: "target" },
                ],
                lines: [
                    { value: 80, color: "orange" },
                    { value: 100, color: "red" },
                ],
                dashed: ["target"],
            },
            7,
            { x: 0, y: 0, w: 12, h: 8 },
        );
        assert.deepEqual(p.fieldConfig?.defaults.thresholds, {
            mode: "absolute",
            steps: [
                { color: "transparent", value: null },
                { color: "orange", value: 80 },
                { color: "red", value: 100 },
            ],
        });
        assert.deepEqual(p.fieldConfig?.defaults.custom?.thresholdsStyle, { mode: "dashed" });
        assert.deepEqual(p.fieldConfig?.overrides, [
            {
                matcher: { id: "byName", options: "target" },
                properties: [{ id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } }],
            },
        ]);
        assert.deepEqual(
            p.targets?.map((t) => [t.refId, t.expr, t.legendFormat, t.datasource]),
            [
                ["A", "a", "used", { type: "prometheus", uid: "${datasource}" }],
                ["B", "b", "target", { type: "prometheus", uid: "${datasource}" }],
            ],
        );
    });
});

describe("panels without lines", () => {
    test("Grafana's default thresholdsStyle (off): no field for it", () => {
        const p = timeseriesPanel({ title: "t", description: "d", unit: "s", queries: [{ expr: "a", legend: "x" }] }, 1, {
            x: 0,
            y: 0,
            w: 12,
            h: 8,
        });
        assert.deepEqual(p.fieldConfig?.defaults.custom, { fillOpacity: 0, lineWidth: 1 });
        assert.deepEqual(p.fieldConfig?.defaults.thresholds?.steps, [{ color: "transparent", value: null }]);
    });
});

describe("PromQL shapes", () => {
    test("perWorkload labels each workload's expression and keeps the selected one", () => {
        assert.equal(
            perWorkload([
                { workload: "w1", expr: "vector(1)" },
                { workload: "w2", expr: "sum(x)" },
            ]),
            '(label_replace(vector(1), "workload", "w1", "", "") or label_replace(sum(x), "workload", "w2", "", "")) and on (workload) label_replace(vector(1), "workload", "$workload", "", "")',
        );
    });

    test("eitherExporter: the first exporter's series, else the next's", () => {
        assert.equal(eitherExporter(["a", "b"]), "a or b");
    });
});

describe("HPA metric views", () => {
    const pods = 'namespace="ns",pod=~"w-[a-z0-9]+-[a-z0-9]+"';
    test("cpu: the usage over the requests of the Deployment's pods, in percent, against the utilization target", () => {
        assert.deepEqual(hpaMetricView({ kind: "cpu", utilization: 70 }, "ns", "w"), {
            metric: "cpu",
            unit: "percent",
            current: `100 * sum(rate(container_cpu_usage_seconds_total{${pods},container!=""}[5m])) / sum(kube_pod_container_resource_requests{${pods},resource="cpu"})`,
            target: 70,
        });
    });

    test("a Pods metric: the adapter's rule per pod, averaged; the target's quantity as a number", () => {
        assert.deepEqual(hpaMetricView({ kind: "pods", name: "response_time_p95", averageValue: "500m" }, "ns", "w"), {
            metric: "response_time_p95",
            unit: "s",
            current: `avg(histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{${pods}}[5m])) by (le, pod)))`,
            target: 0.5,
        });
    });

    test("an Object metric of the namespace: the adapter's value for the queue divided by the HPA's replicas", () => {
        assert.deepEqual(
            hpaMetricView(
                { kind: "object", namespace: "ns", name: "queue_length", selector: { queue: "q" }, averageValue: "10" },
                "ns",
                "w",
            ),
            {
                metric: "queue_length",
                unit: "short",
                // As adapter v0.12.0 fills the template: the selector's matchers, then the namespace's; by namespace.
                current:
                    'max(sysmanage_queue_length{queue="q",namespace="ns"}) by (namespace) / scalar(kube_horizontalpodautoscaler_status_current_replicas{namespace="ns",horizontalpodautoscaler="w"})',
                target: 10,
            },
        );
    });

    test("an Object metric's selector: its matchers sorted by key, as the HPA's label selector lists them", () => {
        const view = hpaMetricView(
            { kind: "object", namespace: "ns", name: "scheduled_floor", selector: { workload: "w", queue: "q" }, averageValue: "1" },
            "ns",
            "w",
        );
        assert.equal(
            view.current,
            'max(sysmanage:scheduled_floor:replicas{queue="q",workload="w",namespace="ns"}) by (namespace) / scalar(kube_horizontalpodautoscaler_status_current_replicas{namespace="ns",horizontalpodautoscaler="w"})',
        );
    });

    test("a metric no adapter rule serves is refused by name", () => {
        assert.throws(
            () => hpaMetricView({ kind: "pods", name: "nope", averageValue: "1" }, "ns", "w"),
            /no adapter rule serves the HPA metric nope/,
        );
    });
});

describe("the two dashboards", () => {
    const scaling = scalingDashboard({
        namespace: "ns",
        environment: "dev",
        workloads: [
            { name: "api", metrics: [{ kind: "cpu", utilization: 70 }], loads: [{ metric: "cpu", query: "sum(cpu)" }] },
            {
                name: "wq",
                metrics: [{ kind: "object", namespace: "ns", name: "queue_length", selector: { queue: "q" }, averageValue: "5" }],
                loads: [],
            },
        ],
    });

    test("scaling: replicas, a load panel per sized metric, an HPA panel per metric; the workload variable lists the workloads", () => {
        assert.deepEqual(
            panelsOf(scaling).map((p) => p.title),
            [
                "Replicas",
                "Replicas: current and desired within min..max, and the scheduled floor",
                "Load vs forecast",
                "Load vs forecast band: cpu",
                "HPA metrics vs targets",
                "HPA metric vs target: cpu",
                "HPA metric vs target: queue_length",
            ],
        );
        assert.equal(scaling.uid, "sysmanage-scaling-dev");
        assert.equal(scaling.templating?.list?.[1].query, "api,wq");
        assert.deepEqual(dashboardProblems(scaling), []);
        // The queue's target 5 from the plan, for the selected workload only.
        assert.ok(
            exprsOf(scaling).includes(
                '(label_replace(vector(5), "workload", "wq", "", "")) and on (workload) label_replace(vector(1), "workload", "$workload", "", "")',
            ),
        );
    });

    test("data tier: the plan's budget, maxmemory and lag as lines; no section for what the stack does not run", () => {
        const d = dataTierDashboard({
            namespace: "ns",
            environment: "dev",
            postgres: [{ name: "pg", poolerConnections: 12, maxConnections: 100, maxLagSeconds: 30 }],
            poolers: [],
            redis: [{ name: "r", maxmemoryBytes: 1000, memoryHigh: 0.8 }],
        });
        assert.deepEqual(
            panelsOf(d).map((p) => [
                p.title,
                (p as { fieldConfig?: { defaults: { thresholds?: { steps: unknown[] } } } }).fieldConfig?.defaults.thresholds?.steps.slice(
                    1,
                ),
            ]),
            [
                ["PostgreSQL", undefined],
                [
                    "Postgres pg: connections vs budget",
                    [
                        { color: "orange", value: 12 },
                        { color: "red", value: 100 },
                    ],
                ],
                ["Postgres pg: replication lag", [{ color: "red", value: 30 }]],
                ["Redis", undefined],
                [
                    "Redis r: memory vs maxmemory",
                    [
                        { color: "orange", value: 800 },
                        { color: "red", value: 1000 },
                    ],
                ],
                ["Redis r: commands/s", []],
                ["Redis r: evictions/s", []],
                ["Redis r: cluster state", []],
            ],
        );
        assert.equal(
            exprsOf(d)[0],
            'sum by (pod) (cnpg_backends_total{namespace="ns",pod=~"pg-[0-9]+"}) or sum by (pod) (pg_stat_database_numbackends{namespace="ns",pod=~"pg-[0-9]+"})',
        );
        assert.deepEqual(dashboardProblems(d), []);
    });
});

describe("the structure check sees what Grafana would reject", () => {
    test("overlapping panels, duplicate ids, a query without expr, an undefined variable", () => {
        const d = dashboard({
            uid: "u",
            title: "t",
            description: "d",
            tags: [],
            variables: [],
            sections: [{ title: "A", panels: [ts("a")] }],
        });
        const [row, p] = d.panels as { id: number; gridPos: object; targets: Record<string, unknown>[] }[];
        p.id = row.id;
        p.gridPos = { x: 0, y: 0, w: 25, h: 8 };
        p.targets.push({ refId: "A", expr: "" }, { refId: "C", expr: 'up{pod="$nope"}' });
        assert.deepEqual(dashboardProblems(d), [
            "duplicate panel ids 1,1",
            'panel 1: gridPos {"x":0,"y":0,"w":25,"h":8} off the 24-column grid',
            "panel 1: duplicate refIds A,A,C",
            "panel 1 A: no expr",
            "panel 1: $nope is not a variable",
            "panels 1 and 1 overlap",
        ]);
    });
});
