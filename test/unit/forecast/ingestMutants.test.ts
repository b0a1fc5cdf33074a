/**
 * Issue 20: ingest's branches that mutation testing of forecast/ingest.ts found (or would find)
 * untested, each with its expected value or message worked out by hand here: the byte sniffing
 * and the byte reader's fast path, JSON syntax positions, query_range shapes, timestamp edges,
 * CSV cell trimming.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
    IngestError,
    detectFormat,
    detectStep,
    jsonSyntaxError,
    parseSeriesBytes,
    parseSeriesText,
    parseTimestamp,
    pickSeries,
    toGrid,
} from "../../../forecast/ingest";

const arr = (x: ArrayLike<number>) => Array.from(x);
const qr = (result: unknown) => JSON.stringify({ status: "success", data: { resultType: "matrix", result } });
const throwsIngest = (f: () => unknown, message: string) =>
    assert.throws(f, (e: unknown) => e instanceof IngestError && e.message === message, message);
/** 2024-01-01T00:00:00Z: 54 years of 365 days and 13 leap days (1972 … 2020) after the epoch. */
const JAN1 = (54 * 365 + 13) * 86400;
/** A two-point query_range answer, as text. */
const DOC = qr([
    {
        metric: { __name__: "r" },
        values: [
            [60, "1"],
            [120, "2"],
        ],
    },
]);

describe("byte sniffing and the byte reader", () => {
    test("only EF BB BF is a byte-order mark: one byte off and the first byte decides (csv)", () => {
        assert.equal(detectFormat(Uint8Array.from([0x41, 0xbb, 0xbf, 0x7b])), "csv"); // 'A' first
        assert.equal(detectFormat(Uint8Array.from([0xef, 0x41, 0xbf, 0x7b])), "csv"); // EF, not BB
    });
    test("a forced CSV format reads a JSON file's bytes as CSV, as the text reader does", () => {
        // As CSV, {"resultType":"matrix","result":[]} is one header line: the quotes only group, so the
        // cells are `{resultType:matrix` and `result:[]}`, one value column named `result:[]}`, no data.
        const text = '{"resultType":"matrix","result":[]}';
        const got = parseSeriesBytes(Buffer.from(text), "f.csv", { format: "csv" });
        assert.deepEqual(
            got.map((s) => [s.name, arr(s.t)]),
            [["result:[]}", []]],
        );
    });
    test("the fast byte reader turns a counter into rates too", () => {
        // Counter 100, 150, 30 at 0, 10, 20 s: (150 - 100) / 10 = 5/s, then a reset: 30 / 10 = 3/s.
        const doc = qr([
            {
                values: [
                    [0, "100"],
                    [10, "150"],
                    [20, "30"],
                ],
            },
        ]);
        const [s] = parseSeriesBytes(Buffer.from(doc), "c.json", { counter: true });
        assert.deepEqual([arr(s.t), arr(s.v), s.notes], [[10, 20], [5, 3], ["1 counter reset(s)"]]);
    });
    test("a file the fast reader gives up on (numeric values) keeps its options on the text path", () => {
        // Counter 100, 150, 30 at 0, 10, 20 s: (150 - 100) / 10 = 5/s, then a reset: 30 / 10 = 3/s.
        const [s] = parseSeriesBytes(
            Buffer.from(
                qr([
                    {
                        values: [
                            [0, 100],
                            [10, 150],
                            [20, 30],
                        ],
                    },
                ]),
            ),
            "c.json",
            { counter: true },
        );
        assert.deepEqual([arr(s.t), arr(s.v), s.notes], [[10, 20], [5, 3], ["1 counter reset(s)"]]);
    });
    test("three skipped bytes are a byte-order mark only: other leading bytes fail as the text does", () => {
        // E1 BB BF is U+1EFD, EF 80 BF is U+F03F, EF BB 80 is U+FEC0: a character where a value should
        // be, at line 1, column 1 (forced JSON: the sniffer would say CSV).
        for (const lead of [
            [0xe1, 0xbb, 0xbf],
            [0xef, 0x80, 0xbf],
            [0xef, 0xbb, 0x80],
        ])
            throwsIngest(
                () => parseSeriesBytes(Buffer.concat([Buffer.from(lead), Buffer.from(DOC)]), "b.json", { format: "json" }),
                "b.json: line 1, column 1: invalid JSON: unexpected character where a value should be",
            );
        // `[] ` then a document: the value ends at index 2, the next character (index 3, column 4) is extra.
        throwsIngest(
            () => parseSeriesBytes(Buffer.from(`[] ${DOC}`), "b.json"),
            "b.json: line 1, column 4: invalid JSON: unexpected character after the end of the JSON value",
        );
    });
});

