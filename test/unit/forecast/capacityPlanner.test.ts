import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
    capacityRecommendations,
    forecastMetric,
    seedTrend,
    SEED_ACTIONS,
    SEED_CAPACITY_LIMITS,
    type PlannerMetric,
    type PlannerSeries,
} from "../../../forecast/capacityPlanner";

// Points are hourly from T0 (not 0, so `t - base` matters); x = hours since T0.
const T0 = 1_700_000_000;
const H = 3600;
const at = (x: number) => T0 + x * H;
const series = (metric: PlannerMetric, v: number[]): PlannerSeries => ({ metric, t: v.map((_, i) => at(i)), v });
const byHour = (metric: PlannerMetric, n: number, f: (x: number) => number) =>
    series(
        metric,
        Array.from({ length: n }, (_, x) => f(x)),
    );
// 24 points, x = 0..23, `now` at the last one.
const NOW = at(23);
// A straight line that is limit + step/2 at hour `hour` after NOW and limit - step/2 the hour before: the
// limit is first reached `hour` hours after NOW whatever the rounding of the fit.
const crossing = (metric: PlannerMetric, limit: number, hour: number, step: number) =>
    byHour(metric, 24, (x) => limit + step * (x - 23 - hour + 0.5));

describe("the seed's constants (CapacityPlanner.capacity_limits and _get_scaling_action)", () => {
    test("limits and actions, as the seed writes them", () => {
        assert.deepEqual(SEED_CAPACITY_LIMITS, {
            cpu_utilization: 0.8,
            memory_utilization: 0.85,
            disk_utilization: 0.9,
            response_time: 2.0,
            queue_length: 1000,
        });
        assert.deepEqual(SEED_ACTIONS, {
            cpu_utilization: "Scale out application servers",
            memory_utilization: "Scale up instance memory or scale out",
            disk_utilization: "Add storage capacity or implement data archiving",
            response_time: "Scale out application servers or optimize queries",
            queue_length: "Scale out worker processes",
        });
    });
});

describe("seedTrend: the slope of a line through the values against their index, beyond ±0.01", () => {
    test("fewer than 3 values: stable whatever the slope; 3 values are enough", () => {
        assert.equal(seedTrend([0, 1]), "stable"); // slope 1
        assert.equal(seedTrend([1, 0]), "stable");
        assert.equal(seedTrend([]), "stable");
        assert.equal(seedTrend([0, 0.02, 0.04]), "increasing"); // slope 0.02
        assert.equal(seedTrend([0.04, 0.02, 0]), "decreasing");
    });
    test("a slope of exactly ±0.01 is stable (strict comparisons)", () => {
        // mean x = 1, mean y = 0; Σ(x - 1)(y - 0) = 0.01 + 0.01 = 0.02, Σ(x - 1)² = 2 → m = 0.01 exactly in binary
        assert.equal(seedTrend([-0.01, 0, 0.01]), "stable");
        assert.equal(seedTrend([0.01, 0, -0.01]), "stable");
    });
    test("slopes 0.02, -0.02, 0.005, -0.005 and 0", () => {
        assert.equal(seedTrend([1, 1.02, 1.04, 1.06]), "increasing");
        assert.equal(seedTrend([1.06, 1.04, 1.02, 1]), "decreasing");
        assert.equal(seedTrend([1, 1.005, 1.01, 1.015]), "stable");
        assert.equal(seedTrend([1.015, 1.01, 1.005, 1]), "stable");
        assert.equal(seedTrend([5, 5, 5]), "stable");
    });
});

