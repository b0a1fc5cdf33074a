/**
 * One place per string grammar: Kubernetes names, label keys and values, hostnames, quantities,
 * image references, cron schedules, durations, URLs, paths and PostgreSQL identifiers. The stack
 * config, the forecast, the manifest builders and the policy pack all read them from here (part of
 * the pack's contract with the program: no imports, pure, no Pulumi).
 *
 * Each `…Error(value)` returns undefined when the value is in the grammar, else the rule it breaks
 * as a phrase that starts with "must" (a message reads `key ("value") must be …`).
 */

// ---- text ------------------------------------------------------------------------------------

/** Control characters (C0, DEL, C1), line/paragraph separators and bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A single line of printable text of at most `max` characters (PromQL, a kubeconfig context). */
export function textError(v: string, max: number): string | undefined {
    if (UNPRINTABLE.test(v)) return "must be a single line of printable text (no control, line-break or bidirectional characters)";
    if (v.length > max) return `must be at most ${max} characters (it has ${v.length})`;
    return undefined;
}

// ---- Kubernetes names and labels (k8s.io/apimachinery/pkg/util/validation) -----------------

const LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QNAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const tooLong = (v: string, max: number) => (v.length > max ? ` (it has ${v.length} characters)` : "");

export const DNS_LABEL_RULE =
    "must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit";
/** IsDNS1123Label: namespaces, and names that become part of other names. */
export function dnsLabelError(v: string): string | undefined {
    return v.length <= 63 && LABEL_RE.test(v) ? undefined : DNS_LABEL_RULE + tooLong(v, 63);
}

export const DNS_SUBDOMAIN_RULE =
    "must be a DNS-1123 subdomain: at most 253 characters, lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";
/** IsDNS1123Subdomain: the names of most objects (Secrets, StorageClasses, GatewayClasses). */
export function dnsSubdomainError(v: string): string | undefined {
    return v.length <= 253 && SUBDOMAIN_RE.test(v) ? undefined : DNS_SUBDOMAIN_RULE + tooLong(v, 253);
}

export const LABEL_KEY_RULE =
    "must be a label key: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit (e.g. app.kubernetes.io/name)";
/** IsQualifiedName: label keys (and annotation keys). */
export function labelKeyError(v: string): string | undefined {
    const parts = v.split("/");
    if (parts.length > 2) return LABEL_KEY_RULE;
    const name = parts[parts.length - 1];
    if (parts.length === 2 && (parts[0] === "" || dnsSubdomainError(parts[0]) !== undefined)) return LABEL_KEY_RULE;
    return name.length <= 63 && QNAME_RE.test(name) ? undefined : LABEL_KEY_RULE;
}

export const LABEL_VALUE_RULE =
    "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
/** IsValidLabelValue; `nonEmpty` where an empty value would select nothing useful. */
export function labelValueError(v: string, nonEmpty = false): string | undefined {
    if (v === "") return nonEmpty ? `${LABEL_VALUE_RULE}, and not empty` : undefined;
    return v.length <= 63 && QNAME_RE.test(v) ? undefined : LABEL_VALUE_RULE + tooLong(v, 63);
}

// ---- hosts -----------------------------------------------------------------------------------

const IPV4_RE = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
/** Dotted-decimal IPv4 without leading zeros (what Go's net.ParseIP takes). */
export const isIPv4 = (v: string): boolean => IPV4_RE.test(v);
/** An IPv6 address (without brackets), as the WHATWG URL parser reads one. */
export function isIPv6(v: string): boolean {
    if (!/^[0-9A-Fa-f:.]+$/.test(v) || !v.includes(":")) return false;
    try {
        new URL(`http://[${v}]/`);
        return true;
    } catch {
        return false;
    }
}

/** Dot-separated DNS labels of at most 63 characters each, at most 253 in all. */
function dnsNameOk(v: string): boolean {
    return v.length <= 253 && SUBDOMAIN_RE.test(v) && v.split(".").every((l) => l.length <= 63);
}
/** A DNS name a resolver will not read as a number: its last label starts with a letter (`0x7f.1` is an IPv4 to a URL parser). */
const dnsHostOk = (v: string): boolean => dnsNameOk(v) && /^[a-z]/.test(v.slice(v.lastIndexOf(".") + 1));