describe("JSON syntax: positions and the grammar's edges", () => {
    test("line and column count only the newlines before the error; an error on a newline is on its line", () => {
        // '{"a": x' : x is index 6, column 7 of line 1; the newline after it is not counted.
        throwsIngest(
            () => parseSeriesText('{"a": x,\n"b": 1}', "f.json"),
            "f.json: line 1, column 7: invalid JSON: unexpected character where a value should be",
        );
        // '{"a' then a newline at index 3 inside the key: line 1, column 4.
        throwsIngest(
            () => parseSeriesText('{"a\nb": 1}', "f.json"),
            "f.json: line 1, column 4: invalid JSON: control character inside a string",
        );
    });
    test("an error inside a property name is reported, not skipped", () => {
        assert.deepEqual(jsonSyntaxError('{"a\nb":1}'), { pos: 3, reason: "control character inside a string" });
    });
    test("tabs and carriage returns are whitespace; a value cannot start with '+'", () => {
        // [ \t 1 , \r 2 space x ]: after 2 the blank is skipped, x (index 7) is not ',' or ']'.
        assert.deepEqual(jsonSyntaxError("[\t1,\r2 x]"), { pos: 7, reason: "expected ',' or ']' after an array element" });
        assert.deepEqual(jsonSyntaxError("+1"), { pos: 0, reason: "unexpected character where a value should be" });
    });
    test("numbers with a 9, several digits, fractions and signed or long exponents; a space in a string", () => {
        for (const t of ["9", "[12, 0.25, 1E+2, 3e-1, 1e12]", '["a b"]', '{"a":1,"b":2}', '{"a":1, "b":2}'])
            assert.equal(jsonSyntaxError(t), undefined, t);
    });
});

describe("query_range shapes", () => {
    const cases: Array<[string, string, string]> = [
        ["null", "f.json: $: expected a query_range response object", "null document"],
        ['{"data": {"resultType": "matrix", "result": []}}', 'f.json: $.status: is not "success"', "data without a status"],
        ['{"status": 5}', 'f.json: $.status: is not "success"', "a number status (not quoted back)"],
        ['{"status": ""}', 'f.json: $.status: is not "success"', "an empty status"],
        [
            '{"resultType": "scalar", "result": []}',
            'f.json: $.resultType: is "scalar", expected "matrix" (export with /api/v1/query_range, not an instant query)',
            "scalar",
        ],
        [
            '{"resultType": "string", "result": []}',
            'f.json: $.resultType: is "string", expected "matrix" (export with /api/v1/query_range, not an instant query)',
            "string",
        ],
        [
            '{"resultType": "", "result": []}',
            'f.json: $.resultType: is not "matrix" (export with /api/v1/query_range)',
            "empty result type",
        ],
        [
            '{"resultType": 5, "result": []}',
            'f.json: $.resultType: is not "matrix" (export with /api/v1/query_range)',
            "number result type",
        ],
        [qr([{ values: ["ab"] }]), 'f.json: $.data.result[0].values[0]: expected a [unix_seconds, "value"] pair', "a 2-character string"],
        [
            qr([{ values: [[1, "1"]] }]).replace("[[1,", "[[1e999,"),
            "f.json: $.data.result[0].values[0][0]: the timestamp is not a number (unix seconds)",
            "an infinite timestamp",
        ],
    ];
    for (const [text, message, what] of cases)
        for (const fastJson of [true, false])
            test(`${what} (fastJson ${fastJson})`, () => {
                throwsIngest(() => parseSeriesText(text, "f.json", { format: "json", fastJson }), message);
            });
    test("a timestamp out of range is named by its pair, on either reader", () => {
        for (const fastJson of [true, false]) {
            throwsIngest(
                () =>
                    parseSeriesText(
                        qr([
                            {
                                values: [
                                    [60, "1"],
                                    [1e12, "2"],
                                ],
                            },
                        ]),
                        "f.json",
                        { fastJson },
                    ),
                "f.json: $.data.result[0].values[1][0]: the timestamp is after the year 9999: query_range timestamps are unix seconds (not milliseconds or nanoseconds)",
            );
            throwsIngest(
                () =>
                    parseSeriesText(
                        qr([
                            {
                                values: [
                                    [60, "1"],
                                    [-60, "2"],
                                ],
                            },
                        ]),
                        "f.json",
                        { fastJson },
                    ),
                "f.json: $.data.result[0].values[1][0]: the timestamp is before 1970-01-01",
            );
        }
    });
    test("the last second of 9999 is a timestamp, in JSON and in CSV", () => {
        // 9999-12-31T23:59:59Z = MAX_TIMESTAMP = 253402300799.
        for (const fastJson of [true, false]) {
            const [s] = parseSeriesText(qr([{ values: [[253402300799, "1"]] }]), "f.json", { fastJson });
            assert.deepEqual(arr(s.t), [253402300799]);
        }
        const [c] = parseSeriesText("t,v\n9999-12-31 23:59:59,1\n", "f.csv");
        assert.deepEqual(arr(c.t), [253402300799]);
    });
});

