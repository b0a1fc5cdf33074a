/**
 * The data tier as plain data, from the validated config: cluster names, instance counts,
 * Postgres parameters, pooler pool sizes within the connection budget, Redis settings and the
 * privilege plan. Components declare resources from it; tests run real servers with it.
 */
import { pinImage } from "../lib/images";
import type { AppConfig } from "../config/schema";
import { quantityValue } from "../policies/contract";
import { activeBackends, sizePools, type BudgetReport, type BudgetTarget, type PoolSeed } from "../lib/data/connectionBudget";
import { pgbouncerParameters, PGBOUNCER_SEED } from "../lib/data/pgbouncer";
import { postgresParameters, type PostgresSizing } from "../lib/data/postgresParams";
import { postgresMemoryModel, type PostgresMemoryModel } from "../policies/contract/postgresMemory";
import { privilegePlan, type PrivilegePlan } from "../lib/data/privileges";
import { redisConfig, redisMemoryModel } from "../lib/data/redis";
import type { RedisMemoryModel } from "../policies/contract/redisMemory";

export const PG_CLUSTER = "sysmanage-pg";
export const PG_ANALYTICS_CLUSTER = "sysmanage-pg-analytics";
export const REDIS_CLUSTER = "sysmanage-redis";
export const REDIS_SESSIONS_CLUSTER = "sysmanage-redis-sessions";
/** The session store's masters: the operator's minimum cluster size (sessions are small; memory sizes it). */
export const SESSION_MASTERS = 3;
export const DATABASE = "sysmanage";

export interface PoolerPlan {
    /** Pooler name = the Service the app dials. */
    readonly name: string;
    readonly cluster: string;
    /** rw: the primary; ro: the replicas; r: any instance (a cluster without replicas). */
    readonly type: "rw" | "ro" | "r";
    readonly instances: number;
    readonly poolMode: "transaction";
    readonly parameters: Record<string, string>;
    /** The pgbouncer container: pinned image, and requests = limits (Guaranteed). */
    readonly image: string;
    readonly cpu: string;
    readonly memory: string;
}

export interface PostgresClusterPlan {
    readonly name: string;
    readonly instances: number;
    readonly parameters: Record<string, string>;
    readonly cpu: string;
    readonly memory: string;
    readonly storageSize: string;
    readonly walStorageSize: string;
    /** The memory model's assumptions, written as annotations (PG_MEMORY_ANNOTATIONS) for the pack. */
    readonly memoryModel: { readonly activeBackends: number; readonly nodesPerQuery: number };
    /** Each instance's worst moment against its memory limit (work_mem was sized to fit it). */
    readonly memoryUse: PostgresMemoryModel;
}

export interface DataTierPlan {
    readonly postgres?: {
        readonly main: PostgresClusterPlan;
        readonly analytics?: PostgresClusterPlan;
        readonly poolers: PoolerPlan[];
        readonly budgets: BudgetReport[];
        readonly privileges: PrivilegePlan;
        /** The shard clusters (sharding.shards), none when sharding is off. */
        readonly shards: readonly ShardPlan[];
    };
    /** The cache (volatile-lru: evicts keys with a TTL). */
    readonly redis?: RedisPlan;
    /** The session store (noeviction: a live session is never evicted); the API's only. */
    readonly sessions?: RedisPlan;
}

/** One shard: its cluster, its -rw pooler within its own connection budget, and its roles. */
export interface ShardPlan {
    readonly index: number;
    readonly cluster: PostgresClusterPlan;
    readonly pooler: PoolerPlan;
    readonly budget: BudgetReport;
    readonly privileges: PrivilegePlan;
}

/** One Redis Cluster: the cache or the session store, declared by the same component. */
export interface RedisPlan {
    readonly name: string;
    readonly masters: number;
    readonly replicasPerMaster: number;
    readonly config: Record<string, string>;
    /** Each node's worst moment against its container limit (the config rule has checked it fits). */
    readonly memory: RedisMemoryModel;
    readonly cpu: string;
    readonly memoryLimit: string;
    readonly storageSize: string;
}

