import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { dataTierPlan } from "../../../plan/dataTier";
import { MOCK_PASSWORD } from "../../../tools/mockRuntime";
import { readAppConfig } from "../../../config/stackFile";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { find, objectsOf, rendered, renderWith, STACKS, type Obj } from "../../support/render";
import { PGBOUNCER_FIXED } from "../../support/pgbouncerSeed";

const planOf = (stack: string) => dataTierPlan(readAppConfig(PROJECT_DIR, stack));

/** An OLTP instance of prod (2 CPU, 8Gi) at its worst, in MiB (test/unit/lib/postgresMemory.test.ts works the terms out). */
const OLTP_MEMORY = {
    limit: 8192,
    budget: 7373,
    shared: 2064, // shared_buffers 2048 + wal_buffers 16
    connections: 604, // (300 + 2 parallel workers) × 2
    queries: 3664, // (38 + 2) × 2 nodes × 21 × 2 + 38 × 8
    maintenance: 409,
    autovacuum: 489, // 3 × 163
    process: 128,
    worstCase: 7358,
};

describe("Postgres clusters (CloudNativePG)", () => {
    test("prod main cluster: 1 primary + 3 replicas, pinned image, guaranteed QoS, no superuser, spread, backups, monitoring, waits for Ready", async () => {
        const c = find(await objectsOf("prod"), "Cluster", "sysmanage-pg");
        assert.equal(c.spec.instances, 4);
        // The configured tag, pinned by the digest prod lists in images.digests.
        assert.equal(
            c.spec.imageName,
            "ghcr.io/cloudnative-pg/postgresql:17.6@sha256:30b304a2e300ed80b6d1b740e4369e9b0f25599fb518de78c01fd9f25531791b",
        );
        assert.deepEqual(c.spec.resources, { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "2", memory: "8Gi" } });
        assert.equal(c.spec.enableSuperuserAccess, false);
        assert.deepEqual(c.spec.storage, { size: "100Gi" });
        assert.deepEqual(c.spec.walStorage, { size: "20Gi" });
        assert.deepEqual(c.spec.affinity, {
            enablePodAntiAffinity: true,
            podAntiAffinityType: "required",
            topologyKey: "kubernetes.io/hostname",
        });
        assert.equal(c.spec.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
        assert.equal(c.spec.topologySpreadConstraints[0].whenUnsatisfiable, "DoNotSchedule");
        assert.deepEqual(c.spec.bootstrap, { initdb: { database: "sysmanage", owner: "sysmanage_owner", dataChecksums: true } });
        assert.equal(c.spec.backup.barmanObjectStore.destinationPath, "s3://sysmanage-backups/prod");
        assert.equal(c.spec.backup.retentionPolicy, "30d");
        // Scraped by a PodMonitor of ours, not the operator's deprecated switch.
        assert.equal(c.spec.monitoring, undefined);
        const monitor = find(await objectsOf("prod"), "PodMonitor", "sysmanage-pg-metrics");
        assert.deepEqual(monitor.spec, {
            selector: { matchLabels: { "cnpg.io/cluster": "sysmanage-pg", "cnpg.io/podRole": "instance" } },
            podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "15s" }],
        });
        assert.equal(c.metadata.annotations["pulumi.com/waitFor"], "condition=Ready");
        assert.deepEqual(c.spec.postgresql.parameters, planOf("prod").postgres!.main.parameters);
        assert.equal(c.spec.postgresql.parameters.max_connections, "300");
        assert.equal(c.spec.postgresql.parameters.shared_buffers, "2048MB");
        assert.equal(c.spec.postgresql.parameters.password_encryption, "scram-sha-256");
        assert.deepEqual(
            c.spec.managed.roles.map((r: Obj) => [r.name, r.login, r.superuser, r.createrole, r.inRoles]),
            [["sysmanage_admin", true, false, true, ["sysmanage_owner"]]],
        );
    });
    test("read replicas per stack: prod 3, staging 1, dev 0", async () => {
        for (const [stack, n] of [
            ["prod", 4],
            ["staging", 2],
            ["dev", 1],
        ] as const) {
            assert.equal(find(await objectsOf(stack), "Cluster", "sysmanage-pg").spec.instances, n, stack);
        }
    });
    test("analytics replica follows the main cluster over TLS streaming with archive fallback, tuned for long queries", async () => {
        const a = find(await objectsOf("prod"), "Cluster", "sysmanage-pg-analytics");
        assert.equal(a.spec.instances, 1);
        assert.deepEqual(a.spec.replica, { enabled: true, source: "sysmanage-pg" });
        // The copy's database and owner are the source's, not the operator's defaults (app/app).
        assert.deepEqual(a.spec.bootstrap, { pg_basebackup: { source: "sysmanage-pg", database: "sysmanage", owner: "sysmanage_owner" } });
        const ext = a.spec.externalClusters[0];
        assert.deepEqual(ext.connectionParameters, {
            host: "sysmanage-pg-rw",
            user: "streaming_replica",
            sslmode: "verify-full",
            dbname: "postgres",
        });
        assert.deepEqual(
            [ext.sslCert.name, ext.sslKey.name, ext.sslRootCert.name],
            ["sysmanage-pg-replication", "sysmanage-pg-replication", "sysmanage-pg-ca"],
        );
        assert.equal(ext.barmanObjectStore.serverName, "sysmanage-pg");
        const p = a.spec.postgresql.parameters;
        assert.deepEqual(
            [p.max_standby_streaming_delay, p.max_standby_archive_delay, p.hot_standby_feedback, p.work_mem],
            // Issue 19 finding 7: replay waits as long as the analytics role's statement_timeout (1h).
            // Finding 2: work_mem from the memory model (was 40MB: 36 pooled + 20 direct queries × 4 nodes did not fit 16Gi).
            ["1h", "1h", "off", "15MB"],
        );
        assert.deepEqual(a.spec.resources.requests, { cpu: "4", memory: "16Gi" });
        assert.deepEqual(a.metadata.annotations["sysmanage.io/active-backends"], "56"); // 2 pods × 18 + 20 direct
        const r = await rendered("prod");
        assert.ok(r.resources.find((x) => x.name === "postgres-analytics-cluster")!.options.dependsOn.includes("postgres-cluster"));
    });
    test("every cluster depends on the operator release; a daily ScheduledBackup exists in staging and prod", async () => {
        const r = await rendered("prod");
        for (const n of ["postgres-cluster", "postgres-analytics-cluster"])
            assert.ok(r.resources.find((x) => x.name === n)!.options.dependsOn.includes("data-operators-cnpg"), n);
        const sb = find(await objectsOf("prod"), "ScheduledBackup", "sysmanage-pg-daily");
        assert.deepEqual(sb.spec, {
            schedule: "0 0 3 * * *",
            cluster: { name: "sysmanage-pg" },
            method: "barmanObjectStore",
            backupOwnerReference: "self",
            immediate: true,
        });
    });
});

