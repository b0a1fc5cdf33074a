/**
 * Issue 13, defect 6 (every entry point): an expected failure is a message and an exit code of
 * the command's documented set; an unexpected one says it is a bug (`<command>: internal error
 * (a bug, please report it): <message>`, exit 70), with the stack trace only under
 * SYSMANAGE_DEBUG=1, and without the credentials of any URL in it.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT_INTERNAL, internalError, withoutCredentials } from "../../../tools/cli";
import { CONFIG_DOC, main as docsConfig, TABLE_END, TABLE_START } from "../../../tools/configDocs";
import { main as exportsDemo } from "../../../tools/makeExports";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { main as refreshCrds, readSources } from "../../../tools/refreshCrds";
import { main as render } from "../../../tools/render";
import { capture, STACK_FRAME, tempDir } from "../../support/cli";

const tmp = tempDir("cli-errors");
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("internal errors", () => {
    const report = (e: unknown, env: NodeJS.ProcessEnv = {}) => {
        let err = "";
        const code = internalError("render", e, { out: () => undefined, err: (l) => (err += `${l}\n`) }, env);
        return { code, err };
    };
    it("one line saying it is a bug, and how to get the stack trace", () => {
        assert.deepEqual(report(new TypeError("Cannot read properties of undefined (reading 'x')\nmore")), {
            code: EXIT_INTERNAL,
            err: "render: internal error (a bug, please report it): Cannot read properties of undefined (reading 'x')\n(set SYSMANAGE_DEBUG=1 to print the stack trace)\n",
        });
    });
    it("the stack trace under SYSMANAGE_DEBUG=1", () => {
        const r = report(new Error("boom"), { SYSMANAGE_DEBUG: "1" });
        assert.match(r.err, /^render: internal error \(a bug, please report it\): boom\nError: boom\n/);
        assert.match(r.err, STACK_FRAME);
    });
    it("never the credentials of a URL, whatever the password holds", () => {
        const r = report(new Error("GET https://admin:s3cr/et@x@prom.example.com:9090/api failed; also postgres://u:p%40ss@db/app"));
        assert.equal(
            r.err.split("\n")[0],
            "render: internal error (a bug, please report it): GET https://***@prom.example.com:9090/api failed; also postgres://***@db/app",
        );
        assert.equal(withoutCredentials("no url here"), "no url here");
    });
    it("runMain exits with main's code after a pipe took all of stdout (a 1 MiB document was cut at 64 KiB)", () => {
        const script = `require(${JSON.stringify(path.join(PROJECT_DIR, "tools", "cli.ts"))}).runMain("x", async () => { process.stdout.write("y".repeat(1 << 20)); return 3; });`;
        const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            maxBuffer: 1 << 22,
        });
        assert.deepEqual([r.status, r.stdout.length, r.stderr], [3, 1 << 20, ""]);
    });
    it("a process that throws past main exits 70 with the one-line report (runMain)", () => {
        const script = `require(${JSON.stringify(path.join(PROJECT_DIR, "tools", "cli.ts"))}).runMain("x", async () => { setTimeout(() => Promise.reject(new RangeError("late")), 1); await new Promise((r) => setTimeout(r, 1000)); return 0; });`;
        const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            env: { ...process.env, SYSMANAGE_DEBUG: "" },
        });
        assert.deepEqual(
            [r.status, r.stderr, r.stdout],
            [70, "x: internal error (a bug, please report it): late\n(set SYSMANAGE_DEBUG=1 to print the stack trace)\n", ""],
        );
    });
});

describe("render: the program's errors", () => {
    const withError = (e: Error) => ({ render: () => Promise.reject(e) });
    const out = () => ["--stack", "dev", "--out", path.join(tmp, "render-out")];
    it("a bug in the program: exit 70 and one line (it printed the stack with exit 1)", async () => {
        const r = await capture((a, io) => render(a, io, withError(new TypeError("x.map is not a function"))), out());
        assert.deepEqual(
            [r.code, r.err, r.out],
            [
                70,
                "render: internal error (a bug, please report it): the program threw while declaring resources for stack dev: x.map is not a function\n(set SYSMANAGE_DEBUG=1 to print the stack trace)\n",
                "",
            ],
        );
    });
    it("an error about the stack's inputs (an export file): exit 1, the message only", async () => {
        const e = Object.assign(new Error("exports/dev/api-cpu.csv: line 3: not a number"), { name: "IngestError" });
        const r = await capture((a, io) => render(a, io, withError(e)), out());
        assert.deepEqual(
            [r.code, r.err],
            [1, "render failed: invalid configuration for stack dev:\nexports/dev/api-cpu.csv: line 3: not a number\n"],
        );
    });
    it("usage: unknown option and --help", async () => {
        assert.deepEqual(await capture(render, ["--stack", "dev", "--bogus"]), {
            code: 2,
            out: "",
            err: "error: unknown option '--bogus'\n",
        });
        const help = await capture(render, ["--help"]);
        assert.equal(help.code, 0);
        assert.match(help.out, /^Usage: render \[options\]/);
    });
});

describe("docs:config", () => {
    it("a configuration reference without the table markers: exit 1, nothing written", async () => {
        fs.mkdirSync(path.join(tmp, "docs"));
        fs.writeFileSync(path.join(tmp, CONFIG_DOC), "# no table here\n");
        for (const argv of [[], ["--check"]]) {
            const r = await capture((a, io) => docsConfig(a, io, tmp), argv);
            assert.deepEqual(
                [r.code, r.err],
                [
                    1,
                    `docs:config failed: ${CONFIG_DOC}: the config table markers are missing (${TABLE_START} ... ${TABLE_END}); nothing was written\n`,
                ],
            );
        }
        assert.ok(!fs.existsSync(path.join(tmp, "Pulumi.yaml")));
    });
    it("no configuration reference: exit 1, nothing written", async () => {
        const dir = path.join(tmp, "no-docs");
        fs.mkdirSync(dir);
        const r = await capture((a, io) => docsConfig(a, io, dir), []);
        assert.deepEqual([r.code, r.err], [1, `docs:config failed: ${CONFIG_DOC}: cannot be read: does not exist (ENOENT)\n`]);
        assert.deepEqual(fs.readdirSync(dir), []);
    });
    it("writes both files in a folder that has the markers; --check then passes; an option is a usage error", async () => {
        const dir = path.join(tmp, "project");
        fs.mkdirSync(path.join(dir, "docs"), { recursive: true });
        fs.writeFileSync(path.join(dir, CONFIG_DOC), `before\n${TABLE_START}\nold\n${TABLE_END}\nafter\n`);
        assert.deepEqual(await capture((a, io) => docsConfig(a, io, dir), ["--check"]), {
            code: 1,
            out: "",
            err: `docs:config --check: Pulumi.yaml and ${CONFIG_DOC} are stale: run npm run docs:config\n`,
        });
        assert.deepEqual(fs.readdirSync(dir), ["docs"]);
        const r = await capture((a, io) => docsConfig(a, io, dir), []);
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^Wrote Pulumi\.yaml config block and docs\/configuration\.md config table \(\d+ keys\)\.\n$/);
        assert.match(
            fs.readFileSync(path.join(dir, CONFIG_DOC), "utf8"),
            /^before\n<!-- config-table:start[^]*\| key \| type \|[^]*<!-- config-table:end -->\nafter\n$/,
        );
        assert.deepEqual(fs.readdirSync(dir).sort(), ["Pulumi.yaml", "docs"]);
        assert.deepEqual(fs.readdirSync(path.join(dir, "docs")), ["configuration.md"]);
        const check = await capture((a, io) => docsConfig(a, io, dir), ["--check"]);
        assert.equal(check.code, 0, check.err);
        assert.match(check.out, /^Pulumi\.yaml and docs\/configuration\.md are up to date \(\d+ keys\)\.\n$/);
        fs.appendFileSync(path.join(dir, "Pulumi.yaml"), "# edited by hand\n");
        assert.deepEqual(await capture((a, io) => docsConfig(a, io, dir), ["--check"]), {
            code: 1,
            out: "",
            err: "docs:config --check: Pulumi.yaml is stale: run npm run docs:config\n",
        });
        assert.deepEqual(await capture((a, io) => docsConfig(a, io, dir), ["--x"]), {
            code: 2,
            out: "",
            err: "error: unknown option '--x'\n",
        });
    });
    it("the repository's own Pulumi.yaml and docs/configuration.md are up to date", async () => {
        const r = await capture(docsConfig, ["--check"]);
        assert.equal(r.code, 0, r.err);
    });
});

describe("exports:demo", () => {
    const run = (...argv: string[]) => capture((a, io) => exportsDemo(a, io, path.join(tmp, "exports-root")), argv);
    it("usage: no --data, or --data that is not a directory (exit 2)", async () => {
        assert.deepEqual(await run(), { code: 2, out: "", err: "error: required option '--data <dir>' not specified\n" });
        const missing = path.join(tmp, "no-such-dir");
        assert.deepEqual(await run("--data", missing), {
            code: 2,
            out: "",
            err: `exports:demo failed: --data ${missing}: is not a directory\n`,
        });
    });
    it("a missing trace: exit 1 naming it (was a raw ENOENT), nothing written", async () => {
        const data = path.join(tmp, "data-empty");
        fs.mkdirSync(data);
        const r = await run("--data", data);
        assert.deepEqual(
            [r.code, r.err],
            [
                1,
                `exports:demo failed: ${path.join(data, "nasa_http/nasa_http_1995_requests_per_5min.csv")}: not found (exports/README.md names the traces and where to get them)\n`,
            ],
        );
        assert.ok(!fs.existsSync(path.join(tmp, "exports-root")));
    });
    it("a malformed trace line: exit 1 with the line number, never its content", async () => {
        const data = path.join(tmp, "data-bad");
        fs.mkdirSync(path.join(data, "nasa_http"), { recursive: true });
        fs.writeFileSync(
            path.join(data, "nasa_http", "nasa_http_1995_requests_per_5min.csv"),
            "timestamp,value\n1995-07-13 00:00:00,5\ntoken=ghp_SECRET,x\n",
        );
        const r = await run("--data", data);
        assert.deepEqual(
            [r.code, r.err],
            [
                1,
                `exports:demo failed: ${path.join(data, "nasa_http/nasa_http_1995_requests_per_5min.csv")}: line 3: expected "YYYY-MM-DD HH:MM:SS,<number>"\n`,
            ],
        );
    });
});

describe("crds:refresh", () => {
    it("usage: an unknown option (exit 2)", async () => {
        assert.deepEqual(await capture(refreshCrds, ["--force"]), { code: 2, out: "", err: "error: unknown option '--force'\n" });
    });
    it("sources.json may only name files below crds/ (a PR could point a write anywhere)", () => {
        const file = path.join(tmp, "sources.json");
        const sources = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "crds", "sources.json"), "utf8"));
        sources.projects[0].files[0].file = "../../.bashrc";
        sources.projects[0].repo = "a/b/../c";
        fs.writeFileSync(file, JSON.stringify(sources));
        assert.throws(() => readSources(file), {
            name: "CliError",
            code: 3,
            message: `${path.relative(PROJECT_DIR, file)}: projects[0].repo must be owner/name; projects[0].files[0].file must be a path below crds/`,
        });
    });
});
