/**
 * Issue 20: edges of the models that mutation testing found untested, each worked by hand: a
 * falling negative load's peak band, a Holt-Winters level that lands exactly on zero, a series with
 * no seasonal-naive error but a model error, a neighbour exactly at its cap, a partial last bucket.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { holtWintersRun } from "../../../forecast/models/holtWinters";
import { levelModel } from "../../../forecast/models/level";
import { flatFallback, forecastDefault, forecastWith, peakFactor, winsorize } from "../../../forecast/models/select";

describe("model edges", () => {
    test("a day whose forecast max is not positive gives no peak ratio, however it compares", () => {
        // −1 … −8, period 2: forecasts −2, −4, −6 under day maxima −3, −5, −7 (ratios 1.5, 1.25, 7/6 if
        // they were taken): none is, so the peak band is the point's max, −8, not −8 × 1.5.
        const r = forecastWith(
            levelModel,
            Float64Array.from({ length: 8 }, (_, i) => -(i + 1)),
            1,
            { period: 2 },
        );
        assert.equal(r.peakUpper, -8);
    });
    test("multiplicative Holt-Winters whose level is exactly 0 keeps the season (no division by it)", () => {
        // y = 1, 1, 1, −7, m 2: l0 = 1, s = [1, 1], b0 = ((1 − 7)/2 − 1)/2 = −2; α 1/2, β 0, γ 1/2.
        // t=2: l = ½ · 1/1 + ½ · (1 − 2) = 0 → s2 = s0 = 1; t=3: l = ½ · (−7) + ½ · (0 − 2) = −4.5 → s3 = 1.
        // Forecast (−4.5 − 2) · 1, (−4.5 − 4) · 1.
        const r = holtWintersRun(Float64Array.from([1, 1, 1, -7]), { alpha: 0.5, beta: 0, gamma: 0.5, phi: 1, seasonal: "mul", m: 2 }, 2);
        assert.deepEqual(Array.from(r.final), [-6.5, -8.5]);
    });
    test("no seasonal-naive error but a model error: MASE NaN, not Infinity", () => {
        // 1, 3, 1, 3, … (period 2): every point equals the one a day before (scale 0); the level model
        // forecasts the last point, 3 or 1, and misses by 2 every other hour.
        const y = Float64Array.from({ length: 8 }, (_, i) => (i % 2 ? 3 : 1));
        assert.ok(Number.isNaN(forecastWith(levelModel, y, 2, { period: 2 }).backtestMase));
        assert.ok(Number.isNaN(forecastDefault(y, 2, { period: 2, candidates: [levelModel] }).backtestMase));
    });
    test("winsorize leaves its input alone; a neighbour exactly at its cap is not above it", () => {
        // Period 2, all 10 (caps 12.5) but a spike of 100 at 5 beside 12.5 at 6: neither neighbour
        // is above its cap, so the spike is capped.
        const y = new Float64Array(10).fill(10);
        y[5] = 100;
        y[6] = 12.5;
        const w = winsorize(y, 2);
        assert.deepEqual([w[5], w[6], y[5]], [12.5, 12.5, 100]);
    });
    test("the flat fallback's texts and band with a gap", () => {
        assert.equal(
            forecastDefault(new Array(8).fill(NaN), 2, { period: 2 }).fallback,
            "only 0 of 8 point(s) at the model step have data: too few for median-ensemble: flat forecast at the last day's mean, band at the observed max",
        );
        assert.deepEqual(Array.from(flatFallback(Float64Array.from([9, NaN, 3]), 1, 2, "level").upper), [9]);
    });
    test("peak factor: a last bucket cut short by the end of the series is not counted", () => {
        // Step 60, model 180, start 60: buckets [2..4] (1, 1, 4 → 2), [5..7] (one point: skipped), and
        // [8..10] would pass the end (10 points): not a bucket. q 0 → the lowest ratio, 2.
        const values = Float64Array.from([100, 1, 1, 1, 4, 2, NaN, NaN, 3, 3]);
        assert.equal(peakFactor({ start: 60, step: 60, values }, 180, 0), 2);
    });
});