describe("PgBouncer poolers and the connection budget", () => {
    test("prod: three poolers with the seed's settings, pools sized from the instances' CPU within the budget", async () => {
        const objects = await objectsOf("prod");
        const rw = find(objects, "Pooler", "sysmanage-pg-pooler-rw");
        assert.deepEqual(
            [rw.spec.type, rw.spec.instances, rw.spec.cluster.name, rw.spec.pgbouncer.poolMode],
            ["rw", 3, "sysmanage-pg", "transaction"],
        );
        assert.deepEqual(rw.spec.pgbouncer.parameters, {
            max_client_conn: "1000",
            // Issue 19, finding 3: was 50/10/10 and 89 per pod (267 backends on a 2-vCPU primary);
            // now (2 vCPU × 4 + 1 spindle) = 9 active backends over 3 pods = 3 each, reserve 3.
            default_pool_size: "3",
            min_pool_size: "3",
            reserve_pool_size: "3",
            reserve_pool_timeout: "5",
            max_db_connections: "6",
            max_user_connections: "6",
            ...PGBOUNCER_FIXED,
        });
        const ro = find(objects, "Pooler", "sysmanage-pg-pooler-ro");
        assert.deepEqual([ro.spec.type, ro.spec.instances], ["ro", 3]);
        const an = find(objects, "Pooler", "sysmanage-pg-analytics-pooler-ro");
        assert.deepEqual(
            [
                an.spec.type,
                an.spec.cluster.name,
                an.spec.instances,
                an.spec.pgbouncer.parameters.max_db_connections,
                an.spec.pgbouncer.parameters.query_wait_timeout,
            ],
            ["rw", "sysmanage-pg-analytics", 2, "18", "120"],
        );
        // The budget still holds: instances × max_db_connections <= max_connections − 3 − 10 − 20.
        assert.ok(3 * 6 <= 300 - 3 - 10 - 20);
        // Analytics: (4 vCPU × 4 + 1) = 17 over 2 pods = 9 each + reserve 9.
        assert.ok(2 * 18 <= 300 - 3 - 10 - 20);
        assert.deepEqual((await rendered("prod")).outputs.dataTier, {
            postgres: {
                instances: 4,
                analyticsReplica: true,
                poolers: { "sysmanage-pg-pooler-rw": 3, "sysmanage-pg-pooler-ro": 3, "sysmanage-pg-analytics-pooler-ro": 2 },
                budgets: [
                    { target: "sysmanage-pg primary", available: 267, used: 18 },
                    { target: "sysmanage-pg replica", available: 267, used: 18 },
                    { target: "sysmanage-pg-analytics", available: 267, used: 36 },
                    // Each shard's -rw pooler: 3 pods × 6, as the main one.
                    { target: "sysmanage-pg-shard-0 primary", available: 267, used: 18 },
                    { target: "sysmanage-pg-shard-1 primary", available: 267, used: 18 },
                ],
                // Issue 19 finding 2, in MiB (test/unit/lib/postgresMemory.test.ts works the terms out).
                memoryMiB: {
                    "sysmanage-pg": OLTP_MEMORY,
                    "sysmanage-pg-analytics": {
                        limit: 16384,
                        budget: 14746,
                        shared: 4112,
                        connections: 608, // (300 + 4) × 2
                        queries: 7648, // (56 + 4) × 4 nodes × 15 × 2 + 56 × 8
                        maintenance: 819,
                        autovacuum: 981, // 3 × 327
                        process: 128,
                        worstCase: 14296,
                    },
                    // Prod's two shards (issue 18): the main cluster's sizing, so its figures.
                    "sysmanage-pg-shard-0": OLTP_MEMORY,
                    "sysmanage-pg-shard-1": OLTP_MEMORY,
                },
            },
            redis: {
                masters: 3,
                replicasPerMaster: 1,
                // 2Gi at ratio 0.52: 1064 × (1 + 0.1 + 0.6) + backlog 2048/32 + one replica buffer 2048/16 + 16.
                memoryMiB: {
                    limit: 2048,
                    maxmemory: 1064,
                    fragmentation: 106,
                    forkCopy: 638,
                    backlog: 64,
                    replicaBuffers: 128,
                    process: 16,
                    worstCase: 2017,
                },
            },
            // The session store: 1Gi at 0.52 (532), the same shares: 532 × 1.7 + 1024/32 + 1024/16 + 16.
            sessions: {
                masters: 3,
                replicasPerMaster: 1,
                memoryMiB: {
                    limit: 1024,
                    maxmemory: 532,
                    fragmentation: 53,
                    forkCopy: 319,
                    backlog: 32,
                    replicaBuffers: 64,
                    process: 16,
                    worstCase: 1016,
                },
            },
        });
    });
    test("dev has no replicas: the read pooler is type r and shares the primary's budget with the write pooler", async () => {
        const objects = await objectsOf("dev");
        const read = find(objects, "Pooler", "sysmanage-pg-pooler-r");
        assert.equal(read.spec.type, "r");
        const budgets = planOf("dev").postgres!.budgets;
        assert.deepEqual(
            budgets.map((b) => [b.target, b.available, b.used, b.pools.map((p) => [p.pooler, p.maxDbConnections])]),
            [
                [
                    // 100 − 3 − 10 − 5 (dev's postgres.headroomConnections)
                    "sysmanage-pg primary",
                    82,
                    12,
                    [
                        ["sysmanage-pg-pooler-rw", 6],
                        ["sysmanage-pg-pooler-r", 6],
                    ],
                ],
                ["sysmanage-pg-analytics", 82, 10, [["sysmanage-pg-analytics-pooler-ro", 10]]],
            ],
        );
    });
    test("a config that breaks the budget is refused with the numbers", async () => {
        await assert.rejects(renderWith("prod", { pooler: { writeInstances: 20 } }), {
            message:
                "Pulumi.prod.yaml: connection budget of sysmanage-pg primary: 20 pooler pods × at least 20 server connections (min_pool_size 10 + reserve_pool_size 10) = 400 > 267 available (max_connections 300 − superuser_reserved 3 − system 10 − headroom 20); raise max_connections or lower the pooler instances",
        });
    });
    test("a WAL volume that cannot hold max_wal_size + wal_keep_size is refused", async () => {
        await assert.rejects(renderWith("prod", { postgres: { walStorageSize: "10Gi", backup: { destinationPath: "s3://b/p" } } }), {
            message:
                "Pulumi.prod.yaml: WAL volume 10Gi cannot hold max_wal_size 4096MB + wal_keep_size 8GB with 10 % to spare; raise postgres.walStorageSize or lower postgres.walKeepSize",
        });
    });
    test("every pooler has a PDB allowing one eviction and spreads over zones and hosts", async () => {
        const objects = await objectsOf("prod");
        for (const name of ["sysmanage-pg-pooler-rw", "sysmanage-pg-pooler-ro", "sysmanage-pg-analytics-pooler-ro"]) {
            assert.deepEqual(find(objects, "PodDisruptionBudget", name).spec, {
                maxUnavailable: 1,
                selector: { matchLabels: { "cnpg.io/poolerName": name } },
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            });
            const spread = find(objects, "Pooler", name).spec.template.spec.topologySpreadConstraints;
            assert.deepEqual(
                spread.map((s: Obj) => s.topologyKey),
                ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
            );
        }
    });
});

