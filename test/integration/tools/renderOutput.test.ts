/**
 * Issue 13, defects 2 and 6 (render): the render removes only what it wrote, refuses a directory
 * holding anything else, writes atomically (two renders into one folder leave one whole
 * render), and maps bad `--out` / `--json` paths to messages and exit 2, never a raw EISDIR.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../../../tools/cli";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { main } from "../../../tools/render";
import { checkOutDir, MARKER, writeRenderOutput } from "../../../tools/renderOutput";
import { capture, changed, snapshot, stubRender, tempDir, tempProject } from "../../support/cli";

const tmp = tempDir("cli-render-output");
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const render = (...argv: string[]) => capture((a, io) => main(a, io, stubRender()), argv);
const DEV = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8");

describe("render --out: only what it wrote", () => {
    it("--out . in a project refuses, and deletes nothing (it used to delete Pulumi.yaml and every stack file)", async () => {
        const project = tempProject({ dev: DEV, prod: "config: {}\n" }, path.join(tmp, "project"));
        fs.writeFileSync(path.join(project, "notes.yaml"), "mine: true\n");
        const before = snapshot(project);
        const cwd = process.cwd();
        process.chdir(project);
        let r;
        try {
            r = await render("--stack", "dev", "--config-dir", ".", "--out", ".");
        } finally {
            process.chdir(cwd);
        }
        assert.deepEqual(
            [r.code, r.err, r.out],
            [
                2,
                `render failed: --out .: is not empty and not a render's output (it has no ${MARKER} list): it holds "Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.yaml", "notes.yaml"; give a new or empty directory\n`,
                "",
            ],
        );
        assert.deepEqual(changed(before, snapshot(project)), []);
    });
    it("a render's own directory with a file the render did not write is refused, the file kept", async () => {
        const out = path.join(tmp, "owned");
        assert.equal((await render("--stack", "dev", "--out", out)).code, 0);
        fs.writeFileSync(path.join(out, "kustomization.yaml"), "resources: []\n");
        const before = snapshot(out);
        const r = await render("--stack", "dev", "--out", out);
        assert.equal(r.code, 2);
        assert.equal(
            r.err,
            `render failed: --out ${out}: holds "kustomization.yaml", which the render did not write; it replaces the whole directory, so move them away or give another directory\n`,
        );
        assert.deepEqual(changed(before, snapshot(out)), []);
    });
    it("a re-render replaces exactly the files its list names (an object gone since is removed)", async () => {
        const out = path.join(tmp, "again");
        assert.equal((await render("--stack", "dev", "--out", out)).code, 0);
        const list = JSON.parse(fs.readFileSync(path.join(out, MARKER), "utf8")) as { files: string[] };
        fs.writeFileSync(path.join(out, "99-gone-object.yaml"), "kind: Gone\n");
        fs.writeFileSync(path.join(out, MARKER), JSON.stringify({ ...list, files: [...list.files, "99-gone-object.yaml"] }));
        assert.equal((await render("--stack", "dev", "--out", out)).code, 0);
        assert.deepEqual(fs.readdirSync(out).sort(), [MARKER, ...list.files].sort());
        assert.deepEqual(
            fs.readdirSync(tmp).filter((f) => f.startsWith(".again.")),
            [],
            "no staging or set-aside directory is left beside it",
        );
    });
    it("a directory an earlier version rendered (object files only, no list) is taken over", async () => {
        const out = path.join(tmp, "legacy");
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, "00-namespace-old.yaml"), "kind: Namespace\n");
        assert.equal((await render("--stack", "dev", "--out", out)).code, 0);
        assert.ok(!fs.existsSync(path.join(out, "00-namespace-old.yaml")));
        assert.ok(fs.existsSync(path.join(out, "00-namespace-sysmanage-dev.yaml")));
    });
});

describe("render: output paths that cannot be used are refused before rendering (exit 2)", () => {
    const file = path.join(tmp, "a-file.txt");
    const dirForJson = path.join(tmp, "json-dir");
    const foreignJson = path.join(tmp, "notes.json");
    const out = path.join(tmp, "out-ok");
    const cases: [string, () => string[], () => string][] = [
        [
            "--out FILE (was a raw EEXIST)",
            () => ["--out", file],
            () => `render failed: --out ${file}: is a file, not a directory; give a directory for the YAML files\n`,
        ],
        [
            "--out below a file",
            () => ["--out", path.join(file, "x")],
            () => `render failed: --out ${path.join(file, "x")}: a part of the path is not a directory (ENOTDIR)\n`,
        ],
        [
            "--json DIR (was a raw EISDIR)",
            () => ["--out", out, "--json", dirForJson],
            () => `render failed: --json ${dirForJson}: is a directory; give a file name for the JSON\n`,
        ],
        [
            "--json over a file the render did not write",
            () => ["--out", out, "--json", foreignJson],
            () =>
                `render failed: --json ${foreignJson}: exists and is not a resource list a render wrote; give a new file name (the render never overwrites other files)\n`,
        ],
        [
            "--json inside --out",
            () => ["--out", out, "--json", path.join(out, "all.json")],
            () =>
                `render failed: --json ${path.join(out, "all.json")}: is inside the --out directory ${out}, which holds only the objects' YAML (kubectl apply -f would read it); write it elsewhere\n`,
        ],
        [
            "--config-dir that is a file",
            () => ["--config-dir", file, "--out", out],
            () => `render failed: --config-dir ${file}: is not a directory\n`,
        ],
    ];
    for (const [name, args, message] of cases)
        it(name, async () => {
            fs.writeFileSync(file, "keep me\n");
            fs.mkdirSync(dirForJson, { recursive: true });
            fs.writeFileSync(foreignJson, '{"mine": true}\n');
            const before = snapshot(tmp);
            const r = await render("--stack", "dev", ...args());
            assert.deepEqual([r.code, r.err, r.out], [2, message(), ""]);
            assert.deepEqual(changed(before, snapshot(tmp)), []);
        });
});

describe("render: writing is atomic", () => {
    it("two renders of different stacks into one folder leave one whole render, not a mix (processes)", async () => {
        const out = path.join(tmp, "shared");
        const run = (stack: string) =>
            new Promise<{ code: number | null; err: string }>((resolve) => {
                const p = spawn(
                    process.execPath,
                    ["--import", "tsx", path.join(PROJECT_DIR, "tools", "render.ts"), "--stack", stack, "--out", out],
                    {
                        cwd: PROJECT_DIR,
                    },
                );
                let err = "";
                p.stderr.on("data", (d: Buffer) => (err += d.toString()));
                p.stdout.resume();
                p.on("close", (code) => resolve({ code, err }));
            });
        const [a, b] = await Promise.all([run("dev"), run("staging")]);
        assert.deepEqual(
            [a, b],
            [
                { code: 0, err: "" },
                { code: 0, err: "" },
            ],
        );
        const list = JSON.parse(fs.readFileSync(path.join(out, MARKER), "utf8")) as { stack: string; files: string[] };
        assert.deepEqual(fs.readdirSync(out).sort(), [MARKER, ...list.files].sort());
        // No file is the other stack's: not a mix.
        const other = `sysmanage-${list.stack === "dev" ? "staging" : "dev"}`;
        assert.deepEqual(
            list.files.filter((f) => fs.readFileSync(path.join(out, f), "utf8").includes(other)),
            [],
        );
        assert.deepEqual(
            fs.readdirSync(tmp).filter((f) => f.startsWith(".shared.")),
            [],
        );
    });
    it("a render waits for another one writing the same directory, then fails with exit 3 and changes nothing", async () => {
        const out = path.join(tmp, "locked");
        const staging = path.join(tmp, ".locked.render-tmp");
        fs.mkdirSync(staging);
        fs.writeFileSync(path.join(staging, ".pid"), String(process.pid)); // a live process holds it
        await assert.rejects(
            writeRenderOutput(out, "dev", new Map([["00-namespace-x.yaml", "kind: Namespace\n"]]), `--out ${out}`, 300),
            (e: unknown) =>
                e instanceof CliError &&
                e.code === 3 &&
                e.message ===
                    `--out ${out}: another render (process ${process.pid}) is writing this directory; nothing was changed (if none is running, remove ${staging})`,
        );
        assert.ok(!fs.existsSync(out));
        fs.rmSync(staging, { recursive: true });
    });
    it("a lock left by a render that died is taken over", async () => {
        const out = path.join(tmp, "stale-lock");
        const staging = path.join(tmp, ".stale-lock.render-tmp");
        const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
        fs.mkdirSync(staging);
        fs.writeFileSync(path.join(staging, ".pid"), dead);
        fs.writeFileSync(path.join(staging, "00-namespace-half.yaml"), "kind: Namespace\n");
        await writeRenderOutput(out, "dev", new Map([["00-namespace-x.yaml", "kind: Namespace\n"]]), `--out ${out}`, 300);
        assert.deepEqual(fs.readdirSync(out).sort(), [MARKER, "00-namespace-x.yaml"]);
        assert.ok(!fs.existsSync(staging));
    });
    it("a directory that became foreign while the stack rendered is refused at write time", async () => {
        const out = path.join(tmp, "raced");
        assert.equal(checkOutDir(out), out);
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, "mine.txt"), "x");
        await assert.rejects(
            writeRenderOutput(out, "dev", new Map([["00-namespace-x.yaml", "kind: Namespace\n"]]), `--out ${out}`),
            (e: unknown) =>
                e instanceof CliError &&
                e.code === 2 &&
                e.message ===
                    `--out ${out}: is not empty and not a render's output (it has no ${MARKER} list): it holds "mine.txt"; give a new or empty directory`,
        );
        assert.deepEqual(fs.readdirSync(out), ["mine.txt"]);
        assert.deepEqual(
            fs.readdirSync(tmp).filter((f) => f.startsWith(".raced.")),
            [],
        );
    });
});