export function dataTierPlan(c: AppConfig): DataTierPlan {
    const postgres = c.postgres.enabled ? postgresPlan(c) : undefined;
    const r = c.redis;
    const redis = r.enabled ? redisPlan(c, REDIS_CLUSTER, r.masters, r, r.evictionPolicy) : undefined;
    // Sessions must outlive the cache's evictions: their own cluster refuses writes when full instead.
    const sessions =
        r.enabled && r.sessions.enabled ? redisPlan(c, REDIS_SESSIONS_CLUSTER, SESSION_MASTERS, r.sessions, "noeviction") : undefined;
    return { postgres, redis, sessions };
}

function redisPlan(
    c: AppConfig,
    name: string,
    masters: number,
    node: { readonly cpu: string; readonly memory: string; readonly storageSize: string },
    evictionPolicy: string,
): RedisPlan {
    const r = c.redis;
    return {
        name,
        masters,
        replicasPerMaster: r.replicasPerMaster,
        config: redisConfig({ memoryLimit: node.memory, maxmemoryRatio: r.maxmemoryRatio, evictionPolicy }),
        memory: redisMemoryModel({
            memoryLimit: node.memory,
            maxmemoryRatio: r.maxmemoryRatio,
            forkCopyFraction: r.forkCopyFraction,
            replicasPerMaster: r.replicasPerMaster,
        }),
        cpu: node.cpu,
        memoryLimit: node.memory,
        storageSize: node.storageSize,
    };
}

type PoolerDemand = { readonly name: string; readonly maxInstances: number };

function postgresPlan(c: AppConfig): NonNullable<DataTierPlan["postgres"]> {
    const pg = c.postgres;
    // -ro selects replicas only (no endpoints when none is up); -r every instance, the primary too.
    const readType = pg.replicas > 0 && c.pooler.readFallback === "none" ? "ro" : "r";
    // A Pooler's Service takes the Pooler's name, and the operator patches any Service of that
    // name: `<cluster>-rw/-ro/-r` are the Cluster's own Services, so poolers are `<cluster>-pooler-<type>`.
    const write = { name: `${PG_CLUSTER}-pooler-rw`, maxInstances: c.pooler.writeInstances };
    const read = { name: `${PG_CLUSTER}-pooler-${readType}`, maxInstances: c.pooler.readInstances };
    // Type rw (the replica cluster's designated primary: a standby, so read-only in practice),
    // named -ro for what the app gets from it.
    const analyticsPooler = { name: `${PG_ANALYTICS_CLUSTER}-pooler-ro`, maxInstances: c.pooler.analyticsInstances };
    const budgets = poolBudgets(c, write, read, analyticsPooler);
    const pooler = (d: PoolerDemand, cluster: string, type: PoolerPlan["type"]) => poolerPlan(c, d, cluster, type, budgets);
    const { main, analytics } = clusterPlans(c, budgets);
    return {
        main,
        analytics,
        poolers: [
            pooler(write, PG_CLUSTER, "rw"),
            pooler(read, PG_CLUSTER, readType),
            ...(analytics ? [pooler(analyticsPooler, PG_ANALYTICS_CLUSTER, "rw")] : []),
        ],
        budgets,
        privileges: privilegePlan(DATABASE, DATABASE),
        shards: shardPlans(c),
    };
}

/** One pooler of `cluster` with the pool its budget gave it: the main cluster's, the analytics replica's and each shard's. */
function poolerPlan(
    c: AppConfig,
    d: PoolerDemand,
    cluster: string,
    type: PoolerPlan["type"],
    budgets: readonly BudgetReport[],
): PoolerPlan {
    const pool = budgets.flatMap((b) => b.pools).find((p) => p.pooler === d.name)!;
    return {
        name: d.name,
        cluster,
        type,
        instances: d.maxInstances,
        poolMode: PGBOUNCER_SEED.poolMode,
        parameters: pgbouncerParameters({
            maxClientConn: c.pooler.maxClientConn,
            pool,
            maxPreparedStatements: c.pooler.maxPreparedStatements,
            queryWaitTimeout:
                cluster === PG_ANALYTICS_CLUSTER ? c.pooler.analyticsQueryWaitTimeoutSeconds : c.pooler.queryWaitTimeoutSeconds,
        }),
        image: pinImage(c.pooler.image, c.images.digests),
        cpu: c.pooler.cpu,
        memory: c.pooler.memory,
    };
}

