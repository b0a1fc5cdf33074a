/**
 * Unit tests of the pure data-tier modules (lib/data/*): connection budget sizing and its
 * messages, Postgres parameter sizing, the PgBouncer parameter mapping, the privilege SQL, the
 * Redis settings and the seed's cache scaling rules. No servers here (see data-servers.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { available, BudgetError, checkBudget, sizePools, type BudgetTarget, type PoolSeed } from "../../../lib/data/connectionBudget";
import { pgbouncerIni, pgbouncerParameters, PGBOUNCER_SEED } from "../../../lib/data/pgbouncer";
import { dataTierPlan } from "../../../plan/dataTier";
import { postgresParameters } from "../../../lib/data/postgresParams";
import { privilegePlan, privilegeSql } from "../../../lib/data/privileges";
import { PROD_SIZING } from "../../support/postgresSizing";
import {
    cacheScalingDecision,
    nextShardCount,
    redisConfig,
    SEED_CACHE_THRESHOLDS,
    type CacheNodeStats,
    type CacheThresholds,
} from "../../../lib/data/redis";
import { quantityValue } from "../../../policies/contract";
import { stackAppConfig } from "../../support/servers";
import { PGBOUNCER_FIXED } from "../../support/pgbouncerSeed";

const SEED: PoolSeed = { defaultPoolSize: 50, minPoolSize: 10, reservePoolSize: 10, maxDbConnections: 100 };
const target = (maxConnections: number, name = "sysmanage-pg primary"): BudgetTarget => ({
    name,
    maxConnections,
    superuserReserved: 3,
    systemReserved: 10,
    headroom: 20,
});

describe("connection budget", () => {
    test("available = max_connections − superuser − system − headroom", () => {
        assert.equal(available(target(300)), 267);
        assert.equal(available(target(100)), 67);
    });

    test("the seed's pool on 3 pods and max_connections 300: each pod capped at 89, 267 of 267 used", () => {
        assert.deepEqual(sizePools(target(300), [{ name: "rw", maxInstances: 3 }], SEED), {
            target: "sysmanage-pg primary",
            maxConnections: 300,
            available: 267,
            used: 267,
            pools: [{ pooler: "rw", maxDbConnections: 89, defaultPoolSize: 50, minPoolSize: 10, reservePoolSize: 10 }],
        });
    });

    test("a small primary (max_connections 100, 3 pods): default_pool_size shrinks to fit the share minus the reserve", () => {
        assert.deepEqual(sizePools(target(100), [{ name: "rw", maxInstances: 3 }], SEED).pools, [
            { pooler: "rw", maxDbConnections: 22, defaultPoolSize: 12, minPoolSize: 10, reservePoolSize: 10 },
        ]);
    });

    test("two poolers sharing one primary split it by pods", () => {
        const r = sizePools(
            target(100),
            [
                { name: "rw", maxInstances: 1 },
                { name: "r", maxInstances: 1 },
            ],
            SEED,
        );
        assert.equal(r.used, 66);
        assert.deepEqual(
            r.pools.map((p) => [p.pooler, p.maxDbConnections, p.defaultPoolSize, p.minPoolSize]),
            [
                ["rw", 33, 23, 10],
                ["r", 33, 23, 10],
            ],
        );
    });

    test("a big primary: each pod stays at the seed's max_db_connections (100)", () => {
        const r = sizePools(target(1000), [{ name: "rw", maxInstances: 3 }], SEED);
        assert.equal(r.used, 300);
        assert.equal(r.pools[0].maxDbConnections, 100);
        assert.equal(r.pools[0].defaultPoolSize, 50);
    });

    test("no pooler pods: nothing used", () => {
        assert.deepEqual(sizePools(target(100), [], SEED), {
            target: "sysmanage-pg primary",
            maxConnections: 100,
            available: 67,
            used: 0,
            pools: [],
        });
    });

    test("a budget that cannot hold min_pool_size + reserve per pod is refused, naming the numbers", () => {
        assert.throws(
            () => sizePools(target(50), [{ name: "rw", maxInstances: 3 }], SEED),
            (e: unknown) => {
                assert.ok(e instanceof BudgetError);
                assert.equal(
                    e.message,
                    "connection budget of sysmanage-pg primary: 3 pooler pods × at least 20 server connections (min_pool_size 10 + reserve_pool_size 10) = 60 > 17 available (max_connections 50 − superuser_reserved 3 − system 10 − headroom 20); raise max_connections or lower the pooler instances",
                );
                return true;
            },
        );
    });

    test("checkBudget passes a sized plan and refuses an over-used one with the numbers", () => {
        checkBudget(sizePools(target(300), [{ name: "rw", maxInstances: 3 }], SEED));
        assert.throws(() => checkBudget({ target: "x", maxConnections: 300, available: 267, used: 300, pools: [] }), {
            name: "Error",
            message: "connection budget of x: poolers may open 300 server connections > 267 available",
        });
    });

    test("property: whatever the sizes, a sized budget holds, or is refused with the numbers exactly when a pod's share cannot hold min_pool_size + reserve", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 20, max: 5000 }),
                fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 3 }),
                fc.integer({ min: 1, max: 200 }),
                fc.integer({ min: 0, max: 50 }),
                fc.integer({ min: 0, max: 50 }),
                (maxConnections, pods, defaultPoolSize, minPoolSize, reservePoolSize) => {
                    const seed: PoolSeed = {
                        defaultPoolSize,
                        minPoolSize: Math.min(minPoolSize, defaultPoolSize),
                        reservePoolSize,
                        maxDbConnections: 100,
                    };
                    const poolers = pods.map((n, i) => ({ name: `p${i}`, maxInstances: n }));
                    const total = pods.reduce((a, b) => a + b, 0);
                    // Worked from the rule, not the code: each pod's share of the 33-connection-short
                    // budget, capped at 100, must hold min_pool_size + reserve_pool_size.
                    const avail = maxConnections - 33;
                    const need = seed.minPoolSize + seed.reservePoolSize;
                    if (Math.min(100, Math.floor(avail / total)) < need) {
                        assert.throws(() => sizePools(target(maxConnections), poolers, seed), {
                            name: "Error",
                            message: `connection budget of sysmanage-pg primary: ${total} pooler pods × at least ${need} server connections (min_pool_size ${seed.minPoolSize} + reserve_pool_size ${reservePoolSize}) = ${total * need} > ${avail} available (max_connections ${maxConnections} − superuser_reserved 3 − system 10 − headroom 20); raise max_connections or lower the pooler instances`,
                        });
                        assert.throws(() => sizePools(target(maxConnections), poolers, seed), BudgetError);
                        return;
                    }
                    const r = sizePools(target(maxConnections), poolers, seed);
                    assert.ok(r.used <= r.available);
                    assert.equal(r.used, total * r.pools[0].maxDbConnections);
                    for (const p of r.pools) {
                        assert.ok(p.maxDbConnections <= seed.maxDbConnections);
                        assert.ok(p.defaultPoolSize + p.reservePoolSize <= p.maxDbConnections);
                        assert.ok(p.minPoolSize <= p.defaultPoolSize);
                    }
                    checkBudget(r);
                },
            ),
            { numRuns: 500 },
        );
    });

    for (const stack of ["dev", "staging", "prod"]) {
        test(`${stack}: every budget holds and the poolers' parameters carry its sizes`, () => {
            const pg = dataTierPlan(stackAppConfig(stack)).postgres!;
            for (const b of pg.budgets) {
                checkBudget(b);
                const sum = b.pools.reduce((n, s) => n + pg.poolers.find((p) => p.name === s.pooler)!.instances * s.maxDbConnections, 0);
                assert.equal(b.used, sum, b.target);
            }
            for (const p of pg.poolers) {
                const sizing = pg.budgets.flatMap((b) => b.pools).find((s) => s.pooler === p.name)!;
                assert.equal(p.parameters.max_db_connections, String(sizing.maxDbConnections));
                assert.equal(p.parameters.max_user_connections, String(sizing.maxDbConnections));
                assert.equal(p.parameters.default_pool_size, String(sizing.defaultPoolSize));
                assert.equal(p.parameters.min_pool_size, String(sizing.minPoolSize));
                assert.equal(p.parameters.reserve_pool_size, String(sizing.reservePoolSize));
                assert.equal(p.poolMode, "transaction");
            }
        });
    }
});

describe("Postgres parameters", () => {
    const SMALL = {
        memory: "2Gi",
        cpu: "1",
        maxConnections: 100,
        profile: "oltp",
        activeBackends: 10,
        nodesPerQuery: 2,
        configKey: "postgres",
    } as const;
    test("a small WAL volume: min_wal_size is a quarter of max_wal_size, never at or above it (CloudNativePG's webhook refuses min >= max)", () => {
        const p = (walStorageSize: string, walKeepSize = "256MB") => postgresParameters({ ...SMALL, walKeepSize, walStorageSize });
        // 2Gi × 0.4 = 819MB between checkpoints; dev rendered min_wal_size 1GB against it before.
        assert.deepEqual([p("2Gi").min_wal_size, p("2Gi").max_wal_size], ["204MB", "819MB"]);
        assert.deepEqual([p("20Gi").min_wal_size, p("20Gi").max_wal_size], ["1024MB", "4096MB"]);
        assert.deepEqual([p("200Mi", "64MB").min_wal_size, p("200Mi", "64MB").max_wal_size], ["32MB", "80MB"]);
        assert.throws(() => p("120Mi"), {
            message: "WAL volume 120Mi gives max_wal_size 48MB, below the 64MB minimum; raise postgres.walStorageSize",
        });
    });
    test("8Gi / 2 CPUs / 300 connections, OLTP: the rules of thumb", () => {
        const p = postgresParameters(PROD_SIZING);
        assert.deepEqual(
            [
                p.max_connections,
                p.shared_buffers,
                p.effective_cache_size,
                p.work_mem,
                p.maintenance_work_mem,
                p.max_worker_processes,
                p.max_parallel_workers,
                p.max_parallel_workers_per_gather,
            ],
            // Issue 19 finding 2: work_mem from the memory model, worked by hand (MiB): the limit less
            // 10 % is 7372.8; shared_buffers 2048 + wal_buffers 16, (300 connections + 2 parallel
            // workers) × 2, 38 active × 8 executor state, maintenance 409, autovacuum 3 × 163 and
            // processes 128 leave 7372.8 − 3998 = 3374.8 for (38 + 2) × 2 nodes × 2 (hash_mem) =
            // 160 work_mem's: 21.09 → 21MB (was 6MB from max_connections alone).
            ["300", "2048MB", "6144MB", "21MB", "409MB", "8", "2", "1"],
        );
        assert.deepEqual([p.hash_mem_multiplier, p.autovacuum_max_workers, p.autovacuum_work_mem], ["2.0", "3", "163MB"]);
        assert.deepEqual(
            [p.statement_timeout, p.idle_in_transaction_session_timeout, p.log_min_duration_statement, p.wal_keep_size],
            // Issue 19 finding 7: no server-wide timeouts (they cancelled migrations); the app roles carry them.
            ["0", "0", "500ms", "8GB"],
        );
        // Replicas: replay waits at most the read role's 30s statement_timeout; feedback avoids vacuum conflicts.
        assert.deepEqual(
            [p.max_standby_streaming_delay, p.max_standby_archive_delay, p.hot_standby_feedback, p.max_slot_wal_keep_size],
            ["30s", "30s", "on", "14336MB"],
        );
    });

    test("16Gi / 4 CPUs / 100 connections, analytics: work_mem from the memory model, standby delays as long as the analytics role's statement_timeout", () => {
        const p = postgresParameters({
            memory: "16Gi",
            cpu: "4",
            maxConnections: 100,
            profile: "analytics",
            walKeepSize: "8GB",
            walStorageSize: "20Gi",
            activeBackends: 56,
            nodesPerQuery: 4,
            configKey: "postgres.analytics",
        });
        // MiB: 14745.6 − (4096 + 16 + (100 + 4) × 2 + 56 × 8 + 819 + 3 × 327 + 128 = 6696) = 8049.6
        // over (56 + 4) × 4 nodes × 2 = 480 work_mem's: 16.77 → 16MB (was 122MB: 100 connections × 1 sort).
        assert.deepEqual(
            [p.shared_buffers, p.effective_cache_size, p.work_mem, p.maintenance_work_mem, p.autovacuum_work_mem],
            ["4096MB", "12288MB", "16MB", "819MB", "327MB"],
        );
        assert.deepEqual(
            [
                p.max_standby_streaming_delay,
                p.max_standby_archive_delay,
                p.hot_standby_feedback,
                p.statement_timeout,
                p.idle_in_transaction_session_timeout,
            ],
            // Issue 19 finding 7: replay waits 1h (the analytics role's statement_timeout), the server sets none.
            ["1h", "1h", "off", "0", "0"],
        );
    });

    test("caps and floors: work_mem 64MB (OLTP) / 4MB, maintenance_work_mem 2048MB / 64MB", () => {
        const big = postgresParameters({
            memory: "64Gi",
            cpu: "16",
            maxConnections: 10,
            profile: "oltp",
            walKeepSize: "1GB",
            walStorageSize: "20Gi",
            activeBackends: 10,
            nodesPerQuery: 2,
            configKey: "postgres",
        });
        assert.deepEqual(
            [big.work_mem, big.maintenance_work_mem, big.max_worker_processes, big.max_parallel_workers_per_gather],
            ["64MB", "2048MB", "16", "8"],
        );
        // The autovacuum floor: 2 % of 2Gi is 41MB; 16MB on the smallest instances.
        assert.equal(postgresParameters({ ...SMALL, walKeepSize: "1GB", walStorageSize: "20Gi" }).autovacuum_work_mem, "40MB");
        assert.throws(
            () =>
                postgresParameters({
                    ...SMALL,
                    memory: "256Mi",
                    cpu: "500m",
                    maxConnections: 300,
                    walKeepSize: "1GB",
                    walStorageSize: "20Gi",
                }),
            {
                // 80 + (300 + 1) × 2 + (10 + 1) × 2 × 4 × 2 + 10 × 8 + 64 + 3 × 16 + 128 = 1178 MiB.
                message:
                    "postgres.memory (256Mi) cannot hold the worst case of postgres.maxConnections (300) even at work_mem 4MB: shared_buffers + wal_buffers 80 MiB + (300 connections + 1 parallel workers) × 2 MiB + (10 active backends + 1 parallel workers) × 2 nodes × work_mem 4 MiB × hash_mem_multiplier 2 + 10 × 8 MiB executor state + maintenance_work_mem 64 MiB + autovacuum 3 × 16 MiB + processes 128 MiB = 1178 MiB > 230 MiB (256Mi less 10 % headroom); raise postgres.memory, or lower postgres.maxConnections, postgres.headroomConnections, pooler.activeBackendsPerCpu or postgres.queryMemoryNodes",
            },
        );
    });

    const MiB = 2 ** 20;
    const pgSize = (v: string) => {
        const m = /^(\d+)(MB|GB|TB)$/.exec(v);
        assert.ok(m, `size ${v}`);
        return Number(m[1]) * { MB: 1, GB: 1024, TB: 1024 ** 2 }[m[2] as "MB" | "GB" | "TB"] * MiB;
    };
    for (const stack of ["dev", "staging", "prod"]) {
        test(`${stack}: each cluster's WAL volume holds max_wal_size + max(wal_keep_size, max_slot_wal_keep_size) (else pg_wal fills up under a write burst or a dead replica's slot)`, () => {
            const pg = dataTierPlan(stackAppConfig(stack)).postgres!;
            const problems: string[] = [];
            for (const c of [pg.main, ...(pg.analytics ? [pg.analytics] : [])]) {
                // Issue 19 finding 5: slots keep up to max_slot_wal_keep_size (unset = unlimited).
                const slot = c.parameters.max_slot_wal_keep_size;
                assert.ok(slot && slot !== "-1", `${c.name}: max_slot_wal_keep_size ${slot}`);
                const need = pgSize(c.parameters.max_wal_size) + Math.max(pgSize(c.parameters.wal_keep_size), pgSize(slot));
                const have = quantityValue(c.walStorageSize);
                if (have < need)
                    problems.push(
                        `${c.name}: walStorageSize ${c.walStorageSize} (${have / MiB} MiB) < max_wal_size ${c.parameters.max_wal_size} + max(wal_keep_size ${c.parameters.wal_keep_size}, max_slot_wal_keep_size ${slot}) (${need / MiB} MiB)`,
                    );
            }
            assert.deepEqual(problems, []);
        });
    }

    test("too little memory or too few connections is refused", () => {
        assert.throws(() => postgresParameters({ ...SMALL, memory: "128Mi", walKeepSize: "1GB", walStorageSize: "20Gi" }), {
            message: "postgres memory (128Mi) must be at least 256Mi",
        });
        assert.throws(
            () => postgresParameters({ ...SMALL, memory: "1Gi", maxConnections: 5, walKeepSize: "1GB", walStorageSize: "20Gi" }),
            {
                message: "postgres max_connections (5) must be >= 10",
            },
        );
    });
});

describe("PgBouncer parameters", () => {
    const pool = { pooler: "sysmanage-pg-pooler-rw", maxDbConnections: 89, defaultPoolSize: 50, minPoolSize: 10, reservePoolSize: 10 };

    /** The seed's pgbouncer.ini written out (not read from PGBOUNCER_SEED, the constant under test). */
    const SEED_INI = {
        max_client_conn: "1000",
        default_pool_size: "50",
        min_pool_size: "10",
        reserve_pool_size: "10",
        reserve_pool_timeout: "5",
        max_db_connections: "100",
        max_user_connections: "100",
        ...PGBOUNCER_FIXED,
    };

    test("the seed's settings with the budget's pool sizes, as strings", () => {
        assert.deepEqual(pgbouncerParameters({ maxClientConn: 1000, pool, maxPreparedStatements: 200, queryWaitTimeout: 10 }), {
            ...SEED_INI,
            max_db_connections: "89",
            max_user_connections: "89",
        });
    });

    test("every seed setting is mapped (pool_mode goes to the Pooler's poolMode): with the seed's sizes the values are the seed's, plus max_prepared_statements and query_wait_timeout", () => {
        const p = pgbouncerParameters({
            maxPreparedStatements: 200,
            queryWaitTimeout: 10,
            maxClientConn: 1000,
            pool: { pooler: "x", maxDbConnections: 100, defaultPoolSize: 50, minPoolSize: 10, reservePoolSize: 10 },
        });
        assert.deepEqual(p, SEED_INI);
        // Every seed key but pool_mode is a parameter, none dropped.
        const { poolMode, ...seed } = PGBOUNCER_SEED;
        assert.equal(poolMode, "transaction");
        assert.deepEqual(
            Object.keys(seed).filter((k) => !(k in p)),
            [],
        );
    });

    test("pgbouncerIni: [databases] then [pgbouncer] with listen, pool_mode, our parameters, then the extras", () => {
        const ini = pgbouncerIni({
            databases: [{ alias: "sysmanage", host: "127.0.0.1", port: 5433, dbname: "sysmanage" }],
            parameters: { max_client_conn: "1000", default_pool_size: "50" },
            poolMode: "transaction",
            listenAddr: "127.0.0.1",
            listenPort: 6432,
            extra: { auth_type: "scram-sha-256" },
        });
        assert.equal(
            ini,
            [
                "[databases]",
                "sysmanage = host=127.0.0.1 port=5433 dbname=sysmanage",
                "",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = 6432",
                "pool_mode = transaction",
                "max_client_conn = 1000",
                "default_pool_size = 50",
                "auth_type = scram-sha-256",
                "",
            ].join("\n"),
        );
    });
});

