/**
 * The connection budget: every pooler pod at the pooler's maximum instance count may open at
 * most `max_db_connections` server connections, and all of them together must fit in the
 * target's `max_connections` minus the superuser reservation, minus connections reserved for
 * the operator, replication and monitoring, minus headroom for humans and migrations. Pure.
 *
 * The seed's pool (default_pool_size 50 + reserve 10 per user/database pair, max_db_connections
 * 100) on 3 pooler pods could open 3 × 60 = 180 (one pair) to 3 × 100 = 300 connections; the
 * sizing below caps each pod with max_db_connections so the sum is guaranteed.
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
 * share minus the reserve. Refuses, naming the numbers, when even min_pool_size + reserve
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
    const defaultPoolSize = Math.min(seed.defaultPoolSize, share - seed.reservePoolSize);
    const pools = poolers.map((p) => ({
        pooler: p.name,
        maxDbConnections: share,
        defaultPoolSize,
        minPoolSize: Math.min(seed.minPoolSize, defaultPoolSize),
        reservePoolSize: seed.reservePoolSize,
    }));
    return { target: target.name, maxConnections: target.maxConnections, available: avail, used: pods * share, pools };
}

/** Checks a finished plan: used ≤ available, with the numbers in the message. */
export function checkBudget(r: BudgetReport): void {
    if (r.used > r.available) {
        throw new BudgetError(`connection budget of ${r.target}: poolers may open ${r.used} server connections > ${r.available} available`);
    }
}
