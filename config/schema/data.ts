/** The data tier of the config: Postgres, its poolers, role management and Redis. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { bytes, cpu, grammar, image, int, label, optional, port, subdomain } from "../primitives";

/** `postgres`: the main CloudNativePG cluster, its backups and the analytics replica. */
export const postgres = z
    .strictObject({
        enabled: z.boolean().default(true).describe("Declare the Postgres clusters (CloudNativePG)."),
        image: image().default("ghcr.io/cloudnative-pg/postgresql:17.6").describe("Pinned Postgres image of every cluster."),
        replicas: int(0, 10).default(3).describe("Read replicas of the main cluster (instances = 1 primary + replicas; seed: 3)."),
        cpu: cpu().default("2").describe("CPU of each Postgres instance (request = limit)."),
        memory: bytes().default("8Gi").describe("Memory of each Postgres instance (request = limit); sizes the parameters."),
        storageSize: bytes().default("100Gi").describe("Data volume size per instance."),
        walStorageSize: bytes().default("20Gi").describe("Separate WAL volume size per instance."),
        storageClass: optional(g.dnsSubdomainError).default("").describe("StorageClass of the volumes; empty for the cluster default."),
        maxConnections: int(20, 10000).default(300).describe("max_connections of the main cluster (the connection budget)."),
        readQueriesPerReplica: int(1, 1000000)
            .default(1500)
            .describe(
                "Read queries/s one instance of postgres.cpu/memory serves at full load (measure yours, e.g. pgbench -S); the forecast sizes postgres.replicas from it.",
            ),
        readTargetUtilization: int(1, 100)
            .default(70)
            .describe("% of postgres.readQueriesPerReplica a replica should carry at the forecast peak."),
        superuserReservedConnections: int(1, 100).default(3).describe("superuser_reserved_connections (CloudNativePG default 3)."),
        systemReservedConnections: int(0, 1000).default(10).describe("Connections kept for the operator, replication and monitoring."),
        headroomConnections: int(0, 1000).default(20).describe("Connections kept free for humans and migrations (outside the poolers)."),
        queryMemoryNodes: int(1, 32)
            .default(2)
            .describe(
                "Sort/hash nodes one query on the main cluster may run at once, each with work_mem × hash_mem_multiplier (one hash join + one sort measured); work_mem is the largest that keeps every instance within its memory limit.",
            ),
        walKeepSize: grammar((v) =>
            /^[0-9]{1,10}(MB|GB)$/.test(v) && parseInt(v, 10) * (v.endsWith("GB") ? 1024 : 1) <= 2147483647
                ? undefined
                : "must be a size such as 512MB or 8GB, at most 2147483647MB (PostgreSQL's limit)",
        )
            .default("8GB")
            .describe("wal_keep_size: WAL the primary keeps for a lagging analytics replica."),
        operatorNamespace: label().default("cnpg-system").describe("Namespace of the CloudNativePG operator release."),
        installOperator: z.boolean().default(true).describe("Install the CloudNativePG operator (pinned Helm release)."),
        backup: z
            .strictObject({
                destinationPath: optional(g.objectStoreUrlError)
                    .default("")
                    .describe("Object-store path for base backups and WAL archive (s3://...); required in prod."),
                endpointURL: optional((v) => g.httpUrlError(v, { port: true, path: true }))
                    .default("")
                    .describe("Object-store endpoint URL; empty for AWS S3."),
                credentialsSecret: subdomain()
                    .default("sysmanage-backup-credentials")
                    .describe("Secret with ACCESS_KEY_ID and ACCESS_SECRET_KEY for the object store."),
                retentionPolicy: z
                    .string()
                    .regex(/^[1-9][0-9]*[dwm]$/, { message: "must be like 30d, 4w or 3m" })
                    .default("30d")
                    .describe("How long backups are kept."),
                schedule: grammar(g.scheduleError).default("0 0 3 * * *").describe("ScheduledBackup cron (six fields, with seconds)."),
            })
            .prefault({})
            .describe("Backups of the main cluster to an object store."),
        analytics: z
            .strictObject({
                enabled: z.boolean().default(true).describe("Declare the analytics replica cluster."),
                instances: int(1, 5)
                    .default(1)
                    .describe("Instances of the analytics replica cluster (a read-only copy; the main cluster carries the HA)."),
                cpu: cpu().default("4").describe("CPU of the analytics replica instance."),
                memory: bytes().default("16Gi").describe("Memory of the analytics replica instance (request = limit)."),
                storageSize: bytes().default("100Gi").describe("Data volume size of the analytics replica."),
                maxConnections: int(20, 10000)
                    .default(300)
                    .describe("max_connections of the analytics replica (a hot standby needs at least the primary's)."),
                queryMemoryNodes: int(1, 32)
                    .default(4)
                    .describe(
                        "Sort/hash nodes one analytics query may run at once (joins, aggregates and sorts); sizes the analytics work_mem.",
                    ),
            })
            .prefault({})
            .describe("The analytics replica: a separate cluster following the main one."),
    })
    .prefault({})
    .describe("Postgres (CloudNativePG): the main cluster and the analytics replica.");

