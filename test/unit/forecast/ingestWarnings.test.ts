/**
 * Issue 20: what ingest says about a series it reads (`inspectSeries`: gaps and isolated
 * outliers) and about a mapping's series (`pickSeries`: empty, too short, negative or huge
 * values), with every expected message written out by hand from the inputs.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { inspectSeries, pickSeries } from "../../../forecast/ingest";
import type { Series } from "../../../forecast/types";

/** inspectSeries of plain arrays. */
const ins = (s: { t: readonly number[]; v: readonly number[]; step: number }) =>
    inspectSeries({ t: Float64Array.from(s.t), v: Float64Array.from(s.v), step: s.step });
const arr = (x: ArrayLike<number>) => Array.from(x);
const series = (t: number[], v: number[], step: number, extra: Partial<Series> = {}): Series => ({
    name: "load",
    labels: {},
    t: Float64Array.from(t),
    v: Float64Array.from(v),
    step,
    source: "f.csv",
    notes: [],
    warnings: [],
    ...extra,
});
/** 200 points a minute apart, all 1 except the given ones. */
const ones = (set: Record<number, number>) => {
    const v = Array.from({ length: 200 }, (_, i) => set[i] ?? 1);
    return { t: v.map((_, i) => i * 60), v, step: 60 };
};
const OUTLIER_TAIL =
    ": kept (a real burst is never dropped), but one bad sample can raise maxReplicas or a count to its guardrail: check the export";

describe("inspectSeries: gaps", () => {
    test("a spacing of 6 h (and 3 steps) or more between finite points is listed", () => {
        assert.deepEqual(ins({ t: [0, 3600, 25200, 28800], v: [1, 1, 1, 1], step: 3600 }), [
            "1 gap(s) of 6.0 h or more without data: 1970-01-01T01:00:00Z .. 1970-01-01T07:00:00Z (6.0 h); nothing is forecast or replayed from them",
        ]);
        assert.deepEqual(ins({ t: [0, 3600, 25199, 28800], v: [1, 1, 1, 1], step: 3600 }), []);
        // A NaN point is no data: the gap runs from 01:00 to 08:00.
        assert.deepEqual(ins({ t: [0, 3600, 7200, 28800], v: [1, 1, NaN, 1], step: 3600 }), [
            "1 gap(s) of 6.0 h or more without data: 1970-01-01T01:00:00Z .. 1970-01-01T08:00:00Z (7.0 h); nothing is forecast or replayed from them",
        ]);
    });
    test("with a daily step the threshold is 3 steps, in days; more than three gaps are counted, not listed", () => {
        const d = 86400;
        const t = [0, d, 4 * d, 7 * d, 10 * d, 13 * d, 16 * d];
        assert.deepEqual(ins({ t, v: t.map(() => 1), step: d }), [
            "5 gap(s) of 3.0 d or more without data: 1970-01-02T00:00:00Z .. 1970-01-05T00:00:00Z (3.0 d), 1970-01-05T00:00:00Z .. 1970-01-08T00:00:00Z (3.0 d), 1970-01-08T00:00:00Z .. 1970-01-11T00:00:00Z (3.0 d), and 2 more; nothing is forecast or replayed from them",
        ]);
    });
});

