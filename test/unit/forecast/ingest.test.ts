import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    IngestError,
    detectFormat,
    detectStep,
    parseSeriesBytes,
    parseSeriesText,
    parseTimestamp,
    pickSeries,
    sampleValue,
    toGrid,
} from "../../../forecast/ingest";
import fc from "fast-check";
import { scanQueryRange } from "../../../forecast/queryRangeScan";
import type { Series } from "../../../forecast/types";
import { readSeriesFile } from "../../../tools/forecast/seriesFile";

const DATA = path.resolve(__dirname, "../../fixtures/traces");
const arr = (x: ArrayLike<number>) => Array.from(x);
const qr = (result: unknown) => JSON.stringify({ status: "success", data: { resultType: "matrix", result } });

describe("ingest: query_range JSON", () => {
    test("reads several series with their labels; NaN/+Inf become gaps", () => {
        const text = qr([
            {
                metric: { __name__: "rps", job: "api" },
                values: [
                    [60, "1"],
                    [120, "NaN"],
                    [180, "+Inf"],
                    [240, "4"],
                ],
            },
            {
                metric: { __name__: "rps", job: "w" },
                values: [
                    [0, "2"],
                    [60, "3"],
                ],
            },
        ]);
        const [a, b] = parseSeriesText(text, "x.json");
        assert.equal(a.name, 'rps{job="api"}');
        assert.deepEqual(arr(a.t), [60, 240]);
        assert.deepEqual(arr(a.v), [1, 4]);
        assert.deepEqual(a.notes, ["2 NaN/Inf value(s) treated as gaps"]);
        assert.equal(b.step, 60);
        assert.deepEqual(arr(b.v), [2, 3]);
    });
    test("duplicates keep the last value, out-of-order points are sorted", () => {
        const [s] = parseSeriesText(
            qr([
                {
                    metric: {},
                    values: [
                        [120, "3"],
                        [60, "1"],
                        [60, "2"],
                        [180, "5"],
                    ],
                },
            ]),
            "x.json",
        );
        assert.deepEqual(arr(s.t), [60, 120, 180]);
        assert.deepEqual(arr(s.v), [2, 3, 5]);
        assert.deepEqual(s.notes, ["points out of order: sorted by time", "1 duplicate timestamp(s): kept the last value"]);
    });
    test("counters become per-second rates across a reset", () => {
        const [s] = parseSeriesText(
            qr([
                {
                    metric: {},
                    values: [
                        [0, "100"],
                        [10, "150"],
                        [20, "30"],
                        [30, "90"],
                    ],
                },
            ]),
            "c.json",
            { counter: true },
        );
        assert.deepEqual(arr(s.t), [10, 20, 30]);
        assert.deepEqual(arr(s.v), [5, 3, 6]);
        assert.deepEqual(s.notes, ["1 counter reset(s)"]);
    });
    const bad: Array<[string, string, string]> = [
        ['{"status": "success",', "x.json: line 1, column 22: invalid JSON: unexpected end of input", "truncated"],
        [
            JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" }),
            `x.json: $.status: is "error", not "success": the file holds Prometheus' error answer, not data (export the query again)`,
            "error status",
        ],
        [JSON.stringify({ status: "s3cr3t-token", data: {} }), 'x.json: $.status: is not "success"', "unknown status (not quoted back)"],
        [
            JSON.stringify({ status: "success", data: { resultType: "s3cr3t-token", result: [] } }),
            'x.json: $.data.resultType: is not "matrix" (export with /api/v1/query_range)',
            "unknown result type (not quoted back)",
        ],
        [
            '{"token": ghp_S3CR3T}',
            "x.json: line 1, column 11: invalid JSON: unexpected character where a value should be",
            "a token, not quoted back",
        ],
        ['{"a": tru}', "x.json: line 1, column 7: invalid JSON: unexpected character where a value should be", "bad literal"],
        [
            qr([{ metric: {}, values: [[1700000000000000000, "1"]] }]),
            "x.json: $.data.result[0].values[0][0]: the timestamp is after the year 9999: query_range timestamps are unix seconds (not milliseconds or nanoseconds)",
            "nanoseconds",
        ],
        [
            qr([{ metric: {}, values: [[-5, "1"]] }]),
            "x.json: $.data.result[0].values[0][0]: the timestamp is before 1970-01-01",
            "negative time",
        ],
        [
            JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }),
            'x.json: $.data.resultType: is "vector", expected "matrix" (export with /api/v1/query_range, not an instant query)',
            "vector",
        ],
        [
            JSON.stringify({ status: "success", data: { resultType: "matrix", result: {} } }),
            "x.json: $.data.result: expected an array of series",
            "result not array",
        ],
        [
            qr([{ metric: {}, values: [[1, "1"], [2]] }]),
            'x.json: $.data.result[0].values[1]: expected a [unix_seconds, "value"] pair',
            "short pair",
        ],
        [
            qr([{ metric: {}, values: [["a", "1"]] }]),
            "x.json: $.data.result[0].values[0][0]: the timestamp is not a number (unix seconds)",
            "bad time",
        ],
        [
            qr([{}, { metric: {}, values: [[1, "x1"]] }]),
            'x.json: $.data.result[0].values: expected an array of [unix_seconds, "value"] pairs',
            "no values",
        ],
        [
            qr([{ metric: {}, values: [[1, "x1"]] }]),
            'x.json: $.data.result[0].values[0][1]: the value is not a number (a string such as "1.5", "NaN" or "+Inf")',
            "bad value",
        ],
        [qr([{ metric: [], values: [] }]), "x.json: $.data.result[0].metric: expected an object of labels", "bad metric"],
        ["[1]", "x.json: $: expected a query_range response object", "array"],
    ];
    for (const [text, message, what] of bad)
        test(`malformed (${what}) names file, position and reason`, () => {
            assert.throws(
                () => parseSeriesText(text, "x.json"),
                (e: unknown) => e instanceof IngestError && e.message === message,
            );
        });
});

