import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { finite, mae, max, mean, polyFit2, quantile, quantileSorted, seasonalNaiveScale, selectKth } from "../../../forecast/stats";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps: number) =>
    a.length === b.length && Array.from(a).every((x, i) => Math.abs(x - b[i]) <= eps);
const near = (got: number, want: number, eps = 1e-9) => assert.ok(Math.abs(got - want) <= eps, `${got} vs ${want}`);

/** An array-like of `length` values with one more entry past its end: the helpers must read only `length` of them. */
const withTail = (values: number[], tail: number): ArrayLike<number> => ({ ...values, [values.length]: tail, length: values.length });

describe("finite, mean, max: skip what is not a number", () => {
    test("finite keeps the finite values in order, drops NaN and ±Infinity, reads only `length` entries", () => {
        assert.deepEqual(finite([1, NaN, -2, Infinity, -Infinity, 0]), [1, -2, 0]);
        assert.deepEqual(finite(Float64Array.from([NaN, 3.5])), [3.5]);
        assert.deepEqual(finite([]), []);
        assert.deepEqual(finite(withTail([5, NaN], 7)), [5]);
    });
    test("mean of the finite values; NaN when there is none", () => {
        assert.equal(mean([1, 2, 6]), 3); // 9 / 3
        assert.equal(mean(Float64Array.from([-3, 1])), -1); // -2 / 2
        assert.equal(mean([NaN, 4, Infinity, -Infinity, 8]), 6); // (4 + 8) / 2
        assert.equal(mean(withTail([1, 3], 100)), 2); // (1 + 3) / 2, the 100 past the end unread
        assert.ok(Number.isNaN(mean([])));
        assert.ok(Number.isNaN(mean([NaN, Infinity])));
    });
    test("max skips NaN (not +Infinity); NaN when nothing is above -Infinity", () => {
        assert.equal(max([3, -1, 7, 2]), 7);
        assert.equal(max([-5, -2, -9]), -2);
        assert.equal(max([NaN, 1, NaN]), 1);
        assert.equal(max([1, Infinity]), Infinity);
        assert.equal(max(withTail([1, 2], 9)), 2);
        assert.ok(Number.isNaN(max([])));
        assert.ok(Number.isNaN(max([NaN])));
        assert.ok(Number.isNaN(max([-Infinity, NaN])));
        // The first of equal values is kept: signed zeros tell which (assert/strict compares with Object.is).
        assert.equal(max([0, -0]), 0);
        assert.equal(max([-0, 0]), -0);
    });
});

describe("quantile: linear interpolation between order statistics (type 7, as R's default and numpy's)", () => {
    // Sorted s, position p = (n - 1)·q, value s[⌊p⌋] + (s[⌊p⌋+1] − s[⌊p⌋])·(p − ⌊p⌋).
    test("hand-worked on [1, 2, 3, 4]: q 0.25 → 1.75, 0.5 → 2.5, 0.9 → 3.7, the ends exact", () => {
        const s = [1, 2, 3, 4];
        near(quantileSorted(s, 0.25), 1.75); // p = 0.75: 1 + 1·0.75
        near(quantileSorted(s, 0.5), 2.5); // p = 1.5: 2 + 1·0.5
        near(quantileSorted(s, 0.9), 3.7); // p = 2.7: 3 + 1·0.7
        assert.equal(quantileSorted(s, 0), 1);
        assert.equal(quantileSorted(s, 1), 4); // p = 3: s[3], no s[4] read
    });
    test("unsorted, uneven gaps: sorts numerically first", () => {
        const xs = [40, 10, 80, 20]; // sorted 10, 20, 40, 80
        assert.equal(quantile(xs, 0), 10);
        near(quantile(xs, 0.25), 17.5); // p = 0.75: 10 + (20 − 10)·0.75
        near(quantile(xs, 0.5), 30); // p = 1.5: 20 + (40 − 20)·0.5
        near(quantile(xs, 0.9), 68); // p = 2.7: 40 + (80 − 40)·0.7
        assert.equal(quantile(xs, 1), 80);
        assert.equal(quantile([10, 9, 100], 0.5), 10); // numeric order 9, 10, 100 (not "10" < "100" < "9")
        assert.equal(quantile(Float64Array.from([3, 1, 2]), 0.5), 2);
    });
    test("q outside [0, 1] is clamped; NaN and ±Infinity values are dropped; nothing finite (or q NaN) gives NaN", () => {
        assert.equal(quantile([40, 10, 80, 20], -0.5), 10);
        assert.equal(quantile([40, 10, 80, 20], 1.5), 80);
        assert.equal(quantile([NaN, 3, Infinity, 1, -Infinity], 0.5), 2); // [1, 3], p = 0.5: 1 + 2·0.5
        assert.equal(quantile([5], 0.3), 5);
        assert.equal(quantile([5], 1), 5);
        assert.ok(Number.isNaN(quantile([], 0.5)));
        assert.ok(Number.isNaN(quantile([NaN, Infinity], 0)));
        assert.ok(Number.isNaN(quantileSorted([], 1)));
        assert.ok(Number.isNaN(quantile([1, 2], NaN)));
    });
});

