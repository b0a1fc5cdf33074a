/**
 * The benchmark's speed line: the forecasting step for the dev stack as the program runs it,
 * against JSON.parse of the same exports.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseConfig } from "../../config/parse";
import type { AppConfig } from "../../config/schema";
import { readAppConfig } from "../../config/stackFile";
import { toGrid } from "../../forecast/ingest";
import { isUsageOnly, mappedSeries } from "../../forecast/mapping";
import { programForecast } from "../../forecast/program";
import { quantile } from "../../forecast/stats";
import type { Series } from "../../forecast/types";
import { readSeriesFile } from "./seriesFile";

/** The project root (where Pulumi.yaml and exports/ live). */
const PROJECT_DIR = path.resolve(__dirname, "../..");

/**
 * Speed: the forecasting step for a whole stack, as the program runs it (`programForecast`: every
 * workload and data-tier count the dev stack maps), on 30 days at 1-minute resolution per series
 * written as query_range exports. Each series is the longest trace found, stepped to 1 minute and
 * scaled to the p99 of the dev stack's own demo export for it. Returns the step's time and
 * JSON.parse's time on the same files, measured alternately in one run. `forecastOverrides` are
 * keys of the `forecast` config to set (`{ schedule: { enabled: false } }`: the step without the
 * schedule, for its share of the time).
 */
export function benchSpeed(
    all: Series[],
    forecastOverrides: Record<string, unknown> = {},
): { forecastMs: number; jsonParseMs: number; ratio: number; files: number } {
    const longest = [...all].sort((a, b) => b.t[b.t.length - 1] - b.t[0] - (a.t[a.t.length - 1] - a.t[0]))[0];
    // A project of its own: the step reads exports only inside the project it is given.
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "bench-forecast-"));
    const dir = path.join(project, "exports");
    fs.mkdirSync(dir);
    try {
        const dev = readAppConfig(PROJECT_DIR, "dev");
        const devDir = path.resolve(PROJECT_DIR, dev.forecast.exportsDir || "exports/dev");
        const n = 30 * 1440;
        const g = toGrid(longest, longest.step, "mean", { align: longest.step });
        const shapeP99 = quantile(g.values, 0.99) || 1;
        const series = structuredClone(dev.forecast.series);
        const files: string[] = [];
        for (const { group, name, ref } of mappedSeries(series)) {
            // The step never reads them: counting them would flatter the ratio.
            if (isUsageOnly({ group, name })) continue;
            const at = name.split("/");
            let scale = 1;
            try {
                const demo = readSeriesFile(path.join(devDir, ref.file))[0];
                scale = (quantile(demo.v, 0.99) || 1) / shapeP99;
            } catch {
                // no demo export for this series: the trace's own scale
            }
            const values: Array<[number, string]> = [];
            let last = 0;
            const t0 = 1700000000 - (1700000000 % 86400);
            for (let i = 0; i < n; i++) {
                const j = Math.floor(((i * 60) % (g.values.length * g.step)) / g.step);
                const v = g.values[j];
                if (Number.isFinite(v)) last = v;
                values.push([t0 + i * 60, String(Math.round(last * scale * 1000) / 1000)]);
            }
            const file = `${at.join("-")}.query_range.json`;
            fs.writeFileSync(
                path.join(dir, file),
                JSON.stringify({
                    status: "success",
                    data: { resultType: "matrix", result: [{ metric: { __name__: at.join("_") }, values }] },
                }),
            );
            ref.file = file;
            ref.series = "";
            ref.unit = "rate";
            files.push(path.join(dir, file));
        }
        const raw = toRaw(dev);
        const config = parseConfig(
            { ...raw, forecast: { ...raw.forecast, exportsDir: "exports", maxAgeDays: 0, series, ...forecastOverrides } },
            "dev",
        );
        const run = () => programForecast({ stack: "dev", projectDir: project, config });
        run(); // warm-up, so both timings measure steady-state code
        const texts = files.map((f) => fs.readFileSync(f, "utf8"));
        // Side by side: the two timings alternate, and each keeps its fastest of 7 runs, so a
        // burst of load on a shared machine does not land on one side only.
        let jsonParseMs = Infinity;
        let forecastMs = Infinity;
        for (let r = 0; r < 7; r++) {
            let t0 = performance.now();
            for (const t of texts) JSON.parse(t);
            jsonParseMs = Math.min(jsonParseMs, performance.now() - t0);
            t0 = performance.now();
            run();
            forecastMs = Math.min(forecastMs, performance.now() - t0);
        }
        return { forecastMs, jsonParseMs, ratio: forecastMs / jsonParseMs, files: files.length };
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }
}

/** A parsed config back as the raw object parseConfig reads (it is plain data). */
const toRaw = (c: AppConfig): Record<string, unknown> & { forecast: Record<string, unknown> } => structuredClone(c);