describe("privileges", () => {
    const passwords = { sysmanage_write: "pw-w", sysmanage_read: "pw-r", sysmanage_analytics: "pw-a" };

    test("the plan: write = DML without DDL or TRUNCATE, read and analytics = SELECT only, nobody but the owner creates", () => {
        const plan = privilegePlan();
        assert.equal(plan.owner, "sysmanage_owner");
        assert.deepEqual(
            plan.roles.map((r) => [r.role, r.login, r.schemaPrivileges, r.tablePrivileges, r.sequencePrivileges]),
            [
                ["sysmanage_write", true, ["USAGE"], ["SELECT", "INSERT", "UPDATE", "DELETE"], ["USAGE", "SELECT", "UPDATE"]],
                ["sysmanage_read", true, ["USAGE"], ["SELECT"], ["SELECT"]],
                ["sysmanage_analytics", true, ["USAGE"], ["SELECT"], ["SELECT"]],
            ],
        );
        // Issue 19 finding 7: statement and idle-in-transaction timeouts (ms) are the roles', not the server's.
        assert.deepEqual(
            plan.roles.map((r) => [r.role, r.statementTimeoutMs, r.idleInTransactionTimeoutMs]),
            [
                ["sysmanage_write", 60_000, 60_000],
                ["sysmanage_read", 30_000, 60_000],
                ["sysmanage_analytics", 3_600_000, 600_000],
            ],
        );
    });

    test("privilegeSql: the exact statements, default privileges for the owner's later tables", () => {
        const sql = privilegeSql(privilegePlan("sysmanage", "sysmanage"), passwords);
        const role = (r: string, pw: string, timeouts: [number, number], tables: string, sequences: string, schema = "USAGE") => [
            `CREATE ROLE "${r}" LOGIN CONNECTION LIMIT -1 PASSWORD '${pw}'`,
            `ALTER ROLE "${r}" SET statement_timeout = ${timeouts[0]}`,
            `ALTER ROLE "${r}" SET idle_in_transaction_session_timeout = ${timeouts[1]}`,
            `GRANT CONNECT ON DATABASE "sysmanage" TO "${r}"`,
            `GRANT ${schema} ON SCHEMA "sysmanage" TO "${r}"`,
            `GRANT ${tables} ON ALL TABLES IN SCHEMA "sysmanage" TO "${r}"`,
            `GRANT ${sequences} ON ALL SEQUENCES IN SCHEMA "sysmanage" TO "${r}"`,
            `ALTER DEFAULT PRIVILEGES FOR ROLE "sysmanage_owner" IN SCHEMA "sysmanage" GRANT ${tables} ON TABLES TO "${r}"`,
            `ALTER DEFAULT PRIVILEGES FOR ROLE "sysmanage_owner" IN SCHEMA "sysmanage" GRANT ${sequences} ON SEQUENCES TO "${r}"`,
        ];
        assert.deepEqual(sql, [
            `CREATE ROLE "sysmanage_owner" NOLOGIN`,
            `CREATE SCHEMA IF NOT EXISTS "sysmanage" AUTHORIZATION "sysmanage_owner"`,
            `REVOKE ALL ON SCHEMA "sysmanage" FROM PUBLIC`,
            `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
            ...role("sysmanage_write", "pw-w", [60000, 60000], "SELECT, INSERT, UPDATE, DELETE", "USAGE, SELECT, UPDATE"),
            ...role("sysmanage_read", "pw-r", [30000, 60000], "SELECT", "SELECT"),
            ...role("sysmanage_analytics", "pw-a", [3600000, 600000], "SELECT", "SELECT"),
        ]);
    });

    test("identifiers and passwords are quoted", () => {
        const sql = privilegeSql(privilegePlan('app"db', "my schema"), { ...passwords, sysmanage_read: "it's" });
        assert.equal(sql[1], `CREATE SCHEMA IF NOT EXISTS "my schema" AUTHORIZATION "sysmanage_owner"`);
        assert.equal(sql[13], `CREATE ROLE "sysmanage_read" LOGIN CONNECTION LIMIT -1 PASSWORD 'it''s'`);
        assert.equal(sql[16], `GRANT CONNECT ON DATABASE "app""db" TO "sysmanage_read"`);
    });

    test("a missing password is an error naming the role", () => {
        assert.throws(() => privilegeSql(privilegePlan(), { sysmanage_write: "x", sysmanage_analytics: "y" }), {
            message: "privilegeSql: no password for sysmanage_read",
        });
    });
});

describe("Redis settings", () => {
    // Issue 19 changed these: 0.78 could not hold a fork (test/unit/lib/redisMemory.test.ts), save
    // points forked every few minutes, allkeys-lru evicted keys without a TTL, and a validity
    // factor of 0 let a stale replica win a failover.
    test("maxmemory = ratio × container limit (MiB), cache eviction, failover and persistence directives", () => {
        const c = redisConfig({ memoryLimit: "2Gi", maxmemoryRatio: 0.52, evictionPolicy: "volatile-lru" });
        assert.deepEqual(
            [c.maxmemory, c["maxmemory-policy"], c["cluster-replica-validity-factor"], c.save, c.appendonly],
            ["1064mb", "volatile-lru", "10", "", "no"],
        );
        assert.equal(redisConfig({ memoryLimit: "1Gi", maxmemoryRatio: 0.75, evictionPolicy: "volatile-lru" }).maxmemory, "768mb");
    });

    test("the ratio stays within 0.5..0.9 (the memory model in config/rules/data.ts bounds it further)", () => {
        assert.throws(() => redisConfig({ memoryLimit: "2Gi", maxmemoryRatio: 0.95, evictionPolicy: "volatile-lru" }), {
            message: "redis maxmemoryRatio (0.95) must be within 0.5..0.9",
        });
        assert.throws(() => redisConfig({ memoryLimit: "2Gi", maxmemoryRatio: 0.4, evictionPolicy: "volatile-lru" }), {
            message: "redis maxmemoryRatio (0.4) must be within 0.5..0.9",
        });
    });
});

describe("cache scaling rules (the seed's thresholds)", () => {
    const GiB = 2 ** 30;
    const t: CacheThresholds = { ...SEED_CACHE_THRESHOLDS, maxMemoryPerNode: GiB };
    const node = (memory: number, ops: number, healthy = true): CacheNodeStats => ({
        healthy,
        memoryUsed: Math.round(memory * GiB),
        opsPerSec: ops,
    });

    test("the seed's thresholds", () => {
        assert.deepEqual(SEED_CACHE_THRESHOLDS, {
            memoryHigh: 0.8,
            opsHigh: 10_000,
            memoryLow: 0.3,
            opsLow: 1_000,
            underutilizedShare: 0.7,
            targetMemory: 0.6,
            minMasters: 3,
        });
    });

    const cases: [string, CacheNodeStats[], { action: string; masters: number; reason: string }][] = [
        [
            "steady: 50 % memory, 2k ops/s",
            [node(0.5, 2000), node(0.5, 2000), node(0.5, 2000)],
            { action: "none", masters: 3, reason: "within thresholds" },
        ],
        [
            "exactly 80 % memory is not above it",
            [node(0.8, 2000), node(0.5, 2000), node(0.5, 2000)],
            { action: "none", masters: 3, reason: "within thresholds" },
        ],
        [
            "one node above 80 % memory: one more shard",
            [node(0.85, 2000), node(0.5, 2000), node(0.5, 2000)],
            { action: "scale_out", masters: 4, reason: "memory above 80 % on a node" },
        ],
        // 3 × 0.95 GiB = 2.85 GiB at 60 % of 1 GiB per node → 5 masters, more than one step.
        [
            "all nodes at 95 %: enough shards for 60 % memory",
            [node(0.95, 2000), node(0.95, 2000), node(0.95, 2000)],
            { action: "scale_out", masters: 5, reason: "memory above 80 % on a node" },
        ],
        [
            "exactly 10k ops/s is not more than it",
            [node(0.5, 10_000), node(0.5, 2000), node(0.5, 2000)],
            { action: "none", masters: 3, reason: "within thresholds" },
        ],
        [
            "one node above 10k ops/s",
            [node(0.5, 12_000), node(0.5, 3000), node(0.5, 3000)],
            { action: "scale_out", masters: 4, reason: "more than 10000 ops/s on a node" },
        ],
        // 3 × 25k = 75k ops/s at 10k per node → 8 masters.
        [
            "heavy ops everywhere: enough shards for the ops",
            [node(0.5, 25_000), node(0.5, 25_000), node(0.5, 25_000)],
            { action: "scale_out", masters: 8, reason: "more than 10000 ops/s on a node" },
        ],
        [
            "4 of 5 nodes idle (≥ 70 %): one shard less",
            [node(0.1, 100), node(0.2, 500), node(0.1, 900), node(0.25, 100), node(0.5, 5000)],
            { action: "scale_in", masters: 4, reason: "4 of 5 nodes under 30 % memory and 1000 ops/s" },
        ],
        [
            "3 of 5 nodes idle (< 70 %): stay",
            [node(0.1, 100), node(0.2, 500), node(0.1, 900), node(0.5, 5000), node(0.5, 5000)],
            { action: "none", masters: 5, reason: "within thresholds" },
        ],
        [
            "idle but low memory with busy ops is not idle",
            [node(0.1, 1500), node(0.1, 1500), node(0.1, 1500), node(0.1, 1500)],
            { action: "none", masters: 4, reason: "within thresholds" },
        ],
        [
            "all idle at 3 masters: never below 3",
            [node(0.05, 10), node(0.05, 10), node(0.05, 10)],
            { action: "none", masters: 3, reason: "within thresholds" },
        ],
        [
            "no healthy node reported: no decision",
            [node(0.9, 0, false), node(0.9, 0, false), node(0.9, 0, false)],
            { action: "none", masters: 3, reason: "no healthy node reported" },
        ],
        [
            "an unhealthy hot node does not count",
            [node(0.95, 20_000, false), node(0.5, 2000), node(0.5, 2000)],
            { action: "none", masters: 3, reason: "within thresholds" },
        ],
    ];
    for (const [name, masters, want] of cases) {
        test(name, () => assert.deepEqual(cacheScalingDecision(masters, t), want));
    }
});

describe("shard count changes one shard per update", () => {
    test("±1 is allowed, a new cluster takes any count ≥ 3", () => {
        assert.equal(nextShardCount(3, 4, false), 4);
        assert.equal(nextShardCount(4, 3, false), 3);
        assert.equal(nextShardCount(5, 5, false), 5);
        assert.equal(nextShardCount(0, 6, false), 6);
    });
    test("bigger jumps are refused unless allowed", () => {
        assert.throws(() => nextShardCount(3, 5, false), {
            message:
                "redis.masters: changing from 3 to 5 masters moves 2 shards in one update; change by one per update or set redis.allowShardJump: true",
        });
        assert.throws(() => nextShardCount(6, 3, false), {
            message:
                "redis.masters: changing from 6 to 3 masters moves 3 shards in one update; change by one per update or set redis.allowShardJump: true",
        });
        assert.equal(nextShardCount(3, 6, true), 6);
    });
    test("fewer than 3 masters is refused", () => {
        assert.throws(() => nextShardCount(3, 2, true), { message: "redis masters (2) must be >= 3" });
    });
});
