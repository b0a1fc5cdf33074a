/**
 * Issue 20: Holt-Winters on series small enough to work on paper. The expected numbers are the
 * textbook recursion (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", 2nd ed.,
 * section 7.3, damped trend as in 7.2) with the module's documented initialisation (level = the
 * first season's mean, trend = (second season's mean − first's) / m when there are two seasons,
 * season = y − level or y ÷ level), worked in exact fractions: by hand for the first example
 * (below), by an independent exact-fraction script for the damped and multiplicative ones.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
    holtWinters,
    holtWintersGrid,
    holtWintersRun,
    tuneHoltWinters,
    type HoltWintersParams,
} from "../../../forecast/models/holtWinters";

const near = (got: ArrayLike<number>, want: readonly number[], eps = 1e-12) => {
    assert.equal(got.length, want.length, `length ${got.length} != ${want.length}`);
    want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= eps * Math.max(1, Math.abs(w)), `[${i}] ${got[i]} != ${w}`));
};
const f64 = (x: readonly number[]) => Float64Array.from(x);
const Y = f64([2, 4, 6, 8, 7, 11]);
const half = (p: Partial<HoltWintersParams>): HoltWintersParams => ({
    alpha: 0.5,
    beta: 0.5,
    gamma: 0.5,
    phi: 1,
    seasonal: "add",
    m: 2,
    ...p,
});

describe("Holt-Winters smoothing, worked by hand", () => {
    test("additive, m = 2, α = β = γ = 1/2: the forecast at the end and at each origin", () => {
        // l0 = (2 + 4)/2 = 3, b0 = ((6 + 8)/2 − 3)/2 = 2, s = [−1, 1].
        // t=2: l = ½(6+1) + ½(3+2) = 6, b = ½·3 + ½·2 = 2.5, s2 = ½·0 + ½·(−1) = −0.5
        // t=3: l = ½(8−1) + ½(8.5) = 7.75, b = ½·1.75 + 1.25 = 2.125, s3 = ½·0.25 + ½ = 0.625
        // t=4: l = ½(7.5) + ½(9.875) = 8.6875, b = 1.53125, s4 = ½(−1.6875) − 0.25 = −1.09375
        // t=5: l = ½(10.375) + ½(10.21875) = 10.296875, b = 1.5703125, s5 = 0.6640625
        // Final: l + k·b + s[4 or 5] = 1379/128, 1805/128, 1781/128.
        const r = holtWintersRun(Y, half({}), 3, [1, 2, 4, 6, 7]);
        near(r.final, [1379 / 128, 1805 / 128, 1781 / 128]);
        // Origins up to m use the initial state: 3 + 2 − 1, 3 + 4 + 1, 3 + 6 − 1.
        near(r.at[0], [4, 8, 8]);
        near(r.at[1], [4, 8, 8]);
        // Origin 4: the state after t = 3 (l 7.75, b 2.125, s2 −0.5, s3 0.625).
        near(r.at[2], [75 / 8, 101 / 8, 109 / 8]);
        // Origins at or past the end: the final forecast.
        near(r.at[3], [1379 / 128, 1805 / 128, 1781 / 128]);
        near(r.at[4], [1379 / 128, 1805 / 128, 1781 / 128]);
        assert.equal(r.at.length, 5);
        assert.deepEqual(holtWintersRun(Y, half({}), 3).at, []);
    });
    test("damped (φ = 1/2) additive, β = γ = 1/4", () => {
        const r = holtWintersRun(Y, half({ beta: 0.25, gamma: 0.25, phi: 0.5 }), 3);
        near(r.final, [553213 / 65536, 1378291 / 131072, 2265091 / 262144]);
    });
    test("damped multiplicative, β = γ = 1/4", () => {
        const r = holtWintersRun(Y, half({ beta: 0.25, gamma: 0.25, phi: 0.5, seasonal: "mul" }), 3);
        // Exact: 1002924618146207/152065825832960, 985895957616452575/86716519977320448, 4064757263286977/608263303331840.
        near(r.final, [6.59533207183507, 11.369182687154657, 6.682562043479772]);
    });
    test("exactly two seasons give a trend; fewer give none", () => {
        // n = 2m: b0 = (7 − 3)/2 = 2. α 0.3, γ 0.15, β 0: t=2 l = 0.3·7 + 0.7·5 = 5.6, s2 = 0.15·0.4 − 0.85 = −0.79;
        // t=3 l = 0.3·7 + 0.7·7.6 = 7.42, s3 = 0.15·0.58 + 0.85 = 0.937 → 7.42 + 2 − 0.79, 7.42 + 4 + 0.937.
        const p = half({ alpha: 0.3, beta: 0, gamma: 0.15 });
        near(holtWintersRun(f64([2, 4, 6, 8]), p, 2).final, [8.63, 12.357], 1e-12);
        // n = 3 < 2m: b0 = 0; t=2 l = 0.3·7 + 0.7·3 = 4.2, s2 = 0.15·1.8 − 0.85 = −0.58 → [4.2 + 1, 4.2 − 0.58].
        near(holtWintersRun(f64([2, 4, 6]), p, 2).final, [5.2, 3.62], 1e-12);
    });
    test("multiplicative with a first season whose mean is not positive: seasonal factors 1", () => {
        // l0 = 0 → s = [1, 1]; b0 = ((2 + 2)/2 − 0)/2 = 1; α = 1/2, β = γ = 1/4, φ = 1 (two steps
        // computed in fractions): the state stays finite and the factors are not y ÷ 0.
        const r = holtWintersRun(f64([-1, 1, 2, 2]), half({ beta: 0.25, gamma: 0.25, seasonal: "mul" }), 2);
        // t=2: l = ½·2 + ½·(0 + 1) = 1.5, b = ¼·1.5 + ¾·1 = 1.125, s2 = ¼·(2/1.5) + ¾ = 13/12
        // t=3: l = ½·2 + ½·(1.5 + 1.125) = 2.3125, b = ¼·0.8125 + ¾·1.125 = 1.046875, s3 = ¼·(2/2.3125) + ¾ = 1.0162162…
        // Forecast: (2.3125 + 1.046875) · 13/12, (2.3125 + 2·1.046875) · s3.
        near(r.final, [3.359375 * (13 / 12), 4.40625 * (0.25 * (2 / 2.3125) + 0.75)]);
    });
    test("multiplicative, the level falling to zero or below: the season is kept", () => {
        // l0 = 1, s = [1, 1], b0 = ((−3 − 3)/2 − 1)/2 = −2; α = 1/2, β = 0, γ = 1/2.
        // t=2: l = ½·(−3) + ½·(1 − 2) = −2 ≤ 0 → s2 = s0 = 1; t=3: l = ½·(−3) + ½·(−2 − 2) = −3.5 → s3 = 1.
        // Forecast: (−3.5 − 2) · 1, (−3.5 − 4) · 1.
        const r = holtWintersRun(f64([1, 1, -3, -3]), half({ beta: 0, seasonal: "mul" }), 2);
        near(r.final, [-5.5, -7.5]);
    });
});

describe("Holt-Winters tuning", () => {
    test("the grid: 4 α × 3 γ × 2 trends per season type and period; mul only for a positive series", () => {
        const pos = (n: number) => Float64Array.from({ length: n }, (_, i) => 1 + (i % 2));
        assert.deepEqual(holtWintersGrid(pos(5), 2), []); // under m + 2 days
        const g = holtWintersGrid(pos(6), 2);
        assert.equal(g.length, 48);
        assert.deepEqual(g[0], { alpha: 0.05, beta: 0, gamma: 0.05, phi: 1, seasonal: "add", m: 2 });
        assert.deepEqual(g[1], { alpha: 0.05, beta: 0.05, gamma: 0.05, phi: 0.9, seasonal: "add", m: 2 });
        const key = (p: HoltWintersParams) => `${p.seasonal}/${p.m}/${p.alpha}/${p.gamma}/${p.beta}/${p.phi}`;
        const want: string[] = [];
        for (const s of ["add", "mul"])
            for (const a of [0.05, 0.2, 0.4, 0.7])
                for (const c of [0.05, 0.2, 0.4]) want.push(`${s}/2/${a}/${c}/0/1`, `${s}/2/${a}/${c}/0.05/0.9`);
        assert.deepEqual(g.map(key), want);
        // A zero is not positive: additive only.
        const withZero = pos(6);
        withZero[3] = 0;
        assert.deepEqual([...new Set(holtWintersGrid(withZero, 2).map((p) => p.seasonal))], ["add"]);
        // Two weeks (14 days of 2 points) add the weekly period m = 14; 27 points do not.
        assert.deepEqual([...new Set(holtWintersGrid(pos(27), 2).map((p) => p.m))], [2]);
        assert.deepEqual([...new Set(holtWintersGrid(pos(28), 2).map((p) => p.m))], [2, 14]);
        assert.equal(holtWintersGrid(pos(28), 2).length, 96);
    });
    // Period 2, 12 points of a noisy two-point season: the day-ahead backtest origins (minTrain
    // m + period = 4, h = 2) are 4, 6, 8, 10; each candidate's MAE is computed here from its
    // smoothing run, and the tuner must return the lowest (the first of equals).
    const noisy = f64([10, 20, 12, 19, 9, 23, 11, 18, 14, 21, 10, 24]);
    const maeOf = (p: HoltWintersParams, origins: number[], h: number) => {
        const at = holtWintersRun(noisy, p, h, origins).at;
        let s = 0;
        at.forEach((f, k) => f.forEach((v, j) => (s += Math.abs(noisy[origins[k] + j] - v))));
        return s / (origins.length * h);
    };
    test("tuning picks the candidate with the lowest day-ahead backtest MAE", () => {
        for (const [h, days, origins] of [
            [2, 7, [4, 6, 8, 10]],
            [5, 7, [4, 6, 8, 10]], // h beyond a day: scored a day ahead
            [1, 7, [4, 6, 8, 10]],
            [2, 2, [8, 10]],
        ] as const) {
            const hh = Math.min(h, 2);
            const scored = holtWintersGrid(noisy, 2).map((p) => ({ p, mae: maeOf(p, [...origins], hh) }));
            const best = scored.reduce((a, b) => (b.mae < a.mae ? b : a));
            const got = tuneHoltWinters(noisy, 2, h, days)!;
            assert.deepEqual(got.params, best.p, `h ${h} days ${days}`);
            assert.ok(Math.abs(got.mae - best.mae) < 1e-12, `h ${h}: ${got.mae} != ${best.mae}`);
            // Not every candidate ties: the choice matters.
            assert.ok(Math.max(...scored.map((s) => s.mae)) > best.mae * 1.1);
        }
    });
    test("a pure season: every candidate is exact, the first wins", () => {
        const y = Float64Array.from({ length: 12 }, (_, i) => [3, 7][i % 2]);
        assert.deepEqual(tuneHoltWinters(y, 2, 2), {
            params: { alpha: 0.05, beta: 0, gamma: 0.05, phi: 1, seasonal: "add", m: 2 },
            mae: 0,
        });
    });
    test("no candidate or no origin: undefined; forecasts that overflow score Infinity", () => {
        assert.equal(tuneHoltWinters(f64([1, 2, 3, 4, 5]), 2, 2), undefined);
        // 6 points, period 2, h 2: the one origin 4 needs minTrain 4 → fine; h = 2 but days = 0 → none.
        assert.equal(tuneHoltWinters(f64([1, 2, 3, 4, 5, 6]), 2, 2, 0), undefined);
        const big = new Float64Array(6).fill(1e308);
        assert.equal(tuneHoltWinters(big, 2, 2)!.mae, Infinity);
    });
});

describe("the Holt-Winters model", () => {
    test("too short to tune: the documented defaults (α 0.3, β 0, γ 0.15, additive, m = period)", () => {
        const f = holtWinters.forecast(f64([2, 4, 6, 8]), 2, 2);
        near(f.point, [8.63, 12.357], 1e-12); // worked above
        assert.equal(f.detail, "holt-winters(add, m=2, α=0.3, β=0, γ=0.15, φ=1)");
        assert.equal(holtWinters.minPoints(24), 72);
        assert.equal(holtWinters.name, "holt-winters");
    });
    test("a forecast that is not finite is the last observed value", () => {
        const big = new Float64Array(6).fill(1e308); // the season sums overflow to Infinity
        assert.deepEqual(Array.from(holtWinters.forecast(big, 3, 2).point), [1e308, 1e308, 1e308]);
    });
    test("tuned parameters are cached per horizon: a day-ahead forecast first does not change a shorter one", () => {
        const fresh = (h: number) => holtWinters.forecast(noisyCopy(), h, 2);
        const shared = noisyCopy();
        const long = holtWinters.forecast(shared, 2, 2);
        const short = holtWinters.forecast(shared, 1, 2);
        assert.equal(long.detail, fresh(2).detail);
        assert.equal(short.detail, fresh(1).detail);
        assert.notEqual(short.detail, long.detail);
        // The backtest shares the tuned parameters and their smoothing run.
        const p = tuneHoltWinters(shared, 2, 2)!.params;
        const bt = holtWinters.backtestForecasts!(shared, [8, 10], 2, 2);
        assert.deepEqual(bt, holtWintersRun(shared, p, 2, [8, 10]).at);
    });
});
function noisyCopy(): Float64Array {
    return f64([10, 20, 12, 19, 9, 23, 11, 18, 14, 21, 10, 24, 13, 22]);
}
