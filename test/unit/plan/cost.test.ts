/**
 * The cost model (issue 17) on examples worked on paper: the prices and replicas are chosen so
 * that every figure is a short sum, written out in the comments; the code's figures must match
 * them exactly (to the cent where the model rounds, to 1e-9 where it does not).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import type { WorkloadForecast } from "../../../forecast/stack";
import { costItems, floorAt, monthlyByTier, reservedPlan, stackCost, type CostItem } from "../../../plan/cost";
import { replicasAtLeast } from "../../../forecast/workload";

const round9 = (x: number) => Math.round(x * 1e9) / 1e9;
const PRICES = { onDemand: { vcpuHour: 0.04, gibHour: 0.005 }, reserved: { vcpuHour: 0.025, gibHour: 0.003 } };

// An API of 0.5 vCPU / 1 GiB that runs 1 pod all the time, 2 pods 75 % and 3 pods 25 % of the
// time (mean 1 + 0.75 + 0.25 = 2), and a Postgres of 2 instances of 2 vCPU / 8 GiB.
const API: CostItem = { tier: "api", name: "api", vcpu: 0.5, gib: 1, mean: 2, atLeast: [1, 1, 0.75, 0.25] };
const PG: CostItem = { tier: "postgres", name: "sysmanage-pg", vcpu: 2, gib: 8, mean: 2 };

describe("pricing a tiny plan by hand", () => {
    test("monthly on demand: api 2 × (0.5 × 0.04 + 1 × 0.005) × 730 = 36.5; postgres 2 × (2 × 0.04 + 8 × 0.005) × 730 = 175.2", () => {
        const m = monthlyByTier([API, PG], PRICES.onDemand, 730);
        assert.deepEqual(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round9(v)])), {
            api: 36.5,
            workers: 0,
            analytics: 0,
            postgres: 175.2,
            poolers: 0,
            redis: 0,
        });
    });

    test("the floor at 75 %: 2 pods (1 and 0.75 reach it, 0.25 does not), busy 1 + 0.75 = 1.75 of them on average", () => {
        assert.deepEqual(floorAt(API, 0.75), { replicas: 2, busy: 1.75 });
        assert.deepEqual(floorAt(API, 0.8), { replicas: 1, busy: 1 });
        assert.deepEqual(floorAt(API, 1), { replicas: 1, busy: 1 });
        // A fixed count is busy all the time: all of it.
        assert.deepEqual(floorAt(PG, 0.75), { replicas: 2, busy: 2 });
    });

    test("the reserved plan at 75 %: floors at the reserved price every hour, the pods above them on demand", () => {
        // api: 2 reserved pods × (0.5 × 0.025 + 1 × 0.003 = 0.0155) = 0.031, plus (2 − 1.75) pods on
        // demand × 0.025 = 0.00625: 0.03725 an hour, × 730 = 27.1925.
        // postgres: 2 × (2 × 0.025 + 8 × 0.003 = 0.074) = 0.148 an hour, × 730 = 108.04.
        // 27.1925 + 108.04 = 135.2325 a month, against 36.5 + 175.2 = 211.7 on demand: saves 76.4675.
        const r = reservedPlan([API, PG], PRICES, 730, 0.75);
        assert.equal(round9(r.monthly), 135.2325);
        assert.equal(round9(r.saving), 76.4675);
        // Commit 2 × 0.5 + 2 × 2 = 5 vCPU and 2 × 1 + 2 × 8 = 18 GiB.
        assert.deepEqual([r.vcpu, r.gib], [5, 18]);
        assert.deepEqual(r.floors, [
            { name: "api", tier: "api", replicas: 2, vcpu: 1, gib: 2 },
            { name: "sysmanage-pg", tier: "postgres", replicas: 2, vcpu: 4, gib: 16 },
        ]);
    });

    test("replicasAtLeast: the share of ticks with at least n replicas", () => {
        assert.deepEqual(replicasAtLeast(Int32Array.from([1, 2, 2, 3])), [1, 1, 0.75, 0.25]);
        assert.deepEqual(replicasAtLeast(Int32Array.from([0, 2])), [1, 0.5, 0.5]);
        assert.deepEqual(replicasAtLeast(new Int32Array(0)), []);
    });
});

/** A stack of an API (0.5 vCPU, 1 GiB) and a cache of 3 Redis nodes, nothing else, at round prices. */
function tinyConfig(extra: Record<string, unknown> = {}) {
    return parseConfig(
        {
            environment: "dev",
            api: { minReplicas: 1, maxReplicas: 4, resources: { cpuRequest: "500m", memoryRequest: "1Gi", memoryLimit: "1Gi" } },
            workers: Object.fromEntries(["queue", "agent", "report", "cleanup"].map((p) => [p, { enabled: false }])),
            analytics: { enabled: false },
            postgres: { enabled: false },
            // 450m + the exporter's 50m = 0.5 vCPU, 1984Mi + its 64Mi = 2 GiB per node.
            redis: { masters: 3, replicasPerMaster: 0, cpu: "450m", memory: "1984Mi", sessions: { enabled: false } },
            cost: { prices: { ...PRICES, spot: { vcpuHour: 0.01, gibHour: 0.001 } }, hoursPerMonth: 730, reserved: { coverage: 0.8 } },
            ...extra,
        },
        "dev",
    );
}