describe("timestamps", () => {
    test("the date pattern is anchored; fractions, numbers and exponents of several digits", () => {
        assert.equal(parseTimestamp("x2024-01-01"), undefined);
        assert.equal(parseTimestamp("2024-01-01T10:00:00.25Z"), JAN1 + 36000.25);
        assert.equal(parseTimestamp("1.25"), 1.25);
        assert.equal(parseTimestamp("15e-1"), 1.5);
    });
    test("hour 25 is no time, and neither are non-digits in the fast layout's fields or separators", () => {
        for (const x of [
            "2024-01-01 25:00:00",
            "2024-01-01 25:00",
            "2024-01-01 0::00:00", // ':' is digit 10 in the hour
            "2024-01-01 2/:00:00", // '/' is digit -1 in the hour
            "2024x01-01 10:00:00",
            "2024-01x01 10:00:00",
            "2024-01-01 10x00:00",
            "2024-01-01 10:00x00",
            "2024-01-01 10:0a:00",
            "2024-01-01 10:00:0a",
        ])
            assert.equal(parseTimestamp(x), undefined, x);
    });
    test("a year of four digits only: 2e03 is not 2000, with or without seconds", () => {
        for (const x of ["2e03-01-01 10:00:00", "20e3-01-01 10:00:00", " 202-01-01 10:00:00", "2e03-01-01 10:00"])
            assert.equal(parseTimestamp(x), undefined, x);
        throwsIngest(
            () => parseSeriesText("t,v\n2e03-01-01 10:00:00,1\n", "e.csv"),
            "e.csv: line 2, column 1: the timestamp is not a date (YYYY-MM-DD[ HH:MM[:SS]], ISO 8601) or unix seconds or milliseconds",
        );
    });
});

describe("CSV cells", () => {
    test("spaces around unquoted cells are trimmed, at either end", () => {
        const ss = parseSeriesText("t, a,b \n60,1,2\n120,3,4\n", "s.csv");
        assert.deepEqual(
            ss.map((s) => [s.name, arr(s.v)]),
            [
                ["a", [1, 3]],
                ["b", [2, 4]],
            ],
        );
    });
    test("a tab around a cell is trimmed as on a line with quotes: the header names the same series either way", () => {
        // `timestamp,\tcpu ` names `cpu`, as `"timestamp",\tcpu ` does; the timestamp cell `\t60` is 60.
        for (const header of ["timestamp,\tcpu\t", '"timestamp",\tcpu\t'])
            assert.deepEqual(
                parseSeriesText(`${header}\n\t60,1\n120,\t2\n`, "s.csv").map((s) => [s.name, arr(s.t), arr(s.v)]),
                [["cpu", [60, 120], [1, 2]]],
                JSON.stringify(header),
            );
    });
    test("on a line with quotes, every cell is trimmed at both ends; a quote at the start starts a quoted cell", () => {
        assert.deepEqual(
            parseSeriesText('"time", a , b \n60,1,2\n', "s.csv").map((s) => s.name),
            ["a", "b"],
        );
        assert.deepEqual(
            parseSeriesText('"t","a"\n60,1\n', "s.csv").map((s) => s.name),
            ["a"],
        );
    });
});