/**
 * Every replica has the primary's max_connections. The -ro Service balances connections, but a
 * pooler pod's connections may all land on one replica: budget per replica. With no replicas
 * the read pooler shares the primary with the write pooler.
 */
function poolBudgets(c: AppConfig, write: PoolerDemand, read: PoolerDemand, analyticsPooler: PoolerDemand): BudgetReport[] {
    const pg = c.postgres;
    const seed = poolSeed(c);
    const target = (name: string, maxConnections: number, cpu: string) => budgetTarget(c, name, maxConnections, cpu);
    const primary = target(`${PG_CLUSTER} primary`, pg.maxConnections, pg.cpu);
    const replica = target(`${PG_CLUSTER} replica`, pg.maxConnections, pg.cpu);
    const budgets =
        pg.replicas === 0
            ? [sizePools(primary, [write, read], seed)]
            : c.pooler.readFallback === "none"
              ? [sizePools(primary, [write], seed), sizePools(replica, [read], seed)]
              : readAnyInstance(primary, replica, write, read, seed);
    if (pg.analytics.enabled)
        budgets.push(sizePools(target(PG_ANALYTICS_CLUSTER, pg.analytics.maxConnections, pg.analytics.cpu), [analyticsPooler], seed));
    return budgets;
}

const poolSeed = (c: AppConfig): PoolSeed => ({
    defaultPoolSize: c.pooler.defaultPoolSize,
    minPoolSize: c.pooler.minPoolSize,
    reservePoolSize: c.pooler.reservePoolSize,
    maxDbConnections: c.pooler.maxDbConnections,
});

/** The connection budget of one instance; pools from the CPU of the instance they reach (issue 19, finding 3). */
function budgetTarget(c: AppConfig, name: string, maxConnections: number, cpu: string): BudgetTarget {
    const pg = c.postgres;
    return {
        name,
        maxConnections,
        superuserReserved: pg.superuserReservedConnections,
        systemReserved: pg.systemReservedConnections,
        headroom: pg.headroomConnections,
        activeBackends: activeBackends(quantityValue(cpu), c.pooler.activeBackendsPerCpu),
    };
}

/**
 * Backends that may run queries at once on one instance of `cluster`: the server connections
 * its poolers may open to the busiest instance (the budgets) plus the direct connections.
 */
function activeOn(c: AppConfig, budgets: readonly BudgetReport[], cluster: string): number {
    const pooled = Math.max(0, ...budgets.filter((b) => b.target === cluster || b.target.startsWith(`${cluster} `)).map((b) => b.used));
    return pooled + c.postgres.headroomConnections;
}

/**
 * A read pooler of type r may put all its connections on the primary or on any replica: the
 * primary's budget counts it with the write pooler, and each replica sees it with the pools the
 * primary allows (the tighter of the two: more pods share the same CPU).
 */
function readAnyInstance(
    primary: BudgetTarget,
    replica: BudgetTarget,
    write: PoolerDemand,
    read: PoolerDemand,
    seed: PoolSeed,
): BudgetReport[] {
    const onPrimary = sizePools(primary, [write, read], seed);
    const pool = onPrimary.pools.find((p) => p.pooler === read.name)!;
    const { defaultPoolSize, minPoolSize, reservePoolSize, maxDbConnections } = pool;
    return [onPrimary, sizePools(replica, [read], { defaultPoolSize, minPoolSize, reservePoolSize, maxDbConnections })];
}

