import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { dailyOrigins, fillGaps } from "../../../forecast/models/common";
import { holtWinters, holtWintersRun } from "../../../forecast/models/holtWinters";
import { profileModel } from "../../../forecast/models/profile";
import { seasonalNaive } from "../../../forecast/models/seasonalNaive";
import { forecastDefault, forecastWith, peakFactor, ratioBound, winsorize } from "../../../forecast/models/select";
import { levelModel } from "../../../forecast/models/level";

const arr = (x: ArrayLike<number>) => Array.from(x);
/** 21 days hourly: a daily sine plus a weekend dip, exactly periodic by the week. */
const weekly = Float64Array.from(
    { length: 21 * 24 },
    (_, i) => 100 + 40 * Math.sin((2 * Math.PI * (i % 24)) / 24) - (Math.floor(i / 24) % 7 >= 5 ? 30 : 0),
);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps: number) => arr(a).every((x, i) => Math.abs(x - b[i]) <= eps);

describe("forecasting models", () => {
    test("seasonal naive repeats the last day / week", () => {
        const y = Float64Array.from({ length: 48 }, (_, i) => i);
        assert.deepEqual(arr(seasonalNaive(1).forecast(y, 26, 24).point), [...Array.from({ length: 24 }, (_, i) => 24 + i), 24, 25]);
        assert.deepEqual(arr(seasonalNaive(7).forecast(weekly, 24, 24).point), arr(weekly.subarray(14 * 24, 15 * 24)));
    });
    test("Holt-Winters on an exactly periodic series forecasts the period", () => {
        const y = Float64Array.from({ length: 24 * 6 }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 24));
        const f = holtWintersRun(y, { alpha: 0.3, beta: 0, gamma: 0.2, phi: 1, seasonal: "add", m: 24 }, 24).final;
        assert.ok(close(f, y.subarray(0, 24), 1e-9));
        assert.ok(close(holtWinters.forecast(weekly, 24, 24).point, weekly.subarray(14 * 24, 15 * 24), 1e-6));
    });
    test("the profile decomposition reproduces a multiplicative weekly-periodic series", () => {
        const mul = Float64Array.from(
            { length: 21 * 24 },
            (_, i) => (100 + 40 * Math.sin((2 * Math.PI * (i % 24)) / 24)) * (Math.floor(i / 24) % 7 >= 5 ? 0.7 : 1),
        );
        assert.ok(close(profileModel.forecast(mul, 48, 24).point, mul.subarray(14 * 24, 16 * 24), 1e-9));
    });
    test("gaps are filled from a period earlier, then later, then the nearest value", () => {
        assert.deepEqual(arr(fillGaps([NaN, 2, 3, NaN, NaN, 6], 2)), [3, 2, 3, 2, 3, 6]);
        assert.deepEqual(arr(fillGaps([NaN, NaN], 2)), [NaN, NaN]);
        assert.deepEqual(dailyOrigins(24 * 10, 24, 3, 48, 24), [24 * 7, 24 * 8, 24 * 9]);
        assert.deepEqual(dailyOrigins(24 * 3, 24, 7, 48, 24), [48]);
    });
    test("winsorize caps a one-off spike at the hour's median + 5 MAD", () => {
        const y = Float64Array.from({ length: 24 * 5 }, () => 100);
        y[30] = 1000;
        const w = winsorize(y, 24);
        assert.equal(w[30], 125); // MAD 0 → at least 5 % of the median: 100 + 5 × 5
        assert.equal(w[31], 100);
    });
    test("winsorize follows a level shift: a new level lasting over half a day is not capped", () => {
        const y = Float64Array.from({ length: 24 * 7 }, (_, i) => (i >= 24 * 5 ? 400 : 100));
        y[30] = 1000; // a one-hour spike before the shift
        const w = winsorize(y, 24);
        assert.equal(w[30], 125);
        // From the shift on, at least half of the surrounding day is above the hour caps: kept.
        assert.deepEqual(arr(w.subarray(24 * 5)), arr(y.subarray(24 * 5)));
        // A shift that lasts under half a day looks like a spike: capped.
        const short = Float64Array.from({ length: 24 * 7 }, (_, i) => (i >= 24 * 5 && i < 24 * 5 + 6 ? 400 : 100));
        assert.deepEqual(arr(winsorize(short, 24).subarray(24 * 5, 24 * 5 + 6)), [125, 125, 125, 125, 125, 125]);
    });
    test("peak band: the point forecast's max × the prediction bound of the backtest's observed ÷ forecast daily max", () => {
        // Flat 10 with a noon peak of 100 on even days and 150 on odd days: yesterday's profile
        // (snaive24) misses every odd day's peak by × 1.5, and every even day's by × 2/3.
        const y = Float64Array.from({ length: 15 * 24 }, (_, i) => (i % 24 === 12 ? (Math.floor(i / 24) % 2 ? 150 : 100) : 10));
        const r = forecastWith(seasonalNaive(1), y, 24, { period: 24 });
        const pointMax = Math.max(...r.point);
        assert.equal(pointMax, 100); // day 14 is even
        // Backtest days 8-14: 3 odd days at 1.5 and 4 even days at 2/3. Logs ±0.405465: mean
        // −0.057924, s 0.433461; × t(6, 0.95) 1.943180 × √(8/7) → exp(0.842523) = 2.32222.
        assert.ok(Math.abs(r.peakUpper! - 232.222) < 0.001, String(r.peakUpper));
        // The hourly band covers the hours; the peak band the day's highest one.
        assert.ok(Math.max(...r.upper) < r.peakUpper!);
    });
    test("level model: the mean of the last eighth of a day, flat", () => {
        const y = Float64Array.from({ length: 48 }, (_, i) => (i < 46 ? 10 : 40));
        const f = levelModel.forecast(y, 4, 24);
        assert.deepEqual(arr(f.point), [30, 30, 30, 30]); // (10 + 40 + 40) / 3
        assert.equal(f.detail, "level(mean of the last 3 points)");
        assert.equal(levelModel.minPoints(24), 3);
    });
    test("default: a candidate that is exact alone is used alone", () => {
        const r = forecastDefault(weekly, 24, { period: 24 });
        assert.equal(r.model, "snaive168");
        assert.ok(close(r.point, weekly.subarray(14 * 24, 15 * 24), 1e-9));
    });
    test("default: the median of the candidates within 1.5 × the best backtest error, band above the point", () => {
        let seed = 7;
        const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 10;
        const noisy = weekly.map((v) => v + noise());
        const r = forecastDefault(noisy, 24, { period: 24 });
        assert.equal(r.model, "median-ensemble");
        assert.ok(close(r.point, weekly.subarray(14 * 24, 15 * 24), 8));
        assert.ok(arr(r.upper).every((u, i) => u >= r.point[i]));
        assert.deepEqual(r.candidates?.map((c) => c.model).sort(), ["holt-winters", "level", "profile", "snaive168", "snaive24"]);
        // The level model has no season: far outside 1.5 × the best error on a weekly pattern.
        const errors = new Map(r.candidates.map((c) => [c.model, c.mae]));
        assert.ok(errors.get("level")! > 1.5 * Math.min(...errors.values()));
        assert.equal(r.backtestOrigins, 7);
    });
    test("too little history is a documented fallback, not an error", () => {
        const r = forecastDefault(Float64Array.from([1, 2, 3, 4]), 3, { period: 24 });
        assert.equal(r.model, "flat");
        assert.deepEqual(arr(r.point), [2.5, 2.5, 2.5]);
        assert.deepEqual(arr(r.upper), [4, 4, 4]);
        assert.equal(
            r.fallback,
            "4 point(s) at the model step are too few for median-ensemble: flat forecast at the last day's mean, band at the observed max",
        );
        assert.equal(forecastWith(seasonalNaive(7), weekly.subarray(0, 48), 24, { period: 24 }).model, "flat");
        // Issue 13 #3: a window with a point or two of data says so, not "336 points are too few".
        const sparse = new Float64Array(48).fill(NaN);
        sparse[40] = 5;
        assert.equal(
            forecastWith(seasonalNaive(7), sparse, 24, { period: 24 }).fallback,
            "only 1 of 48 point(s) at the model step have data: too few for snaive168: flat forecast at the last day's mean, band at the observed max",
        );
    });
    test("peak factor: the 95th percentile of hour max ÷ hour mean", () => {
        const values = Float64Array.from({ length: 60 * 4 }, (_, i) => (i % 60 === 0 ? 70 : 10)); // each hour: one minute at 70 → max/mean = 70/11
        assert.equal(peakFactor({ start: 0, step: 60, values }, 3600), 70 / 11);
        assert.equal(peakFactor({ start: 0, step: 3600, values: Float64Array.from([1, 2]) }, 3600), 1);
    });
});

