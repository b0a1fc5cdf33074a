/**
 * Issue 20: ingest's parsers, repairs and messages on inputs small enough to check by eye: every
 * expected value (unix times from the calendar, steps from the spacings, message texts naming the
 * file, the position and the value's problem) is worked out here, not read back from the code.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
    IngestError,
    detectFormat,
    detectStep,
    isoTime,
    jsonSyntaxError,
    parseSeriesText,
    parseTimestamp,
    sampleValue,
    seriesName,
    toGrid,
} from "../../../forecast/ingest";

/** toGrid of plain arrays. */
const grid = (
    s: { t: readonly number[]; v: readonly number[]; step: number },
    ...rest: Parameters<typeof toGrid> extends [unknown, ...infer R] ? R : never
) => toGrid({ t: Float64Array.from(s.t), v: Float64Array.from(s.v), step: s.step }, ...rest);
const arr = (x: ArrayLike<number>) => Array.from(x);
/** 2024-01-01T00:00:00Z: 54 years of 365 days and 13 leap days (1972 … 2020) after the epoch. */
const JAN1 = (54 * 365 + 13) * 86400;
const throwsIngest = (f: () => unknown, message: string) =>
    assert.throws(f, (e: unknown) => e instanceof IngestError && e.message === message, message);

describe("format sniffing, sample values and series names", () => {
    test("the first character that is not blank or a byte-order mark decides", () => {
        assert.equal(detectFormat("\ufeff \t\r\n[1]"), "json");
        assert.equal(detectFormat(""), "csv");
        assert.equal(detectFormat("  \n"), "csv");
        assert.equal(detectFormat("x{"), "csv");
        const bytes = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
        assert.equal(detectFormat(bytes("\ufeff {")), "json"); // EF BB BF, space, {
        assert.equal(detectFormat(bytes("\t\r\n[")), "json");
        assert.equal(detectFormat(bytes("1,2")), "csv");
        assert.equal(detectFormat(Uint8Array.from([0xef, 0xbb, 0x00, 0x7b])), "csv"); // not a byte-order mark
    });
    test("Prometheus sample strings", () => {
        assert.equal(sampleValue(2.5), 2.5);
        assert.equal(sampleValue(null), undefined);
        assert.equal(sampleValue(true), undefined);
        assert.equal(sampleValue("0"), 0);
        assert.ok(Object.is(sampleValue("-0"), -0));
        assert.equal(sampleValue(" 1.5 "), 1.5);
        for (const s of ["NaN", "nan", " NaN "]) assert.ok(Number.isNaN(sampleValue(s)), s);
        for (const s of ["+Inf", "Inf", "inf", "+inf"]) assert.equal(sampleValue(s), Infinity, s);
        for (const s of ["-Inf", "-inf"]) assert.equal(sampleValue(s), -Infinity, s);
        for (const s of ["", "   ", "abc", "1,5"]) assert.equal(sampleValue(s), undefined, s);
    });
    test("series names: __name__ then the other labels sorted, {} for none", () => {
        assert.equal(seriesName({}), "{}");
        assert.equal(seriesName({ __name__: "up" }), "up");
        assert.equal(seriesName({ b: "2", __name__: "x", a: "1" }), 'x{a="1",b="2"}');
        assert.equal(seriesName({ job: "api" }), '{job="api"}');
    });
});

