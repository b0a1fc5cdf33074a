/**
 * `npm run render -- --stack <name> [--out <dir>] [--json <file>] [--config-dir <dir>]`
 *
 * Runs the real program under the Pulumi mock runtime with a stack's config, validates every
 * Kubernetes object, prints a summary, and writes one YAML file per object into a directory the
 * render owns (tools/renderOutput.ts). A render of what the program declares, not a diff
 * against a deployed stack.
 *
 * Exit codes (EXIT): 0 rendered, valid and written; 1 the stack does not render (its config,
 * the program, schema problems or admission violations); 2 usage (an option, the stack name or
 * an output path refused as given; nothing rendered or written); 3 the output could not be
 * written (file system; the output directory is left as it was); 70 internal error (a bug).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { stringify } from "yaml";
import { admissionRules, admissionWarnings, admit, formatViolation } from "../admission";
import { ConfigError } from "../config";
import { CliError, parseCommand, EXIT_INTERNAL, internalError, runMain, STDIO, withoutCredentials, type Io } from "./cli";
import { kubernetesObjects, PROJECT_DIR, renderStack, type DeclaredResource, type RenderResult } from "./mockRuntime";
import { checkJsonFile, checkOutDir, writeFileAtomic, writeRenderOutput } from "./renderOutput";
import { summarize } from "./renderSummary";
import { checkStackName, StackConfigError } from "../config/stackFile";
import { validateObjects, type K8sObject } from "./validation";

export { summarize } from "./renderSummary";

export const EXIT = { ok: 0, invalid: 1, usage: 2, write: 3, internal: EXIT_INTERNAL } as const;

/**
 * Errors of the program that describe its inputs (the stack's config, its export files), by
 * class name: the render reports them as an invalid stack (exit 1), never as a bug.
 */
const INPUT_ERRORS = new Set(["ConfigError", "StackConfigError", "IngestError", "ExportPathError", "BudgetError", "WalVolumeError"]);

/** Apply order: what others depend on first. Kinds not listed sort after, by name. */
const KIND_ORDER = [
    "Namespace",
    "NetworkPolicy",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "Service",
    "Deployment",
    "StatefulSet",
    "Cluster",
    "ScheduledBackup",
    "Pooler",
    "RedisCluster",
    "HorizontalPodAutoscaler",
    "VerticalPodAutoscaler",
    "PodDisruptionBudget",
    "ServiceMonitor",
    "PodMonitor",
    "Gateway",
    "HTTPRoute",
    "DNSEndpoint",
];

const kindRank = (kind: string) => {
    const i = KIND_ORDER.indexOf(kind);
    return i < 0 ? KIND_ORDER.length : i;
};

export function sortObjects(objects: readonly K8sObject[]): K8sObject[] {
    const key = (o: K8sObject) => [kindRank(String(o.kind)), String(o.kind), o.metadata?.namespace ?? "", o.metadata?.name ?? ""] as const;
    return [...objects].sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        return 0;
    });
}

/** File name of an object: `<rank>-<kind>-<namespace>-<name>.yaml`, stable across renders. */
export function objectFileName(o: K8sObject): string {
    const rank = String(kindRank(String(o.kind))).padStart(2, "0");
    const parts = [rank, String(o.kind).toLowerCase(), o.metadata?.namespace, o.metadata?.name].filter(Boolean);
    return `${parts.join("-")}.yaml`;
}

/** A Secret's values never reach files or the terminal, not even the render's placeholders. */
export function redactSecrets(o: K8sObject): K8sObject {
    if (o.kind !== "Secret") return o;
    const redact = (m: unknown) => (m && typeof m === "object" ? Object.fromEntries(Object.keys(m).map((k) => [k, "<redacted>"])) : m);
    return { ...o, ...(o.data ? { data: redact(o.data) } : {}), ...(o.stringData ? { stringData: redact(o.stringData) } : {}) };
}

/**
 * An object as YAML that every reader takes the same way: written under YAML 1.1 rules, so a
 * string that YAML 1.1 reads as another type (`on`, `off`, `yes`, `n`, `0755`, `1:20`) is quoted.
 * kubectl's decoder (sigs.k8s.io/yaml on go-yaml v2) is YAML 1.1: unquoted `on` would reach the
 * API server as `true`, and CloudNativePG's schema wants the string.
 */
export function manifestYaml(o: K8sObject): string {
    return stringify(o, { version: "1.1", lineWidth: 0, sortMapEntries: false });
}

/** The files of a render: one YAML file per object, by file name, in apply order. */
export function objectFiles(objects: readonly K8sObject[]): Map<string, string> {
    const files = new Map<string, string>();
    for (const o of sortObjects(objects)) {
        const name = objectFileName(o);
        if (files.has(name)) throw new Error(`two objects would be written to ${name}`);
        files.set(name, manifestYaml(redactSecrets(o)));
    }
    return files;
}

/** A string with the credentials of a URL in it (`scheme://user:password@host`) redacted. */
function withoutUrlCredentials(v: string): string {
    if (!v.includes("://") || !v.includes("@")) return v;
    try {
        const u = new URL(v);
        if (!u.username && !u.password) return v;
        u.username = "redacted";
        u.password = "";
        return u.toString();
    } catch {
        return withoutCredentials(v);
    }
}

