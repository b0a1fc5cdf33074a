/** The dashboards' inputs from the plan (plan/dashboards.ts): which series, which numbers, where the ConfigMaps go. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { dashboardsPlan, dataTierInputs, scalingInputs } from "../../../plan/dashboards";
import { planStack, type StackPlan } from "../../../plan/stack";

const prod = (over: Record<string, unknown> = {}) =>
    parseConfig({ ...over, postgres: { backup: { destinationPath: "s3://b/p" }, ...(over.postgres as object) } }, "prod");

describe("scaling inputs", () => {
    test("a scheduled workload's floor metric gets no metric-vs-target panel (the replicas panel draws the floor)", () => {
        const cfg = prod();
        const schedule = { start: 0, stepSeconds: 3600, floors: [5], bands: [] };
        const scheduled = planStack(cfg, "prod", { schedules: { api: schedule } });
        assert.ok(scheduled.workloads[0].metrics.some((m) => m.kind === "object" && m.name === "scheduled_floor"));
        assert.deepEqual(
            scalingInputs(cfg, scheduled).workloads[0].metrics,
            scalingInputs(cfg, planStack(cfg, "prod")).workloads[0].metrics,
        );
    });
    test("the loads are the series the forecast sizes on that have a query used as it is, named by their forecast.series key (the band's metric label)", () => {
        const cfg = prod({
            forecast: {
                series: {
                    api: {
                        requests: { file: "r.json", query: "sum(rate(http_requests_total[5m]))" },
                        cpu: { file: "c.csv", query: "" }, // never refreshed: nothing to draw
                        memory: { file: "m.csv", query: "sum(mem)" },
                        latencyP95: { file: "l.csv", query: "p95" }, // not sized on
                    },
                    workers: {
                        queue: { queueLength: { file: "q.csv", query: "max(q)" }, processingTime: { file: "p.csv", query: "p" } },
                        agent: { queueLength: { file: "a.csv", query: "sum(x)", unit: "counter" } }, // a counter: not as it is
                    },
                },
            },
        });
        const i = scalingInputs(cfg, planStack(cfg, "prod"));
        assert.deepEqual(
            i.workloads.map((w) => [w.name, w.loads]),
            [
                [
                    "sysmanage-api",
                    [
                        { metric: "requests", query: "sum(rate(http_requests_total[5m]))" },
                        { metric: "memory", query: "sum(mem)" },
                    ],
                ],
                ["sysmanage-worker-queue", [{ metric: "queueLength", query: "max(q)" }]],
                ["sysmanage-worker-agent", []],
                ["sysmanage-worker-report", []],
                ["sysmanage-worker-cleanup", []],
            ],
        );
        assert.deepEqual(
            i.workloads[0].metrics.map((m) => m.kind),
            ["cpu", "memory", "pods", "pods"],
        );
    });
});

describe("data-tier inputs", () => {
    test("a cluster's line is its busiest instance's budget, not another cluster's whose name it prefixes", () => {
        const plan = planStack(prod(), "prod");
        const budgets = [
            { target: "sysmanage-pg primary", used: 18 },
            { target: "sysmanage-pg replica", used: 24 },
            { target: "sysmanage-pg-analytics", used: 36 },
        ];
        const edited = { ...plan, data: { ...plan.data, postgres: { ...plan.data.postgres!, budgets } } } as unknown as StackPlan;
        assert.deepEqual(
            dataTierInputs(prod(), edited).postgres.map((c) => [c.name, c.poolerConnections]),
            [
                ["sysmanage-pg", 24],
                ["sysmanage-pg-analytics", 36],
            ],
        );
    });

    test("prod: the budgets of the render's summary (18 per main instance, 36 on the analytics cluster), max_connections 300, the readers' lag, poolers, maxmemory", () => {
        const i = dataTierInputs(prod(), planStack(prod(), "prod"));
        assert.deepEqual(i.postgres, [
            { name: "sysmanage-pg", poolerConnections: 18, maxConnections: 300, maxLagSeconds: 30 },
            // The analytics replica cluster's readers accept an hour (max_standby_streaming_delay 1h).
            { name: "sysmanage-pg-analytics", poolerConnections: 36, maxConnections: 300, maxLagSeconds: 3600 },
        ]);
        assert.deepEqual(i.poolers, ["sysmanage-pg-pooler-rw", "sysmanage-pg-pooler-ro", "sysmanage-pg-analytics-pooler-ro"]);
        // prod's 2 GiB nodes at maxmemoryRatio 0.52: floor(2048 × 0.52) = 1064 MiB (the render's summary).
        assert.deepEqual(i.redis[0], { name: "sysmanage-redis", maxmemoryBytes: 1064 * 1024 * 1024, memoryHigh: 0.8 });
        assert.equal(i.redis[1].name, "sysmanage-redis-sessions");
    });

    test("no Postgres, no Redis: nothing to draw", () => {
        const cfg = prod({ postgres: { enabled: false }, redis: { enabled: false } });
        const i = dataTierInputs(cfg, planStack(cfg, "prod"));
        assert.deepEqual([i.postgres, i.poolers, i.redis], [[], [], []]);
    });
});

describe("dashboards plan", () => {
    test("defaults: two ConfigMaps in the app namespace, the sidecar's label, the folder annotation", () => {
        const p = dashboardsPlan(prod(), planStack(prod(), "prod"))!;
        assert.equal(p.namespace, "sysmanage");
        assert.equal(p.labels.grafana_dashboard, "1");
        assert.equal(p.labels["app.kubernetes.io/part-of"], "sysmanage");
        assert.deepEqual(p.annotations, { grafana_folder: "SysManage" });
        assert.deepEqual(
            p.files.map((f) => [f.name, (JSON.parse(f.json) as { uid: string }).uid]),
            [
                ["sysmanage-scaling", "sysmanage-scaling-prod"],
                ["sysmanage-data-tier", "sysmanage-data-tier-prod"],
            ],
        );
    });

    test("configured: Grafana's namespace, its own label, no folder; off: none", () => {
        const cfg = prod({ metrics: { dashboardNamespace: "monitoring", dashboardLabels: { dash: "yes" }, dashboardFolder: "" } });
        const p = dashboardsPlan(cfg, planStack(cfg, "prod"))!;
        assert.equal(p.namespace, "monitoring");
        assert.equal(p.labels.dash, "yes");
        assert.equal(p.labels.grafana_dashboard, undefined);
        assert.deepEqual(p.annotations, {});
        const off = prod({ metrics: { dashboards: false } });
        assert.equal(dashboardsPlan(off, planStack(off, "prod")), undefined);
    });
});