describe("mae and seasonalNaiveScale (the backtest error and the MASE scale)", () => {
    test("mae: mean |actual − predicted| over the positions where the difference is finite", () => {
        assert.equal(mae([1, 2, 3], [2, 2, 5]), 1); // (|−1| + 0 + |−2|) / 3
        assert.equal(mae([1, NaN, 3, 4], [0, 5, Infinity, 6]), 1.5); // (1 + |−2|) / 2; NaN and −Infinity skipped
        assert.equal(mae([1, 2, 3], [2]), 1); // only position 0 has a prediction
        assert.equal(mae(withTail([1], 10), withTail([0], 0)), 1);
        assert.ok(Number.isNaN(mae([], [])));
        assert.ok(Number.isNaN(mae([Infinity], [Infinity])));
    });
    test("seasonalNaiveScale: mean |y[t] − y[t − m]| over finite pairs; NaN when there is no pair", () => {
        const y = [1, 3, 2, 6, 4];
        assert.equal(seasonalNaiveScale(y, 2), 2); // (|2 − 1| + |6 − 3| + |4 − 2|) / 3 = 6 / 3
        assert.equal(seasonalNaiveScale(y, 1), 2.25); // (2 + 1 + 4 + 2) / 4
        assert.equal(seasonalNaiveScale([1, NaN, 4, 5, 10], 2), 4.5); // (|4 − 1| + |10 − 4|) / 2; 5 − NaN skipped
        assert.equal(seasonalNaiveScale(withTail([1, 2], 10), 1), 1); // |2 − 1|, not also |10 − 2|
        assert.ok(Number.isNaN(seasonalNaiveScale([1, 2], 2)));
        assert.ok(Number.isNaN(seasonalNaiveScale([NaN, 1, NaN], 1)));
    });
});

