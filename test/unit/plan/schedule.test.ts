import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { planStack } from "../../../plan/stack";
import { FLOOR_SCHEDULE_ANNOTATION, parseFloorSchedule } from "../../../policies/contract";

const prod = parseConfig({ postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" } } }, "prod");
// 2025-12-05T00:00:00Z, four hourly slots.
const schedule = { start: 1_764_892_800, stepSeconds: 3600, floors: [2, 6, 6, 2], bands: [] };

describe("the floor schedule in the plan", () => {
    test("a scheduled workload also scales on scheduled_floor, records its schedule and gets its rules; the others are unchanged", () => {
        const plain = planStack(prod, "prod");
        const p = planStack(prod, "prod", { schedules: { "worker-report": schedule } });
        const report = p.workloads.find((w) => w.key === "worker-report")!;
        const before = plain.workloads.find((w) => w.key === "worker-report")!;
        assert.deepEqual(report.metrics, [
            ...before.metrics,
            {
                kind: "object",
                namespace: "sysmanage",
                name: "scheduled_floor",
                selector: { workload: "sysmanage-worker-report" },
                averageValue: "1",
            },
        ]);
        assert.equal(
            report.annotations?.[FLOOR_SCHEDULE_ANNOTATION],
            '{"start":"2025-12-05T00:00:00.000Z","stepSeconds":3600,"floors":[2,6,6,2]}',
        );
        assert.deepEqual(parseFloorSchedule(report.annotations[FLOOR_SCHEDULE_ANNOTATION]), {
            start: 1_764_892_800,
            stepSeconds: 3600,
            floors: [2, 6, 6, 2],
        });
        assert.equal(report.scheduleRules?.groups[0].name, "sysmanage-schedule-sysmanage-worker-report");
        // The report pool keeps 2 pods at least (the schema default): only the 6-pod run is a term.
        assert.equal(
            report.scheduleRules?.groups[0].rules[0].expr,
            "vector(6) and on() (vector(time()) >= 1764896400 < 1764903600) # 2025-12-05T01:00Z .. 2025-12-05T03:00Z\n" +
                "or vector(0) # after 2025-12-05T04:00Z or between runs: minReplicas holds",
        );
        for (const w of p.workloads.filter((x) => x.key !== "worker-report")) {
            assert.equal(w.scheduleRules, undefined, w.key);
            assert.deepEqual(w.metrics, plain.workloads.find((x) => x.key === w.key)!.metrics, w.key);
        }
    });
    test("the HPA's minReplicas is the schedule's lowest floor while it runs (the configured static minimum), never raised", () => {
        const base = planStack(prod, "prod").workloads.find((w) => w.key === "worker-queue")!.bounds;
        const lowered = planStack(prod, "prod", { schedules: { "worker-queue": { ...schedule, minReplicas: 1 } } });
        const q = lowered.workloads.find((w) => w.key === "worker-queue")!;
        assert.deepEqual(q.bounds, { minReplicas: 1, maxReplicas: base.maxReplicas });
        // Floors above 1 are terms now: 2 (slot 0) and 6 (slots 1-2) and 2 (slot 3).
        assert.equal(q.scheduleRules?.groups[0].rules[0].expr.split("\n").length, 4);
        const above = planStack(prod, "prod", { schedules: { "worker-queue": { ...schedule, minReplicas: 9 } } });
        assert.deepEqual(above.workloads.find((w) => w.key === "worker-queue")!.bounds, base);
    });
    test("the annotation's reader names what is wrong", () => {
        assert.equal(parseFloorSchedule("{"), "is not JSON");
        assert.equal(parseFloorSchedule('{"start":"x","stepSeconds":3600,"floors":[1]}'), "has no ISO 8601 start");
        assert.equal(
            parseFloorSchedule('{"start":"2025-12-05T00:00:00Z","stepSeconds":0,"floors":[1]}'),
            "has no positive whole stepSeconds",
        );
        assert.equal(
            parseFloorSchedule('{"start":"2025-12-05T00:00:00Z","stepSeconds":60,"floors":[1.5]}'),
            "has no floors (a non-empty list of whole replica counts)",
        );
    });
});
