/**
 * Small helpers shared by the CloudNativePG webhook ports: typed access to untyped JSON, the rule
 * shape, and Go parsing semantics (strconv, time.ParseDuration) where the webhook relies on them.
 */

/** Upstream project and tag every rule of this module is read from. */
export const CNPG = "cloudnative-pg v1.30.0";
export const CLUSTER_WH = "internal/webhook/v1/cluster_webhook.go";
export const POOLER_WH = "internal/webhook/v1/pooler_webhook.go";
export const SCHEDULED_WH = "internal/webhook/v1/scheduledbackup_webhook.go";

/** `cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go:1250`. */
export const src = (file: string, line: number, extra?: string): string => `${CNPG} ${file}:${line}${extra ? `; ${extra}` : ""}`;

/** One refusal found by a rule: where, what the webhook says, and (optionally) a specific fix. */
export interface Finding {
    readonly path: string;
    readonly message: string;
    readonly fix?: string;
}

/** A ported check over a view `V` of the object (a defaulted Cluster, a Pooler, a ScheduledBackup). */
export interface Rule<V> {
    readonly id: string;
    readonly description: string;
    readonly source: string;
    /** Default advice when a finding carries none. */
    readonly fix: string;
    check(v: V): Finding[];
}

export type Obj = Record<string, unknown>;

/** The value as a JSON object, or an empty one. */
export const rec = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
/** The value as a JSON object, or undefined when absent (Go's nil pointer). */
export const opt = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
/** The value as a list, or an empty one. */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
/** The value as a string the way Go would hold it (absent is ""). */
export const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "");
/** The value as a number (absent or invalid is 0, Go's zero value). */
export const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : 0);
/** A map of strings (parameters, labels), values coerced the way the API server would hold them. */
export const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(rec(v)).map(([k, x]) => [k, str(x)]));
/** A string list. */
export const strList = (v: unknown): string[] => list(v).map(str);

/** Go `strconv.Atoi`: optional sign, decimal digits, 64-bit range. */
export function atoi(v: string): number | undefined {
    if (!/^[+-]?\d+$/.test(v)) return undefined;
    const n = Number(v);
    return Math.abs(n) <= 2 ** 63 ? n : undefined; // int64 range, to double precision
}

/** Go `strconv.ParseBool`. */
export function parseGoBool(v: string): boolean | undefined {
    if (["1", "t", "T", "TRUE", "true", "True"].includes(v)) return true;
    if (["0", "f", "F", "FALSE", "false", "False"].includes(v)) return false;
    return undefined;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go `time.ParseDuration` in nanoseconds, or undefined when Go would refuse it. */
export function parseGoDuration(v: string): number | undefined {
    if (/^[+-]?0$/.test(v)) return 0;
    const m = /^([+-]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(v);
    if (!m) return undefined;
    let total = 0;
    for (const part of m[2].matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * DURATION_UNITS[part[2]];
    return m[1] === "-" ? -total : total;
}

/** Go `strings.Fields` (split on runs of whitespace, no empty fields). */
export const fields = (v: string): string[] => v.split(/\s+/).filter((x) => x !== "");

/** The findings without repeats (the webhook may report the same error twice). */
export function dedupe(fs: readonly Finding[]): Finding[] {
    const seen = new Set<string>();
    return fs.filter((f) => {
        const k = `${f.path}\u0000${f.message}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
    });
}
