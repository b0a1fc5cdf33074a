/**
 * `npm run policy -- --stack <name>` or `npm run policy -- --resources <file.json> --env <env>`
 *
 * Runs the whole CrossGuard pack (`policies/`) offline: renders the stack with the mock runtime
 * (or reads a resource list in the `npm run render -- --json` shape, checked by
 * tools/policyInput.ts), builds the policy args the way the engine does, applies the pack config
 * of an environment (`policies/config/<env>.json`, env one of dev, staging, prod) or of a file
 * (`--config`), and prints the violations the way `pulumi preview --policy-pack` does.
 *
 * Exit codes (EXIT): 0 no mandatory violation; 1 mandatory violations; 2 usage or input (an
 * option, the stack name, the environment, an unreadable, oversized or invalid resource list or
 * pack config); 3 the stack does not render (its config or program); 70 internal error (a bug,
 * including a rule that throws on valid input).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { ConfigError } from "../config";
import {
    PolicyRuleError,
    resourceOfUrn,
    runPack,
    toPolicyResources,
    type DeclaredLike,
    type PackConfig,
    type Violation,
} from "../policies/harness";
import { ALL_RULES } from "../policies/rules";
import { CliError, parseCommand, EXIT_INTERNAL, internalError, runMain, STDIO, withoutCredentials, type Io } from "./cli";
import { PROJECT_DIR, renderStack } from "./mockRuntime";
import { checkPackConfig, InputError, readPackConfig, readResources } from "./policyInput";
import { checkStackName, ENVIRONMENTS, readStackConfig, StackConfigError } from "../config/stackFile";

export { readResources } from "./policyInput";
export type { Io } from "./cli";

export const EXIT = { ok: 0, mandatory: 1, usage: 2, render: 3, internal: EXIT_INTERNAL } as const;
export { ENVIRONMENTS } from "../config/stackFile";

const POLICY_DIR = path.join(PROJECT_DIR, "policies");
const PACK = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { name: string; version: string };

/** A usage or input error (exit 2). */
export class UsageError extends CliError {
    constructor(message: string) {
        super(message, EXIT.usage);
    }
}

/** Throws a UsageError unless `env` is one of ENVIRONMENTS. */
function checkEnv(env: string, what: string): void {
    if (!ENVIRONMENTS.includes(env))
        throw new UsageError(
            `${what} ${JSON.stringify(env.slice(0, 100))}: must be one of ${ENVIRONMENTS.join(", ")} (policies/config/<env>.json), or give a pack config with --config <file>`,
        );
}

/** The pack config of an environment (`policies/config/<env>.json`; env one of ENVIRONMENTS). */
export function packConfigFor(env: string): PackConfig {
    checkEnv(env, "environment");
    const file = path.join(POLICY_DIR, "config", `${env}.json`);
    return checkPackConfig(JSON.parse(fs.readFileSync(file, "utf8")), path.relative(PROJECT_DIR, file), ALL_RULES);
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

/** Runs the pack over declared resources with an environment's config (or a given one). */
export async function checkResources(
    declared: readonly DeclaredLike[],
    env: string,
    stack = env,
    config?: PackConfig,
): Promise<Violation[]> {
    return runPack(ALL_RULES, toPolicyResources(declared, stack), config ?? packConfigFor(env));
}

interface Options {
    readonly stack?: string;
    readonly resources?: string;
    readonly env?: string;
    readonly config?: string;
}

/** The CLI; resolves to the exit code (EXIT). */
export async function main(argv: string[], io: Io = STDIO): Promise<number> {
    const program = new Command()
        .name("npm run policy --")
        .description("Run the sysmanage-policies pack over a rendered stack or a resource list")
        .option("-s, --stack <name>", "render this stack (Pulumi.<name>.yaml) and check it with its environment's config")
        .option("-r, --resources <file>", "check a resource list [{type, name, inputs, options?}] (npm run render -- --json)")
        .option("-e, --env <env>", `environment whose policies/config/<env>.json applies: ${ENVIRONMENTS.join(", ")}`)
        .option("-c, --config <file>", "pack config file to apply instead (the format of policies/config/<env>.json)");
    const parsed = parseCommand(program, argv, io, EXIT.usage);
    if (parsed !== undefined) return parsed;
    try {
        return await run(program.opts<Options>(), io);
    } catch (e) {
        if (e instanceof CliError || e instanceof InputError) {
            io.err(`policy check failed: ${e.message}`);
            return e instanceof CliError ? e.code : EXIT.usage;
        }
        if (e instanceof PolicyRuleError)
            return internalError("policy", new Error(`${e.message} (pack ${PACK.name}@v${PACK.version})`), io);
        return internalError("policy", e, io);
    }
}

/** Runs `f`; an input error it throws names the option the file came from (`--resources <file>: ...`). */
async function withOption<T>(option: string, f: () => T | Promise<T>): Promise<T> {
    try {
        return await f();
    } catch (e) {
        if (e instanceof InputError) throw new UsageError(`${option} ${e.message}`);
        throw e;
    }
}

/** The resources to check, the stack name for their URNs, and the environment. */
async function declaredOf(opts: Options): Promise<{ declared: readonly DeclaredLike[]; stack: string; env?: string }> {
    if (opts.stack !== undefined) {
        try {
            checkStackName(opts.stack, "--stack");
        } catch (e) {
            throw new UsageError((e as Error).message);
        }
        try {
            const declared = (await renderStack(opts.stack)).resources;
            const sc = readStackConfig(PROJECT_DIR, opts.stack);
            return { declared, stack: opts.stack, env: opts.env ?? sc.config[`${sc.project}:environment`] };
        } catch (e) {
            if (
                e instanceof ConfigError ||
                e instanceof StackConfigError ||
                (e instanceof Error && /^(IngestError|ExportPathError)$/.test(e.name))
            )
                throw new CliError(`stack ${opts.stack} does not render:\n${withoutCredentials(e.message)}`, EXIT.render);
            throw e;
        }
    }
    if (opts.env === undefined && opts.config === undefined)
        throw new UsageError(`--resources needs --env <${ENVIRONMENTS.join("|")}> or --config <file>`);
    return {
        declared: await withOption("--resources", () => readResources(opts.resources!)),
        stack: opts.env ?? "resources",
        env: opts.env,
    };
}

async function run(opts: Options, io: Io): Promise<number> {
    if ((opts.stack !== undefined) === (opts.resources !== undefined))
        throw new UsageError("give exactly one of --stack <name> or --resources <file.json>");
    if (opts.env !== undefined) checkEnv(opts.env, "--env");
    const config = opts.config !== undefined ? await withOption("--config", () => readPackConfig(opts.config!, ALL_RULES)) : undefined;
    const { declared, stack, env } = await declaredOf(opts);
    if (!config) checkEnv(env ?? "", `environment of stack ${stack}`);
    const pack = config ?? packConfigFor(env!);
    const violations = await checkResources(declared, env ?? stack, stack, pack);
    for (const l of formatViolations(violations)) io.out(l);
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const disabled = ALL_RULES.filter((r) => {
        const c = pack[r.name] ?? pack.all;
        return (typeof c === "string" ? c : c?.enforcementLevel) === "disabled";
    }).length;
    io.out(
        `\n${stack} (policy config ${config ? opts.config : env}): ${mandatory} mandatory and ${violations.length - mandatory} advisory violation(s); ${ALL_RULES.length} rules, ${disabled} disabled.`,
    );
    return mandatory > 0 ? EXIT.mandatory : EXIT.ok;
}

if (require.main === module) runMain("policy", main);