describe("ingest: CSV", () => {
    test("timestamp,value with gaps, blanks and NaN; step from the median spacing", () => {
        const [s] = parseSeriesText(
            "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,\n2024-01-01 00:02:00,NaN\n2024-01-01 00:03:00,4\n2024-01-01 00:04:00,5\n",
            "a.csv",
        );
        assert.equal(s.name, "value");
        assert.deepEqual(
            arr(s.t).map((t) => t - 1704067200),
            [0, 180, 240],
        );
        assert.equal(s.step, 60);
        assert.deepEqual(s.notes, ["2 NaN/Inf value(s) treated as gaps"]);
    });
    test("one series per value column (pedestrians' shape), CRLF, ISO and unix timestamps", () => {
        const ss = parseSeriesText("ds,a,b\r\n1970-01-01T00:00:00Z,1,2\r\n3600,3,4\r\n1970-01-01 02:00:00,5,6\r\n", "p.csv");
        assert.deepEqual(
            ss.map((s) => s.name),
            ["a", "b"],
        );
        assert.deepEqual(arr(ss[1].v), [2, 4, 6]);
        assert.deepEqual(arr(ss[1].t), [0, 3600, 7200]);
    });
    test("timestamps: zone offsets, milliseconds, invalid dates", () => {
        assert.equal(parseTimestamp("1970-01-01T01:00:00+01:00"), 0);
        assert.equal(parseTimestamp("1700000000000"), 1700000000);
        assert.equal(parseTimestamp("2024-13-01 00:00:00"), undefined);
        // Dates that do not exist are errors, never the next month's first days.
        assert.equal(parseTimestamp("2024-02-29 00:00:00"), 1709164800);
        for (const x of [
            "2024-02-30 00:00:00",
            "2023-02-29 00:00:00",
            "2024-04-31T00:00:00Z",
            "2024-04-31",
            "2024-01-01 24:30:00",
            "2024-01-01 23:59:60",
        ])
            assert.equal(parseTimestamp(x), undefined, x);
        assert.equal(parseTimestamp("2024-01-01 24:00:00"), parseTimestamp("2024-01-02 00:00:00"));
        assert.equal(parseTimestamp("2024-01-01T24:00:00Z"), 1704153600);
        assert.equal(parseTimestamp("yesterday"), undefined);
    });
    const notADate = "the timestamp is not a date (YYYY-MM-DD[ HH:MM[:SS]], ISO 8601) or unix seconds or milliseconds";
    const bad: Array<[string, string]> = [
        ["", "e.csv: line 1: the file is empty: no header and no data"],
        [
            "timestamp\n",
            "e.csv: line 1: the header needs a timestamp column and at least one value column, comma-separated (it has one column)",
        ],
        // The first line of a credentials file: neither the header nor any cell is quoted back.
        [
            "https://user:ghp_S3CR3T@github.com\n",
            "e.csv: line 1: the header needs a timestamp column and at least one value column, comma-separated (it has one column)",
        ],
        ["user,ghp_S3CR3T\nadmin,hunter2\n", `e.csv: line 2, column 1: ${notADate}`],
        ["timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,1,2\n", "e.csv: line 3: has 3 columns, the header has 2"],
        ["timestamp,value\nnot-a-date,1\n", `e.csv: line 2, column 1: ${notADate}`],
        ["timestamp,value\n2024-02-28 00:00:00,1\n2024-02-29 00:00:00,2\n2024-02-30 00:00:00,3\n", `e.csv: line 4, column 1: ${notADate}`],
        ["timestamp,value\n2024-01-01 00:00:00,1\n\n2024-01-01 00:01:00,abc\n", "e.csv: line 4, column 2: the value is not a number"],
        [
            "timestamp,value\n1700000000000000000,1\n",
            "e.csv: line 2, column 1: the timestamp is after the year 9999: numeric timestamps are unix seconds or milliseconds (not micro- or nanoseconds)",
        ],
        [
            "<!doctype html><html><body>Prometheus Time Series Collection</body></html>\n",
            "e.csv: line 1, column 1: is an HTML or XML page, not a CSV or query_range JSON export (a login page or the Prometheus UI saved instead of the API's answer?)",
        ],
    ];
    for (const [text, message] of bad)
        test(`malformed: ${message}`, () => {
            assert.throws(() => parseSeriesText(text, "e.csv"), { name: "IngestError", message });
        });
});