describe("roles, grants and secrets", () => {
    test("role management: non-superuser provider over TLS, roles and grants from the privilege plan", async () => {
        const all = await rendered("prod");
        // The main cluster's roles here; prod's two shards (issue 18) each have the write role only, below.
        const r = { resources: all.resources.filter((x) => !x.name.startsWith("db-roles-shard-")) };
        const provider = r.resources.find((x) => x.type === "pulumi:providers:postgresql")!;
        // Provider inputs reach the engine as strings.
        assert.deepEqual(
            [provider.inputs.username, provider.inputs.superuser, provider.inputs.sslmode, provider.inputs.database],
            ["sysmanage_admin", "false", "require", "sysmanage"],
        );
        const roles = r.resources.filter((x) => x.type === "postgresql:index/role:Role").map((x) => [x.inputs.name, x.inputs.login]);
        assert.deepEqual(roles, [
            ["sysmanage_analytics", true],
            ["sysmanage_read", true],
            ["sysmanage_write", true],
        ]);
        const grants = r.resources
            .filter((x) => x.type === "postgresql:index/grant:Grant" && x.inputs.objectType === "table")
            .map((x) => [x.inputs.role, x.inputs.privileges]);
        assert.deepEqual(grants, [
            ["sysmanage_analytics", ["SELECT"]],
            ["sysmanage_read", ["SELECT"]],
            ["sysmanage_write", ["SELECT", "INSERT", "UPDATE", "DELETE"]],
        ]);
        const defaults = r.resources.filter(
            (x) => x.type === "postgresql:index/defaultPrivileges:DefaultPrivileges" && x.inputs.objectType === "table",
        );
        assert.deepEqual(
            defaults.map((x) => [x.inputs.role, x.inputs.owner, x.inputs.schema]),
            [
                ["sysmanage_analytics", "sysmanage_owner", "sysmanage"],
                ["sysmanage_read", "sysmanage_owner", "sysmanage"],
                ["sysmanage_write", "sysmanage_owner", "sysmanage"],
            ],
        );
        // Each shard: a provider at sharding.adminPort + index (5433, 5434), the write role and its grants.
        const shards = all.resources.filter((x) => x.name.startsWith("db-roles-shard-"));
        assert.deepEqual(
            shards.filter((x) => x.type === "pulumi:providers:postgresql").map((x) => [x.name, x.inputs.port, x.inputs.username]),
            [
                ["db-roles-shard-0-provider", "5433", "sysmanage_admin"],
                ["db-roles-shard-1-provider", "5434", "sysmanage_admin"],
            ],
        );
        assert.deepEqual(
            shards
                .filter((x) => x.type === "postgresql:index/grant:Grant" && x.inputs.objectType === "table")
                .map((x) => [x.name, x.inputs.role]),
            [
                ["db-roles-shard-0-sysmanage_write-tables", "sysmanage_write"],
                ["db-roles-shard-1-sysmanage_write-tables", "sysmanage_write"],
            ],
        );
        const pw = all.resources
            .filter((x) => x.type === "random:index/randomPassword:RandomPassword")
            .map((x) => [x.name, x.inputs.length, x.inputs.special]);
        // The three roles', the admin's, the cache's and the session store's AUTH; each shard's write role and admin.
        assert.equal(pw.length, 6 + 2 * 2);
        for (const [, length, special] of pw) assert.deepEqual([length, special], [40, false]);
    });
    test("the app gets one Secret per role pointing at its pooler", async () => {
        const objects = await objectsOf("prod");
        const host = (n: string) => find(objects, "Secret", n).stringData.host;
        assert.deepEqual(
            [host("sysmanage-write"), host("sysmanage-read"), host("sysmanage-analytics")],
            ["sysmanage-pg-pooler-rw", "sysmanage-pg-pooler-ro", "sysmanage-pg-analytics-pooler-ro"],
        );
        assert.equal(
            find(objects, "Secret", "sysmanage-write").stringData.uri,
            `postgresql://sysmanage_write:${MOCK_PASSWORD}@sysmanage-pg-pooler-rw:5432/sysmanage?sslmode=require`,
        );
    });
    test("manageRoles off: no provider, roles or grants; Secrets and clusters stay", async () => {
        const r = await renderWith("prod", { databaseAccess: { manageRoles: false } });
        assert.equal(r.resources.filter((x) => x.type.startsWith("postgresql:") || x.type === "pulumi:providers:postgresql").length, 0);
        // The three roles' and the two Redis clusters' AUTH, and each shard's write role.
        assert.equal(r.resources.filter((x) => x.type === "kubernetes:core/v1:Secret").length, 5 + 2);
        const cluster = r.resources.find((x) => x.name === "postgres-cluster")!.inputs as Obj;
        assert.equal(cluster.spec.managed, undefined);
    });
});

