/**
 * `npm run bench:forecast -- --data <dir> [--json] [--only <substring>]`
 *
 * Benchmarks our default forecaster and sizing against the seed's method and the baselines on
 * every CSV / query_range file under <dir> (format and step auto-detected). Prints one table per
 * series and capacity scenario and a summary, or with --json one JSON document. Progress goes
 * to stderr.
 */
import * as path from "node:path";
import { Command } from "commander";
import { formatBench, runBench } from "../forecast/bench";

function main(argv: string[]): void {
    const o = new Command()
        .name("bench:forecast")
        .requiredOption("--data <dir>", "directory of CSV / query_range JSON files")
        .option("--json", "print one JSON document", false)
        .option("--only <substring>", "only files whose path relative to --data contains this")
        .parse(argv)
        .opts<{ data: string; json: boolean; only?: string }>();
    const dir = path.resolve(o.data);
    let last = 0;
    const progress = (msg: string) => {
        const now = Date.now();
        if (now - last > 2000 || msg.startsWith("speed")) {
            process.stderr.write(`${msg}\n`);
            last = now;
        }
    };
    const r = runBench(dir, progress, o.only ? (rel) => rel.includes(o.only!) : undefined);
    // The documented shape: the floor bound is a diagnostic of the Markdown summary only.
    const series = r.series.map(({ name, p99Pods, origins, methods }) => ({ name, p99Pods, origins, methods }));
    const { forecastMs, jsonParseMs, ratio } = r.speed;
    if (o.json) process.stdout.write(JSON.stringify({ series, speed: { forecastMs, jsonParseMs, ratio } }, null, 2) + "\n");
    else process.stdout.write(formatBench(r) + "\n");
}

if (require.main === module) {
    try {
        main(process.argv);
    } catch (e) {
        process.stderr.write(`bench:forecast: ${(e as Error).message}\n`);
        process.exit(1);
    }
}
