import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { EXIT, policyConfigFor } from "../../../tools/pulumi";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `npm run preview|up` (tools/pulumi.ts) with a PATH holding only node and the given fake binaries. */
function run(args: string[], fakes: Record<string, string> = {}) {
    const bin = fs.mkdtempSync(path.join(tmp, "bin-"));
    for (const [name, script] of Object.entries(fakes)) {
        fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    }
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "tools", "pulumi.ts"), ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        env: { PATH: `${bin}:${path.dirname(process.execPath)}:/bin`, HOME: tmp },
        timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run preview / up (Automation API)", () => {
    test("without the Pulumi CLI: exit 4 and how to install it", () => {
        const r = run(["preview", "--stack", "dev"]);
        assert.equal(r.code, EXIT.prerequisites);
        assert.match(r.stderr, /^The Pulumi CLI is not installed \(no `pulumi` on PATH\)\.$/m);
        assert.match(r.stderr, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    });
    test("with the CLI but no backend login: exit 4 and how to log in", () => {
        const r = run(["up", "--stack", "dev"], {
            pulumi: 'if [ "$1" = version ]; then echo v3.200.0; exit 0; fi; echo "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions" >&2; exit 255',
        });
        assert.equal(r.code, EXIT.prerequisites);
        assert.match(r.stderr, /^The Pulumi CLI is not logged in to a backend\.$/m);
        assert.match(r.stderr, /pulumi login s3:\/\/<bucket> \| file:\/\/~\/\.pulumi-state/);
        assert.match(r.stderr, /PULUMI_ACCESS_TOKEN must be set/);
    });
    test("usage errors: exit 2", () => {
        assert.equal(run(["destroy", "--stack", "dev"]).code, EXIT.usage);
        assert.equal(run(["preview"]).code, EXIT.usage);
        const missing = run(["preview", "--stack", "nope"]);
        assert.equal(missing.code, EXIT.usage);
        assert.equal(missing.stderr, `Pulumi.nope.yaml not found in ${PROJECT_DIR}\n`);
    });
    test("exit codes are distinct", () => {
        assert.equal(new Set(Object.values(EXIT)).size, Object.keys(EXIT).length);
    });
    test("each stack previews with its environment's policy config", () => {
        for (const [stack, env] of [
            ["dev", "dev"],
            ["staging", "staging"],
            ["prod", "prod"],
            ["local", "dev"],
        ]) {
            assert.equal(policyConfigFor(stack), path.join(PROJECT_DIR, "policies", "config", `${env}.json`));
        }
    });
});