export const HOSTNAME_RULE =
    "must be a DNS name: dot-separated labels of lowercase letters, digits or '-' (each at most 63 characters, starting and ending with a letter or digit), at least two, the last starting with a letter; at most 253 characters";
/** A fully qualified DNS name (a public hostname, a CNAME target); `*.` in front when `wildcard`. */
export function hostnameError(v: string, o: { wildcard?: boolean } = {}): string | undefined {
    const rule = o.wildcard ? `${HOSTNAME_RULE}; '*.' in front for a wildcard` : HOSTNAME_RULE;
    const name = o.wildcard && v.startsWith("*.") ? v.slice(2) : v;
    const labels = name.split(".");
    return dnsNameOk(name) && labels.length >= 2 && /^[a-z]/.test(labels[labels.length - 1]) ? undefined : rule;
}

export const DNS_TARGET_RULE = "must be a load-balancer hostname (a DNS name such as lb.example.com) or an IPv4 address";
/** What an ExternalDNS record points at: a hostname (CNAME) or an IPv4 address (A). */
export function dnsTargetError(v: string): string | undefined {
    return isIPv4(v) || hostnameError(v) === undefined ? undefined : DNS_TARGET_RULE;
}

export const HOST_RULE =
    "must be a host: a DNS name (lowercase labels, the last starting with a letter, e.g. localhost or db.example.com), an IPv4 or an IPv6 address";
/** A host a client connects to: a DNS name (one label or more), IPv4 or IPv6. */
export function hostError(v: string): string | undefined {
    return dnsHostOk(v) || isIPv4(v) || isIPv6(v) ? undefined : HOST_RULE;
}

// ---- URLs ------------------------------------------------------------------------------------

/** The authority (`user:pass@host:port`) of a URL as written, or undefined without `scheme://`. */
function rawAuthority(v: string): { scheme: string; authority: string; rest: string } | undefined {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(v);
    return m ? { scheme: m[1].toLowerCase(), authority: m[2], rest: m[3] } : undefined;
}

/** Whether a URL's host (as the parser gives it) is a DNS name, an IPv4 or a bracketed IPv6. */
function urlHostOk(host: string): boolean {
    if (host.startsWith("[") && host.endsWith("]")) return isIPv6(host.slice(1, -1));
    return isIPv4(host) || dnsHostOk(host);
}

export interface HttpUrlRules {
    /** `user:password@` may come before the host. */
    readonly credentials?: boolean;
    /** `:port` may follow the host (1-65535). */
    readonly port?: boolean;
    /** A path may follow (`/prometheus`); never a query or a fragment. */
    readonly path?: boolean;
}

/** The shape an http(s) URL must have under `rules`, for messages. */
export function httpUrlShape(r: HttpUrlRules): string {
    const shape = `http(s)://${r.credentials ? "[user:password@]" : ""}host${r.port ? "[:port]" : ""}${r.path ? "[/path]" : ""}`;
    const without = [r.port ? "" : "port", r.path ? "" : "path"].filter(Boolean);
    return without.length ? `${shape} without ${without.join(" or ")}` : `${shape} without query or fragment`;
}

/** An http(s) URL with a DNS, IPv4 or [IPv6] host, read with the URL parser and as written. */
export function httpUrlError(v: string, r: HttpUrlRules = {}): string | undefined {
    const rule = `must be ${httpUrlShape(r)}`;
    if (/[\s\\]/.test(v) || UNPRINTABLE.test(v) || /[^\x21-\x7e]/.test(v)) return rule;
    const raw = rawAuthority(v);
    if (!raw || (raw.scheme !== "http" && raw.scheme !== "https")) return rule;
    let u: URL;
    try {
        u = new URL(v);
    } catch {
        return rule;
    }
    const at = raw.authority.lastIndexOf("@");
    if (at >= 0 && !r.credentials) return `${rule} (no user or password in it)`;
    const hostPort = raw.authority.slice(at + 1);
    const portAt = hostPort.startsWith("[") ? hostPort.indexOf("]:") + 1 : hostPort.lastIndexOf(":");
    if (portAt > 0) {
        const port = hostPort.slice(portAt + 1);
        if (!r.port) return rule;
        if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return `${rule} (a port is 1-65535)`;
    }
    const host = portAt > 0 ? hostPort.slice(0, portAt) : hostPort;
    if (!urlHostOk(host.toLowerCase()) || !urlHostOk(u.hostname)) return rule;
    if (raw.rest !== "") {
        if (!r.path || raw.rest.includes("?") || raw.rest.includes("#")) return rule;
        if (raw.rest.split("/").some((s) => s === "." || s === ".." || /^%2e%2e?$|^\.%2e$|^%2e\.$/i.test(s)))
            return `${rule} (no '.' or '..' path segments)`;
    }
    return undefined;
}

