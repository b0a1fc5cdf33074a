import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { deployedFloorSchedules, stackOutputs } from "../../../plan/outputs";
import { planStack } from "../../../plan/stack";
import { stackCost } from "../../../plan/cost";

const site = { environment: "dev", namespace: "sysmanage-dev", hostname: "api.dev.example.com" };

describe("stackOutputs", () => {
    test("the autoscaled bounds by Deployment, the charts, the data tier's counts and budgets; no forecast", () => {
        const c = parseConfig(
            { environment: "dev", workers: { agent: { enabled: false }, report: { enabled: false }, cleanup: { enabled: false } } },
            "dev",
        );
        const plan = planStack(c, "dev");
        const out = stackOutputs(
            plan,
            site,
            { "cloudnative-pg": "0.1.0" },
            undefined,
            stackCost({ stack: "dev", configured: c, final: c }),
        );
        assert.deepEqual(out.autoscaling, {
            "sysmanage-api": { minReplicas: c.api.minReplicas, maxReplicas: c.api.maxReplicas },
            "sysmanage-worker-queue": { minReplicas: c.workers.queue.minReplicas, maxReplicas: c.workers.queue.maxReplicas },
        });
        assert.deepEqual(out.charts, { "cloudnative-pg": "0.1.0" });
        assert.equal(out.forecast, null);
        assert.deepEqual({ environment: out.environment, namespace: out.namespace, hostname: out.hostname }, site);
        const pg = plan.data.postgres!;
        assert.deepEqual(
            { ...out.dataTier.postgres, memoryMiB: undefined },
            {
                instances: 1 + c.postgres.replicas,
                analyticsReplica: c.postgres.analytics.enabled,
                poolers: Object.fromEntries(pg.poolers.map((p) => [p.name, p.instances])),
                budgets: pg.budgets.map((b) => ({ target: b.target, available: b.available, used: b.used })),
                memoryMiB: undefined,
            },
        );
        assert.deepEqual(
            { ...out.dataTier.redis, memoryMiB: undefined },
            { masters: c.redis.masters, replicasPerMaster: c.redis.replicasPerMaster, memoryMiB: undefined },
        );
    });

    test("Redis memory per node at its worst, worked by hand: 512Mi, ratio 0.5, fork copy 0.5, one replica", () => {
        const c = parseConfig(
            { environment: "dev", redis: { memory: "512Mi", maxmemoryRatio: 0.5, forkCopyFraction: 0.5, replicasPerMaster: 1 } },
            "dev",
        );
        // maxmemory 256; fragmentation 10 % = 25.6; fork copy 50 % = 128; backlog limit/32 = 16;
        // one replica's output buffer limit/16 = 32; process 16: 256 + 25.6 + 128 + 16 + 32 + 16 = 473.6.
        assert.deepEqual(
            stackOutputs(planStack(c, "dev"), site, {}, undefined, stackCost({ stack: "dev", configured: c, final: c })).dataTier.redis
                ?.memoryMiB,
            {
                limit: 512,
                maxmemory: 256,
                fragmentation: 26,
                forkCopy: 128,
                backlog: 16,
                replicaBuffers: 32,
                process: 16,
                worstCase: 474,
            },
        );
    });

    test("the session store's memory per node, worked by hand: 256Mi, ratio 0.5, fork copy 0.5, one replica", () => {
        const c = parseConfig(
            {
                environment: "dev",
                redis: { maxmemoryRatio: 0.5, forkCopyFraction: 0.5, replicasPerMaster: 1, sessions: { memory: "256Mi" } },
            },
            "dev",
        );
        // maxmemory 128; fragmentation 12.8; fork copy 64; backlog 256/32 = 8; one replica's buffer
        // 256/16 = 16; process 16: 128 + 12.8 + 64 + 8 + 16 + 16 = 244.8.
        const out = stackOutputs(planStack(c, "dev"), site, {}, undefined, stackCost({ stack: "dev", configured: c, final: c })).dataTier
            .sessions;
        assert.deepEqual(out, {
            masters: 3,
            replicasPerMaster: 1,
            memoryMiB: {
                limit: 256,
                maxmemory: 128,
                fragmentation: 13,
                forkCopy: 64,
                backlog: 8,
                replicaBuffers: 16,
                process: 16,
                worstCase: 245,
            },
        });
    });

    test("Postgres memory per instance at its worst, worked by hand: 4Gi, 1 CPU, 100 connections, 10 direct", () => {
        const c = parseConfig(
            {
                environment: "dev",
                postgres: {
                    memory: "4Gi",
                    cpu: "1",
                    maxConnections: 100,
                    replicas: 1,
                    headroomConnections: 10,
                    analytics: { enabled: false },
                },
            },
            "dev",
        );
        // 1 CPU: (1 × 4) + 1 = 5 active backends shared by 3 pods → 2 + 2 reserve each, 12 per instance; + 10 direct = 22.
        // shared 1024 + 16; connections (100 + 1 parallel worker) × 2 = 202; executor state 22 × 8 = 176;
        // maintenance 5 % = 204; autovacuum 3 × 81; processes 128: 1993 of 4096 × 0.9 = 3686.4 leaves
        // 1693.4 for (22 + 1) × 2 nodes × 2 = 92 work_mem's: 18MB → queries 92 × 18 + 176 = 1832.
        assert.deepEqual(
            stackOutputs(planStack(c, "dev"), site, {}, undefined, stackCost({ stack: "dev", configured: c, final: c })).dataTier.postgres
                ?.memoryMiB,
            {
                "sysmanage-pg": {
                    limit: 4096,
                    budget: 3686,
                    shared: 1040,
                    connections: 202,
                    queries: 1832,
                    maintenance: 204,
                    autovacuum: 243,
                    process: 128,
                    worstCase: 3649,
                },
            },
        );
    });

    test("the deployed schedules read back: only what has a schedule's shape", () => {
        const ok = { start: 1_764_892_800, stepSeconds: 900, floors: [3, 5, 3], bands: [] };
        assert.deepEqual(deployedFloorSchedules(undefined), {});
        assert.deepEqual(deployedFloorSchedules({ schedules: "x" }), {});
        assert.deepEqual(
            deployedFloorSchedules({
                schedules: {
                    api: ok,
                    "worker-queue": { ...ok, floors: [] },
                    "worker-agent": { ...ok, floors: [2.5] },
                    "worker-report": { ...ok, stepSeconds: 0 },
                    "worker-cleanup": null,
                },
            }),
            { api: ok },
        );
    });

    test("the cost output: plain numbers per tier and the reserved totals, without the per-workload floors", () => {
        const c = parseConfig({ environment: "dev", postgres: { enabled: false }, redis: { enabled: false } }, "dev");
        const cost = stackCost({ stack: "dev", configured: c, final: c });
        const out = stackOutputs(planStack(c, "dev"), site, {}, undefined, cost).cost;
        assert.deepEqual(Object.keys(out), ["currency", "hoursPerMonth", "tiers", "total", "reserved"]);
        assert.deepEqual(Object.keys(out.reserved), ["coverage", "vcpu", "gib", "monthly", "saving"]);
        assert.deepEqual([out.currency, out.tiers, out.total], [cost.currency, cost.tiers, cost.total]);
        // No data tier: its tiers cost nothing.
        assert.deepEqual(
            [out.tiers.postgres, out.tiers.poolers, out.tiers.redis],
            [0, 0, 0].map(() => ({ now: 0, proposed: 0 })),
        );
    });

    test("a stack without a data tier exports nulls (the next preview reads dataTier.redis back)", () => {
        const c = parseConfig({ environment: "dev", postgres: { enabled: false }, redis: { enabled: false } }, "dev");
        assert.deepEqual(
            stackOutputs(planStack(c, "dev"), site, {}, undefined, stackCost({ stack: "dev", configured: c, final: c })).dataTier,
            { postgres: null, redis: null, sessions: null },
        );
    });
});
