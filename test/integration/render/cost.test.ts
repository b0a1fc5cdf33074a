/**
 * The render summary's cost block (issue 17) for dev, its figures worked out here from
 * Pulumi.dev.yaml and the schema's defaults (not from the cost model): requests × pods × the
 * example on-demand prices (0.031611 a vCPU-hour, 0.004237 a GiB-hour) × 730 hours.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { rendered, renderWith } from "../../support/render";
import { summarize } from "../../../tools/renderSummary";

/** The summary's cost block: its heading to the reserved line. */
function costBlock(summary: string): string[] {
    const lines = summary.split("\n");
    const at = lines.findIndex((l) => l.startsWith("Cost (monthly"));
    assert.ok(at >= 0, "the summary has a cost block");
    return lines.slice(at, at + 9);
}

// Per pod and hour (vCPU × 0.031611 + GiB × 0.004237):
//   0.25 vCPU, 0.25 GiB (the API, each worker pool, each PgBouncer): 0.00790275 + 0.00105925 = 0.008962
//   analytics 0.5 vCPU, 1 GiB (its defaults): 0.0158055 + 0.004237 = 0.0200425
//   Postgres 1 vCPU, 2 GiB (the primary, no replicas, and the analytics replica): 0.040085
//   cache node 500m + the exporter's 50m, 512Mi + 64Mi = 0.55 vCPU, 0.5625 GiB: 0.0197693625
//   session node 250m + 50m, 256Mi + 64Mi = 0.3 vCPU, 0.3125 GiB: 0.0108073625
// Monthly (× 730): api 1 pod 6.54226; workers 4 pools × 1 pod 26.16904; analytics 1 replica 14.631025;
// postgres 2 instances 58.5241; poolers 3 pods 19.62678; redis 3 cache masters (no replicas in dev)
// + 3 session masters 66.96302775; total 192.45623275.
// Reserved at 90 %: nothing varies without the forecast, so all of it: 7.05 vCPU (0.25 + 1 + 0.5 +
// 2 + 0.75 + 1.65 + 0.9) and 9.625 GiB (0.25 + 1 + 1 + 4 + 0.75 + 1.6875 + 0.9375) at 0.019915 and
// 0.002669: (0.14040075 + 0.025689125) × 730 = 121.24560875, saving 71.210624.
describe("the render summary's cost block (dev)", () => {
    test("forecast off: now = proposed, every tier from the stack file", async () => {
        const r = await renderWith("dev", { forecast: { enabled: false } });
        assert.deepEqual(costBlock(summarize(r)), [
            "Cost (monthly, USD, prices from config cost.prices, spot pools' burst at spot):",
            "  api          6.54  ->    6.54",
            // queue and agent 1 pod each; report and cleanup scale to zero (no replay: their minReplicas 0).
            // Per pod (0.25 × 0.031611 + 0.25 × 0.004237) × 730 = 6.54226: 2 pods = 13.08.
            "  workers     13.08  ->   13.08",
            "  analytics   14.63  ->   14.63",
            "  postgres    58.52  ->   58.52",
            "  poolers     19.63  ->   19.63",
            "  redis       66.96  ->   66.96",
            "  total      179.37  ->  179.37",
            // Two worker pods fewer to commit: 0.5 vCPU and 0.5 GiB, 2 × (0.25 × 0.019915 + 0.25 × 0.002669) × 730 = 8.24 reserved.
            "  reserved: commit 6.55 vCPU and 9.125 GiB (what the proposed stack keeps busy 90 % of the hours, cost.reserved.coverage): 113.00 a month instead of 179.37 on demand, saving 66.37",
        ]);
        assert.deepEqual((r.outputs.cost as { reserved: unknown }).reserved, {
            coverage: 0.9,
            vcpu: 6.55,
            gib: 9.125,
            monthly: 113,
            saving: 66.37,
        });
    });

    test("forecast on: the fixed tiers as above; the forecast's fourth cache master adds 0.0197693625 × 730 = 14.43", async () => {
        const block = costBlock(summarize(await rendered("dev")));
        assert.deepEqual(block.slice(3, 7), [
            "  analytics   14.63  ->   14.63",
            "  postgres    58.52  ->   58.52",
            "  poolers     19.63  ->   19.63",
            "  redis       66.96  ->   81.39  +14.43",
        ]);
    });
});
