/**
 * `npm run forecast -- --stack <name> [--refresh] [--exports <dir>] [--out <dir>] [--now <iso>] [--json]`
 *
 * Runs the forecasting step for a stack from `exports/<stack>/series.yaml`, prints the Markdown
 * report (ready for a PR comment) and writes it with one SVG chart per workload under
 * `out/forecast/<stack>/`. With `--refresh`, first reruns each metric's PromQL against the
 * Prometheus in series.yaml (query_range, chunked) and rewrites the export files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { queryRange } from "../forecast/live";
import { markdownReport, workloadSvg } from "../forecast/report";
import { loadSeriesConfig, stackInputFromConfig, type SeriesConfig } from "../forecast/seriesConfig";
import { forecastStack, type StackForecast } from "../forecast/stack";

const ROOT = path.resolve(__dirname, "..");

/**
 * Rewrites every export that has a `query`, from `end - days` to `end` (unix seconds), with
 * evaluation times on the grid `alignOrigin + k × step` (default: multiples of the step).
 */
export async function refreshExports(
    c: SeriesConfig,
    dir: string,
    end: number,
    log: (s: string) => void = () => {},
    alignOrigin = 0,
): Promise<string[]> {
    const written: string[] = [];
    const step = c.prometheus.stepSeconds;
    const e = end - ((((end - alignOrigin) % step) + step) % step);
    const s = e - Math.round(c.prometheus.days * 86400);
    for (const w of c.workloads)
        for (const m of w.metrics) {
            if (!m.query) continue;
            log(`refresh ${w.name}/${m.name}: ${m.query}`);
            const body = await queryRange({ url: c.prometheus.url, query: m.query, start: s, end: e, stepSeconds: step });
            const file = path.resolve(dir, m.file);
            if (file.endsWith(".csv")) {
                const first = body.data.result[0];
                const lines = ["timestamp,value", ...(first?.values ?? []).map(([t, v]) => `${t},${v}`)];
                fs.writeFileSync(file, lines.join("\n") + "\n");
            } else fs.writeFileSync(file, JSON.stringify(body) + "\n");
            written.push(file);
        }
    return written;
}

export function writeReport(r: StackForecast, outDir: string): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    const files = [path.join(outDir, "report.md")];
    fs.writeFileSync(files[0], markdownReport(r));
    for (const w of r.workloads) {
        const f = path.join(outDir, `${w.name}.svg`);
        fs.writeFileSync(f, workloadSvg(w));
        files.push(f);
    }
    return files;
}

async function main(argv: string[]): Promise<void> {
    const p = new Command()
        .name("forecast")
        .requiredOption("--stack <name>", "stack whose exports to read (exports/<stack>/series.yaml)")
        .option("--refresh", "query Prometheus first and rewrite the export files", false)
        .option("--exports <dir>", "directory holding <stack>/series.yaml", path.join(ROOT, "exports"))
        .option("--out <dir>", "where report.md and the SVGs go (default out/forecast/<stack>)")
        .option(
            "--now <iso>",
            "time of this run, for staleness checks and --refresh's end (default: the newest data point; now for --refresh)",
        )
        .option("--json", "print the result as JSON instead of Markdown", false)
        .parse(argv);
    const o = p.opts<{ stack: string; refresh: boolean; exports: string; out?: string; now?: string; json: boolean }>();
    const dir = path.join(o.exports, o.stack);
    const cfgFile = path.join(dir, "series.yaml");
    const c = loadSeriesConfig(cfgFile);
    const now = o.now ? new Date(o.now) : undefined;
    if (now && Number.isNaN(now.getTime())) throw new Error(`--now ${JSON.stringify(o.now)} is not a date`);
    if (o.refresh) {
        const end = (now ?? new Date()).getTime() / 1000;
        const files = await refreshExports(c, dir, end, (s) => process.stderr.write(`${s}\n`));
        process.stderr.write(`refreshed ${files.length} export(s)\n`);
    }
    const t0 = performance.now();
    const r = forecastStack(stackInputFromConfig(c, dir, now));
    const ms = performance.now() - t0;
    const outDir = o.out ?? path.join(ROOT, "out", "forecast", o.stack);
    const files = writeReport(r, outDir);
    if (o.json) process.stdout.write(JSON.stringify(r, (_, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v), 2) + "\n");
    else process.stdout.write(markdownReport(r) + "\n");
    process.stderr.write(`forecast step ${ms.toFixed(0)} ms; wrote ${files.map((f) => path.relative(process.cwd(), f)).join(", ")}\n`);
}

if (require.main === module)
    main(process.argv).catch((e: Error) => {
        process.stderr.write(`forecast: ${e.message}\n`);
        process.exit(1);
    });
