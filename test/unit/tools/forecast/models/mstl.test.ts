import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mstl, mstlAvailable } from "../../../../../tools/forecast/models/mstl";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps: number) => Array.from(a).every((x, i) => Math.abs(x - b[i]) <= eps);

describe("the benchmark's MSTL baseline", () => {
    test("augurs MSTL loads under Node CommonJS and forecasts the period", () => {
        assert.equal(mstlAvailable(), true);
        const y = Float64Array.from({ length: 24 * 10 }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 24));
        assert.ok(close(mstl.forecast(y, 24, 24).point, y.subarray(0, 24), 0.5));
    });
});
