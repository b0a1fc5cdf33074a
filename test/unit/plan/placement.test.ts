/** Placement by capacity type (issue 17 #2) in the plan: a spot pool's burst and its on-demand floor, worked by hand. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { planStack } from "../../../plan/stack";
import { FLOOR_SCHEDULE_ANNOTATION } from "../../../policies/contract";

const BACKUP = { postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" } } };
/** prod with the report pool on spot (schema defaults: 2..20, grace 120 s, preStop 5 s). */
const prod = (over: Record<string, unknown> = {}) => parseConfig({ ...BACKUP, workers: { report: { capacity: "spot" } }, ...over }, "prod");
const required = (key: string, value: string) => ({
    nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key, operator: "In", values: [value] }] }],
        },
    },
});
const KEY = "karpenter.sh/capacity-type";

describe("placement in the plan", () => {
    test("a stack without spot pools places nothing", () => {
        const p = planStack(parseConfig(BACKUP, "prod"), "prod");
        assert.deepEqual(
            p.workloads.map((w) => [w.pod.name, w.pod.placement, w.onDemandFloor, w.capacity]),
            [
                ["sysmanage-api", undefined, undefined, "on-demand"],
                ["sysmanage-worker-queue", undefined, undefined, "on-demand"],
                ["sysmanage-worker-agent", undefined, undefined, "on-demand"],
                ["sysmanage-worker-report", undefined, undefined, "on-demand"],
                ["sysmanage-worker-cleanup", undefined, undefined, "on-demand"],
            ],
        );
    });

    test("a spot pool: the burst 1..18 on spot with a 90 s grace, the floor of 2 on on-demand; the rest pinned to on-demand", () => {
        const p = planStack(prod(), "prod");
        const report = p.workloads.find((w) => w.key === "worker-report")!;
        assert.deepEqual(report.bounds, { minReplicas: 1, maxReplicas: 18 });
        assert.deepEqual(report.pod.placement, {
            affinity: required(KEY, "spot"),
            tolerations: [{ key: KEY, operator: "Equal", value: "spot", effect: "NoSchedule" }],
        });
        assert.deepEqual(report.pod.shutdown, { terminationGracePeriodSeconds: 90, preStopSleepSeconds: 5 });
        assert.deepEqual(report.deploymentAnnotations, { "sysmanage.io/on-demand-floor": "sysmanage-worker-report-on-demand" });
        const floor = report.onDemandFloor!;
        assert.equal(floor.replicas, 2);
        assert.equal(floor.pod.name, "sysmanage-worker-report-on-demand");
        assert.deepEqual(floor.pod.placement, { affinity: required(KEY, "on-demand") });
        assert.deepEqual(floor.pod.shutdown, { terminationGracePeriodSeconds: 120, preStopSleepSeconds: 5 });
        // The same connected pod otherwise: the data tier's env and the credentials version.
        assert.deepEqual(floor.pod.env, report.pod.env);
        assert.deepEqual(floor.pod.annotations, report.pod.annotations);
        for (const w of p.workloads.filter((x) => x.key !== "worker-report")) {
            assert.deepEqual(w.pod.placement, { affinity: required(KEY, "on-demand") }, w.key);
            assert.equal(w.onDemandFloor, undefined, w.key);
        }
    });

    test("EKS managed node groups spell the values SPOT and ON_DEMAND; a grace period already inside the notice is kept", () => {
        const p = planStack(
            prod({
                placement: { capacityTypeLabel: "eks.amazonaws.com/capacityType", spotGracePeriodSeconds: 100 },
                workers: { report: { capacity: "spot", shutdown: { terminationGracePeriodSeconds: 60 } } },
            }),
            "prod",
        );
        const report = p.workloads.find((w) => w.key === "worker-report")!;
        assert.deepEqual(report.pod.placement?.affinity, required("eks.amazonaws.com/capacityType", "SPOT"));
        assert.deepEqual(report.onDemandFloor!.pod.placement?.affinity, required("eks.amazonaws.com/capacityType", "ON_DEMAND"));
        assert.equal(report.pod.shutdown.terminationGracePeriodSeconds, 60);
    });

    test("a spot pool's schedule is what the pool's floor leaves above the on-demand floor, at least 1", () => {
        // The pool's floors 2, 6, 6, 2 less the 2 on-demand pods: 1 (never 0), 4, 4, 1.
        const schedule = { start: 1_764_892_800, stepSeconds: 3600, floors: [2, 6, 6, 2], bands: [], minReplicas: 2 };
        const report = planStack(prod(), "prod", { schedules: { "worker-report": schedule } }).workloads.find(
            (w) => w.key === "worker-report",
        )!;
        assert.equal(
            report.annotations?.[FLOOR_SCHEDULE_ANNOTATION],
            '{"start":"2025-12-05T00:00:00.000Z","stepSeconds":3600,"floors":[1,4,4,1]}',
        );
        assert.deepEqual(report.bounds, { minReplicas: 1, maxReplicas: 18 });
        assert.equal(
            report.scheduleRules?.groups[0].rules[0].expr,
            "vector(4) and on() (vector(time()) >= 1764896400 < 1764903600) # 2025-12-05T01:00Z .. 2025-12-05T03:00Z\n" +
                "or vector(0) # after 2025-12-05T04:00Z or between runs: minReplicas holds",
        );
    });

    test("config: a spot pool needs room for its burst, and its preStop inside the spot grace period", () => {
        assert.throws(() => prod({ workers: { report: { capacity: "spot", minReplicas: 4, maxReplicas: 4 } } }), {
            message:
                "Pulumi.prod.yaml: workers.report.capacity is spot, so workers.report.minReplicas (4) must be < workers.report.maxReplicas (4): the burst on spot is the difference",
        });
        assert.throws(() => prod({ placement: { spotGracePeriodSeconds: 5 } }), {
            message:
                "Pulumi.prod.yaml: workers.report.shutdown.preStopSleepSeconds (5) must be < the spot pods' grace period (5, placement.spotGracePeriodSeconds)",
        });
        // An on-demand pool is not held to the spot grace period.
        assert.doesNotThrow(() => parseConfig({ ...BACKUP, placement: { spotGracePeriodSeconds: 5 } }, "prod"));
    });
});

