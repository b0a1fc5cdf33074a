/**
 * `npm run crds:refresh [-- --check]`: downloads the vendored CRDs (crds/sources.json) from
 * GitHub at their tags, reports each file's old and new SHA-256, and (without --check) writes
 * the files and the new sizes and hashes. Needs the internet; nothing else in the project does.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";

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

export function readSources(file = SOURCES): Sources {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Sources;
}

async function download(repo: string, tag: string, upstream: string): Promise<Buffer> {
    const url = `https://raw.githubusercontent.com/${repo}/${encodeURIComponent(tag)}/${upstream}`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
}

async function main(argv: string[]): Promise<number> {
    const o = new Command()
        .name("crds:refresh")
        .description("Download the vendored CRDs at their tags (crds/sources.json); without --check, write them and their hashes.")
        .option("--check", "only download and compare; change nothing")
        .parse(argv, { from: "user" })
        .opts<{ check?: boolean }>();
    const sources = readSources();
    let changed = 0;
    for (const p of sources.projects)
        for (const f of p.files) {
            let body: Buffer;
            try {
                body = await download(p.repo, p.tag, f.upstream);
            } catch (e) {
                console.error(`crds:refresh: cannot download ${p.repo}@${p.tag} ${f.upstream}: ${(e as Error).message}`);
                return 1;
            }
            const hash = sha256(body);
            const same = hash === f.sha256;
            console.log(
                `${same ? "same   " : "changed"} ${f.file} ${f.sha256.slice(0, 12)} -> ${hash.slice(0, 12)} (${body.length} bytes)`,
            );
            if (!same) changed++;
            if (!o.check) {
                fs.writeFileSync(path.join(DIR, f.file), body);
                f.bytes = body.length;
                f.sha256 = hash;
            }
        }
    if (!o.check) fs.writeFileSync(SOURCES, JSON.stringify(sources, null, 2) + "\n");
    console.log(
        `${changed} of ${sources.projects.reduce((n, p) => n + p.files.length, 0)} files changed${o.check ? " (nothing written)" : ""}.`,
    );
    return o.check && changed ? 1 : 0;
}

if (require.main === module)
    main(process.argv.slice(2)).then(
        (c) => process.exit(c),
        (e: unknown) => {
            console.error(`crds:refresh: ${e instanceof Error ? e.message : String(e)}`);
            process.exit(1);
        },
    );
