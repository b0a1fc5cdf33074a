/**
 * Issue 20: the default forecaster's selection, band and fallbacks (forecast/models/select.ts) on
 * series of eight points, with stub models whose forecasts are known, so that every backtest
 * error, residual quantile (type 7, linear between order statistics) and band below is worked
 * out in the comments.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { Model, ModelName } from "../../../forecast/models/common";
import { levelModel } from "../../../forecast/models/level";
import {
    backtest,
    bandPeak,
    flatFallback,
    forecastDefault,
    forecastWith,
    peakFactor,
    ratioBound,
    winsorize,
} from "../../../forecast/models/select";

const arr = (x: ArrayLike<number>) => Array.from(x);
const near = (got: number, want: number, what = "") =>
    assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what} ${got} != ${want}`);
const nearAll = (got: ArrayLike<number>, want: readonly number[]) => {
    assert.equal(got.length, want.length);
    want.forEach((w, i) => near(got[i], w, `[${i}]`));
};
/** 1, 2, …, 8 with a period of 2 points: day-ahead origins 2, 4, 6 (minTrain ≤ 2). */
const RAMP = Float64Array.from({ length: 8 }, (_, i) => i + 1);
/** A stub that forecasts the last value + `add` (NaN: a model that fails), needing `min` points. */
const stub = (name: string, add: number, min = 1): Model => ({
    name: name as ModelName,
    minPoints: () => min,
    forecast: (y, h) => ({ point: new Float64Array(h).fill(y[y.length - 1] + add), detail: `${name}+${add}` }),
});

describe("backtest", () => {
    test("day-ahead errors from the daily origins, relative to max(|forecast|, a tenth of the mean level)", () => {
        // Level model, period 2 (k = 1): forecasts at origins 2, 4, 6 are [2, 2], [4, 4], [6, 6];
        // actuals [3, 4], [5, 6], [7, 8]: errors 1, 2 each day → MAE 9/6 = 1.5. Residuals over the forecast.
        const bt = backtest(levelModel, RAMP, RAMP, 2, 7);
        assert.deepEqual(bt.origins, [2, 4, 6]);
        assert.deepEqual(bt.forecasts.map(arr), [
            [2, 2],
            [4, 4],
            [6, 6],
        ]);
        near(bt.mae, 1.5);
        nearAll(bt.rel, [0.5, 1, 0.25, 0.5, 1 / 6, 1 / 3]);
        // Two days only: origins 4, 6.
        assert.deepEqual(backtest(levelModel, RAMP, RAMP, 2, 2).origins, [4, 6]);
    });
    test("scored against what was observed: a gap in raw is not scored", () => {
        const raw = [1, 2, 3, NaN, 5, 6, 7, 8];
        const bt = backtest(levelModel, RAMP, raw, 2, 7);
        near(bt.mae, 7 / 5); // 1 + (1 + 2) + (1 + 2) over five observed points
        nearAll(bt.rel, [0.5, 0.25, 0.5, 1 / 6, 1 / 3]);
        assert.ok(Number.isNaN(backtest(levelModel, RAMP, new Array(8).fill(NaN), 2, 7).mae));
    });
    test("the relative floor: a tenth of the mean absolute level, at least 1e-9", () => {
        // [0, 0, 0, 0, 4, 4]: floor 0.1 · 8 / 6 = 2/15. Origin 4's forecast 0 misses 4 → 4 ÷ 2/15 = 30.
        const y = Float64Array.from([0, 0, 0, 0, 4, 4]);
        nearAll(backtest(levelModel, y, y, 2, 7).rel, [0, 0, 30, 30]);
        // All zeros fitted, a 1 observed: 1 ÷ 1e-9.
        nearAll(backtest(levelModel, new Float64Array(4), [0, 0, 0, 1], 2, 7).rel, [0, 1e9]);
    });
    test("a model with its own backtest pass is asked for it, not refitted per origin", () => {
        const own: Model = { ...stub("own", 0), backtestForecasts: (_y, origins, h) => origins.map((o) => new Float64Array(h).fill(o)) };
        assert.deepEqual(backtest(own, RAMP, RAMP, 2, 7).forecasts.map(arr), [
            [2, 2],
            [4, 4],
            [6, 6],
        ]);
        near(backtest(own, RAMP, RAMP, 2, 7).mae, 1.5);
    });
});