describe("working hours in the plan (issue 17 #4)", () => {
    const WH = { enabled: true, days: [1], start: "08:00", end: "18:00", utcOffsetMinutes: 60, minReplicas: 1 };
    const EXPR =
        "vector(3) and on() ((hour(vector(time() + 3600)) * 60 + minute(vector(time() + 3600))) >= 480 < 1080) and on() (day_of_week(vector(time() + 3600)) == 1) # 08:00 .. 18:00 at UTC+1h, days 1\n" +
        "or vector(0) # outside working hours: minReplicas holds";
    const rule = (workload: string) => ({
        record: "sysmanage:scheduled_floor:replicas",
        expr: EXPR,
        labels: { namespace: "sysmanage", workload, source: "working-hours" },
    });
    test("the API's 3 held inside working hours by a recorded floor, 1 outside; a pool already at 1 is unchanged", () => {
        const cfg = parseConfig({ ...BACKUP, placement: { workingHours: WH }, workers: { queue: { minReplicas: 1 } } }, "prod");
        const p = planStack(cfg, "prod");
        const api = p.workloads.find((w) => w.key === "api")!;
        assert.deepEqual(api.bounds, { minReplicas: 1, maxReplicas: 50 });
        assert.deepEqual(api.annotations, { "sysmanage.io/working-hours-floor": "3" });
        assert.deepEqual(api.metrics.at(-1), {
            kind: "object",
            namespace: "sysmanage",
            name: "scheduled_floor",
            selector: { workload: "sysmanage-api" },
            averageValue: "1",
        });
        assert.deepEqual(api.scheduleRules, {
            groups: [{ name: "sysmanage-schedule-sysmanage-api", interval: "30s", rules: [rule("sysmanage-api")] }],
        });
        const queue = p.workloads.find((w) => w.key === "worker-queue")!;
        assert.deepEqual([queue.bounds.minReplicas, queue.scheduleRules, queue.annotations], [1, undefined, undefined]);
    });
    test("beside a forecast schedule: one scheduled_floor metric, the working-hours rule after the forecast's in its group", () => {
        const cfg = parseConfig({ ...BACKUP, placement: { workingHours: WH } }, "prod");
        const schedule = { start: 1_764_892_800, stepSeconds: 3600, floors: [3, 6], bands: [] };
        const api = planStack(cfg, "prod", { schedules: { api: schedule } }).workloads.find((w) => w.key === "api")!;
        assert.equal(api.metrics.filter((m) => m.kind === "object" && m.name === "scheduled_floor").length, 1);
        assert.deepEqual(
            api.scheduleRules?.groups[0].rules.map((r) => r.labels.source ?? "forecast"),
            ["forecast", "working-hours"],
        );
        assert.deepEqual(api.scheduleRules?.groups[0].rules[1], rule("sysmanage-api"));
        assert.equal(api.bounds.minReplicas, 1);
    });
    test("config: the window starts before it ends", () => {
        assert.throws(() => parseConfig({ ...BACKUP, placement: { workingHours: { ...WH, start: "18:00", end: "08:00" } } }, "prod"), {
            message: "Pulumi.prod.yaml: placement.workingHours.start (18:00) must be before placement.workingHours.end (08:00)",
        });
    });
});
