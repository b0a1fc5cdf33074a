import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bandValue, piecewiseExpr, scheduledFloorMetric, scheduleRuleSpec, SCHEDULE_SERIES } from "../../../lib/floorSchedule";
import { METRIC, namespaceRules } from "../../../lib/metricsRules";
import { metricSpec } from "../../../lib/hpa";

// 2025-12-05T00:00:00Z, hourly slots.
const T0 = 1_764_892_800;
const schedule = {
    start: T0,
    stepSeconds: 3600,
    floors: [2, 2, 4, 4, 4, 3, 2],
    bands: [{ metric: "requests", lower: [10, 10.04, 30, 30, 30, 20, 10], upper: [20, 20.01, 61.234, 61.234, 61.2, 40, 20] }],
};

describe("the floor schedule as recording rules", () => {
    test("one term per run of equal values, with its UTC times; runs the filter refuses are left out", () => {
        assert.equal(
            piecewiseExpr(T0, 3600, [2, 2, 4, 4, 4, 3, 2], (v) => v > 2),
            [
                "vector(4) and on() (vector(time()) >= 1764900000 < 1764910800) # 2025-12-05T02:00Z .. 2025-12-05T05:00Z",
                "or vector(3) and on() (vector(time()) >= 1764910800 < 1764914400) # 2025-12-05T05:00Z .. 2025-12-05T06:00Z",
            ].join("\n"),
        );
        assert.equal(
            piecewiseExpr(T0, 3600, [2, 2], (v) => v > 2),
            undefined,
        );
    });
    test("the floor rule: the runs above minReplicas, then 0 (after the last slot and between runs)", () => {
        const spec = scheduleRuleSpec({ namespace: "sysmanage", workload: "sysmanage-api", minReplicas: 2, schedule });
        assert.equal(spec.groups.length, 1);
        const g = spec.groups[0];
        assert.equal(g.name, "sysmanage-schedule-sysmanage-api");
        assert.equal(g.interval, "30s");
        assert.deepEqual(g.rules[0], {
            record: "sysmanage:scheduled_floor:replicas",
            expr: [
                "vector(4) and on() (vector(time()) >= 1764900000 < 1764910800) # 2025-12-05T02:00Z .. 2025-12-05T05:00Z",
                "or vector(3) and on() (vector(time()) >= 1764910800 < 1764914400) # 2025-12-05T05:00Z .. 2025-12-05T06:00Z",
                "or vector(0) # after 2025-12-05T07:00Z or between runs: minReplicas holds",
            ].join("\n"),
            labels: { namespace: "sysmanage", workload: "sysmanage-api" },
        });
    });
    test("the band: three significant digits, equal runs merged, one rule per bound and metric", () => {
        assert.deepEqual([bandValue(10.04), bandValue(61.234), bandValue(0.012345), bandValue(123456)], [10, 61.2, 0.0123, 123000]);
        const rules = scheduleRuleSpec({ namespace: "ns", workload: "w", minReplicas: 1, schedule }).groups[0].rules.slice(1);
        assert.deepEqual(
            rules.map((r) => [r.record, r.labels, r.expr.split("\n").length]),
            [
                // upper: 20, 20 | 61.2 × 3 | 40 | 20 → 4 runs; lower: 10, 10 | 30 × 3 | 20 | 10 → 4 runs.
                [SCHEDULE_SERIES.upper, { namespace: "ns", workload: "w", metric: "requests" }, 4],
                [SCHEDULE_SERIES.lower, { namespace: "ns", workload: "w", metric: "requests" }, 4],
            ],
        );
        assert.match(rules[0].expr, /^vector\(20\) and on\(\) \(vector\(time\(\)\) >= 1764892800 < 1764900000\)/);
        assert.match(rules[0].expr, /\nor vector\(61\.2\) and on\(\) \(vector\(time\(\)\) >= 1764900000 < 1764910800\)/);
    });
    test("the HPA's floor metric: Object scheduled_floor of the Namespace for the workload, AverageValue 1, served by an adapter rule", () => {
        assert.deepEqual(metricSpec(scheduledFloorMetric("sysmanage", "sysmanage-worker-queue")), {
            type: "Object",
            object: {
                describedObject: { apiVersion: "v1", kind: "Namespace", name: "sysmanage" },
                metric: { name: "scheduled_floor", selector: { matchLabels: { workload: "sysmanage-worker-queue" } } },
                target: { type: "AverageValue", averageValue: "1" },
            },
        });
        const rule = namespaceRules().find((r) => r.name.as === METRIC.scheduledFloor);
        assert.deepEqual(rule, {
            seriesQuery: 'sysmanage:scheduled_floor:replicas{namespace!="",workload!=""}',
            resources: { overrides: { namespace: { resource: "namespace" } } },
            name: { matches: "^sysmanage:scheduled_floor:replicas$", as: "scheduled_floor" },
            // The adapter matches the result's namespace label to the namespace asked for.
            metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
        });
    });
    test("no floor above minReplicas: only the 0 rule; a band without slots: no rule; times off the minute keep their seconds", () => {
        const spec = scheduleRuleSpec({
            namespace: "ns",
            workload: "w",
            minReplicas: 4,
            schedule: { ...schedule, start: T0 + 30, bands: [{ metric: "cpu", lower: [], upper: [] }] },
        });
        assert.deepEqual(spec.groups[0].rules, [
            {
                record: "sysmanage:scheduled_floor:replicas",
                expr: "vector(0) # after 2025-12-05T07:00:30.000Z or between runs: minReplicas holds",
                labels: { namespace: "ns", workload: "w" },
            },
        ]);
    });
    test("the lower band's rule carries the lower values (10, 30, 20, 10), the upper's the upper ones", () => {
        const [, upper, lower] = scheduleRuleSpec({ namespace: "ns", workload: "w", minReplicas: 1, schedule }).groups[0].rules;
        const runs = (expr: string) => expr.split("\n").map((t) => /^(?:or )?vector\(([\d.]+)\)/.exec(t)![1]);
        assert.deepEqual(runs(upper.expr), ["20", "61.2", "40", "20"]);
        assert.deepEqual(runs(lower.expr), ["10", "30", "20", "10"]);
        assert.equal(
            piecewiseExpr(T0, 60, [1, 1, 2]),
            [
                "vector(1) and on() (vector(time()) >= 1764892800 < 1764892920) # 2025-12-05T00:00Z .. 2025-12-05T00:02Z",
                "or vector(2) and on() (vector(time()) >= 1764892920 < 1764892980) # 2025-12-05T00:02Z .. 2025-12-05T00:03Z",
            ].join("\n"),
        );
    });
});
