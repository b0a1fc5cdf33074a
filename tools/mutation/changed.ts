/**
 * `npm run test:mutation:changed [-- --base <git-ref>] [--budget <seconds>]`: mutation testing of
 * what a change touched, within a time budget (issue 20; `.ci/run` runs it).
 *
 * The lines of the pure modules (stryker.config.mjs `mutate`) changed since `--base` (default: the
 * commit that last wrote the committed incremental state, reports/stryker-incremental.json), in
 * the working tree, are mutated (`--mutate file:from-to`), and only the unit test files whose
 * imports reach those modules run (STRYKER_TEST_FILES): Stryker's initial run over every unit test
 * file takes minutes. Stryker's incremental state reuses every unchanged mutant's result.
 *
 * Exit codes: 0 nothing to mutate, or the changed lines' score is at least the config's
 * `thresholds.low` (90 %), or the run did not end within the budget (said so: then run it without
 * a budget and commit the state); 1 a score below it (each survivor listed); 2 usage.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(__dirname, "..", "..");
const STATE = "reports/stryker-incremental.json";
const REPORT = "reports/mutation/mutation.json";

export interface LineRange {
    readonly from: number;
    readonly to: number;
}

/** The new-side line ranges of a `git diff -U0` of one file; a deletion marks the line after it. */
export function changedRanges(diff: string): LineRange[] {
    const ranges: LineRange[] = [];
    for (const m of diff.matchAll(/^@@ -\S+ \+(\d+)(?:,(\d+))? @@/gm)) {
        const start = Number(m[1]);
        const count = m[2] === undefined ? 1 : Number(m[2]);
        // `+c,0`: lines were removed after line c; the code around the gap changed meaning.
        ranges.push(count === 0 ? { from: Math.max(1, start), to: start + 1 } : { from: start, to: start + count - 1 });
    }
    return ranges;
}

/** Stryker's `--mutate` entries: `file:from-to` per range, or the file alone when it is new. */
export function mutateArgs(files: ReadonlyMap<string, LineRange[] | "all">): string[] {
    return [...files].flatMap(([f, r]) => (r === "all" ? [f] : r.map((x) => `${f}:${x.from}-${x.to}`)));
}

/** True when `file` (relative, `/`-separated) matches the config's `mutate` globs (`!` excludes). */
export function isMutated(file: string, patterns: readonly string[]): boolean {
    const yes = patterns.filter((p) => !p.startsWith("!")).some((p) => path.matchesGlob(file, p));
    return yes && !patterns.filter((p) => p.startsWith("!")).some((p) => path.matchesGlob(file, p.slice(1)));
}

