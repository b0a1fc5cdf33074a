import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../../tools/renderCompare";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { capture, tempDir } from "../../support/cli";

describe("npm run render:compare", () => {
    const dir = tempDir("render-compare");
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("a clean checkout against its HEAD declares the same resources (exit 0); a changed stack file shows the difference (exit 1)", () => {
        // A clone of the committed tree, so uncommitted work here cannot make the comparison differ.
        const clone = path.join(dir, "clone");
        execFileSync("git", ["clone", "-q", PROJECT_DIR, clone]);
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(clone, "node_modules"));
        const run = () =>
            spawnSync(
                path.join(PROJECT_DIR, "node_modules", ".bin", "node"),
                ["--import", "tsx", "tools/renderCompare.ts", "--stacks", "local"],
                {
                    cwd: clone,
                    encoding: "utf8",
                },
            );
        const same = run();
        assert.equal(same.status, 0, same.stderr);
        assert.match(same.stdout, /^local: the same \d+ resources$/m);
        const file = path.join(clone, "Pulumi.local.yaml");
        fs.writeFileSync(
            file,
            fs.readFileSync(file, "utf8").replace("sysmanage-scaling:namespace: sysmanage-local", "sysmanage-scaling:namespace: other-ns"),
        );
        const changed = run();
        assert.equal(changed.status, 1, changed.stderr);
        assert.match(changed.stdout, /^local: \d+ differences$/m);
        assert.match(
            changed.stdout,
            /^ {2}~ kubernetes:core\/v1:Namespace::app-namespace: \/inputs\/metadata\/name: "sysmanage-local" → "other-ns"$/m,
        );
    });

    test("an unknown ref or stack is a usage error (exit 2), named", async () => {
        const ref = await capture(main, ["--base", "no-such-ref-x", "--stacks", "local"]);
        assert.deepEqual([ref.code, ref.err.trim()], [2, "render:compare failed: --base no-such-ref-x: not a commit of this repository"]);
        const stack = await capture(main, ["--stacks", "nope"]);
        assert.equal(stack.code, 2);
        assert.match(stack.err, /^render:compare failed: --stacks: no stack file for nope \(stacks: /);
    });
});
