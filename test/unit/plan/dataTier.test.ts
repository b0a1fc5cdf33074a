/**
 * plan/dataTier.ts on small configs worked by hand (issue 20): which clusters, poolers, budgets,
 * shards and Redis clusters the plan has, their names, sizes and pools. The pools follow
 * lib/data/connectionBudget.ts's rule, computed here on paper: available = max_connections − 3
 * (superuser) − 10 (system) − 20 (headroom); share = min(max_db_connections 100, ⌊available /
 * pods⌋); cpuShare = ⌈(vCPU × 4 + 1) / pods⌉; default = min(50, share − 10, cpuShare); reserve =
 * min(10, cpuShare); max_db = min(share, default + reserve); min = min(10, default).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { dataTierPlan, type PoolerPlan } from "../../../plan/dataTier";

type Raw = Record<string, Record<string, unknown>>;
/** Main cluster 1 + 2 replicas of 1 vCPU, max_connections 200; analytics 2 vCPU, 200; poolers 2 rw, 3 read, 1 analytics. */
const BASE: Raw = {
    postgres: {
        replicas: 2,
        cpu: "1",
        memory: "4Gi",
        maxConnections: 200,
        storageSize: "50Gi",
        walStorageSize: "20Gi",
        analytics: { enabled: true, instances: 1, cpu: "2", memory: "8Gi", maxConnections: 200, storageSize: "30Gi" },
    },
    pooler: {
        writeInstances: 2,
        readInstances: 3,
        analyticsInstances: 1,
        queryWaitTimeoutSeconds: 30,
        analyticsQueryWaitTimeoutSeconds: 300,
    },
    redis: { masters: 4, replicasPerMaster: 1, cpu: "500m", memory: "2Gi", storageSize: "5Gi" },
};
const config = (over: Raw = {}) => {
    const raw: Record<string, unknown> = { environment: "dev", ...BASE, ...over };
    for (const k of Object.keys(BASE)) if (over[k]) raw[k] = { ...BASE[k], ...over[k] };
    return parseConfig(raw, "dev");
};
const plan = (over: Raw = {}) => dataTierPlan(config(over));
const pool = (pooler: string, maxDbConnections: number, defaultPoolSize: number, minPoolSize: number, reservePoolSize: number) => ({
    pooler,
    maxDbConnections,
    defaultPoolSize,
    minPoolSize,
    reservePoolSize,
});
/** A pooler's identity and the pgbouncer settings the plan chose for it. */
const poolerView = (p: PoolerPlan) => [
    p.name,
    p.cluster,
    p.type,
    p.instances,
    p.poolMode,
    p.parameters.default_pool_size,
    p.parameters.max_db_connections,
    p.parameters.query_wait_timeout,
];