describe("the seed's degree-2 least squares (the capacity planner's forecast)", () => {
    test("polynomial of degree 2 recovers an exact quadratic and its R² is 1", () => {
        const x = [0, 1, 2, 3, 4, 5];
        const fit = polyFit2(
            x,
            x.map((v) => 3 - 2 * v + 0.5 * v * v),
        );
        assert.ok(close(fit.coef, [3, -2, 0.5], 1e-9));
        assert.ok(Math.abs(fit.r2 - 1) < 1e-12);
    });
    test("hand-solved normal equations, 4 points: 1.2 − 0.3x + 0.5x², R² = 41/45", () => {
        // t = x − 1.5 = ±1.5, ±0.5: Σ1 = 4, Σt = Σt³ = 0, Σt² = 5, Σt⁴ = 10.25; Σy = 10, Σty = 6, Σt²y = 14.5.
        // 4A + 5C = 10, 5B = 6, 5A + 10.25C = 14.5 → B = 1.2, C = 0.5, A = 1.875; in x: 0.5x² − 0.3x + 1.2.
        const fit = polyFit2([0, 1, 2, 3], [1, 2, 2, 5]);
        assert.ok(close(fit.coef, [1.2, -0.3, 0.5], 1e-12), `${fit.coef.join()}`);
        // Fitted 1.2, 1.4, 2.6, 4.8: SSR = 0.04 + 0.36 + 0.36 + 0.04 = 0.8; mean 2.5, SST = 9; R² = 1 − 0.8/9.
        near(fit.r2, 41 / 45, 1e-12);
        near(fit.predict(1), 1.4, 1e-12);
        near(fit.predict(4), 8, 1e-12); // 8 − 1.2 + 1.2
        near(fit.predict(-1), 2, 1e-12); // 0.5 + 0.3 + 1.2
    });
    test("uneven x, a residual orthogonal to 1, x, x²: the fit is the quadratic under it, R² = 255/343", () => {
        // On x = 0, 1, 2, 4 the vector r = (−3, 8, −6, 1) has Σr = Σxr = Σx²r = 0 (8 + 2·(−6) + 4 = 0,
        // 8 + 4·(−6) + 16 = 0), so y = q + 0.1r fits to q = 1 + 2x − 0.5x² (1, 2.5, 3, 1) with SSR = 0.01·110 = 1.1.
        const fit = polyFit2([0, 1, 2, 4], [0.7, 3.3, 2.4, 1.1]);
        assert.ok(close(fit.coef, [1, 2, -0.5], 1e-12), `${fit.coef.join()}`);
        // Mean 1.875; SST = 1.175² + 1.425² + 0.525² + 0.775² = 4.2875; R² = 1 − 1.1/4.2875 = 1 − 88/343.
        near(fit.r2, 255 / 343, 1e-12);
        near(fit.predict(3), 2.5, 1e-12); // 1 + 6 − 4.5
        near(fit.predict(-2), -5, 1e-12); // 1 − 4 − 2
    });
    test("fewer than 3 distinct x: the higher terms drop (a line through two x, the mean for one)", () => {
        // x = 0, 0, 2: the line through (0, mean(1, 3) = 2) and (2, 8), 2 + 3x; SSR = 1 + 1, mean 4, SST = 9 + 1 + 16.
        const two = polyFit2([0, 0, 2], [1, 3, 8]);
        assert.ok(close(two.coef, [2, 3, 0], 1e-12), `${two.coef.join()}`);
        near(two.r2, 1 - 2 / 26, 1e-12);
        near(two.predict(1), 5, 1e-12);
        // All x equal: the mean 3 of 1, 2, 6; SSR = SST = 4 + 1 + 9, R² = 0.
        const one = polyFit2([2, 2, 2], [1, 2, 6]);
        assert.deepEqual(one.coef, [3, 0, 0]);
        assert.equal(one.r2, 0);
        assert.equal(one.predict(100), 3);
        // Two points: the line 3 + 2x through (1, 5) and (3, 9), exact.
        const pair = polyFit2([1, 3], [5, 9]);
        assert.ok(close(pair.coef, [3, 2, 0], 1e-12), `${pair.coef.join()}`);
        assert.equal(pair.r2, 1);
        // One point, and none: the constant (7, or 0), R² 1 by the constant-series convention (SST = 0).
        const single = polyFit2([4], [7]);
        assert.deepEqual(single.coef, [7, 0, 0]);
        assert.equal(single.r2, 1);
        assert.equal(single.predict(10), 7);
        const none = polyFit2([], []);
        assert.deepEqual(none.coef, [0, 0, 0]);
        assert.equal(none.r2, 1);
        assert.equal(none.predict(5), 0);
    });
    test("a constant series has R² exactly 1 (SST = 0), not 0/0", () => {
        const fit = polyFit2([0, 1, 2, 3], [5, 5, 5, 5]);
        assert.equal(fit.r2, 1);
        assert.ok(close(fit.coef, [5, 0, 0], 1e-12), `${fit.coef.join()}`);
    });
    test("x far from 0 or on a tiny scale is centred and scaled: an exact quadratic is still recovered", () => {
        // y = (x − 10⁶)², and y = (x / 10⁻⁴)²: 0, 1, 4, 9, 16 at the five points, 100 at the tenth step.
        const y = [0, 1, 4, 9, 16];
        const far = polyFit2(
            y.map((_, i) => 1e6 + i),
            y,
        );
        const tiny = polyFit2(
            y.map((_, i) => i * 1e-4),
            y,
        );
        for (const [fit, step, at0] of [[far, 1, 1e6] as const, [tiny, 1e-4, 0] as const]) {
            near(fit.r2, 1, 1e-9);
            for (let i = 0; i < 5; i++) near(fit.predict(at0 + i * step), i * i, 1e-6);
            near(fit.predict(at0 + 10 * step), 100, 1e-5);
        }
        near(tiny.coef[2] / 1e8, 1, 1e-9);
    });
    test("three distinct x, two of them 0.0001 apart, are not singular: y = x² through them exactly", () => {
        const fit = polyFit2([0, 1, 1.0001, 1], [0, 1, 1.00020001, 1]); // 1.0001² = 1.00020001
        assert.ok(close(fit.coef, [0, 0, 1], 1e-6), `${fit.coef.join()}`);
        near(fit.predict(3), 9, 1e-5);
    });
});

