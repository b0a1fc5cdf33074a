/**
 * Helpers of the command-line tests: run a CLI's `main` in-process with its output captured, a
 * throw-away project folder, a snapshot of every file under a folder (to prove what a run did
 * and did not touch), and a render stub that reads the stack's config for real but reuses one
 * real render of the program (a render takes a second; the CLIs' options are what is tested).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Io } from "../../tools/cli";
import { PROJECT_DIR, renderStack, type RenderResult } from "../../tools/mockRuntime";
import type { RenderDeps } from "../../tools/render";
import { readStackConfig } from "../../config/stackFile";
import { rendered } from "./render";

export interface Run {
    readonly code: number;
    readonly out: string;
    readonly err: string;
}

/** Runs a CLI's `main(argv, io)` in-process with stdout and stderr captured. */
export async function capture(main: (argv: string[], io: Io) => Promise<number>, argv: string[]): Promise<Run> {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) });
    return { code, out, err };
}

/** A fresh temporary folder (removed by the caller). */
export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));

/** A project folder holding Pulumi.yaml and the given stack files (name to YAML text). */
export function tempProject(stacks: Record<string, string> = {}, dir = tempDir("cli-project")): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const [stack, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    return dir;
}

/** Every entry below `dir` (relative path to `dir/`, `link->target` or the file's sha256). */
export function snapshot(dir: string): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (rel: string) => {
        const abs = path.join(dir, rel);
        const st = fs.lstatSync(abs);
        if (st.isSymbolicLink()) out.set(rel, `link->${fs.readlinkSync(abs)}`);
        else if (st.isDirectory()) {
            if (rel) out.set(rel, "dir/");
            for (const f of fs.readdirSync(abs)) walk(path.join(rel, f));
        } else out.set(rel, crypto.createHash("sha256").update(fs.readFileSync(abs)).digest("hex"));
    };
    walk("");
    return out;
}

/** Paths that differ between two snapshots (created, changed or deleted). */
export function changed(before: Map<string, string>, after: Map<string, string>): string[] {
    const keys = new Set([...before.keys(), ...after.keys()]);
    return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** Lines of a stack trace (`    at f (file:1:2)`). */
export const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/**
 * A render stub: reads `Pulumi.<stack>.yaml` from the config directory for real (so a missing or
 * broken stack file fails as it would), then returns one real render of `base` (rendered once).
 */
export function stubRender(base = "dev"): RenderDeps {
    return {
        render: async (stack, options = {}) => {
            readStackConfig(options.configDir ?? PROJECT_DIR, stack);
            const r: RenderResult = await rendered(base);
            return { ...r, stack };
        },
    };
}

export { renderStack };
