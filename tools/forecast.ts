/**
 * `npm run forecast -- --stack <name> [--refresh] [--config-dir <dir>] [--out <dir>] [--now <iso>] [--json]`
 *
 * Runs the forecasting step for a stack exactly as the program does, from the series mapping in
 * its stack config (`forecast.series` in `Pulumi.<stack>.yaml`), prints the Markdown report
 * (ready for a PR comment) and writes it with one SVG and PNG chart per workload under
 * `out/forecast/<stack>/`. With `--refresh`, first reruns each mapped series' PromQL against
 * Prometheus (query_range, chunked) and rewrites the export files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { Command } from "commander";
import type { AppConfig } from "../config";
import { parseSeriesText, pickSeries } from "../forecast/ingest";
import { prometheusEndpoint, queryRange } from "../forecast/live";
import { exportsDir, prometheusUrl, refreshTargets } from "../forecast/mapping";
import { programForecast, type ProgramForecast } from "../forecast/program";
import { markdownReport, workloadSvg } from "../forecast/report";
import { readAppConfig } from "./stackConfig";

const ROOT = path.resolve(__dirname, "..");

/**
 * Rewrites every mapped export that has a `query`, from `end - days` to `end` (unix seconds),
 * with evaluation times on the grid `alignOrigin + k × step` (default: multiples of the step).
 * All or nothing: every answer is fetched and read back exactly as the forecasting step will
 * read it (its mapped series present and unambiguous) before anything is written; then every
 * file is written beside its target and only then renamed over it, so a failed refresh leaves
 * the old exports (and no temporary files).
 */
export async function refreshExports(
    c: AppConfig,
    dir: string,
    end: number,
    o: { readonly url: string; readonly log?: (s: string) => void; readonly alignOrigin?: number },
): Promise<string[]> {
    const step = c.forecast.prometheus.stepSeconds;
    const origin = o.alignOrigin ?? 0;
    const e = end - ((((end - origin) % step) + step) % step);
    const s = e - Math.round(c.forecast.prometheus.days * 86400);
    const out = new Map<string, string>();
    for (const t of refreshTargets(c)) {
        o.log?.(`refresh ${t.name}: ${t.query}`);
        const body = await queryRange({ url: o.url, query: t.query, start: s, end: e, stepSeconds: step });
        const file = path.resolve(dir, t.file);
        let text: string;
        if (file.endsWith(".csv")) {
            // A CSV holds one series: never keep the first of several and drop the rest.
            if (body.data.result.length !== 1)
                throw new Error(
                    `refresh ${t.name}: ${JSON.stringify(t.query)} returned ${body.data.result.length} series; ${t.file} is a CSV of one series: aggregate the query (e.g. sum(...)) or write a .json export`,
                );
            text = ["timestamp,value", ...body.data.result[0].values.map(([ts, v]) => `${ts},${v}`)].join("\n") + "\n";
        } else text = JSON.stringify(body) + "\n";
        const got = pickSeries(parseSeriesText(text, t.file), t.file, t.name, t.series);
        if (typeof got === "string") throw new Error(`refresh ${t.name}: ${JSON.stringify(t.query)} answered, but ${got}`);
        out.set(file, text);
    }
    const tmp = (file: string) => `${file}.${process.pid}.tmp`;
    try {
        for (const [file, text] of out) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(tmp(file), text);
        }
    } catch (err) {
        for (const file of out.keys()) fs.rmSync(tmp(file), { force: true });
        throw new Error(`refresh: could not write the exports, none was replaced: ${(err as Error).message}`);
    }
    const done: string[] = [];
    for (const file of out.keys()) {
        try {
            fs.renameSync(tmp(file), file);
        } catch (err) {
            for (const f of out.keys()) fs.rmSync(tmp(f), { force: true });
            throw new Error(
                `refresh: replaced ${done.length} of ${out.size} exports (${done.map((f) => path.relative(dir, f)).join(", ") || "none"}) before ${path.relative(dir, file)} failed: ${(err as Error).message}`,
            );
        }
        done.push(file);
    }
    return done;
}

export function writeReport(f: ProgramForecast, outDir: string): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    const files = [path.join(outDir, "report.md")];
    fs.writeFileSync(files[0], markdownReport(f.result, f.dataTier));
    for (const w of f.result.workloads) {
        const svg = workloadSvg(w);
        const file = path.join(outDir, `${w.name}.svg`);
        fs.writeFileSync(file, svg);
        const png = path.join(outDir, `${w.name}.png`);
        fs.writeFileSync(png, svgToPng(svg));
        files.push(file, png);
    }
    return files;
}

/** The chart as PNG (resvg; text in the system's sans-serif font), for tools that cannot show SVG. */
export function svgToPng(svg: string): Buffer {
    return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }, background: "white" }).render().asPng();
}

async function main(argv: string[]): Promise<void> {
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
        .parse(argv);
    const o = p.opts<{ stack: string; refresh: boolean; configDir: string; out?: string; now?: string; json: boolean }>();
    const config = readAppConfig(o.configDir, o.stack);
    const now = o.now ? new Date(o.now) : undefined;
    if (now && Number.isNaN(now.getTime())) throw new Error(`--now ${JSON.stringify(o.now)} is not a date`);
    if (o.refresh) {
        const url = prometheusUrl(config, process.env);
        const end = (now ?? new Date()).getTime() / 1000;
        const files = await refreshExports(config, exportsDir(config, o.stack, ROOT), end, {
            url,
            log: (s) => process.stderr.write(`${s}\n`),
        });
        process.stderr.write(`refreshed ${files.length} export(s) from ${prometheusEndpoint(url).shown}\n`);
    }
    const t0 = performance.now();
    // The program reads its exports relative to its own folder (index.ts); so does this tool,
    // whichever folder the config came from, so both size from the same files.
    const f = programForecast({ stack: o.stack, projectDir: ROOT, config, now });
    const ms = performance.now() - t0;
    const outDir = o.out ?? path.join(ROOT, "out", "forecast", o.stack);
    const files = writeReport(f, outDir);
    if (o.json)
        process.stdout.write(
            JSON.stringify({ ...f.result, dataTier: f.dataTier }, (_, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v), 2) +
                "\n",
        );
    else process.stdout.write(markdownReport(f.result, f.dataTier) + "\n");
    process.stderr.write(`forecast step ${ms.toFixed(0)} ms; wrote ${files.map((x) => path.relative(process.cwd(), x)).join(", ")}\n`);
}

if (require.main === module)
    main(process.argv).catch((e: Error) => {
        process.stderr.write(`forecast: ${e.message}\n`);
        process.exit(1);
    });