describe("one model with its band", () => {
    test("level on 1..8: point 8, band 8 + q95 of the residuals × 8, peak 8 × the highest day ratio, MASE ÷ 2", () => {
        // Residuals sorted 1/6, 1/4, 1/3, 1/2, 1/2, 1: position 0.95 · 5 = 4.75 → 1/2 + 0.75 · 1/2 = 0.875.
        // Upper 8 + 0.875 · 8 = 15. Day ratios (max actual ÷ max forecast) 4/2, 6/4, 8/6: three
        // days, under the four a t bound needs → the highest, 2 → 16. Seasonal-naive scale 2 → MASE 0.75.
        const r = forecastWith(levelModel, RAMP, 2, { period: 2 });
        assert.deepEqual(arr(r.point), [8, 8]);
        nearAll(r.upper, [15, 15]);
        near(r.peakUpper!, 16);
        near(r.backtestMae, 1.5);
        near(r.backtestMase, 0.75);
        assert.equal(r.backtestOrigins, 3);
        assert.equal(r.model, "level");
        assert.equal(r.detail, "level(mean of the last 1 points)");
        assert.equal(r.fallback, undefined);
        // The band quantile and backtest days are options: q 0.5 → 1/3 + 0.5 · 1/6 = 5/12; two days → origins 4, 6.
        nearAll(forecastWith(levelModel, RAMP, 1, { period: 2, bandQuantile: 0.5 }).upper, [8 + (5 / 12) * 8]);
        assert.equal(forecastWith(levelModel, RAMP, 1, { period: 2, backtestDays: 2 }).backtestOrigins, 2);
    });
    test("a negative residual quantile gives no band below the point", () => {
        // Forecasting last + 5 always overshoots: every residual is negative → band = point.
        const r = forecastWith(stub("level", 5), RAMP, 2, { period: 2 });
        assert.deepEqual(arr(r.upper), arr(r.point));
        assert.deepEqual(arr(r.point), [13, 13]);
    });
    test("a constant history has no seasonal-naive error: MASE NaN", () => {
        const r = forecastWith(levelModel, new Float64Array(8).fill(3), 2, { period: 2 });
        assert.ok(Number.isNaN(r.backtestMase));
        near(r.backtestMae, 0);
    });
    test("history of exactly minPoints + a day is enough; one point less, or no data at the start, falls back", () => {
        assert.equal(forecastWith(stub("level", 0, 6), RAMP, 2, { period: 2 }).model, "level");
        assert.equal(forecastWith(stub("level", 0, 7), RAMP, 2, { period: 2 }).model, "flat");
        assert.equal(forecastWith(levelModel, new Array(8).fill(NaN), 2, { period: 2 }).model, "flat");
    });
});