describe("Redis Cluster", () => {
    test("prod: 3 masters with 1 replica each, AUTH from a Secret, our config, exporter, nodes.conf on a volume, PDBs", async () => {
        const objects = await objectsOf("prod");
        const rc = find(objects, "RedisCluster", "sysmanage-redis");
        assert.deepEqual([rc.spec.clusterSize, rc.spec.redisLeader.replicas, rc.spec.redisFollower.replicas], [3, 3, 3]);
        assert.deepEqual(rc.spec.kubernetesConfig.redisSecret, { name: "sysmanage-redis-auth", key: "password" });
        assert.deepEqual(rc.spec.kubernetesConfig.resources, { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } });
        assert.equal(rc.spec.redisExporter.enabled, true);
        assert.equal(rc.spec.storage.nodeConfVolume, true);
        assert.deepEqual(rc.spec.redisLeader.pdb, { enabled: true, maxUnavailable: 1 });
        assert.equal(rc.spec.redisLeader.redisConfig.additionalRedisConfig, "sysmanage-redis-config");
        const conf = find(objects, "ConfigMap", "sysmanage-redis-config").data["redis-additional.conf"];
        // Issue 19: 1064 MiB of a 2048 MiB limit (52 %) leaves room for a fork; no save points.
        assert.match(conf, /^maxmemory 1064mb$/m);
        assert.match(conf, /^maxmemory-policy volatile-lru$/m);
        assert.match(conf, /^save ""$/m);
        assert.equal(Math.round((1064 / 2048) * 100), 52);
    });
    test("resharding moves one shard per update against the deployed count, unless allowed", async () => {
        const deployed = { dataTier: { redis: { masters: 3, replicasPerMaster: 1 } } };
        await assert.rejects(renderWith("prod", { redis: { masters: 5 } }, deployed), {
            message:
                "Pulumi.prod.yaml: redis.masters: changing from 3 to 5 masters moves 2 shards in one update; change by one per update or set redis.allowShardJump: true",
        });
        const one = await renderWith("prod", { redis: { masters: 4 } }, deployed);
        assert.equal((one.resources.find((x) => x.type.endsWith(":RedisCluster"))!.inputs as Obj).spec.clusterSize, 4);
        const allowed = await renderWith("prod", { redis: { masters: 5, allowShardJump: true } }, deployed);
        assert.equal((allowed.resources.find((x) => x.type.endsWith(":RedisCluster"))!.inputs as Obj).spec.clusterSize, 5);
        // A first deployment (no outputs yet) may start at any size.
        const first = await renderWith("prod", { redis: { masters: 6 } });
        assert.equal((first.resources.find((x) => x.type.endsWith(":RedisCluster"))!.inputs as Obj).spec.clusterSize, 6);
        // The stack reads its own last outputs through a StackReference to itself.
        assert.deepEqual(
            first.resources.filter((x) => x.type === "pulumi:pulumi:StackReference").map((x) => [x.name, x.inputs.name]),
            [["self", "organization/sysmanage-scaling/prod"]],
        );
    });
    test("dev runs without replicas; staging and prod with one per master", async () => {
        // Followers: none in dev; in staging and prod one per master, whatever count the forecast sized.
        for (const [stack, perMaster] of [
            ["dev", 0],
            ["staging", 1],
            ["prod", 1],
        ] as const) {
            const spec = find(await objectsOf(stack), "RedisCluster", "sysmanage-redis").spec;
            assert.ok(spec.clusterSize >= 3, stack);
            assert.equal(spec.redisFollower.replicas, perMaster * spec.clusterSize, stack);
        }
    });
});

