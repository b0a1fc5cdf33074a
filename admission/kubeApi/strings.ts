/**
 * The string and number formats of k8s.io/apimachinery/pkg/util/validation (validation.go, ip.go
 * at v0.34.0), with their exact error texts, plus resource.Quantity parsing and net.ParseCIDR.
 * Each function returns the error messages, empty when the value is valid. Pure.
 */
import { isIPv6 } from "node:net";

const regexError = (msg: string, fmt: string, ...examples: string[]): string =>
    examples.length
        ? `${msg} (e.g. ${examples.map((e) => `'${e}'`).join(" or ")}, regex used for validation is '${fmt}')`
        : `${msg} (regex used for validation is '${fmt}')`;
export const maxLenError = (n: number): string => `must be no more than ${n} characters`;
export const rangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

const LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;
const DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;
const full = (fmt: string): RegExp => new RegExp(`^${fmt}$`);

/** validation.go:188 IsDNS1123Label. */
export function dns1123Label(v: string): string[] {
    const errs = v.length > 63 ? [maxLenError(63)] : [];
    if (!full(LABEL_FMT).test(v))
        errs.push(
            full(SUBDOMAIN_FMT).test(v)
                ? "must not contain dots"
                : regexError(
                      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                      LABEL_FMT,
                      "my-name",
                      "123-abc",
                  ),
        );
    return errs;
}

/** validation.go:219 IsDNS1123Subdomain. */
export function dns1123Subdomain(v: string): string[] {
    const errs = v.length > 253 ? [maxLenError(253)] : [];
    if (!full(SUBDOMAIN_FMT).test(v))
        errs.push(
            regexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                SUBDOMAIN_FMT,
                "example.com",
            ),
        );
    return errs;
}

/** validation.go:253 IsDNS1035Label (Service names). */
export function dns1035Label(v: string): string[] {
    const errs = v.length > 63 ? [maxLenError(63)] : [];
    if (!full(DNS1035_FMT).test(v))
        errs.push(
            regexError(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
                DNS1035_FMT,
                "my-name",
                "abc-123",
            ),
        );
    return errs;
}

const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** validation.go:41 IsQualifiedName (label keys, annotation keys lower-cased). */
export function qualifiedName(v: string): string[] {
    const parts = v.split("/");
    const errs: string[] = [];
    if (parts.length > 2)
        return [
            `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        ];
    const name = parts[parts.length - 1];
    if (parts.length === 2) {
        if (parts[0] === "") errs.push("prefix part must be non-empty");
        else errs.push(...dns1123Subdomain(parts[0]).map((m) => `prefix part ${m}`));
    }
    if (name === "") errs.push("name part must be non-empty");
    else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
    if (!full(QNAME_FMT).test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, "MyName", "my.name", "123-abc")}`);
    return errs;
}

/** validation.go:165 IsValidLabelValue. */
export function labelValue(v: string): string[] {
    const errs = v.length > 63 ? [maxLenError(63)] : [];
    if (!full(LABEL_VALUE_FMT).test(v))
        errs.push(
            regexError(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                LABEL_VALUE_FMT,
                "MyValue",
                "my_value",
                "12345",
            ),
        );
    return errs;
}

/** validation.go:301 IsValidPortNum. */
export const portNum = (n: number): string[] => (Number.isInteger(n) && n >= 1 && n <= 65535 ? [] : [rangeError(1, 65535)]);