describe("a stack's cost, now and as proposed", () => {
    test("the pods of each tier: the API at minReplicas without a forecast, each Redis node with its exporter", () => {
        assert.deepEqual(
            costItems(tinyConfig(), "dev", (_key, min) => ({ mean: min })),
            [
                { tier: "api", name: "api", vcpu: 0.5, gib: 1, mean: 1 },
                { tier: "redis", name: "sysmanage-redis", vcpu: 0.5, gib: 2, mean: 3 },
            ],
        );
    });

    test("overprovisioning placeholders are the API tier's: 2 pods of 250m / 512Mi (placement.overprovision)", () => {
        const c = tinyConfig({ placement: { overprovision: { enabled: true, pods: 2, cpu: "250m", memory: "512Mi" } } });
        assert.deepEqual(
            costItems(c, "dev", (_key, min) => ({ mean: min })).filter((i) => i.tier === "api"),
            [
                { tier: "api", name: "api", vcpu: 0.5, gib: 1, mean: 1 },
                { tier: "api", name: "overprovisioning", vcpu: 0.25, gib: 0.5, mean: 2 },
            ],
        );
    });

    test("a spot pool: minReplicas on demand (its floor Deployment), the rest of the replay's mean on spot, at least the burst's one pod", () => {
        // The cache off; one pool, report, 250m / 256Mi, minReplicas 2, on spot, replayed at a mean of 3.5 pods:
        // 2 on demand, 1.5 on spot. Per pod 0.25 × 0.04 + 0.25 × 0.005 = 0.01125 on demand, 0.25 × 0.01 + 0.25 × 0.001 = 0.00275 on spot:
        // (2 × 0.01125 + 1.5 × 0.00275) × 730 = (0.0225 + 0.004125) × 730 = 19.43625 a month.
        const c = tinyConfig({
            redis: { enabled: false },
            workers: {
                ...Object.fromEntries(["queue", "agent", "cleanup"].map((p) => [p, { enabled: false }])),
                report: {
                    capacity: "spot",
                    minReplicas: 2,
                    maxReplicas: 6,
                    resources: { cpuRequest: "250m", memoryRequest: "256Mi", memoryLimit: "512Mi" },
                },
            },
        });
        const items = costItems(c, "dev", (key, min) => ({ mean: key === "worker-report" ? 3.5 : min })).filter(
            (i) => i.tier === "workers",
        );
        assert.deepEqual(items, [
            { tier: "workers", name: "worker-report-on-demand", vcpu: 0.25, gib: 0.25, mean: 2 },
            { tier: "workers", name: "worker-report", vcpu: 0.25, gib: 0.25, mean: 1.5, spot: true },
        ]);
        const spot = { vcpuHour: 0.01, gibHour: 0.001 };
        assert.equal(round9(monthlyByTier(items, PRICES.onDemand, 730, spot).workers), 19.43625);
        // At minReplicas the burst HPA still runs one spot pod.
        const idle = costItems(c, "dev", (_key, min) => ({ mean: min })).filter((i) => i.spot);
        assert.deepEqual(
            idle.map((i) => i.mean),
            [1],
        );
        // Spot pods are not committed: the reserved plan counts them at spot on both sides.
        const r = reservedPlan(items, { ...PRICES, spot }, 730, 0.8);
        assert.deepEqual(
            r.floors.map((f) => f.name),
            ["worker-report-on-demand"],
        );
        // 2 reserved pods × (0.25 × 0.025 + 0.25 × 0.003 = 0.007) × 730 = 10.22, + the spot 1.5 × 0.00275 × 730 = 3.01125.
        assert.equal(round9(r.monthly), 13.23125);
        assert.equal(round9(r.saving), round9(19.43625 - 13.23125));
    });

    test("a spot pool that scales to zero: no on-demand floor, its replayed mean all on spot, nothing at 0", () => {
        const c = tinyConfig({
            redis: { enabled: false },
            workers: {
                ...Object.fromEntries(["queue", "agent", "cleanup"].map((p) => [p, { enabled: false }])),
                report: { capacity: "spot", minReplicas: 0, maxReplicas: 6, scaleToZero: true },
            },
        });
        // 0.4 pods on average (mostly idle): 0.4 × (0.25 × 0.01 + 0.25 × 0.001) × 730 = 0.803 a month at spot.
        const items = costItems(c, "dev", (key, min) => ({ mean: key === "worker-report" ? 0.4 : min })).filter(
            (i) => i.tier === "workers",
        );
        assert.deepEqual(items, [{ tier: "workers", name: "worker-report", vcpu: 0.25, gib: 0.25, mean: 0.4, spot: true }]);
        assert.equal(round9(monthlyByTier(items, PRICES.onDemand, 730, { vcpuHour: 0.01, gibHour: 0.001 }).workers), 0.803);
        // Without a replay it is priced at its minReplicas: 0.
        assert.deepEqual(
            costItems(c, "dev", (_key, min) => ({ mean: min }))
                .filter((i) => i.tier === "workers")
                .map((i) => i.mean),
            [0],
        );
    });

    test("shards (issue 18) are priced: each shard cluster at its own size, and its -rw pooler", () => {
        // Two shards of 2 instances of 1 vCPU / 4 GiB (sharding.postgres), each with a -rw pooler
        // of pooler.instances 3 pods of 250m / 256Mi (the pooler defaults, as the main cluster's).
        const c = parseConfig(
            {
                environment: "dev",
                analytics: { enabled: false },
                postgres: { enabled: true, analytics: { enabled: false } },
                sharding: { shards: 2, postgres: { instances: 2, cpu: "1", memory: "4Gi" } },
            },
            "dev",
        );
        const items = costItems(c, "dev", (_key, min) => ({ mean: min })).filter((i) => i.name.includes("shard"));
        assert.deepEqual(items, [
            { tier: "postgres", name: "sysmanage-pg-shard-0", vcpu: 1, gib: 4, mean: 2 },
            { tier: "postgres", name: "sysmanage-pg-shard-1", vcpu: 1, gib: 4, mean: 2 },
            { tier: "poolers", name: "sysmanage-pg-shard-0-pooler-rw", vcpu: 0.25, gib: 0.25, mean: 3 },
            { tier: "poolers", name: "sysmanage-pg-shard-1-pooler-rw", vcpu: 0.25, gib: 0.25, mean: 3 },
        ]);
    });

    test("worked by hand: the API's replays (1.6 pods now, 2 proposed), the cache fixed; the reserved floor at 80 %", () => {
        const c = tinyConfig();
        const api = {
            name: "api",
            risk: { current: { replicasAtLeast: [1, 1, 0.6] }, proposed: { replicasAtLeast: [1, 1, 0.75, 0.25] } },
        } as unknown as WorkloadForecast;
        // API pod 0.5 × 0.04 + 1 × 0.005 = 0.025 an hour: now 1.6 × 0.025 × 730 = 29.2, proposed 2 × ... = 36.5.
        // Redis node 0.5 × 0.04 + 2 × 0.005 = 0.03 an hour: 3 × 0.03 × 730 = 65.7.
        // Reserved at 80 %: the API's floor is 1 pod (0.75 < 0.8): 0.0155 + (2 − 1) × 0.025 = 0.0405 an
        // hour, 29.565 a month; the cache 3 × (0.5 × 0.025 + 2 × 0.003 = 0.0185) × 730 = 40.515.
        // 29.565 + 40.515 = 70.08 against 36.5 + 65.7 = 102.2: saves 32.12; commits 0.5 + 1.5 vCPU, 1 + 6 GiB.
        const cost = stackCost({ stack: "dev", configured: c, final: c, forecast: { workloads: [api] } });
        assert.deepEqual(cost, {
            currency: "USD",
            hoursPerMonth: 730,
            tiers: {
                api: { now: 29.2, proposed: 36.5 },
                workers: { now: 0, proposed: 0 },
                analytics: { now: 0, proposed: 0 },
                postgres: { now: 0, proposed: 0 },
                poolers: { now: 0, proposed: 0 },
                redis: { now: 65.7, proposed: 65.7 },
            },
            total: { now: 94.9, proposed: 102.2 },
            reserved: {
                coverage: 0.8,
                vcpu: 2,
                gib: 7,
                monthly: 70.08,
                saving: 32.12,
                floors: [
                    { name: "api", tier: "api", replicas: 1, vcpu: 0.5, gib: 1 },
                    { name: "sysmanage-redis", tier: "redis", replicas: 3, vcpu: 1.5, gib: 6 },
                ],
            },
        });
    });

    describe("the placeholders as proposed follow the band of the API the forecast sized", () => {
        // Placeholders of 250m / 512Mi: 0.25 × 0.04 + 0.5 × 0.005 = 0.0125 an hour, 9.125 a month each.
        // Without a band: one per zone (3 zones), 27.375; the API's 1 pod (no replay) 18.25 beside them:
        // 45.625, 45.63 to the cent.
        const c = tinyConfig({ placement: { overprovision: { enabled: true, cpu: "250m", memory: "512Mi" } } });
        // Floor 4, band 0..10 at its peak: 4 × (10 − 0) ÷ (2 × 10) = 2 pods; the report pool's floor 6: 3 pods.
        const band = (floor: number) => ({
            stepSeconds: 3600,
            start: 0,
            floors: [floor],
            bands: [{ metric: "requests", lower: [0], upper: [10] }],
        });
        const sized = (name: string, floor: number, extra: object = {}) =>
            ({ name, raw: {}, schedule: band(floor), ...extra }) as unknown as WorkloadForecast;
        const apiTier = (workloads: WorkloadForecast[]) =>
            stackCost({ stack: "dev", configured: c, final: c, forecast: { workloads } }).tiers.api;

        test("the API's band: 2 placeholders (18.25 + 2 × 9.125 = 36.5), not another pool's (3) listed first", () => {
            assert.deepEqual(apiTier([sized("report", 6), sized("api", 4)]), { now: 45.63, proposed: 36.5 });
        });

        test("an API the forecast did not size (no raw series): one per zone, its schedule ignored", () => {
            assert.deepEqual(apiTier([{ name: "api", schedule: band(4) } as unknown as WorkloadForecast]), {
                now: 45.63,
                proposed: 45.63,
            });
        });

        test("a band whose placeholders do not pay in the replay (headroom.pays false): none as proposed", () => {
            const unpaid = sized("api", 4, { headroom: { pods: 2, without: 1, with: 1.1, pays: false } });
            assert.deepEqual(apiTier([unpaid]), { now: 45.63, proposed: 18.25 });
        });
    });

    test("proposed reads the final config: a forecast that adds a Redis master adds its node (4 × 0.03 × 730 = 87.6)", () => {
        const c = tinyConfig();
        const cost = stackCost({ stack: "dev", configured: c, final: tinyConfig({ redis: { ...c.redis, masters: 4 } }) });
        assert.deepEqual(cost.tiers.redis, { now: 65.7, proposed: 87.6 });
        // Without a replay the API runs its minReplicas: 1 × 0.025 × 730 = 18.25.
        assert.deepEqual(cost.tiers.api, { now: 18.25, proposed: 18.25 });
    });
});