describe("CSV data rows with quotes", () => {
    test("a quoted timestamp and value (spreadsheet exports quote every cell): read as unquoted, a doubled quote kept in a name", () => {
        // Row 2's first cell starts empty: "2024-01-01 00:01:00" is the timestamp, JAN1 + 60.
        const text = 'timestamp,"a ""x"""\n"2024-01-01 00:01:00","1.5"\n"2024-01-01 00:02:00", "2"\n';
        assert.deepEqual(
            parseSeriesText(text, "q.csv").map((s) => [s.name, arr(s.t), arr(s.v)]),
            [['a "x"', [JAN1 + 60, JAN1 + 120], [1.5, 2]]],
        );
    });
});

describe("CSV lines", () => {
    test("a byte-order mark before a first data row: the row is data, not a header", () => {
        assert.deepEqual(
            parseSeriesText("\ufeff60,5\n120,6\n", "b.csv").map((s) => [s.name, arr(s.t), arr(s.v)]),
            [["value", [60, 120], [5, 6]]],
        );
    });
    test("an HTML page after a byte-order mark and a newline: line 2, column 1", () => {
        // Index 0 the mark, 1 the newline, 2 the '<': one newline before it, at index 1, so column 2 - 1.
        throwsIngest(
            () => parseSeriesText("\ufeff\n<html>", "e.csv"),
            "e.csv: line 2, column 1: is an HTML or XML page, not a CSV or query_range JSON export (a login page or the Prometheus UI saved instead of the API's answer?)",
        );
    });
    test("a line of spaces is blank, skipped", () => {
        const [s] = parseSeriesText("t,v\n60,1\n   \n120,2\n", "b.csv");
        assert.deepEqual(
            [arr(s.t), arr(s.v)],
            [
                [60, 120],
                [1, 2],
            ],
        );
    });
    test("a blank first line is skipped; the series read are typed arrays", () => {
        const [s] = parseSeriesText("\nt,v\n60,1\n120,2\n", "b.csv");
        assert.equal(s.name, "v");
        assert.deepEqual([s.t, s.v], [Float64Array.from([60, 120]), Float64Array.from([1, 2])]);
    });
});

describe("repairs of typed (query_range) series", () => {
    test("a repeated timestamp in order is de-duplicated, the last value kept", () => {
        const [s] = parseSeriesText(
            qr([
                {
                    values: [
                        [60, "1"],
                        [60, "2"],
                        [120, "3"],
                    ],
                },
            ]),
            "d.json",
        );
        assert.deepEqual([arr(s.t), arr(s.v), s.notes], [[60, 120], [2, 3], ["1 duplicate timestamp(s): kept the last value"]]);
        assert.deepEqual(s.warnings, [
            "1 timestamp(s) have several different values (the first at 1970-01-01T00:01:00Z): kept the last value of each; two exports concatenated, or series that should have been summed?",
        ]);
    });
    test("a counter of gaps only has no rate; a flat counter has a rate of 0, not a reset", () => {
        const [gaps] = parseSeriesText("t,v\n60,NaN\n", "c.csv", { counter: true });
        assert.deepEqual([arr(gaps.t), arr(gaps.v), gaps.notes], [[], [], ["1 NaN/Inf value(s) treated as gaps"]]);
        // 5, 5, 7 at 0, 10, 20 s: 0 / 10 = 0/s, then 2 / 10 = 0.2/s.
        const [flat] = parseSeriesText(
            qr([
                {
                    values: [
                        [0, "5"],
                        [10, "5"],
                        [20, "7"],
                    ],
                },
            ]),
            "c.json",
            { counter: true },
        );
        assert.deepEqual([arr(flat.t), arr(flat.v), flat.notes], [[10, 20], [0, 0.2], []]);
    });
    test("mixed steps: three points are checked; exactly 1 % off and exactly 1.99 steps are not off", () => {
        // Spacings 60, 90: the lower median 60; 90 is 30 off (over 0.6) and under 119.4.
        const [three] = parseSeriesText("t,v\n0,1\n60,1\n150,1\n", "m.csv");
        assert.deepEqual([three.step, three.notes], [60, ["1 spacing(s) differ from the step of 60s (mixed steps)"]]);
        // Step 100: 101 is 1 off (not over 1); 199 is 1.99 steps (not under 199).
        for (const last of [401, 499]) {
            const [s] = parseSeriesText(`t,v\n0,1\n100,1\n200,1\n300,1\n${last},1\n`, "m.csv");
            assert.deepEqual([s.step, s.notes], [100, []], String(last));
        }
    });
    test("detectStep: half the spacings equal to the first is not most of them", () => {
        assert.equal(detectStep([0, 30, 40]), 10); // 30, 10: the lower median 10, not the first 30
        assert.equal(detectStep([0, 30, 40, 70, 80]), 10); // 30, 10, 30, 10 → 10, 10, 30, 30: the lower median 10
    });
    test("detectStep over 20001 spacings samples all of them evenly, not the first half", () => {
        // 40002 spacings: 16000 of 10 s, then 26002 of 30 s. Stride 2: spacings 0, 2, …, 40000, of
        // which 8000 (indices under 16000) are 10 and 12001 are 30: the median is 30.
        const t = [0];
        for (let k = 0; k < 40002; k++) t.push(t[k] + (k < 16000 ? 10 : 30));
        assert.equal(detectStep(t), 30);
    });
    test("a clean typed series is used as read: no notes, no warnings", () => {
        const [s] = parseSeriesText(DOC, "c.json");
        assert.deepEqual([arr(s.t), arr(s.v), s.step, s.notes, s.warnings], [[60, 120], [1, 2], 60, [], []]);
    });
});