/** validation.go:351 IsValidPortName (IANA_SVC_NAME). */
export function portName(v: string): string[] {
    const errs = v.length > 15 ? [maxLenError(15)] : [];
    if (!/^[-a-z0-9]+$/.test(v)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    if (!/[a-z]/.test(v)) errs.push("must contain at least one letter (a-z)");
    if (v.includes("--")) errs.push("must not contain consecutive hyphens");
    if (v.startsWith("-") || v.endsWith("-")) errs.push("must not begin or end with a hyphen");
    return errs;
}

/** validation.go:377 IsValidPercent. */
export const percent = (v: string): string[] =>
    /^[0-9]+%$/.test(v)
        ? []
        : [regexError("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%")];

/** validation.go:418 IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is GA and locked on at 1.34). */
export function relaxedEnvVarName(v: string): string[] {
    const errs = v === "" ? ["environment variable name must be non-empty"] : [];
    if ([...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e || c === "="))
        errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
    return errs;
}

/** validation.go:441 IsConfigMapKey (ConfigMap and Secret keys). */
export function configMapKey(v: string): string[] {
    const errs = v.length > 253 ? [maxLenError(253)] : [];
    if (!/^[-._a-zA-Z0-9]+$/.test(v))
        errs.push(
            regexError(
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                "[-._a-zA-Z0-9]+",
                "key.name",
                "KEY_NAME",
                "key-name",
            ),
        );
    if (v === ".") errs.push("must not be '.'");
    else if (v === "..") errs.push("must not be '..'");
    else if (v.startsWith("..")) errs.push("must not start with '..'");
    return errs;
}

/** apimachinery pkg/api/validation/path/name.go:31 IsValidPathSegmentName. */
export function pathSegment(v: string): string[] {
    if (v === "." || v === "..") return [`may not be '${v}'`];
    return ["/", "%"].filter((c) => v.includes(c)).map((c) => `may not contain '${c}'`);
}

// ---- quantities -----------------------------------------------------------------------------

/** A resource.Quantity as an exact fraction num/den (den > 0). */
export interface Quantity {
    readonly num: bigint;
    readonly den: bigint;
}
const DEC: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
/** apimachinery parses the exponent with strconv.ParseInt(e, 10, 32): beyond int32 it is not a quantity. */
const INT32_MAX = 2 ** 31 - 1;
/**
 * Exponents beyond this saturate (1e5000 counts as 1e4096): upstream keeps a scale beside the
 * digits (inf.Dec), an exact fraction would need 10^exponent digits, and no cluster value is
 * anywhere near. Bounds the work a hostile `1e999999999` costs to microseconds.
 */
const MAX_EXPONENT = 4096;

/** Parses `500m`, `1.5Gi`, `2`, `1e3`, `-1`; undefined when it is not a quantity. */
export function quantity(q: unknown): Quantity | undefined {
    const s = typeof q === "number" ? String(q) : typeof q === "string" ? q : "";
    const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+|[numkMGTPE])?$/.exec(s);
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
    const frac = m[3] ?? "";
    let num = BigInt(`${m[2]}${frac}` || "0") * (m[1] === "-" ? -1n : 1n);
    let den = 10n ** BigInt(frac.length);
    const suffix = m[4] ?? "";
    const written = suffix in BIN ? 0 : /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : DEC[suffix];
    if (written > INT32_MAX || written < -INT32_MAX - 1) return undefined;
    const exp = Math.max(-MAX_EXPONENT, Math.min(MAX_EXPONENT, written));
    if (suffix in BIN) num *= 1024n ** BigInt(BIN[suffix]);
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
    return { num, den };
}
/** Sign of a - b. */
export const compare = (a: Quantity, b: Quantity): number => Math.sign(Number(a.num * b.den - b.num * a.den));
export const sign = (a: Quantity): number => Math.sign(Number(a.num));

// ---- CIDRs (net.ParseCIDR as netutils.ParseCIDRSloppy, which also takes leading zeros) -------

/** A parsed CIDR: address bits, prefix length and width (32 or 128). */
export interface Cidr {
    readonly addr: bigint;
    readonly prefix: number;
    readonly bits: 32 | 128;
}

function ipv4(s: string): bigint | undefined {
    const parts = s.split(".");
    if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) return undefined;
    return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function ipv6(s: string): bigint | undefined {
    if (!isIPv6(s)) return undefined;
    let text = s;
    const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (dotted) {
        const v4 = ipv4(dotted[1]);
        if (v4 === undefined) return undefined;
        text = `${text.slice(0, -dotted[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
    return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** net.ParseCIDR: `a.b.c.d/n` or an IPv6 address with `/n`; undefined when invalid. */
export function parseCidr(s: string): Cidr | undefined {
    const m = /^([^/]+)\/([0-9]+)$/.exec(s);
    if (!m) return undefined;
    const v4 = ipv4(m[1]);
    const addr = v4 ?? ipv6(m[1]);
    const bits = v4 !== undefined ? 32 : 128;
    const prefix = Number(m[2]);
    if (addr === undefined || prefix > bits) return undefined;
    return { addr, prefix, bits };
}

/** The network address of a CIDR (host bits cleared). */
export function network(c: Cidr): bigint {
    const host = (1n << BigInt(c.bits - c.prefix)) - 1n;
    return c.addr & ~host;
}