describe("the peak band's ratio bound (Student's t prediction bound on log ratios)", () => {
    test("hand-worked: ratios 1, 1, e, e give exp(0.5 + t(3, 0.95) · 0.57735 · √1.25); under 4 days the highest; none or non-positive give 1", () => {
        // logs 0, 0, 1, 1: mean 0.5, s = √(1/3) = 0.57735; t(3, 0.95) = 2.353363
        assert.ok(
            Math.abs(ratioBound([1, 1, Math.E, Math.E], 0.95) - Math.exp(0.5 + 2.353363 * Math.sqrt(1 / 3) * Math.sqrt(1.25))) < 1e-4,
        );
        // Two or three days: the highest ratio (a t bound from two days would be 6.3 × the spread).
        assert.equal(ratioBound([1, 1.3], 0.95), 1.3);
        assert.equal(ratioBound([0.8, 1.3, 1.1], 0.95), 1.3);
        assert.equal(ratioBound([2], 0.95), 2);
        // A bound that overflows falls back to the highest ratio, never to "no band".
        assert.equal(ratioBound([1e-300, 1e-300, 1e300, 1e300], 0.95), 1e300);
        assert.equal(ratioBound([], 0.95), 1);
        assert.equal(ratioBound([0, -1, NaN], 0.95), 1);
        // Identical ratios: no spread, the ratio itself.
        assert.ok(Math.abs(ratioBound([1.3, 1.3, 1.3, 1.3], 0.95) - 1.3) < 1e-12);
    });
    test("calibrated: on log-normal ratios it covers the next day 95 % of the time from 7 days, where the empirical 0.95 quantile covers about 85 %", () => {
        // mulberry32 and Box-Muller: a fixed seed, so the test is deterministic.
        let a = 12345;
        const uniform = () => {
            a = (a + 0x6d2b79f5) | 0;
            let t = Math.imul(a ^ (a >>> 15), 1 | a);
            t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
        const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
        const trials = 20000;
        let bound = 0;
        let empirical = 0;
        for (let i = 0; i < trials; i++) {
            const days = Array.from({ length: 7 }, () => Math.exp(0.2 + 0.6 * normal()));
            const next = Math.exp(0.2 + 0.6 * normal());
            if (next <= ratioBound(days, 0.95)) bound++;
            const sorted = [...days].sort((x, y) => x - y);
            const q = sorted[5] + 0.7 * (sorted[6] - sorted[5]); // the 0.95 quantile of 7, interpolated
            if (next <= q) empirical++;
        }
        assert.ok(Math.abs(bound / trials - 0.95) < 0.01, `coverage ${bound / trials}`);
        assert.ok(Math.abs(empirical / trials - 0.85) < 0.02, `empirical coverage ${empirical / trials}`);
    });
});