/** The main cluster and the analytics replica cluster (its workers at least the primary's: a replica's must be). */
function clusterPlans(c: AppConfig, budgets: readonly BudgetReport[]): { main: PostgresClusterPlan; analytics?: PostgresClusterPlan } {
    const pg = c.postgres;
    const wal = { walKeepSize: pg.walKeepSize, walStorageSize: pg.walStorageSize };
    const main = clusterPlan(PG_CLUSTER, 1 + pg.replicas, pg.storageSize, oltpSizing(c, PG_CLUSTER, pg, budgets, "postgres"));
    if (!pg.analytics.enabled) return { main };
    const a = pg.analytics;
    const analytics = clusterPlan(PG_ANALYTICS_CLUSTER, a.instances, a.storageSize, {
        ...wal,
        memory: a.memory,
        cpu: a.cpu,
        maxConnections: a.maxConnections,
        profile: "analytics",
        minWorkerProcesses: Number(main.parameters.max_worker_processes),
        activeBackends: activeOn(c, budgets, PG_ANALYTICS_CLUSTER),
        nodesPerQuery: a.queryMemoryNodes,
        configKey: "postgres.analytics",
    });
    return { main, analytics };
}

/** An OLTP cluster's sizing from postgres.*: the main cluster's, and each shard's with its own CPU and memory. */
function oltpSizing(
    c: AppConfig,
    cluster: string,
    size: { readonly cpu: string; readonly memory: string },
    budgets: readonly BudgetReport[],
    configKey: string,
): PostgresSizing {
    const pg = c.postgres;
    return {
        walKeepSize: pg.walKeepSize,
        walStorageSize: pg.walStorageSize,
        memory: size.memory,
        cpu: size.cpu,
        maxConnections: pg.maxConnections,
        profile: "oltp",
        activeBackends: activeOn(c, budgets, cluster),
        nodesPerQuery: pg.queryMemoryNodes,
        configKey,
        // A shard's connections and query nodes are postgres.*'s, not keys of sharding.postgres.
        connectionsKey: "postgres",
    };
}

/** The name of shard `i`'s cluster: the name in the map, the Pooler's and Secrets' prefix. */
export const shardClusterName = (i: number): string => `${PG_CLUSTER}-shard-${i}`;

/**
 * The shard clusters (issue 18): each an OLTP cluster planned by the main cluster's code (the
 * same parameters, WAL and budget rules) with its own -rw pooler within its own budget, and the
 * write role only (the app reads and writes a shard's rows through its primary).
 */
function shardPlans(c: AppConfig): ShardPlan[] {
    const pg = c.postgres;
    const s = c.sharding.postgres;
    const size = { cpu: s.cpu || pg.cpu, memory: s.memory || pg.memory };
    const base = privilegePlan(DATABASE, DATABASE);
    const privileges = { ...base, roles: base.roles.filter((r) => r.via === "write") };
    return Array.from({ length: c.sharding.shards }, (_, index) => {
        const name = shardClusterName(index);
        const write = { name: `${name}-pooler-rw`, maxInstances: c.pooler.writeInstances };
        const budget = sizePools(budgetTarget(c, `${name} primary`, pg.maxConnections, size.cpu), [write], poolSeed(c));
        const sizing = oltpSizing(c, name, size, [budget], "sharding.postgres");
        const cluster = clusterPlan(name, s.instances || 1 + pg.replicas, s.storageSize || pg.storageSize, sizing);
        return { index, cluster, pooler: poolerPlan(c, write, name, "rw", [budget]), budget, privileges };
    });
}

function clusterPlan(name: string, instances: number, storageSize: string, s: PostgresSizing): PostgresClusterPlan {
    const parameters = postgresParameters(s);
    const memoryModel = { activeBackends: s.activeBackends, nodesPerQuery: s.nodesPerQuery };
    return {
        name,
        instances,
        cpu: s.cpu,
        memory: s.memory,
        storageSize,
        walStorageSize: s.walStorageSize,
        parameters,
        memoryModel,
        memoryUse: postgresMemoryModel({ memoryLimit: s.memory, parameters, ...memoryModel }),
    };
}