describe("forecastMetric: degree-2 fit on hours since the first point, hourly over the horizon", () => {
    const queue = byHour("queue_length", 24, (x) => 100 + 20 * x); // 100 … 560
    test("exact line: 100 + 20x = 1000 at x = 45, 22 h after now (x = 23); R² = 1 → 0.95", () => {
        // The fit predicts exactly 1000.0 at x = 45, so `>=` (not `>`) fires there: 22 h, not 23 h.
        assert.deepEqual(forecastMetric(queue, NOW), {
            metric: "queue_length",
            currentValue: 560,
            capacityLimit: 1000,
            timeToLimit: 22 * H,
            confidence: 0.95,
            trend: "increasing",
        });
    });
    test("`now` away from the last point: predictions at now + h hours", () => {
        // now at x = 30: x = 45 is h = 15
        assert.equal(forecastMetric(queue, at(30))?.timeToLimit, 15 * H);
        // now at x = 40.5: h = 4 → x = 44.5 → 990 < 1000; h = 5 → x = 45.5 → 1010
        assert.equal(forecastMetric(queue, at(40.5))?.timeToLimit, 5 * H);
        // now at x = 10 (before the last point): x = 45 is h = 35
        assert.equal(forecastMetric(queue, at(10))?.timeToLimit, 35 * H);
    });
    test("exact quadratic 0.5 + 0.01x + 0.0001x²: the curve, not a line, reaches 0.8", () => {
        // x = 24: 0.5 + 0.24 + 0.0576 = 0.7976 < 0.8; x = 25: 0.5 + 0.25 + 0.0625 = 0.8125 → h = 2.
        const s = byHour("cpu_utilization", 24, (x) => 0.5 + 0.01 * x + 0.0001 * x * x);
        const f = forecastMetric(s, NOW);
        assert.equal(f?.timeToLimit, 2 * H);
        assert.equal(f?.confidence, 0.95); // R² = 1 clamped
        // last 10 values (x = 14..23): slope 0.01 + 0.0001 × 2 × 18.5 = 0.0137 > 0.01
        assert.equal(f?.trend, "increasing");
    });
    test("default horizon 7 days = 168 hourly predictions: reached at hour 168 counts, at hour 169 not", () => {
        // 47 + 5x: x = 190 → 997, x = 191 = 23 + 168 → 1002
        assert.equal(
            forecastMetric(
                byHour("queue_length", 24, (x) => 47 + 5 * x),
                NOW,
            )?.timeToLimit,
            168 * H,
        );
        // 42 + 5x: x = 191 → 997, x = 192 = 23 + 169 → 1002, beyond the horizon
        assert.equal(
            forecastMetric(
                byHour("queue_length", 24, (x) => 42 + 5 * x),
                NOW,
            )?.timeToLimit,
            null,
        );
    });
    test("custom horizon and limits: 5400 s → floor(1.5) = 1 hourly prediction", () => {
        // queue at x = 24 (h = 1) is 580, at x = 25 (h = 2) 600
        const limits = (queue_length: number) => ({ ...SEED_CAPACITY_LIMITS, queue_length });
        assert.equal(forecastMetric(queue, NOW, 5400, limits(580))?.timeToLimit, 1 * H);
        assert.equal(forecastMetric(queue, NOW, 5400, limits(600))?.timeToLimit, null);
        assert.equal(forecastMetric(queue, NOW, 7200, limits(600))?.timeToLimit, 2 * H);
        assert.equal(forecastMetric(queue, NOW, 7200, limits(600))?.capacityLimit, 600);
    });
    test("a line that falls: never reaches the limit", () => {
        assert.equal(
            forecastMetric(
                byHour("cpu_utilization", 24, (x) => 0.7 - 0.01 * x),
                NOW,
            )?.timeToLimit,
            null,
        );
    });
    test("10 points are enough, 9 are not", () => {
        const ten = byHour("queue_length", 10, (x) => 100 + 20 * x); // last 280 at x = 9; 1000 at x = 45 → h = 36
        assert.deepEqual(forecastMetric(ten, at(9)), {
            metric: "queue_length",
            currentValue: 280,
            capacityLimit: 1000,
            timeToLimit: 36 * H,
            confidence: 0.95,
            trend: "increasing",
        });
        assert.equal(
            forecastMetric(
                byHour("queue_length", 9, (x) => 100 + 20 * x),
                at(8),
            ),
            null,
        );
    });
    test("no variation: null; a variation anywhere, first and last values equal included, is enough", () => {
        assert.equal(
            forecastMetric(
                byHour("cpu_utilization", 12, () => 0.9),
                at(11),
            ),
            null,
        );
        const lastOnly = series("cpu_utilization", [...Array<number>(11).fill(0.5), 0.6]);
        assert.equal(forecastMetric(lastOnly, at(11))?.currentValue, 0.6);
        const middle = series("cpu_utilization", [0.5, 0.5, 0.6, ...Array<number>(9).fill(0.5)]);
        assert.equal(forecastMetric(middle, at(11))?.currentValue, 0.5);
        assert.equal(forecastMetric(middle, at(11))?.capacityLimit, 0.8);
    });
    // y = a + b·x + e on x = 0..9 with e = c·(1, -3, 3, -1, 0, …, 0): Σe = 0, Σx·e = 0 - 3 + 6 - 3 = 0,
    // Σx²·e = 0 - 3 + 12 - 9 = 0, so the degree-2 fit is the line a + b·x, SSE = 20c², and
    // SST = b²·Σ(x - 4.5)² + 20c² = 82.5b² + 20c². The trend slope is b too: Σ(i - 4.5)e = c(-4.5 + 10.5 - 7.5 + 1.5) = 0.
    const noisy = (b: number, c: number) =>
        series(
            "cpu_utilization",
            Array.from({ length: 10 }, (_, x) => 0.3 + b * x + c * ([1, -3, 3, -1][x] ?? 0)),
        );
    test("confidence = R² between the clamps: b = 0.02, c = 0.05 → 0.033 / (0.033 + 0.05) = 33/83", () => {
        const f = forecastMetric(noisy(0.02, 0.05), at(9.5));
        assert.ok(f !== null && Math.abs(f.confidence - 33 / 83) < 1e-9, `confidence ${f?.confidence}`);
        // 0.3 + 0.02x ≥ 0.8 from x = 25; hours at x = 9.5 + h: h = 15 → 24.5 (0.79), h = 16 → 25.5 (0.81)
        assert.equal(f.timeToLimit, 16 * H);
        assert.equal(f.trend, "increasing");
    });
    test("R² below 0.1 is raised to 0.1: b = 0.002, c = 0.05 → 0.00033 / 0.05033 ≈ 0.0066", () => {
        const f = forecastMetric(noisy(0.002, 0.05), at(9));
        assert.ok(f !== null);
        assert.equal(f.confidence, 0.1);
        assert.equal(f.trend, "stable"); // slope 0.002
        assert.equal(f.timeToLimit, null); // 0.3 + 0.002x = 0.8 at x = 250 > 9 + 168
    });
    test("trend of the last 10 values only", () => {
        // last 10: 0.3, 0.35, 0.4, 0.45, then 0.5 × 6: Σ(i - 4.5)·y = -(1.35 + 1.225 + 1.0 + 0.675 + 0.25) + 0.5 × 12.5
        // = 1.75, / 82.5 → slope 0.0212: increasing. All 15 (the 0.9s first) would fall; the last 5 alone are flat.
        const s = series("cpu_utilization", [0.9, 0.9, 0.9, 0.9, 0.9, 0.3, 0.35, 0.4, 0.45, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
        assert.equal(forecastMetric(s, at(14))?.trend, "increasing");
        assert.equal(forecastMetric(s, at(14))?.currentValue, 0.5);
    });
});

describe("capacityRecommendations: a limit reached in under 3 days; high under 1 day", () => {
    const queueRec = (timeToLimit: number, currentValue: number, urgency: "high" | "medium") => ({
        metric: "queue_length",
        urgency,
        timeToLimit,
        currentValue,
        capacityLimit: 1000,
        recommendedAction: "Scale out worker processes",
        confidence: 0.95,
    });
    test("3 days: 72 h is not under 3 days, 71 h is (medium)", () => {
        // 527 + 5x: x = 94 → 997, x = 95 = 23 + 72 → 1002; currentValue 527 + 115 = 642
        const at72 = byHour("queue_length", 24, (x) => 527 + 5 * x);
        assert.equal(forecastMetric(at72, NOW)?.timeToLimit, 72 * H); // 259200, exactly 86400 × 3
        assert.deepEqual(capacityRecommendations([at72], NOW), []);
        // 532 + 5x: x = 94 = 23 + 71 → 1002; currentValue 647
        const at71 = byHour("queue_length", 24, (x) => 532 + 5 * x);
        assert.deepEqual(capacityRecommendations([at71], NOW), [queueRec(71 * H, 647, "medium")]);
    });
    test("1 day: 24 h is medium, 23 h is high", () => {
        // 767 + 5x: x = 47 = 23 + 24 → 1002, x = 46 → 997; currentValue 767 + 115 = 882
        assert.deepEqual(capacityRecommendations([byHour("queue_length", 24, (x) => 767 + 5 * x)], NOW), [queueRec(24 * H, 882, "medium")]);
        // 772 + 5x: x = 46 = 23 + 23 → 1002; currentValue 887
        assert.deepEqual(capacityRecommendations([byHour("queue_length", 24, (x) => 772 + 5 * x)], NOW), [queueRec(23 * H, 887, "high")]);
    });
    test("default horizon: a limit 168 h away is found but is no recommendation", () => {
        assert.deepEqual(capacityRecommendations([byHour("queue_length", 24, (x) => 47 + 5 * x)], NOW), []);
    });
    test("every metric with its seed limit and action; order kept; no forecast or no limit reached skipped", () => {
        const got = capacityRecommendations(
            [
                crossing("disk_utilization", 0.9, 10, 0.01),
                byHour("cpu_utilization", 24, () => 0.95), // no variation: no forecast
                crossing("memory_utilization", 0.85, 30, 0.01),
                byHour("cpu_utilization", 24, (x) => 0.7 - 0.01 * x), // falling: never reaches 0.8
                crossing("cpu_utilization", 0.8, 5, 0.01),
                crossing("queue_length", 1000, 100, 4), // beyond 3 days
                crossing("response_time", 2.0, 50, 0.02),
                crossing("queue_length", 1000, 2, 4),
            ],
            NOW,
        );
        assert.deepEqual(
            got.map((r) => [r.metric, r.urgency, r.timeToLimit, r.capacityLimit, r.recommendedAction]),
            [
                ["disk_utilization", "high", 10 * H, 0.9, "Add storage capacity or implement data archiving"],
                ["memory_utilization", "medium", 30 * H, 0.85, "Scale up instance memory or scale out"],
                ["cpu_utilization", "high", 5 * H, 0.8, "Scale out application servers"],
                ["response_time", "medium", 50 * H, 2.0, "Scale out application servers or optimize queries"],
                ["queue_length", "high", 2 * H, 1000, "Scale out worker processes"],
            ],
        );
    });
    test("custom horizon and limits are passed to the forecast", () => {
        const queue = byHour("queue_length", 24, (x) => 100 + 20 * x); // 580 at h = 1, 600 at h = 2
        const limits = { ...SEED_CAPACITY_LIMITS, queue_length: 600 };
        assert.deepEqual(capacityRecommendations([queue], NOW, 5400, limits), []);
        assert.deepEqual(capacityRecommendations([queue], NOW, 7200, limits), [{ ...queueRec(2 * H, 560, "high"), capacityLimit: 600 }]);
    });
    test("a metric without a seed action (a JavaScript caller's): the seed's fallback text", () => {
        const metric = "network_io" as PlannerMetric;
        const limits = { ...SEED_CAPACITY_LIMITS, network_io: 10 } as Record<PlannerMetric, number>;
        // 1.125 + x/4: x = 35 → 9.875, x = 36 = 23 + 13 → 10.125
        const r = capacityRecommendations([byHour(metric, 24, (x) => 1.125 + x / 4)], NOW, undefined, limits);
        assert.deepEqual(
            r.map((x) => [x.metric, x.urgency, x.timeToLimit, x.capacityLimit, x.recommendedAction]),
            [[metric, "high", 13 * H, 10, "Review capacity requirements"]],
        );
    });
});

describe("the seed's capacity planner (table tests, from sizing.test.ts)", () => {
    const hours = (n: number) => Array.from({ length: n }, (_, i) => i * 3600);
    const now = 23 * 3600;
    const cases: Array<[string, number[], string | null, "high" | "medium" | null]> = [
        // CPU rising 0.01 an hour is "stable" to the seed (slope must exceed 0.01) yet crosses 0.8 at hour 30 → high
        ["cpu rising 0.01/h", hours(24).map((t) => 0.5 + 0.01 * (t / 3600)), "stable", "high"],
        ["cpu rising 0.02/h", hours(24).map((t) => 0.3 + 0.02 * (t / 3600)), "increasing", "high"],
        // 0.5 + 0.001/h... reaches 0.8 at hour 300 → beyond 3 days: no recommendation
        ["cpu rising slowly", hours(24).map((t) => 0.5 + 0.001 * (t / 3600)), "stable", null],
        ["cpu falling", hours(24).map((t) => 0.7 - 0.02 * (t / 3600)), "decreasing", null],
    ];
    for (const [name, v, trend, urgency] of cases)
        test(`${name}: trend ${trend}, urgency ${urgency}`, () => {
            const s = { metric: "cpu_utilization" as const, t: hours(24), v };
            assert.equal(forecastMetric(s, now)?.trend, trend);
            const r = capacityRecommendations([s], now);
            assert.equal(r[0]?.urgency ?? null, urgency);
        });
    test("time to limit, confidence and the seed's action", () => {
        const s = { metric: "queue_length" as const, t: hours(24), v: hours(24).map((t) => 100 + 20 * (t / 3600)) };
        // 100 + 20 h = 1000 at h = 45: 22 h after now (hour 23) → high; R² = 1 → 0.95
        assert.deepEqual(capacityRecommendations([s], now), [
            {
                metric: "queue_length",
                urgency: "high",
                timeToLimit: 22 * 3600,
                currentValue: 560,
                capacityLimit: 1000,
                recommendedAction: "Scale out worker processes",
                confidence: 0.95,
            },
        ]);
        const medium = { metric: "response_time" as const, t: hours(24), v: hours(24).map((t) => 0.5 + 0.01 * (t / 3600)) };
        // 0.5 + 0.01 h = 2 at h = 150 → 127 h > 3 days: none; at 0.03/h → h = 50, 27 h → medium
        assert.deepEqual(capacityRecommendations([medium], now), []);
        const m2 = { ...medium, v: hours(24).map((t) => 0.5 + 0.03 * (t / 3600)) };
        assert.equal(capacityRecommendations([m2], now)[0].urgency, "medium");
        assert.equal(capacityRecommendations([m2], now)[0].recommendedAction, "Scale out application servers or optimize queries");
    });
    test("fewer than 10 points or no variation: no forecast", () => {
        assert.equal(forecastMetric({ metric: "cpu_utilization", t: hours(9), v: hours(9).map(() => 0.9) }, now), null);
        assert.equal(forecastMetric({ metric: "cpu_utilization", t: hours(12), v: hours(12).map(() => 0.9) }, now), null);
        assert.equal(seedTrend([1, 2]), "stable");
    });
});
