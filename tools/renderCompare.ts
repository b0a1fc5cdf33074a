/**
 * `npm run render:compare [-- --base <git-ref>] [--stacks dev,prod]`
 *
 * Proves a refactoring changed nothing the program declares: renders every stack (or the
 * listed ones) with `--json` at the working tree and at a git ref (default HEAD, checked out
 * into a temporary worktree that borrows this checkout's node_modules), and compares the
 * declared resources (type, name, inputs and options: parent, dependsOn, ignoreChanges, ...).
 * Prints each added, removed or changed resource with the first differing path.
 *
 * Exit codes (EXIT): 0 every stack declares the same resources; 1 a difference (or a stack
 * renders on one side only); 2 usage (an option, an unknown ref or stack); 70 internal error.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { listStacks } from "../config/stackFile";
import { CliError, EXIT_INTERNAL, internalError, parseCommand, runMain, STDIO, type Io } from "./cli";
import { PROJECT_DIR } from "./mockRuntime";

export const EXIT = { ok: 0, differ: 1, usage: 2, internal: EXIT_INTERNAL } as const;

interface Declared {
    readonly type: string;
    readonly name: string;
    readonly inputs: unknown;
    readonly options: unknown;
}

/** What one side rendered: its resources by `type::name`, or why it did not render. */
type Side = { readonly resources: Map<string, Declared> } | { readonly failed: string };

/** The first path at which two JSON values differ, or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, at = ""): string | undefined {
    if (a === b) return undefined;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b))
        return `${at || "/"}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
        const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`);
        if (d !== undefined) return d;
    }
    return undefined;
}

/** The differences between two renders of one stack, one line each (empty when they declare the same). */
export function compareResources(base: ReadonlyMap<string, Declared>, head: ReadonlyMap<string, Declared>): string[] {
    const lines: string[] = [];
    for (const [k, r] of base) {
        const h = head.get(k);
        if (!h) lines.push(`- ${k}: removed`);
        else {
            const d = firstDifference({ inputs: r.inputs, options: r.options }, { inputs: h.inputs, options: h.options });
            if (d !== undefined) lines.push(`~ ${k}: ${d}`);
        }
    }
    for (const k of head.keys()) if (!base.has(k)) lines.push(`+ ${k}: added`);
    return lines;
}

function renderAt(dir: string, stack: string, work: string): Side {
    const json = path.join(work, `${stack}.json`);
    const r = spawnSync(
        path.join(PROJECT_DIR, "node_modules", ".bin", "node"),
        ["--import", "tsx", "tools/render.ts", "--stack", stack, "--out", path.join(work, `out-${stack}`), "--json", json],
        { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } },
    );
    if (r.status !== 0) return { failed: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ")}` };
    const list = JSON.parse(fs.readFileSync(json, "utf8")) as Declared[];
    return { resources: new Map(list.map((d) => [`${d.type}::${d.name}`, d])) };
}

function worktreeAt(ref: string, work: string): string {
    try {
        execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: PROJECT_DIR, stdio: "pipe" });
    } catch {
        throw new CliError(`--base ${ref}: not a commit of this repository`, EXIT.usage);
    }
    const dir = path.join(work, "base");
    execFileSync("git", ["worktree", "add", "--detach", dir, ref], { cwd: PROJECT_DIR, stdio: "pipe" });
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** Compares the stacks; resolves to the exit code. */
export function compare(ref: string, stacks: readonly string[], io: Io): number {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "render-compare-"));
    try {
        const baseDir = worktreeAt(ref, work);
        let differ = false;
        for (const stack of stacks) {
            const base = renderAt(baseDir, stack, path.join(work, "b"));
            const head = renderAt(PROJECT_DIR, stack, path.join(work, "h"));
            if ("failed" in base || "failed" in head) {
                const why = [
                    `${ref}: ${"failed" in base ? base.failed : "rendered"}`,
                    `working tree: ${"failed" in head ? head.failed : "rendered"}`,
                ];
                differ ||= !("failed" in base && "failed" in head);
                io.out(`${stack}: does not render on both sides (${why.join("; ")})`);
                continue;
            }
            const lines = compareResources(base.resources, head.resources);
            differ ||= lines.length > 0;
            io.out(
                lines.length
                    ? `${stack}: ${lines.length} differences\n${lines.map((l) => `  ${l}`).join("\n")}`
                    : `${stack}: the same ${head.resources.size} resources`,
            );
        }
        return differ ? EXIT.differ : EXIT.ok;
    } finally {
        spawnSync("git", ["worktree", "remove", "--force", path.join(work, "base")], { cwd: PROJECT_DIR, stdio: "pipe" });
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** The CLI; resolves to the exit code (EXIT). */
export function main(argv: string[], io: Io = STDIO): Promise<number> {
    const p = new Command()
        .name("render:compare")
        .description("Render every stack at the working tree and at a git ref, and compare the declared resources.")
        .option("--base <ref>", "the git ref to compare against", "HEAD")
        .option("--stacks <names>", "comma-separated stacks (default: every Pulumi.<stack>.yaml)");
    const parsed = parseCommand(p, argv, io, EXIT.usage);
    if (parsed !== undefined) return Promise.resolve(parsed);
    const o = p.opts<{ base: string; stacks?: string }>();
    try {
        const all = listStacks(PROJECT_DIR);
        const stacks = o.stacks === undefined ? all : o.stacks.split(",").map((s) => s.trim());
        const unknown = stacks.filter((s) => !all.includes(s));
        if (unknown.length) throw new CliError(`--stacks: no stack file for ${unknown.join(", ")} (stacks: ${all.join(", ")})`, EXIT.usage);
        return Promise.resolve(compare(o.base, stacks, io));
    } catch (e) {
        if (e instanceof CliError) {
            io.err(`render:compare failed: ${e.message}`);
            return Promise.resolve(e.code);
        }
        return Promise.resolve(internalError("render:compare", e, io));
    }
}

if (require.main === module) runMain("render:compare", main);
