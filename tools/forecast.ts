/**
 * `npm run forecast -- --stack <name> [--refresh] [--config-dir <dir>] [--out <dir>] [--now <iso>] [--json]`
 *
 * Runs the forecasting step for a stack exactly as the program does, from the series mapping in
 * its stack config (`forecast.series` in `Pulumi.<stack>.yaml`), prints the Markdown report
 * (ready for a PR comment) and writes it with one SVG and PNG chart per workload under
 * `out/forecast/<stack>/`. With `--refresh`, first reruns each mapped series' PromQL against
 * Prometheus (query_range, chunked) and rewrites the export files.
 *
 * Exit codes (EXIT): 0 report written (fallbacks and warnings are in it); 1 the stack's config is
 * invalid (the message names the file, the key and the value); 2 usage (an option or the stack
 * name refused as given, `--out` a file or a directory holding files the forecast did not write;
 * nothing written); 3 the report could not be written (file system); 4 `--refresh` failed
 * (Prometheus unreachable or its answer unusable, an export could not be written: no export was
 * replaced); 70 internal error (a bug).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { ConfigError } from "../config/errors";
import type { AppConfig } from "../config/schema";
import { exportsLocation } from "../forecast/mapping";
import { programForecast, type ProgramForecast } from "../forecast/program";
import { prometheusEndpoint } from "./forecast/live";
import { prometheusSource, refreshExports, RefreshError } from "./forecast/refresh";
import { svgToPng, workloadSvg } from "./forecast/chart";
import { markdownReport, type ReportExtras } from "./forecast/report";
import { rightSizingRows } from "./forecast/rightSizingReport";
import { shardCapacityFromExports } from "./forecast/shardExports";
import { stackCost, type StackCost } from "../plan/cost";
import { withForecast } from "../plan/forecast";
import {
    CliError,
    parseCommand,
    EXIT_INTERNAL,
    fsReason,
    internalError,
    isFsError,
    runMain,
    STDIO,
    withoutCredentials,
    type Io,
} from "./cli";
import { checkStackName, readAppConfig, StackConfigError } from "../config/stackFile";

const ROOT = path.resolve(__dirname, "..");

export const EXIT = { ok: 0, invalid: 1, usage: 2, write: 3, refresh: 4, internal: EXIT_INTERNAL } as const;

/** The list of files `npm run forecast` wrote in its output directory. */
export const REPORT_MARKER = ".sysmanage-forecast";
/** What the forecast writes in its output directory (and may replace there). */
const REPORT_FILE = /^(report\.md|[a-z0-9][a-z0-9.-]*\.(svg|png))$/;

/**
 * Checks that `dir` (as given in `option`) can take a report: absent, empty, or holding only
 * what a forecast writes (its list, report.md and the charts). Returns its real path; throws a
 * CliError (usage) otherwise, before anything is computed or written.
 */
export function checkReportDir(dir: string, option: string): string {
    const shown = `${option} ${dir}`;
    let st: fs.Stats | undefined;
    try {
        st = fs.statSync(dir, { throwIfNoEntry: false });
    } catch (e) {
        if (isFsError(e)) throw new CliError(`${shown}: ${fsReason(e)}`, EXIT.usage);
        throw e;
    }
    if (!st) return path.resolve(dir);
    if (!st.isDirectory()) throw new CliError(`${shown}: is a file, not a directory; give a directory for the report`, EXIT.usage);
    const real = fs.realpathSync(dir);
    const foreign = fs
        .readdirSync(real, { withFileTypes: true })
        .filter((e) => !(e.isFile() && (e.name === REPORT_MARKER || REPORT_FILE.test(e.name))))
        .map((e) => e.name)
        .sort();
    if (foreign.length)
        throw new CliError(
            `${shown}: holds ${foreign
                .slice(0, 5)
                .map((f) => JSON.stringify(f))
                .join(
                    ", ",
                )}${foreign.length > 5 ? ` and ${foreign.length - 5} more` : ""}, which the forecast did not write; give a new or empty directory (the forecast writes report.md and its charts there)`,
            EXIT.usage,
        );
    return real;
}

