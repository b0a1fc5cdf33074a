/**
 * Issue 13, defect 12: the `local` stack renders to a directory through the Kubernetes
 * provider (cluster.renderYamlToDirectory), and the provider writes Secret manifests there with
 * their values in plain text ("any secret values used in these resources will be rendered in
 * plaintext", @pulumi/kubernetes provider.d.ts). The user is told where they look: in the
 * render's summary and before `npm run up`. The render's own files keep every value redacted.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { MOCK_PASSWORD, PROJECT_DIR } from "../../../tools/mockRuntime";
import { main as render } from "../../../tools/render";
import { plainTextSecretsWarning } from "../../../config/stackFile";
import { capture, tempDir } from "../../support/cli";

const tmp = tempDir("cli-local-secrets");
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the local stack's plain-text Secrets", () => {
    it("the render's summary says so, naming the directory and each Secret", async () => {
        const out = path.join(tmp, "local");
        const r = await capture(render, ["--stack", "local", "--out", out]);
        assert.equal(r.code, 0, r.err);
        const line =
            "  warning: cluster.renderYamlToDirectory (out/local-manifests): `pulumi up` makes the Kubernetes provider write its 5 Secret(s) " +
            "(sysmanage-local/sysmanage-analytics, sysmanage-local/sysmanage-read, sysmanage-local/sysmanage-write, sysmanage-local/sysmanage-redis-auth, " +
            "sysmanage-local/sysmanage-redis-sessions-auth) " +
            "into out/local-manifests/ with their generated passwords in plain text (base64 is not encryption); keep that directory private " +
            "(out/ is in .gitignore), never commit or share it, and delete it when done. npm run render's own files redact every Secret value.";
        assert.equal(r.out.split("\n").filter((l) => l === line).length, 1, r.out);
        for (const f of fs.readdirSync(out)) assert.ok(!fs.readFileSync(path.join(out, f), "utf8").includes(MOCK_PASSWORD), f);
    });
    it("a stack without renderYamlToDirectory gets no such warning", async () => {
        const r = await capture(render, ["--stack", "dev", "--out", path.join(tmp, "dev")]);
        assert.equal(r.code, 0, r.err);
        assert.doesNotMatch(r.out, /renderYamlToDirectory/);
    });
    it("`npm run up -- --stack local` says so before it runs", () => {
        const bin = path.join(tmp, "bin");
        fs.mkdirSync(bin);
        // A Pulumi CLI that is installed and logged in, but has no stack `local`.
        fs.writeFileSync(
            path.join(bin, "pulumi"),
            '#!/bin/sh\ncase "$1" in version) echo v3.200.0;; whoami) echo me;; *) echo "error: no stack named \'local\' found" >&2; exit 255;; esac\n',
            { mode: 0o755 },
        );
        const r = spawnSync(
            process.execPath,
            ["--import", "tsx", path.join(PROJECT_DIR, "tools", "pulumi.ts"), "up", "--stack", "local", "--skip-forecast-report"],
            {
                cwd: PROJECT_DIR,
                encoding: "utf8",
                env: { PATH: `${bin}:${path.dirname(process.execPath)}:/bin:/usr/bin`, HOME: tmp, PULUMI_SKIP_UPDATE_CHECK: "true" },
                timeout: 60_000,
            },
        );
        assert.equal(r.stderr.split("\n")[0], `warning: ${plainTextSecretsWarning("out/local-manifests", undefined)}`);
        assert.match(
            plainTextSecretsWarning("out/local-manifests", undefined),
            /write every Secret of the stack into out\/local-manifests\/ with their generated passwords in plain text/,
        );
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /^pulumi up: could not select stack local \(pulumi stack init local creates it\): /m);
    });
});
