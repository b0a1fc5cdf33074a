/**
 * Reads a stack's configuration the way the Pulumi CLI does: project defaults from
 * `Pulumi.yaml` (`default:` or `value:`), overridden key by key by `Pulumi.<stack>.yaml`.
 *
 * - Stack names follow Pulumi's grammar (`stackNameProblem`), checked before any path is built.
 * - A `secure:` value, at the top of a key or anywhere inside a structured one, cannot be
 *   decrypted without the stack's secrets provider: it becomes a placeholder and its key is
 *   marked secret. The placeholder is `SECRET-PLACEHOLDER`, or `https://secret-placeholder.invalid`
 *   where the key must be a URL.
 * - Every value keeps the file it came from, so a problem in a project default names
 *   `Pulumi.yaml`, not the stack file (`attributeConfigError`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError } from "./errors";
import { parseConfig, rawConfig } from "./parse";
import { ConfigSchema, type AppConfig } from "./schema";

export const SECRET_PLACEHOLDER = "SECRET-PLACEHOLDER";
/** The environments a stack may be (the config schema's `environment`), each with a pack config in policies/config/. */
export const ENVIRONMENTS: readonly string[] = ConfigSchema.shape.environment.unwrap().options;
/** The placeholder of a secret that must be a URL (`.invalid` is reserved: RFC 2606). */
export const SECRET_URL_PLACEHOLDER = "https://secret-placeholder.invalid";
/** A stack or project file larger than this is refused (ours are a few KiB). */
export const MAX_STACK_FILE_BYTES = 1024 * 1024;

export interface StackConfig {
    readonly project: string;
    /** Full keys (`project:key`, `kubernetes:context`) to string values, as the engine passes them. */
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /** The file each full key's value comes from: `Pulumi.yaml` (a project default) or the stack file. */
    readonly origins: Record<string, string>;
    /** Where a `secure:` value was replaced by a placeholder: `file`, and `key` as config messages spell it (`forecast.prometheus.url`). */
    readonly placeholders: { readonly file: string; readonly key: string }[];
}

export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

/**
 * Why `name` is not a stack name, or undefined. Pulumi's rule (pulumi/pulumi
 * sdk/go/common/tokens/stack_name.go, ParseStackName): 1 to 100 bytes of letters, digits, `-`,
 * `_` and `.`. Stricter on one point: `.` and `..` are refused, since the tools join the stack
 * name into paths (`out/<stack>`, `exports/<stack>`).
 */
export function stackNameProblem(name: string): string | undefined {
    if (name === "") return "a stack name may not be empty";
    if (Buffer.byteLength(name) > 100) return "a stack name cannot exceed 100 characters";
    const bad = [...name].findIndex((ch) => !/^[A-Za-z0-9_.-]$/.test(ch));
    if (bad >= 0)
        return `a stack name may only contain letters, digits, "-", "_" or "." (Pulumi's rule): invalid character ${JSON.stringify([...name][bad])} at position ${bad}`;
    if (name === "." || name === "..") return `a stack name may not be "." or ".." (it names a directory in out/ and exports/)`;
    return undefined;
}

/** Throws a StackConfigError naming `what` (the option, e.g. `--stack`) when `name` is not a stack name. */
export function checkStackName(name: string, what = "stack"): void {
    const problem = stackNameProblem(name);
    if (problem) throw new StackConfigError(`${what} ${JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name)}: ${problem}`);
}

