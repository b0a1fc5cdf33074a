/**
 * postgresParameters() written out by hand (issue 20): every parameter of prod's main cluster and
 * analytics replica and of dev's main cluster, the WAL sizes of small volumes, the work_mem caps,
 * and every refusal. The memory model's sums are worked in MiB from docs/data-tier.md ("Postgres
 * memory"), whose table gives the same work_mem and worst cases (prod 21MB, 7358 of 7373 MiB;
 * prod analytics 15MB, 14296 of 14746; dev 8MB, 1792 of 1843).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
    postgresParameters,
    PostgresMemoryError,
    walVolumeProblem,
    WalVolumeError,
    type PostgresSizing,
} from "../../../lib/data/postgresParams";
import { PROD_SIZING } from "../../support/postgresSizing";

/** The parameters that do not depend on the sizing. */
const FIXED = {
    hash_mem_multiplier: "2.0",
    autovacuum_max_workers: "3",
    wal_buffers: "16MB",
    checkpoint_timeout: "15min",
    checkpoint_completion_target: "0.9",
    wal_compression: "on",
    random_page_cost: "1.1",
    effective_io_concurrency: "200",
    password_encryption: "scram-sha-256",
    log_checkpoints: "on",
    log_lock_waits: "on",
    statement_timeout: "0",
    idle_in_transaction_session_timeout: "0",
};
const OLTP_STANDBY = {
    log_min_duration_statement: "500ms",
    max_standby_streaming_delay: "30s",
    max_standby_archive_delay: "30s",
    hot_standby_feedback: "on",
};
const ANALYTICS_STANDBY = {
    log_min_duration_statement: "30s",
    max_standby_streaming_delay: "1h",
    max_standby_archive_delay: "1h",
    hot_standby_feedback: "off",
};

/** dev's main cluster: 2Gi, half a CPU, 100 connections, 17 active backends, a 2Gi WAL volume keeping 512MB. */
const DEV: PostgresSizing = {
    ...PROD_SIZING,
    memory: "2Gi",
    cpu: "500m",
    maxConnections: 100,
    walKeepSize: "512MB",
    walStorageSize: "2Gi",
    activeBackends: 17,
};
/** prod's analytics replica: 16Gi, 4 CPUs, 56 active backends with 4 nodes each; its primary runs 12 worker processes. */
const ANALYTICS: PostgresSizing = {
    ...PROD_SIZING,
    memory: "16Gi",
    cpu: "4",
    profile: "analytics",
    activeBackends: 56,
    nodesPerQuery: 4,
    minWorkerProcesses: 12,
    configKey: "postgres.analytics",
};

describe("postgresParameters: every parameter, worked by hand", () => {
    it("prod's main cluster (8Gi, 2 CPUs, 300 connections, 20Gi WAL volume)", () => {
        // Memory (MiB): 2048 + 16 shared + (300 + 2) x 2 + 38 x 8 + 409 + 3 x 163 + 128 = 3998 fixed;
        // (7372.8 - 3998) / ((38 + 2) x 2 x 2.0) = 21.09 -> 21MB. WAL: min(4096, 0.4 x 20480) = 4096;
        // slots 20480 x 0.9 - 4096 = 14336 (896 segments); min_wal_size min(1024, 4096 / 4).
        assert.deepEqual(postgresParameters(PROD_SIZING), {
            ...FIXED,
            ...OLTP_STANDBY,
            max_connections: "300",
            shared_buffers: "2048MB",
            effective_cache_size: "6144MB",
            work_mem: "21MB",
            maintenance_work_mem: "409MB", // 5 % of 8192 = 409.6
            autovacuum_work_mem: "163MB", // 2 % = 163.84
            min_wal_size: "1024MB",
            max_wal_size: "4096MB",
            wal_keep_size: "8GB",
            max_slot_wal_keep_size: "14336MB",
            max_worker_processes: "8",
            max_parallel_workers: "2",
            max_parallel_workers_per_gather: "1",
        });
    });
    it("prod's analytics replica (16Gi, 4 CPUs, 4 nodes a query, its primary's 12 workers)", () => {
        // (MiB) 4096 + 16 + (300 + 4) x 2 + 56 x 8 + 819 + 3 x 327 + 128 = 7096; (14745.6 - 7096) / (60 x 4 x 2) = 15.94.
        assert.deepEqual(postgresParameters(ANALYTICS), {
            ...FIXED,
            ...ANALYTICS_STANDBY,
            max_connections: "300",
            shared_buffers: "4096MB",
            effective_cache_size: "12288MB",
            work_mem: "15MB",
            maintenance_work_mem: "819MB", // 819.2
            autovacuum_work_mem: "327MB", // 327.68
            min_wal_size: "1024MB",
            max_wal_size: "4096MB",
            wal_keep_size: "8GB",
            max_slot_wal_keep_size: "14336MB",
            max_worker_processes: "12",
            max_parallel_workers: "4",
            max_parallel_workers_per_gather: "2",
        });
    });
    it("dev's main cluster (2Gi, 500m CPU counted as 1, 2Gi WAL volume)", () => {
        // (MiB) 512 + 16 + (100 + 1) x 2 + 17 x 8 + 102 + 3 x 40 + 128 = 1216; (1843.2 - 1216) / (18 x 2 x 2) = 8.71.
        // WAL: floor(0.4 x 2048) = 819; min_wal_size floor(819 / 4) = 204; slots floor((1843.2 - 819) / 16) x 16 = 1024.
        assert.deepEqual(postgresParameters(DEV), {
            ...FIXED,
            ...OLTP_STANDBY,
            max_connections: "100",
            shared_buffers: "512MB",
            effective_cache_size: "1536MB",
            work_mem: "8MB",
            maintenance_work_mem: "102MB", // 102.4
            autovacuum_work_mem: "40MB", // 40.96
            min_wal_size: "204MB",
            max_wal_size: "819MB",
            wal_keep_size: "512MB",
            max_slot_wal_keep_size: "1024MB",
            max_worker_processes: "8",
            max_parallel_workers: "1",
            max_parallel_workers_per_gather: "1",
        });
    });
});

