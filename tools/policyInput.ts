/**
 * The inputs of `npm run policy`, checked before the pack runs: a resource list (the shape
 * `npm run render -- --json` writes) and a pack config (`policies/config/<env>.json` or a file
 * given with `--config`). Each problem is an `InputError` naming the file, the entry and the
 * field; the pack only ever sees input it can read.
 *
 * Limits (docs/operations.md, "Errors and exit codes"): a resource list of at most 16 MiB and 5,000
 * resources, nested at most 64 levels; a pack config of at most 1 MiB.
 */
import * as fs from "node:fs";
import Ajv, { type ValidateFunction } from "ajv";
import type { DeclaredLike, PackConfig, Policy } from "../policies/harness";
import { fsReason, isFsError } from "./cli";
import { objectId, validateObject, type K8sObject } from "./validation";

export const MAX_INPUT_BYTES = 16 * 1024 * 1024;
export const MAX_RESOURCES = 5000;
export const MAX_DEPTH = 64;
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Problems listed at most, of a list that has more. */
const MAX_LISTED = 20;

export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

/** A file name as messages show it: as given, or JSON-quoted when empty or holding control characters. */
export const shownFile = (file: string): string => (file !== "" && ![...file].some(isControl) ? file : JSON.stringify(file));
/** A control character (C0 or DEL), which would rewrite the terminal if printed. */
const isControl = (ch: string) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f;

/** Reads a regular file of at most `max` bytes as JSON. */
function readJson(given: string, max: number, what: string): unknown {
    const file = shownFile(given);
    let text: string;
    try {
        const st = fs.statSync(given);
        if (st.isDirectory()) throw new InputError(`${file}: is a directory, not a ${what}`);
        if (!st.isFile()) throw new InputError(`${file}: is not a regular file`);
        if (st.size > max)
            throw new InputError(`${file}: is ${st.size} bytes; a ${what} may be at most ${max} bytes (${max / 1024 / 1024} MiB)`);
        text = fs.readFileSync(given, "utf8");
    } catch (e) {
        if (e instanceof InputError) throw e;
        if (isFsError(e)) throw new InputError(`${file}: ${e.code === "ENOENT" ? "file not found" : fsReason(e)}`);
        throw e;
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        // V8's wording quotes the text around the error; the position is enough.
        const m = (e as Error).message;
        const at = /position (\d+)/.exec(m)?.[1];
        throw new InputError(
            `${file}: not valid JSON${at ? ` (at character ${at})` : /end of JSON/.test(m) ? " (it ends before the JSON does)" : ""}`,
        );
    }
}