describe("data-tier network policies", () => {
    test("Postgres only from poolers, replicas and the operator; poolers only from the apps; Redis only from the API and workers", async () => {
        const objects = await objectsOf("prod");
        const np = (n: string) => find(objects, "NetworkPolicy", n).spec;
        const pg = np("allow-postgres");
        assert.deepEqual(pg.podSelector, { matchLabels: { "cnpg.io/podRole": "instance" } });
        assert.deepEqual(pg.ingress[0].from, [
            { podSelector: { matchLabels: { "cnpg.io/podRole": "pooler" } } },
            { podSelector: { matchLabels: { "cnpg.io/podRole": "instance" } } },
        ]);
        assert.deepEqual(pg.ingress[1], {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cnpg-system" } } }],
            ports: [
                { protocol: "TCP", port: 5432 },
                { protocol: "TCP", port: 8000 },
            ],
        });
        const pool = np("allow-poolers");
        assert.deepEqual(pool.ingress[0], {
            from: [
                {
                    podSelector: {
                        matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["api", "worker", "analytics"] }],
                    },
                },
            ],
            ports: [{ protocol: "TCP", port: 5432 }],
        });
        const redis = np("allow-redis");
        assert.deepEqual(redis.ingress[0].from, [
            { podSelector: { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["api", "worker"] }] } },
        ]);
        assert.deepEqual(redis.ingress[1].ports, [
            { protocol: "TCP", port: 6379 },
            { protocol: "TCP", port: 16379 },
        ]);
        // Pooler and Postgres pods carry the labels these policies rely on.
        assert.equal(
            find(objects, "Pooler", "sysmanage-pg-pooler-rw").spec.template.metadata.labels["app.kubernetes.io/component"],
            "pooler",
        );
    });
});

describe("stacks", () => {
    test("every stack declares the data tier", async () => {
        // The main cluster and the analytics replica; prod also its two shards.
        for (const stack of STACKS)
            assert.equal((await objectsOf(stack)).filter((o) => o.kind === "Cluster").length, stack === "prod" ? 4 : 2, stack);
    });
});