describe("ingest: detection and resampling", () => {
    test("format sniffing and the median step of mixed spacings", () => {
        assert.equal(detectFormat(' \n{"status":1}'), "json");
        assert.equal(detectFormat("timestamp,value"), "csv");
        assert.equal(detectStep(Float64Array.from([0, 60, 120, 300, 360, 420])), 60);
    });
    test("sum scales partial buckets, mean averages, max keeps the peak, empty buckets are NaN", () => {
        const s = { t: Float64Array.from([0, 60, 120, 3600, 7320]), v: Float64Array.from([1, 2, 3, 10, 7]), step: 60 };
        assert.deepEqual(arr(toGrid(s, 180, "mean").values), [2, ...Array(19).fill(NaN), 10, ...Array(19).fill(NaN), 7]);
        assert.deepEqual(arr(toGrid(s, 180, "max").values).slice(0, 1), [3]);
        // one of three minutes observed is under half coverage: unknown, not a third of the count
        const sum = toGrid(s, 180, "sum").values;
        assert.equal(sum[0], 6);
        assert.ok(Number.isNaN(sum[20]));
        assert.deepEqual(arr(toGrid({ ...s, t: Float64Array.from([0, 60]), v: Float64Array.from([2, 4]) }, 180, "sum").values), [9]);
    });
    test("reads every shared trace: hourly NASA has 1368 points at 3600 s", () => {
        const [s] = readSeriesFile(path.join(DATA, "nasa_http/nasa_http_1995_requests_per_hour.csv"));
        assert.equal(s.t.length, 1368);
        assert.equal(s.step, 3600);
        const [p] = readSeriesFile(path.join(DATA, "prometheus/nasa_http_rate5m_14d.query_range.json"));
        assert.equal(p.name, 'http_requests_per_second{job="nasa-http",source="ita-nasa-http-1995"}');
        assert.equal(p.step, 300);
    });
    test("large files: 200k points parse with exact counts", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-ingest-"));
        try {
            const lines = ["timestamp,value"];
            for (let i = 0; i < 200000; i++) lines.push(`${1700000000 + i * 15},${i % 7}`);
            const f = path.join(dir, "big.csv");
            fs.writeFileSync(f, lines.join("\n"));
            const [s] = readSeriesFile(f);
            assert.equal(s.t.length, 200000);
            assert.equal(s.step, 15);
            assert.equal(s.v[199999], 199999 % 7);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("ingest: the fast query_range reader reads exactly what JSON.parse reads", () => {
    const both = (text: string) => {
        const run = (read: () => Series[]) => {
            try {
                return read();
            } catch (e) {
                return (e as Error).message;
            }
        };
        const fast = run(() => parseSeriesText(text, "f.json", { fastJson: true }));
        // The program reads the file's bytes (a well-formed text's UTF-8): the same series or message.
        if (!/\p{Cs}/u.test(text))
            assert.deepEqual(
                run(() => parseSeriesBytes(Buffer.from(text, "utf8"), "f.json")),
                fast,
            );
        return { fast, slow: run(() => parseSeriesText(text, "f.json", { fastJson: false })) };
    };

    test("every query_range file in the trace fixtures and exports/ gives the same series", () => {
        const files = [
            ...fs.readdirSync(path.join(DATA, "prometheus")).map((f) => path.join(DATA, "prometheus", f)),
            ...["dev", "staging", "prod"].flatMap((s) =>
                fs
                    .readdirSync(path.resolve(__dirname, "../../../exports", s))
                    .filter((f) => f.endsWith(".json"))
                    .map((f) => path.resolve(__dirname, "../../../exports", s, f)),
            ),
        ];
        assert.ok(files.length >= 6, `found ${files.length} files`);
        let points = 0;
        for (const f of files) {
            const text = fs.readFileSync(f, "utf8");
            assert.notEqual(scanQueryRange(text, sampleValue), undefined, `${f}: the fast path applies`);
            const { fast, slow } = both(text);
            assert.deepEqual(fast, slow, f);
            assert.ok(typeof fast !== "string", f);
            points += fast[0].t.length;
        }
        assert.ok(points > 10000, `${points} points`);
    });

    test("numbers at the edges of the exact fast path, specials, whitespace and escapes", () => {
        const values = [
            "0",
            "-0",
            "0.1",
            "0.30000000000000004",
            "123456789012345",
            "1234567890123456",
            "12345678901234567890",
            "9007199254740993",
            "1e3",
            "1.5E-7",
            "-2.5e+2",
            "0.0000000000000000000001",
            "0.00000000000000000000001",
            "NaN",
            "+Inf",
            "-Inf",
            "Inf",
            " 12 ",
            "012",
            "1.",
            "4.35",
            "1695168000.123",
        ];
        const body = {
            status: "success",
            data: {
                resultType: "matrix",
                result: [
                    {
                        metric: { __name__: "x", path: 'a"b\\c\u00e9\n' },
                        values: values.map((v, k) => [1695168000 + k * 60 + (k % 3) * 0.125, v]),
                    },
                ],
            },
        };
        for (const text of [JSON.stringify(body), JSON.stringify(body, null, 2), JSON.stringify(body, null, "\t").replace(/\n/g, "\r\n")]) {
            assert.notEqual(scanQueryRange(text, sampleValue), undefined, "the fast path applies");
            const { fast, slow } = both(text);
            assert.ok(typeof fast !== "string", typeof fast === "string" ? fast : "");
            assert.deepEqual(fast, slow);
        }
    });

    test("malformed files take the JSON.parse path and fail with the same message", () => {
        const cases = [
            qr([
                {
                    metric: {},
                    values: [
                        [1, "1"],
                        [2, "x"],
                    ],
                },
            ]),
            qr([{ metric: {}, values: [[1, "1", 3]] }]),
            qr([{ metric: {}, values: [["1", "1"]] }]),
            qr([{ metric: {}, values: [[1, 1]] }]),
            qr([{ metric: {}, values: [[1, ""]] }]),
            qr([{ metric: {}, values: [[1, "1"]] }]).replace("[[1,", "[[1e999,"),
            qr([{ metric: {}, values: [[1, "1"]] }]).slice(0, -3),
            qr([{ metric: {}, values: [[1, "1"]] }]) + "x",
            qr([{ metric: {}, values: [[1, "1"]] }]).replace("[[1,", "[[01,"),
            qr([{ metric: {}, values: [[1, "1"]] }]).replace('"1"]]', '"1\\u0031"]]'),
            qr([{ metric: { __proto__: "p" }, values: [[1, "1"]] }]).replace('"metric":{}', '"metric":{"__proto__":"p"}'),
            "\ufeff" + qr([{ metric: {}, values: [[1, "1"]] }]),
            "[".repeat(20000),
        ];
        for (const text of cases) {
            assert.equal(scanQueryRange(text, sampleValue), undefined, text.slice(0, 80));
            const { fast, slow } = both(text);
            assert.deepEqual(fast, slow, text.slice(0, 80));
        }
        const first = both(cases[0]).fast;
        assert.ok(typeof first === "string");
        assert.match(first, /values\[1\]\[1\]: the value is not a number/);
    });

    test("bytes: a byte-order mark is skipped, invalid UTF-8 and CSV are read as their decoded text", () => {
        const doc = qr([
            {
                metric: { __name__: "r" },
                values: [
                    [60, "1"],
                    [120, "2"],
                ],
            },
        ]);
        const bom = parseSeriesBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)]), "b.json");
        assert.deepEqual(bom, parseSeriesText(doc, "b.json"));
        assert.deepEqual(arr(bom[0].v), [1, 2]);
        // 0xff is never UTF-8: decoded, it is U+FFFD in the label, as the text reader sees it.
        const bad = Buffer.from(doc.replace('"r"', '"r?"'));
        bad[bad.indexOf("?")] = 0xff;
        const [s] = parseSeriesBytes(bad, "b.json");
        assert.equal(s.name, "r\ufffd");
        assert.deepEqual(
            parseSeriesBytes(Buffer.from("timestamp,value\n60,3\n120,4\n"), "c.csv"),
            parseSeriesText("timestamp,value\n60,3\n120,4\n", "c.csv"),
        );
        assert.throws(
            () => parseSeriesBytes(Buffer.from(doc.slice(0, -2)), "t.json"),
            /^IngestError: t\.json: line 1, column \d+: invalid JSON/,
        );
        assert.equal(detectFormat(Buffer.from([0xef, 0xbb, 0xbf, 0x20, 0x7b])), "json");
        assert.equal(detectFormat(Buffer.from([0x20, 0x0a, 0x74])), "csv");
    });

    test("property: random query_range answers read the same both ways", () => {
        const num = fc.oneof(
            fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
            fc.integer({ min: -1e6, max: 1e12 }).map(String),
            fc.constantFrom("NaN", "+Inf", "-Inf", "0", "-0", "1e-7"),
        );
        const series = fc.record({
            metric: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
            values: fc.array(fc.tuple(fc.integer({ min: 0, max: 2e9 }), num), { minLength: 1, maxLength: 40 }),
        });
        fc.assert(
            fc.property(fc.array(series, { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, 1, 4), (result, indent) => {
                const text = JSON.stringify({ status: "success", data: { resultType: "matrix", result } }, null, indent);
                const { fast, slow } = both(text);
                assert.deepEqual(fast, slow);
            }),
            { numRuns: 300, seed: 4 },
        );
    });
});

describe("ingest: choosing the mapped series in an export", () => {
    const two = parseSeriesText(
        qr([
            {
                metric: { __name__: "rate", pod: "a" },
                values: [
                    [0, "100"],
                    [60, "100"],
                ],
            },
            {
                metric: { __name__: "rate", pod: "b" },
                values: [
                    [0, "900"],
                    [60, "900"],
                ],
            },
        ]),
        "r.json",
    );
    test("a full name picks its series; the file's only series needs no name", () => {
        const s = pickSeries(two, "r.json", "requests", two[1].name);
        assert.ok(typeof s !== "string");
        assert.deepEqual(arr(s.v), [900, 900]);
        const [one] = parseSeriesText("timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n", "c.csv");
        const only = pickSeries([one], "c.csv", "cpu");
        assert.ok(typeof only !== "string");
        assert.deepEqual([arr(only.t), arr(only.v), only.warnings], [arr(one.t), arr(one.v), []]);
    });
    test("a selector matches on labels in any order and spacing, or a subset of them", () => {
        const three = parseSeriesText(
            qr([
                {
                    metric: { __name__: "rate", job: "api", pod: "a" },
                    values: [
                        [0, "1"],
                        [60, "1"],
                    ],
                },
                {
                    metric: { __name__: "rate", job: "api", pod: "b" },
                    values: [
                        [0, "2"],
                        [60, "2"],
                    ],
                },
                {
                    metric: { __name__: "rate", job: "web", pod: "b" },
                    values: [
                        [0, "3"],
                        [60, "3"],
                    ],
                },
            ]),
            "s.json",
        );
        const valueOf = (want: string) => {
            const x = pickSeries(three, "s.json", "requests", want);
            return typeof x === "string" ? x : x.v[0];
        };
        assert.equal(valueOf(three[1].name), 2);
        assert.equal(valueOf('rate{pod="b",job="api"}'), 2);
        assert.equal(valueOf('rate{ pod = "b" , job = "api" }'), 2);
        assert.equal(valueOf('{pod="a"}'), 1);
        assert.equal(valueOf('rate{job="web"}'), 3);
        assert.match(String(valueOf('rate{pod="b"}')), /^export s\.json has 2 series matching "rate\{pod=\\"b\\"\}" for requests/);
        assert.match(String(valueOf('rate{pod="c"}')), /^export s\.json has no series "rate\{pod=\\"c\\"\}" for requests/);
    });
    test("ambiguous, unknown or too short: a reason naming the file, the series and the candidates", () => {
        assert.equal(
            pickSeries(two, "r.json", "requests", "rate"),
            `export r.json has 2 series matching "rate" for requests (${JSON.stringify(two[0].name)}, ${JSON.stringify(two[1].name)}); name one with its labels, or aggregate them in the query`,
        );
        assert.equal(
            pickSeries(two, "r.json", "requests"),
            `export r.json has 2 series (${JSON.stringify(two[0].name)}, ${JSON.stringify(two[1].name)}); set the mapping's series for requests to one of them`,
        );
        assert.equal(
            pickSeries(two, "r.json", "requests", "nope"),
            `export r.json has no series "nope" for requests (has ${JSON.stringify(two[0].name)}, ${JSON.stringify(two[1].name)})`,
        );
        const neg = parseSeriesText("timestamp,value\n1,5\n2,-3\n3,7\n4,-0.5\n", "n.csv");
        const got = pickSeries(neg, "n.csv", "requests");
        assert.ok(typeof got !== "string");
        assert.deepEqual(arr(got.v), [5, NaN, 7, NaN]);
        assert.deepEqual(got.notes, ["2 negative value(s) treated as gaps (a load is never negative)"]);
        assert.deepEqual(arr(neg[0].v), [5, -3, 7, -0.5]); // the parsed series is not changed
        const allNegative = parseSeriesText("timestamp,value\n1,-5\n2,-3\n3,-7\n", "d.csv");
        assert.equal(
            pickSeries(allNegative, "d.csv", "requests"),
            "export d.csv has 0 usable data point(s) for requests (3 negative, 0 above 1.000e+15, 0 NaN/Inf): at least 2 are needed",
        );
        const one = parseSeriesText("timestamp,value\n2024-03-01 10:00:00,500\n", "o.csv");
        assert.equal(
            pickSeries(one, "o.csv", "requests"),
            "export o.csv has 1 data point for requests: at least 2 are needed to find its step",
        );
    });
});