/** How deeply `v` nests (iteratively: no recursion over input). */
function depthOf(v: unknown): number {
    let max = 0;
    const stack: [unknown, number][] = [[v, 0]];
    while (stack.length) {
        const [x, d] = stack.pop()!;
        if (d > max) max = d;
        if (max > MAX_DEPTH) return max;
        if (x && typeof x === "object") for (const y of Object.values(x)) stack.push([y, d + 1]);
    }
    return max;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStrings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
const OPTION_CHECKS: Record<string, [(v: unknown) => boolean, string]> = {
    ignoreChanges: [isStrings, "a list of strings"],
    dependsOn: [isStrings, "a list of resource names"],
    replaceOnChanges: [isStrings, "a list of strings"],
    parent: [(v) => typeof v === "string", "a resource name (a string)"],
    protect: [(v) => typeof v === "boolean", "true or false"],
    deleteBeforeReplace: [(v) => typeof v === "boolean", "true or false"],
};
/** Kubernetes provider types whose inputs are not one object (`kind` and `apiVersion`). */
const NOT_OBJECTS = /^kubernetes:(helm\.sh\/v\d+|yaml(\/v\d+)?|kustomize(\/v\d+)?):/;

/** Problems of one entry of a resource list (`at` is `entry 3 (type name)`). */
function entryProblems(r: unknown, i: number): string[] {
    if (!isObject(r)) return [`entry ${i}: must be an object {type, name, inputs, options?}`];
    const out: string[] = [];
    const at = `entry ${i}${typeof r.name === "string" ? ` (${JSON.stringify(r.name.slice(0, 100))})` : ""}`;
    if (typeof r.type !== "string" || !/^[^:\s]+:[^:\s]*:[^:\s]+$/.test(r.type))
        out.push(`${at}: type must be a Pulumi type token such as "kubernetes:apps/v1:Deployment"`);
    if (typeof r.name !== "string" || r.name === "" || r.name.includes("::") || [...r.name].some(isControl))
        out.push(`${at}: name must be a non-empty string without "::" or control characters`);
    if (!isObject(r.inputs)) out.push(`${at}: inputs must be an object`);
    for (const k of Object.keys(r))
        if (!["type", "name", "inputs", "options"].includes(k)) out.push(`${at}: ${JSON.stringify(k)} is not a field of an entry`);
    if (r.options !== undefined) {
        if (!isObject(r.options)) out.push(`${at}: options must be an object`);
        else
            for (const [k, v] of Object.entries(r.options)) {
                const check = OPTION_CHECKS[k];
                if (!check)
                    out.push(`${at}: options.${k} is not a resource option the pack reads (${Object.keys(OPTION_CHECKS).join(", ")})`);
                else if (!check[0](v)) out.push(`${at}: options.${k} must be ${check[1]}`);
            }
    }
    if (out.length || !isObject(r.inputs)) return out;
    const type = r.type as string;
    const k8s = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
    if (k8s && !NOT_OBJECTS.test(type)) {
        const apiVersion = k8s[1].startsWith("core/") ? k8s[1].slice(5) : k8s[1];
        if (r.inputs.apiVersion !== apiVersion || r.inputs.kind !== k8s[2])
            out.push(
                `${at}: inputs.apiVersion and inputs.kind must be ${JSON.stringify(apiVersion)} and ${JSON.stringify(k8s[2])} for ${type}`,
            );
    }
    if (/^kubernetes:helm\.sh\//.test(type)) {
        // The Release fields the pack reads (the pinned charts' pods are modelled from them).
        for (const k of ["chart", "name", "namespace", "version"])
            if (r.inputs[k] !== undefined && typeof r.inputs[k] !== "string") out.push(`${at}: inputs.${k} must be a string`);
        for (const k of ["values", "repositoryOpts"])
            if (r.inputs[k] !== undefined && !isObject(r.inputs[k])) out.push(`${at}: inputs.${k} must be an object`);
        const repo = isObject(r.inputs.repositoryOpts) ? r.inputs.repositoryOpts.repo : undefined;
        if (repo !== undefined && typeof repo !== "string") out.push(`${at}: inputs.repositoryOpts.repo must be a string`);
    }
    return out;
}

const isStringMap = (v: unknown) => isObject(v) && Object.values(v).every((x) => typeof x === "string");

/** The metadata the rules read, of an object of a kind without a schema here. */
function metadataProblems(o: K8sObject): string[] {
    const m = (o as { metadata?: unknown }).metadata;
    const id = objectId(o);
    if (!isObject(m)) return [`${id}: metadata must be an object`];
    const out: string[] = [];
    if (typeof m.name !== "string" || m.name === "") out.push(`${id}: metadata.name must be a non-empty string`);
    if (m.namespace !== undefined && typeof m.namespace !== "string") out.push(`${id}: metadata.namespace must be a string`);
    for (const k of ["labels", "annotations"])
        if (m[k] !== undefined && !isStringMap(m[k])) out.push(`${id}: metadata.${k} must map strings to strings`);
    return out;
}

const problemsError = (file: string, head: string, problems: readonly string[]) =>
    new InputError(
        `${file}: ${head}:\n${problems
            .slice(0, MAX_LISTED)
            .map((p) => `  ${p}`)
            .join("\n")}${problems.length > MAX_LISTED ? `\n  ... and ${problems.length - MAX_LISTED} more` : ""}`,
    );

/**
 * Reads and checks a resource list file (`[{type, name, inputs, options?}]`): its size and
 * count, each entry's fields and options, unique type and name, parents and dependencies that
 * name entries, and every Kubernetes object against the schemas the render validates with.
 */
export async function readResources(given: string): Promise<DeclaredLike[]> {
    const data = readJson(given, MAX_INPUT_BYTES, "resource list");
    const file = shownFile(given);
    if (!Array.isArray(data)) throw new InputError(`${file}: expected a JSON array of {type, name, inputs, options?}`);
    if (data.length > MAX_RESOURCES)
        throw new InputError(`${file}: holds ${data.length} resources; the policy check takes at most ${MAX_RESOURCES}`);
    if (depthOf(data) > MAX_DEPTH) throw new InputError(`${file}: nests deeper than ${MAX_DEPTH} levels; no resource's inputs do`);
    const problems = data.flatMap(entryProblems);
    if (problems.length) throw problemsError(file, "not a resource list", problems);
    const list = data as DeclaredLike[];
    const seen = new Map<string, number>();
    const names = new Set(list.map((r) => r.name));
    list.forEach((r, i) => {
        const key = `${r.type}::${r.name}`;
        const first = seen.get(key);
        if (first !== undefined)
            problems.push(`entry ${i}: repeats the type and name of entry ${first} (${r.type} ${JSON.stringify(r.name)})`);
        seen.set(key, first ?? i);
        if (r.options?.parent !== undefined && !names.has(r.options.parent))
            problems.push(`entry ${i}: options.parent ${JSON.stringify(r.options.parent)} names no resource in the list`);
        for (const d of r.options?.dependsOn ?? [])
            if (!names.has(d)) problems.push(`entry ${i}: options.dependsOn ${JSON.stringify(d)} names no resource in the list`);
    });
    if (problems.length) throw problemsError(file, "not a resource list", problems);
    for (const [i, r] of list.entries()) {
        if (!/^kubernetes:[^:]+:[^:]+$/.test(r.type) || NOT_OBJECTS.test(r.type)) continue;
        const o = r.inputs as K8sObject;
        let found = await validateObject(o);
        // A kind without a schema here (another operator's CRD): the rules read only its metadata.
        if (found.length === 1 && found[0].startsWith(`${objectId(o)}: no schema known`)) found = metadataProblems(o);
        problems.push(...found.map((p) => `entry ${i} (${JSON.stringify(r.name.slice(0, 100))}): ${p}`));
    }
    if (problems.length)
        throw problemsError(file, "Kubernetes objects a cluster would refuse (the pack checks valid objects only)", problems);
    return list;
}

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];
const validators = new Map<string, ValidateFunction>();