/** `pooler`: the PgBouncer poolers in front of Postgres. */
export const pooler = z
    .strictObject({
        image: image()
            .default("ghcr.io/cloudnative-pg/pgbouncer:1.25.1")
            .describe("Pinned PgBouncer image of every pooler (CloudNativePG 1.30's default, pinned here so prod can pin it by digest)."),
        cpu: cpu().default("250m").describe("CPU request of each PgBouncer pod (PgBouncer uses one core at most)."),
        memory: bytes().default("256Mi").describe("Memory of each PgBouncer pod (request = limit: Guaranteed, never BestEffort)."),
        writeInstances: int(1, 20).default(3).describe("PgBouncer pods of the -rw pooler (to the primary)."),
        readInstances: int(1, 20)
            .default(3)
            .describe("PgBouncer pods of the read pooler (to the replicas, or any instance: pooler.readFallback)."),
        readFallback: z
            .enum(["none", "primary"])
            .default("none")
            .describe(
                "Where the read pooler sends reads when every read replica is down. none: type ro (CloudNativePG's -ro Service, replicas only: with none up it has no endpoints, and the app falls back to SYSMANAGE_DATABASE_WRITE_URL, within the write pool's budget). primary: type r (-r, every instance: the primary takes a share of reads all the time, and its connection budget counts the read pooler's pods too, halving prod's write pools). Without replicas the read pooler is always r.",
            ),
        analyticsInstances: int(1, 20).default(2).describe("PgBouncer pods of the analytics pooler."),
        maxClientConn: int(1, 100000).default(1000).describe("max_client_conn per pooler pod (seed: 1000)."),
        clientTargetUtilization: int(1, 100)
            .default(70)
            .describe("% of max_client_conn a pooler pod should carry at the forecast peak of client connections."),
        defaultPoolSize: int(1, 1000).default(50).describe("default_pool_size before the budget caps it (seed: 50)."),
        minPoolSize: int(0, 1000).default(10).describe("min_pool_size (seed: 10)."),
        reservePoolSize: int(0, 1000).default(10).describe("reserve_pool_size (seed: 10)."),
        maxDbConnections: int(1, 10000)
            .default(100)
            .describe("Upper bound of max_db_connections per pod (seed: 100); the budget may lower it."),
        activeBackendsPerCpu: int(1, 16)
            .default(4)
            .describe(
                "Active backends per vCPU of the target instance: its poolers' pods share (cpu × this) + 1 spindle server connections, plus as many in reserve ((cores × 2) + spindles, doubled for the time a transaction-pooled connection waits on the app and on commits; issue 19).",
            ),
        maxPreparedStatements: int(1, 5000)
            .default(200)
            .describe(
                "max_prepared_statements: protocol-level prepared statements PgBouncer tracks per server connection (asyncpg prepares every statement; 0 would break it in transaction mode).",
            ),
        queryWaitTimeoutSeconds: int(1, 3600)
            .default(10)
            .describe(
                "query_wait_timeout of the -rw and read poolers: a client waiting longer for a server connection gets an error instead of latency (PgBouncer's 120 s hid a saturated pool; issue 19).",
            ),
        analyticsQueryWaitTimeoutSeconds: int(1, 86400)
            .default(120)
            .describe("query_wait_timeout of the analytics pooler: its queries run for minutes, so a client may queue longer."),
    })
    .prefault({})
    .describe("PgBouncer poolers (CloudNativePG Pooler) with the seed's settings.");

