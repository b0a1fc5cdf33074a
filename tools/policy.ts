/**
 * `npm run policy -- --stack <name>` or `npm run policy -- --resources <file.json> --env <env>`
 *
 * Runs the whole CrossGuard pack (`policies/`) offline: renders the stack with the mock runtime
 * (or reads a resource list in the `npm run render -- --json` shape), builds the policy args the
 * way the engine does, applies `policies/config/<env>.json`, and prints the violations the way
 * `pulumi preview --policy-pack` does. Exit codes: 0 no mandatory violation, 1 mandatory
 * violations (or a render failure), 2 bad usage or input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { runPack, toPolicyResources, type DeclaredLike, type PackConfig, type Violation, resourceOfUrn } from "../policies/harness";
import { ALL_RULES } from "../policies/rules";
import { PROJECT_DIR, renderStack } from "./mockRuntime";
import { readStackConfig } from "./stackConfig";

const POLICY_DIR = path.join(PROJECT_DIR, "policies");
const PACK = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { name: string; version: string };

export class UsageError extends Error {}

/** The pack config of an environment (`policies/config/<env>.json`). */
export function packConfigFor(env: string): PackConfig {
    const file = path.join(POLICY_DIR, "config", `${env}.json`);
    if (!fs.existsSync(file))
        throw new UsageError(`no policy config for environment ${env} (expected ${path.relative(PROJECT_DIR, file)})`);
    return JSON.parse(fs.readFileSync(file, "utf8")) as PackConfig;
}

/** Reads and checks a resource list file (`[{type, name, inputs, options?}]`). */
export function readResources(file: string): DeclaredLike[] {
    let data: unknown;
    try {
        data = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new UsageError(
            `${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : `not valid JSON: ${(e as Error).message}`}`,
        );
    }
    if (!Array.isArray(data)) throw new UsageError(`${file}: expected a JSON array of {type, name, inputs, options?}`);
    data.forEach((r, i) => {
        const x = r as Record<string, unknown>;
        if (typeof x?.type !== "string" || typeof x.name !== "string" || typeof x.inputs !== "object" || x.inputs === null)
            throw new UsageError(`${file}: entry ${i} needs a string type, a string name and an inputs object`);
    });
    return data as DeclaredLike[];
}

/** The violations as the Pulumi CLI prints them, mandatory first. */
export function formatViolations(violations: readonly Violation[]): string[] {
    const mandatory = violations.filter((v) => v.level === "mandatory");
    const lines = ["Policies:", `    ${mandatory.length > 0 ? "❌" : "✅"} ${PACK.name}@v${PACK.version} (local: policies)`];
    for (const v of [...mandatory, ...violations.filter((x) => x.level === "advisory")]) {
        const r = v.urn ? resourceOfUrn(v.urn) : undefined;
        lines.push(
            `        - [${v.level}]  ${v.rule}  (${r ? `${r.type}: ${r.name}` : "stack"})`,
            `          ${v.description}`,
            `          ${v.message}`,
        );
    }
    return lines;
}

/** Runs the pack over declared resources with an environment's config. */
export async function checkResources(declared: readonly DeclaredLike[], env: string, stack = env): Promise<Violation[]> {
    return runPack(ALL_RULES, toPolicyResources(declared, stack), packConfigFor(env));
}

/** Where the CLI writes (the process streams by default; tests capture them). */
export interface Io {
    out(line: string): void;
    err(line: string): void;
}
const STDIO: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** The CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = STDIO): Promise<number> {
    const program = new Command()
        .name("npm run policy --")
        .description("Run the sysmanage-policies pack over a rendered stack or a resource list")
        .option("-s, --stack <name>", "render this stack (Pulumi.<name>.yaml) and check it with its environment's config")
        .option("-r, --resources <file>", "check a resource list [{type, name, inputs, options?}] (npm run render -- --json)")
        .option("-e, --env <env>", "environment whose policies/config/<env>.json applies (required with --resources)")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    try {
        program.parse(argv, { from: "user" });
    } catch (e) {
        return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
    }
    const opts = program.opts<{ stack?: string; resources?: string; env?: string }>();
    try {
        if (!!opts.stack === !!opts.resources) throw new UsageError("give exactly one of --stack <name> or --resources <file.json>");
        let declared: DeclaredLike[];
        let env: string;
        let stack: string;
        if (opts.stack) {
            stack = opts.stack;
            const sc = readStackConfig(PROJECT_DIR, stack);
            env = opts.env ?? sc.config[`${sc.project}:environment`] ?? stack;
            declared = (await renderStack(stack)).resources;
        } else {
            if (!opts.env) throw new UsageError("--resources needs --env <dev|staging|prod>");
            env = opts.env;
            stack = env;
            declared = readResources(opts.resources!);
        }
        const violations = await checkResources(declared, env, stack);
        for (const l of formatViolations(violations)) io.out(l);
        const mandatory = violations.filter((v) => v.level === "mandatory").length;
        const disabled = Object.values(packConfigFor(env)).filter(
            (c) => (typeof c === "string" ? c : c.enforcementLevel) === "disabled",
        ).length;
        io.out(
            `\n${stack} (policy config ${env}): ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s); ${ALL_RULES.length} rules, ${disabled} disabled.`,
        );
        return mandatory > 0 ? 1 : 0;
    } catch (e) {
        io.err(`policy check failed: ${(e as Error).message}`);
        return e instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => process.exit(code));
}