describe("inspectSeries: isolated outliers", () => {
    test("a value over 10 × the 99th percentile with both neighbours under a tenth of it", () => {
        // 200 points: the 99th percentile is the 198th smallest (index floor(199 · 0.99) = 197) = 1.
        const s = ones({ 20: 100, 60: 200 });
        assert.deepEqual(ins(s), [
            `2 isolated value(s) above 10 × the 99th percentile (1), the highest 200 at 1970-01-01T01:00:00Z${OUTLIER_TAIL}`,
        ]);
    });
    test("neighbours are the nearest finite points; a neighbour at a tenth or more is no isolation", () => {
        assert.deepEqual(ins(ones({ 20: 100, 21: NaN })), [
            `1 isolated value(s) above 10 × the 99th percentile (1), the highest 100 at 1970-01-01T00:20:00Z${OUTLIER_TAIL}`,
        ]);
        assert.deepEqual(ins(ones({ 20: 100, 21: 100 })), []);
        assert.deepEqual(ins(ones({ 19: 10, 20: 100 })), []);
        assert.deepEqual(ins(ones({ 20: 100, 21: 10 })), []);
        assert.deepEqual(ins(ones({ 20: 10 })), []); // 10 × the percentile is not above it
        // The first and the last point have one neighbour.
        assert.match(ins(ones({ 0: 50 }))[0], /^1 isolated value\(s\) .* the highest 50 at 1970-01-01T00:00:00Z/);
        assert.match(ins(ones({ 199: 50 }))[0], /^1 isolated value\(s\) .* the highest 50 at 1970-01-01T03:19:00Z/);
    });
    test("large and small percentiles in exponent form; none above zero or under 3 points, no check", () => {
        const many = ones({ 30: 0.5 });
        const small = { ...many, v: many.v.map((x) => (x === 1 ? 0.0005 : x)) };
        assert.deepEqual(ins(small), [
            `1 isolated value(s) above 10 × the 99th percentile (5.000e-4), the highest 0.5 at 1970-01-01T00:30:00Z${OUTLIER_TAIL}`,
        ]);
        const huge = { ...many, v: many.v.map((x) => (x === 1 ? 2e6 : 3e7)) };
        assert.deepEqual(ins(huge), [
            `1 isolated value(s) above 10 × the 99th percentile (2.000e+6), the highest 3.000e+7 at 1970-01-01T00:30:00Z${OUTLIER_TAIL}`,
        ]);
        const zeros = { ...many, v: many.v.map((x) => (x === 1 ? 0 : 5)) };
        assert.deepEqual(ins(zeros), []);
        assert.deepEqual(ins({ t: [0, 60], v: [1, 100], step: 60 }), []);
        // A percentile with decimals: rounded to three.
        const frac = { ...many, v: many.v.map((x) => (x === 1 ? 1.23456 : 50)) };
        assert.match(ins(frac)[0], /percentile \(1\.235\), the highest 50 at/);
    });
});

describe("pickSeries: a mapping's series", () => {
    test("no series, no points, one point or no step: each said with the file and the key", () => {
        assert.equal(
            pickSeries([], "f.json", "requests"),
            "export f.json for requests has no series: an empty query_range result (the query matched nothing when it was exported)",
        );
        assert.equal(pickSeries([series([], [], 0)], "f.json", "requests", ""), "export f.json has no data points for requests");
        assert.equal(
            pickSeries([series([0, 60], [1, 2], 0)], "f.json", "requests"),
            "export f.json has 2 data point for requests: at least 2 are needed to find its step",
        );
    });
    test("values above 1e15 are gaps with a warning naming the first; exactly 1e15 is a load", () => {
        const s = series([0, 60, 120, 180, 240], [5e14, 2e15, 1e15, 3e15, 4e14], 60, { notes: ["n"], warnings: ["w"] });
        const got = pickSeries([s], "f.csv", "requests");
        assert.ok(typeof got !== "string");
        assert.deepEqual(arr(got.v), [5e14, NaN, 1e15, NaN, 4e14]);
        assert.deepEqual(got.notes, ["n"]);
        assert.deepEqual(got.warnings, [
            "w",
            "2 value(s) above 1.000e+15 treated as gaps (the first, 2.000e+15, at 1970-01-01T00:01:00Z): no load is that large (an overflowed counter or a unit mistake?)",
        ]);
        assert.deepEqual(s.warnings, ["w"]); // the parsed series is not changed
        assert.deepEqual(arr(s.v), [5e14, 2e15, 1e15, 3e15, 4e14]);
    });
    test("too few usable points: the count of each kind that is not", () => {
        assert.equal(
            pickSeries([series([0, 60, 120, 180], [-1, 2e15, NaN, 5], 60)], "f.csv", "requests"),
            "export f.csv has 1 usable data point(s) for requests (1 negative, 1 above 1.000e+15, 1 NaN/Inf): at least 2 are needed",
        );
    });
    test("a clean series comes back with the findings of inspectSeries", () => {
        const got = pickSeries([series([0, 3600, 25200], [1, 1, 1], 3600)], "f.csv", "requests");
        assert.ok(typeof got !== "string");
        assert.deepEqual(got.notes, []);
        assert.deepEqual(got.warnings, [
            "1 gap(s) of 6.0 h or more without data: 1970-01-01T01:00:00Z .. 1970-01-01T07:00:00Z (6.0 h); nothing is forecast or replayed from them",
        ]);
        assert.deepEqual(arr(got.v), [1, 1, 1]);
    });
});