describe("selectKth: the k-th smallest without a sort (the outlier check's p99)", () => {
    test("hand-worked: the median of 5, the extremes, repeats", () => {
        assert.equal(selectKth(Float64Array.from([5, 1, 4, 2, 3]), 2), 3);
        assert.equal(selectKth(Float64Array.from([5, 1, 4, 2, 3]), 0), 1);
        assert.equal(selectKth(Float64Array.from([5, 1, 4, 2, 3]), 4), 5);
        assert.equal(selectKth(Float64Array.from([7, 7, 7, 7]), 3), 7);
        assert.equal(selectKth(Float64Array.from([2, 9, 2, 9, 2]), 3), 9);
        assert.equal(selectKth(Float64Array.from([-1]), 0), -1);
    });
    test("property: the value a sort puts at k, for every k", () => {
        fc.assert(
            fc.property(
                fc.array(fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 300 }),
                fc.nat(),
                (xs, r) => {
                    const k = r % xs.length;
                    const sorted = Float64Array.from(xs).sort();
                    const got = selectKth(Float64Array.from(xs), k);
                    // Equal as numbers: the zeros' signs may differ (they compare equal, so either may come first).
                    assert.ok(got === sorted[k], `k=${k}: ${got} vs ${sorted[k]}`);
                },
            ),
        );
    });
    test("the order of the input does not matter: 300 seeded shuffles of one multiset, every k", () => {
        const values = [3, 1, 4, 1, 5, -9, 2, 6, 5, 3, 5, 0];
        const sortedByHand = [-9, 0, 1, 1, 2, 3, 3, 4, 5, 5, 5, 6];
        let seed = 12345;
        const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
        for (let run = 0; run < 300; run++) {
            const a = values.slice();
            for (let i = a.length - 1; i > 0; i--) {
                const j = Math.floor(rand() * (i + 1));
                [a[i], a[j]] = [a[j], a[i]];
            }
            for (let k = 0; k < a.length; k++) assert.equal(selectKth(Float64Array.from(a), k), sortedByHand[k], `${a.join()} k=${k}`);
        }
    });
    // The most any shape below takes is 9.3n (two organ pipes); the algorithm is deterministic, so the bound is exact.
    test("linear time and in bounds: reads stay within the array and under 12n (a quadratic pass sequence is ~n²/2) on sorted, reversed, organ-pipe and nearly sorted input", () => {
        const n = 2001;
        const shapes: Record<string, number[]> = {
            ascending: Array.from({ length: n }, (_, i) => i),
            descending: Array.from({ length: n }, (_, i) => n - i),
            organPipe: Array.from({ length: n }, (_, i) => Math.min(i, n - 1 - i)),
            sawtooth: Array.from({ length: n }, (_, i) => i % 7),
            constant: Array.from({ length: n }, () => 4),
            // Sorted runs with one value out of place: the ends' median peeled one value a pass (~n²/2 reads).
            rampEndingLow: Array.from({ length: n }, (_, i) => (i === n - 1 ? -1 : i)),
            spikeFirst: Array.from({ length: n }, (_, i) => (i === 0 ? 1e9 : i)),
            rotatedByOne: Array.from({ length: n }, (_, i) => (i + 1) % n),
            twoOrganPipes: Array.from({ length: n }, (_, i) => Math.min(i % 1000, 1000 - (i % 1000))),
            vee: Array.from({ length: n }, (_, i) => (i < n / 2 ? n - 2 * i : 2 * i - n)),
            zigzag: Array.from({ length: n }, (_, i) => (i < n / 4 ? i : i < n / 2 ? n - i : i < (3 * n) / 4 ? i : n - i)),
        };
        for (const [name, values] of Object.entries(shapes)) {
            const sorted = values.slice().sort((a, b) => a - b);
            for (const k of [0, 1, 250, 500, 1000, 1500, n - 2, n - 1]) {
                let reads = 0;
                const a = new Proxy(Float64Array.from(values), {
                    get(t, p) {
                        if (typeof p === "string" && /^-?\d+$/.test(p)) {
                            assert.ok(+p >= 0 && +p < n, `${name} k=${k}: reads a[${p}]`);
                            reads++;
                        }
                        return Reflect.get(t, p) as unknown;
                    },
                    set(t, p, v) {
                        assert.ok(typeof p === "string" && +p >= 0 && +p < n, `${name} k=${k}: writes a[${String(p)}]`);
                        return Reflect.set(t, p, v);
                    },
                });
                assert.equal(selectKth(a, k), sorted[k], `${name} k=${k}`);
                assert.ok(reads < 12 * n, `${name} k=${k}: ${reads} reads`);
            }
        }
    });
});