describe("the default: the median of the candidates within 1.5 × the best", () => {
    // Backtests on 1..8 (origins 2, 4, 6; actuals [3, 4], [5, 6], [7, 8]):
    //   last + 0: errors 1, 2 → MAE 1.5;  last + 1: 0, 1 → 0.5;  last + 2: 1, 0 → 0.5 (needs 3
    //   points: origins 4, 6 only);  0 (last − last): MAE 33/6 = 5.5;  NaN: no error at all.
    const cands = () => [
        stub("level", 0),
        stub("snaive24", 1),
        stub("profile", 2, 3),
        { ...stub("flat", 0), forecast: (_y: Float64Array, h: number) => ({ point: new Float64Array(h), detail: "zero" }) },
        stub("seed", NaN),
    ];
    test("kept: last + 1 and last + 2 (0.5 ≤ 0.75); combined over their common origins 4 and 6", () => {
        const r = forecastDefault(RAMP, 2, { period: 2, candidates: cands() });
        assert.equal(r.model, "median-ensemble");
        assert.equal(r.detail, "median(snaive24+1, profile+2)");
        assert.deepEqual(arr(r.point), [9.5, 9.5]); // median of 9 and 10
        assert.deepEqual(r.candidates, [
            { model: "snaive24", mae: 0.5 },
            { model: "profile", mae: 0.5 },
            { model: "level", mae: 1.5 },
            { model: "flat", mae: 5.5 },
        ]);
        // Combined at 4: median of [5, 5] and [6, 6] = 5.5 against [5, 6]; at 6: 7.5 against [7, 8]: MAE 0.5.
        assert.equal(r.backtestOrigins, 2);
        near(r.backtestMae, 0.5);
        near(r.backtestMase, 0.25);
        // Residuals ∓1/11, ∓1/15 sorted; position 0.95 · 3 = 2.85 → 1/15 + 0.85 · (1/11 − 1/15) = 14.4/165.
        nearAll(r.upper, [9.5 * (1 + 14.4 / 165), 9.5 * (1 + 14.4 / 165)]);
        // Day ratios 6/5.5 and 8/7.5: the highest, 12/11 → 9.5 · 12/11.
        near(r.peakUpper!, (9.5 * 12) / 11);
    });
    test("a wider keepWithin takes the level model in too: the median of three", () => {
        const r = forecastDefault(RAMP, 2, { period: 2, candidates: cands(), keepWithin: 3 });
        assert.equal(r.detail, "median(snaive24+1, profile+2, level+0)");
        assert.deepEqual(arr(r.point), [9, 9]);
        // Combined at 4: median(5, 6, 4) = 5; at 6: 7 → errors 0, 1, 0, 1.
        near(r.backtestMae, 0.5);
    });
    test("a single best candidate is used alone, with its own detail", () => {
        const r = forecastDefault(RAMP, 2, { period: 2, candidates: [stub("level", 0), stub("snaive24", 1)] });
        assert.equal(r.model, "snaive24");
        assert.equal(r.detail, "snaive24+1");
        assert.deepEqual(arr(r.point), [9, 9]);
        assert.equal(r.backtestOrigins, 3);
    });
    test("candidates without enough history are skipped; none left or no data → the flat fallback", () => {
        const r = forecastDefault(RAMP, 2, { period: 2, candidates: [stub("level", 0, 7), stub("snaive24", 1, 6)] });
        assert.deepEqual(r.candidates, [{ model: "snaive24", mae: 0.5 }]); // minPoints 6 + a day = 8: tried; 7: not
        assert.equal(forecastDefault(RAMP, 2, { period: 2, candidates: [stub("level", 0, 7)] }).model, "flat");
        assert.equal(forecastDefault(RAMP, 2, { period: 2, candidates: [stub("seed", NaN)] }).model, "flat");
        assert.equal(forecastDefault(new Array(8).fill(NaN), 2, { period: 2 }).model, "flat");
        // Only two days of backtest: origins 4, 6.
        assert.equal(forecastDefault(RAMP, 2, { period: 2, backtestDays: 2, candidates: [stub("snaive24", 1)] }).backtestOrigins, 2);
    });
});

