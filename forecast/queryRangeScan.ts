/**
 * A fast reader for Prometheus `query_range` exports. `JSON.parse` builds one array and two
 * strings per sample (a month at 1 minute is 43,200 of each per series); this reader walks the
 * text once and writes every `[unix_seconds, "value"]` pair straight into typed arrays, so that
 * reading an export costs a fraction of parsing it. It reads the file's bytes (UTF-8) as they come
 * from the disk: decoding a month of samples to a string first costs about as much as the scan
 * itself (a fresh megabyte-sized string per export). It accepts strict JSON only and gives up
 * (returns `undefined`) on anything it does not handle exactly: escapes inside sample values,
 * `__proto__` keys, a pair that is not `[number, string]`, invalid JSON. The caller then takes the
 * `JSON.parse` path, which reports malformed input with its position and reason, so both paths
 * read a valid file to the same numbers (tested side by side).
 */

/** The `values` of one series, read as columns. */
export class SampleColumns {
    constructor(
        readonly t: Float64Array,
        readonly v: Float64Array,
        /** Samples whose value is NaN or ±Inf. */
        readonly nonFinite: number,
    ) {}
}

const GIVE_UP = new Error("not the fast path");

// 10^k for k ≤ 22 is exact in a double; m / 10^k with an exact integer m < 2^53 is then the
// correctly rounded value of the decimal, the same double Number() returns.
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses `text` (a query_range answer: a string, or its bytes in UTF-8 from `from`) with sample
 * arrays as `SampleColumns`, or returns `undefined` when the strict fast path does not apply.
 * Bytes must be valid UTF-8 (`isUtf8`): they then read to what `JSON.parse` reads of their
 * decoded text. A string that is not well-formed UTF-16 (a lone surrogate) is left to JSON.parse.
 */
export function scanQueryRange(text: string | Uint8Array, special: (s: string) => number | undefined, from = 0): unknown {
    if (typeof text === "string" && /\p{Cs}/u.test(text)) return undefined;
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    try {
        return new Scanner(bytes, special, from).document();
    } catch {
        return undefined; // GIVE_UP, a bad escape, or nesting too deep: the JSON.parse path decides
    }
}

/** Whether `b` holds `word` (ASCII) at `at`. */
function bytesAt(b: Uint8Array, at: number, word: string): boolean {
    for (let k = 0; k < word.length; k++) if (b[at + k] !== word.charCodeAt(k)) return false;
    return true;
}

/** Strict JSON, one value at a time; any `values` array is read as sample columns. Throws GIVE_UP off the fast path. */
class Scanner {
    constructor(
        private readonly text: Buffer,
        private readonly special: (s: string) => number | undefined,
        private i: number,
    ) {}

    document(): unknown {
        this.ws();
        if (bytesAt(this.text, this.i, "\xef\xbb\xbf")) return undefined; // JSON.parse rejects a BOM: its error, not ours
        const doc = this.value(undefined);
        this.ws();
        return this.i === this.text.length ? doc : undefined;
    }

    private ws(): void {
        // Bounds-checked, unlike skipWs: reading past the end would deoptimize scanPairs, which inlines skipWs.
        const { text } = this;
        let i = this.i;
        while (i < text.length) {
            const c = text[i];
            if (c === 32 || c === 10 || c === 13 || c === 9) i++;
            else break;
        }
        this.i = i;
    }

    private expect(c: number): void {
        if (this.text[this.i] !== c) throw GIVE_UP;
        this.i++;
    }

    /** A JSON string starting at the opening quote; escapes go through JSON.parse of the literal. */
    private str(): string {
        const { text } = this;
        const start = this.i;
        let i = start + 1;
        let escaped = false;
        while (i < text.length) {
            const c = text[i];
            if (c === 34) {
                this.i = i + 1;
                const lit = text.toString("utf8", start, i + 1);
                return escaped ? (JSON.parse(lit) as string) : lit.slice(1, -1);
            }
            if (c < 32) throw GIVE_UP;
            if (c === 92) {
                escaped = true;
                i += 2;
            } else i++;
        }
        throw GIVE_UP;
    }

    private num(): number {
        const x = readNumber(this.text, this.i);
        if (END[0] < 0) throw GIVE_UP;
        this.i = END[0];
        return x;
    }

    /** The value at the cursor; `key` is the property it is the value of. */
    private value(key: string | undefined): unknown {
        this.ws();
        const { text } = this;
        const c = text[this.i];
        if (c === 123) return this.obj();
        if (c === 91) {
            if (key !== "values") return this.arr();
            const r = scanPairs(text, this.i, this.special);
            this.i = r.end;
            return r.columns;
        }
        if (c === 34) return this.str();
        if (c === 116 && bytesAt(text, this.i, "true")) return ((this.i += 4), true);
        if (c === 102 && bytesAt(text, this.i, "false")) return ((this.i += 5), false);
        if (c === 110 && bytesAt(text, this.i, "null")) return ((this.i += 4), null);
        return this.num();
    }

    private arr(): unknown[] {
        this.expect(91);
        const out: unknown[] = [];
        this.ws();
        if (this.text[this.i] === 93) {
            this.i++;
            return out;
        }
        for (;;) {
            out.push(this.value(undefined));
            if (this.close(93)) return out;
        }
    }

