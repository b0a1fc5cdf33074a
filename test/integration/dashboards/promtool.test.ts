/**
 * Issue 15, dashboards: the Grafana dashboards every stack renders (ConfigMaps labelled for the
 * sidecar) are well-formed dashboards (test/support/grafana.ts), and every PromQL expression in
 * them parses in the real Prometheus: `promtool` has no parse command, so each expression is a
 * recording rule of a throwaway file under `promtool check rules`. Two expressions are also
 * evaluated by `promtool test rules` on series written by hand: the per-workload union keeps the
 * selected workload only, and the pooler query reads Debian's exporter when CloudNativePG's is absent.
 *
 *   node --import tsx --test test/integration/dashboards/promtool.test.ts
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import type { Dashboard } from "@grafana/schema";
import { objectsOf, STACKS } from "../../support/render";
import { dashboardProblems, exprsOf, panelsOf } from "../../support/grafana";
import { run } from "../../support/servers";

const PROMTOOL = "/usr/bin/promtool";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sysmanage-dashboards-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The dashboards of a stack's render, by ConfigMap name, from the ConfigMaps Grafana's sidecar selects. */
async function dashboards(stack: string): Promise<Map<string, Dashboard>> {
    const maps = (await objectsOf(stack)).filter((o) => o.kind === "ConfigMap" && o.metadata.labels?.grafana_dashboard === "1");
    return new Map(maps.map((m) => [m.metadata.name as string, JSON.parse(m.data[`${m.metadata.name}.json`] as string) as Dashboard]));
}

/** A Grafana variable as Grafana interpolates it (a workload the stack runs). */
const interpolated = (expr: string) => expr.replaceAll("$workload", "sysmanage-worker-agent");

function rulesFile(name: string, exprs: readonly string[]): string {
    const file = path.join(dir, `${name}.yaml`);
    const rules = exprs.map((expr, i) => ({ record: `dashboard:expr_${i}`, expr: interpolated(expr) }));
    fs.writeFileSync(file, stringify({ groups: [{ name, rules }] }));
    return file;
}

function panelExpr(d: Dashboard, title: string, refId: string): string {
    const p = panelsOf(d).find((x) => x.title === title);
    const t = p?.targets?.find((x) => x.refId === refId);
    assert.ok(t, `${title} ${refId}`);
    return String(t.expr);
}

describe("dashboards under Grafana's model and promtool", () => {
    for (const stack of STACKS)
        test(`${stack}: the scaling and data-tier dashboards are well-formed and every expression parses`, async () => {
            const ds = await dashboards(stack);
            assert.deepEqual([...ds.keys()].sort(), ["sysmanage-data-tier", "sysmanage-scaling"]);
            for (const [name, d] of ds) assert.deepEqual(dashboardProblems(d), [], `${stack} ${name}`);
            const exprs = [...ds.values()].flatMap(exprsOf);
            const r = await run(PROMTOOL, ["check", "rules", rulesFile(stack, exprs)], { timeoutMs: 30_000 });
            assert.match(r.stdout + r.stderr, new RegExp(`SUCCESS: ${exprs.length} rules found`));
        });

    test("prod: 47 expressions: replicas 5, loads 4 × 3, HPA metrics 6 × 2; Postgres 2 × 2, poolers 3 × 2, Redis 2 × 4", async () => {
        const ds = await dashboards("prod");
        assert.deepEqual(
            ["sysmanage-scaling", "sysmanage-data-tier"].map((n) => exprsOf(ds.get(n)!).length),
            [5 + 12 + 12, 4 + 6 + 8],
        );
    });

    test("prod, evaluated: the queue metric of the selected workload only; pooler waiting clients from Debian's exporter", async () => {
        const ds = await dashboards("prod");
        const scaling = ds.get("sysmanage-scaling")!;
        const data = ds.get("sysmanage-data-tier")!;
        const queue = panelExpr(scaling, "HPA metric vs target: queue_length", "A");
        const target = panelExpr(scaling, "HPA metric vs target: queue_length", "B");
        const waiting = panelExpr(data, "Pooler sysmanage-pg-pooler-rw: clients waiting and active", "A");
        const pod = "sysmanage-pg-pooler-rw-5d8f7c9b6-x2k4p";
        const tests = [
            {
                interval: "1m",
                input_series: [
                    { series: 'sysmanage_queue_length{namespace="sysmanage",queue="agent"}', values: "40x5" },
                    { series: 'sysmanage_queue_length{namespace="sysmanage",queue="queue"}', values: "100x5" },
                    {
                        series: 'kube_horizontalpodautoscaler_status_current_replicas{namespace="sysmanage",horizontalpodautoscaler="sysmanage-worker-agent"}',
                        values: "4x5",
                    },
                    {
                        series: 'kube_horizontalpodautoscaler_status_current_replicas{namespace="sysmanage",horizontalpodautoscaler="sysmanage-worker-queue"}',
                        values: "5x5",
                    },
                    { series: `pgbouncer_waiting_clients{namespace="sysmanage",pod="${pod}",database="sysmanage"}`, values: "3x5" },
                    { series: `pgbouncer_waiting_clients{namespace="sysmanage",pod="${pod}",database="pgbouncer"}`, values: "1x5" },
                ],
                promql_expr_test: [
                    // 40 items / 4 agent workers = 10 per pod; the queue pool's 100 / 5 is not shown. The
                    // adapter's rule keeps the namespace label (it answers for the namespace), not the queue.
                    {
                        expr: interpolated(queue),
                        eval_time: "2m",
                        exp_samples: [{ labels: '{namespace="sysmanage",workload="sysmanage-worker-agent"}', value: 10 }],
                    },
                    // prod's 10 per pod (workers.agent.queueLengthPerPod).
                    {
                        expr: interpolated(target),
                        eval_time: "2m",
                        exp_samples: [{ labels: '{workload="sysmanage-worker-agent"}', value: 10 }],
                    },
                    { expr: waiting, eval_time: "2m", exp_samples: [{ labels: `{pod="${pod}"}`, value: 4 }] },
                ],
            },
        ];
        const file = path.join(dir, "tests.yaml");
        fs.writeFileSync(file, stringify({ rule_files: [], evaluation_interval: "1m", tests }));
        const r = await run(PROMTOOL, ["test", "rules", file], { timeoutMs: 60_000 });
        assert.match(r.stdout + r.stderr, /SUCCESS/);
    });
});
