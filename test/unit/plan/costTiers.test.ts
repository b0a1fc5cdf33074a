/**
 * The cost model (issue 17) on the parts the tiny stacks of cost.test.ts leave out: every data
 * tier's pods (the analytics tier and replica cluster, the three poolers, a replicated cache and
 * the session store), prices whose amounts need rounding to the cent, spot pods without a spot
 * price, and a reserved floor at the edge of its coverage. Every figure is worked by hand in the comments.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import type { WorkloadForecast } from "../../../forecast/stack";
import { costItems, floorAt, monthlyByTier, reservedPlan, stackCost, type CostItem } from "../../../plan/cost";

const round9 = (x: number) => Math.round(x * 1e9) / 1e9;
const off = Object.fromEntries(["queue", "agent", "report", "cleanup"].map((p) => [p, { enabled: false }]));
const API = { minReplicas: 1, maxReplicas: 4, resources: { cpuRequest: "500m", memoryRequest: "1Gi", memoryLimit: "1Gi" } };

describe("every tier's pods, sized by hand", () => {
    test("analytics, the main and analytics clusters, three poolers, a cache with replicas and the session store", () => {
        const c = parseConfig(
            {
                environment: "dev",
                api: API,
                workers: off,
                analytics: { enabled: true, replicas: 3, resources: { cpuRequest: "1500m", memoryRequest: "3Gi", memoryLimit: "3Gi" } },
                postgres: {
                    enabled: true,
                    replicas: 1,
                    cpu: "1",
                    memory: "4Gi",
                    analytics: { enabled: true, instances: 1, cpu: "3", memory: "8Gi" },
                },
                pooler: { cpu: "100m", memory: "128Mi", writeInstances: 2, readInstances: 4, analyticsInstances: 1 },
                // Each node with the exporter's 50m / 64Mi: 0.5 vCPU / 4 GiB, sessions 0.25 / 2 GiB.
                redis: {
                    maxmemoryRatio: 0.5,
                    masters: 3,
                    replicasPerMaster: 1,
                    cpu: "450m",
                    memory: "4032Mi",
                    sessions: { enabled: true, cpu: "200m", memory: "1984Mi" },
                },
            },
            "dev",
        );
        assert.deepEqual(
            costItems(c, "dev", (_key, min) => ({ mean: min })),
            [
                { tier: "api", name: "api", vcpu: 0.5, gib: 1, mean: 1 },
                { tier: "analytics", name: "analytics", vcpu: 1.5, gib: 3, mean: 3 },
                // 1 primary + 1 replica.
                { tier: "postgres", name: "sysmanage-pg", vcpu: 1, gib: 4, mean: 2 },
                { tier: "postgres", name: "sysmanage-pg-analytics", vcpu: 3, gib: 8, mean: 1 },
                { tier: "poolers", name: "sysmanage-pg-pooler-rw", vcpu: 0.1, gib: 0.125, mean: 2 },
                { tier: "poolers", name: "sysmanage-pg-pooler-ro", vcpu: 0.1, gib: 0.125, mean: 4 },
                { tier: "poolers", name: "sysmanage-pg-analytics-pooler-ro", vcpu: 0.1, gib: 0.125, mean: 1 },
                // 3 masters × (1 + 1 replica) = 6 nodes each.
                { tier: "redis", name: "sysmanage-redis", vcpu: 0.5, gib: 4, mean: 6 },
                { tier: "redis", name: "sysmanage-redis-sessions", vcpu: 0.25, gib: 2, mean: 6 },
            ],
        );
    });
});

/** The API (0.5 vCPU, 1 GiB) and a cache of 3 nodes (0.5 vCPU, 2 GiB each), at prices with four decimals. */
const priced = (over: Record<string, unknown> = {}) =>
    parseConfig(
        {
            environment: "dev",
            api: API,
            workers: off,
            analytics: { enabled: false },
            postgres: { enabled: false },
            redis: { masters: 3, replicasPerMaster: 0, cpu: "450m", memory: "1984Mi", sessions: { enabled: false } },
            cost: {
                prices: { onDemand: { vcpuHour: 0.0413, gibHour: 0.005 }, reserved: { vcpuHour: 0.025, gibHour: 0.003 } },
                hoursPerMonth: 730,
                reserved: { coverage: 0.8 },
                ...over,
            },
        },
        "dev",
    );