export const OBJECT_STORE_RULE =
    "must be an object-store URL: s3://bucket[/path], gs://bucket[/path] or https://host[:port][/path] (e.g. https://account.blob.core.windows.net/container), without credentials, query or fragment";
/** A Barman object-store destination (`destinationPath` of CloudNativePG's barmanObjectStore). */
export function objectStoreUrlError(v: string): string | undefined {
    const raw = rawAuthority(v);
    if (!raw || /[\s\\]/.test(v) || /[^\x21-\x7e]/.test(v) || raw.authority.includes("@")) return OBJECT_STORE_RULE;
    if (raw.scheme === "https" || raw.scheme === "http") return httpUrlError(v, { port: true, path: true }) && OBJECT_STORE_RULE;
    // A bucket: lowercase letters, digits, '.', '_' and '-', starting and ending with a letter or digit.
    const bucket = raw.scheme === "s3" || raw.scheme === "gs" ? /^[a-z0-9]([a-z0-9._-]{0,220}[a-z0-9])?$/ : undefined;
    if (!bucket || !bucket.test(raw.authority) || raw.authority.includes("..")) return OBJECT_STORE_RULE;
    if (raw.rest !== "" && (!raw.rest.startsWith("/") || /[?#]/.test(raw.rest) || raw.rest.split("/").some((s) => s === "." || s === "..")))
        return OBJECT_STORE_RULE;
    return undefined;
}

/**
 * A URL as written, for messages: everything up to its last `@` (a user and a password,
 * whatever their shape: with `/`, `#` or `@` in them a URL parser would end the authority early
 * and leave part of them in the path) becomes `***`, after the scheme; query values become `***`.
 */
export function redactUrl(v: string): string {
    const at = v.lastIndexOf("@");
    let out = v;
    if (at >= 0) {
        const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(v)?.[0] ?? "";
        out = `${scheme.length <= at ? scheme : ""}***@${v.slice(at + 1)}`;
    }
    const q = out.indexOf("?");
    if (q < 0) return out;
    const hash = out.indexOf("#", q);
    const query = out
        .slice(q + 1, hash < 0 ? undefined : hash)
        .split("&")
        .map((p) => (p.includes("=") ? `${p.slice(0, p.indexOf("="))}=***` : p === "" ? p : "***"))
        .join("&");
    return `${out.slice(0, q)}?${query}${hash < 0 ? "" : out.slice(hash)}`;
}

// ---- paths -----------------------------------------------------------------------------------

export const RELATIVE_PATH_RULE =
    "must be a relative path below its base: '/'-separated names of letters, digits, '.', '_' or '-' (not starting with '-'), no '.' or '..', no absolute path";
/** A relative path that stays below the directory it is resolved against. */
export function relativePathError(v: string): string | undefined {
    if (v.length === 0 || v.length > 1024) return RELATIVE_PATH_RULE;
    const ok = v.split("/").every((s) => /^[A-Za-z0-9._][A-Za-z0-9._-]{0,254}$/.test(s) && s !== "." && s !== "..");
    return ok ? undefined : RELATIVE_PATH_RULE;
}

// ---- image references (github.com/distribution/reference) ----------------------------------

export interface ImageReference {
    /** Registry and repository, e.g. `ghcr.io/sysmanage/sysmanage-api`. */
    readonly name: string;
    readonly tag?: string;
    readonly digest?: string;
}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REFERENCE_RE = new RegExp(
    `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

/** `name[:tag][@digest]` as the container runtimes read it; undefined when it is not one. */
export function parseImageReference(v: string): ImageReference | undefined {
    const m = REFERENCE_RE.exec(v);
    if (!m || m[1].length > 255) return undefined;
    return { name: m[1], ...(m[2] !== undefined ? { tag: m[2] } : {}), ...(m[3] !== undefined ? { digest: m[3] } : {}) };
}

const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
/** True for `sha256:` and 64 lowercase hex digits. */
export const isSha256Digest = (v: string): boolean => SHA256_RE.test(v);

export const PINNED_IMAGE_RULE = "must be an image pinned to a version tag (not latest) or a sha256 digest";
/** An image reference pinned by a version tag (not `latest`) or by a sha256 digest. */
export function pinnedImageError(v: string): string | undefined {
    const r = parseImageReference(v);
    if (!r) return `${PINNED_IMAGE_RULE} (registry/name[:tag][@sha256:digest], lowercase repository path)`;
    if (r.digest !== undefined) return isSha256Digest(r.digest) ? undefined : `${PINNED_IMAGE_RULE} (sha256:<64 lowercase hex digits>)`;
    return r.tag !== undefined && r.tag !== "latest" ? undefined : PINNED_IMAGE_RULE;
}
export const isPinnedImage = (v: string): boolean => pinnedImageError(v) === undefined;
/** True when an image reference carries a digest (`name[:tag]@<algorithm>:<hex>`): it is pinned as it is. */
export const hasImageDigest = (v: string): boolean => parseImageReference(v)?.digest !== undefined;

// ---- quantities (k8s.io/apimachinery/pkg/api/resource) -------------------------------------

const QUANTITY_SUFFIX = "(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+|[numkMGTPE])?";
/** resource.ParseQuantity's grammar, as a JSON-schema pattern (RE2-compatible). */
export const QUANTITY_PATTERN = `^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)${QUANTITY_SUFFIX}$`;
/** A quantity > 0 (no sign but `+`, at least one non-zero digit), as a JSON-schema pattern. */
export const POSITIVE_QUANTITY_PATTERN = `^\\+?([0-9]*[1-9][0-9]*(\\.[0-9]*)?|[0-9]*\\.[0-9]*[1-9][0-9]*)${QUANTITY_SUFFIX}$`;
const QUANTITY_RE = new RegExp(`^([+-]?)([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)${QUANTITY_SUFFIX}$`);

const DECIMAL_EXP: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXP: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** A quantity exactly: (-1)^negative × digits × 10^exp10 × 2^exp2. */
export interface QuantityParts {
    readonly negative: boolean;
    readonly digits: bigint;
    readonly exp10: number;
    readonly exp2: number;
}

/** The exact parts of a Kubernetes quantity (`500m`, `1.5Gi`, `1e3`, `+2`, `.5`); undefined when it is not one. */
export function quantityParts(v: string): QuantityParts | undefined {
    const m = QUANTITY_RE.exec(v);
    if (!m) return undefined;
    const [int, frac = ""] = m[2].split(".");
    const suffix = m[3] ?? "";
    let exp10 = -frac.length;
    let exp2 = 0;
    if (suffix in BINARY_EXP) exp2 = BINARY_EXP[suffix];
    else if (/^[eE]/.test(suffix)) {
        const e = Number(suffix.slice(1));
        if (!Number.isSafeInteger(e)) return undefined;
        exp10 += e;
    } else exp10 += DECIMAL_EXP[suffix];
    return { negative: m[1] === "-", digits: BigInt(`${int}${frac}` || "0"), exp10, exp2 };
}

/** A quantity in base units (`500m` → 0.5, `1Gi` → 1073741824); NaN when it is not a quantity. */
export function quantityValue(v: string): number {
    const p = quantityParts(v);
    if (!p) return NaN;
    // Through the decimal string, so `0.3` is 0.3 (digits × 10^exp would round twice).
    const x = Number(`${p.digits}e${p.exp10}`) * 2 ** p.exp2;
    return p.negative ? -x : x;
}

/** Whether digits × 10^exp10 × 2^exp2 × 10^shift is a whole number (exactly; huge exponents decided without BigInt). */
function isWhole(p: QuantityParts, shift: number): boolean {
    if (p.digits === 0n) return true;
    const e = p.exp10 + shift;
    if (e >= 0) return true;
    if (-e > 400) return false; // more than 400 decimal places cannot cancel against any digits we accept
    return (p.digits * 2n ** BigInt(p.exp2)) % 10n ** BigInt(-e) === 0n;
}

const MAX_INT64 = 2n ** 63n - 1n;
function atMostInt64(p: QuantityParts): boolean {
    if (p.digits === 0n) return true;
    if (p.exp10 > 40) return false;
    const num = p.digits * 2n ** BigInt(p.exp2) * 10n ** BigInt(Math.max(0, p.exp10));
    const den = 10n ** BigInt(Math.max(0, -p.exp10));
    return num <= MAX_INT64 * den;
}

export const QUANTITY_RULE = "must be a Kubernetes quantity such as 500m, 2, 512Mi or 1Gi";

/**
 * A quantity that must be > 0: `cpu` and `seconds` to the millis Kubernetes keeps (it rounds
 * `0.1m` up to `1m`), `bytes` whole (it warns on fractional bytes); never above 2^63-1.
 */
export function positiveQuantityError(v: string, unit: "cpu" | "bytes" | "seconds"): string | undefined {
    const p = quantityParts(v);
    if (!p) return QUANTITY_RULE;
    if (p.negative || p.digits === 0n) return `must be > 0 (${QUANTITY_RULE.slice("must be ".length)})`;
    if (!atMostInt64(p)) return "must be at most 2^63-1 (9223372036854775807) in base units";
    if (unit === "bytes" && !isWhole(p, 0)) return "must be a whole number of bytes (e.g. 512Mi, 1Gi)";
    if (unit !== "bytes" && !isWhole(p, 3))
        return `must be a multiple of 1m (Kubernetes rounds finer ${unit === "cpu" ? "CPU" : "values"} up)`;
    return undefined;
}

// ---- durations -------------------------------------------------------------------------------

const GO_DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
/** Go's time.ParseDuration in seconds (`1h30m`, `90s`, `1.5h`); undefined when Go refuses it. */
export function goDurationSeconds(v: string): number | undefined {
    if (/^[+-]?0$/.test(v)) return 0;
    const m = /^([+-]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(v);
    if (!m) return undefined;
    let total = 0;
    for (const part of m[2].matchAll(/([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)/g))
        total += Number(part[1]) * GO_DURATION_UNITS[part[2]];
    return m[1] === "-" ? -total : total;
}

export const SCRAPE_INTERVAL_RULE = "must be a duration > 0 such as 15s or 1m";
/** A Prometheus scrape interval as the ServiceMonitor/PodMonitor take it, here in s or m, > 0. */
export function scrapeIntervalError(v: string): string | undefined {
    return /^[0-9]{1,6}(s|m)$/.test(v) && Number(v.slice(0, -1)) > 0 ? undefined : SCRAPE_INTERVAL_RULE;
}

export const GATEWAY_DURATION_RULE = "must be a Gateway API duration such as 30s (1 to 4 parts of 1-5 digits and h, m, s or ms)";
/** Gateway API's Duration (GEP-2257): `^([0-9]{1,5}(h|m|s|ms)){1,4}$`. */
export function gatewayDurationError(v: string): string | undefined {
    return /^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(v) ? undefined : GATEWAY_DURATION_RULE;
}

// ---- cron (github.com/robfig/cron v1, as CloudNativePG's ScheduledBackup parses it) --------

const MONTHS: Readonly<Record<string, number>> = {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
};
const DAYS: Readonly<Record<string, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const CRON_FIELDS: readonly { name: string; min: number; max: number; names?: Readonly<Record<string, number>> }[] = [
    { name: "seconds", min: 0, max: 59 },
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS },
    { name: "day of week", min: 0, max: 6, names: DAYS },
];
const CRON_DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

export const SCHEDULE_RULE =
    'must be a six-field cron schedule with seconds first (seconds minutes hours day-of-month month day-of-week, e.g. "0 0 3 * * *" for 03:00 every day), @yearly, @monthly, @weekly, @daily, @hourly or @every <duration of at least 1s>';

function cronItemError(item: string, f: (typeof CRON_FIELDS)[number]): string | undefined {
    const m = /^(\*|\?|([0-9]{1,2}|[A-Za-z]{3})(?:-([0-9]{1,2}|[A-Za-z]{3}))?)(?:\/([0-9]{1,2}))?$/.exec(item);
    if (!m) return `${f.name} field: "${item}" is not *, ?, a value, a range a-b, or one of these with /step`;
    const value = (s: string): number | undefined => (/^[0-9]+$/.test(s) ? Number(s) : f.names?.[s.toLowerCase()]);
    let [lo, hi] = [f.min, f.max];
    if (m[2] !== undefined) {
        const a = value(m[2]);
        const b = m[3] !== undefined ? value(m[3]) : m[4] !== undefined ? f.max : a;
        if (a === undefined || b === undefined) return `${f.name} field: "${item}" names no ${f.name}`;
        [lo, hi] = [a, b];
    }
    if (lo < f.min || hi > f.max) return `${f.name} field: "${item}" is outside ${f.min}-${f.max}`;
    if (lo > hi) return `${f.name} field: "${item}" starts after it ends`;
    if (m[4] !== undefined && Number(m[4]) === 0) return `${f.name} field: "${item}" has a step of 0`;
    return undefined;
}

/**
 * A backup schedule: what robfig/cron v1's `Parse` (CloudNativePG's ScheduledBackup) reads, with
 * all six fields (it would read five as `sec min hour dom month`, a standard crontab line shifted
 * by one field) or a descriptor; `@every` at least 1s (robfig raises shorter ones to 1s).
 */
export function scheduleError(v: string): string | undefined {
    if (v.startsWith("@")) {
        if (CRON_DESCRIPTORS.includes(v)) return undefined;
        if (v.startsWith("@every ")) {
            const s = goDurationSeconds(v.slice("@every ".length));
            return s !== undefined && s >= 1 ? undefined : `${SCHEDULE_RULE}: "${v.slice(7)}" is not a Go duration of at least 1s`;
        }
        return SCHEDULE_RULE;
    }
    if (!/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(v)) return `${SCHEDULE_RULE}: fields are separated by single spaces`;
    const fields = v.split(" ");
    if (fields.length !== 6) return `${SCHEDULE_RULE}: it has ${fields.length} field${fields.length === 1 ? "" : "s"}`;
    for (let i = 0; i < 6; i++)
        for (const item of fields[i].split(",")) {
            const e = cronItemError(item, CRON_FIELDS[i]);
            if (e) return `${SCHEDULE_RULE}: ${e}`;
        }
    return undefined;
}

// ---- PostgreSQL identifiers ------------------------------------------------------------------

/** PostgreSQL 17's reserved key words (`pg_get_keywords()` with catcode R): never an unquoted name. */
export const PG_RESERVED_KEYWORDS: ReadonlySet<string> = new Set(
    (
        "all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog " +
        "current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except " +
        "false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp " +
        "not null offset on only or order placing primary references returning select session_user some symmetric system_user table " +
        "then to trailing true union unique user using variadic when where window with"
    ).split(" "),
);

export const PG_IDENTIFIER_RULE =
    "must be a PostgreSQL identifier usable unquoted: a lowercase letter or '_', then lowercase letters, digits, '_' or '$', at most 63 bytes, not a reserved key word";
/** An unquoted PostgreSQL identifier (role, database and schema names) of at most NAMEDATALEN-1 bytes. */
export function pgIdentifierError(v: string): string | undefined {
    if (!/^[a-z_][a-z0-9_$]*$/.test(v) || v.length > 63) return PG_IDENTIFIER_RULE + tooLong(v, 63);
    return PG_RESERVED_KEYWORDS.has(v) ? `${PG_IDENTIFIER_RULE} ("${v}" is one)` : undefined;
}

/**
 * A role name: an identifier that PostgreSQL does not reserve (`public`, `none`, `pg_*`) and
 * CloudNativePG does not keep for itself (`postgres`, `streaming_replica`, `cnpg_*`).
 */
export function pgRoleNameError(v: string): string | undefined {
    const e = pgIdentifierError(v);
    if (e) return e;
    if (["public", "none", "postgres", "streaming_replica"].includes(v) || v.startsWith("pg_") || v.startsWith("cnpg_"))
        return "must not be a reserved role (public, none, postgres, streaming_replica, pg_*, cnpg_*)";
    return undefined;
}

// ---- small provider-specific ids -------------------------------------------------------------

export const PROVIDER_ID_RULE = "must be empty or at most 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";
/** An id a DNS provider takes as a record property (a Route 53 health check id). */
export function providerIdError(v: string): string | undefined {
    return v === "" || /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(v) ? undefined : PROVIDER_ID_RULE;
}