    private obj(): Record<string, unknown> {
        this.expect(123);
        const out: Record<string, unknown> = {};
        this.ws();
        if (this.text[this.i] === 125) {
            this.i++;
            return out;
        }
        for (;;) {
            this.ws();
            if (this.text[this.i] !== 34) throw GIVE_UP;
            const k = this.str();
            if (k === "__proto__") throw GIVE_UP;
            this.ws();
            this.expect(58);
            out[k] = this.value(k);
            if (this.close(125)) return out;
        }
    }

    /** After a member: true at the container's end (`end`), false after a comma. */
    private close(end: number): boolean {
        this.ws();
        const c = this.text[this.i++];
        if (c === 44) return false;
        if (c === end) return true;
        throw GIVE_UP;
    }
}

function isDigit(c: number): boolean {
    return c >= 48 && c <= 57;
}

function skipWs(text: Buffer, j: number): number {
    for (let c = text[j]; c === 32 || c === 10 || c === 13 || c === 9; c = text[++j]);
    return j;
}

/** End index of a JSON number at `from` (grammar checked), or -1. */
function numberEnd(text: Buffer, from: number): number {
    let j = from;
    if (text[j] === 45) j++;
    const d0 = text[j];
    if (d0 === 48) j++;
    else if (d0 >= 49 && d0 <= 57) {
        j++;
        while (isDigit(text[j])) j++;
    } else return -1;
    if (text[j] === 46) {
        j++;
        if (!isDigit(text[j])) return -1;
        while (isDigit(text[j])) j++;
    }
    const e = text[j];
    if (e === 101 || e === 69) {
        j++;
        const sgn = text[j];
        if (sgn === 43 || sgn === 45) j++;
        if (!isDigit(text[j])) return -1;
        while (isDigit(text[j])) j++;
    }
    return j;
}

/** Where the last `readNumber` stopped (-1: not a JSON number there). A typed cell, not a closure variable. */
const END = new Int32Array(1);

/** A JSON number at `from` in one pass: its double (the same as Number()), its end in END[0]. */
function readNumber(text: Buffer, from: number): number {
    let j = from;
    const neg = text[j] === 45;
    if (neg) j++;
    let m = 0;
    let digits = 0;
    let c = text[j];
    if (c === 48) c = text[++j];
    else if (c >= 49 && c <= 57) {
        do {
            m = m * 10 + (c - 48);
            digits++;
            c = text[++j];
        } while (c >= 48 && c <= 57);
    } else {
        END[0] = -1;
        return NaN;
    }
    let frac = 0;
    if (c === 46) {
        c = text[++j];
        if (!(c >= 48 && c <= 57)) {
            END[0] = -1;
            return NaN;
        }
        do {
            m = m * 10 + (c - 48);
            if (m !== 0) digits++;
            frac++;
            c = text[++j];
        } while (c >= 48 && c <= 57);
    }
    if (c === 101 || c === 69) {
        const e = numberEnd(text, from);
        END[0] = e;
        return e < 0 ? NaN : Number(text.toString("latin1", from, e));
    }
    END[0] = j;
    if (digits > 15 || frac > 22) return Number(text.toString("latin1", from, j));
    const x = frac > 0 ? m / POW10[frac] : m;
    return neg ? -x : x;
}

/** `[[t, "v"], ...]` from `from` (at its `[`) straight into columns; throws GIVE_UP otherwise. */
function scanPairs(text: Buffer, from: number, special: (s: string) => number | undefined): { columns: SampleColumns; end: number } {
    const n = text.length;
    let j = skipWs(text, from + 1);
    if (text[j] === 93) return { columns: new SampleColumns(new Float64Array(0), new Float64Array(0), 0), end: j + 1 };
    let cap = 1024;
    let t = new Float64Array(cap);
    let v = new Float64Array(cap);
    let len = 0;
    let nonFinite = 0;
    for (;;) {
        if (text[j] !== 91) throw GIVE_UP;
        j = skipWs(text, j + 1);
        const ts = readNumber(text, j);
        if (END[0] < 0 || !Number.isFinite(ts)) throw GIVE_UP; // 1e999: the JSON.parse path names it
        j = skipWs(text, END[0]);
        if (text[j] !== 44) throw GIVE_UP;
        j = skipWs(text, j + 1);
        if (text[j] !== 34) throw GIVE_UP;
        const a = j + 1;
        let b = a;
        for (let c = text[b]; c !== 34; c = text[++b]) if (c === 92 || c < 32 || b >= n) throw GIVE_UP;
        let x = a < b ? readNumber(text, a) : NaN;
        if (END[0] !== b || a === b) {
            const sv = special(text.toString("utf8", a, b));
            if (sv === undefined) throw GIVE_UP;
            x = sv;
        }
        j = skipWs(text, b + 1);
        if (text[j] !== 93) throw GIVE_UP;
        if (len === cap) {
            cap *= 2;
            const t2 = new Float64Array(cap);
            t2.set(t);
            t = t2;
            const v2 = new Float64Array(cap);
            v2.set(v);
            v = v2;
        }
        t[len] = ts;
        v[len] = x;
        if (x - x !== 0) nonFinite++; // NaN or ±Inf
        len++;
        j = skipWs(text, j + 1);
        const d = text[j];
        j = skipWs(text, j + 1);
        if (d === 44) continue;
        if (d === 93) return { columns: new SampleColumns(t.slice(0, len), v.slice(0, len), nonFinite), end: j };
        throw GIVE_UP;
    }
}