describe("amounts to the cent, sums of the unrounded amounts", () => {
    test("api 0.5 × 0.0413 + 1 × 0.005 = 0.02565 × 730 = 18.7245 → 18.72; cache 3 × 0.03065 × 730 = 67.1235 → 67.12; total 85.848 → 85.85", () => {
        const c = priced();
        const cost = stackCost({ stack: "dev", configured: c, final: c });
        assert.deepEqual(cost.tiers.api, { now: 18.72, proposed: 18.72 });
        assert.deepEqual(cost.tiers.redis, { now: 67.12, proposed: 67.12 });
        // The rounded tiers would sum to 85.84.
        assert.deepEqual(cost.total, { now: 85.85, proposed: 85.85 });
        // Reserved (coverage 0.8, fixed counts: all of them): (0.5 × 0.025 + 0.003 = 0.0155) + 3 × (0.5 × 0.025 + 2 × 0.003 = 0.0185)
        // = 0.071 an hour, × 730 = 51.83; saves 85.848 − 51.83 = 34.018 → 34.02.
        assert.deepEqual([cost.reserved.monthly, cost.reserved.saving, cost.reserved.vcpu, cost.reserved.gib], [51.83, 34.02, 2, 7]);
    });

    test("a workload without a replay, or with an empty one, counts its minReplicas", () => {
        const c = priced();
        const empty = {
            name: "api",
            risk: { current: { replicasAtLeast: [] }, proposed: { replicasAtLeast: [] } },
        } as unknown as WorkloadForecast;
        const other = {
            name: "worker-queue",
            risk: { current: { replicasAtLeast: [1, 1, 1] }, proposed: { replicasAtLeast: [1, 1, 1] } },
        } as unknown as WorkloadForecast;
        // A workload the forecast could not replay has no risk.
        const unreplayed = { name: "api" } as unknown as WorkloadForecast;
        for (const workloads of [[empty], [other], [unreplayed], []]) {
            const cost = stackCost({ stack: "dev", configured: c, final: c, forecast: { workloads } });
            assert.deepEqual(cost.tiers.api, { now: 18.72, proposed: 18.72 });
            assert.deepEqual(cost.reserved.floors[0], { name: "api", tier: "api", replicas: 1, vcpu: 0.5, gib: 1 });
        }
    });

    test("requests to commit to the thousandth: 3 pods of 0.1 vCPU commit 0.3 (0.30000000000000004 unrounded)", () => {
        const c = priced();
        const api = {
            name: "api",
            risk: { current: { replicasAtLeast: [1, 1, 1, 1] }, proposed: { replicasAtLeast: [1, 1, 1, 1] } },
        } as unknown as WorkloadForecast;
        const small = parseConfig(
            {
                environment: "dev",
                api: { ...API, resources: { cpuRequest: "100m", memoryRequest: "1Gi", memoryLimit: "1Gi" } },
                workers: off,
                analytics: { enabled: false },
                postgres: { enabled: false },
                redis: { enabled: false },
                cost: c.cost,
            },
            "dev",
        );
        const r = stackCost({ stack: "dev", configured: small, final: small, forecast: { workloads: [api] } }).reserved;
        assert.deepEqual([r.vcpu, r.gib], [0.3, 3]);
        assert.deepEqual(r.floors, [{ name: "api", tier: "api", replicas: 3, vcpu: 0.3, gib: 3 }]);
    });
});

describe("prices and floors at their edges", () => {
    const SPOT: CostItem = { tier: "workers", name: "w", vcpu: 1, gib: 2, mean: 2, spot: true };
    const OD = { vcpuHour: 0.04, gibHour: 0.005 };

    test("spot pods without a spot price cost on demand: 2 × (0.04 + 2 × 0.005) × 10 = 1", () => {
        assert.equal(round9(monthlyByTier([SPOT], OD, 10).workers), 1);
        const r = reservedPlan([SPOT], { onDemand: OD, reserved: { vcpuHour: 0.01, gibHour: 0.001 } }, 10, 0.5);
        // Never committed: the same on both sides, no floor.
        assert.deepEqual([round9(r.monthly), round9(r.saving), r.floors, r.vcpu, r.gib], [1, 0, [], 0, 0]);
    });

    test("a share a hair under the coverage (1e-12) reaches it; one 1e-8 under does not", () => {
        const item = (x: number): CostItem => ({ tier: "api", name: "api", vcpu: 1, gib: 1, mean: 1 + x, atLeast: [1, 1, x] });
        assert.deepEqual(floorAt(item(0.8 - 1e-12), 0.8), { replicas: 2, busy: 1 + (0.8 - 1e-12) });
        assert.deepEqual(floorAt(item(0.8 - 1e-8), 0.8), { replicas: 1, busy: 1 });
        // A share above the coverage ends the floor at the first count below it, even if a later one is above.
        assert.deepEqual(floorAt({ ...item(0.5), atLeast: [1, 1, 0.5, 0.9] }, 0.8), { replicas: 1, busy: 1 });
    });
});
