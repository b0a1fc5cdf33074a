/**
 * `npm run crds:refresh [-- --check]`: downloads the vendored CRDs (crds/sources.json) from
 * GitHub at their tags, reports each file's old and new SHA-256, and (without --check) writes
 * the files and the new sizes and hashes. Needs the internet; nothing else in the project does.
 *
 * Exit codes (EXIT): 0 done (with --check: every file the same); 1 --check found changed files;
 * 2 usage; 3 a download, crds/sources.json or a write failed (named; nothing, or with a write
 * failure only whole files, written); 70 internal error (a bug).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { CliError, parseCommand, EXIT_INTERNAL, fsReason, internalError, isFsError, runMain, STDIO, writeFileAtomic, type Io } from "./cli";

export const EXIT = { ok: 0, changed: 1, usage: 2, io: 3, internal: EXIT_INTERNAL } as const;

const DIR = path.resolve(__dirname, "..", "crds");
const SOURCES = path.join(DIR, "sources.json");

interface VendoredFile {
    file: string;
    upstream: string;
    bytes: number;
    sha256: string;
}
interface Project {
    project: string;
    repo: string;
    tag: string;
    files: VendoredFile[];
}
export interface Sources {
    projects: Project[];
}

export const sha256 = (b: Buffer | string): string => crypto.createHash("sha256").update(b).digest("hex");

/** Where a vendored file lives: below crds/, never outside it (sources.json is in the repository, a PR can change it). */
function vendoredPath(dir: string, file: string): string | undefined {
    const p = path.resolve(dir, file);
    const rel = path.relative(dir, p);
    return file && !path.isAbsolute(file) && rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? p : undefined;
}

/** Reads and checks crds/sources.json: repositories `owner/name`, tags, and file paths below crds/. */
export function readSources(file = SOURCES): Sources {
    const name = path.relative(path.resolve(DIR, ".."), file);
    let data: Sources;
    try {
        data = JSON.parse(fs.readFileSync(file, "utf8")) as Sources;
    } catch (e) {
        throw new CliError(`${name}: ${isFsError(e) ? fsReason(e) : "not valid JSON"}`, EXIT.io);
    }
    const problems: string[] = [];
    if (!Array.isArray(data?.projects)) problems.push("projects must be a list");
    else
        data.projects.forEach((p, i) => {
            if (typeof p?.repo !== "string" || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(p.repo))
                problems.push(`projects[${i}].repo must be owner/name`);
            if (typeof p?.tag !== "string" || !/^[A-Za-z0-9_.+-]{1,100}$/.test(p.tag))
                problems.push(`projects[${i}].tag must be a git tag`);
            if (!Array.isArray(p?.files)) problems.push(`projects[${i}].files must be a list`);
            else
                p.files.forEach((f, j) => {
                    if (typeof f?.file !== "string" || !vendoredPath(DIR, f.file))
                        problems.push(`projects[${i}].files[${j}].file must be a path below crds/`);
                    if (typeof f?.upstream !== "string" || !/^[A-Za-z0-9_./-]+$/.test(f.upstream) || f.upstream.split("/").includes(".."))
                        problems.push(`projects[${i}].files[${j}].upstream must be a path in the repository`);
                });
        });
    if (problems.length) throw new CliError(`${name}: ${problems.join("; ")}`, EXIT.io);
    return data;
}

async function download(repo: string, tag: string, upstream: string): Promise<Buffer> {
    const url = `https://raw.githubusercontent.com/${repo}/${encodeURIComponent(tag)}/${upstream}`;
    let res: Response;
    try {
        res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    } catch (e) {
        throw new Error(`${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
    }
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
}

/** The CLI; resolves to the exit code (EXIT). */
export async function main(argv: string[], io: Io = STDIO): Promise<number> {
    const program = new Command()
        .name("crds:refresh")
        .description("Download the vendored CRDs at their tags (crds/sources.json); without --check, write them and their hashes.")
        .option("--check", "only download and compare; change nothing");
    const parsed = parseCommand(program, argv, io, EXIT.usage);
    if (parsed !== undefined) return parsed;
    try {
        return await run(program.opts<{ check?: boolean }>(), io);
    } catch (e) {
        if (e instanceof CliError) {
            io.err(`crds:refresh failed: ${e.message}`);
            return e.code;
        }
        return internalError("crds:refresh", e, io);
    }
}

async function run(o: { check?: boolean }, io: Io): Promise<number> {
    const sources = readSources();
    // Everything is downloaded before anything is written: a failed download changes nothing.
    const bodies = new Map<VendoredFile, Buffer>();
    let changed = 0;
    for (const p of sources.projects)
        for (const f of p.files) {
            let body: Buffer;
            try {
                body = await download(p.repo, p.tag, f.upstream);
            } catch (e) {
                throw new CliError(
                    `cannot download ${p.repo}@${p.tag} ${f.upstream}: ${(e as Error).message}; nothing was written`,
                    EXIT.io,
                );
            }
            const hash = sha256(body);
            const same = hash === f.sha256;
            io.out(
                `${same ? "same   " : "changed"} ${f.file} ${String(f.sha256).slice(0, 12)} -> ${hash.slice(0, 12)} (${body.length} bytes)`,
            );
            if (!same) changed++;
            bodies.set(f, body);
        }
    if (!o.check) {
        for (const [f, body] of bodies) {
            writeFileAtomic(vendoredPath(DIR, f.file)!, body, `crds/${f.file}`, EXIT.io);
            f.bytes = body.length;
            f.sha256 = sha256(body);
        }
        writeFileAtomic(SOURCES, JSON.stringify(sources, null, 2) + "\n", "crds/sources.json", EXIT.io);
    }
    io.out(`${changed} of ${bodies.size} files changed${o.check ? " (nothing written)" : ""}.`);
    return o.check && changed ? EXIT.changed : EXIT.ok;
}

if (require.main === module) runMain("crds:refresh", main);