describe("postgresParameters: bounds and caps", () => {
    const pick = (s: PostgresSizing, ...keys: string[]) => {
        const p = postgresParameters(s);
        return Object.fromEntries(keys.map((k) => [k, p[k]]));
    };
    it("small WAL volumes: max_wal_size 40 % of the volume, min_wal_size at least two segments; 64MB is the least", () => {
        // 250Mi: max floor(100) = 100, min max(32, floor(25)) = 32, slots floor((225 - 100) / 16) x 16 = 112.
        assert.deepEqual(
            pick({ ...DEV, walStorageSize: "250Mi", walKeepSize: "64MB" }, "max_wal_size", "min_wal_size", "max_slot_wal_keep_size"),
            {
                max_wal_size: "100MB",
                min_wal_size: "32MB",
                max_slot_wal_keep_size: "112MB",
            },
        );
        // 160Mi: 0.4 x 160 = 64 exactly; slots (144 - 64) = 80.
        assert.deepEqual(
            pick({ ...DEV, walStorageSize: "160Mi", walKeepSize: "16MB" }, "max_wal_size", "min_wal_size", "max_slot_wal_keep_size"),
            {
                max_wal_size: "64MB",
                min_wal_size: "32MB",
                max_slot_wal_keep_size: "80MB",
            },
        );
        assert.throws(() => postgresParameters({ ...DEV, walStorageSize: "159Mi", walKeepSize: "16MB" }), {
            name: "Error",
            message: "WAL volume 159Mi gives max_wal_size 63MB, below the 64MB minimum; raise postgres.walStorageSize",
        });
        assert.throws(() => postgresParameters({ ...DEV, walStorageSize: "159Mi", walKeepSize: "16MB" }), WalVolumeError);
    });
    it("work_mem is capped at 64MB for OLTP and 1GB for analytics; maintenance_work_mem at 2GB", () => {
        // 64Gi, 1 CPU, one active backend with one node: (58982.4 - 22716) / ((1 + 1) x 1 x 2) = 9066 MiB would fit.
        const big: PostgresSizing = { ...DEV, memory: "64Gi", cpu: "1", activeBackends: 1, nodesPerQuery: 1 };
        const keys = ["work_mem", "maintenance_work_mem", "autovacuum_work_mem", "shared_buffers"];
        assert.deepEqual(pick(big, ...keys), {
            work_mem: "64MB",
            maintenance_work_mem: "2048MB",
            autovacuum_work_mem: "1310MB",
            shared_buffers: "16384MB",
        });
        assert.deepEqual(pick({ ...big, profile: "analytics" }, ...keys), {
            work_mem: "1024MB",
            maintenance_work_mem: "2048MB",
            autovacuum_work_mem: "1310MB",
            shared_buffers: "16384MB",
        });
    });
    it("a 512Mi instance: maintenance_work_mem at least 64MB, autovacuum_work_mem at least 16MB", () => {
        // 5 % = 25.6MB, 2 % = 10.24MB. (MiB) 128 + 16 + (10 + 1) x 2 + 8 + 64 + 3 x 16 + 128 = 414; (460.8 - 414) / (2 x 1 x 2) = 11.7.
        const small: PostgresSizing = { ...DEV, memory: "512Mi", cpu: "1", maxConnections: 10, activeBackends: 1, nodesPerQuery: 1 };
        assert.deepEqual(pick(small, "shared_buffers", "effective_cache_size", "maintenance_work_mem", "autovacuum_work_mem", "work_mem"), {
            shared_buffers: "128MB",
            effective_cache_size: "384MB",
            maintenance_work_mem: "64MB",
            autovacuum_work_mem: "16MB",
            work_mem: "11MB",
        });
    });
    it("work_mem 4MB is the least: dev fits it with 31 active backends, not with 32", () => {
        // 31: (1843.2 - (1216 + 14 x 8)) / ((31 + 1) x 4) = 515.2 / 128 = 4.03; 32: 507.2 / 132 = 3.84.
        assert.equal(postgresParameters({ ...DEV, activeBackends: 31 }).work_mem, "4MB");
        assert.throws(() => postgresParameters({ ...DEV, activeBackends: 32 }), PostgresMemoryError);
    });
    it("the memory refusal names the config section and writes out every term", () => {
        // 1Gi at work_mem 4MB (MiB): 256 + 16 shared + 101 x 2 + 18 x 2 x 4 x 2 + 17 x 8 + 64 + 3 x 20 + 128 = 1150 > 921.6.
        assert.throws(() => postgresParameters({ ...DEV, memory: "1Gi", configKey: "postgres.analytics" }), {
            name: "Error",
            message:
                "postgres.analytics.memory (1Gi) cannot hold the worst case of postgres.analytics.maxConnections (100) even at work_mem 4MB: " +
                "shared_buffers + wal_buffers 272 MiB + (100 connections + 1 parallel workers) × 2 MiB + " +
                "(17 active backends + 1 parallel workers) × 2 nodes × work_mem 4 MiB × hash_mem_multiplier 2 + 17 × 8 MiB executor state + " +
                "maintenance_work_mem 64 MiB + autovacuum 3 × 20 MiB + processes 128 MiB = 1150 MiB > 922 MiB (1Gi less 10 % headroom); " +
                "raise postgres.analytics.memory, or lower postgres.analytics.maxConnections, postgres.headroomConnections, " +
                "pooler.activeBackendsPerCpu or postgres.analytics.queryMemoryNodes",
        });
    });
    it("refuses less than 256Mi of memory and fewer than 10 connections", () => {
        assert.throws(() => postgresParameters({ ...DEV, memory: "255Mi" }), { message: "postgres memory (255Mi) must be at least 256Mi" });
        assert.throws(() => postgresParameters({ ...DEV, memory: "lots" }), { message: "postgres memory (lots) must be at least 256Mi" });
        // 256Mi passes that check and then cannot hold its worst case.
        assert.throws(() => postgresParameters({ ...DEV, memory: "256Mi", maxConnections: 10, activeBackends: 1 }), PostgresMemoryError);
        assert.throws(() => postgresParameters({ ...DEV, maxConnections: 9 }), { message: "postgres max_connections (9) must be >= 10" });
        assert.equal(postgresParameters({ ...DEV, maxConnections: 10 }).max_connections, "10");
    });
    it("walKeepSize must be whole MB or GB", () => {
        for (const v of ["8G", "8gb", "8 GB", "1.5GB", "GB", "x8GB", "8GBx", "512KB"])
            assert.throws(
                () => postgresParameters({ ...PROD_SIZING, walKeepSize: v }),
                { message: `wal size (${v}) must be like 512MB or 8GB` },
                v,
            );
        // 8192MB = 8GB: the same sizes.
        assert.equal(postgresParameters({ ...PROD_SIZING, walKeepSize: "8192MB" }).max_slot_wal_keep_size, "14336MB");
    });
});

