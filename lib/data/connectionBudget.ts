/**
 * The connection budget: every pooler pod at the pooler's maximum instance count may open at
 * most `max_db_connections` server connections, and all of them together must fit in the
 * target's `max_connections` minus the superuser reservation, minus connections reserved for
 * the operator, replication and monitoring, minus headroom for humans and migrations. Pure.
 *
 * The seed's pool (default_pool_size 50 + reserve 10 per user/database pair, max_db_connections
 * 100) on 3 pooler pods could open 3 × 60 = 180 (one pair) to 3 × 100 = 300 connections; the
 * sizing below caps each pod with max_db_connections so the sum is guaranteed.
 *
 * Within the budget, the pool is sized from the work the instance can do (issue 19, finding 3:
 * 267 possible backends on a 2-vCPU primary; a pool of 10 gave at least the throughput of 50,
 * and the extra connections only moved the queue from PgBouncer into Postgres).
 */

export interface PoolSeed {
    readonly defaultPoolSize: number;
    readonly minPoolSize: number;
    readonly reservePoolSize: number;
    readonly maxDbConnections: number;
}

export interface BudgetTarget {
    /** Name of the Postgres cluster (or "<cluster> replica") the poolers connect to. */
    readonly name: string;
    readonly maxConnections: number;
    /** superuser_reserved_connections (CloudNativePG default 3). */
    readonly superuserReserved: number;
    /** Connections kept for the operator, replication and monitoring. */
    readonly systemReserved: number;
    /** Connections kept free for humans, migrations and jobs that bypass the pooler. */
    readonly headroom: number;
    /**
     * Backends the instance runs at once without queueing on its CPUs (`activeBackends()`);
     * the poolers' pods share it. Absent: the pools are sized from the budget alone.
     */
    readonly activeBackends?: number;
}

/** The effective spindle count of a network SSD volume in the (cores × 2) + spindles rule. */
export const EFFECTIVE_SPINDLES = 1;

/**
 * Active backends an instance of `cpu` vCPUs runs well: the PostgreSQL wiki's seed
 * ((cores × 2) + effective spindles), with `perCpu` in place of the 2.
 */
export function activeBackends(cpu: number, perCpu: number): number {
    return Math.max(1, Math.ceil(cpu * perCpu)) + EFFECTIVE_SPINDLES;
}

export interface PoolerDemand {
    readonly name: string;
    /** Pooler pods at their maximum (what a scale-out can reach). */
    readonly maxInstances: number;
}

export interface PoolSizing {
    readonly pooler: string;
    /** Hard cap of server connections per pooler pod. */
    readonly maxDbConnections: number;
    readonly defaultPoolSize: number;
    readonly minPoolSize: number;
    readonly reservePoolSize: number;
}

export interface BudgetReport {
    readonly target: string;
    readonly maxConnections: number;
    /** What the poolers may use: max_connections − superuser − system − headroom. */
    readonly available: number;
    /** Sum over poolers of instances × max_db_connections. */
    readonly used: number;
    readonly pools: PoolSizing[];
}

export class BudgetError extends Error {}

export function available(t: BudgetTarget): number {
    return t.maxConnections - t.superuserReserved - t.systemReserved - t.headroom;
}

/**
 * Sizes the pools of the poolers sharing one target so the budget holds: each pod gets an
 * equal share (at most the seed's max_db_connections); default_pool_size shrinks to fit the
 * share minus the reserve. With `target.activeBackends`, each pod's default pool and reserve are
 * its share of those (rounded up) and max_db_connections their sum. Refuses, naming the numbers, when even min_pool_size + reserve
 * cannot fit.
 */
export function sizePools(target: BudgetTarget, poolers: readonly PoolerDemand[], seed: PoolSeed): BudgetReport {
    const avail = available(target);
    const pods = poolers.reduce((n, p) => n + p.maxInstances, 0);
    if (pods === 0) return { target: target.name, maxConnections: target.maxConnections, available: avail, used: 0, pools: [] };
    const share = Math.min(seed.maxDbConnections, Math.floor(avail / pods));
    const need = seed.minPoolSize + seed.reservePoolSize;
    if (share < need) {
        throw new BudgetError(
            `connection budget of ${target.name}: ${pods} pooler pods × at least ${need} server connections (min_pool_size ${seed.minPoolSize} + reserve_pool_size ${seed.reservePoolSize}) = ${pods * need} > ${avail} available (max_connections ${target.maxConnections} − superuser_reserved ${target.superuserReserved} − system ${target.systemReserved} − headroom ${target.headroom}); raise max_connections or lower the pooler instances`,
        );
    }
    // The CPU share of each pod (every pod may land on one instance): default pool and reserve
    // both within it, so a pod opens at most twice its share.
    const cpuShare = target.activeBackends === undefined ? Infinity : Math.ceil(target.activeBackends / pods);
    const defaultPoolSize = Math.min(seed.defaultPoolSize, share - seed.reservePoolSize, cpuShare);
    const reservePoolSize = Math.min(seed.reservePoolSize, cpuShare);
    const maxDbConnections = Math.min(share, defaultPoolSize + (cpuShare === Infinity ? share : reservePoolSize));
    const pools = poolers.map((p) => ({
        pooler: p.name,
        maxDbConnections,
        defaultPoolSize,
        minPoolSize: Math.min(seed.minPoolSize, defaultPoolSize),
        reservePoolSize,
    }));
    return { target: target.name, maxConnections: target.maxConnections, available: avail, used: pods * maxDbConnections, pools };
}

/** Checks a finished plan: used ≤ available, with the numbers in the message. */
export function checkBudget(r: BudgetReport): void {
    if (r.used > r.available) {
        throw new BudgetError(`connection budget of ${r.target}: poolers may open ${r.used} server connections > ${r.available} available`);
    }
}