describe("JSON syntax errors: position and reason, never the text", () => {
    const cases: Array<[string, number, string]> = [
        ["", 0, "unexpected end of input"],
        ["  ", 2, "unexpected end of input"],
        ["[", 1, "unexpected end of input"],
        ["{", 1, "unexpected end of input"],
        ['{"a":1,}', 7, "expected a double-quoted property name"],
        ["{1:2}", 1, "expected a double-quoted property name"],
        ['{"a" 1}', 5, "expected ':' after a property name"],
        ['{"a":1 "b":2}', 7, "expected ',' or '}' after a property value"],
        ["[1 2]", 3, "expected ',' or ']' after an array element"],
        ["[1,]", 3, "unexpected character where a value should be"],
        ["[1}", 2, "expected ',' or ']' after an array element"],
        ['{"a":1]', 6, "expected ',' or '}' after a property value"],
        ['"a\\u00zz"', 2, "bad \\u escape inside a string"],
        ['"a\\x"', 2, "bad escape inside a string"],
        ['"a\nb"', 2, "control character inside a string"],
        ['"ab', 3, "unexpected end of input"],
        ["-", 0, "bad number"],
        ["01", 1, "unexpected character after the end of the JSON value"],
        ["1 x", 2, "unexpected character after the end of the JSON value"],
        ["nul", 0, "unexpected character where a value should be"],
    ];
    for (const [text, pos, reason] of cases)
        test(`${JSON.stringify(text)}: ${reason} at ${pos}`, () => {
            assert.deepEqual(jsonSyntaxError(text), { pos, reason });
        });
    test("valid JSON of every kind has no error", () => {
        for (const t of ["[]", "{}", " [ ] ", '{"a":[true,false,null,"x\\n\\u0041\\"\\/",-1.5e3,0,{"b":{}}]}', "3", '"s"'])
            assert.equal(jsonSyntaxError(t), undefined, t);
    });
    test("the file's message gives the line and column of the error", () => {
        // '{' newline, two spaces, "a": x → x is character 9, the 8th of line 2.
        throwsIngest(
            () => parseSeriesText('{\n  "a": x}', "f.json"),
            "f.json: line 2, column 8: invalid JSON: unexpected character where a value should be",
        );
        throwsIngest(
            () => parseSeriesText('\ufeff{"a": x}', "f.json"),
            "f.json: line 1, column 7: invalid JSON: unexpected character where a value should be",
        );
        throwsIngest(
            () => parseSeriesText("{}", "f.json", { format: "json" }),
            'f.json: $.resultType: is not "matrix" (export with /api/v1/query_range)',
        );
        throwsIngest(
            () => parseSeriesText('{"data": 5, "status": "success"}', "f.json"),
            "f.json: $.data: expected an object with resultType and result",
        );
        throwsIngest(
            () => parseSeriesText('{"status": "success", "data": {"resultType": "matrix", "result": [5]}}', "f.json"),
            "f.json: $.data.result[0]: expected an object with metric and values",
        );
    });
    test("a bare matrix object (no status) reads with paths from $", () => {
        const [s] = parseSeriesText('{"resultType": "matrix", "result": [{"values": [[60, "1"], [120, "2"]]}]}', "f.json");
        assert.deepEqual([s.name, arr(s.t), arr(s.v), s.step], ["{}", [60, 120], [1, 2], 60]);
        throwsIngest(
            () => parseSeriesText('{"resultType": "matrix", "result": [{"values": [[60, "1"], [1e12, "2"]]}]}', "f.json"),
            "f.json: $.result[0].values[1][0]: the timestamp is after the year 9999: query_range timestamps are unix seconds (not milliseconds or nanoseconds)",
        );
    });
});

describe("CSV", () => {
    test("without a header: one value column is `value`, several are value1, value2…", () => {
        assert.deepEqual(
            parseSeriesText("60,5\n120,6\n", "h.csv").map((s) => [s.name, arr(s.v)]),
            [["value", [5, 6]]],
        );
        assert.deepEqual(
            parseSeriesText("# a comment\n\n60,5,7\n120,6,8\n", "h.csv").map((s) => [s.name, arr(s.v)]),
            [
                ["value1", [5, 6]],
                ["value2", [7, 8]],
            ],
        );
    });
    test("quoted cells may hold commas and doubled quotes; spaces around cells are trimmed", () => {
        const ss = parseSeriesText('timestamp,"a, b" , "c ""q"""\n60, 2 ,3\n120,4, 5\n', "q.csv");
        assert.deepEqual(
            ss.map((s) => [s.name, arr(s.v)]),
            [
                ["a, b", [2, 4]],
                ['c "q"', [3, 5]],
            ],
        );
    });
    test("a header after comments and blank lines is counted on its own line; errors name the line and column", () => {
        throwsIngest(
            () => parseSeriesText("# c\n\ntimestamp\n", "e.csv"),
            "e.csv: line 3: the header needs a timestamp column and at least one value column, comma-separated (it has one column)",
        );
        throwsIngest(() => parseSeriesText("# only a comment\n\n", "e.csv"), "e.csv: line 1: the file is empty: no header and no data");
        throwsIngest(() => parseSeriesText("t,a,b\n60,1,x\n", "e.csv"), "e.csv: line 2, column 3: the value is not a number");
        throwsIngest(() => parseSeriesText("t,a\n-5,1\n", "e.csv"), "e.csv: line 2, column 1: the timestamp is before 1970-01-01");
        // An HTML page: the position of its first character, counted after a byte-order mark.
        throwsIngest(
            () => parseSeriesText("\n  <html>", "e.csv"),
            "e.csv: line 2, column 3: is an HTML or XML page, not a CSV or query_range JSON export (a login page or the Prometheus UI saved instead of the API's answer?)",
        );
    });
    test("calendar timestamps", () => {
        assert.equal(parseTimestamp("2024-01-01 10:00:00"), JAN1 + 36000);
        assert.equal(parseTimestamp("2024-01-01T10:00:00"), JAN1 + 36000);
        assert.equal(parseTimestamp("2024-01-01 10:00"), JAN1 + 36000);
        assert.equal(parseTimestamp("2024-01-01"), JAN1);
        assert.equal(parseTimestamp("2024-01-02 00:00:01"), JAN1 + 86401);
        assert.equal(parseTimestamp("2024-12-31 23:59:59"), JAN1 + 366 * 86400 - 1);
        assert.equal(parseTimestamp("2024-01-01T10:00:00.5Z"), JAN1 + 36000.5);
        assert.equal(parseTimestamp("2024-01-01T10:00:00+02:00"), JAN1 + 36000 - 7200);
        assert.equal(parseTimestamp("2024-01-01T10:00:00-0130"), JAN1 + 36000 + 5400);
        assert.equal(parseTimestamp("2024-01-01 24:00"), JAN1 + 86400);
        for (const x of [
            "2024-00-10",
            "2024-01-00",
            "2024-01-32",
            "2024-01-01 23:60:00",
            "2024-01-01 23:60",
            "2024-01-01 24:00:01",
            "2024-01-01 24:01",
            "2024-01-01X10:00:00",
            "2024-01-01 1a:00:00",
            "2024-1x-01 10:00:00",
            "20240101",
            "2024-01-01 10",
        ])
            assert.equal(parseTimestamp(x), x === "20240101" ? 20240101 : undefined, x);
    });
    test("numeric timestamps: seconds, milliseconds above 1e11", () => {
        assert.equal(parseTimestamp("1e11"), 1e11);
        assert.equal(parseTimestamp("100000000001"), 100000000.001);
        assert.equal(parseTimestamp("-5"), -5);
        assert.equal(parseTimestamp("+5.5"), 5.5);
        assert.equal(parseTimestamp("1.5e3"), 1500);
        for (const x of ["1.", ".5", "1e", "0x10", "1 2"]) assert.equal(parseTimestamp(x), undefined, x);
    });
});

