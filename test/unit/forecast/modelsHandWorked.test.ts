/**
 * Issue 20: the forecasting models on series small enough to work on paper. Every expected number
 * below is worked out in the comments (or by an independent exact-fraction recursion of the
 * textbook Holt-Winters equations, Hyndman & Athanasopoulos, "Forecasting: Principles and
 * Practice", 2nd ed., section 7.3, with this module's documented initialisation), never by the
 * function under test.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { dailyOrigins, fillGaps } from "../../../forecast/models/common";
import { levelModel } from "../../../forecast/models/level";
import { profileModel } from "../../../forecast/models/profile";
import { seasonalNaive, seasonalNaiveForecast } from "../../../forecast/models/seasonalNaive";

const arr = (x: ArrayLike<number>) => Array.from(x);
const near = (got: ArrayLike<number>, want: readonly number[], eps = 1e-9) => {
    assert.equal(got.length, want.length, `length ${got.length} != ${want.length}`);
    want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= eps * Math.max(1, Math.abs(w)), `[${i}] ${got[i]} != ${w}`));
};
const f64 = (x: readonly number[]) => Float64Array.from(x);

describe("common: gap filling and daily origins", () => {
    test("a series without gaps comes back unchanged, as a copy", () => {
        const y = f64([1, 2, 3]);
        const out = fillGaps(y, 2);
        assert.deepEqual(arr(out), [1, 2, 3]);
        out[0] = 9;
        assert.equal(y[0], 1);
    });
    test("a gap takes the value one period earlier first", () => {
        // i = 2 ← y[0] = 1, i = 3 ← y[1] = 2 (not the nearest, 5, nor the previous, 1 then 2).
        assert.deepEqual(arr(fillGaps([1, 2, NaN, NaN, 5], 2)), [1, 2, 1, 2, 5]);
    });
    test("a leading gap takes the value one period later", () => {
        // i = 1 ← y[3] = 4, i = 0 ← y[2] = 3.
        assert.deepEqual(arr(fillGaps([NaN, NaN, 3, 4, 5], 2)), [3, 4, 3, 4, 5]);
        // Index 0 from index 3 (period 3): the backward pass reaches i = 0.
        assert.deepEqual(arr(fillGaps([NaN, 7, 8, 6, 9, 10], 3)), [6, 7, 8, 6, 9, 10]);
    });
    test("a later gap fed by a period-earlier value that was itself a gap: filled in order", () => {
        // Period 1: each gap takes its left neighbour, already filled.
        assert.deepEqual(arr(fillGaps([4, NaN, NaN, NaN], 1)), [4, 4, 4, 4]);
    });
    test("without a value a period away: the last value before, else the first after", () => {
        // Period 10 > length: no period fill. Forward: 2, 3, 4 ← 1; backward: 0 ← 1.
        assert.deepEqual(arr(fillGaps([NaN, 1, NaN, NaN, NaN, 2], 10)), [1, 1, 1, 1, 1, 2]);
        assert.deepEqual(arr(fillGaps([5, NaN, NaN, 9], 10)), [5, 5, 5, 9]);
        assert.deepEqual(arr(fillGaps([NaN, NaN, 9], 10)), [9, 9, 9]);
        assert.deepEqual(arr(fillGaps([Infinity, 3, -Infinity], 10)), [3, 3, 3]);
    });
    test("daily origins: day starts with minTrain points before and h after, the last `days` of them", () => {
        // n = 100, h = 24: the last origin with 24 points after is floor(76 / 24) · 24 = 72.
        assert.deepEqual(dailyOrigins(100, 24, 7, 24, 24), [24, 48, 72]);
        // minTrain is inclusive: 24 points before origin 24 are enough; 25 are not.
        assert.deepEqual(dailyOrigins(100, 24, 7, 25, 24), [48, 72]);
        // At most `days`, the latest ones.
        assert.deepEqual(dailyOrigins(100, 24, 2, 0, 24), [48, 72]);
        assert.deepEqual(dailyOrigins(96, 24, 7, 0, 24), [0, 24, 48, 72]);
        assert.deepEqual(dailyOrigins(96, 24, 7, 0, 1), [0, 24, 48, 72]);
        assert.deepEqual(dailyOrigins(97, 24, 7, 0, 1), [0, 24, 48, 72, 96]);
        assert.deepEqual(dailyOrigins(20, 24, 7, 0, 24), []);
    });
});

describe("level and seasonal naive", () => {
    test("level: k = ceil(period / 8) last points, at least 1", () => {
        // Period 12: k = ceil(1.5) = 2 → (6 + 10) / 2 = 8.
        const f = levelModel.forecast(f64([1, 2, 3, 6, 10]), 3, 12);
        assert.deepEqual(arr(f.point), [8, 8, 8]);
        assert.equal(f.detail, "level(mean of the last 2 points)");
        assert.equal(levelModel.minPoints(12), 2);
        // Period 4: ceil(0.5) = 1, the last point alone.
        assert.deepEqual(arr(levelModel.forecast(f64([1, 2, 3, 6, 10]), 2, 4).point), [10, 10]);
        assert.equal(levelModel.minPoints(4), 1);
        assert.equal(levelModel.name, "level");
    });
    test("seasonal naive: y[n - m + (i mod m)], for the day and the week", () => {
        // n = 6, m = 3: the last 3 points repeated.
        assert.deepEqual(arr(seasonalNaiveForecast(f64([9, 9, 9, 1, 2, 3]), 7, 3)), [1, 2, 3, 1, 2, 3, 1]);
        // A 6-point series, period 1: snaive24 repeats the last point; snaive168 the point 7 back
        // (n = 8: y[1]).
        const y = f64([5, 6, 7, 8, 9, 10, 11, 12]);
        assert.deepEqual(arr(seasonalNaive(1).forecast(y, 3, 1).point), [12, 12, 12]);
        assert.deepEqual(arr(seasonalNaive(7).forecast(y, 8, 1).point), [6, 7, 8, 9, 10, 11, 12, 6]);
        assert.equal(seasonalNaive(1).forecast(y, 1, 1).detail, "snaive24");
        assert.equal(seasonalNaive(7).forecast(y, 1, 1).detail, "snaive168");
        assert.equal(seasonalNaive(1).name, "snaive24");
        assert.equal(seasonalNaive(7).name, "snaive168");
        assert.equal(seasonalNaive(1).minPoints(24), 24);
        assert.equal(seasonalNaive(7).minPoints(24), 168);
    });
});

describe("profile: level × weekday factor × hour shape", () => {
    test("multiplicative, daily only (3 days of 2 points), whole days ending at the last point", () => {
        // The leading 100 is not part of a whole day. Day means 2, 4, 6; level = all = 4.
        // Shapes (value ÷ day mean): [0.5, 1.5], [1, 1], [0.5, 1.5] → mean [2/3, 4/3].
        // Forecast: 4 × [2/3, 4/3] = [8/3, 16/3], every day (under 14 days: no weekday term, even
        // for day 7, the first with a same-weekday day in the history).
        const f = profileModel.forecast(f64([100, 1, 3, 4, 4, 3, 9]), 10, 2);
        near(f.point, [8 / 3, 16 / 3, 8 / 3, 16 / 3, 8 / 3, 16 / 3, 8 / 3, 16 / 3, 8 / 3, 16 / 3]);
        assert.equal(f.detail, "profile(mul, daily)");
        assert.equal(profileModel.minPoints(2), 4);
        assert.equal(profileModel.name, "profile");
    });
    test("additive when a day's mean is not positive", () => {
        // Day means 0, 2, 2 (0 is not positive → additive); level 4/3; shapes (value − day mean):
        // [-1, 1], [-2, 2], [0, 0] → mean [-1, 1]. Forecast 4/3 + [-1, 1] = [1/3, 7/3].
        const f = profileModel.forecast(f64([-1, 1, 0, 4, 2, 2]), 4, 2);
        near(f.point, [1 / 3, 7 / 3, 1 / 3, 7 / 3]);
        assert.equal(f.detail, "profile(add, daily)");
    });
    test("the level is the mean of the last 7 day means", () => {
        // Period 1, 8 days 10, 1..7: level (1 + … + 7) / 7 = 4; under 14 days no weekday factor;
        // the shape is 1 (each day is one point).
        near(profileModel.forecast(f64([10, 1, 2, 3, 4, 5, 6, 7]), 2, 1).point, [4, 4]);
    });
    // 15 days of one point: 10, then 1..7, then 3..9. Weekday classes count back from the first
    // forecast day (day 15 is class 0): day d is class (d − 15) mod 7, so day 0 is class 6 and days
    // 1 and 8 class 0. Class means: 2, 3, 4, 5, 6, 7 and (10 + 7 + 9) / 3 = 26/3; all = 80/15 = 16/3;
    // level = (3 + … + 9) / 7 = 6.
    const fifteen = f64([10, 1, 2, 3, 4, 5, 6, 7, 3, 4, 5, 6, 7, 8, 9]);
    test("multiplicative weekday factor: class mean ÷ overall mean", () => {
        // 6 × class mean ÷ (16/3): [2.25, 3.375, 4.5, 5.625, 6.75, 7.875, 9.75], then again.
        const f = profileModel.forecast(fifteen, 8, 1);
        near(f.point, [2.25, 3.375, 4.5, 5.625, 6.75, 7.875, 9.75, 2.25]);
        assert.equal(f.detail, "profile(mul, daily+weekly)");
    });
    test("additive weekday factor: class mean − overall mean", () => {
        // The same series − 5 (means ≤ 0 → additive): level 1, class means − 5, all 1/3 → 1 + (mean − 5) − (1/3).
        const f = profileModel.forecast(
            fifteen.map((x) => x - 5),
            7,
            1,
        );
        near(f.point, [-7 / 3, -4 / 3, -1 / 3, 2 / 3, 5 / 3, 8 / 3, 13 / 3]);
        assert.equal(f.detail, "profile(add, daily+weekly)");
    });
    test("with 14 days the hour shape is half all days', half the same weekday's", () => {
        // Period 2, every day's mean 10 (weekday factor 1, level 10). Days 0 and 7 (class 0, the
        // class of day 14) are [4, 16], shape [0.4, 1.6]; the other twelve [10, 10], shape [1, 1].
        // All days: [(0.8 + 12) / 14, (3.2 + 12) / 14] = [12.8/14, 15.2/14].
        // Day 14 (class 0): 10 × (0.5 × 12.8/14 + 0.5 × 0.4) = 46/7 and 10 × (0.5 × 15.2/14 + 0.8) = 94/7.
        // Day 15 (class 1, shape [1, 1]): 10 × (0.5 × 12.8/14 + 0.5) = 67/7, 10 × (0.5 × 15.2/14 + 0.5) = 73/7.
        const y = Float64Array.from({ length: 28 }, (_, i) => (Math.floor(i / 2) % 7 === 0 ? (i % 2 ? 16 : 4) : 10));
        const f = profileModel.forecast(y, 4, 2);
        near(f.point, [46 / 7, 94 / 7, 67 / 7, 73 / 7]);
    });
});
