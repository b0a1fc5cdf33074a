/**
 * Placement and overprovisioning (issue 17) at their edges, worked by hand: a disabled spot pool,
 * a schedule without floors (priceHeadroom's edges are in overprovision.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { bandHeadroomPods } from "../../../plan/overprovision";
import { stackUsesSpot } from "../../../plan/placement";
import { planStack } from "../../../plan/stack";

const BACKUP = { postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" } } };

describe("a stack uses spot only through an enabled spot pool", () => {
    test("a disabled pool on spot places nothing; enabled, it does", () => {
        const off = parseConfig({ ...BACKUP, workers: { report: { enabled: false, capacity: "spot" } } }, "prod");
        assert.equal(stackUsesSpot(off), false);
        assert.deepEqual(
            planStack(off, "prod").workloads.map((w) => w.pod.placement),
            [undefined, undefined, undefined, undefined],
        );
        assert.equal(stackUsesSpot(parseConfig({ ...BACKUP, workers: { report: { capacity: "spot" } } }, "prod")), true);
        assert.equal(stackUsesSpot(parseConfig(BACKUP, "prod")), false);
    });
});

describe("bandHeadroomPods without floors", () => {
    test("no floor is no headroom, even under a loaded band of no width", () => {
        assert.equal(
            bandHeadroomPods({ stepSeconds: 3600, start: 0, floors: [], bands: [{ metric: "requests", lower: [50], upper: [50] }] }),
            0,
        );
    });
});