/** `databaseAccess`: how the deployer reaches Postgres to manage roles and grants. */
export const databaseAccess = z
    .strictObject({
        manageRoles: z
            .boolean()
            .default(true)
            .describe("Manage roles and grants with @pulumi/postgresql (off when the deployer cannot reach the database)."),
        host: grammar(g.hostError)
            .default("127.0.0.1")
            .describe("Host the deployer reaches the primary at (e.g. kubectl port-forward svc/<cluster>-rw 5432)."),
        port: port().default(5432).describe("Port the deployer reaches the primary at."),
        sslmode: z.enum(["require", "verify-ca", "verify-full"]).default("require").describe("TLS mode of the role-management connection."),
        adminUsername: grammar(g.pgRoleNameError)
            .default("sysmanage_admin")
            .describe("Role the provider connects as (CREATEROLE, not superuser)."),
        credentialsVersion: int(1, 1000000)
            .default(1)
            .describe(
                "Raise it to rotate the app roles' passwords: it is the passwords' keepers and a pod-template annotation of every connected workload, so the Deployments roll onto the new Secrets (docs/data-tier.md).",
            ),
    })
    .prefault({})
    .describe("How the deployer manages roles and grants.");

/** `redis`: the Redis Cluster cache. */
export const redis = z
    .strictObject({
        enabled: z.boolean().default(true).describe("Declare the Redis Cluster (OT-CONTAINER-KIT redis-operator)."),
        image: image().default("quay.io/opstree/redis:v7.0.15").describe("Pinned Redis image."),
        exporterImage: image().default("quay.io/opstree/redis-exporter:v1.44.0").describe("Pinned redis-exporter image."),
        masters: int(3, 100).default(3).describe("Shards (masters), at least 3."),
        replicasPerMaster: int(0, 5).default(1).describe("Replicas per master (at least 1 in staging and prod)."),
        cpu: cpu().default("500m").describe("CPU request of each Redis node."),
        memory: bytes().default("2Gi").describe("Memory of each Redis node (request = limit); maxmemory derives from it."),
        maxmemoryRatio: z
            .number()
            .min(0.5)
            .max(0.9)
            .default(0.52)
            .describe(
                "maxmemory as a fraction of the memory limit. The limit must hold maxmemory + fragmentation + a fork's copy-on-write + replication buffers (docs/data-tier.md, Redis memory); 0.78 did not (issue 19).",
            ),
        forkCopyFraction: z
            .number()
            .min(0)
            .max(1)
            .default(g.DEFAULT_FORK_COPY_FRACTION)
            .describe(
                "Fraction of the data set a fork (replica full sync) may copy on write while it runs: 0.4 measured in the cluster, 0.48-0.57 in the real-server test at 10,000 writes/s (issue 19).",
            ),
        evictionPolicy: z
            .enum(["allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "volatile-ttl", "noeviction"])
            .default("volatile-lru")
            .describe("maxmemory-policy: volatile-lru evicts only keys with a TTL (cache keys carry one; docs/data-tier.md)."),
        storageSize: bytes().default("5Gi").describe("Volume per node for RDB snapshots and nodes.conf."),
        allowShardJump: z.boolean().default(false).describe("Allow changing masters by more than one per update."),
        sessions: z
            .strictObject({
                enabled: z
                    .boolean()
                    .default(true)
                    .describe(
                        "Keep sessions in their own small Redis Cluster with maxmemory-policy noeviction, so the cache's evictions never log a user out (docs/data-tier.md, key families).",
                    ),
                cpu: cpu().default("250m").describe("CPU request of each session-store node."),
                memory: bytes()
                    .default("1Gi")
                    .describe(
                        "Memory of each session-store node (request = limit); its maxmemory is redis.maxmemoryRatio of it, and the memory model of redis.memory applies.",
                    ),
                storageSize: bytes().default("1Gi").describe("Volume per session-store node (nodes.conf)."),
            })
            .prefault({})
            .describe(
                "The session store: a Redis Cluster of 3 masters (the operator's minimum) with redis.replicasPerMaster replicas each, the cache's images and ratios, and noeviction.",
            ),
        credentialsVersion: int(1, 1000000)
            .default(1)
            .describe(
                "Raise it to rotate the AUTH passwords of the cache and the session store: it is the passwords' keepers, an annotation of the RedisClusters (the operator copies it onto their pod templates, so it rolls the Redis pods) and of the pods that hold a Redis password, all in one update; the connections refused meanwhile and the refusal-free procedure are in docs/data-tier.md, Rotating the credentials.",
            ),
        operatorNamespace: label().default("redis-operator").describe("Namespace of the redis-operator release."),
        installOperator: z.boolean().default(true).describe("Install the redis-operator (pinned Helm release)."),
    })
    .prefault({})
    .describe("The Redis Cluster cache.");
