/**
 * Issue 19, finding 2: the Postgres memory model (policies/contract/postgresMemory.ts), the
 * work_mem the program sizes with it, and the refusal when nothing fits. Numbers worked by hand
 * in MiB; the model is measured against a real server in
 * test/integration/data/postgresMemory.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../config/errors";
import { parseConfig } from "../../../config/parse";
import { dataTierPlan } from "../../../plan/dataTier";
import { planStack } from "../../../plan/stack";
import { pgMemoryBytes, postgresMemoryModel, postgresMemoryProblem } from "../../../policies/contract/postgresMemory";

const MiB = 2 ** 20;
const prod = (over: Record<string, unknown> = {}) =>
    parseConfig({ ...over, postgres: { backup: { destinationPath: "s3://b/p" }, ...(over.postgres as object) } }, "prod");
const inMiB = (m: Record<string, number>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, Math.round(m[k] / MiB)]));

describe("Postgres memory model", () => {
    it("parameter units: kB/MB/GB, bare numbers in the parameter's unit; anything else is NaN", () => {
        assert.equal(pgMemoryBytes("64kB", 1024), 64 * 1024);
        assert.equal(pgMemoryBytes("2GB", 1024), 2048 * MiB);
        assert.equal(pgMemoryBytes("4096", 1024), 4 * MiB); // work_mem: kB
        assert.equal(pgMemoryBytes("16384", 8192), 128 * MiB); // shared_buffers: 8kB blocks
        assert.ok(Number.isNaN(pgMemoryBytes("4 MiB", 1024)));
        assert.ok(Number.isNaN(pgMemoryBytes("-1", 1024)));
    });

    it("prod's main cluster: 38 active backends (3 pooler pods × 6 + 20 direct), work_mem 21MB, 6733 MiB of 7373", () => {
        const main = dataTierPlan(prod()).postgres!.main;
        assert.deepEqual(main.memoryModel, { activeBackends: 38, nodesPerQuery: 2 });
        assert.equal(main.parameters.work_mem, "21MB");
        // 2064 + 604 + (38 + 2) × 2 × 21 × 2 = 3360 + 38 × 8 = 304 + 409 + 3 × 163 = 489 + 128 = 7358.
        assert.deepEqual(
            inMiB(main.memoryUse as never, ["budget", "shared", "connections", "queries", "maintenance", "autovacuum", "worstCase"]),
            {
                budget: 7373,
                shared: 2064,
                connections: 604,
                queries: 3664,
                maintenance: 409,
                autovacuum: 489,
                worstCase: 7358,
            },
        );
    });

    it("prod's analytics replica: 56 active (2 pods × 18 + 20), 4 nodes per query, work_mem 15MB", () => {
        const a = dataTierPlan(prod()).postgres!.analytics!;
        assert.deepEqual(a.memoryModel, { activeBackends: 56, nodesPerQuery: 4 });
        // 14745.6 − (4112 + (300 + 4) × 2 + 56 × 8 + 819 + 3 × 327 + 128 = 7096) = 7649.6 over 60 × 4 × 2 = 480: 15.9.
        assert.equal(a.parameters.work_mem, "15MB");
        assert.equal(Math.round(a.memoryUse.worstCase / MiB), 14296); // 7096 + 480 × 15
    });

    it("prod's settings before issue 19 could be OOM-killed: 267 pooled + 20 direct backends at work_mem 6MB, autovacuum at maintenance_work_mem", () => {
        const before = {
            max_connections: "300",
            shared_buffers: "2048MB",
            wal_buffers: "16MB",
            work_mem: "6MB",
            maintenance_work_mem: "409MB",
            max_parallel_workers: "2",
        };
        const input = { memoryLimit: "8Gi", parameters: before, activeBackends: 287, nodesPerQuery: 2 };
        // 2064 + 604 + 289 × 2 × 6 × 2 = 6936 + 287 × 8 = 2296 + 409 + 3 × 409 + 128 = 13664 MiB.
        assert.equal(Math.round(postgresMemoryModel(input).worstCase / MiB), 13664);
        assert.match(postgresMemoryProblem(input) ?? "", /= 13664 MiB > 7373 MiB \(the limit less 10 % headroom\)$/);
    });

    it("the config is refused, naming the stack file and keys, when even work_mem 4MB does not fit", () => {
        assert.throws(
            () => planStack(prod({ postgres: { memory: "2Gi", backup: { destinationPath: "s3://b/p" } } }), "prod"),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.problems.length === 1 &&
                // 528 + 604 + (38 + 2) × 2 × 4 × 2 = 640 + 304 + 102 + 3 × 40 + 128 = 2426 > 1843.
                e.problems[0].startsWith(
                    "Pulumi.prod.yaml: postgres.memory (2Gi) cannot hold the worst case of postgres.maxConnections (300) even at work_mem 4MB: shared_buffers + wal_buffers 528 MiB",
                ) &&
                e.problems[0].includes(
                    "= 2426 MiB > 1843 MiB (2Gi less 10 % headroom); raise postgres.memory, or lower postgres.maxConnections",
                ),
        );
        assert.throws(
            () => planStack(prod({ postgres: { analytics: { memory: "4Gi" }, backup: { destinationPath: "s3://b/p" } } }), "prod"),
            (e: unknown) =>
                e instanceof ConfigError && e.problems[0].startsWith("Pulumi.prod.yaml: postgres.analytics.memory (4Gi) cannot hold"),
        );
    });

    it("more nodes per query or more direct connections leave less work_mem; never above the OLTP cap of 64MB", () => {
        const wm = (over: Record<string, unknown>) => dataTierPlan(prod(over)).postgres!.main.parameters.work_mem;
        // 3 nodes: 3374.8 ÷ (40 × 3 × 2 = 240) = 14.06; 40 direct: (7372.8 − 3998 − 160) ÷ (60 × 4) = 13.39.
        assert.deepEqual([wm({ postgres: { queryMemoryNodes: 3 } }), wm({ postgres: { headroomConnections: 40 } })], ["14MB", "13MB"]);
        assert.equal(wm({ postgres: { memory: "64Gi", backup: { destinationPath: "s3://b/p" } } }), "64MB");
    });
});
