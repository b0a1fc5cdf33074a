/**
 * Issue 20: edges of the models that mutation testing found untested, each worked by hand: a
 * falling negative load's peak band, a Holt-Winters level that lands exactly on zero.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { holtWintersRun } from "../../../forecast/models/holtWinters";
import { levelModel } from "../../../forecast/models/level";
import { forecastWith } from "../../../forecast/models/select";

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
});
