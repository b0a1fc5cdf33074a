/** The alerts' inputs from the plan (plan/alerts.ts): every number an alert compares with, worked out from the stack file. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { parseConfig } from "../../../config/parse";
import { alertInputs, alertsPlan, pgDurationSeconds } from "../../../plan/alerts";
import { planStack } from "../../../plan/stack";
import { runbookAnchor } from "../../../lib/alerts";

const prod = (over: Record<string, unknown> = {}) =>
    parseConfig({ ...over, postgres: { backup: { destinationPath: "s3://b/p" }, ...(over.postgres as object) } }, "prod");

describe("alert inputs", () => {
    test("a spot pool's queue is sized for its burst's 18 and its on-demand floor's 2: still 10 × 20", () => {
        const i = alertInputs(planStack(prod({ workers: { report: { capacity: "spot" } } }), "prod"));
        assert.deepEqual(
            i.queues.find((q) => q.queue === "report"),
            { deployment: "sysmanage-worker-report", queue: "report", maxQueueLength: 200 },
        );
        assert.deepEqual(
            i.workloads.find((w) => w.name === "sysmanage-worker-report"),
            { name: "sysmanage-worker-report", maxReplicas: 18 },
        );
    });

    test("Postgres durations in seconds", () => {
        assert.deepEqual(["30s", "1h", "10min", "250ms", "2d", "5"].map(pgDurationSeconds), [30, 3600, 600, 0.25, 172800, 0.005]);
        assert.ok(Number.isNaN(pgDurationSeconds("soon")));
    });

    test("prod's defaults: HPAs and their maxReplicas, the API's 500m target, queues of 10 per pod × 20 pods, clusters, poolers, the cache and the session store", () => {
        const i = alertInputs(planStack(prod(), "prod"));
        assert.deepEqual(i.workloads, [
            { name: "sysmanage-api", maxReplicas: 50 }, // the seed's 50
            { name: "sysmanage-worker-queue", maxReplicas: 20 },
            { name: "sysmanage-worker-agent", maxReplicas: 20 },
            { name: "sysmanage-worker-report", maxReplicas: 20 },
            { name: "sysmanage-worker-cleanup", maxReplicas: 20 },
        ]);
        assert.deepEqual(i.api, { deployment: "sysmanage-api", p95Seconds: 0.5 });
        assert.deepEqual(
            i.queues.map((q) => [q.queue, q.maxQueueLength]),
            [
                ["queue", 200],
                ["agent", 200],
                ["report", 200],
                ["cleanup", 200],
            ],
        );
        // The main cluster's readers accept its max_standby_streaming_delay (30s); the analytics
        // replica cluster has no replicas of its own.
        assert.deepEqual(i.postgres, [
            { name: "sysmanage-pg", replicas: 3, maxLagSeconds: 30 },
            { name: "sysmanage-pg-analytics", replicas: 0, maxLagSeconds: 3600 },
        ]);
        assert.deepEqual(i.poolers, [
            { name: "sysmanage-pg-pooler-rw", maxDbConnections: 6 },
            { name: "sysmanage-pg-pooler-ro", maxDbConnections: 6 },
            { name: "sysmanage-pg-analytics-pooler-ro", maxDbConnections: 18 },
        ]);
        assert.deepEqual(i.redis, [
            { name: "sysmanage-redis", replicasPerMaster: 1, memoryHigh: 0.8 },
            { name: "sysmanage-redis-sessions", replicasPerMaster: 1, memoryHigh: 0.8 },
        ]);
    });

    test("what is off has no alerts: no data tier, no worker pools, metrics.alertRules false", () => {
        const bare = prod({ postgres: { enabled: false }, redis: { enabled: false } });
        const i = alertInputs(planStack(bare, "prod"));
        assert.deepEqual([i.postgres, i.poolers, i.redis], [[], [], []]);
        assert.equal(alertsPlan(prod({ metrics: { alertRules: false } }), planStack(prod(), "prod")), undefined);
    });

    test("every alert links to its runbook section, and docs/runbooks.md has one for each (and its table row)", () => {
        // With the API's floor scheduled (its band compared with the export's query) and a pool at 0
        // (KEDA's trigger errors): every alert there is.
        const cfg = prod({
            metrics: { runbookBaseUrl: "https://example.com/rb.md" },
            workers: { report: { minReplicas: 0, scaleToZero: true } },
            forecast: { series: { api: { requests: { file: "api.csv", query: "sum(rate(http_requests_total[5m]))" } } } },
        });
        const schedule = { start: 0, stepSeconds: 3600, floors: [5], bands: [{ metric: "requests", lower: [10], upper: [20] }] };
        const spec = alertsPlan(cfg, planStack(cfg, "prod", { schedules: { api: schedule } }))!;
        const rules = spec.groups.flatMap((g) => g.rules);
        const doc = fs.readFileSync("docs/runbooks.md", "utf8");
        const names = [...new Set(rules.map((r) => r.alert!))];
        assert.equal(names.length, 20);
        for (const r of rules) {
            assert.equal(r.annotations?.runbook_url, `https://example.com/rb.md#${r.alert!.toLowerCase()}`);
            assert.match(String(r.labels?.severity), /^(critical|warning)$/);
            assert.match(String(r.for), /^[0-9]+[mh]$/);
        }
        for (const n of names) {
            assert.ok(doc.includes(`\n## ${n}\n`), `runbook section ${n}`);
            assert.ok(doc.includes(`| [${n}](#${runbookAnchor(n)}) `), `table row ${n}`);
        }
        const sections = [...doc.matchAll(/^## (Sysmanage\w+)$/gm)].map((m) => m[1]);
        assert.deepEqual(sections.sort(), names.sort(), "no runbook without an alert");
    });
});
