/** The report's floor schedule (tools/forecast/reportSchedule.ts) and its place in the report (report.ts). */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { WorkloadForecast } from "../../../../forecast/stack";
import { markdownReport } from "../../../../tools/forecast/report";
import { scheduleSection } from "../../../../tools/forecast/reportSchedule";

/** 2025-12-05 00:00 UTC. */
const START = 20427 * 86400;

/** A sized workload as the step returns it, with only what the report reads. */
const workload = (extra: Partial<WorkloadForecast>): WorkloadForecast => ({
    name: "api",
    kind: "api",
    current: { minReplicas: 2, maxReplicas: 10 },
    proposed: { minReplicas: 2, maxReplicas: 10 },
    raw: { minReplicas: 2, maxReplicas: 10 },
    model: "m",
    backtestMase: 0.5,
    metrics: [],
    dataEnd: START,
    warnings: [],
    notes: [],
    capacity: [],
    annotations: {},
    ...extra,
});

describe("the report's floor schedule", () => {
    test("a schedule: its runs of equal floors from start to end, the backtest behind it", () => {
        const w = workload({
            schedule: { start: START, stepSeconds: 900, floors: [2, 2, 5, 5, 5, 2], bands: [], minReplicas: 1 },
            scheduleBacktest: { staticCost: 1.25, scheduledCost: 1.1, days: 6 },
        });
        assert.deepEqual(scheduleSection(w), [
            "- floor schedule: 6 slots of 15 min from 2025-12-05T00:00Z until 2025-12-05T01:30Z, floors 2..5 (maxReplicas 10), then the HPA's minReplicas 1 by itself; backtest: scheduled 1.100 vs static 1.250 over 6 held-out days",
            "",
            "| from (UTC) | until (UTC) | floor |",
            "|---|---|---|",
            "| 2025-12-05T00:00Z | 2025-12-05T00:30Z | 2 |",
            "| 2025-12-05T00:30Z | 2025-12-05T01:15Z | 5 |",
            "| 2025-12-05T01:15Z | 2025-12-05T01:30Z | 2 |",
            "",
        ]);
    });
    test("the band's headroom after the runs: the pods, the replay's weighted cost without and with, the verdict", () => {
        const schedule = { start: START, stepSeconds: 3600, floors: [3], bands: [], minReplicas: 1 };
        const tail = (pays: boolean) =>
            scheduleSection(workload({ schedule, headroom: { pods: 2, without: 1.23456, with: pays ? 1.2 : 1.3, pays } })).slice(-2);
        assert.deepEqual(tail(true), [
            "- overprovisioning headroom: 2 placeholder pod(s) at the band's peak; the replay's weighted cost 1.2346 without, 1.2000 with: pays",
            "",
        ]);
        assert.deepEqual(tail(false), [
            "- overprovisioning headroom: 2 placeholder pod(s) at the band's peak; the replay's weighted cost 1.2346 without, 1.3000 with: does not pay (no placeholders from the band)",
            "",
        ]);
    });
    test("no schedule: the step's reason, as it gives it (the backtest's class and numbers, or the stale export)", () => {
        const note =
            "api: the backtest (each of 6 days under the hourly floors of the others) costs 1.65 % more than the static floor 2 (backtest: scheduled 1.230 vs static 1.210 over 6 held-out days): the load's bursts do not come at the same hours from day to day; keeps the static floor 2";
        assert.deepEqual(scheduleSection(workload({ scheduleNote: note })), [`- floor schedule: none: ${note}`]);
    });
    test("in the report: after the workload's notes, before its chart (which draws the schedule)", () => {
        const w = workload({
            metrics: [
                {
                    name: "requests",
                    model: "m",
                    modelDetail: "m",
                    peakFactor: 1,
                    forecastPeak: 100,
                    recentPeak: 90,
                    capacityPerPod: 100,
                    targetUtilization: 0.7,
                    floorScales: [1],
                } as unknown as WorkloadForecast["metrics"][number],
            ],
            schedule: { start: START, stepSeconds: 3600, floors: [3, 3], bands: [], minReplicas: 2 },
        });
        const md = markdownReport({
            stack: "dev",
            generatedAt: "now",
            inputsHash: "h",
            settings: {} as never,
            workloads: [w],
            warnings: [],
        });
        const lines = md.split("\n");
        const at = lines.indexOf(
            "- floor schedule: 2 slots of 60 min from 2025-12-05T00:00Z until 2025-12-05T02:00Z, floors 3..3 (maxReplicas 10), then the HPA's minReplicas 2 by itself",
        );
        assert.ok(at > 0, md);
        assert.deepEqual(lines.slice(at + 1, at + 8), [
            "",
            "| from (UTC) | until (UTC) | floor |",
            "|---|---|---|",
            "| 2025-12-05T00:00Z | 2025-12-05T02:00Z | 3 |",
            "",
            "",
            "![api](api.svg)",
        ]);
    });
});
