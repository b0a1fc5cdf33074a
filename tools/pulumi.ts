/**
 * `npm run preview -- --stack <name>` and `npm run up -- --stack <name>`
 *
 * Runs the forecasting step (prints its report), then the Pulumi preview or update of that stack
 * with the policy pack and that environment's policy config, through the Automation API, with
 * the engine's progress streamed. Needs the Pulumi CLI and a backend login; says how to get
 * them when they are missing.
 *
 * Exit codes (EXIT): 0 success, 1 preview/update failed (or the stack could not be selected),
 * 2 usage (an option, the stack name, a missing or unreadable stack file, an unknown
 * environment), 3 mandatory policy violation, 4 Pulumi CLI or backend login missing, 70 internal
 * error (a bug).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { CliError, parseCommand, EXIT_INTERNAL, internalError, runMain, STDIO, withoutCredentials, type Io } from "./cli";
import { checkStackName, ENVIRONMENTS, plainTextSecretsWarning, readStackConfig, StackConfigError } from "../config/stackFile";

export const EXIT = { ok: 0, failed: 1, usage: 2, policy: 3, prerequisites: 4, internal: EXIT_INTERNAL } as const;

const PROJECT_DIR = path.resolve(__dirname, "..");

/** What is missing before Pulumi can run, as a message saying how to fix it; undefined when ready. */
export function checkPrerequisites(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const version = spawnSync("pulumi", ["version"], { encoding: "utf8", env });
    if (version.error || version.status !== 0) {
        return [
            "The Pulumi CLI is not installed (no `pulumi` on PATH).",
            "Install it: curl -fsSL https://get.pulumi.com | sh   (or see https://www.pulumi.com/docs/install/),",
            "or use the offline path that needs no CLI: npm run render / npm run policy / npm run forecast.",
        ].join("\n");
    }
    const who = spawnSync("pulumi", ["whoami"], { encoding: "utf8", env });
    if (who.status !== 0) {
        return [
            "The Pulumi CLI is not logged in to a backend.",
            "Log in: pulumi login (Pulumi Cloud; or set PULUMI_ACCESS_TOKEN), or a self-managed backend:",
            "pulumi login s3://<bucket> | file://~/.pulumi-state (or set PULUMI_BACKEND_URL).",
            (who.stderr || who.stdout).trim(),
        ]
            .filter(Boolean)
            .join("\n");
    }
    return undefined;
}

/** The policy config of a stack's environment (`policies/config/<env>.json`); a UsageError-like CliError otherwise. */
export function policyConfigFor(stack: string): string {
    const sc = stackConfigOf(stack);
    const env = sc.config[`${sc.project}:environment`];
    if (!ENVIRONMENTS.includes(env))
        throw new CliError(
            `Pulumi.${stack}.yaml: environment (${JSON.stringify(env)}) must be one of ${ENVIRONMENTS.join(", ")}; it picks policies/config/<environment>.json`,
            EXIT.usage,
        );
    return path.join(PROJECT_DIR, "policies", "config", `${env}.json`);
}

