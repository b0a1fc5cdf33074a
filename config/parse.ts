/**
 * Turns a stack's raw config into the frozen typed config, or an exact error: `rawConfig` reads the
 * map the engine passes (`project:key` to string), `parseConfig` validates it against the schema
 * and the cross-field rules. Pure: `loadConfig()` (config/index.ts) and the offline stack-file
 * reader (stackFile.ts) both feed it, so they validate exactly the same way.
 */
import { haFloor } from "../policies/contract";
import { ConfigError, describeIssue, showValue, URL_KEYS } from "./errors";
import { crossFieldProblems } from "./rules";
import { ConfigSchema, type AppConfig } from "./schema";

/** The Pulumi project: the config namespace of this program's keys. */
export const PROJECT = "sysmanage-scaling";
/** Config namespaces besides the project's that a stack may set: the providers the program uses, and Pulumi's own. */
export const PROVIDER_NAMESPACES: readonly string[] = ["kubernetes", "postgresql", "random", "pulumi"];

/** Where a stack's config came from, for messages: the files of its keys and which are secret. */
export interface ConfigOrigin {
    /** Full keys (`project:key`) holding secrets: messages never show their values. */
    readonly secretKeys?: readonly string[];
    /** The file each full key was read from (`Pulumi.yaml` for a project default); default the stack file. */
    readonly files?: Readonly<Record<string, string>>;
}

/**
 * Validates a stack's raw config (top-level keys without the project prefix, structured values
 * already parsed) and returns the frozen typed config, or throws a ConfigError whose lines each
 * name the file, the key, the value and the rule. Values of secret keys are never shown.
 */
export function parseConfig(raw: Record<string, unknown>, stack: string, origin: ConfigOrigin = {}): Readonly<AppConfig> {
    const stackFile = `Pulumi.${stack}.yaml`;
    const secret = new Set((origin.secretKeys ?? []).map((k) => k.slice(k.indexOf(":") + 1)));
    const fileOf = (top: PropertyKey | undefined) =>
        top === undefined ? stackFile : (origin.files?.[`${PROJECT}:${String(top)}`] ?? stackFile);
    const shown = (path: readonly PropertyKey[], v: unknown) =>
        path.length && secret.has(String(path[0]))
            ? "[secret]"
            : showValue(v, { url: URL_KEYS.has(path.filter((p) => typeof p === "string").join(".")) });
    let parsed: ReturnType<typeof ConfigSchema.safeParse>;
    try {
        parsed = ConfigSchema.safeParse(raw);
    } catch (e) {
        throw new ConfigError([`${stackFile}: the config could not be validated (a bug, please report it): ${(e as Error).message}`]);
    }
    if (!parsed.success) {
        // zod's integer check also reports the safe-integer range; the schema's own bound says more.
        const issues = parsed.error.issues.filter(
            (i) =>
                !((i.code === "too_big" || i.code === "too_small") && i.origin === "int") ||
                !parsed.error.issues.some((j) => j !== i && j.code === i.code && j.path.join("\u0000") === i.path.join("\u0000")),
        );
        const lines = issues.flatMap((i) => {
            // An unknown key is its own line, under the file it came from.
            const paths = i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k]) : [i.path];
            return paths.map((path) => {
                const { key, text } = describeIssue({ ...i, path }, raw, shown);
                return `${fileOf(path[0])}: ${key} ${text}`;
            });
        });
        throw new ConfigError([...new Set(lines)]);
    }
    // 0 (the default) is the environment's HA floor: the one the policy pack enforces (policies/contract/environments.ts).
    if (parsed.data.forecast.policyMinimum === 0) parsed.data.forecast.policyMinimum = haFloor(parsed.data.environment);
    const problems = crossFieldProblems(parsed.data, (v, key) => (secret.has(key.split(/[.[]/)[0]) ? "[secret]" : showValue(v)));
    if (problems.length) throw new ConfigError(problems.map((p) => `${stackFile}: ${p}`));
    return deepFreeze(parsed.data);
}

/** Freezes an object and everything in it (the config is read-only once validated). */
export function deepFreeze<T>(o: T): Readonly<T> {
    if (o && typeof o === "object") {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
    }
    return o;
}

/** How a non-finite number (YAML `.inf`, `.nan`) travels in a config string, which is JSON. */
const NON_FINITE = "$nonFinite";

/**
 * A config value as the string the engine would pass (strings as they are, the rest as JSON),
 * keeping `.inf`/`-.inf`/`.nan` (which JSON turns into null) so messages can show them. The offline
 * readers use it; `rawConfig` reads it back.
 */
export function configValueString(v: unknown): string {
    if (typeof v === "string") return v;
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? { [NON_FINITE]: String(x) } : x));
    return s ?? "null";
}

const reviveNonFinite = (_k: string, x: unknown): unknown => {
    if (x === null || typeof x !== "object" || Array.isArray(x)) return x;
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    return keys.length === 1 && keys[0] === NON_FINITE && ["Infinity", "-Infinity", "NaN"].includes(String(o[NON_FINITE]))
        ? Number(o[NON_FINITE])
        : x;
};

/**
 * This project's keys of a config map as the engine passes it (`project:key` to string) with
 * structured values parsed: the input of `parseConfig`. The offline tools read stack files into
 * the same map, so they validate exactly what `pulumi up` would. A key under a namespace that is
 * neither the project's nor one of PROVIDER_NAMESPACES, or not of the form `namespace:name`, is
 * an error (all of them are reported together).
 */
export function rawConfig(all: Readonly<Record<string, string>>, stack: string, origin: ConfigOrigin = {}): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const problems: string[] = [];
    const secret = new Set(origin.secretKeys ?? []);
    for (const [fullKey, value] of Object.entries(all)) {
        const file = origin.files?.[fullKey] ?? `Pulumi.${stack}.yaml`;
        const parts = fullKey.split(":");
        // `ns:config:name` is the old spelling of `ns:name`, which the engine still accepts.
        const [ns, key] = parts.length === 3 && parts[1] === "config" ? [parts[0], parts[2]] : parts;
        if ((parts.length !== 2 && !(parts.length === 3 && parts[1] === "config")) || !ns || !key) {
            problems.push(`${file}: ${showValue(fullKey)} is not a config key of the form <namespace>:<name> (e.g. ${PROJECT}:api)`);
            continue;
        }
        if (ns !== PROJECT) {
            if (!PROVIDER_NAMESPACES.includes(ns))
                problems.push(
                    `${file}: ${fullKey.includes(" ") || /[^\x21-\x7e]/.test(fullKey) ? showValue(fullKey) : fullKey} is not a key of this project (${PROJECT}) nor of a provider it configures (${PROVIDER_NAMESPACES.join(", ")}): a misspelt project name? (unknown keys are errors)`,
                );
            continue;
        }
        try {
            // Structured values arrive as JSON; every top-level scalar key of the schema is a string.
            raw[key] = value.startsWith("{") || value.startsWith("[") ? (JSON.parse(value, reviveNonFinite) as unknown) : value;
        } catch {
            const shown = secret.has(fullKey) ? "[secret]" : showValue(value);
            problems.push(`${file}: ${key} (${shown}) is not valid JSON/YAML`);
        }
    }
    if (problems.length) throw new ConfigError(problems);
    return raw;
}