function readYaml(file: string): Record<string, unknown> {
    const name = path.basename(file);
    let text: string;
    try {
        const st = fs.statSync(file);
        if (st.isDirectory()) throw new StackConfigError(`${name}: is a directory in ${path.dirname(file)}, not a file`);
        if (!st.isFile()) throw new StackConfigError(`${name}: is not a regular file (in ${path.dirname(file)})`);
        if (st.size > MAX_STACK_FILE_BYTES)
            throw new StackConfigError(
                `${name}: is ${st.size} bytes; a Pulumi project or stack file may be at most ${MAX_STACK_FILE_BYTES} bytes`,
            );
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if (e instanceof StackConfigError) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") throw new StackConfigError(`${name}: file not found in ${path.dirname(file)}`);
        throw new StackConfigError(`${name}: cannot be read (${code ?? (e as Error).message})`);
    }
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (e) {
        throw new StackConfigError(`${name}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    if (doc === null || doc === undefined) return {};
    if (!isMapping(doc)) throw new StackConfigError(`${name}: must be a YAML mapping (key: value lines), not ${kindOf(doc)}`);
    return doc;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const kindOf = (v: unknown) => (Array.isArray(v) ? "a list" : v === null ? "null" : `a ${typeof v}`);

/** A number as YAML spells the values JSON cannot hold. */
const yamlNumber = (n: number) => (Number.isNaN(n) ? ".nan" : n > 0 ? ".inf" : "-.inf");

/** `a.b[0].c` and `a["x/y"]`, as config messages spell a key. */
const keyOf = (p: readonly (string | number)[]) =>
    p
        .map((s, i) =>
            typeof s === "number" ? `[${s}]` : i === 0 ? s : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`,
        )
        .join("");

interface Walked {
    value: unknown;
    /** Paths (below the top-level key) of the `secure:` values replaced. */
    secrets: (string | number)[][];
}

/** A config value with every `secure:` replaced by the placeholder; non-finite numbers refused. */
function walk(v: unknown, file: string, keyPath: (string | number)[], at: (string | number)[] = []): Walked {
    if (typeof v === "number" && !Number.isFinite(v))
        throw new StackConfigError(`${file}: ${keyOf(keyPath)} (${yamlNumber(v)}) is not a finite number; write a number`);
    if (Array.isArray(v)) {
        const parts = v.map((x, i) => walk(x, file, [...keyPath, i], [...at, i]));
        return { value: parts.map((p) => p.value), secrets: parts.flatMap((p) => p.secrets) };
    }
    if (!isMapping(v)) return { value: v, secrets: [] };
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "secure") {
        if (typeof v.secure !== "string" || v.secure === "")
            throw new StackConfigError(
                `${file}: ${keyOf(keyPath)}.secure must be the ciphertext that \`pulumi config set --secret\` writes (a non-empty string)`,
            );
        return { value: SECRET_PLACEHOLDER, secrets: [at] };
    }
    const out: Record<string, unknown> = {};
    const secrets: (string | number)[][] = [];
    for (const k of keys) {
        const w = walk(v[k], file, [...keyPath, k], [...at, k]);
        out[k] = w.value;
        secrets.push(...w.secrets);
    }
    return { value: out, secrets };
}

const asString = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export function listStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((f) => /^Pulumi\.([\w.-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined && stackNameProblem(s) === undefined)
        .sort();
}

/** A stack's validated config, read offline from `Pulumi.yaml` and `Pulumi.<stack>.yaml`. */
export function readAppConfig(projectDir: string, stack: string): Readonly<AppConfig> {
    const sc = readStackConfig(projectDir, stack);
    // The config module names each value's file and hides secrets' values when told where they come from.
    const origin = { files: sc.origins, secretKeys: sc.secretKeys };
    try {
        return parseConfig(rawConfig(sc.config, stack, origin), stack, origin);
    } catch (e) {
        throw e instanceof ConfigError ? attributeConfigError(e, sc, stack) : e;
    }
}

interface Entry {
    file: string;
    value: unknown;
    secrets: (string | number)[][];
}

export function readStackConfig(projectDir: string, stack: string): StackConfig {
    checkStackName(stack);
    const projectFile = "Pulumi.yaml";
    const project = readYaml(path.join(projectDir, projectFile));
    if (typeof project.name !== "string" || project.name === "")
        throw new StackConfigError(`${projectFile}: name must be the project's name (a non-empty string), not ${kindOf(project.name)}`);
    const name = project.name;
    const full = (k: string) => (k.includes(":") ? k : `${name}:${k}`);
    /** A key as messages name it: without this project's prefix. */
    const short = (k: string) => (k.startsWith(`${name}:`) ? k.slice(name.length + 1) : k);
    const entries = new Map<string, Entry>();
    const block = (doc: Record<string, unknown>, file: string) => {
        const c = doc.config ?? {};
        if (!isMapping(c)) throw new StackConfigError(`${file}: config must be a mapping of keys to values, not ${kindOf(c)}`);
        return c;
    };
    for (const [k, decl] of Object.entries(block(project, projectFile))) {
        let v: unknown;
        if (isMapping(decl) && ("default" in decl || "value" in decl)) v = "value" in decl ? decl.value : decl.default;
        else if (decl !== null && typeof decl !== "object") v = decl;
        else continue;
        entries.set(full(k), { file: projectFile, ...walk(v, projectFile, [short(k)]) });
    }
    const stackFile = `Pulumi.${stack}.yaml`;
    for (const [k, v] of Object.entries(block(readYaml(path.join(projectDir, stackFile)), stackFile)))
        entries.set(full(k), { file: stackFile, ...walk(v, stackFile, [short(k)]) });
    fitPlaceholders(entries, name, stack);

    const config: Record<string, string> = {};
    const origins: Record<string, string> = {};
    const secretKeys: string[] = [];
    const placeholders: { file: string; key: string }[] = [];
    for (const [k, e] of entries) {
        config[k] = asString(e.value);
        origins[k] = e.file;
        if (e.secrets.length) {
            secretKeys.push(k);
            const short = k.startsWith(`${name}:`) ? k.slice(name.length + 1) : k;
            for (const s of e.secrets) placeholders.push({ file: e.file, key: keyOf([short, ...s]) });
        }
    }
    return { project: name, config, secretKeys, origins, placeholders };
}

/**
 * Where this project's config schema refuses the plain placeholder at a secret's position (a
 * URL key), the URL placeholder stands in instead, so an offline run gets as far as it can.
 */
function fitPlaceholders(entries: Map<string, Entry>, project: string, stack: string): void {
    const secrets = [...entries]
        .filter(([k, e]) => e.secrets.length && k.startsWith(`${project}:`))
        .flatMap(([k, e]) => e.secrets.map((s) => ({ e, top: k.slice(project.length + 1), at: s })));
    if (!secrets.length) return;
    const refused = (): Set<string> | undefined => {
        try {
            const raw = rawConfig(Object.fromEntries([...entries].map(([k, e]) => [k, asString(e.value)])), stack);
            return new Set((ConfigSchema.safeParse(raw).error?.issues ?? []).map((i) => i.path.join("\u0000")));
        } catch {
            return undefined; // the program reports it
        }
    };
    const set = (e: Entry, at: (string | number)[], v: string) => {
        if (!at.length) e.value = v;
        else {
            let cur = e.value as Record<string | number, unknown>;
            for (const p of at.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
            cur[at[at.length - 1]] = v;
        }
    };
    const id = (s: { top: string; at: (string | number)[] }) => [s.top, ...s.at].join("\u0000");
    const first = refused();
    const retry = secrets.filter((s) => first?.has(id(s)));
    if (!retry.length) return;
    for (const s of retry) set(s.e, s.at, SECRET_URL_PLACEHOLDER);
    // Where the URL is refused as well, the plain placeholder stays: the message says what it stood in for.
    const second = refused();
    for (const s of retry) if (!second || second.has(id(s))) set(s.e, s.at, SECRET_PLACEHOLDER);
}

/**
 * A ConfigError of the program with each line attributed to the file the value comes from: a
 * project default is `Pulumi.yaml`'s, not the stack file's; a line about a `secure:` value says
 * that it stood in as a placeholder.
 */
export function attributeConfigError(e: ConfigError, sc: StackConfig, stack: string): ConfigError {
    const stackFile = `Pulumi.${stack}.yaml`;
    const lines = e.problems.map((line) => {
        if (!line.startsWith(`${stackFile}: `)) return line;
        const rest = line.slice(stackFile.length + 2);
        const key = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*/.exec(rest)?.[0];
        if (!key) return line;
        const top = key.split(/[.[]/)[0];
        const file = sc.origins[`${sc.project}:${top}`] ?? stackFile;
        const secret = sc.placeholders.find((p) => key === p.key || key.startsWith(`${p.key}.`) || key.startsWith(`${p.key}[`));
        const note = secret
            ? ` (${secret.key} is a secure: value in ${secret.file}, which an offline run cannot decrypt: it stood in as a placeholder; \`pulumi preview\` checks the real value)`
            : "";
        return `${file}: ${rest}${note}`;
    });
    return new ConfigError(lines);
}

/**
 * Where a Kubernetes provider renders to a directory (`cluster.renderYamlToDirectory`, the
 * `local` stack), `pulumi up` makes the provider write every object there, Secrets included,
 * with their values in plain text: the provider's own documentation of the option says "any
 * secret values used in these resources will be rendered in plaintext to the resulting YAML"
 * (@pulumi/kubernetes provider.d.ts). The render's own files redact Secrets; this says so.
 */
export function plainTextSecretsWarning(dir: string, secrets: readonly string[] | undefined): string {
    const which = secrets === undefined ? "every Secret of the stack" : `its ${secrets.length} Secret(s) (${secrets.join(", ")})`;
    return (
        `cluster.renderYamlToDirectory (${dir}): \`pulumi up\` makes the Kubernetes provider write ${which} into ${dir}/ ` +
        "with their generated passwords in plain text (base64 is not encryption); keep that directory private " +
        "(out/ is in .gitignore), never commit or share it, and delete it when done. npm run render's own files redact every Secret value."
    );
}
