/**
 * Issue 20: properties every forecasting model must have, whatever the series (fast-check,
 * bounded runs): a constant series forecasts that constant, scaling the history scales the
 * forecast, a pure daily season is reproduced, and gap filling and the backtest origins keep
 * their contracts.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { dailyOrigins, fillGaps, type Model } from "../../../forecast/models/common";
import { holtWinters, holtWintersRun } from "../../../forecast/models/holtWinters";
import { levelModel } from "../../../forecast/models/level";
import { profileModel } from "../../../forecast/models/profile";
import { seasonalNaive } from "../../../forecast/models/seasonalNaive";

const RUNS = { numRuns: 40 };
const MODELS: readonly Model[] = [seasonalNaive(1), seasonalNaive(7), holtWinters, profileModel, levelModel];
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(b));
const value = fc.double({ min: -1000, max: 1000, noNaN: true });
const positive = fc.double({ min: 0.5, max: 1000, noNaN: true });

describe("every model", () => {
    test("a constant series forecasts that constant", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 3 }),
                fc.integer({ min: 0, max: 3 }),
                value,
                fc.integer({ min: 1, max: 9 }),
                (period, extra, c, h) => {
                    for (const m of MODELS) {
                        const y = new Float64Array(m.minPoints(period) + period + extra).fill(c);
                        const f = m.forecast(y, h, period).point;
                        assert.equal(f.length, h);
                        assert.ok(
                            f.every((v) => close(v, c)),
                            `${m.name}: ${Array.from(f).join()} != ${c}`,
                        );
                    }
                },
            ),
            RUNS,
        );
    });
    test("a pure daily season is reproduced (the seasonal models)", () => {
        fc.assert(
            fc.property(fc.array(positive, { minLength: 2, maxLength: 4 }), fc.integer({ min: 3, max: 5 }), (day, days) => {
                const p = day.length;
                const y = Float64Array.from({ length: p * days }, (_, i) => day[i % p]);
                for (const m of [seasonalNaive(1), profileModel]) {
                    const f = m.forecast(y, 2 * p + 1, p).point;
                    assert.ok(
                        Array.from(f).every((v, k) => close(v, day[k % p])),
                        `${m.name}: ${Array.from(f).join()} != ${day.join()}`,
                    );
                }
                // Holt-Winters, additive, any smoothing: the state never moves.
                const f = holtWintersRun(y, { alpha: 0.4, beta: 0.05, gamma: 0.2, phi: 0.9, seasonal: "add", m: p }, 2 * p + 1).final;
                assert.ok(
                    Array.from(f).every((v, k) => close(v, day[k % p])),
                    `holt-winters: ${Array.from(f).join()} != ${day.join()}`,
                );
            }),
            RUNS,
        );
    });
    test("scaling the history by k > 0 scales the forecast by k", () => {
        fc.assert(
            fc.property(fc.array(positive, { minLength: 12, maxLength: 30 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (xs, k) => {
                const y = Float64Array.from(xs);
                const ky = y.map((v) => k * v);
                for (const m of [seasonalNaive(1), seasonalNaive(7), profileModel, levelModel]) {
                    const a = m.forecast(y, 5, 1).point;
                    const b = m.forecast(ky, 5, 1).point;
                    assert.ok(
                        Array.from(a).every((v, i) => close(k * v, b[i])),
                        m.name,
                    );
                }
                for (const seasonal of ["add", "mul"] as const) {
                    const p = { alpha: 0.3, beta: 0.1, gamma: 0.2, phi: 0.9, seasonal, m: 3 };
                    const a = holtWintersRun(y, p, 4).final;
                    const b = holtWintersRun(ky, p, 4).final;
                    assert.ok(
                        Array.from(a).every((v, i) => close(k * v, b[i])),
                        `holt-winters ${seasonal}`,
                    );
                }
            }),
            RUNS,
        );
    });
    test("adding c to a history with non-positive days adds c to the additive forecasts", () => {
        fc.assert(
            fc.property(fc.array(value, { minLength: 8, maxLength: 20 }), value, (xs, c) => {
                const y = Float64Array.from(xs);
                y[0] = -5000; // a day mean below zero, before and after the shift: additive
                const cy = y.map((v) => v + c);
                for (const m of [seasonalNaive(1), profileModel, levelModel]) {
                    const a = m.forecast(y, 3, 1).point;
                    const b = m.forecast(cy, 3, 1).point;
                    assert.ok(
                        Array.from(a).every((v, i) => Math.abs(v + c - b[i]) < 1e-6),
                        m.name,
                    );
                }
            }),
            RUNS,
        );
    });
});

describe("gap filling and origins", () => {
    test("fillGaps keeps every finite value and fills every gap when one value is finite", () => {
        fc.assert(
            fc.property(
                fc.array(fc.option(value, { nil: NaN }), { minLength: 1, maxLength: 30 }),
                fc.integer({ min: 1, max: 8 }),
                (xs, period) => {
                    const out = fillGaps(xs, period);
                    xs.forEach((x, i) => Number.isFinite(x) && assert.equal(out[i], x));
                    const anyFinite = xs.some(Number.isFinite);
                    assert.ok(Array.from(out).every((v) => Number.isFinite(v) === anyFinite));
                    // Every filled value is one of the inputs.
                    assert.ok(Array.from(out).every((v) => !anyFinite || xs.includes(v)));
                },
            ),
            RUNS,
        );
    });
    test("daily origins: day starts, ascending by a day, minTrain before, h after, at most `days`, the latest", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 300 }),
                fc.integer({ min: 1, max: 24 }),
                fc.integer({ min: 0, max: 10 }),
                fc.integer({ min: 0, max: 100 }),
                fc.integer({ min: 1, max: 30 }),
                (n, period, days, minTrain, h) => {
                    const o = dailyOrigins(n, period, days, minTrain, h);
                    assert.ok(o.length <= days);
                    o.forEach((x, i) => {
                        assert.equal(x % period, 0);
                        assert.ok(x >= minTrain && x + h <= n);
                        if (i > 0) assert.equal(x - o[i - 1], period);
                    });
                    // The latest: no later day start fits; and a shorter list only when the next earlier one does not.
                    const last = o.at(-1);
                    if (last !== undefined) assert.ok(last + period + h > n);
                    else if (days > 0) {
                        const latest = Math.floor((n - h) / period) * period; // the latest day start with h after
                        assert.ok(latest < minTrain);
                    }
                    if (o.length < days && o.length > 0) assert.ok(o[0] - period < minTrain);
                },
            ),
            RUNS,
        );
    });
});