/** The validator of one rule's entry: its configSchema's thresholds and `enforcementLevel`, nothing else. */
function validatorOf(rule: Policy): ValidateFunction {
    let v = validators.get(rule.name);
    if (!v) {
        const ajv = new Ajv({ strict: false, allErrors: true });
        v = ajv.compile({
            type: "object",
            properties: { ...(rule.configSchema?.properties ?? {}), enforcementLevel: { enum: LEVELS } },
            required: rule.configSchema?.required ?? [],
            additionalProperties: false,
        });
        validators.set(rule.name, v);
    }
    return v;
}

/**
 * Checks a pack config (`{"rule": "advisory"}`, `{"rule": {"enforcementLevel": ..., thresholds}}`
 * and Pulumi's `"all"`): every key a rule of the pack, every entry valid against the rule's
 * configSchema.
 */
export function checkPackConfig(data: unknown, file: string, rules: readonly Policy[]): PackConfig {
    if (!isObject(data)) throw new InputError(`${file}: expected a JSON object of rule names to levels or settings`);
    const byName = new Map(rules.map((r) => [r.name, r]));
    const problems: string[] = [];
    for (const [name, entry] of Object.entries(data)) {
        const value = typeof entry === "string" ? { enforcementLevel: entry } : entry;
        if (name === "all") {
            if (!isObject(value) || Object.keys(value).join() !== "enforcementLevel" || !LEVELS.includes(String(value.enforcementLevel)))
                problems.push(`"all": must be one of ${LEVELS.join(", ")} (the level of every rule without its own)`);
            continue;
        }
        const rule = byName.get(name);
        if (!rule) {
            problems.push(`${JSON.stringify(name.slice(0, 100))}: is not a rule of the pack (see docs/policies.md)`);
            continue;
        }
        const validate = validatorOf(rule);
        if (!validate(value))
            for (const err of validate.errors ?? [])
                problems.push(
                    `${name}${err.instancePath.replace(/\//g, ".")}: ${err.message ?? "is not valid"}${err.keyword === "additionalProperties" ? ` (${JSON.stringify((err.params as { additionalProperty?: string }).additionalProperty)})` : ""}${err.keyword === "enum" ? ` (${((err.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(", ")})` : ""}`,
                );
    }
    if (problems.length) throw problemsError(file, "not a valid pack config", problems);
    return data as PackConfig;
}

/** Reads and checks a pack config file. */
export function readPackConfig(file: string, rules: readonly Policy[]): PackConfig {
    return checkPackConfig(readJson(file, MAX_CONFIG_BYTES, "pack config"), shownFile(file), rules);
}
