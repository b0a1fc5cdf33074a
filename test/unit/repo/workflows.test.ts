import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../../tools/mockRuntime";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateWorkflow } = require("@action-validator/core") as { validateWorkflow: (src: string) => { errors: unknown[] } };

const DIR = path.join(PROJECT_DIR, ".github", "workflows");
type Obj = Record<string, any>;
const load = (f: string): Obj => parse(fs.readFileSync(path.join(DIR, f), "utf8"));
const steps = (job: Obj): Obj[] => job.steps ?? [];
const pulumiSteps = (job: Obj) => steps(job).filter((s) => String(s.uses ?? "").startsWith("pulumi/actions@"));

describe("GitHub Actions workflows", () => {
    test("every workflow file is valid against the workflow schema (action-validator)", () => {
        const files = fs.readdirSync(DIR).sort();
        assert.deepEqual(files, ["deploy-stack.yml", "deploy.yml", "drift.yml", "forecast-refresh.yml", "preview.yml"]);
        for (const f of files) assert.deepEqual(validateWorkflow(fs.readFileSync(path.join(DIR, f), "utf8")).errors, [], f);
    });

    test("preview: on pull requests, concurrency per PR, lint + tests first, then a policy-checked preview per environment", () => {
        const w = load("preview.yml");
        assert.deepEqual(Object.keys(w.on), ["pull_request"]);
        assert.equal(w.concurrency.group, "preview-${{ github.event.pull_request.number }}");
        const t = w.jobs.test;
        const runs = steps(t)
            .map((s) => s.run)
            .filter(Boolean);
        // The test job runs what CI runs: install, Node check, lint, typecheck, the README's test command.
        assert.deepEqual(runs, ["bash .ci/run"]);
        assert.equal(steps(t).find((s) => s.uses === "actions/setup-node@v4")!.with.cache, "npm");
        const p = w.jobs.preview;
        assert.equal(p.needs, "test");
        assert.deepEqual(p.strategy.matrix.stack, ["dev", "staging", "prod"]);
        const [preview] = pulumiSteps(p);
        assert.deepEqual(
            {
                command: preview.with.command,
                stack: preview.with["stack-name"],
                packs: preview.with.policyPacks,
                config: preview.with.policyPackConfigs,
            },
            { command: "preview", stack: "${{ matrix.stack }}", packs: "policies", config: "policies/config/${{ matrix.stack }}.json" },
        );
        // The forecasting step runs before the preview, refreshing from Prometheus only when configured.
        const forecast = steps(p).findIndex((s) => /npm run --silent forecast/.test(s.run ?? ""));
        assert.ok(forecast >= 0 && forecast < steps(p).indexOf(preview));
        assert.match(steps(p)[forecast].run, /if \[ -n "\$PROMETHEUS_URL" \]; then .*--refresh/);
        // The cost table's base column (issue 17): the base branch's stack files, fetched before the forecast prices them.
        const base = steps(p).findIndex((s) => /git show FETCH_HEAD:Pulumi\.yaml > base-config\/Pulumi\.yaml/.test(s.run ?? ""));
        assert.ok(base >= 0 && base < forecast);
        assert.match(steps(p)[forecast].run, /--base-config-dir base-config/);
        // The charts' PNG text needs a font on the runner, installed before the forecast draws them.
        const font = steps(p).findIndex((s) => /apt-get install .*fonts-dejavu-core/.test(s.run ?? ""));
        assert.ok(font >= 0 && font < forecast);
        // One comment per environment, found by its marker and updated.
        const comment = steps(p).find((s) => s.uses === "actions/github-script@v7")!;
        assert.match(comment.with.script, /sysmanage-preview:\$\{process\.env\.STACK\}/);
        assert.match(comment.with.script, /updateComment/);
    });

    test("every environment's policy config exists", () => {
        for (const env of ["dev", "staging", "prod"])
            assert.ok(fs.existsSync(path.join(PROJECT_DIR, "policies", "config", `${env}.json`)), env);
    });

    test("deploy: on pushes to main, dev -> staging -> prod, each a GitHub environment, up then an idempotence check", () => {
        const w = load("deploy.yml");
        assert.deepEqual(w.on, { push: { branches: ["main"] } });
        assert.deepEqual(
            Object.entries(w.jobs as Record<string, Obj>).map(([k, j]) => [k, j.needs ?? null, j.with.stack, j.uses]),
            [
                ["dev", null, "dev", "./.github/workflows/deploy-stack.yml"],
                ["staging", "dev", "staging", "./.github/workflows/deploy-stack.yml"],
                ["prod", "staging", "prod", "./.github/workflows/deploy-stack.yml"],
            ],
        );
        const job = load("deploy-stack.yml").jobs.up;
        assert.equal(job.environment, "${{ inputs.stack }}");
        const [up, check] = pulumiSteps(job);
        assert.deepEqual(
            [up.with.command, up.with.policyPacks, up.with.policyPackConfigs],
            ["up", "policies", "policies/config/${{ inputs.stack }}.json"],
        );
        assert.deepEqual([check.with.command, check.with["expect-no-changes"]], ["preview", true]);
    });

    test("forecast-refresh: daily, the same dev -> staging -> prod path as deploy (the refresh, up with the pack), never beside a deploy", () => {
        const w = load("forecast-refresh.yml");
        assert.deepEqual(w.on, { schedule: [{ cron: "7 4 * * *" }], workflow_dispatch: {} });
        assert.deepEqual(w.concurrency, load("deploy.yml").concurrency);
        assert.deepEqual(w.jobs, load("deploy.yml").jobs);
        // deploy-stack.yml refreshes the exports when the environment has a Prometheus.
        const refresh = (load("deploy-stack.yml").jobs.up.steps as Obj[]).find((s) => s.name === "Forecasting step");
        assert.match(refresh?.run ?? "", /npm run --silent forecast -- --stack \$\{\{ inputs\.stack \}\} --refresh/);
    });

    test("drift: nightly refresh preview per environment, opens or updates an issue on drift", () => {
        const w = load("drift.yml");
        assert.deepEqual(w.on.schedule, [{ cron: "17 3 * * *" }]);
        const job = w.jobs.drift;
        assert.deepEqual(job.strategy.matrix.stack, ["dev", "staging", "prod"]);
        const [preview] = pulumiSteps(job);
        assert.deepEqual([preview.with.refresh, preview.with["expect-no-changes"], preview["continue-on-error"]], [true, true, true]);
        const issue = steps(job).find((s) => s.uses === "actions/github-script@v7")!;
        assert.equal(issue.if, "steps.preview.outcome == 'failure'");
        assert.match(issue.with.script, /issues\.create\(/);
        assert.match(issue.with.script, /createComment/);
    });

    test("secrets are inputs, never inlined into shell scripts", () => {
        for (const f of fs.readdirSync(DIR)) {
            const text = fs.readFileSync(path.join(DIR, f), "utf8");
            for (const line of text.split("\n").filter((l) => /\$\{\{\s*secrets\./.test(l))) {
                assert.match(line, /^\s*[A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\}$/, `${f}: ${line.trim()}`);
            }
        }
    });
});
