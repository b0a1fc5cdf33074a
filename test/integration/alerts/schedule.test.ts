/**
 * Issue 16: the floor schedule's recording rules under Prometheus's own `promtool test rules`:
 * the floor holds in its slots, 0 between runs at or below minReplicas, and 0 after the last
 * slot without anyone acting (the stale fallback: the HPA is back on its static minReplicas);
 * the band is there in its slots and absent after them.
 *
 *   node --import tsx --test test/integration/alerts/schedule.test.ts
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { forecastAlerts } from "../../../lib/alerts/forecast";
import { scheduleRuleSpec } from "../../../lib/floorSchedule";
import { run } from "../../support/servers";

const PROMTOOL = "/usr/bin/promtool";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sysmanage-schedule-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// promtool's unit tests start their clock at Unix time 0: slots of one hour from 01:00.
const spec = scheduleRuleSpec({
    namespace: "sysmanage",
    workload: "sysmanage-api",
    minReplicas: 2,
    schedule: {
        start: 3600,
        stepSeconds: 3600,
        floors: [2, 5, 5, 3, 2],
        bands: [{ metric: "requests", lower: [10, 40, 40, 20, 10], upper: [20, 80, 80, 40, 20] }],
    },
});

const floor = (t: string, value: number) => ({
    eval_time: t,
    expr: "sysmanage:scheduled_floor:replicas",
    exp_samples: [{ labels: 'sysmanage:scheduled_floor:replicas{namespace="sysmanage",workload="sysmanage-api"}', value }],
});

test("the schedule's rules under promtool: floors in their slots, 0 outside, 0 after the horizon", async () => {
    const rules = path.join(dir, "schedule.yaml");
    fs.writeFileSync(rules, stringify({ groups: spec.groups }));
    const check = await run(PROMTOOL, ["check", "rules", rules], { timeoutMs: 30_000 });
    // The floor and two band rules.
    assert.match(check.stdout + check.stderr, /SUCCESS: 3 rules found/);
    const tests = [
        {
            interval: "1m",
            input_series: [],
            promql_expr_test: [
                // Before the schedule, and in its first slot (floor 2 = minReplicas: no term).
                floor("30m", 0),
                floor("1h30m", 0),
                // 02:00 .. 04:00: 5; 04:00 .. 05:00: 3.
                floor("2h", 5),
                floor("3h59m", 5),
                floor("4h30m", 3),
                // The last slot is at minReplicas, and from 06:00 on the schedule has expired.
                floor("5h30m", 0),
                floor("6h", 0),
                floor("240h", 0),
                {
                    eval_time: "2h30m",
                    expr: "sysmanage:forecast_band:upper",
                    exp_samples: [
                        {
                            labels: 'sysmanage:forecast_band:upper{namespace="sysmanage",workload="sysmanage-api",metric="requests"}',
                            value: 80,
                        },
                    ],
                },
                // The band has no fallback: after the horizon there is nothing to compare with.
                { eval_time: "6h30m", expr: "sysmanage:forecast_band:upper", exp_samples: [] },
            ],
        },
    ];
    const file = path.join(dir, "tests.yaml");
    fs.writeFileSync(file, stringify({ rule_files: [rules], evaluation_interval: "1m", tests }));
    const r = await run(PROMTOOL, ["test", "rules", file], { timeoutMs: 60_000 });
    assert.match(r.stdout + r.stderr, /SUCCESS/);
});

test("forecast vs reality: the load above the upper band for 30 min, below the lower band for 2 h, each fires and stays quiet before", async () => {
    const band = scheduleRuleSpec({
        namespace: "sysmanage",
        workload: "sysmanage-api",
        minReplicas: 2,
        schedule: {
            start: 0,
            stepSeconds: 3600,
            floors: [4, 4, 4, 4],
            bands: [{ metric: "requests", lower: [10, 10, 10, 10], upper: [100, 100, 100, 100] }],
        },
    });
    const ctx = { namespace: "sysmanage", runbookBaseUrl: "https://example.com/rb.md" };
    const alerts = forecastAlerts(ctx, { forecastBands: [{ workload: "sysmanage-api", metric: "requests", query: "sum(load)" }] });
    const rules = path.join(dir, "forecast.yaml");
    fs.writeFileSync(rules, stringify({ groups: [...band.groups, { name: "sysmanage.forecast", rules: alerts }] }));
    const firing = (alertname: string, value: string) => ({
        exp_labels: { severity: "warning", namespace: "sysmanage", workload: "sysmanage-api", metric: "requests" },
        exp_annotations: {
            summary: alerts.find((a) => a.alert === alertname)!.annotations!.summary,
            description: alerts.find((a) => a.alert === alertname)!.annotations!.description.replace("{{ $value }}", value),
            runbook_url: `https://example.com/rb.md#${alertname.toLowerCase()}`,
        },
    });
    const tests = [
        {
            // 50 for the first hour, then 150 (above 100) in two series the query sums.
            interval: "1m",
            input_series: [
                { series: 'load{pod="a"}', values: "25x59 75x120" },
                { series: 'load{pod="b"}', values: "25x59 75x120" },
            ],
            alert_rule_test: [
                { eval_time: "59m", alertname: "SysmanageLoadAboveForecast", exp_alerts: [] },
                { eval_time: "88m", alertname: "SysmanageLoadAboveForecast", exp_alerts: [] },
                { eval_time: "91m", alertname: "SysmanageLoadAboveForecast", exp_alerts: [firing("SysmanageLoadAboveForecast", "150")] },
                { eval_time: "91m", alertname: "SysmanageLoadBelowForecast", exp_alerts: [] },
            ],
        },
        {
            // 5 (below 10) from the start.
            interval: "1m",
            input_series: [{ series: 'load{pod="a"}', values: "5x200" }],
            alert_rule_test: [
                { eval_time: "1h59m", alertname: "SysmanageLoadBelowForecast", exp_alerts: [] },
                { eval_time: "2h1m", alertname: "SysmanageLoadBelowForecast", exp_alerts: [firing("SysmanageLoadBelowForecast", "5")] },
                { eval_time: "2h1m", alertname: "SysmanageLoadAboveForecast", exp_alerts: [] },
            ],
        },
    ];
    const file = path.join(dir, "forecast-tests.yaml");
    fs.writeFileSync(file, stringify({ rule_files: [rules], evaluation_interval: "1m", tests }));
    const r = await run(PROMTOOL, ["test", "rules", file], { timeoutMs: 60_000 });
    assert.match(r.stdout + r.stderr, /SUCCESS/);
});
