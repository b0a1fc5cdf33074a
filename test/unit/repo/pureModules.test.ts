/**
 * Pure code loads no Pulumi (STYLE.md habit 8), not even through another module: the ESLint
 * rule (no-restricted-imports in eslint.config.mjs) sees a file's own imports; this test sees
 * what running them loads. One node process requires every .ts file of the pure folders and
 * reports each one whose imports reach a module under node_modules/@pulumi/, with the chain.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
/** The pure folders; config/index.ts is config's one Pulumi entry (loadConfig). */
const PURE_FOLDERS = ["config", "plan", "lib", "forecast", "admission", "policies/contract"];
const NOT_PURE = new Set(["config/index.ts"]);

/** Every .ts file of the pure folders, relative to the root, sorted. */
function pureFiles(): string[] {
    return PURE_FOLDERS.filter((d) => fs.existsSync(path.join(ROOT, d)))
        .flatMap((d) => (fs.readdirSync(path.join(ROOT, d), { recursive: true }) as string[]).map((f) => path.posix.join(d, f)))
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !NOT_PURE.has(f))
        .sort();
}

interface Report {
    /** Files that failed to load, with the error's first line. */
    readonly failed: string[];
    /** Each file whose imports reach @pulumi: `file -> module -> ... -> node_modules/@pulumi/...`. */
    readonly offenders: string[];
    /** Every loaded module under node_modules/@pulumi/, relative to the root. */
    readonly pulumiModules: string[];
}

// Runs in the child: requires the files, then walks each one's module.children (Node records a
// child even when another module loaded it first) to the first @pulumi module it reaches.
const CHILD = `
const path = require("node:path");
const { root, files } = JSON.parse(process.argv[1]);
const rel = (f) => path.relative(root, f).split(path.sep).join("/");
const isPulumi = (f) => f.split(path.sep).join("/").includes("/node_modules/@pulumi/");
const failed = [];
for (const f of files) {
    try { require(path.resolve(root, f)); } catch (e) { failed.push(f + ": " + String(e && e.message).split("\\n")[0]); }
}
const chain = (start) => {
    const prev = new Map([[start, null]]);
    const queue = [start];
    while (queue.length) {
        const m = queue.shift();
        if (isPulumi(m.filename)) {
            const out = [];
            for (let x = m; x; x = prev.get(x)) out.unshift(rel(x.filename));
            return out.join(" -> ");
        }
        for (const c of m.children) if (!prev.has(c)) { prev.set(c, m); queue.push(c); }
    }
    return undefined;
};
const offenders = files.flatMap((f) => {
    const m = require.cache[require.resolve(path.resolve(root, f))];
    const c = m && chain(m);
    return c ? [c] : [];
});
const pulumiModules = Object.keys(require.cache).filter(isPulumi).map(rel).sort();
process.stdout.write(JSON.stringify({ failed, offenders, pulumiModules }));
`;

/** Requires `files` (relative to the root, or absolute) in one node process and reports what they load. */
function load(files: readonly string[]): Report {
    const node = path.join(ROOT, "node_modules", ".bin", "node");
    const r = spawnSync(node, ["--import", "tsx", "-e", CHILD, JSON.stringify({ root: ROOT, files })], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, `the loader failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Report;
}

describe("pure modules load no Pulumi", () => {
    test("no .ts file of config/ (but index.ts), plan/, lib/, forecast/, admission/ or policies/contract/ loads node_modules/@pulumi/", () => {
        const files = pureFiles();
        assert.ok(files.includes("config/parse.ts") && files.includes("plan/workloads.ts"), `found ${files.length} files`);
        const report = load(files);
        assert.deepEqual(report, { failed: [], offenders: [], pulumiModules: [] });
    });

    test("the check sees an import of the config entry two modules away (what the lint rule cannot)", () => {
        // A pure-looking module that reaches config/index.ts through another: the chain is reported.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pure-"));
        try {
            const inner = path.join(dir, "inner.ts");
            const outer = path.join(dir, "outer.ts");
            fs.writeFileSync(inner, `export { parseConfig } from ${JSON.stringify(path.join(ROOT, "config"))};\n`);
            fs.writeFileSync(outer, `export { parseConfig } from "./inner";\n`);
            const report = load([outer]);
            assert.deepEqual(report.failed, []);
            assert.deepEqual(report.offenders, [
                [path.relative(ROOT, outer), path.relative(ROOT, inner), "config/index.ts", "node_modules/@pulumi/pulumi/index.js"].join(
                    " -> ",
                ),
            ]);
            assert.ok(report.pulumiModules.includes("node_modules/@pulumi/pulumi/index.js"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
