/**
 * `npm run bench:forecast -- --data <dir> [--json] [--only <substring>]`
 *
 * Benchmarks our default forecaster and sizing against the seed's method and the baselines on
 * every CSV / query_range file under <dir> (format and step auto-detected). Prints one table per
 * series and capacity scenario and a summary, or with --json one JSON document. Progress goes
 * to stderr. A file that is not an export is listed as skipped, with its position and reason.
 *
 * Exit codes (EXIT): 0 benchmarked; 2 usage (an unknown option, --data not a directory); 70
 * internal error (a bug).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { runBench } from "./forecast/bench";
import { formatBench } from "./forecast/benchReport";
import { CliError, parseCommand, EXIT_INTERNAL, internalError, runMain, STDIO, type Io } from "./cli";

export const EXIT = { ok: 0, usage: 2, internal: EXIT_INTERNAL } as const;

/** The CLI; resolves to the exit code (EXIT). */
export function main(argv: string[], io: Io = STDIO): Promise<number> {
    const p = new Command()
        .name("bench:forecast")
        .requiredOption("--data <dir>", "directory of CSV / query_range JSON files")
        .option("--json", "print one JSON document", false)
        .option("--only <substring>", "only files whose path relative to --data contains this");
    const parsed = parseCommand(p, argv, io, EXIT.usage);
    if (parsed !== undefined) return Promise.resolve(parsed);
    const o = p.opts<{ data: string; json: boolean; only?: string }>();
    try {
        const dir = path.resolve(o.data);
        if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
            throw new CliError(`--data ${o.data}: is not a directory (give the folder of CSV / query_range files)`, EXIT.usage);
        let last = 0;
        const progress = (msg: string) => {
            const now = Date.now();
            if (now - last > 2000 || msg.startsWith("speed")) {
                io.err(msg);
                last = now;
            }
        };
        const r = runBench(dir, progress, o.only ? (rel) => rel.includes(o.only!) : undefined);
        // The documented shape: the floor bound is a diagnostic of the Markdown summary only.
        const series = r.series.map(({ name, p99Pods, origins, methods }) => ({ name, p99Pods, origins, methods }));
        const { forecastMs, jsonParseMs, ratio } = r.speed;
        if (o.json) io.out(JSON.stringify({ series, speed: { forecastMs, jsonParseMs, ratio } }, null, 2));
        else io.out(formatBench(r));
        return Promise.resolve(EXIT.ok);
    } catch (e) {
        if (e instanceof CliError) {
            io.err(`bench:forecast: ${e.message}`);
            return Promise.resolve(e.code);
        }
        return Promise.resolve(internalError("bench:forecast", e, io));
    }
}

if (require.main === module) runMain("bench:forecast", main);
