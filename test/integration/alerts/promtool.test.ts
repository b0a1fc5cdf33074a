/**
 * Issue 15, alerts: the PrometheusRule the program declares, checked and unit-tested with
 * Prometheus's own `promtool` (Debian's prometheus package): `promtool check rules` for every
 * stack, and `promtool test rules` with a firing and a quiet case for every alert of prod, on
 * series written by hand (the expected labels and annotations too).
 *
 *   node --import tsx --test test/integration/alerts/promtool.test.ts
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { alertsPlan } from "../../../plan/alerts";
import { planStack } from "../../../plan/stack";
import { run, stackAppConfig } from "../../support/servers";
import { promtoolCases } from "./cases";

const PROMTOOL = "/usr/bin/promtool";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sysmanage-promtool-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function rulesFile(stack: string): string {
    const cfg = stackAppConfig(stack);
    const spec = alertsPlan(cfg, planStack(cfg, stack));
    assert.ok(spec, `${stack} declares alerts`);
    const file = path.join(dir, `${stack}-rules.yaml`);
    fs.writeFileSync(file, stringify({ groups: spec.groups }));
    return file;
}

describe("alert rules under promtool", () => {
    // prod: 4 autoscaling + the API's latency + 4 queues; 4 for the main cluster and 2 for the
    // analytics replica (no replicas of its own); 2 per pooler × 3; 4 + 1 (replicas) for each of
    // the cache and the session store = 31. staging has the same shape; dev has no Postgres or
    // Redis replicas: 31 − 2 − 2 = 27. dev and staging scale report and cleanup to zero: KEDA's
    // trigger errors add 1 (28, 32). prod's two shards (issue 18) add 4 per shard cluster and 2 per
    // shard pooler: 31 + 2 × 6 = 43.
    for (const [stack, count] of [
        ["dev", 28],
        ["staging", 32],
        ["prod", 43],
    ] as const)
        test(`${stack}: promtool check rules accepts all ${count} rules`, async () => {
            const r = await run(PROMTOOL, ["check", "rules", rulesFile(stack)], { timeoutMs: 30_000 });
            assert.match(r.stdout + r.stderr, new RegExp(`SUCCESS: ${count} rules found`));
        });

    test("prod: every alert fires on its condition and stays quiet just below it (promtool test rules)", async () => {
        const rules = rulesFile("prod");
        const { tests, alerts } = promtoolCases();
        const names = new Set((fs.readFileSync(rules, "utf8").match(/alert: (\w+)/g) ?? []).map((l) => l.replace("alert: ", "")));
        assert.deepEqual([...alerts].sort(), [...names].sort(), "a firing and a quiet case for every alert");
        const file = path.join(dir, "tests.yaml");
        fs.writeFileSync(file, stringify({ rule_files: [rules], evaluation_interval: "1m", tests }));
        // run() rejects with promtool's report (the differing alerts) when a case fails.
        const r = await run(PROMTOOL, ["test", "rules", file], { timeoutMs: 60_000 });
        assert.match(r.stdout + r.stderr, /SUCCESS/);
    });

    test("dev: SysmanageKedaTriggerErrors fires when KEDA keeps failing to read a pool's triggers, quiet without errors", async () => {
        const rules = rulesFile("dev");
        // As the chart's PodMonitor scrapes KEDA's operator in its own namespace: the ScaledObject's
        // namespace is exported_namespace. 6 errors a minute = 0.1 a second, for 15 minutes.
        const errors = (scaledObject: string, values: string) => ({
            series: `keda_scaled_object_errors_total{namespace="keda",pod="keda-operator-7c9d-x",exported_namespace="sysmanage-dev",scaledObject="${scaledObject}"}`,
            values,
        });
        const runbook = "https://github.com/sysmanage/sysmanage-scaling/blob/main/docs/runbooks.md#sysmanagekedatriggererrors";
        const tests = [
            {
                interval: "1m",
                input_series: [
                    errors("sysmanage-worker-report", "0+6x20"),
                    // Another stack's ScaledObject of the same name, and a flat counter: not this alert's.
                    {
                        series: 'keda_scaled_object_errors_total{namespace="keda",pod="keda-operator-7c9d-x",exported_namespace="other",scaledObject="sysmanage-worker-report"}',
                        values: "0+6x20",
                    },
                    errors("sysmanage-worker-cleanup", "3x20"),
                ],
                alert_rule_test: [
                    {
                        eval_time: "16m",
                        alertname: "SysmanageKedaTriggerErrors",
                        exp_alerts: [
                            {
                                exp_labels: {
                                    severity: "critical",
                                    namespace: "sysmanage-dev",
                                    exported_namespace: "sysmanage-dev",
                                    scaledObject: "sysmanage-worker-report",
                                },
                                exp_annotations: {
                                    summary: "KEDA cannot read the triggers of a pool that scales to zero",
                                    description:
                                        "KEDA fails to read the triggers of sysmanage-worker-report (0.1 errors a second): at 0 pods the pool does not wake for new jobs, above 1 it does not scale. Check the Prometheus the triggers query (metrics.prometheusUrl) and `kubectl describe scaledobject`.",
                                    runbook_url: runbook,
                                },
                            },
                        ],
                    },
                    // Pending from 1m (the first increase), firing after the 10m `for`: not yet at 10m.
                    { eval_time: "10m", alertname: "SysmanageKedaTriggerErrors", exp_alerts: [] },
                ],
            },
        ];
        const file = path.join(dir, "keda-tests.yaml");
        fs.writeFileSync(file, stringify({ rule_files: [rules], evaluation_interval: "1m", tests }));
        const r = await run(PROMTOOL, ["test", "rules", file], { timeoutMs: 60_000 });
        assert.match(r.stdout + r.stderr, /SUCCESS/);
    });
});
