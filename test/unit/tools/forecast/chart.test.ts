/**
 * The forecast report's chart (tools/forecast/chart.ts, ECharts' SSR renderer): a hand-made
 * two-day series whose positions are worked out by hand from the layout (grids at x 70..830,
 * the load panel at y 86..240, the capacity panel at y 300..410), the dev stack's charts, the PNG,
 * and that the program's forecast step never loads the renderer.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { DOMParser, type Element } from "@xmldom/xmldom";
import { readAppConfig } from "../../../../config/stackFile";
import { workloadInputs } from "../../../../forecast/mapping";
import { forecastStack } from "../../../../forecast/stack";
import { chartSvg, rasterise, svgToPng, workloadSvg, type ChartInput } from "../../../../tools/forecast/chart";
import { bandPolygons, metricUnit, num } from "../../../../tools/forecast/chartScale";

const ROOT = path.resolve(__dirname, "../../../..");
const H = 3600;
/** 2025-03-01T00:00:00Z. */
const DAY1 = Date.UTC(2025, 2, 1) / 1000;
const DAY2 = DAY1 + 24 * H;

/** Day 1 of history (2 then 4 requests/s), day 2 of forecast (median 3, band 2..5); 10 requests/s per replica. */
const input = (over: Partial<ChartInput> = {}): ChartInput => ({
    workload: "api",
    metric: "requests",
    model: "hand",
    history: { start: DAY1, step: H, values: Array.from({ length: 24 }, (_, i) => (i < 12 ? 2 : 4)) },
    forecast: { start: DAY2, step: H, values: new Array(24).fill(3), lower: new Array(24).fill(2), upper: new Array(24).fill(5) },
    perReplica: 10,
    current: { minReplicas: 1, maxReplicas: 4 },
    proposed: { minReplicas: 2, maxReplicas: 3 },
    ...over,
});

/** Parses with a real XML parser that throws on any error or warning. */
function parse(svg: string): Element {
    const doc = new DOMParser({
        onError: (level, msg) => {
            throw new Error(`${level}: ${msg}`);
        },
    }).parseFromString(svg, "image/svg+xml");
    const root = doc.documentElement;
    assert.ok(root);
    assert.equal(root.nodeName, "svg");
    return root;
}

const elements = (root: Element, name: string): Element[] => Array.from(root.getElementsByTagName(name));
const texts = (root: Element) => elements(root, "text").map((t) => t.textContent ?? "");
/** Each <text> with the translation its transform places it at. */
const placedTexts = (root: Element) =>
    elements(root, "text").flatMap((t) => {
        const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(t.getAttribute("transform") ?? "");
        return m ? [{ text: t.textContent ?? "", x: Number(m[1]), y: Number(m[2]) }] : [];
    });
/** The series' lines of one colour (each drawn in a clipped group; the legend's icons are not). */
const pathsStroked = (root: Element, color: string) =>
    elements(root, "path")
        .filter((p) => p.getAttribute("stroke") === color && p.parentNode?.nodeName === "g")
        .map((p) => p.getAttribute("d"));

