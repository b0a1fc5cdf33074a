/** The floor schedule's rules (issue 16): bounded by maxReplicas and read by the HPA, current, not pinned. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { forecastScheduleBounded, forecastScheduleNotPinned } from "../../../policies/rules";
import { makeForecastScheduleCurrent } from "../../../policies/rules/forecastScheduleCurrent";
import { messages, mutated } from "../../support/policy";

const HPA = "HorizontalPodAutoscaler app/api";
const KEY = "sysmanage.io/floor-schedule";
// Six hourly slots from 2026-11-26T00:00Z; the fixture's api HPA runs 3..10.
const SCHEDULE = '{"start":"2026-11-26T00:00:00Z","stepSeconds":3600,"floors":[3,4,6,6,4,3]}';
const FLOOR_METRIC = {
    type: "Object",
    object: {
        describedObject: { apiVersion: "v1", kind: "Namespace", name: "app" },
        metric: { name: "scheduled_floor", selector: { matchLabels: { workload: "api" } } },
        target: { type: "AverageValue", averageValue: "1" },
    },
};
const scheduled = (text: string = SCHEDULE, edit: (spec: { [k: string]: unknown; metrics: unknown[] }) => void = () => undefined) =>
    mutated("api-hpa", (i) => {
        i.metadata.annotations = { [KEY]: text };
        i.spec.metrics = [...i.spec.metrics, structuredClone(FLOOR_METRIC)];
        edit(i.spec);
    });

describe("forecast-schedule-bounded", () => {
    it("quiet without a schedule and on a schedule within maxReplicas that the HPA reads", async () => {
        assert.deepEqual(
            await messages(
                forecastScheduleBounded,
                mutated("api-hpa", () => undefined),
            ),
            [],
        );
        assert.deepEqual(await messages(forecastScheduleBounded, scheduled()), []);
    });
    it("a floor above maxReplicas, named with its slot", async () => {
        assert.deepEqual(await messages(forecastScheduleBounded, scheduled(SCHEDULE.replace("[3,4,6,6,4,3]", "[3,4,12,6,4,3]"))), [
            `${HPA}: the floor schedule asks for 12 pods at 2026-11-26T02:00:00.000Z, above maxReplicas (10); re-run the forecasting step, or raise maxReplicas.`,
        ]);
    });
    it("a schedule the HPA does not read, or reads with the wrong target; an unreadable one", async () => {
        const noMetric = scheduled(SCHEDULE, (s) => {
            s.metrics = s.metrics.slice(0, -1);
        });
        assert.deepEqual(await messages(forecastScheduleBounded, noMetric), [
            `${HPA}: has a floor schedule but no Object metric scheduled_floor of its Namespace with selector workload=api; without it the schedule changes nothing.`,
        ]);
        // The adapter serves the floor only as the Namespace's metric: neither External nor another object's is read.
        const external = scheduled(SCHEDULE, (s) => {
            const { object, ...rest } = s.metrics[s.metrics.length - 1] as typeof FLOOR_METRIC;
            s.metrics[s.metrics.length - 1] = { ...rest, type: "External", external: { metric: object.metric, target: object.target } };
        });
        const ofDeployment = scheduled(SCHEDULE, (s) => {
            (s.metrics[s.metrics.length - 1] as typeof FLOOR_METRIC).object.describedObject = {
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: "api",
            };
        });
        for (const f of [external, ofDeployment])
            assert.deepEqual(await messages(forecastScheduleBounded, f), [
                `${HPA}: has a floor schedule but no Object metric scheduled_floor of its Namespace with selector workload=api; without it the schedule changes nothing.`,
            ]);
        const otherTarget = scheduled(SCHEDULE, (s) => {
            (s.metrics[s.metrics.length - 1] as typeof FLOOR_METRIC).object.target.averageValue = "2";
        });
        assert.deepEqual(await messages(forecastScheduleBounded, otherTarget), [
            `${HPA}: scheduled_floor's target must be AverageValue 1 (the metric's value is a replica count).`,
        ]);
        assert.deepEqual(await messages(forecastScheduleBounded, scheduled("{}")), [
            `${HPA}: sysmanage.io/floor-schedule has no ISO 8601 start; re-run the forecasting step.`,
        ]);
    });
});

describe("forecast-schedule-bounded: which metric is the floor's", () => {
    const MISSING = `${HPA}: has a floor schedule but no Object metric scheduled_floor of its Namespace with selector workload=api; without it the schedule changes nothing.`;
    const TARGET = `${HPA}: scheduled_floor's target must be AverageValue 1 (the metric's value is a replica count).`;
    /** The schedule with the floor metric replaced by `metric` (the fixture's cpu metric kept first). */
    const withFloor = (metric: unknown) =>
        scheduled(SCHEDULE, (s) => {
            s.metrics[s.metrics.length - 1] = metric;
        });
    const floorMetric = (edit: (object: typeof FLOOR_METRIC.object) => void) => {
        const m = structuredClone(FLOOR_METRIC);
        edit(m.object);
        return m;
    };
    it("a metric that is not of type Object is not the floor's, even carrying the floor's object", async () => {
        assert.deepEqual(await messages(forecastScheduleBounded, withFloor({ ...structuredClone(FLOOR_METRIC), type: "External" })), [
            MISSING,
        ]);
    });
    it("an Object metric of the Namespace under another name is not the floor's", async () => {
        const other = floorMetric((o) => (o.metric.name = "queue_depth"));
        assert.deepEqual(await messages(forecastScheduleBounded, withFloor(other)), [MISSING]);
    });
    it("null metrics, Object metrics without object, metric or describedObject are skipped", async () => {
        const noDescribed = floorMetric(() => undefined) as { object: Partial<typeof FLOOR_METRIC.object> };
        delete noDescribed.object.describedObject;
        const f = scheduled(SCHEDULE, (s) => {
            s.metrics.splice(0, 0, null, { type: "Object" }, { type: "Object", object: {} }, noDescribed);
        });
        assert.deepEqual(await messages(forecastScheduleBounded, f), []);
        assert.deepEqual(await messages(forecastScheduleBounded, withFloor(noDescribed)), [MISSING]);
    });
    it("the floor's selector must name the HPA's workload; a missing selector or matchLabels names none", async () => {
        assert.deepEqual(
            await messages(forecastScheduleBounded, withFloor(floorMetric((o) => (o.metric.selector.matchLabels.workload = "web")))),
            [MISSING],
        );
        const noMatchLabels = floorMetric((o) => ((o.metric as { selector: unknown }).selector = {}));
        assert.deepEqual(await messages(forecastScheduleBounded, withFloor(noMatchLabels)), [MISSING]);
        const noSelector = floorMetric((o) => delete (o.metric as { selector?: unknown }).selector);
        assert.deepEqual(await messages(forecastScheduleBounded, withFloor(noSelector)), [MISSING]);
    });
    it("the target must be of type AverageValue (a Value of 1 is not), and present", async () => {
        assert.deepEqual(await messages(forecastScheduleBounded, withFloor(floorMetric((o) => (o.target.type = "Value")))), [TARGET]);
        const noTarget = floorMetric((o) => delete (o as { target?: unknown }).target);
        assert.deepEqual(await messages(forecastScheduleBounded, withFloor(noTarget)), [TARGET]);
    });
});

