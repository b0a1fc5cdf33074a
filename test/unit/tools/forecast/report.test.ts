/** The reviewer's view (tools/forecast/report.ts): the Markdown report of dev's forecast (its charts: chart.test.ts). */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { readAppConfig } from "../../../../config/stackFile";
import { workloadInputs } from "../../../../forecast/mapping";
import { forecastStack, type StackInput } from "../../../../forecast/stack";
import { markdownReport } from "../../../../tools/forecast/report";

const ROOT = path.resolve(__dirname, "../../../..");
/** The dev stack's workloads as the program maps them (Pulumi.dev.yaml forecast.series). */
const dev = (): StackInput => ({
    stack: "dev",
    baseDir: path.join(ROOT, "exports/dev"),
    workloads: workloadInputs(readAppConfig(ROOT, "dev"), "dev"),
});

describe("report", () => {
    test("Markdown has the per-workload table row and links each workload's chart", () => {
        const r = forecastStack(dev());
        const md = markdownReport(r);
        const api = r.workloads[0];
        assert.ok(md.includes(`| api | 1..4 | **${api.proposed.minReplicas}..${api.proposed.maxReplicas}** |`));
        assert.ok(md.includes("![worker-queue](worker-queue.svg)"));
    });
    test("the floor's scenario: the report prints each day's factor, and its risk replays the history as it was", () => {
        const scaled = forecastStack(dev());
        const plain = forecastStack({ ...dev(), settings: { floorScenario: "history" } });
        // Dev's bounds do not move with the scenario, so the risk of each, replayed on the
        // unscaled history, must be the same: the scaled replay that checked the floor is not it.
        assert.deepEqual(
            scaled.workloads.map((w) => [w.proposed, w.risk]),
            plain.workloads.map((w) => [w.proposed, w.risk]),
        );
        assert.deepEqual(plain.workloads[0].metrics[0].floorScales, [1, 1, 1, 1, 1, 1, 1]);
        const md = markdownReport(scaled);
        assert.ok(
            md.includes(
                "- floor replay: the last 7 days, each scaled to the forecast's peak for the matching day ahead: `requests` ×1.06 ×0.87 ×1.04 ×0.98 ×0.90 ×0.92 ×0.98; `cpu` ×1.03",
            ),
        );
        assert.ok(
            md.includes(
                "- floor replay: the last 7 days, each scaled to the forecast's peak for the matching day ahead: `queueLength` ×0.57 ×0.84 ×0.50",
            ),
        );
        assert.ok(!markdownReport(plain).includes("floor replay"));
    });
});