describe("forecast chart", () => {
    test("a hand-made two-day chart: valid SVG, axis names with units, UTC time labels, series, band, bounds as served load", () => {
        const root = parse(chartSvg(input()));
        assert.deepEqual([root.getAttribute("width"), root.getAttribute("height")], ["900", "520"]);
        const all = texts(root);
        for (const name of ["requests (requests/s)", "served (requests/s)", "replicas", "time (UTC)"]) assert.ok(all.includes(name), name);
        assert.ok(all.includes("api: requests (requests/s), history and forecast"));
        assert.ok(all.includes("model hand · step 60 min · forecast from 2025-03-02 00:00 UTC"));
        const legend = [
            "forecast band",
            "history",
            "forecast (median)",
            "proposed max 3",
            "proposed min 2",
            "current max 4",
            "current min 1",
        ];
        for (const name of legend) assert.ok(all.includes(name), name);
        assert.ok(!all.includes("scheduled floor"));
        // The time axis under the capacity panel (y 418), left to right: 47 hours from Mar 1 00:00 UTC.
        const time = placedTexts(root)
            .filter((t) => t.y === 418)
            .sort((a, b) => a.x - b.x)
            .map((t) => t.text);
        assert.deepEqual(time, ["Mar 1", "06:00", "12:00", "18:00", "Mar 2", "06:00", "12:00", "18:00"]);
        // Load axis: top 5 × 1.05 over 5 ticks → interval 2 → 0..6. Capacity: 4 replicas + 1 → 0..5, × 10 requests/s.
        const axis = (x: number, top: number, bottom: number) =>
            placedTexts(root)
                .filter((t) => t.x === x && t.y >= top && t.y <= bottom)
                .sort((a, b) => b.y - a.y)
                .map((t) => t.text);
        assert.deepEqual(axis(62, 86, 240), ["0", "2", "4", "6"]);
        assert.deepEqual(axis(62, 300, 410), ["0", "10", "20", "30", "40", "50"]);
        assert.deepEqual(axis(838, 300, 410), ["0", "1", "2", "3", "4", "5"]);
        // The band on the load panel: from the forecast's first hour (x 70 + 760 × 24/47 = 458.1)
        // along the upper edge (5: y 86 + 154 × 1/6 = 111.7) and back along the lower (2: y 188.7).
        const bands = elements(root, "polygon").filter((p) => p.getAttribute("fill") === "#3498db");
        assert.equal(bands.length, 2);
        const points = (bands[0].getAttribute("points") ?? "").split(" ");
        assert.equal(points.length, 96);
        assert.deepEqual(points.slice(0, 2), ["458.1", "111.7"]);
        assert.deepEqual(points.slice(46, 50), ["830", "111.7", "830", "188.7"]);
        // Bounds on the capacity panel: replicas × 10 requests/s, y = 300 + 110 × (1 − load / 50).
        assert.deepEqual(pathsStroked(root, "#c0392b"), ["M70 344L830 344"]);
        assert.deepEqual(pathsStroked(root, "#27ae60"), ["M70 366L830 366"]);
        assert.deepEqual(pathsStroked(root, "#7f8c8d"), ["M70 322L830 322", "M70 388L830 388"]);
    });

    test("a floor schedule, when given, is a step line in served load; bounds the forecast keeps are drawn once", () => {
        const kept = { minReplicas: 1, maxReplicas: 4 };
        const svg = chartSvg(input({ proposed: kept, floorSchedule: { start: DAY2 + 6 * H, stepSeconds: H, floors: [2, 2, 3, 3] } }));
        const root = parse(svg);
        const all = texts(root);
        for (const name of ["scheduled floor", "proposed max 4 (kept)", "proposed min 1 (kept)"]) assert.ok(all.includes(name), name);
        assert.ok(!all.some((t) => t.startsWith("current ")));
        // 06:00..10:00 on Mar 2 (x 555.1, 571.3, 587.4, 603.6, 619.8): 2 replicas (20, y 366) then 3 (30, y 344), held to the end.
        assert.deepEqual(pathsStroked(root, "#8e44ad"), ["M555.1 366L571.3 366L587.4 366L587.4 344L603.6 344L619.8 344"]);
    });

    test("the band is one polygon per run where both edges are known", () => {
        const f = { start: 0, step: 60, values: [2, 3, NaN, 5], lower: [1, 2, NaN, 4], upper: [3, 4, 5, 6] };
        assert.deepEqual(bandPolygons(f, 1), [
            {
                value: [0, 1],
                points: [
                    [0, 3],
                    [60000, 4],
                    [60000, 2],
                    [0, 1],
                ],
            },
            {
                value: [180000, 4],
                points: [
                    [180000, 6],
                    [180000, 4],
                ],
            },
        ]);
    });

    test("units and labels: memory in MiB, three significant digits", () => {
        assert.deepEqual(metricUnit("memory"), { unit: "MiB", scale: 1 / 1048576 });
        assert.deepEqual(metricUnit("queueLength"), { unit: "jobs waiting", scale: 1 });
        assert.deepEqual(metricUnit("somethingElse"), { unit: "as exported", scale: 1 });
        assert.deepEqual([num(228.57), num(22.857), num(0.1 + 0.2), num(0)], ["229", "22.9", "0.3", "0"]);
    });

    test("the PNG is the chart rasterised at its size", () => {
        const png = svgToPng(chartSvg(input()));
        assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        assert.equal(png.subarray(12, 16).toString("latin1"), "IHDR");
        assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [900, 520]);
    });

    test("the PNG's text is drawn (a font was found): the first time label, 'Mar 1' under x 70, y 418..430, has dark pixels", () => {
        const img = rasterise(chartSvg(input()));
        const rgba = img.pixels;
        let dark = 0;
        for (let y = 418; y <= 430; y++)
            for (let x = 55; x <= 85; x++) {
                const i = (y * img.width + x) * 4;
                if (rgba[i] + rgba[i + 1] + rgba[i + 2] < 3 * 160) dark++;
            }
        assert.ok(dark >= 20, `${dark} dark pixels`);
    });

    test("dev's charts: the api's lead metric and bounds; a workload without data names why, escaped", () => {
        const dev = forecastStack({
            stack: "dev",
            baseDir: path.join(ROOT, "exports/dev"),
            workloads: workloadInputs(readAppConfig(ROOT, "dev"), "dev"),
        });
        const api = dev.workloads[0];
        const all = texts(parse(workloadSvg(api)));
        assert.ok(all.includes("api: requests (requests/s), history and forecast"));
        // Dev's api: 1..4 now, 1..2 proposed (docs/forecasting.md's report).
        for (const name of ["proposed max 2", "proposed min 1 (kept)", "current max 4"]) assert.ok(all.includes(name), name);
        const none = texts(parse(workloadSvg({ ...api, metrics: [], warnings: ["no series <mapped> & none loaded"] })));
        assert.deepEqual(none, ["api: no data", "no series <mapped> & none loaded"]);
    });

    test("the program's forecast step loads no renderer; the report's chart does", () => {
        // One process: the renderer modules loaded after requiring the program's step, then the chart.
        const count = "Object.keys(require.cache).filter((f) => /node_modules\\/(echarts|zrender|@resvg)\\//.test(f)).length";
        const script = `const n = []; for (const f of process.argv.slice(1)) { require(f); n.push(${count}); } process.stdout.write(JSON.stringify(n));`;
        const files = ["forecast/program.ts", "tools/forecast/chart.ts"].map((f) => path.join(ROOT, f));
        const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "node"), ["--import", "tsx", "-e", script, ...files], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        const [program, chart] = JSON.parse(r.stdout) as number[];
        assert.equal(program, 0);
        assert.ok(chart > 0, `${chart}`);
    });
});