/**
 * Writes report.md and one SVG and PNG chart per workload into `outDir` (checked with
 * `checkReportDir`), each through a temporary file renamed over it; charts an earlier forecast
 * listed and this one does not write (a workload no longer mapped) are removed. Nothing else in
 * the directory is touched.
 */
export function writeReport(f: ProgramForecast, outDir: string, extras: ReportExtras = {}): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    const contents = new Map<string, string | Buffer>();
    contents.set("report.md", markdownReport(f.result, f.dataTier, extras));
    for (const w of f.result.workloads) {
        const svg = workloadSvg(w, f.schedules[w.name]);
        contents.set(`${w.name}.svg`, svg);
        contents.set(`${w.name}.png`, svgToPng(svg));
    }
    let before: string[] = [];
    try {
        const listed = JSON.parse(fs.readFileSync(path.join(outDir, REPORT_MARKER), "utf8")) as unknown;
        if (Array.isArray(listed)) before = listed.filter((x): x is string => typeof x === "string" && REPORT_FILE.test(x));
    } catch {
        before = [];
    }
    const write = (name: string, data: string | Buffer) => {
        const tmp = path.join(outDir, `.${name}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
        const fd = fs.openSync(tmp, "wx");
        try {
            fs.writeFileSync(fd, data);
        } finally {
            fs.closeSync(fd);
        }
        try {
            fs.renameSync(tmp, path.join(outDir, name));
        } catch (e) {
            fs.rmSync(tmp, { force: true });
            throw e;
        }
    };
    for (const [name, data] of contents) write(name, data);
    for (const old of before) if (!contents.has(old)) fs.rmSync(path.join(outDir, old), { force: true });
    write(REPORT_MARKER, JSON.stringify([...contents.keys()]) + "\n");
    return [...contents.keys()].map((n) => path.join(outDir, n));
}

/** Priced like the program prices it: the forecast's numbers applied as the stack file's own. */
function pricedForecast(config: AppConfig, f: ProgramForecast, stack: string): StackCost {
    return stackCost({ stack, configured: config, final: withForecast(config, f.values, stack), forecast: f.result });
}

/**
 * The base branch's stack files (`--base-config-dir`) priced by this branch's forecast and cost
 * model on the same exports, so the difference is the change of the stack files; or why not.
 */
function baseCost(o: Options, now: Date | undefined): StackCost | string {
    try {
        const config = readAppConfig(o.baseConfigDir!, o.stack);
        return pricedForecast(config, programForecast({ stack: o.stack, projectDir: ROOT, config, now }), o.stack);
    } catch (e) {
        if (e instanceof ConfigError || e instanceof StackConfigError)
            return `its stack files do not validate with this branch's schema (${withoutCredentials(e.message.split("\n")[0])})`;
        throw e;
    }
}

interface Options {
    readonly stack: string;
    readonly refresh: boolean;
    readonly configDir: string;
    readonly out?: string;
    readonly now?: string;
    readonly json: boolean;
    readonly baseConfigDir?: string;
}

/** The CLI; resolves to the exit code (EXIT). */
export async function main(argv: string[], io: Io = STDIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const p = new Command()
        .name("forecast")
        .requiredOption("--stack <name>", "stack to size; its mapping is forecast.series in Pulumi.<stack>.yaml")
        .option("--refresh", "query Prometheus first and rewrite the export files", false)
        .option(
            "--config-dir <dir>",
            "directory holding Pulumi.yaml and the stack files; exports are still read from this project (as the program does)",
            ROOT,
        )
        .option("--out <dir>", "where report.md and the SVG/PNG charts go (default out/forecast/<stack>)")
        .option(
            "--now <iso>",
            "time of this run, for staleness checks and --refresh's end (default: now when forecast.maxAgeDays is set, else the newest data point; now for --refresh)",
        )
        .option("--json", "print the result as JSON instead of Markdown", false)
        .option(
            "--base-config-dir <dir>",
            "directory holding the base branch's Pulumi.yaml and stack file: the report's cost table adds what they cost (same exports and model)",
        );
    const parsed = parseCommand(p, argv, io, EXIT.usage);
    if (parsed !== undefined) return parsed;
    try {
        return await run(p.opts<Options>(), io, env);
    } catch (e) {
        if (e instanceof CliError) {
            io.err(`forecast: ${withoutCredentials(e.message)}`);
            return e.code;
        }
        return internalError("forecast", e, io, env);
    }
}

