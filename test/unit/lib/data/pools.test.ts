/**
 * Issue 19, findings 3 and 4, in the pure builders: pools sized from the CPU of the instance
 * they reach (within the connection budget, whose rules and BudgetError stay), and
 * max_prepared_statements set explicitly. The real-server proof is
 * test/integration/data/pools.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
    activeBackends,
    BudgetError,
    checkBudget,
    sizePools,
    type BudgetTarget,
    type PoolSeed,
} from "../../../../lib/data/connectionBudget";
import { dataTierPlan } from "../../../../plan/dataTier";
import { pooler } from "../../../../config/schema/data";
import { stackAppConfig } from "../../../support/servers";

const SEED: PoolSeed = { defaultPoolSize: 50, minPoolSize: 10, reservePoolSize: 10, maxDbConnections: 100 };
const target = (maxConnections: number, active?: number): BudgetTarget => ({
    name: "sysmanage-pg primary",
    maxConnections,
    superuserReserved: 3,
    systemReserved: 10,
    headroom: 20,
    activeBackends: active,
});

describe("pools from CPU", () => {
    test("activeBackends: (cores × 2) + 1 spindle, fractional cores rounded up", () => {
        assert.deepEqual(
            [
                activeBackends(2, 2),
                activeBackends(4, 2),
                activeBackends(1, 2),
                activeBackends(0.5, 2),
                activeBackends(0.1, 2),
                activeBackends(2, 3),
            ],
            [5, 9, 3, 2, 2, 7],
        );
    });

    test("prod's primary (2 vCPU × 4 + 1 = 9 active, 3 pods, max_connections 300): 3 per pod + reserve 3, 18 of 267 (was 89 per pod, 267 of 267)", () => {
        assert.deepEqual(sizePools(target(300, 9), [{ name: "rw", maxInstances: 3 }], SEED), {
            target: "sysmanage-pg primary",
            maxConnections: 300,
            available: 267,
            used: 18,
            pools: [{ pooler: "rw", maxDbConnections: 6, defaultPoolSize: 3, minPoolSize: 3, reservePoolSize: 3 }],
        });
        // Without the CPU figure the budget alone sizes the pools, as before.
        assert.deepEqual(sizePools(target(300), [{ name: "rw", maxInstances: 3 }], SEED).pools, [
            { pooler: "rw", maxDbConnections: 89, defaultPoolSize: 50, minPoolSize: 10, reservePoolSize: 10 },
        ]);
    });

    test("the budget still bounds a big instance: the budget share wins over the CPU share", () => {
        assert.deepEqual(sizePools(target(100, 201), [{ name: "rw", maxInstances: 3 }], SEED).pools, [
            { pooler: "rw", maxDbConnections: 22, defaultPoolSize: 12, minPoolSize: 10, reservePoolSize: 10 },
        ]);
    });

    test("the budget rule and its BudgetError are unchanged by the CPU sizing", () => {
        const f = () => sizePools(target(50, 5), [{ name: "rw", maxInstances: 3 }], SEED);
        assert.throws(f, BudgetError);
        assert.throws(f, {
            message:
                "connection budget of sysmanage-pg primary: 3 pooler pods × at least 20 server connections (min_pool_size 10 + reserve_pool_size 10) = 60 > 17 available (max_connections 50 − superuser_reserved 3 − system 10 − headroom 20); raise max_connections or lower the pooler instances",
        });
    });

    test("property: the pods together open at most twice the active backends (rounded up per pod) and the budget holds", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 40, max: 5000 }),
                fc.integer({ min: 1, max: 20 }),
                fc.integer({ min: 2, max: 200 }),
                (maxConnections, pods, active) => {
                    // Refused exactly when a pod's share of the budget (max_connections − 33, capped at
                    // the seed's 100) cannot hold min_pool_size 10 + reserve_pool_size 10.
                    const avail = maxConnections - 33;
                    if (Math.min(100, Math.floor(avail / pods)) < 20) {
                        const f = () => sizePools(target(maxConnections, active), [{ name: "p", maxInstances: pods }], SEED);
                        assert.throws(f, BudgetError);
                        assert.throws(f, {
                            message: `connection budget of sysmanage-pg primary: ${pods} pooler pods × at least 20 server connections (min_pool_size 10 + reserve_pool_size 10) = ${pods * 20} > ${avail} available (max_connections ${maxConnections} − superuser_reserved 3 − system 10 − headroom 20); raise max_connections or lower the pooler instances`,
                        });
                        return;
                    }
                    const r = sizePools(target(maxConnections, active), [{ name: "p", maxInstances: pods }], SEED);
                    checkBudget(r);
                    const p = r.pools[0];
                    const share = Math.ceil(active / pods);
                    assert.ok(p.defaultPoolSize <= share && p.reservePoolSize <= share);
                    assert.equal(p.maxDbConnections, p.defaultPoolSize + p.reservePoolSize);
                    assert.ok(r.used <= pods * 2 * share);
                    assert.ok(p.minPoolSize <= p.defaultPoolSize);
                },
            ),
            { numRuns: 300 },
        );
    });

    for (const [stack, perInstance] of [
        ["dev", { "sysmanage-pg primary": 12, "sysmanage-pg-analytics": 10 }],
        ["staging", { "sysmanage-pg primary": 12, "sysmanage-pg replica": 12, "sysmanage-pg-analytics": 20 }],
        ["prod", { "sysmanage-pg primary": 18, "sysmanage-pg replica": 18, "sysmanage-pg-analytics": 36 }],
    ] as const) {
        test(`${stack}: the poolers open at most ~2 × (vCPU × 4 + 1) server connections per instance (was 267 on prod's primary)`, () => {
            const pg = dataTierPlan(stackAppConfig(stack)).postgres!;
            assert.deepEqual(Object.fromEntries(pg.budgets.map((b) => [b.target, b.used])), perInstance);
        });
    }
});

describe("max_prepared_statements", () => {
    test("every pooler of every stack sets it explicitly to pooler.maxPreparedStatements (200)", () => {
        for (const stack of ["dev", "staging", "prod", "local"]) {
            const pg = dataTierPlan(stackAppConfig(stack)).postgres!;
            assert.deepEqual(
                pg.poolers.map((p) => p.parameters.max_prepared_statements),
                pg.poolers.map(() => "200"),
                stack,
            );
        }
    });

    test("the config refuses 0 (no tracking: asyncpg's prepares fail in transaction mode)", () => {
        assert.equal(pooler.safeParse({ maxPreparedStatements: 0 }).success, false);
        assert.equal(pooler.parse({}).maxPreparedStatements, 200);
        assert.equal(pooler.parse({}).activeBackendsPerCpu, 4);
    });
});