describe("the main cluster, its replicas and the analytics replica cluster", () => {
    const pg = plan().postgres!;

    test("budgets: the primary for the -rw pooler (2 pods), each replica for the -ro pooler (3 pods), the analytics cluster for its pooler", () => {
        assert.deepEqual(pg.budgets, [
            // 167 available; 1 vCPU: 5 active backends, ⌈5 / 2⌉ = 3 a pod; max_db 3 + 3.
            {
                target: "sysmanage-pg primary",
                maxConnections: 200,
                available: 167,
                used: 12,
                pools: [pool("sysmanage-pg-pooler-rw", 6, 3, 3, 3)],
            },
            // ⌈5 / 3⌉ = 2 a pod: max_db 4, 12 for 3 pods.
            {
                target: "sysmanage-pg replica",
                maxConnections: 200,
                available: 167,
                used: 12,
                pools: [pool("sysmanage-pg-pooler-ro", 4, 2, 2, 2)],
            },
            // 2 vCPU: 9 backends for its 1 pod; max_db 9 + 9.
            {
                target: "sysmanage-pg-analytics",
                maxConnections: 200,
                available: 167,
                used: 18,
                pools: [pool("sysmanage-pg-analytics-pooler-ro", 18, 9, 9, 9)],
            },
        ]);
    });

    test("poolers: -rw on the primary, -ro on the replicas, the analytics one with its own query_wait_timeout", () => {
        assert.deepEqual(pg.poolers.map(poolerView), [
            ["sysmanage-pg-pooler-rw", "sysmanage-pg", "rw", 2, "transaction", "3", "6", "30"],
            ["sysmanage-pg-pooler-ro", "sysmanage-pg", "ro", 3, "transaction", "2", "4", "30"],
            ["sysmanage-pg-analytics-pooler-ro", "sysmanage-pg-analytics", "rw", 1, "transaction", "9", "18", "300"],
        ]);
        assert.deepEqual(
            pg.poolers.map((p) => [p.image, p.cpu, p.memory, p.parameters.max_client_conn]),
            pg.poolers.map(() => ["ghcr.io/cloudnative-pg/pgbouncer:1.25.1", "250m", "256Mi", "1000"]),
        );
        // A digest in images.digests pins the pooler image.
        const digest = "sha256:" + "b".repeat(64);
        assert.deepEqual(
            plan({ images: { digests: { "ghcr.io/cloudnative-pg/pgbouncer:1.25.1": digest } } }).postgres!.poolers.map((p) => p.image)[0],
            `ghcr.io/cloudnative-pg/pgbouncer:1.25.1@${digest}`,
        );
    });

    test("clusters: sizes from the config; the memory model counts the busiest instance's pooled backends plus the 20 direct ones", () => {
        const view = (c: typeof pg.main) => [
            c.name,
            c.instances,
            c.cpu,
            c.memory,
            c.storageSize,
            c.walStorageSize,
            c.parameters.max_connections,
        ];
        assert.deepEqual(view(pg.main), ["sysmanage-pg", 3, "1", "4Gi", "50Gi", "20Gi", "200"]);
        assert.deepEqual(view(pg.analytics!), ["sysmanage-pg-analytics", 1, "2", "8Gi", "30Gi", "20Gi", "200"]);
        // Main: max(12 on the primary, 12 on a replica) + 20 (not the analytics cluster's 18); analytics: 18 + 20.
        assert.deepEqual(pg.main.memoryModel, { activeBackends: 32, nodesPerQuery: 2 });
        assert.deepEqual(pg.analytics!.memoryModel, { activeBackends: 38, nodesPerQuery: 4 });
        // The memory model of each instance: its own limit (4 and 8 GiB) and max_connections.
        assert.deepEqual(
            [pg.main.memoryUse.limit, pg.main.memoryUse.maxConnections, pg.analytics!.memoryUse.limit],
            [4 * 2 ** 30, 200, 8 * 2 ** 30],
        );
    });

    test("the roles: write, read and analytics on the one database; no shards", () => {
        assert.deepEqual(
            pg.privileges.roles.map((r) => r.role),
            ["sysmanage_write", "sysmanage_read", "sysmanage_analytics"],
        );
        assert.deepEqual([pg.privileges.database, pg.privileges.schema], ["sysmanage", "sysmanage"]);
        assert.deepEqual(pg.shards, []);
    });

    test("an analytics replica on fewer CPUs keeps at least the primary's worker processes", () => {
        // max(8, vCPU): 12 on the primary; the 1-vCPU analytics replica would have 8, raised to 12.
        const pg = plan({
            postgres: { cpu: "12", memory: "32Gi", analytics: { ...(BASE.postgres.analytics as object), cpu: "1" } },
        }).postgres!;
        assert.deepEqual([pg.main.parameters.max_worker_processes, pg.analytics!.parameters.max_worker_processes], ["12", "12"]);
    });
});