describe("repairs and their notes", () => {
    test("out of order, a conflicting duplicate, a gap: sorted, the last value kept, each said", () => {
        const [s] = parseSeriesText("t,v\n120,1\n60,2\n60,3\n180,NaN\n240,4\n", "r.csv");
        assert.deepEqual(
            [arr(s.t), arr(s.v)],
            [
                [60, 120, 240],
                [3, 1, 4],
            ],
        );
        assert.deepEqual(s.notes, [
            "points out of order: sorted by time",
            "1 duplicate timestamp(s): kept the last value",
            "1 NaN/Inf value(s) treated as gaps",
        ]);
        assert.deepEqual(s.warnings, [
            "1 timestamp(s) have several different values (the first at 1970-01-01T00:01:00Z): kept the last value of each; two exports concatenated, or series that should have been summed?",
        ]);
        assert.equal(s.step, 60);
    });
    test("a resent sample is a duplicate, not a conflict; three values at one time are one conflict", () => {
        const [same] = parseSeriesText("t,v\n60,1\n60,1\n120,2\n", "r.csv");
        assert.deepEqual([same.notes, same.warnings], [["1 duplicate timestamp(s): kept the last value"], []]);
        const [three] = parseSeriesText("t,v\n60,1\n60,2\n60,3\n120,2\n180,5\n180,6\n", "r.csv");
        assert.deepEqual(arr(three.v), [3, 2, 6]);
        assert.equal(three.notes[0], "3 duplicate timestamp(s): kept the last value");
        assert.match((three.warnings ?? [])[0], /^2 timestamp\(s\) have several different values \(the first at 1970-01-01T00:01:00Z\)/);
        // A gap then a value at one time is not a conflict.
        const [nan] = parseSeriesText("t,v\n60,NaN\n60,2\n120,3\n", "r.csv");
        assert.deepEqual([arr(nan.v), nan.warnings], [[2, 3], []]);
        // A gap after a value at one time does not erase it (the value at 60 s stays 2).
        const [after] = parseSeriesText("t,v\n0,1\n60,2\n60,NaN\n120,3\n", "r.csv");
        assert.deepEqual([arr(after.t), arr(after.v), after.warnings], [[0, 60, 120], [1, 2, 3], []]);
        assert.deepEqual(after.notes, ["1 duplicate timestamp(s): kept the last value", "1 NaN/Inf value(s) treated as gaps"]);
    });
    test("spacings off the step are counted (mixed steps); a missing point (twice the step) is a gap, not a mixed step", () => {
        const [s] = parseSeriesText("t,v\n0,1\n60,1\n120,1\n150,1\n210,1\n330,1\n", "m.csv");
        assert.deepEqual(s.notes, ["1 spacing(s) differ from the step of 60s (mixed steps)"]);
        const [two] = parseSeriesText("t,v\n0,1\n30,1\n", "m.csv");
        assert.deepEqual(two.notes, []);
        // 60.5 is within 1 % of 60.
        const [close] = parseSeriesText("t,v\n0,1\n60,1\n120,1\n180.5,1\n240.5,1\n", "m.csv");
        assert.deepEqual(close.notes, []);
    });
    test("a counter of one point has no rate", () => {
        const [s] = parseSeriesText("t,v\n60,5\n", "c.csv", { counter: true });
        assert.deepEqual([arr(s.t), arr(s.v), s.notes], [[], [], []]);
    });
});