function stackConfigOf(stack: string) {
    try {
        checkStackName(stack, "--stack");
        if (!fs.existsSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`)))
            throw new StackConfigError(`Pulumi.${stack}.yaml not found in ${PROJECT_DIR}`);
        return readStackConfig(PROJECT_DIR, stack);
    } catch (e) {
        if (e instanceof StackConfigError) throw new CliError(e.message, EXIT.usage);
        throw e;
    }
}

/** The plain-text Secrets warning of a stack whose provider renders to a directory (the `local` stack). */
function renderDirectoryWarning(stack: string): string | undefined {
    const sc = stackConfigOf(stack);
    try {
        const dir = (JSON.parse(sc.config[`${sc.project}:cluster`] ?? "{}") as { renderYamlToDirectory?: unknown }).renderYamlToDirectory;
        return typeof dir === "string" && dir ? plainTextSecretsWarning(dir, undefined) : undefined;
    } catch {
        return undefined; // the program reports a cluster value it cannot read
    }
}

/** The CLI; resolves to the exit code (EXIT). */
export async function main(argv: string[], io: Io = STDIO): Promise<number> {
    const program = new Command()
        .name("pulumi.ts")
        .argument("<command>", "preview or up")
        .requiredOption("-s, --stack <name>", "stack (reads Pulumi.<name>.yaml)")
        .option("--expect-no-changes", "fail when the preview/update would change anything (drift and idempotence checks)")
        .option("--refresh", "refresh the stack's state from the cluster first")
        .option("--skip-forecast-report", "do not print the forecast report first");
    const parsed = parseCommand(program, argv, io, EXIT.usage);
    if (parsed !== undefined) return parsed;
    try {
        return await run(program.args[0], program.opts(), io);
    } catch (e) {
        if (e instanceof CliError) {
            io.err(e.message);
            return e.code;
        }
        return internalError("pulumi.ts", e, io);
    }
}

interface Options {
    readonly stack: string;
    readonly expectNoChanges?: boolean;
    readonly refresh?: boolean;
    readonly skipForecastReport?: boolean;
}

async function run(command: string | undefined, opts: Options, io: Io): Promise<number> {
    if (command !== "preview" && command !== "up")
        throw new CliError(`unknown command ${JSON.stringify(command)}: use preview or up`, EXIT.usage);
    const policyConfig = policyConfigFor(opts.stack);
    const missing = checkPrerequisites();
    if (missing) throw new CliError(missing, EXIT.prerequisites);
    const notice = command === "up" ? renderDirectoryWarning(opts.stack) : undefined;
    if (notice) io.err(`warning: ${notice}`);
    if (!opts.skipForecastReport) {
        const forecast = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "forecast.ts"), "--stack", opts.stack], {
            cwd: PROJECT_DIR,
            stdio: "inherit",
        });
        if (forecast.status !== 0)
            io.err(`(the forecast report failed with exit ${forecast.status}; continuing: the program falls back to configured bounds)`);
    }

    // Loaded here so the prerequisite messages above work even where the SDK cannot start.
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    let stack: Awaited<ReturnType<typeof LocalWorkspace.selectStack>>;
    try {
        stack = await LocalWorkspace.selectStack({ stackName: opts.stack, workDir: PROJECT_DIR });
    } catch (e) {
        throw new CliError(
            `pulumi ${command}: could not select stack ${opts.stack} (pulumi stack init ${opts.stack} creates it): ${withoutCredentials(lastLines(e, 3))}`,
            EXIT.failed,
        );
    }
    let mandatoryViolations = 0;
    const common = {
        policyPacks: [path.join(PROJECT_DIR, "policies")],
        policyPackConfigs: [policyConfig],
        refresh: opts.refresh,
        expectNoChanges: opts.expectNoChanges,
        color: "auto" as const,
        onOutput: (out: string) => process.stdout.write(out),
        onEvent: (e: { policyEvent?: { enforcementLevel: string } }) => {
            if (e.policyEvent?.enforcementLevel === "mandatory") mandatoryViolations++;
        },
    };
    io.out(`\n== pulumi ${command} --stack ${opts.stack} (policy pack policies/, config ${path.relative(PROJECT_DIR, policyConfig)})`);
    try {
        if (command === "preview") await stack.preview({ ...common, diff: true });
        else await stack.up({ ...common });
    } catch (e) {
        if (mandatoryViolations > 0)
            throw new CliError(`\n${mandatoryViolations} mandatory policy violation(s): nothing was changed.`, EXIT.policy);
        throw new CliError(`\npulumi ${command} failed: ${withoutCredentials(lastLines(e, 5))}`, EXIT.failed);
    }
    return mandatoryViolations > 0 ? EXIT.policy : EXIT.ok;
}

/** The last lines of an error's message (the Automation API puts the CLI's whole output in it). */
const lastLines = (e: unknown, n: number) => (e instanceof Error ? e.message : String(e)).trimEnd().split("\n").slice(-n).join("\n");

if (require.main === module) runMain("pulumi.ts", main);
