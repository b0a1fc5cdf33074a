/** The cost tables as people read them (tools/costTable.ts): exact lines for a hand-made set of figures. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { costLines, costMarkdown } from "../../../tools/costTable";
import type { StackCost } from "../../../plan/cost";

const zero = { now: 0, proposed: 0 };
const FLOORS: StackCost["reserved"]["floors"] = [
    { name: "api", tier: "api", replicas: 1, vcpu: 0.5, gib: 1 },
    { name: "worker-queue", tier: "workers", replicas: 0, vcpu: 0, gib: 0 },
    { name: "sysmanage-pg", tier: "postgres", replicas: 2, vcpu: 4, gib: 16 },
];
const COST: StackCost = {
    currency: "EUR",
    hoursPerMonth: 730,
    tiers: {
        api: { now: 36.5, proposed: 18.25 },
        workers: zero,
        analytics: zero,
        postgres: { now: 175.2, proposed: 175.2 },
        poolers: zero,
        redis: zero,
    },
    total: { now: 211.7, proposed: 193.45 },
    // Committing the floors (1 API pod, 2 Postgres instances; none of the queue's): 4.5 vCPU, 17 GiB.
    reserved: { coverage: 0.75, vcpu: 4.5, gib: 17, monthly: 122.5, saving: 70.95, floors: FLOORS },
};

describe("cost tables", () => {
    test("the render summary's block: a line per tier, now -> proposed and the change, the total, the reserved floor", () => {
        assert.deepEqual(costLines(COST), [
            "Cost (monthly, EUR, prices from config cost.prices, spot pools' burst at spot):",
            "  api         36.50  ->   18.25  -18.25",
            "  workers      0.00  ->    0.00",
            "  analytics    0.00  ->    0.00",
            "  postgres   175.20  ->  175.20",
            "  poolers      0.00  ->    0.00",
            "  redis        0.00  ->    0.00",
            "  total      211.70  ->  193.45  -18.25",
            "  reserved: commit 4.5 vCPU and 17 GiB (what the proposed stack keeps busy 75 % of the hours, cost.reserved.coverage): 122.50 a month instead of 193.45 on demand, saving 70.95",
        ]);
    });

    test("the report's table with the base branch's figures; the floors without pods left out", () => {
        const base: StackCost = {
            ...COST,
            tiers: { ...COST.tiers, postgres: { now: 175.2, proposed: 262.8 } },
            total: { now: 211.7, proposed: 281.05 },
        };
        const md = costMarkdown({ ...COST, base });
        assert.deepEqual(
            md.slice(
                md.indexOf("| tier | now | proposed | change | base branch | vs base |"),
                md.indexOf("| tier | now | proposed | change | base branch | vs base |") + 10,
            ),
            [
                "| tier | now | proposed | change | base branch | vs base |",
                "|---|---:|---:|---:|---:|---:|",
                "| api | 36.50 | 18.25 | -18.25 | 18.25 | 0.00 |",
                "| workers | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 |",
                "| analytics | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 |",
                "| postgres | 175.20 | 175.20 | 0.00 | 262.80 | -87.60 |",
                "| poolers | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 |",
                "| redis | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 |",
                "| **total** | 211.70 | 193.45 | -18.25 | 281.05 | -87.60 |",
                "",
            ],
        );
        assert.deepEqual(md.slice(-5), [
            "| workload | tier | floor (pods) | vCPU | GiB |",
            "|---|---|---:|---:|---:|",
            "| api | api | 1 | 0.5 | 1 |",
            "| sysmanage-pg | postgres | 2 | 4 | 16 |",
            "",
        ]);
    });

    test("without base figures: the reason, and no base column", () => {
        const md = costMarkdown({ ...COST, base: "its stack files do not validate" });
        assert.ok(md.includes("Base branch: no figures: its stack files do not validate."));
        assert.ok(md.includes("| tier | now | proposed | change |"));
        assert.ok(!md.some((l) => l.includes("vs base")));
    });
});