async function run(o: Options, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
    try {
        checkStackName(o.stack, "--stack");
    } catch (e) {
        throw new CliError((e as Error).message, EXIT.usage);
    }
    const now = o.now === undefined ? undefined : new Date(o.now);
    if (now && Number.isNaN(now.getTime()))
        throw new CliError(`--now ${JSON.stringify(o.now)} is not a date (e.g. 2025-01-31T12:00:00Z)`, EXIT.usage);
    if (!fs.statSync(o.configDir, { throwIfNoEntry: false })?.isDirectory())
        throw new CliError(`--config-dir ${o.configDir}: is not a directory`, EXIT.usage);
    const outDir = checkReportDir(o.out ?? path.join(ROOT, "out", "forecast", o.stack), o.out === undefined ? "output directory" : "--out");
    const invalid = (e: unknown): never => {
        if (e instanceof ConfigError || e instanceof StackConfigError)
            throw new CliError(`invalid configuration for stack ${o.stack}:\n${e.message}`, EXIT.invalid);
        throw e;
    };
    let config: AppConfig;
    try {
        config = readAppConfig(o.configDir, o.stack);
    } catch (e) {
        return invalid(e);
    }
    if (o.refresh) {
        const { url, from } = prometheusSource(config, env);
        const end = (now ?? new Date()).getTime() / 1000;
        try {
            const files = await refreshExports(config, exportsLocation(config, o.stack, ROOT).dir, end, {
                url,
                from,
                stack: o.stack,
                log: (s) => io.err(s),
            });
            io.err(`refreshed ${files.length} export(s) from ${prometheusEndpoint(url, from).shown}`);
        } catch (e) {
            if (e instanceof RefreshError) throw new CliError(`${e.message}\n(no export was replaced)`, EXIT.refresh);
            return invalid(e);
        }
    }
    const t0 = performance.now();
    // The program reads its exports relative to its own folder (index.ts); so does this tool,
    // whichever folder the config came from, so both size from the same files.
    let f: ProgramForecast;
    let extras: ReportExtras;
    try {
        f = programForecast({ stack: o.stack, projectDir: ROOT, config, now });
        const cost = { ...pricedForecast(config, f, o.stack), base: o.baseConfigDir === undefined ? undefined : baseCost(o, now) };
        const rightSizing = { rows: rightSizingRows(config, o.stack, ROOT), cost: config.cost };
        extras = { cost, rightSizing, shards: shardCapacityFromExports(config, o.stack, ROOT) };
    } catch (e) {
        return invalid(e);
    }
    const ms = performance.now() - t0;
    let files: string[];
    try {
        files = writeReport(f, outDir, extras);
    } catch (e) {
        if (isFsError(e))
            throw new CliError(
                `${o.out === undefined ? "output directory" : "--out"} ${outDir}: could not write the report: ${fsReason(e)}`,
                EXIT.write,
            );
        throw e;
    }
    if (o.json)
        io.out(
            JSON.stringify(
                { ...f.result, dataTier: f.dataTier, cost: extras.cost, rightSizing: extras.rightSizing?.rows },
                (_, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v),
                2,
            ),
        );
    else io.out(markdownReport(f.result, f.dataTier, extras));
    io.err(`forecast step ${ms.toFixed(0)} ms; wrote ${files.map((x) => path.relative(process.cwd(), x)).join(", ")}`);
    return EXIT.ok;
}

if (require.main === module) runMain("forecast", main);
