/**
 * Issue 17 #4, the ScaledObjects' triggers under the real Prometheus: every trigger query of the
 * stacks that scale a pool to zero parses (`promtool check rules`, each query a recording rule of a
 * throwaway file), and dev's report triggers, evaluated by `promtool test rules` on series written
 * by hand, give the one value KEDA's prometheus scaler needs (a second element is an error there)
 * and the value the HPA would compute: the queue's depth, the pods' average job time, not the
 * on-demand floor Deployment's pods.
 *
 *   node --import tsx --test test/integration/keda/triggers.test.ts
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { objectsOf } from "../../support/render";
import { run } from "../../support/servers";

const PROMTOOL = "/usr/bin/promtool";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sysmanage-keda-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Trigger {
    readonly name: string;
    readonly metadata: { readonly query: string; readonly threshold: string };
}

async function triggers(stack: string): Promise<Map<string, Trigger[]>> {
    const sos = (await objectsOf(stack)).filter((o) => o.kind === "ScaledObject");
    return new Map(sos.map((o) => [o.metadata.name as string, o.spec.triggers as Trigger[]]));
}

describe("ScaledObject triggers under promtool", () => {
    for (const stack of ["dev", "staging"])
        test(`${stack}: report and cleanup, 2 triggers each, every query parses`, async () => {
            const ts = await triggers(stack);
            assert.deepEqual([...ts.keys()].sort(), ["sysmanage-worker-cleanup", "sysmanage-worker-report"]);
            const queries = [...ts.values()].flat().map((t) => t.metadata.query);
            assert.equal(queries.length, 4);
            const file = path.join(dir, `${stack}.yaml`);
            fs.writeFileSync(
                file,
                stringify({ groups: [{ name: stack, rules: queries.map((expr, i) => ({ record: `keda:trigger_${i}`, expr })) }] }),
            );
            const r = await run(PROMTOOL, ["check", "rules", file], { timeoutMs: 30_000 });
            assert.match(r.stdout + r.stderr, /SUCCESS: 4 rules found/);
        });

    test("dev's report, evaluated: one element each, the queue's depth and the average of the pool's per-pod job times", async () => {
        const [queue, jobTime] = (await triggers("dev")).get("sysmanage-worker-report")!;
        assert.deepEqual(
            [queue.name, queue.metadata.threshold, jobTime.name, jobTime.metadata.threshold],
            // dev keeps the seed's worker targets (workers.report.queueLengthPerPod 10, processingTimeSeconds 30).
            ["queue-length", "10", "processing-time-avg", "30"],
        );
        const NS = "sysmanage-dev";
        const a = "sysmanage-worker-report-5d8f7c9b6-x2k4p";
        const b = "sysmanage-worker-report-5d8f7c9b6-q7r2m";
        const floor = "sysmanage-worker-report-on-demand-6b9d5-z8w4n";
        // Counters sampled every minute: pod a adds 600 s of job time and 30 jobs a minute (20 s a job),
        // pod b 1200 s and 30 jobs (40 s a job): the HPA's average of the two per-pod values is 30 s.
        // A pod of another Deployment (the on-demand floor's, 10 s a job) and another namespace's are left out.
        const counter = (perMinute: number) => `0+${perMinute}x10`;
        const series = [
            { series: `sysmanage_queue_length{namespace="${NS}",queue="report",pod="api-1"}`, values: "23x10" },
            { series: `sysmanage_queue_length{namespace="${NS}",queue="report",pod="api-2"}`, values: "25x10" },
            { series: `sysmanage_queue_length{namespace="${NS}",queue="cleanup",pod="api-1"}`, values: "900x10" },
            { series: 'sysmanage_queue_length{namespace="other",queue="report",pod="api-1"}', values: "700x10" },
            ...[
                [a, NS, 600, 30],
                [b, NS, 1200, 30],
                [floor, NS, 300, 30],
                [a, "other", 6000, 30],
            ].flatMap(([pod, ns, sum, count]) => [
                { series: `sysmanage_job_duration_seconds_sum{namespace="${ns}",pod="${pod}"}`, values: counter(sum as number) },
                { series: `sysmanage_job_duration_seconds_count{namespace="${ns}",pod="${pod}"}`, values: counter(count as number) },
            ]),
        ];
        const tests = [
            {
                interval: "1m",
                input_series: series,
                promql_expr_test: [
                    // Two exporters of the same queue: the adapter's max, 25 (KEDA then asks ceil(25 / 10) = 3 pods).
                    { expr: queue.metadata.query, eval_time: "8m", exp_samples: [{ labels: `{namespace="${NS}"}`, value: 25 }] },
                    { expr: jobTime.metadata.query, eval_time: "8m", exp_samples: [{ labels: "{}", value: 30 }] },
                ],
            },
        ];
        const file = path.join(dir, "tests.yaml");
        fs.writeFileSync(file, stringify({ rule_files: [], evaluation_interval: "1m", tests }));
        const r = await run(PROMTOOL, ["test", "rules", file], { timeoutMs: 60_000 });
        assert.match(r.stdout + r.stderr, /SUCCESS/, r.stdout + r.stderr);
    });
});