export function resourcesJson(resources: readonly DeclaredResource[]): string {
    // Secret data, every password-like input and the credentials of URLs are redacted, placeholders included.
    const deep = (v: unknown): unknown =>
        typeof v === "string"
            ? withoutUrlCredentials(v)
            : Array.isArray(v)
              ? v.map(deep)
              : v && typeof v === "object"
                ? Object.fromEntries(
                      Object.entries(v).map(([k, x]) => [k, /password|uri/i.test(k) && typeof x === "string" ? "<redacted>" : deep(x)]),
                  )
                : v;
    const inputs = (r: DeclaredResource) => (r.type === "kubernetes:core/v1:Secret" ? redactSecrets(r.inputs) : deep(r.inputs));
    return (
        JSON.stringify(
            resources.map((r) => ({ type: r.type, name: r.name, inputs: inputs(r), options: r.options })),
            null,
            2,
        ) + "\n"
    );
}

/** What the render needs from outside, replaceable in tests. */
export interface RenderDeps {
    readonly render: typeof renderStack;
}

interface Options {
    readonly stack: string;
    readonly out?: string;
    readonly json?: string;
    readonly configDir?: string;
}

/** The CLI; resolves to the exit code (EXIT). */
export async function main(argv: string[], io: Io = STDIO, deps: RenderDeps = { render: renderStack }): Promise<number> {
    const program = new Command()
        .name("render")
        .description("Render a stack offline: run the program under the Pulumi mock runtime, validate and write its Kubernetes objects.")
        .requiredOption("-s, --stack <name>", "stack to render (reads Pulumi.<name>.yaml)")
        .option("-o, --out <dir>", "directory for the YAML files, owned by the render (default: out/<stack>)")
        .option("--json <file>", "also write every declared resource as JSON [{type, name, inputs, options}]")
        .option("--config-dir <dir>", "directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the project root)");
    const parsed = parseCommand(program, argv, io, EXIT.usage);
    if (parsed !== undefined) return parsed;
    const opts = program.opts<Options>();
    try {
        return await run(opts, io, deps);
    } catch (e) {
        if (e instanceof CliError) {
            io.err(`render failed: ${e.message}`);
            return e.code;
        }
        return internalError("render", e, io);
    }
}

/** Everything the options say, checked before the stack renders: a refused path costs no render. */
function checkOptions(opts: Options): { outDir: string; json?: string; configDir?: string } {
    try {
        checkStackName(opts.stack, "--stack");
    } catch (e) {
        throw new CliError((e as Error).message, EXIT.usage);
    }
    let configDir: string | undefined;
    if (opts.configDir !== undefined) {
        configDir = path.resolve(opts.configDir);
        if (!fs.statSync(configDir, { throwIfNoEntry: false })?.isDirectory())
            throw new CliError(`--config-dir ${opts.configDir}: is not a directory`, EXIT.usage);
    }
    const outDir = checkOutDir(
        opts.out ?? path.join(PROJECT_DIR, "out", opts.stack),
        opts.out === undefined ? "output directory" : "--out",
    );
    const json = opts.json === undefined ? undefined : checkJsonFile(opts.json, outDir);
    return { outDir, json, configDir };
}

async function run(opts: Options, io: Io, deps: RenderDeps): Promise<number> {
    const { outDir, json, configDir } = checkOptions(opts);
    const started = process.hrtime.bigint();
    let result: RenderResult;
    try {
        result = await deps.render(opts.stack, { configDir });
    } catch (e) {
        if (e instanceof ConfigError || e instanceof StackConfigError || (e instanceof Error && INPUT_ERRORS.has(e.name))) {
            io.err(`render failed: invalid configuration for stack ${opts.stack}:\n${withoutCredentials(e.message)}`);
            return EXIT.invalid;
        }
        throw new Error(
            `the program threw while declaring resources for stack ${opts.stack}: ${e instanceof Error ? e.message : String(e)}`,
            {
                cause: e,
            },
        );
    }
    const objects = kubernetesObjects(result.resources) as K8sObject[];
    const problems = await validateObjects(objects);
    const violations = problems.length ? [] : admit(objects);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    io.out(summarize({ ...result, warnings: [...result.warnings, ...admissionWarnings(objects)] }));
    if (problems.length) {
        io.err(`\nrender failed: ${problems.length} schema problems:\n${problems.map((p) => `  ${p}`).join("\n")}`);
        return EXIT.invalid;
    }
    if (violations.length) {
        io.err(
            `\nrender failed: a cluster would refuse ${violations.length} of these objects or their pods:\n${violations.map((v) => `  ${formatViolation(v)}`).join("\n")}`,
        );
        return EXIT.invalid;
    }
    const files = objectFiles(objects);
    await writeRenderOutput(outDir, opts.stack, files, opts.out === undefined ? `output directory ${outDir}` : `--out ${opts.out}`);
    io.out(`\nValidated ${objects.length} Kubernetes objects against the Kubernetes schemas and upstream CRDs: no problems.`);
    io.out(
        `Admission check (${admissionRules().length} rules ported from the API server, Pod Security Admission, CloudNativePG, redis-operator, the VPA, KEDA and Karpenter's NodePool CRD): no violations.`,
    );
    io.out(`Wrote ${files.size} files to ${path.relative(process.cwd(), outDir) || "."}/`);
    if (json) {
        writeFileAtomic(json, resourcesJson(result.resources), `--json ${opts.json}`);
        io.out(`Wrote ${result.resources.length} resources to ${opts.json}`);
    }
    io.out(`Rendered in ${(ms / 1000).toFixed(2)} s.`);
    return EXIT.ok;
}

if (require.main === module) runMain("render", main);
