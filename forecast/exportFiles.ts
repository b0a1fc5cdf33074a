/**
 * Where the forecasting step may read (and `--refresh` may write) export files: only inside the
 * stack's exports directory, which itself lies inside the project. A stack file (and so a pull
 * request) names these paths, so every rule here is checked on real paths, not on strings:
 *
 * - `forecast.exportsDir` and each series' `file` are relative paths in the project's grammar
 *   (policies/lib/grammar.ts `relativePathError`: '/'-separated names of letters, digits, '.',
 *   '_' or '-', no `.` or `..`, not absolute), without a hidden segment such as `.git`
 *   (`exportPathProblem`);
 * - the exports directory's real path (symbolic links resolved) is strictly inside the
 *   project's real path (`resolveExportsDir`);
 * - a file's real path is inside the exports directory's real path: a symbolic link that leaves
 *   it is refused, not followed; only regular files of at most `MAX_EXPORT_BYTES` are read
 *   (`readExport`).
 *
 * Messages name the path as configured and the rule, never the file's content. No Pulumi; no
 * import of config.ts (it may use `exportPathProblem` for its own validation).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { relativePathError } from "../policies/contract";

/**
 * The largest export read: 256 MiB. A 90-day refresh (`forecast.prometheus.days` at most 90) of one
 * series at a 5 s step is about 60 MB of query_range JSON; anything much larger is not an export
 * of one workload's series, and V8 cannot hold a string above 512 MiB at all.
 */
export const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Why `p` is not a path this step accepts below a directory, as a phrase starting with "must"
 * (undefined when it is one): the project's grammar of relative paths (policies/lib/grammar.ts:
 * '/'-separated names, no '.' or '..', not absolute), and no hidden segment (`.git`).
 */
export function exportPathProblem(p: string): string | undefined {
    const rule = relativePathError(p);
    if (rule) return rule;
    if (p.split("/").some((s) => s.startsWith(".")))
        return "must not have a hidden segment (a name starting with '.'): exports are never read from hidden files or directories such as .git";
    return undefined;
}

/** Whether `p` is `dir` itself or below it (both absolute and normalized). */
export function isInside(dir: string, p: string, strictly = false): boolean {
    if (p === dir) return !strictly;
    const base = dir.endsWith(path.sep) ? dir : dir + path.sep;
    return p.startsWith(base);
}

/**
 * The real path of `p`, whether or not it exists yet: the real path of its nearest existing
 * ancestor joined with the rest (what a later `mkdir -p` would create).
 */
export function realPathOf(p: string): string {
    const rest: string[] = [];
    let cur = path.resolve(p);
    for (;;) {
        try {
            return path.join(fs.realpathSync(cur), ...rest.reverse());
        } catch {
            const up = path.dirname(cur);
            if (up === cur) return path.join(cur, ...rest.reverse());
            rest.push(path.basename(cur));
            cur = up;
        }
    }
}

/** A rule of this module broken by a configured path: the caller turns it into a config error naming the key. */
export class ExportPathError extends Error {
    constructor(
        /** The config key, e.g. `forecast.exportsDir` or `forecast.series.api.requests.file`. */
        readonly key: string,
        /** The value as configured. */
        readonly value: string,
        readonly rule: string,
    ) {
        super(`${key} (${JSON.stringify(value)}) ${rule}`);
        this.name = "ExportPathError";
    }
}

export interface ExportsDir {
    /** Absolute path. */
    readonly dir: string;
    /** As shown in messages: relative to the project (`exports/dev`). */
    readonly shown: string;
}

/**
 * The stack's exports directory: `forecast.exportsDir` (default `exports/<stack>`) below the
 * project. Throws `ExportPathError` for a value that breaks `exportPathProblem`, or that resolves
 * (symbolic links followed) to the project itself or outside it.
 */
export function resolveExportsDir(configured: string, stack: string, projectDir: string): ExportsDir {
    const key = "forecast.exportsDir";
    const rel = configured || `exports/${stack}`;
    const problem = exportPathProblem(rel);
    if (problem)
        throw new ExportPathError(key, configured, `${problem} (a directory inside the project, relative to it, e.g. exports/${stack})`);
    const project = path.resolve(projectDir);
    const dir = path.resolve(project, rel);
    const realProject = realPathOf(project);
    if (!isInside(realProject, realPathOf(dir), true))
        throw new ExportPathError(
            key,
            configured,
            "must be a directory inside the project: it resolves, through a symbolic link, to one outside it (exports are read only from inside the project)",
        );
    return { dir, shown: rel };
}

export type ExportRead =
    | {
          readonly ok: true;
          /** The file's bytes: decoded as UTF-8 only where a reader needs text (ingest.ts `parseSeriesBytes`). */
          readonly bytes: Buffer;
      }
    | {
          readonly ok: false;
          /** Completes "export <file> for <what> …": `is missing`, `is a directory`, `is too large (…)`. */
          readonly reason: string;
      };

/**
 * Reads `file` (a path that passed `exportPathProblem`) below the exports directory `dir`:
 * refuses a symbolic link whose target is outside `dir`, a directory, anything but a regular
 * file, and files larger than `MAX_EXPORT_BYTES`. `dirShown` names the directory in messages.
 */
export function readExport(dir: string, file: string, dirShown: string): ExportRead {
    const target = path.join(dir, file);
    let realDir: string;
    let real: string;
    try {
        fs.lstatSync(target);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { ok: false, reason: code === "ENOENT" || code === "ENOTDIR" ? "is missing" : `cannot be read (${code ?? "error"})` };
    }
    try {
        realDir = fs.realpathSync(dir);
        real = fs.realpathSync(target);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { ok: false, reason: code === "ENOENT" ? "is a symbolic link to a missing file" : `cannot be read (${code ?? "error"})` };
    }
    if (!isInside(realDir, real, true))
        return {
            ok: false,
            reason: `is a symbolic link to a file outside ${dirShown}: refused (exports are read only from inside the exports directory)`,
        };
    let st: fs.Stats;
    try {
        st = fs.statSync(real);
    } catch (e) {
        return { ok: false, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})` };
    }
    if (st.isDirectory()) return { ok: false, reason: "is a directory, not a file" };
    if (!st.isFile()) return { ok: false, reason: "is not a regular file (a device, FIFO or socket)" };
    if (st.size > MAX_EXPORT_BYTES) return { ok: false, reason: `is too large (${MiB(st.size)} > the ${MiB(MAX_EXPORT_BYTES)} limit)` };
    let buf: Buffer;
    try {
        buf = fs.readFileSync(real);
    } catch (e) {
        return { ok: false, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})` };
    }
    // It may have grown between the stat and the read.
    if (buf.length > MAX_EXPORT_BYTES)
        return { ok: false, reason: `is too large (${MiB(buf.length)} > the ${MiB(MAX_EXPORT_BYTES)} limit)` };
    return { ok: true, bytes: buf };
}
