/**
 * Reads exported metrics: Prometheus `/api/v1/query_range` JSON (one or several series) and CSV
 * (`timestamp,value`, or one timestamp column and several value columns, one series each).
 *
 * Repairs what real exports contain (gaps, NaN/+Inf, duplicates, out-of-order points, counter
 * resets, mixed steps) and says what it repaired in `Series.notes`; what looks wrong rather than
 * routine (conflicting duplicates, long gaps, isolated outliers, values too large to be a load)
 * also goes to `Series.warnings`, which the step shows as warnings. Malformed input throws an
 * `IngestError` naming the file, the position (line and column, or JSON path) and the reason,
 * never the file's content: an export path may name a file that holds secrets.
 * Pure: the caller reads the file (exportFiles.ts `readExport`).
 */
import { isUtf8 } from "node:buffer";
import type { Aggregation, Grid, Series } from "./types";
import { SampleColumns, scanQueryRange } from "./queryRangeScan";
import { selectKth } from "./stats";

export class IngestError extends Error {
    constructor(
        readonly file: string,
        readonly position: string,
        readonly reason: string,
    ) {
        super(`${file}: ${position}: ${reason}`);
        this.name = "IngestError";
    }
}

export interface IngestOptions {
    /** The values are a monotonic counter: turn them into a per-second rate, handling resets. */
    readonly counter?: boolean;
    /** Force a format instead of sniffing the first non-blank character. */
    readonly format?: "json" | "csv";
    /** Read query_range sample arrays with the fast reader (queryRangeScan.ts). `false` forces JSON.parse (tests compare both). @default true */
    readonly fastJson?: boolean;
}

export type Format = "json" | "csv";

/** Timestamps accepted (unix seconds): 1970-01-01 up to the end of year 9999. */
export const MIN_TIMESTAMP = 0;
export const MAX_TIMESTAMP = 253402300799;

/**
 * Values larger than this (in absolute value) are not a load of any workload (1e15 req/s, bytes,
 * items): they are treated as gaps, with a warning. It also keeps sums of a bucket finite.
 */
export const MAX_VALUE = 1e15;

/** Why a timestamp (unix seconds, as read) is out of range, or undefined. */
function timestampProblem(t: number, json: boolean): string | undefined {
    if (t < MIN_TIMESTAMP) return "the timestamp is before 1970-01-01";
    if (t > MAX_TIMESTAMP)
        return json
            ? "the timestamp is after the year 9999: query_range timestamps are unix seconds (not milliseconds or nanoseconds)"
            : "the timestamp is after the year 9999: numeric timestamps are unix seconds or milliseconds (not micro- or nanoseconds)";
    return undefined;
}

/** `{` or `[` first → query_range JSON, anything else → CSV (a text, or its bytes as valid UTF-8). */
export function detectFormat(text: string | Uint8Array): Format {
    const bytes = typeof text !== "string";
    for (let i = 0; i < text.length; i++) {
        const c = bytes ? text[i] : text.charCodeAt(i);
        if (c === 32 || c === 9 || c === 10 || c === 13) continue;
        if (!bytes && c === 0xfeff) continue;
        // The byte-order mark U+FEFF in UTF-8.
        if (bytes && c === 0xef && text[i + 1] === 0xbb && text[i + 2] === 0xbf) {
            i += 2;
            continue;
        }
        return c === 123 || c === 91 ? "json" : "csv";
    }
    return "csv";
}

export function parseSeriesText(text: string, file: string, opts: IngestOptions = {}): Series[] {
    const format = opts.format ?? detectFormat(text);
    // Stryker disable next-line LogicalOperator,BooleanLiteral: fastJson off reads through JSON.parse, to the same series or error (ingest.test.ts compares both)
    const raws = format === "json" ? parseQueryRange(text, file, opts.fastJson ?? true) : parseCsv(text, file);
    return raws.map((r) => normalize(r, file, opts.counter ?? false));
}

/**
 * `parseSeriesText` of a file's bytes: a query_range export in valid UTF-8 is read by the fast
 * reader straight from its bytes, with no string built; anything else (CSV, invalid UTF-8, what
 * the fast reader gives up on) is decoded as UTF-8 and read as text, to the same series or error.
 */
