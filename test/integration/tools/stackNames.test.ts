/**
 * Issue 13, defect 7 (stack names): `--stack a/../../x/Pulumi.dev` read a stack file outside the
 * project and wrote elsewhere. Every place that takes a stack name checks it by Pulumi's
 * grammar first (pulumi/pulumi sdk/go/common/tokens/stack_name.go, ParseStackName).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { main as policy } from "../../../tools/policy";
import { main as render } from "../../../tools/render";
import { readStackConfig, stackNameProblem } from "../../../config/stackFile";
import { capture, changed, snapshot, stubRender, tempDir, tempProject } from "../../support/cli";

const tmp = tempDir("cli-stack-names");
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("stackNameProblem: Pulumi's stack-name rule", () => {
    it("accepts letters, digits, -, _ and . up to 100 characters", () => {
        for (const ok of ["dev", "local", "Prod_2", "eu-west.1", "a", "x".repeat(100), "...", ".dev"])
            assert.equal(stackNameProblem(ok), undefined, ok);
    });
    it("refuses everything else, saying why", () => {
        const cases: [string, string][] = [
            ["", "a stack name may not be empty"],
            ["x".repeat(101), "a stack name cannot exceed 100 characters"],
            [
                "a/../../x/Pulumi.dev",
                'a stack name may only contain letters, digits, "-", "_" or "." (Pulumi\'s rule): invalid character "/" at position 1',
            ],
            [
                "dev ",
                'a stack name may only contain letters, digits, "-", "_" or "." (Pulumi\'s rule): invalid character " " at position 3',
            ],
            ["dév", 'a stack name may only contain letters, digits, "-", "_" or "." (Pulumi\'s rule): invalid character "é" at position 1'],
            [
                "a\nb",
                'a stack name may only contain letters, digits, "-", "_" or "." (Pulumi\'s rule): invalid character "\\n" at position 1',
            ],
            ["..", 'a stack name may not be "." or ".." (it names a directory in out/ and exports/)'],
            [".", 'a stack name may not be "." or ".." (it names a directory in out/ and exports/)'],
        ];
        for (const [name, why] of cases) assert.equal(stackNameProblem(name), why, JSON.stringify(name));
    });
    it("readStackConfig refuses a bad name before building any path", () => {
        assert.throws(() => readStackConfig(PROJECT_DIR, "../dev"), {
            name: "StackConfigError",
            message:
                'stack "../dev": a stack name may only contain letters, digits, "-", "_" or "." (Pulumi\'s rule): invalid character "/" at position 2',
        });
    });
});

describe("--stack with a path in it is a usage error everywhere (exit 2), and nothing outside is read or written", () => {
    // A stack file where `Pulumi.a/../../x/Pulumi.dev.yaml` resolves from the project.
    const project = tempProject({}, path.join(tmp, "p", "project"));
    fs.mkdirSync(path.join(tmp, "x"), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), path.join(tmp, "x", "Pulumi.dev.yaml"));
    const bad = "a/../../x/Pulumi.dev";
    const message = `--stack "${bad}": a stack name may only contain letters, digits, "-", "_" or "." (Pulumi's rule): invalid character "/" at position 1`;

    it("render (it used to render the outside file and write to out/a/../../x/Pulumi.dev)", async () => {
        const before = snapshot(tmp);
        const r = await capture((a, io) => render(a, io, stubRender()), ["--stack", bad, "--config-dir", project]);
        assert.deepEqual([r.code, r.err, r.out], [2, `render failed: ${message}\n`, ""]);
        assert.deepEqual(changed(before, snapshot(tmp)), []);
    });
    it("policy", async () => {
        const r = await capture(policy, ["--stack", bad]);
        assert.deepEqual([r.code, r.err, r.out], [2, `policy check failed: ${message}\n`, ""]);
    });
    it("preview / up (tools/pulumi.ts), before looking for the Pulumi CLI", () => {
        const r = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "tools", "pulumi.ts"), "up", "--stack", bad], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            env: { PATH: path.dirname(process.execPath), HOME: tmp },
        });
        assert.deepEqual([r.status, r.stderr, r.stdout], [2, `${message}\n`, ""]);
    });
});
