/**
 * pg-memory-bounded and redis-memory-bounded (issue 19, findings 1 and 2) on the compliant
 * fixture (test/support/policy.ts): a Cluster of 3Gi with 200 connections and two poolers of 2
 * pods × 15 server connections, a RedisCluster of 1Gi with maxmemory 400mb. Every expected
 * number is worked by hand in MiB.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as r from "../../../policies/rules";
import { replicaOutputHardLimit } from "../../../policies/rules/redisMemoryBounded";
import { fixture, messages, mutated, type Fixture } from "../../support/policy";

const PG = "Cluster app/pg";
const R = "RedisCluster app/redis";

const params = (change: (p: Record<string, string>) => void, base?: Fixture[]) =>
    mutated("pg-cluster", (i) => change(i.spec.postgresql.parameters), base);
const annotations = (a: Record<string, string> | undefined) => mutated("pg-cluster", (i) => (i.metadata.annotations = a));

describe("pg-memory-bounded", () => {
    it("work_mem 16MB: 784 + (200 + 2) × 2 + (40 + 2) × 2 × 16 × 2 + 40 × 8 + 128 + 3 × 64 + 128 = 4644 MiB > 2765", async () => {
        assert.deepEqual(
            await messages(
                r.pgMemoryBounded,
                params((p) => (p.work_mem = "16MB")),
            ),
            [
                `${PG}: each instance can use more memory than its limit 3Gi allows: shared_buffers + wal_buffers 784 MiB + (200 connections + 2 parallel workers) × 2 MiB + (40 active backends + 2 parallel workers) × 2 nodes × work_mem 16 MiB × hash_mem_multiplier 2 + 40 × 8 MiB executor state + maintenance_work_mem 128 MiB + autovacuum 3 × 64 MiB + processes 128 MiB = 4644 MiB > 2765 MiB (the limit less 10 %); lower work_mem to 4MB or less, lower max_connections or the poolers' server connections, or raise the memory limit.`,
            ],
        );
    });

    it("bare numbers are in the parameter's unit: work_mem 16384 (kB) and shared_buffers 98304 (8kB blocks) read as 16MB and 768MB", async () => {
        const f = params((p) => Object.assign(p, { work_mem: "16384", shared_buffers: "98304" }));
        assert.match((await messages(r.pgMemoryBounded, f))[0] ?? "", /wal_buffers 784 MiB .* work_mem 16 MiB .* = 4644 MiB > 2765 MiB/);
    });

    it("the active-backends annotation must cover the poolers (2 pods × 15 = 30); the model counts at least them", async () => {
        assert.deepEqual(await messages(r.pgMemoryBounded, annotations({ "sysmanage.io/active-backends": "20" })), [
            `${PG}: annotation sysmanage.io/active-backends is 20, below the 30 server connections its poolers may open to one instance; the memory model must count them all.`,
        ]);
    });

    it("without the annotations every connection but the superuser reserve (197) may run a query; nodes from the config", async () => {
        // 784 + 404 + 199 × 2 × 4 × 2 + 197 × 8 + 128 + 192 + 128 = 6396; no work_mem fits.
        assert.deepEqual(await messages(r.pgMemoryBounded, annotations(undefined)), [
            `${PG}: each instance can use more memory than its limit 3Gi allows (without a sysmanage.io/active-backends annotation every connection but the superuser reserve may run a query): shared_buffers + wal_buffers 784 MiB + (200 connections + 2 parallel workers) × 2 MiB + (197 active backends + 2 parallel workers) × 2 nodes × work_mem 4 MiB × hash_mem_multiplier 2 + 197 × 8 MiB executor state + maintenance_work_mem 128 MiB + autovacuum 3 × 64 MiB + processes 128 MiB = 6396 MiB > 2765 MiB (the limit less 10 %); lower max_connections or the poolers' server connections, or raise the memory limit.`,
        ]);
        // With 4 nodes per query the fixture's own annotations no longer fit: 784 + 404 + 42 × 4 × 4 × 2 + 320 + 448 = 3300.
        const four = annotations({ "sysmanage.io/active-backends": "40", "sysmanage.io/query-memory-nodes": "4" });
        assert.match((await messages(r.pgMemoryBounded, four))[0] ?? "", /× 4 nodes × .* = 3300 MiB > 2765 MiB/);
    });

    it("malformed annotations and parameters are named; no memory limit is reported", async () => {
        assert.deepEqual(
            await messages(
                r.pgMemoryBounded,
                annotations({ "sysmanage.io/active-backends": "40", "sysmanage.io/query-memory-nodes": "many" }),
            ),
            [`${PG}: annotation sysmanage.io/query-memory-nodes is "many"; it must be a whole number >= 1.`],
        );
        assert.deepEqual(
            await messages(
                r.pgMemoryBounded,
                params((p) => (p.work_mem = "lots")),
            ),
            [
                `${PG}: spec.postgresql.parameters: cannot read work_mem "lots" as a size or count; write sizes like 512MB and counts as whole numbers.`,
            ],
        );
        assert.deepEqual(
            await messages(
                r.pgMemoryBounded,
                mutated("pg-cluster", (i) => delete i.spec.resources.limits),
            ),
            [`${PG}: has no memory limit; set spec.resources.limits.memory (equal to the request) so its worst case can be checked.`],
        );
    });

    it("poolers count only for the Cluster of their namespace: a namesake Cluster elsewhere is checked on its own", async () => {
        const base = fixture();
        const pg = base.find((x) => x.name === "pg-cluster")!;
        const other: Fixture = structuredClone({ ...pg, name: "pg-cluster-other" });
        other.inputs.metadata = { ...other.inputs.metadata, namespace: "other", annotations: { "sysmanage.io/active-backends": "10" } };
        other.inputs.spec.postgresql.parameters.work_mem = "20MB";
        // other/pg: no poolers there, 10 active: 784 + 404 + 12 × 2 × 20 × 2 + 80 + 448 = 2676 ≤ 2765; app/pg unchanged.
        assert.deepEqual(await messages(r.pgMemoryBounded, [...base, other]), []);
        other.inputs.spec.postgresql.parameters.work_mem = "24MB";
        // 784 + 404 + 12 × 96 + 80 + 448 = 2868 > 2765.
        assert.match((await messages(r.pgMemoryBounded, [...base, other]))[0] ?? "", /^Cluster other\/pg: .* = 2868 MiB > 2765 MiB/);
    });
});

describe("redis-memory-bounded", () => {
    const conf = (text: string) => mutated("redis-config", (i) => (i.data["redis-additional.conf"] = text));
    it("maxmemory 600mb: 600 × 1.7 + 32 + 64 + 16 = 1132 MiB > 1024; at most (1024 − 112) ÷ 1.7 = 536mb", async () => {
        const text = "maxmemory 600mb\nrepl-backlog-size 32mb\nclient-output-buffer-limit replica 64mb 32mb 60\n";
        assert.deepEqual(await messages(r.redisMemoryBounded, conf(text)), [
            `${R}: a node can use more memory than its limit 1Gi at its worst moment (a fork during writes): maxmemory 600 MiB + fragmentation 60 MiB + fork copy-on-write 360 MiB (forkCopyPercent 60) + replication backlog 32 MiB + replica output buffers 1 × 64 MiB + process 16 MiB = 1132 MiB > 1024 MiB; lower maxmemory to 536mb or less, or raise the memory limit.`,
        ]);
        assert.deepEqual(await messages(r.redisMemoryBounded, conf(text), { forkCopyPercent: 40 }), []); // 600 × 1.5 + 112 = 1012
    });
    it("Redis's defaults when the directives are absent: a 1mb backlog and a 256mb replica hard limit", async () => {
        // 400 × 1.7 + 1 + 256 + 16 = 953 fits; 450 × 1.7 + 273 = 1038 does not.
        assert.deepEqual(await messages(r.redisMemoryBounded, conf("maxmemory 400mb\n")), []);
        assert.match(
            (await messages(r.redisMemoryBounded, conf("maxmemory 450mb\n")))[0] ?? "",
            /backlog 1 MiB .* 1 × 256 MiB .* = 1038 MiB > 1024 MiB/,
        );
    });
    it("the replica class's hard limit, by either name and in any unit", () => {
        assert.equal(replicaOutputHardLimit("normal 0 0 0 slave 134217728 67108864 60 pubsub 33554432 8388608 60"), 128 * 2 ** 20);
        assert.equal(replicaOutputHardLimit("replica 1gb 64mb 60"), 2 ** 30);
        assert.equal(replicaOutputHardLimit("pubsub 32mb 8mb 60"), 256 * 2 ** 20);
        assert.equal(replicaOutputHardLimit(undefined), 256 * 2 ** 20);
    });
    it("two replicas per master hold two output buffers: 400 × 1.7 + 32 + 2 × 64 + 16 = 856 fits, at 500mb 1026 does not", async () => {
        const text = (mm: string) => `maxmemory ${mm}\nrepl-backlog-size 32mb\nclient-output-buffer-limit replica 64mb 32mb 60\n`;
        const two = (mm: string) =>
            mutated("redis-cluster", (i) => (i.spec.redisFollower = { ...i.spec.redisFollower, replicas: 6 }), conf(text(mm)));
        assert.deepEqual(await messages(r.redisMemoryBounded, two("400mb")), []);
        assert.match((await messages(r.redisMemoryBounded, two("500mb")))[0] ?? "", /2 × 64 MiB .* = 1026 MiB > 1024 MiB/);
    });
});