describe("steps, times and the grid", () => {
    test("detectStep: the median spacing (the lower one of an even count), to the millisecond", () => {
        assert.equal(detectStep([]), 0);
        assert.equal(detectStep([5]), 0);
        assert.equal(detectStep([0, 10]), 10);
        assert.equal(detectStep([0, 10, 20, 50]), 10); // 10, 10, 30: one spacing is most of them
        assert.equal(detectStep([0, 10, 30, 60]), 20); // 10, 20, 30
        assert.equal(detectStep([0, 10, 40, 50, 90]), 10); // 10, 30, 10, 40: the lower median 10
        assert.equal(detectStep([0, 40, 70, 80, 120]), 30); // 40, 30, 10, 40 → sorted 10, 30, 40, 40
        assert.equal(detectStep([0, 1.0006, 2.0012]), 1.001);
        // Over 20001 spacings, an even sample of them: every other one here (stride 2), all 10.
        const t = [0];
        for (let i = 0; i < 40002; i++) t.push(t[i] + (i % 2 ? 30 : 10));
        assert.equal(detectStep(t), 10);
    });
    test("isoTime: UTC seconds, `none` off the calendar", () => {
        assert.equal(isoTime(0), "1970-01-01T00:00:00Z");
        assert.equal(isoTime(1.5), "1970-01-01T00:00:01.500Z");
        assert.equal(isoTime(JAN1), "2024-01-01T00:00:00Z");
        assert.equal(isoTime(8.64e12), "+275760-09-13T00:00:00Z");
        assert.equal(isoTime(-8.64e12), "-271821-04-20T00:00:00Z");
        for (const x of [8.64e12 + 1, NaN, Infinity]) assert.equal(isoTime(x), "none");
    });
    test("toGrid: alignment, range, and each aggregation", () => {
        const s = { t: [30, 90, 150, 210, 270, 330], v: [-1, -5, 3, 8, 2, 4], step: 60 };
        // Buckets of 120 s aligned to 120: [0,120) 30, 90; [120,240) 150, 210; [240,360) 270, 330.
        assert.deepEqual(arr(grid(s, 120, "max").values), [-1, 8, 4]);
        assert.deepEqual(arr(grid(s, 120, "last").values), [-5, 8, 4]);
        assert.deepEqual(arr(grid(s, 120, "mean").values), [-3, 5.5, 3]);
        assert.deepEqual(arr(grid(s, 120, "sum").values), [-6, 11, 6]);
        // Aligned to 60 instead: buckets start at 0 still (30 → 0), the range ends at 300.
        const a = grid(s, 120, "sum", { align: 60 });
        assert.equal(a.start, 0);
        assert.deepEqual(arr(grid(s, 120, "sum", { align: 90 }).values), [-6, 11, 6]); // 30 → 0, 330 → 270: 3 buckets from 0
        // An explicit range: points outside it are left out, buckets without points are NaN.
        const r = grid(s, 120, "sum", { from: 120, to: 480 });
        assert.equal(r.start, 120);
        assert.deepEqual(arr(r.values), [11, 6, NaN, NaN]);
        // Sum over 5 steps of 60 in 300: 3 points → × 5/3; 2 points (under half) → NaN; 6 points → as is.
        const g = { t: [0, 60, 120, 300, 360, 600, 660, 720, 780, 840, 870], v: [1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1], step: 60 };
        assert.deepEqual(arr(grid(g, 300, "sum").values), [5, NaN, 6]);
        // No step known: a point is a whole bucket.
        assert.deepEqual(arr(grid({ ...g, step: 0 }, 300, "sum").values), [3, 4, 6]);
        assert.deepEqual(arr(grid({ t: [], v: [], step: 60 }, 300, "sum").values), []);
    });
});
