/**
 * `npm run preview -- --stack <name>` and `npm run up -- --stack <name>`
 *
 * Runs the forecasting step (prints its report), then the Pulumi preview or update of that stack
 * with the policy pack and that environment's policy config, through the Automation API, with
 * the engine's progress streamed. Needs the Pulumi CLI and a backend login; says how to get
 * them when they are missing.
 *
 * Exit codes: 0 success, 1 preview/update failed, 2 usage, 3 mandatory policy violation,
 * 4 Pulumi CLI or backend login missing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { readStackConfig } from "./stackConfig";

export const EXIT = { ok: 0, failed: 1, usage: 2, policy: 3, prerequisites: 4 } as const;

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

/** The policy config of a stack's environment. */
export function policyConfigFor(stack: string): string {
    const sc = readStackConfig(PROJECT_DIR, stack);
    return path.join(PROJECT_DIR, "policies", "config", `${sc.config[`${sc.project}:environment`]}.json`);
}

export async function main(argv: string[]): Promise<number> {
    const program = new Command()
        .name("pulumi.ts")
        .argument("<command>", "preview or up")
        .requiredOption("-s, --stack <name>", "stack (reads Pulumi.<name>.yaml)")
        .option("--expect-no-changes", "fail when the preview/update would change anything (drift and idempotence checks)")
        .option("--refresh", "refresh the stack's state from the cluster first")
        .option("--skip-forecast-report", "do not print the forecast report first")
        .exitOverride();
    try {
        program.parse(argv, { from: "user" });
    } catch (e) {
        return (e as { exitCode?: number }).exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const command = program.args[0];
    if (command !== "preview" && command !== "up") {
        console.error(`unknown command ${JSON.stringify(command)}: use preview or up`);
        return EXIT.usage;
    }
    const opts = program.opts<{ stack: string; expectNoChanges?: boolean; refresh?: boolean; skipForecastReport?: boolean }>();
    if (!fs.existsSync(path.join(PROJECT_DIR, `Pulumi.${opts.stack}.yaml`))) {
        console.error(`Pulumi.${opts.stack}.yaml not found in ${PROJECT_DIR}`);
        return EXIT.usage;
    }
    const missing = checkPrerequisites();
    if (missing) {
        console.error(missing);
        return EXIT.prerequisites;
    }
    if (!opts.skipForecastReport) {
        const forecast = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "forecast.ts"), "--stack", opts.stack], {
            cwd: PROJECT_DIR,
            stdio: "inherit",
        });
        if (forecast.status !== 0)
            console.error(
                `(the forecast report failed with exit ${forecast.status}; continuing: the program falls back to configured bounds)`,
            );
    }

    // Loaded here so the prerequisite messages above work even where the SDK cannot start.
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const stack = await LocalWorkspace.selectStack({ stackName: opts.stack, workDir: PROJECT_DIR });
    const policyConfig = policyConfigFor(opts.stack);
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
    console.log(`\n== pulumi ${command} --stack ${opts.stack} (policy pack policies/, config ${path.relative(PROJECT_DIR, policyConfig)})`);
    try {
        if (command === "preview") await stack.preview({ ...common, diff: true });
        else await stack.up({ ...common });
    } catch (e) {
        if (mandatoryViolations > 0) {
            console.error(`\n${mandatoryViolations} mandatory policy violation(s): nothing was changed.`);
            return EXIT.policy;
        }
        console.error(`\npulumi ${command} failed: ${(e as Error).message.split("\n").slice(-5).join("\n")}`);
        return EXIT.failed;
    }
    return mandatoryViolations > 0 ? EXIT.policy : EXIT.ok;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            console.error(e);
            process.exit(EXIT.failed);
        },
    );
}
