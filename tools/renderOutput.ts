/**
 * Where `npm run render` writes, and how it replaces what it wrote before without touching
 * anything else.
 *
 * - The output directory is the render's own: it holds a list of what the render wrote
 *   (`.sysmanage-render`, JSON without a `.json` suffix so `kubectl apply -f DIR` skips it) and
 *   nothing else. A directory holding anything the render did not write is refused, never
 *   cleaned (`--out .` once deleted Pulumi.yaml).
 * - A render is written into a new directory beside the target (`.<name>.render-tmp`, which is
 *   also the lock: one writer at a time, the next waits), which then replaces the target by two
 *   renames; the old one is removed file by file from its list. A reader sees the old render or
 *   the new one, never a mix; a failure leaves the target as it was.
 * - `--json` goes to a temporary file beside it, renamed over it; an existing file is replaced
 *   only if it is a resource list an earlier render wrote.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError, fsReason, isFsError } from "./cli";

export { writeFileAtomic } from "./cli";

/** The list of files a render wrote, in the output directory. */
export const MARKER = ".sysmanage-render";
/** Exit codes: the target is refused as given (2); the files could not be written (3). */
export const EXIT_USAGE = 2;
export const EXIT_WRITE = 3;
/** How long a render waits for another one writing the same directory. */
export const LOCK_WAIT_MS = 60_000;
/** A `--json` file above this size is not one a render wrote (dev's is 150 KB). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** File names of objects (`<rank>-<kind>-<namespace>-<name>.yaml`), also those written before the list existed. */
const OBJECT_FILE = /^\d\d-[a-z0-9][a-z0-9.-]*\.yaml$/;

interface Marker {
    readonly tool: string;
    readonly stack: string;
    readonly files: string[];
}
const TOOL = "sysmanage-scaling npm run render";

const lstat = (p: string) => {
    try {
        return fs.lstatSync(p);
    } catch (e) {
        if (isFsError(e) && e.code === "ENOENT") return undefined;
        throw e;
    }
};

const listed = (names: readonly string[], max = 5) =>
    `${names
        .slice(0, max)
        .map((n) => JSON.stringify(n))
        .join(", ")}${names.length > max ? ` and ${names.length - max} more` : ""}`;

/** The marker of a directory, or why there is none that the render wrote. */
function readMarker(dir: string): Marker | string {
    let text: string;
    try {
        const st = fs.lstatSync(path.join(dir, MARKER));
        if (!st.isFile() || st.size > 1024 * 1024) return `its ${MARKER} is not a list the render wrote`;
        text = fs.readFileSync(path.join(dir, MARKER), "utf8");
    } catch (e) {
        if (isFsError(e) && e.code === "ENOENT") return `it has no ${MARKER} list`;
        throw e;
    }
    try {
        const m = JSON.parse(text) as Marker;
        if (m.tool === TOOL && Array.isArray(m.files) && m.files.every((f) => typeof f === "string" && OBJECT_FILE.test(f))) return m;
    } catch {
        // not ours
    }
    return `its ${MARKER} is not a list the render wrote`;
}

/**
 * Checks that `dir` (as given in `option`) can take a render: absent, empty, or written by an
 * earlier render and holding nothing else. Returns the real path to write to; throws a CliError.
 */
export function checkOutDir(dir: string, option = "--out", shown = `${option} ${dir}`): string {
    let st: fs.Stats | undefined;
    try {
        st = lstat(dir);
        if (st?.isSymbolicLink()) {
            const real = fs.realpathSync(dir);
            return checkOutDir(real, option, `${shown} (a link to ${real})`);
        }
    } catch (e) {
        if (isFsError(e)) throw new CliError(`${shown}: ${fsReason(e)}`, EXIT_USAGE);
        throw e;
    }
    if (!st) return path.resolve(dir);
    if (!st.isDirectory()) throw new CliError(`${shown}: is a file, not a directory; give a directory for the YAML files`, EXIT_USAGE);
    const entries = fs.readdirSync(dir);
    if (!entries.length) return path.resolve(dir);
    const marker = readMarker(dir);
    if (typeof marker !== "string") {
        const foreign = entries.filter((f) => f !== MARKER && !marker.files.includes(f)).sort();
        if (foreign.length)
            throw new CliError(
                `${shown}: holds ${listed(foreign)}, which the render did not write; it replaces the whole directory, so move them away or give another directory`,
                EXIT_USAGE,
            );
    } else if (!entries.every((f) => OBJECT_FILE.test(f)))
        // Object files only is what a render wrote before the list existed; anything else is not ours.
        throw new CliError(
            `${shown}: is not empty and not a render's output (${marker}): it holds ${listed(entries.sort())}; give a new or empty directory`,
            EXIT_USAGE,
        );
    return path.resolve(dir);
}

/**
 * Checks the `--json` target: not a directory, not inside the output directory, and, if it
 * exists, a resource list an earlier render wrote. Returns its absolute path.
 */
