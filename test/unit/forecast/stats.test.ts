import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { polyFit2 } from "../../../forecast/stats";

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
