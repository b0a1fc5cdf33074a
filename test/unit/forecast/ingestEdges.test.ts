/**
 * Issue 20: the boundaries of ingest's warnings that mutation testing found untested, with the
 * expected texts written out by hand: a gap from the first point, exactly three gaps, a one-day
 * threshold, three points, an outlier after a gap, ties, exact number formats, zero loads.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { inspectSeries, pickSeries } from "../../../forecast/ingest";
import type { Series } from "../../../forecast/types";

/** inspectSeries of plain arrays. */
const ins = (s: { t: readonly number[]; v: readonly number[]; step: number }) =>
    inspectSeries({ t: Float64Array.from(s.t), v: Float64Array.from(s.v), step: s.step });
const TAIL =
    ": kept (a real burst is never dropped), but one bad sample can raise maxReplicas or a count to its guardrail: check the export";
const GAPS_TAIL = "; nothing is forecast or replayed from them";
/** 200 points a minute apart, all `base` except the given ones. */
const flat = (base: number, set: Record<number, number>) => {
    const v = Array.from({ length: 200 }, (_, i) => set[i] ?? base);
    return { t: v.map((_, i) => i * 60), v, step: 60 };
};

describe("inspectSeries boundaries", () => {
    test("a gap from the very first point; exactly three gaps are all listed, with no 'and 0 more'", () => {
        assert.deepEqual(ins({ t: [0, 25200, 28800], v: [1, 1, 1], step: 3600 }), [
            `1 gap(s) of 6.0 h or more without data: 1970-01-01T00:00:00Z .. 1970-01-01T07:00:00Z (7.0 h)${GAPS_TAIL}`,
        ]);
        const h = 3600;
        assert.deepEqual(ins({ t: [0, 6 * h, 12 * h, 18 * h], v: [1, 1, 1, 1], step: h }), [
            `3 gap(s) of 6.0 h or more without data: 1970-01-01T00:00:00Z .. 1970-01-01T06:00:00Z (6.0 h), 1970-01-01T06:00:00Z .. 1970-01-01T12:00:00Z (6.0 h), 1970-01-01T12:00:00Z .. 1970-01-01T18:00:00Z (6.0 h)${GAPS_TAIL}`,
        ]);
    });
    test("a threshold of exactly one day is written in days", () => {
        // Step 8 h: 3 steps = 24 h.
        assert.deepEqual(ins({ t: [0, 86400], v: [1, 1], step: 28800 }), [
            `1 gap(s) of 1.0 d or more without data: 1970-01-01T00:00:00Z .. 1970-01-02T00:00:00Z (1.0 d)${GAPS_TAIL}`,
        ]);
    });
    test("three points are enough to look for an outlier; one right after a gap is found", () => {
        // Three points: the 99th percentile is the 2nd smallest (index floor(2 · 0.99) = 1) = 1.
        assert.deepEqual(ins({ t: [0, 60, 120], v: [1, 100, 1], step: 60 }), [
            `1 isolated value(s) above 10 × the 99th percentile (1), the highest 100 at 1970-01-01T00:01:00Z${TAIL}`,
        ]);
        // A NaN before the outlier: its neighbour is the last finite point, 1.
        assert.deepEqual(ins(flat(1, { 20: NaN, 21: 100 })), [
            `1 isolated value(s) above 10 × the 99th percentile (1), the highest 100 at 1970-01-01T00:21:00Z${TAIL}`,
        ]);
    });
    test("exactly 10 × the percentile is not above it, even with low neighbours; ties name the first", () => {
        assert.deepEqual(ins(flat(1, { 19: 0.5, 20: 10, 21: 0.5 })), []);
        assert.deepEqual(ins(flat(1, { 20: 100, 60: 100 })), [
            `2 isolated value(s) above 10 × the 99th percentile (1), the highest 100 at 1970-01-01T00:20:00Z${TAIL}`,
        ]);
    });
    test("a percentile of exactly 1e6 or 0.001 is written as 1.000e+6 and 0.001", () => {
        assert.match(ins(flat(1e6, { 20: 2e7 }))[0], /percentile \(1\.000e\+6\), the highest 2\.000e\+7 at/);
        assert.match(ins(flat(0.001, { 20: 0.5 }))[0], /percentile \(0\.001\), the highest 0\.5 at/);
    });
});

describe("pickSeries boundaries", () => {
    const series = (name: string, v: number[], warnings?: string[]): Series => ({
        name,
        labels: {},
        t: Float64Array.from(v.map((_, i) => i * 60)),
        v: Float64Array.from(v),
        step: 60,
        source: "f.csv",
        notes: [],
        warnings,
    });
    test("a name that is not a selector still picks its series exactly", () => {
        const a = series("requests (all pods)", [1, 2]);
        const got = pickSeries([a, series("other", [3, 4])], "f.csv", "requests", "requests (all pods)");
        assert.ok(typeof got !== "string");
        assert.deepEqual(Array.from(got.v), [1, 2]);
    });
    test("zero is a load, not a negative value; a series without warnings gets none", () => {
        const got = pickSeries([series("load", [0, -1, 5, 6], undefined)], "f.csv", "requests");
        assert.ok(typeof got !== "string");
        assert.deepEqual(Array.from(got.v), [0, NaN, 5, 6]);
        assert.deepEqual(got.notes, ["1 negative value(s) treated as gaps (a load is never negative)"]);
        assert.deepEqual(got.warnings, []);
        const zeros = pickSeries([series("load", [0, 0, 5])], "f.csv", "requests");
        assert.ok(typeof zeros !== "string");
        assert.deepEqual([Array.from(zeros.v), zeros.notes], [[0, 0, 5], []]);
    });
});