describe("forecast-schedule-current", () => {
    // The schedule ends 2026-11-26T06:00Z.
    const at = (iso: string) => makeForecastScheduleCurrent(() => Date.parse(iso));
    it("quiet while at least minRemainingHours (6) are left", async () => {
        assert.deepEqual(await messages(at("2026-11-26T00:00:00Z"), scheduled()), []);
    });
    it("too little left, or expired; the hours are configurable", async () => {
        assert.deepEqual(await messages(at("2026-11-26T01:30:00Z"), scheduled()), [
            `${HPA}: the floor schedule ends 2026-11-26T06:00:00.000Z (in 4 h, at least 6 h wanted); after it the floor is minReplicas again. Refresh the exports and re-run the forecasting step.`,
        ]);
        assert.deepEqual(await messages(at("2026-11-27T06:00:00Z"), scheduled()), [
            `${HPA}: the floor schedule ends 2026-11-26T06:00:00.000Z (24 h ago, at least 6 h wanted); after it the floor is minReplicas again. Refresh the exports and re-run the forecasting step.`,
        ]);
        assert.deepEqual(await messages(at("2026-11-26T01:30:00Z"), scheduled(), { minRemainingHours: 4 }), []);
    });
});

describe("forecast-schedule-not-pinned", () => {
    it("a pinned HPA with a schedule; pinned without one, or scheduled and unpinned, is fine", async () => {
        const pinned = (withSchedule: boolean) =>
            mutated("api-hpa", (i) => {
                i.spec.minReplicas = 5;
                i.spec.maxReplicas = 5;
                if (withSchedule) i.metadata.annotations = { [KEY]: SCHEDULE };
            });
        assert.deepEqual(await messages(forecastScheduleNotPinned, pinned(true)), [
            `${HPA}: is pinned at 5 replicas (minReplicas = maxReplicas) and has a floor schedule; unpin it or switch its schedule off.`,
        ]);
        assert.deepEqual(await messages(forecastScheduleNotPinned, pinned(false)), []);
        assert.deepEqual(await messages(forecastScheduleNotPinned, scheduled()), []);
    });
});