const IMPORT = /(?:from\s*|import\s*\(\s*|import\s+|require\s*\(\s*)["'](\.{1,2}\/[^"']*)["']/g;

/** The repository files a TypeScript file imports with relative paths. */
export function relativeImports(file: string, text: string, exists: (f: string) => boolean): string[] {
    const out: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
        const hit = [`${base}.ts`, `${base}/index.ts`, base].find((c) => exists(c));
        if (hit) out.push(hit);
    }
    return out;
}

/** The test files whose imports (transitively) reach any of `targets`. */
export function testsReaching(tests: readonly string[], targets: ReadonlySet<string>, importsOf: (f: string) => string[]): string[] {
    return tests.filter((t) => {
        const seen = new Set([t]);
        const todo = [t];
        while (todo.length) {
            for (const f of importsOf(todo.pop()!)) {
                if (targets.has(f)) return true;
                if (seen.has(f)) continue;
                seen.add(f);
                todo.push(f);
            }
        }
        return false;
    });
}

interface ReportMutant {
    readonly id: string;
    readonly mutatorName: string;
    readonly replacement?: string;
    readonly status: string;
    readonly location: { readonly start: { readonly line: number; readonly column: number } };
}
export interface Tally {
    readonly file: string;
    readonly killed: number;
    readonly survivors: string[];
    readonly noCoverage: number;
}

/** Per file, the mutants of a mutation-testing report that lie in the changed ranges. */
export function tally(
    report: { files: Record<string, { mutants: ReportMutant[] }> },
    ranges: ReadonlyMap<string, LineRange[] | "all">,
): Tally[] {
    return [...ranges].map(([file, r]) => {
        const inRange = (m: ReportMutant) => r === "all" || r.some((x) => m.location.start.line >= x.from && m.location.start.line <= x.to);
        const ms = (report.files[file]?.mutants ?? []).filter(inRange);
        const survivors = ms
            .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
            .map(
                (m) =>
                    `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? "")} (${m.status})`,
            );
        return {
            file,
            killed: ms.filter((m) => m.status === "Killed" || m.status === "Timeout").length,
            survivors,
            noCoverage: ms.filter((m) => m.status === "NoCoverage").length,
        };
    });
}

/** The score (killed ÷ killed + survived + uncovered, in %) over all tallies; 100 when there is no mutant. */
export function score(ts: readonly Tally[]): number {
    const killed = ts.reduce((s, t) => s + t.killed, 0);
    const all = killed + ts.reduce((s, t) => s + t.survivors.length, 0);
    return all === 0 ? 100 : (killed / all) * 100;
}

const git = (...args: string[]) => {
    const r = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.trim()}`);
    return r.stdout;
};
const lines = (s: string) => s.split("\n").filter(Boolean);

/** The changed pure files since `base` (working tree included) and their changed lines. */
function changedPureFiles(base: string, patterns: readonly string[]): Map<string, LineRange[] | "all"> {
    const files = new Map<string, LineRange[] | "all">();
    for (const f of lines(git("diff", "--name-only", base)))
        if (isMutated(f, patterns) && fs.existsSync(path.join(ROOT, f))) files.set(f, changedRanges(git("diff", "-U0", base, "--", f)));
    for (const f of lines(git("ls-files", "--others", "--exclude-standard"))) if (isMutated(f, patterns)) files.set(f, "all");
    return files;
}

function option(argv: readonly string[], name: string): string | undefined {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
}

/** Runs Stryker, killing it (and its test runners) when `budgetS` passes; resolves to its exit code or "budget". */
function runStryker(args: string[], env: NodeJS.ProcessEnv, budgetS: number): Promise<number | "budget"> {
    return new Promise((resolve) => {
        const child = spawn(path.join(ROOT, "node_modules", ".bin", "stryker"), ["run", ...args], {
            cwd: ROOT,
            env,
            stdio: "inherit",
            detached: true,
        });
        let over = false;
        const timer = setTimeout(() => {
            over = true;
            process.kill(-child.pid!, "SIGTERM");
        }, budgetS * 1000);
        child.on("exit", (code) => {
            clearTimeout(timer);
            resolve(over ? "budget" : (code ?? 1));
        });
    });
}

async function main(argv: readonly string[]): Promise<number> {
    const config = (await import(pathToFileURL(path.join(ROOT, "stryker.config.mjs")).href)) as {
        default: { mutate: string[]; thresholds: { low: number } };
        UNIT_TEST_FILES: string;
    };
    const budget = Number(option(argv, "--budget") ?? process.env.MUTATION_BUDGET_SECONDS ?? 600);
    if (!(budget > 0)) {
        console.error("usage: npm run test:mutation:changed [-- --base <git-ref>] [--budget <seconds>]");
        return 2;
    }
    // A checkout without git history (an archive, a shallow clone past the state's commit) has nothing to compare with.
    const base =
        option(argv, "--base") ??
        (spawnSync("git", ["log", "-1", "--format=%H", "--", STATE], { cwd: ROOT, encoding: "utf8" }).stdout ?? "").trim();
    if (!base) {
        console.log(`mutation testing: skipped, no commit of ${STATE} in this checkout's git history`);
        return 0;
    }
    const files = changedPureFiles(base, config.default.mutate);
    const short = git("rev-parse", "--short", base).trim();
    if (files.size === 0) {
        console.log(`mutation testing: skipped, no pure module (stryker.config.mjs mutate) changed since ${short}`);
        return 0;
    }
    const exists = (f: string) => fs.statSync(path.join(ROOT, f), { throwIfNoEntry: false })?.isFile() ?? false;
    const cache = new Map<string, string[]>();
    const importsOf = (f: string) => {
        if (!cache.has(f)) cache.set(f, f.endsWith(".ts") ? relativeImports(f, fs.readFileSync(path.join(ROOT, f), "utf8"), exists) : []);
        return cache.get(f)!;
    };
    const allTests = fs.globSync(config.UNIT_TEST_FILES, { cwd: ROOT }).sort();
    const tests = testsReaching(allTests, new Set(files.keys()), importsOf);
    const mutate = mutateArgs(files);
    console.log(
        `mutation testing: ${mutate.join(" ")} (changed since ${short}), ${tests.length} of ${allTests.length} unit test files reach them`,
    );
    if (tests.length === 0) {
        console.error(`mutation testing: no unit test file imports ${[...files.keys()].join(", ")}; add tests`);
        return 1;
    }
    const code = await runStryker(["--mutate", mutate.join(",")], { ...process.env, STRYKER_TEST_FILES: tests.join(",") }, budget);
    if (code === "budget") {
        // Stryker cleans its sandbox only when it ends by itself.
        fs.rmSync(path.join(ROOT, ".stryker-tmp"), { recursive: true, force: true });
        console.log(`mutation testing: not finished within ${budget} s; run \`npm run test:mutation\` and commit ${STATE}`);
        return 0;
    }
    if (code !== 0) return code;
    const report = JSON.parse(fs.readFileSync(path.join(ROOT, REPORT), "utf8")) as Parameters<typeof tally>[0];
    const ts = tally(report, files);
    for (const t of ts) console.log(`  ${t.file}: ${t.killed} killed, ${t.survivors.length} survived or uncovered in the changed lines`);
    for (const s of ts.flatMap((t) => t.survivors)) console.log(`  survived: ${s}`);
    const pct = score(ts);
    const low = config.default.thresholds.low;
    console.log(`mutation testing: ${pct.toFixed(1)} % of the changed lines' mutants killed (at least ${low} %)`);
    return pct >= low ? 0 : 1;
}

if (require.main === module)
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: unknown) => {
            console.error(e);
            process.exit(70);
        },
    );