describe("read poolers without replicas, or reaching any instance", () => {
    /** -rw (2 pods) and -r (3) on the primary: ⌊167 / 5⌋ = 33, ⌈5 / 5⌉ = 1 a pod: max_db 2, 10 for 5 pods. */
    const SHARED_PRIMARY = {
        target: "sysmanage-pg primary",
        maxConnections: 200,
        available: 167,
        used: 10,
        pools: [pool("sysmanage-pg-pooler-rw", 2, 1, 1, 1), pool("sysmanage-pg-pooler-r", 2, 1, 1, 1)],
    };
    test("no replicas: the read pooler is -r on the primary, sharing its budget with -rw (5 pods)", () => {
        const pg = plan({ postgres: { replicas: 0 } }).postgres!;
        assert.deepEqual(pg.budgets.slice(0, 1), [SHARED_PRIMARY]);
        assert.deepEqual(pg.budgets.length, 2);
        assert.deepEqual(
            pg.poolers.slice(0, 2).map((p) => [p.name, p.type]),
            [
                ["sysmanage-pg-pooler-rw", "rw"],
                ["sysmanage-pg-pooler-r", "r"],
            ],
        );
        assert.equal(pg.main.instances, 1);
    });

    test("readFallback primary: -r counted on the primary with -rw, and each replica sees it with the primary's pool", () => {
        const pg = plan({ pooler: { readFallback: "primary" } }).postgres!;
        // On a replica: share min(2, ⌊167 / 3⌋) = 2, ⌈5 / 3⌉ = 2: default min(1, 2 − 1, 2) = 1, max_db 2, 6 for 3 pods.
        assert.deepEqual(pg.budgets.slice(0, 2), [
            SHARED_PRIMARY,
            {
                target: "sysmanage-pg replica",
                maxConnections: 200,
                available: 167,
                used: 6,
                pools: [pool("sysmanage-pg-pooler-r", 2, 1, 1, 1)],
            },
        ]);
        assert.deepEqual(
            pg.poolers.map((p) => [p.name, p.type, p.cluster]),
            [
                ["sysmanage-pg-pooler-rw", "rw", "sysmanage-pg"],
                ["sysmanage-pg-pooler-r", "r", "sysmanage-pg"],
                ["sysmanage-pg-analytics-pooler-ro", "rw", "sysmanage-pg-analytics"],
            ],
        );
    });

    test("without the analytics cluster: no analytics budget, pooler or cluster", () => {
        const pg = plan({ postgres: { analytics: { enabled: false } } }).postgres!;
        assert.deepEqual(
            pg.budgets.map((b) => b.target),
            ["sysmanage-pg primary", "sysmanage-pg replica"],
        );
        assert.deepEqual(
            pg.poolers.map((p) => p.name),
            ["sysmanage-pg-pooler-rw", "sysmanage-pg-pooler-ro"],
        );
        assert.deepEqual([pg.main.name, pg.analytics], ["sysmanage-pg", undefined]);
    });
});

