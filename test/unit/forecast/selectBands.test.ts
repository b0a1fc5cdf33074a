/**
 * Issue 20: more of the default forecaster's band arithmetic (forecast/models/select.ts), worked
 * by hand: a forecast that overshoots, a negative level, gaps in what was observed, the band
 * quantile's effect on the peak band, the default candidates, a negative median in winsorizing
 * and a half-full peak-factor bucket.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { Model } from "../../../forecast/models/common";
import { levelModel } from "../../../forecast/models/level";
import { defaultCandidates, forecastDefault, forecastWith, peakFactor, winsorize } from "../../../forecast/models/select";

const arr = (x: ArrayLike<number>) => Array.from(x);
const near = (got: number, want: number, what = "") =>
    assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${got} != ${want}`);
const nearAll = (got: ArrayLike<number>, want: readonly number[]) => want.forEach((w, i) => near(got[i], w, `[${i}] of ${got.length}`));
/** 1 … 8, period 2: day-ahead origins 2, 4, 6. */
const RAMP = Float64Array.from({ length: 8 }, (_, i) => i + 1);
/** The level model (last point, period 2) shifted by `add`. */
const plus = (add: number): Model => ({
    ...levelModel,
    forecast: (y, h) => ({ point: new Float64Array(h).fill(y[y.length - 1] + add), detail: `+${add}` }),
});

describe("the band and the peak band", () => {
    test("a forecast that always overshoots: no band above the point, the peak band at the point's max", () => {
        // Forecasts 7, 9, 11 under day maxima 4, 6, 8: every residual negative, every day ratio under 1.
        const r = forecastWith(plus(5), RAMP, 2, { period: 2 });
        assert.deepEqual([arr(r.point), arr(r.upper), r.peakUpper], [[13, 13], [13, 13], 13]);
    });
    test("a negative level: the band and residuals scale by |forecast|", () => {
        // −8 … −1: forecasts −7, −5, −3 at origins 2, 4, 6 under actuals [−6, −5], [−4, −3], [−2, −1]:
        // residuals 1/7, 2/7, 1/5, 2/5, 1/3, 2/3; q95 at 4.75: 2/5 + 0.75 · (2/3 − 2/5) = 0.6.
        // Upper −1 + 0.6 · |−1| = −0.4. No day ratio (forecast max ≤ 0): the peak band is the point's, −1.
        const r = forecastWith(
            levelModel,
            RAMP.map((x) => x - 9),
            1,
            { period: 2 },
        );
        nearAll(r.upper, [-0.4]);
        assert.equal(r.peakUpper, -1);
    });
    test("gaps in what was observed: a day's max over its observed hours; a forecast's NaN hours are skipped", () => {
        // raw[2] missing (filled from raw[0] = 1 for fitting): origin 2's day observed [NaN, 4] → ratio 4/2 = 2,
        // the highest (6/4, 8/6 the others) → peak 8 · 2. MAE (2 + 1 + 2 + 1 + 2) / 5.
        const raw = [1, 2, NaN, 4, 5, 6, 7, 8];
        const r = forecastWith(levelModel, raw, 1, { period: 2 });
        near(r.peakUpper!, 16);
        near(r.backtestMae, 8 / 5);
        // A model whose first hour is NaN: its day max is the second hour's (2, 4, 6 → ratios 2, 1.5, 4/3).
        const half: Model = {
            ...plus(0),
            forecast: (y, h) => ({ point: Float64Array.from({ length: h }, (_, k) => (k % 2 ? y[y.length - 1] : NaN)), detail: "half" }),
        };
        near(forecastWith(half, RAMP, 2, { period: 2 }).peakUpper!, 16);
        // Nothing observed at any origin: no residual, no ratio → band = point, peak = point max.
        const blind = forecastWith(levelModel, [1, 2, NaN, NaN, NaN, NaN, NaN, NaN], 2, { period: 2 });
        assert.deepEqual([arr(blind.upper), blind.peakUpper, blind.backtestOrigins], [[2, 2], 2, 3]);
        assert.ok(Number.isNaN(blind.backtestMae));
        assert.ok(Number.isNaN(forecastWith(plus(NaN), RAMP, 2, { period: 2 }).peakUpper));
    });
    test("the band quantile also sets the peak band's bound (seven days: a t bound)", () => {
        // 1 … 16, period 2: origins 2 … 14, day ratios (o + 2)/o, whose product is 16/2 = 8. q 0.5 → t = 0 →
        // the geometric mean 8^(1/7); peak 16 · 8^(1/7). Residuals 1/o and 2/o: the median of the 14 is
        // between 1/6 and 1/5: 11/60 → upper 16 · 71/60.
        const y = Float64Array.from({ length: 16 }, (_, i) => i + 1);
        for (const r of [
            forecastWith(levelModel, y, 1, { period: 2, bandQuantile: 0.5 }),
            forecastDefault(y, 1, { period: 2, bandQuantile: 0.5, candidates: [levelModel] }),
        ]) {
            near(r.peakUpper!, 16 * 8 ** (1 / 7), r.model);
            nearAll(r.upper, [(16 * 71) / 60]);
        }
    });
});

describe("the default's candidates", () => {
    test("four seasonal models and the level model", () => {
        assert.deepEqual(
            defaultCandidates().map((m) => m.name),
            ["snaive24", "snaive168", "holt-winters", "profile", "level"],
        );
    });
    test("a constant history: MASE NaN", () => {
        assert.ok(Number.isNaN(forecastDefault(new Float64Array(8).fill(3), 2, { period: 2, candidates: [levelModel] }).backtestMase));
    });
});

describe("winsorize and the peak factor", () => {
    test("winsorize: a negative median's cap", () => {
        // A negative median: the MAD floor is 5 % of |median| → cap −100 + 5 · 5 = −75.
        const neg = new Float64Array(8).fill(-100);
        neg[5] = 0;
        assert.deepEqual(arr(winsorize(neg, 2)), [-100, -100, -100, -100, -100, -75, -100, -100]);
    });
    test("peak factor: a bucket exactly half full counts", () => {
        // Exactly half of a 4-point bucket: counted (1, 3 → 3/2).
        near(peakFactor({ start: 0, step: 60, values: Float64Array.from([1, 3, NaN, NaN]) }, 240), 1.5);
    });
});
