import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { polyFit2, selectKth } from "../../../forecast/stats";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps: number) => Array.from(a).every((x, i) => Math.abs(x - b[i]) <= eps);

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
});