export function parseSeriesBytes(bytes: Buffer, file: string, opts: IngestOptions = {}): Series[] {
    if ((opts.fastJson ?? true) && isUtf8(bytes) && (opts.format ?? detectFormat(bytes)) === "json") {
        // A leading byte-order mark is skipped, as parseQueryRange skips it in the text.
        const doc = scanQueryRange(bytes, sampleValue, bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
        if (doc !== undefined) return queryRangeRaws(doc, file).map((r) => normalize(r, file, opts.counter ?? false));
        // Stryker disable next-line BooleanLiteral: the text scan gives up where the byte scan gave up, then JSON.parse decides
        return parseSeriesText(bytes.toString("utf8"), file, { ...opts, fastJson: false });
    }
    return parseSeriesText(bytes.toString("utf8"), file, opts);
}

interface Raw {
    name: string;
    labels: Record<string, string>;
    t: ArrayLike<number>;
    v: ArrayLike<number>;
    /** Position of each point, for messages about it. */
    nonFinite: number;
}

// ---------------------------------------------------------------------------------------------
// JSON

function lineCol(text: string, pos: number): string {
    let line = 1;
    let last = -1;
    for (let i = 0; i < pos && i < text.length; i++)
        if (text.charCodeAt(i) === 10) {
            line++;
            last = i;
        }
    return `line ${line}, column ${pos - last}`;
}

/** Prometheus sample values are strings: numbers, "NaN", "+Inf", "-Inf". */
export function sampleValue(s: unknown): number | undefined {
    if (typeof s === "number") return s;
    if (typeof s !== "string") return undefined;
    // Fast path: a plain decimal (Number() reads "" and blanks as 0, so zero is checked below).
    const fast = +s;
    if (fast === fast && fast !== 0) return fast;
    const t = s.trim();
    if (t === "NaN" || t === "nan") return NaN;
    if (t === "+Inf" || t === "Inf" || t === "inf" || t === "+inf") return Infinity;
    if (t === "-Inf" || t === "-inf") return -Infinity;
    if (t === "") return undefined;
    const x = Number(t);
    return Number.isNaN(x) ? undefined : x;
}

export function seriesName(labels: Record<string, string>): string {
    const name = labels.__name__ ?? "";
    const rest = Object.keys(labels)
        .filter((k) => k !== "__name__")
        .sort()
        .map((k) => `${k}="${labels[k]}"`);
    return rest.length ? `${name}{${rest.join(",")}}` : name || "{}";
}

/** Where (a character index) and why a text is not JSON. */
export interface JsonSyntax {
    readonly pos: number;
    readonly reason: string;
}

/**
 * Where and why `text` is not JSON (undefined when it is): a scanner of the JSON grammar, so the
 * message names the position without quoting the text (V8's own message quotes the start of the
 * input, which may be a secret, and its wording changes between Node versions).
 */
export function jsonSyntaxError(text: string): JsonSyntax | undefined {
    return new JsonScanner(text).scan();
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The JSON grammar over a text, one token at a time, with the containers still open. */
class JsonScanner {
    private i = 0;
    /** Containers still open: 0 an array, 1 an object. */
    private readonly open: number[] = [];
    /** A value comes next; else a separator, the end of a container, or the end of the text. */
    private expectValue = true;
    private done = false;

    constructor(private readonly text: string) {}

    scan(): JsonSyntax | undefined {
        while (!this.done) {
            this.ws();
            const e = this.expectValue ? this.value() : this.afterValue();
            if (e) return e;
        }
        return undefined;
    }

    private fail(reason: string): JsonSyntax {
        const n = this.text.length;
        return { pos: Math.min(this.i, n), reason: this.i >= n ? "unexpected end of input" : reason };
    }

    private ws(): void {
        const text = this.text;
        for (let c = text.charCodeAt(this.i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++this.i));
    }

    /** A value, or the opening of an object or array. */
    private value(): JsonSyntax | undefined {
        const text = this.text;
        // Stryker disable next-line StringLiteral: at the end, fail() gives "unexpected end of input" whatever the reason
        if (this.i >= text.length) return this.fail("");
        const c = text.charCodeAt(this.i);
        if (c === 123 || c === 91) return this.openContainer(c === 123);
        let e: JsonSyntax | undefined;
        if (c === 34) e = this.str();
        else if (c === 45 || (c >= 48 && c <= 57)) {
            JSON_NUMBER.lastIndex = this.i;
            if (!JSON_NUMBER.exec(text)) return this.fail("bad number");
            this.i = JSON_NUMBER.lastIndex;
        } else {
            const lit = ["true", "false", "null"].find((l) => text.startsWith(l, this.i));
            if (!lit) return this.fail("unexpected character where a value should be");
            this.i += lit.length;
        }
        this.expectValue = false;
        return e;
    }

    private openContainer(object: boolean): JsonSyntax | undefined {
        this.i++;
        this.ws();
        if (this.text.charCodeAt(this.i) === (object ? 125 : 93)) {
            this.i++;
            this.expectValue = false;
            return undefined;
        }
        this.open.push(object ? 1 : 0);
        return object ? this.key() : undefined;
    }

    /** After a value: a comma, the end of its container, or the end of the text. */
    private afterValue(): JsonSyntax | undefined {
        const n = this.text.length;
        if (this.open.length === 0) {
            this.done = true;
            return this.i < n ? this.fail("unexpected character after the end of the JSON value") : undefined;
        }
        const top = this.open[this.open.length - 1];
        // Stryker disable next-line StringLiteral: at the end, fail() gives "unexpected end of input" whatever the reason
        if (this.i >= n) return this.fail("");
        const c = this.text.charCodeAt(this.i);
        if (c === 44) {
            this.i++;
            this.expectValue = true;
            return top === 1 ? this.key() : undefined;
        }
        if ((top === 1 && c === 125) || (top === 0 && c === 93)) {
            this.i++;
            this.open.pop();
            return undefined;
        }
        return this.fail(top === 1 ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element");
    }

    /** A property name and its colon. */
    private key(): JsonSyntax | undefined {
        this.ws();
        if (this.text.charCodeAt(this.i) !== 34) return this.fail("expected a double-quoted property name");
        const e = this.str();
        if (e) return e;
        this.ws();
        if (this.text.charCodeAt(this.i) !== 58) return this.fail("expected ':' after a property name");
        this.i++;
        return undefined;
    }

    /** A string, from its opening quote. */
    private str(): JsonSyntax | undefined {
        const text = this.text;
        this.i++;
        while (this.i < text.length) {
            const c = text.charCodeAt(this.i);
            if (c === 34) {
                this.i++;
                return undefined;
            }
            if (c < 32) return this.fail("control character inside a string");
            if (c === 92) {
                const e = text[this.i + 1];
                if (e === "u") {
                    if (!/^[0-9a-fA-F]{4}$/.test(text.slice(this.i + 2, this.i + 6))) return this.fail("bad \\u escape inside a string");
                    this.i += 6;
                } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 2;
                else return this.fail("bad escape inside a string");
            } else this.i++;
        }
        // Stryker disable next-line StringLiteral: the loop ends only at the end of the text, where fail() says "unexpected end of input"
        return this.fail("unterminated string");
    }
}

/** Statuses and result types Prometheus sends; anything else is not quoted back (it is the file's content). */
const KNOWN_STATUS = ["success", "error"];
const KNOWN_RESULT_TYPES = ["matrix", "vector", "scalar", "string"];

function parseQueryRange(text0: string, file: string, fast: boolean): Raw[] {
    // A byte-order mark is not JSON, but editors write it: skipped (positions count from after it).
    const text = text0.charCodeAt(0) === 0xfeff ? text0.slice(1) : text0;
    let doc: unknown = fast ? scanQueryRange(text, sampleValue) : undefined;
    if (doc === undefined)
        try {
            doc = JSON.parse(text);
        } catch {
            const e = jsonSyntaxError(text);
            // Stryker disable next-line OptionalChaining: jsonSyntaxError finds an error in every text JSON.parse refuses
            throw new IngestError(file, e ? lineCol(text, e.pos) : "JSON", `invalid JSON: ${e?.reason ?? "not parsable"}`);
        }
    return queryRangeRaws(doc, file);
}

/** The series of a parsed query_range answer (its `values` read as `SampleColumns` or as JSON arrays). */
function queryRangeRaws(doc: unknown, file: string): Raw[] {
    const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
    if (!isObj(doc)) throw new IngestError(file, "$", "expected a query_range response object");
    let data: unknown = doc;
    let base = "$";
    if ("status" in doc || "data" in doc) {
        if (doc.status !== "success")
            throw new IngestError(
                file,
                "$.status",
                typeof doc.status === "string" && KNOWN_STATUS.includes(doc.status)
                    ? `is ${JSON.stringify(doc.status)}, not "success": the file holds Prometheus' error answer, not data (export the query again)`
                    : `is not "success"`,
            );
        data = doc.data;
        base = "$.data";
    }
    if (!isObj(data)) throw new IngestError(file, base, "expected an object with resultType and result");
    if (data.resultType !== "matrix")
        throw new IngestError(
            file,
            `${base}.resultType`,
            typeof data.resultType === "string" && KNOWN_RESULT_TYPES.includes(data.resultType)
                ? `is ${JSON.stringify(data.resultType)}, expected "matrix" (export with /api/v1/query_range, not an instant query)`
                : `is not "matrix" (export with /api/v1/query_range)`,
        );
    if (!Array.isArray(data.result)) throw new IngestError(file, `${base}.result`, "expected an array of series");
    return data.result.map((s: unknown, i: number) => {
        const at = `${base}.result[${i}]`;
        if (!isObj(s)) throw new IngestError(file, at, "expected an object with metric and values");
        const metric = s.metric ?? {};
        if (!isObj(metric)) throw new IngestError(file, `${at}.metric`, "expected an object of labels");
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(metric)) labels[k] = String(v);
        if (s.values instanceof SampleColumns) {
            const tt = s.values.t;
            for (let j = 0; j < tt.length; j++) {
                const bad = timestampProblem(tt[j], true);
                if (bad) throw new IngestError(file, `${at}.values[${j}][0]`, bad);
            }
            return { name: seriesName(labels), labels, t: s.values.t, v: s.values.v, nonFinite: s.values.nonFinite };
        }
        if (!Array.isArray(s.values)) throw new IngestError(file, `${at}.values`, 'expected an array of [unix_seconds, "value"] pairs');
        const values = s.values as unknown[];
        const t = new Float64Array(values.length);
        const v = new Float64Array(values.length);
        let nonFinite = 0;
        for (let j = 0; j < values.length; j++) {
            const p = values[j];
            if (!Array.isArray(p) || p.length !== 2)
                throw new IngestError(file, `${at}.values[${j}]`, 'expected a [unix_seconds, "value"] pair');
            const ts: unknown = p[0];
            if (typeof ts !== "number" || !Number.isFinite(ts))
                throw new IngestError(file, `${at}.values[${j}][0]`, "the timestamp is not a number (unix seconds)");
            const bad = timestampProblem(ts, true);
            if (bad) throw new IngestError(file, `${at}.values[${j}][0]`, bad);
            const x = sampleValue(p[1]);
            if (x === undefined)
                throw new IngestError(file, `${at}.values[${j}][1]`, 'the value is not a number (a string such as "1.5", "NaN" or "+Inf")');
            if (!Number.isFinite(x)) nonFinite++;
            t[j] = ts;
            v[j] = x;
        }
        return { name: seriesName(labels), labels, t, v, nonFinite };
    });
}

// ---------------------------------------------------------------------------------------------
// CSV

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Unix seconds of a CSV timestamp: `YYYY-MM-DD[ HH:MM[:SS[.fff]]]` (no zone given → read as UTC),
 * ISO 8601 with `T`/`Z`/offset, or a number (unix seconds; milliseconds when > 1e11).
 * `undefined` when it is none of these.
 */
export function parseTimestamp(s: string): number | undefined {
    const fast = fastTimestamp(s);
    if (fast !== undefined) return fast;
    const m = DATE_RE.exec(s);
    if (m) {
        // Stryker disable next-line StringLiteral: Number("") is 0, as Number("0") is
        const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number);
        if (!validDate(y, mo, d) || !validTime(h, mi, sec)) return undefined;
        let t = Date.UTC(y, mo - 1, d, h, mi, sec) / 1000;
        if (m[7]) t += Number(`0.${m[7]}`);
        // Stryker disable next-line StringLiteral: "Z" (or "") has no digits after its first character: an offset of 0
        if (m[8] && m[8] !== "Z") {
            const sign = m[8][0] === "-" ? -1 : 1;
            const digits = m[8].slice(1).replace(":", "");
            t -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
        }
        return t;
    }
    if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s)) {
        const x = Number(s);
        return x > 1e11 ? x / 1000 : x;
    }
    return undefined;
}

