/**
 * How config problems are told: the error that carries them, and how a value and a schema issue
 * are shown. A message names the key and the value (URLs without credentials, secrets not at all:
 * the caller decides which values are secret) and the rule.
 */
import type { z } from "zod";
import { redactUrl } from "../policies/contract";

/** Invalid config: one line per problem, each naming the file, the key, the value and the rule. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "ConfigError";
    }
}

/** Config keys whose strings are URLs: a message shows them without user, password or query values. */
export const URL_KEYS: ReadonlySet<string> = new Set([
    "metrics.prometheusUrl",
    "forecast.prometheus.url",
    "postgres.backup.endpointURL",
    "postgres.backup.destinationPath",
]);
const MAX_SHOWN_CHARS = 200;
const MAX_SHOWN_ENTRIES = 20;

/**
 * A config value as a message shows it: strings quoted, numbers as they are (`Infinity`, `NaN`),
 * lists and maps in JSON form, long ones cut with their length said; URLs (a string with `://`,
 * or any string of a URL key) without credentials.
 */
export function showValue(v: unknown, o: { url?: boolean } = {}, depth = 0): string {
    if (typeof v === "string") {
        const s = o.url || v.includes("://") ? redactUrl(v) : v;
        return s.length > MAX_SHOWN_CHARS ? `${JSON.stringify(s.slice(0, MAX_SHOWN_CHARS))}… (${s.length} characters)` : JSON.stringify(s);
    }
    if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
    if (v === undefined) return "unset";
    if (v === null || typeof v === "boolean" || typeof v === "bigint") return String(v);
    if (typeof v !== "object") return typeof v;
    if (depth >= 4) return Array.isArray(v) ? "[…]" : "{…}";
    const more = (n: number) => (n > MAX_SHOWN_ENTRIES ? `,… (${n} entries)` : "");
    if (Array.isArray(v))
        return `[${v
            .slice(0, MAX_SHOWN_ENTRIES)
            .map((x) => showValue(x, o, depth + 1))
            .join(",")}${more(v.length)}]`;
    const entries = Object.entries(v as Record<string, unknown>);
    return `{${entries
        .slice(0, MAX_SHOWN_ENTRIES)
        .map(([k, x]) => `${showValue(k)}:${showValue(x, o, depth + 1)}`)
        .join(",")}${more(entries.length)}}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = raw;
    for (const p of path) {
        if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}

/** `api.resources.cpuRequest`, `dns.regions[0].target`, `metrics.monitorLabels["app.kubernetes.io/name"]`. */
function keyPath(path: readonly PropertyKey[]): string {
    return path
        .map((p, i) =>
            typeof p === "number"
                ? `[${p}]`
                : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(p))
                  ? `${i === 0 ? "" : "."}${String(p)}`
                  : `[${showValue(String(p))}]`,
        )
        .join("");
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
    object: "an object (a map of keys to values)",
    record: "a map of keys to values",
    array: "a list",
    string: "a string",
    number: "a number",
    int: "an integer",
    boolean: "true or false",
};

/** One schema issue as the key it is about and what is wrong with its value. */
export function describeIssue(
    issue: z.core.$ZodIssue,
    raw: unknown,
    shown: (path: readonly PropertyKey[], v: unknown) => string,
): { key: string; text: string } {
    const key = keyPath(issue.path);
    const value = valueAt(raw, issue.path);
    const v = () => shown(issue.path, value);
    switch (issue.code) {
        case "unrecognized_keys":
            // One line per key (see parseConfig); the key is the problem, its value is not shown.
            return { key, text: "is not a known key (see the config table in docs/configuration.md)" };
        case "invalid_key": {
            const inner = issue.issues.map((i) => i.message).join("; ");
            return {
                key: keyPath(issue.path.slice(0, -1)),
                text: `has the key ${showValue(String(issue.path[issue.path.length - 1]))}, which ${inner}`,
            };
        }
        case "too_small":
            if (issue.origin === "array")
                return { key, text: `(${v()}) must have at least ${String(issue.minimum)} ${issue.minimum === 1 ? "entry" : "entries"}` };
            if (issue.origin === "string") return { key, text: `(${v()}) must have at least ${String(issue.minimum)} characters` };
            return { key, text: `(${v()}) must be ${issue.inclusive === false ? ">" : ">="} ${String(issue.minimum)}` };
        case "too_big":
            return { key, text: `(${v()}) must be <= ${String(issue.maximum)}` };
        case "invalid_type": {
            const want = TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
            if (value === undefined) return { key, text: `is required (${want})` };
            if (typeof value === "number" && !Number.isFinite(value) && (issue.expected === "number" || issue.expected === "int"))
                return { key, text: `(${v()}) must be a finite number` };
            return { key, text: `(${v()}) must be ${want}` };
        }
        case "invalid_value":
            return { key, text: `(${v()}) must be one of ${issue.values.map((x) => showValue(x)).join(", ")}` };
        default:
            return { key, text: `(${v()}) ${issue.message}` };
    }
}