describe("shards", () => {
    test("two shards of 2 vCPU with their own storage: each a 3-instance cluster, a -rw pooler in its own budget, the write role only", () => {
        const pg = plan({ sharding: { shards: 2, postgres: { cpu: "2", storageSize: "20Gi" } } }).postgres!;
        assert.deepEqual(
            pg.shards.map((s) => [
                s.index,
                s.cluster.name,
                s.cluster.instances,
                s.cluster.cpu,
                s.cluster.memory,
                s.cluster.storageSize,
                s.cluster.walStorageSize,
            ]),
            [
                [0, "sysmanage-pg-shard-0", 3, "2", "4Gi", "20Gi", "20Gi"],
                [1, "sysmanage-pg-shard-1", 3, "2", "4Gi", "20Gi", "20Gi"],
            ],
        );
        // 9 backends for 2 pods: ⌈9 / 2⌉ = 5 a pod, max_db 10, 20 used; the shard's memory model 20 + 20.
        assert.deepEqual(pg.shards[0].budget, {
            target: "sysmanage-pg-shard-0 primary",
            maxConnections: 200,
            available: 167,
            used: 20,
            pools: [pool("sysmanage-pg-shard-0-pooler-rw", 10, 5, 5, 5)],
        });
        assert.deepEqual(poolerView(pg.shards[1].pooler), [
            "sysmanage-pg-shard-1-pooler-rw",
            "sysmanage-pg-shard-1",
            "rw",
            2,
            "transaction",
            "5",
            "10",
            "30",
        ]);
        assert.deepEqual(pg.shards[0].cluster.memoryModel, { activeBackends: 40, nodesPerQuery: 2 });
        assert.deepEqual(
            pg.shards.map((s) => s.privileges.roles.map((r) => r.role)),
            [["sysmanage_write"], ["sysmanage_write"]],
        );
        assert.equal(pg.shards[0].privileges.database, "sysmanage");
    });

    test("a shard's memory that cannot hold its connections is refused under the shard's own key, the connections under postgres.*", () => {
        assert.throws(() => plan({ sharding: { shards: 1, postgres: { memory: "512Mi" } } }), {
            message: /^sharding\.postgres\.memory \(512Mi\) cannot hold the worst case of postgres\.maxConnections \(200\) /,
        });
        // The advice names keys that exist: a shard's connections and query nodes are postgres.*'s.
        assert.throws(() => plan({ sharding: { shards: 1, postgres: { memory: "512Mi" } } }), {
            message:
                /raise sharding\.postgres\.memory, or lower postgres\.maxConnections, postgres\.headroomConnections, pooler\.activeBackendsPerCpu or postgres\.queryMemoryNodes$/,
        });
    });

    test("a shard sized by postgres.* where sharding.postgres leaves it empty; instances when given", () => {
        const [s] = plan({ sharding: { shards: 1, postgres: { instances: 2 } } }).postgres!.shards;
        assert.deepEqual([s.cluster.instances, s.cluster.cpu, s.cluster.memory, s.cluster.storageSize], [2, "1", "4Gi", "50Gi"]);
        assert.deepEqual(s.budget.pools, [pool("sysmanage-pg-shard-0-pooler-rw", 6, 3, 3, 3)]);
    });
});

describe("Redis", () => {
    test("the cache (volatile-lru) and the session store (3 masters, noeviction), each with its own nodes", () => {
        const { redis, sessions } = plan({
            redis: { forkCopyFraction: 0.5, sessions: { enabled: true, cpu: "250m", memory: "1Gi", storageSize: "1Gi" } },
        });
        const view = (r: NonNullable<typeof redis>) => [
            r.name,
            r.masters,
            r.replicasPerMaster,
            r.cpu,
            r.memoryLimit,
            r.storageSize,
            r.config.maxmemory,
            r.config["maxmemory-policy"],
        ];
        // maxmemory 0.52 of the limit: ⌊2048 × 0.52⌋ = 1064 MiB, ⌊1024 × 0.52⌋ = 532 MiB.
        assert.deepEqual(view(redis!), ["sysmanage-redis", 4, 1, "500m", "2Gi", "5Gi", "1064mb", "volatile-lru"]);
        assert.deepEqual(view(sessions!), ["sysmanage-redis-sessions", 3, 1, "250m", "1Gi", "1Gi", "532mb", "noeviction"]);
        // The memory model of each node: its limit, maxmemory in bytes, and half of it copied on fork.
        const MiB = 2 ** 20;
        assert.deepEqual(
            [redis!, sessions!].map((r) => [r.memory.limit, r.memory.maxmemory, r.memory.forkCopy]),
            [
                [2048 * MiB, 1064 * MiB, 532 * MiB],
                [1024 * MiB, 532 * MiB, 266 * MiB],
            ],
        );
    });

    test("what is switched off is absent", () => {
        const noSessions = plan({ redis: { sessions: { enabled: false } } });
        assert.deepEqual([noSessions.redis?.name, noSessions.sessions], ["sysmanage-redis", undefined]);
        const none = plan({ redis: { enabled: false, sessions: { enabled: true } } });
        assert.deepEqual([none.redis, none.sessions], [undefined, undefined]);
        assert.equal(plan({ postgres: { enabled: false } }).postgres, undefined);
    });
});