export function checkJsonFile(file: string, outDir: string): string {
    const abs = path.resolve(file);
    const shown = `--json ${file}`;
    const rel = path.relative(outDir, abs);
    if (!rel.startsWith("..") && !path.isAbsolute(rel))
        throw new CliError(
            `${shown}: is inside the --out directory ${outDir}, which holds only the objects' YAML (kubectl apply -f would read it); write it elsewhere`,
            EXIT_USAGE,
        );
    let st: fs.Stats | undefined;
    try {
        st = fs.statSync(abs, { throwIfNoEntry: false });
    } catch (e) {
        if (isFsError(e)) throw new CliError(`${shown}: ${fsReason(e)}`, EXIT_USAGE);
        throw e;
    }
    if (!st) return abs;
    if (st.isDirectory()) throw new CliError(`${shown}: is a directory; give a file name for the JSON`, EXIT_USAGE);
    const notOurs = `${shown}: exists and is not a resource list a render wrote; give a new file name (the render never overwrites other files)`;
    if (!st.isFile() || st.size > MAX_JSON_BYTES) throw new CliError(notOurs, EXIT_USAGE);
    let data: unknown;
    try {
        data = JSON.parse(fs.readFileSync(abs, "utf8"));
    } catch (e) {
        if (isFsError(e)) throw new CliError(`${shown}: ${fsReason(e)}`, EXIT_USAGE);
        throw new CliError(notOurs, EXIT_USAGE);
    }
    const isResource = (r: unknown) => typeof r === "object" && r !== null && Object.keys(r).join(",") === "type,name,inputs,options";
    if (!Array.isArray(data) || !data.every(isResource)) throw new CliError(notOurs, EXIT_USAGE);
    return abs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Takes the staging directory beside `target` (the lock), waiting for another render to finish. */
async function takeStaging(target: string, shown: string, waitMs: number): Promise<string> {
    const staging = path.join(path.dirname(target), `.${path.basename(target)}.render-tmp`);
    const deadline = Date.now() + waitMs;
    for (;;) {
        try {
            fs.mkdirSync(staging);
            fs.writeFileSync(path.join(staging, ".pid"), String(process.pid));
            return staging;
        } catch (e) {
            if (!isFsError(e) || e.code !== "EEXIST") throw e;
        }
        // Held: by a live render (wait), or left by one that died (take it over).
        let holder: number | undefined;
        try {
            holder = Number(fs.readFileSync(path.join(staging, ".pid"), "utf8"));
        } catch {
            holder = undefined;
        }
        const young = Date.now() - (lstat(staging)?.mtimeMs ?? 0) < 10_000;
        if (holder ? !pidAlive(holder) : !young) {
            removeStaging(staging);
            continue;
        }
        if (Date.now() > deadline)
            throw new CliError(
                `${shown}: another render${holder ? ` (process ${holder})` : ""} is writing this directory; nothing was changed (if none is running, remove ${staging})`,
                EXIT_WRITE,
            );
        await sleep(100);
    }
}

/** Removes a staging or set-aside directory: only the files a render writes there. */
function removeStaging(dir: string): void {
    if (!lstat(dir)) return;
    for (const f of fs.readdirSync(dir))
        if (f === ".pid" || f === MARKER || OBJECT_FILE.test(f)) fs.rmSync(path.join(dir, f), { force: true });
    try {
        fs.rmdirSync(dir);
    } catch {
        // Something else was put in it: left as it is.
    }
}

/**
 * Writes the render's files into `target` (checked by checkOutDir) atomically. `files` maps file
 * names to contents. Throws a CliError (EXIT_USAGE if the target became foreign meanwhile,
 * EXIT_WRITE for a file-system failure); on failure the target is as it was.
 */
export async function writeRenderOutput(
    target: string,
    stack: string,
    files: ReadonlyMap<string, string>,
    option = `--out ${target}`,
    waitMs = LOCK_WAIT_MS,
): Promise<void> {
    for (const f of files.keys())
        if (!OBJECT_FILE.test(f))
            throw new Error(`render: object file name ${JSON.stringify(f)} is not <rank>-<kind>-<namespace>-<name>.yaml`);
    let staging: string | undefined;
    let aside: string | undefined;
    try {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        staging = await takeStaging(target, option, waitMs);
        for (const [name, text] of files) fs.writeFileSync(path.join(staging, name), text);
        const marker: Marker = { tool: TOOL, stack, files: [...files.keys()].sort() };
        fs.writeFileSync(path.join(staging, MARKER), JSON.stringify(marker, null, 2) + "\n");
        // Checked again under the lock: the directory may have changed while the stack rendered.
        checkOutDir(target, option, option);
        if (lstat(target)) {
            aside = path.join(
                path.dirname(target),
                `.${path.basename(target)}.render-old-${process.pid}-${crypto.randomBytes(4).toString("hex")}`,
            );
            fs.renameSync(target, aside);
        }
        fs.rmSync(path.join(staging, ".pid"));
        fs.renameSync(staging, target);
        staging = undefined;
    } catch (e) {
        if (aside && !lstat(target)) fs.renameSync(aside, target);
        else if (aside) removeStaging(aside);
        aside = undefined;
        if (staging) removeStaging(staging);
        if (e instanceof CliError) throw e;
        if (isFsError(e))
            throw new CliError(
                `${option}: could not write the render: ${e.path ? `${e.path}: ` : ""}${fsReason(e)}; the directory was left as it was`,
                EXIT_WRITE,
            );
        throw e;
    } finally {
        if (aside) removeStaging(aside);
    }
}