/**
 * A calendar date that exists: `2024-02-30` or `2024-04-31` is an error, not the next month's
 * first days (Date.UTC would roll them over onto real rows, which would then read as duplicates).
 */
function validDate(y: number, mo: number, d: number): boolean {
    return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** 00:00:00-23:59:59, and 24:00:00 (ISO 8601's end of day); no leap second (unix time has none). */
function validTime(h: number, mi: number, sec: number): boolean {
    return (h < 24 && mi <= 59 && sec <= 59) || (h === 24 && mi === 0 && sec === 0);
}

let dayCacheKey = "";
let dayCacheValue = 0;

function d2(s: string, i: number): number {
    const a = s.charCodeAt(i) - 48;
    const b = s.charCodeAt(i + 1) - 48;
    return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DD HH:MM:SS` without a regex: the common case of large exports. Digits only (Number() alone reads `2e03` as a year). */
function fastTimestamp(s: string): number | undefined {
    if (s.length !== 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
        return undefined;
    const sep = s.charCodeAt(10);
    if (sep !== 32 && sep !== 84) return undefined;
    const h = d2(s, 11);
    const mi = d2(s, 14);
    const sec = d2(s, 17);
    if (h < 0 || mi < 0 || sec < 0 || !validTime(h, mi, sec)) return undefined;
    const day = s.slice(0, 10);
    if (day !== dayCacheKey) {
        const y = Number(day.slice(0, 4));
        const mo = d2(s, 5);
        const d = d2(s, 8);
        if (d2(s, 0) < 0 || d2(s, 2) < 0 || !validDate(y, mo, d)) return undefined;
        dayCacheKey = day;
        dayCacheValue = Date.UTC(y, mo - 1, d) / 1000;
    }
    return dayCacheValue + h * 3600 + mi * 60 + sec;
}

function csvValue(s: string): number | undefined {
    if (s === "") return NaN; // an empty cell is a gap
    return sampleValue(s);
}

function splitCsvLine(line: string): string[] {
    if (line.indexOf('"') < 0) {
        const cells = line.split(",");
        // Trimmed as the quoted path trims (tabs too): a tab after a comma must not change a column's name.
        for (let i = 0; i < cells.length; i++) cells[i] = cells[i].trim();
        return cells;
    }
    const out: string[] = [];
    let cur = "";
    let q = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (q) {
            if (c === '"' && line[i + 1] === '"') {
                cur += '"';
                i++;
            } else if (c === '"') q = false;
            else cur += c;
        } else if (c === '"') q = true;
        else if (c === ",") {
            out.push(cur.trim());
            cur = "";
        } else cur += c;
    }
    out.push(cur.trim());
    return out;
}

function parseCsv(text: string, file: string): Raw[] {
    let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const first = /\S/.exec(text.slice(pos, pos + 4096));
    if (first?.[0] === "<")
        throw new IngestError(
            file,
            lineCol(text, pos + first.index),
            "is an HTML or XML page, not a CSV or query_range JSON export (a login page or the Prometheus UI saved instead of the API's answer?)",
        );
    let lineNo = 0;
    let header: string[] | undefined;
    // Stryker disable next-line ArrayDeclaration: the header replaces it; a file without one is an error
    let raws: Raw[] = [];
    while (pos <= text.length) {
        let nl = text.indexOf("\n", pos);
        if (nl < 0) nl = text.length;
        let line = text.slice(pos, nl);
        pos = nl + 1;
        lineNo++;
        if (line.endsWith("\r")) line = line.slice(0, -1);
        if (line.trim() === "" || line.startsWith("#")) continue;
        const cells = splitCsvLine(line);
        if (!header) {
            if (parseTimestamp(cells[0]) !== undefined) {
                header = ["timestamp", ...cells.slice(1).map((_, i) => (cells.length === 2 ? "value" : `value${i + 1}`))];
            } else {
                header = cells;
                if (cells.length < 2)
                    throw new IngestError(
                        file,
                        `line ${lineNo}`,
                        "the header needs a timestamp column and at least one value column, comma-separated (it has one column)",
                    );
                raws = cells.slice(1).map((c) => ({ name: c, labels: {}, t: [], v: [], nonFinite: 0 }));
                continue;
            }
            raws = header.slice(1).map((c) => ({ name: c, labels: {}, t: [], v: [], nonFinite: 0 }));
        }
        if (cells.length !== header.length)
            throw new IngestError(file, `line ${lineNo}`, `has ${cells.length} columns, the header has ${header.length}`);
        const ts = parseTimestamp(cells[0]);
        if (ts === undefined)
            throw new IngestError(
                file,
                `line ${lineNo}, column 1`,
                "the timestamp is not a date (YYYY-MM-DD[ HH:MM[:SS]], ISO 8601) or unix seconds or milliseconds",
            );
        const bad = timestampProblem(ts, false);
        if (bad) throw new IngestError(file, `line ${lineNo}, column 1`, bad);
        for (let c = 1; c < cells.length; c++) {
            const x = csvValue(cells[c]);
            if (x === undefined) throw new IngestError(file, `line ${lineNo}, column ${c + 1}`, "the value is not a number");
            const r = raws[c - 1];
            if (!Number.isFinite(x)) r.nonFinite++;
            (r.t as number[]).push(ts);
            (r.v as number[]).push(x);
        }
    }
    if (!header) throw new IngestError(file, "line 1", "the file is empty: no header and no data");
    return raws;
}

// ---------------------------------------------------------------------------------------------
// Repair

/** Median spacing of strictly increasing timestamps; 0 for fewer than two points. */
export function detectStep(t: ArrayLike<number>): number {
    if (t.length < 2) return 0;
    const n = Math.min(t.length - 1, 20001);
    // Evenly spread sample of spacings: exact for files up to 20k points, cheap beyond.
    const stride = (t.length - 1) / n;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        const j = Math.floor(i * stride);
        d[i] = t[j + 1] - t[j];
    }
    // Regular exports: when one spacing is more than half of them, it is the median (no sort).
    let same = 0;
    for (let i = 0; i < n; i++) if (d[i] === d[0]) same++;
    if (same * 2 > n) return Math.round(d[0] * 1000) / 1000;
    d.sort();
    const med = d[Math.floor((n - 1) / 2)];
    return Math.round(med * 1000) / 1000;
}

/** A unix time as ISO 8601 (UTC, seconds), `none` when not a valid date. */
export function isoTime(t: number): string {
    const ms = t * 1000;
    return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString().replace(".000Z", "Z") : "none";
}

function normalize(r: Raw, file: string, counter: boolean): Series {
    const notes: string[] = [];
    const { sorted, strictly } = ordering(r.t);
    // A clean export (typed columns, strictly increasing, all finite, not a counter) is used as read.
    if (strictly && !counter && r.nonFinite === 0 && r.t instanceof Float64Array && r.v instanceof Float64Array)
        return { name: r.name, labels: r.labels, t: r.t, v: r.v, step: checkedStep(r.t, notes), source: file, notes, warnings: [] };
    if (!sorted) notes.push("points out of order: sorted by time");
    const d = dedupe(r, sorted);
    if (d.dups) notes.push(`${d.dups} duplicate timestamp(s): kept the last value`);
    const warnings: string[] = [];
    if (d.conflicts)
        warnings.push(
            `${d.conflicts} timestamp(s) have several different values (the first at ${isoTime(d.firstConflict)}): kept the last value of each; two exports concatenated, or series that should have been summed?`,
        );
    // Drop NaN/±Inf after de-duplication, so a duplicate NaN does not hide a good value.
    const { t, v } = d;
    let m = 0;
    for (let i = 0; i < d.n; i++)
        if (Number.isFinite(v[i])) {
            t[m] = t[i];
            v[m] = v[i];
            m++;
        }
    if (r.nonFinite) notes.push(`${r.nonFinite} NaN/Inf value(s) treated as gaps`);
    const out = counter ? counterRates(t.subarray(0, m), v.subarray(0, m), notes) : { t: t.subarray(0, m), v: v.subarray(0, m) };
    // Stryker disable next-line MethodExpression: a subarray holds the same values as its copy
    const T = out.t.slice();
    // Stryker disable next-line MethodExpression: a subarray holds the same values as its copy
    return { name: r.name, labels: r.labels, t: T, v: out.v.slice(), step: checkedStep(T, notes), source: file, notes, warnings };
}

/** Whether timestamps are in order (no point before the previous one), and strictly so (no repeat). */
function ordering(t: ArrayLike<number>): { readonly sorted: boolean; readonly strictly: boolean } {
    // Stryker disable next-line BooleanLiteral: strictly only lets a clean export skip the repairs, which change nothing in it
    let strictly = true;
    for (let i = 1; i < t.length; i++)
        if (t[i] <= t[i - 1]) {
            strictly = false;
            if (t[i] < t[i - 1]) return { sorted: false, strictly };
        }
    return { sorted: true, strictly };
}

/**
 * The points in time order with one value per timestamp: the last one written, as Prometheus's
 * remote write keeps it, unless it is a gap (NaN/Inf) after a finite value, which is kept. Counts the repeats, and the timestamps with two different finite values
 * (not a resend of the same sample).
 */
function dedupe(r: Raw, sorted: boolean) {
    const n0 = r.t.length;
    const order = sorted ? undefined : Uint32Array.from(Array.from({ length: n0 }, (_, k) => k).sort((a, b) => r.t[a] - r.t[b] || a - b));
    const t = new Float64Array(n0);
    const v = new Float64Array(n0);
    let n = 0;
    let dups = 0;
    let conflicts = 0;
    let firstConflict = NaN;
    let lastConflictAt = NaN;
    for (let i = 0; i < n0; i++) {
        const k = order ? order[i] : i;
        const ts = r.t[k];
        if (n > 0 && t[n - 1] === ts) {
            const was = v[n - 1];
            const now = r.v[k];
            if (Number.isFinite(was) && Number.isFinite(now) && was !== now && lastConflictAt !== ts) {
                conflicts++;
                lastConflictAt = ts;
                if (!(firstConflict <= ts)) firstConflict = ts;
            }
            // A gap (NaN/Inf) written after a value at the same time does not erase it.
            if (Number.isFinite(now) || !Number.isFinite(was)) v[n - 1] = now;
            dups++;
            continue;
        }
        t[n] = ts;
        v[n] = r.v[k];
        n++;
    }
    return { t, v, n, dups, conflicts, firstConflict };
}

/** A monotonic counter's per-second rate between consecutive points; a drop is a reset (the counter restarted from 0). */
function counterRates(t: Float64Array, v: Float64Array, notes: string[]): { readonly t: Float64Array; readonly v: Float64Array } {
    const m = t.length;
    const rt = new Float64Array(Math.max(0, m - 1));
    const rv = new Float64Array(Math.max(0, m - 1));
    let resets = 0;
    for (let i = 1; i < m; i++) {
        let inc = v[i] - v[i - 1];
        if (inc < 0) {
            inc = v[i];
            resets++;
        }
        rt[i - 1] = t[i];
        rv[i - 1] = inc / (t[i] - t[i - 1]);
    }
    if (resets) notes.push(`${resets} counter reset(s)`);
    return { t: rt, v: rv };
}

/** The step of strictly increasing timestamps; notes spacings that differ from it (mixed steps). */
function checkedStep(T: Float64Array, notes: string[]): number {
    const step = detectStep(T);
    if (T.length >= 3) {
        let off = 0;
        for (let i = 1; i < T.length; i++) {
            const d = T[i] - T[i - 1];
            if (Math.abs(d - step) > step * 0.01 && d < step * 1.99) off++;
        }
        if (off > 0) notes.push(`${off} spacing(s) differ from the step of ${step}s (mixed steps)`);
    }
    return step;
}

// ---------------------------------------------------------------------------------------------
// Resampling

export interface GridOptions {
    /** Align buckets to multiples of this many seconds from the epoch (default: the step, so hours start at :00). */
    readonly align?: number;
    /** First and last bucket start to cover (default: the series' span). */
    readonly from?: number;
    readonly to?: number;
}

/**
 * Resamples onto a regular grid. `sum` adds counts and scales a partly covered bucket up to the
 * full bucket (NaN under half coverage); `mean` averages utilizations and rates; `max` keeps the
 * highest point (use it for a p95, never `mean`); `last` takes the latest point. Empty buckets are NaN.
 */
export function toGrid(s: Pick<Series, "t" | "v" | "step">, step: number, agg: Aggregation, opts: GridOptions = {}): Grid {
    const align = opts.align ?? step;
    const n0 = s.t.length;
    const from = opts.from ?? (n0 ? Math.floor(s.t[0] / align) * align : 0);
    const to = opts.to ?? (n0 ? Math.floor(s.t[n0 - 1] / align) * align : from - step);
    const n = Math.max(0, Math.floor((to - from) / step) + 1);
    const acc = new Float64Array(n);
    const cnt = new Uint32Array(n);
    const out = new Float64Array(n).fill(NaN);
    for (let i = 0; i < n0; i++) {
        const b = Math.floor((s.t[i] - from) / step);
        if (b < 0 || b >= n) continue;
        const x = s.v[i];
        if (agg === "max") acc[b] = cnt[b] === 0 ? x : Math.max(acc[b], x);
        else if (agg === "last") acc[b] = x;
        else acc[b] += x;
        cnt[b]++;
    }
    const expected = s.step > 0 ? Math.max(1, step / s.step) : 1;
    for (let b = 0; b < n; b++) {
        if (cnt[b] === 0) continue;
        if (agg === "mean") out[b] = acc[b] / cnt[b];
        else if (agg === "sum") out[b] = cnt[b] >= expected / 2 ? (acc[b] * Math.max(expected, cnt[b])) / cnt[b] : NaN;
        else out[b] = acc[b];
    }
    return { start: from, step, values: out };
}

/**
 * A mapped `series` as a selector: `name`, `name{a="x", b="y"}` or `{a="x"}` (label order and
 * spacing free). Undefined when it is not one (a CSV column name with braces, say).
 */
function parseSelector(want: string): { name?: string; labels: Record<string, string> } | undefined {
    const m = /^\s*([A-Za-z_:][\w:]*)?\s*(?:\{(.*)\})?\s*$/.exec(want);
    if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
    const labels: Record<string, string> = {};
    const body = (m[2] ?? "").trim();
    if (body) {
        const re = /\s*([A-Za-z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
        let at = 0;
        while (at < body.length) {
            re.lastIndex = at;
            const l = re.exec(body);
            if (!l) return undefined;
            labels[l[1]] = l[2].replace(/\\(.)/g, "$1");
            at = re.lastIndex;
        }
    }
    return { name: m[1], labels };
}

/** Spacings of at least this long (and 3 steps) are listed as gaps, with a warning: 6 hours. */
export const GAP_WARN_SECONDS = 6 * 3600;
/** A value above this many times the series' 99th percentile, with both neighbours under a tenth of it, is an isolated outlier. */
export const OUTLIER_FACTOR = 10;

const fmt = (x: number) =>
    Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Math.round(x * 1000) / 1000);
const span = (s: number) => (s >= 86400 ? `${(s / 86400).toFixed(1)} d` : `${(s / 3600).toFixed(1)} h`);

/**
 * What looks wrong in a series (its finite points): gaps of at least `GAP_WARN_SECONDS` (and 3
 * steps), listed, and isolated outliers (above `OUTLIER_FACTOR` × the 99th percentile, both
 * neighbours under a tenth of them). Outliers are kept: a real burst is never dropped; the
 * warning says where to look.
 */
export function inspectSeries(s: Pick<Series, "t" | "v" | "step">): string[] {
    const out: string[] = [];
    // One pass over the finite points: their values (for the percentile) and the gaps between them.
    const n = s.v.length;
    const vals = new Float64Array(n);
    let m = 0;
    let last = -1;
    const gapMin = Math.max(GAP_WARN_SECONDS, 3 * s.step);
    const gaps: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
        const x = s.v[i];
        if (!Number.isFinite(x)) continue;
        if (last >= 0 && s.t[i] - s.t[last] >= gapMin) gaps.push([s.t[last], s.t[i]]);
        vals[m++] = x;
        last = i;
    }
    if (gaps.length)
        out.push(
            `${gaps.length} gap(s) of ${span(gapMin)} or more without data: ${gaps
                .slice(0, 3)
                .map(([a, b]) => `${isoTime(a)} .. ${isoTime(b)} (${span(b - a)})`)
                .join(", ")}${gaps.length > 3 ? `, and ${gaps.length - 3} more` : ""}; nothing is forecast or replayed from them`,
        );
    if (m >= 3) {
        // Selected, not sorted: only p99 is needed (vals is this function's own copy).
        const p99 = selectKth(vals.subarray(0, m), Math.floor((m - 1) * 0.99));
        if (p99 > 0) {
            const found: number[] = [];
            // Neighbours are the previous and next finite points.
            let prev = -Infinity;
            for (let i = 0; i < n; i++) {
                const x = s.v[i];
                if (!Number.isFinite(x)) continue;
                if (x > OUTLIER_FACTOR * p99 && prev < x / OUTLIER_FACTOR) {
                    let j = i + 1;
                    while (j < n && !Number.isFinite(s.v[j])) j++;
                    const next = j < n ? s.v[j] : -Infinity;
                    if (next < x / OUTLIER_FACTOR) found.push(i);
                }
                prev = x;
            }
            if (found.length) {
                const top = found.reduce((a, b) => (s.v[b] > s.v[a] ? b : a));
                out.push(
                    `${found.length} isolated value(s) above ${OUTLIER_FACTOR} × the 99th percentile (${fmt(p99)}), the highest ${fmt(s.v[top])} at ${isoTime(s.t[top])}: kept (a real burst is never dropped), but one bad sample can raise maxReplicas or a count to its guardrail: check the export`,
                );
            }
        }
    }
    return out;
}

/**
 * The series a mapping names in an export, or the file's only series when it names none.
 * `series` is the series' name as ingest gives it (a CSV column, or query_range's metric with its
 * labels), or a selector: a `__name__` and/or labels, in any order (`rate{pod="b", job="api"}`),
 * which must match exactly one series. Anything else is a reason naming the file, the key and
 * the candidates, never a guess: several series under one `__name__` (one per pod, say) would
 * otherwise size from the first of them. Negative values and values above `MAX_VALUE` become
 * gaps (with a note, a warning for the latter); a series needs two usable points. The series'
 * `warnings` get `inspectSeries`' findings.
 */
export function pickSeries(all: readonly Series[], file: string, label: string, want?: string): Series | string {
    const names = () => all.map((x) => JSON.stringify(x.name)).join(", ") || "none";
    if (all.length === 0)
        return `export ${file} for ${label} has no series: an empty query_range result (the query matched nothing when it was exported)`;
    let s: Series | undefined;
    if (want === undefined || want === "") {
        if (all.length > 1)
            return `export ${file} has ${all.length} series (${names()}); set the mapping's series for ${label} to one of them`;
        s = all[0];
    } else {
        const exact = all.filter((x) => x.name === want);
        const sel = exact.length > 0 ? undefined : parseSelector(want);
        const matches =
            exact.length > 0 || !sel
                ? exact
                : all.filter(
                      (x) =>
                          (sel.name === undefined || x.labels.__name__ === sel.name || x.name === sel.name) &&
                          Object.entries(sel.labels).every(([k, v]) => x.labels[k] === v),
                  );
        if (matches.length > 1)
            return `export ${file} has ${matches.length} series matching ${JSON.stringify(want)} for ${label} (${matches.map((x) => JSON.stringify(x.name)).join(", ")}); name one with its labels, or aggregate them in the query`;
        s = matches[0];
    }
    if (!s) return `export ${file} has no series ${JSON.stringify(want)} for ${label} (has ${names()})`;
    if (s.t.length === 0) return `export ${file} has no data points for ${label}`;
    if (s.t.length < 2 || !(s.step > 0))
        return `export ${file} has ${s.t.length} data point for ${label}: at least 2 are needed to find its step`;
    // Every mapped series is a load (requests, bytes, items, connections): a negative value is a
    // broken export or query (a deriv() for a rate()), not load, so it is a gap, and said so.
    // So is a value no workload carries (1e308: an overflow), which would also overflow sums.
    let negative = 0;
    let huge = 0;
    let firstHuge = NaN;
    let usable = 0;
    for (let i = 0; i < s.v.length; i++) {
        const x = s.v[i];
        if (x < 0) negative++;
        else if (x > MAX_VALUE) {
            if (huge++ === 0) firstHuge = i;
        } else if (Number.isFinite(x)) usable++;
    }
    if (usable < 2)
        return `export ${file} has ${usable} usable data point(s) for ${label} (${negative} negative, ${huge} above ${fmt(MAX_VALUE)}, ${s.v.length - usable - negative - huge} NaN/Inf): at least 2 are needed`;
    const notes = [...s.notes];
    const warnings = [...(s.warnings ?? [])];
    let v = s.v;
    if (negative || huge) v = Float64Array.from(s.v, (x) => (x < 0 || x > MAX_VALUE ? NaN : x));
    if (negative) notes.push(`${negative} negative value(s) treated as gaps (a load is never negative)`);
    if (huge)
        warnings.push(
            `${huge} value(s) above ${fmt(MAX_VALUE)} treated as gaps (the first, ${fmt(s.v[firstHuge])}, at ${isoTime(s.t[firstHuge])}): no load is that large (an overflowed counter or a unit mistake?)`,
        );
    warnings.push(...inspectSeries({ t: s.t, v, step: s.step }));
    return { ...s, v, notes, warnings };
}