describe("the fallback, the bands' helpers, winsorizing and the peak factor", () => {
    test("flat fallback: the last day's mean, the band at the observed max", () => {
        const r = flatFallback(Float64Array.from([9, 1, 3]), 2, 2, "level");
        assert.deepEqual(
            [arr(r.point), arr(r.upper)],
            [
                [2, 2],
                [9, 9],
            ],
        );
        assert.equal(
            r.fallback,
            "3 point(s) at the model step are too few for level: flat forecast at the last day's mean, band at the observed max",
        );
        assert.deepEqual([r.model, r.backtestOrigins, r.detail], ["flat", 0, "flat(mean of the last day; band = observed max)"]);
        assert.ok(Number.isNaN(r.backtestMae) && Number.isNaN(r.backtestMase));
        // A gap in the last day is left out of the mean; a day longer than the series takes it all.
        assert.deepEqual(arr(flatFallback(Float64Array.from([9, NaN, 3]), 1, 2, "level").point), [3]);
        assert.deepEqual(arr(flatFallback(Float64Array.from([9, 1, 2]), 1, 5, "level").point), [4]);
        const none = flatFallback(Float64Array.from([NaN, NaN]), 1, 2, "level");
        assert.ok(Number.isNaN(none.point[0]) && Number.isNaN(none.upper[0]));
        // Every point has data: the plain count, raw given or not.
        assert.match(
            flatFallback(Float64Array.from([1, 2]), 1, 2, "level", [1, 2]).fallback!,
            /^2 point\(s\) at the model step are too few/,
        );
    });
    test("bandPeak: the highest finite hourly band or peak band, at least 0", () => {
        const up = Float64Array.from([1, NaN, 3]);
        assert.equal(bandPeak({ upper: up, peakUpper: 2 }), 3);
        assert.equal(bandPeak({ upper: up, peakUpper: 5 }), 5);
        assert.equal(bandPeak({ upper: up, peakUpper: NaN }), 3);
        assert.equal(bandPeak({ upper: up }), 3);
        assert.equal(bandPeak({ upper: Float64Array.from([-1, NaN]) }), 0);
    });
    test("ratio bound: q is the t quantile's; non-positive ratios are left out", () => {
        // q 0.5: t = 0 → exp(mean of logs 0, 0, 1, 1) = e^0.5.
        near(ratioBound([1, 1, Math.E, Math.E], 0.5), Math.exp(0.5));
        near(ratioBound([0, 1, 1, Math.E, Math.E, -2], 0.5), Math.exp(0.5));
    });
    test("winsorize: hour median + k × MAD, the MAD at least 1e-9 when all is zero", () => {
        // Hour 0: 10, 12, 11, 50, 10 → median 11, deviations 1, 1, 0, 39, 1 → MAD 1 → cap 16 (k 5), 13 (k 2).
        // Hour 1: 20, 22, 21, 20, 19 → median 20, MAD 1 → cap 25 / 22. The 50's neighbours 21, 20 are under their caps.
        const y = Float64Array.from([10, 20, 12, 22, 11, 21, 50, 20, 10, 19]);
        assert.deepEqual(arr(winsorize(y, 2)), [10, 20, 12, 22, 11, 21, 16, 20, 10, 19]);
        assert.deepEqual(arr(winsorize(y, 2, 2)), [10, 20, 12, 22, 11, 21, 13, 20, 10, 19]);
        const zeros = new Float64Array(8);
        zeros[5] = 7;
        assert.deepEqual(arr(winsorize(zeros, 2)), [0, 0, 0, 0, 0, 5e-9, 0, 0]);
    });
    test("winsorize: gaps are not neighbours; a spike beside another keeps it only when half the seen neighbours are above", () => {
        // Period 4 (half a day = 2 each side), all 10, spikes at 9 and 10, gaps at 7 and 8. Caps 12.5.
        // Index 9: neighbours 7, 8 (gaps), 10 (above), 11 → 1 of 2 above: kept. Index 10: 8 (gap), 9
        // (above), 11, 12 → 1 of 3: capped.
        const y = new Float64Array(24).fill(10);
        y[9] = y[10] = 100;
        y[7] = y[8] = NaN;
        const w = winsorize(y, 4);
        assert.deepEqual([w[9], w[10]], [100, 12.5]);
        assert.ok(Number.isNaN(w[7]) && Number.isNaN(w[8]));
        // Period 1: half a day is still one neighbour each side.
        const one = Float64Array.from([10, 10, 10, 100, 10, 10]);
        assert.equal(winsorize(one, 1)[3], 12.5);
    });
    test("peak factor: buckets aligned to the model step, at least half full, positive", () => {
        // Step 60 s, model step 180 s (3 points), start 60: the first whole bucket starts at index 2.
        // [2..4] = 1, 1, 4 → 4/2 = 2; [5..7] one point of three: skipped; [8..10] = 3, 3 → 1.
        // q 0.95 of [1, 2]: 1.95; q 0.5: 1.5.
        const values = Float64Array.from([100, 1, 1, 1, 4, 2, NaN, NaN, 3, 3, NaN]);
        near(peakFactor({ start: 60, step: 60, values }, 180), 1.95);
        near(peakFactor({ start: 60, step: 60, values }, 180, 0.5), 1.5);
        // Start −60 (≡ 120): the first whole bucket at index 1: [1..3] 1, 1, 1 → 1; [4..6] 4, 2 → 4/3; [7..9] 3, 3 → 1.
        near(peakFactor({ start: -60, step: 60, values }, 180, 1), 4 / 3);
        // Start 0: [0..2] 100, 1, 1 → 100/34; zero buckets are skipped.
        near(peakFactor({ start: 0, step: 60, values: Float64Array.from([100, 1, 1, 0, 0, 0]) }, 180, 1), 100 / 34);
        assert.equal(peakFactor({ start: 0, step: 60, values: new Float64Array(6) }, 180), 1);
    });
});
