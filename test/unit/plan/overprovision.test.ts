/** Overprovisioning (issue 17 #4) in the plan: the band's headroom and the placeholders' size, worked by hand. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { bandHeadroomPods, headroomVerdict, overprovisionPlan, priceHeadroom } from "../../../plan/overprovision";
import { planStack } from "../../../plan/stack";
import type { FloorSchedule } from "../../../forecast/schedule";

const BACKUP = { postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" } } };
const prod = (overprovision: Record<string, unknown>, over: Record<string, unknown> = {}) =>
    parseConfig({ ...BACKUP, placement: { overprovision }, ...over }, "prod");
const schedule = (floors: number[], bands: FloorSchedule["bands"]): FloorSchedule => ({ stepSeconds: 3600, start: 0, floors, bands });

describe("bandHeadroomPods", () => {
    test("at each band's peak: the highest floor × (upper − point) / upper, the point halfway between the edges; the largest band", () => {
        const s = schedule(
            [2, 6, 4],
            [
                // peak slot 1: point 400, 6 × (500 − 400) / 500 = 1.2 → 2 pods.
                { metric: "requests", lower: [50, 300, 200], upper: [150, 500, 300] },
                // peak slot 1: point 1, 6 × (2 − 1) / 2 = 3 pods.
                { metric: "cpu", lower: [0, 0, 0], upper: [1, 2, 1] },
            ],
        );
        assert.equal(bandHeadroomPods(s), 3);
        assert.equal(bandHeadroomPods({ ...s, bands: [s.bands[0]] }), 2);
    });

    test("the band's peak, not the slot where the floor first peaks (it rises ahead of the load)", () => {
        // The floor reaches 6 at slot 1, where the band is still quiet (width 0); the band peaks
        // at slot 2: point 400, 6 × (500 − 400) / 500 = 1.2 → 2.
        assert.equal(
            bandHeadroomPods(schedule([2, 6, 6, 3], [{ metric: "requests", lower: [100, 100, 300, 200], upper: [100, 100, 500, 200] }])),
            2,
        );
    });

    test("the first of equal peaks; float noise adds no pod; an empty or loadless schedule needs none", () => {
        // slot 0 (the first 100): 5 × (100 − 60) / 100 = 2; slot 1 would give 5.
        assert.equal(bandHeadroomPods(schedule([5, 5], [{ metric: "requests", lower: [20, 0], upper: [100, 100] }])), 2);
        // 6 × 0.2 / 0.6 is 2.0000000000000004 in floating point: still 2.
        assert.equal(bandHeadroomPods(schedule([6], [{ metric: "cpu", lower: [0.1], upper: [0.3] }])), 2);
        assert.equal(bandHeadroomPods(schedule([], [])), 0);
        assert.equal(bandHeadroomPods(schedule([3], [{ metric: "requests", lower: [0], upper: [0] }])), 0);
        // A band as narrow as the point: no headroom.
        assert.equal(bandHeadroomPods(schedule([4], [{ metric: "requests", lower: [80], upper: [80] }])), 0);
    });
});

describe("overprovisionPlan", () => {
    test("off by default: no placeholders, and planStack has none", () => {
        const cfg = parseConfig(BACKUP, "prod");
        assert.equal(overprovisionPlan(cfg), undefined);
        assert.equal(planStack(cfg, "prod").overprovision, undefined);
    });

    test("on without a forecast: one per zone, each the API pod's requests (500m, 512Mi)", () => {
        assert.deepEqual(overprovisionPlan(prod({ enabled: true })), { replicas: 3, cpu: "500m", memory: "512Mi", source: "one per zone" });
    });

    test("on with the API's schedule: its band headroom; a fixed count and size win; 0 means none", () => {
        const s = schedule([2, 6], [{ metric: "requests", lower: [0, 300], upper: [100, 500] }]);
        // slot 1: 6 × 100 / 500 = 1.2 → 2.
        assert.deepEqual(overprovisionPlan(prod({ enabled: true }), s), {
            replicas: 2,
            cpu: "500m",
            memory: "512Mi",
            source: "forecast band",
        });
        assert.deepEqual(overprovisionPlan(prod({ enabled: true, pods: 5, cpu: "1", memory: "1Gi" }), s), {
            replicas: 5,
            cpu: "1",
            memory: "1Gi",
            source: "config",
        });
        assert.equal(overprovisionPlan(prod({ enabled: true, pods: 0 })), undefined);
        assert.equal(
            overprovisionPlan(prod({ enabled: true }), schedule([4], [{ metric: "requests", lower: [80], upper: [80] }])),
            undefined,
        );
    });

    test("from the band only where the replay shows it pays: a verdict that does not pay declares none; the config's count still wins", () => {
        const s = schedule([2, 6], [{ metric: "requests", lower: [0, 300], upper: [100, 500] }]);
        const verdict = (pays: boolean) => ({ pods: 2, without: 1.2, with: pays ? 1.1 : 1.3, pays });
        assert.equal(overprovisionPlan(prod({ enabled: true }), s, undefined, verdict(false)), undefined);
        assert.equal(overprovisionPlan(prod({ enabled: true }), s, undefined, verdict(true))?.replicas, 2);
        assert.equal(overprovisionPlan(prod({ enabled: true, pods: 4 }), s, undefined, verdict(false))?.replicas, 4);
        // planStack passes the API's verdict.
        const cfg = prod({ enabled: true });
        assert.equal(planStack(cfg, "prod", { schedules: { api: s }, headroom: { api: verdict(false) } }).overprovision, undefined);
        assert.equal(planStack(cfg, "prod", { schedules: { api: s }, headroom: { api: verdict(true) } }).overprovision?.replicas, 2);
    });

    test("in a stack with spot the placeholders take the API's on-demand affinity", () => {
        const cfg = prod({ enabled: true }, { workers: { report: { capacity: "spot" } } });
        const p = planStack(cfg, "prod").overprovision;
        assert.deepEqual(p?.affinity, {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                        { matchExpressions: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }] },
                    ],
                },
            },
        });
        assert.equal(p?.replicas, 3);
    });
});

describe("priceHeadroom", () => {
    // 4 ticks a minute apart under a floor of 2; the pods are ready a minute after the HPA asks.
    const tr = (need: number[]) => ({
        time: Float64Array.from([0, 60, 120, 180]),
        replicas: Int32Array.from([2, 2, 3, 3]),
        ready: Int32Array.from([2, 2, 2, 3]),
        need: Float64Array.from(need),
        oracleTicks: need.reduce((a, n) => a + Math.ceil(n), 0),
    });
    const floor = () => 2;

    test("a burst the HPA is late for: one placeholder pays", () => {
        // Without: pods 2+2+3+3 = 10, shortfall 0 + 0.5 + 1 + 0 = 1.5: (10 + 15) / 11.
        // With 1: pods 3+3+4+4 = 14, ready max(3, ·) covers every need: 14 / 11.
        assert.deepEqual(priceHeadroom(tr([2, 2.5, 3, 3]), floor, 1, 60), { without: 25 / 11, with: 14 / 11, pays: true });
    });

    test("a load the HPA keeps up with: the room is only cost", () => {
        // Without: 10 pods, every need ready (2, 2, 2, 3): 10 / 9. With 1: 14 / 9.
        assert.deepEqual(priceHeadroom(tr([2, 2, 2, 3]), floor, 1, 60), { without: 10 / 9, with: 14 / 9, pays: false });
    });

    test("a burst beyond the room: the shortfall left is charged ×10", () => {
        // Without: pods 2+2+3+3 = 10, ready 2, 2, 2, 3 against 2, 5, 3, 3: short 3 + 1 = 4: (10 + 40) / 13.
        // With 1: pods 3+3+4+4 = 14, ready 3 at every tick: short 2 at tick 1: (14 + 20) / 13.
        assert.deepEqual(priceHeadroom(tr([2, 5, 3, 3]), floor, 1, 60), { without: 50 / 13, with: 34 / 13, pays: true });
    });

    test("no placeholders cost the same, which does not pay", () => {
        // 10 pods, short 0.5 at tick 1 and 1 at tick 2: (10 + 15) / 11 both ways.
        assert.deepEqual(priceHeadroom(tr([2, 2.5, 3, 3]), floor, 0, 60), { without: 25 / 11, with: 25 / 11, pays: false });
    });

    test("a replay without load prices nothing", () => {
        assert.deepEqual(priceHeadroom(tr([0, 0, 0, 0]), floor, 1, 60), { without: 0, with: 0, pays: false });
    });
});

describe("headroomVerdict", () => {
    // Ticks at 0, 30, 60 and 90 min, replayed under a floor of 2; the hourly floors are 2 at hour
    // 0 and 3 at hour 1 (2 after), raised 30 min (the lead) ahead of each hour and ready by it:
    // floors 2, 3, 3, 2 at the ticks; ready floors 2, 2, 3, 3.
    const tr = (need: number[]) => ({
        time: Float64Array.from([0, 1800, 3600, 5400]),
        replicas: Int32Array.from([2, 2, 3, 3]),
        ready: Int32Array.from([2, 2, 2, 3]),
        need: Float64Array.from(need),
        oracleTicks: need.reduce((a, n) => a + Math.ceil(n), 0),
    });
    const hourly = [2, 3, ...Array.from({ length: 22 }, () => 2)];
    // Highest floor 3, band 2..4 at its peak: 3 × (4 − 2) ÷ (2 × 4) = 0.75 → 1 pod.
    const s = schedule([3], [{ metric: "requests", lower: [2], upper: [4] }]);

    test("a burst the schedule is late for: 1 pod pays (16/11 → 14/11)", () => {
        // Without: pods max(floor, replicas) 2 + 3 + 3 + 3 = 11; ready 2, 2, 3, 3 against need
        // 2, 2, 3.5, 3: short 0.5; (11 + 10 × 0.5) / 11. With 1: pods 2 + 2 + 3 + 3 + 4 × 1 = 14, ready
        // 3, 3, 4, 4 covers every need: 14 / 11.
        assert.deepEqual(headroomVerdict(s, tr([2, 2, 3.5, 3]), hourly, 1800), { pods: 1, without: 16 / 11, with: 14 / 11, pays: true });
    });

    test("a load the schedule keeps up with: the room is only cost (11/10 → 14/10)", () => {
        // need 2, 2, 3, 3: oracle 10; without: 11 pods, no shortfall.
        assert.deepEqual(headroomVerdict(s, tr([2, 2, 3, 3]), hourly, 1800), { pods: 1, without: 11 / 10, with: 14 / 10, pays: false });
    });

    test("a band of no width asks for no pod: no verdict", () => {
        assert.equal(
            headroomVerdict(schedule([3], [{ metric: "requests", lower: [4], upper: [4] }]), tr([2, 2, 3, 3]), hourly, 1800),
            undefined,
        );
    });
});