describe("toGrid edges", () => {
    const g = (t: number[], v: number[], step: number) => ({ t: Float64Array.from(t), v: Float64Array.from(v), step });
    test("an empty series: a grid from 0 with no buckets; a series starting later starts there", () => {
        assert.deepEqual(toGrid(g([], [], 60), 300, "sum"), { start: 0, step: 300, values: new Float64Array(0) });
        assert.deepEqual(toGrid(g([3600, 3660], [1, 2], 60), 60, "last"), { start: 3600, step: 60, values: Float64Array.from([1, 2]) });
    });
    test("max and last leave an empty bucket NaN", () => {
        // Buckets of 120 s: [0,120) has 0 → 5, [120,240) nothing, [240,360) has 240 → 7.
        for (const agg of ["max", "last"] as const)
            assert.deepEqual(arr(toGrid(g([0, 240], [5, 7], 60), 120, agg).values), [5, NaN, 7], agg);
    });
    test("sum: exactly half the expected points is enough, scaled up", () => {
        // 240 s of 60 s steps: 4 expected, 2 seen (half): (1 + 3) × 4 / 2 = 8.
        assert.deepEqual(arr(toGrid(g([0, 60], [1, 3], 60), 240, "sum").values), [8]);
    });
});

describe("pickSeries selectors", () => {
    const all = parseSeriesText(
        qr([
            {
                metric: { __name__: "rate", pod: "a" },
                values: [
                    [0, "1"],
                    [60, "1"],
                ],
            },
            {
                metric: { __name__: "rate", pod: "b" },
                values: [
                    [0, "2"],
                    [60, "2"],
                ],
            },
            {
                metric: { __name__: "x", a: 'q"r' },
                values: [
                    [0, "3"],
                    [60, "3"],
                ],
            },
        ]),
        "s.json",
    );
    // The names as ingest gives them, then JSON-quoted for the message.
    const has = ['"rate{pod=\\"a\\"}"', '"rate{pod=\\"b\\"}"', '"x{a=\\"q\\"r\\"}"'].join(", ");
    const pick = (want: string) => {
        const x = pickSeries(all, "s.json", "requests", want);
        return typeof x === "string" ? x : x.v[0];
    };
    test("spaces around a selector; an escaped quote in a label value", () => {
        assert.equal(pick(' rate{pod="b"} '), 2);
        assert.equal(pick('{a="q\\"r"}'), 3);
    });
    test("a blank name, a malformed label or another metric name: no series", () => {
        assert.equal(pick("  "), `export s.json has no series "  " for requests (has ${has})`);
        assert.equal(pick("rate{pod=b}"), `export s.json has no series "rate{pod=b}" for requests (has ${has})`);
        assert.equal(pick('other{pod="a"}'), `export s.json has no series "other{pod=\\"a\\"}" for requests (has ${has})`);
        // Words before or after a name: not a selector (never the name's own series).
        assert.equal(pick("foo rate"), `export s.json has no series "foo rate" for requests (has ${has})`);
        assert.equal(pick("rate junk"), `export s.json has no series "rate junk" for requests (has ${has})`);
    });
    test("empty braces (blanks only) select by the name alone", () => {
        assert.equal(
            pick("rate{ }"),
            'export s.json has 2 series matching "rate{ }" for requests ("rate{pod=\\"a\\"}", "rate{pod=\\"b\\"}"); name one with its labels, or aggregate them in the query',
        );
    });
});