describe("walVolumeProblem: the edges", () => {
    it("names wal_keep_size when it equals the slot cap; never advises less than 1MB", () => {
        // 10Gi: 9216MB to use; 4096 + 8192 = 12288.
        assert.equal(
            walVolumeProblem("10Gi", { max_wal_size: "4096MB", wal_keep_size: "8GB", max_slot_wal_keep_size: "8192MB" }),
            "WAL volume 10Gi cannot hold max_wal_size 4096MB + wal_keep_size 8GB with 10 % to spare; raise postgres.walStorageSize or lower postgres.walKeepSize",
        );
        // 1Gi holds 921MB: max_wal_size alone is over it.
        assert.equal(
            walVolumeProblem("1Gi", { max_wal_size: "4096MB", wal_keep_size: "1GB" }),
            "max_slot_wal_keep_size is unlimited (-1): a replication slot of a dead replica keeps WAL until WAL volume 1Gi is full; set it to at most 1MB (1Gi less max_wal_size 4096MB and 10 % headroom)",
        );
        assert.throws(() => walVolumeProblem("1Gi", { max_wal_size: "4G", wal_keep_size: "1GB", max_slot_wal_keep_size: "64MB" }), {
            message: "wal size (4G) must be like 512MB or 8GB",
        });
    });
});
