/**
 * The forecast report's chart of one workload, drawn by Apache ECharts' server-side SVG renderer
 * (`chartSvg`), and its PNG (`svgToPng`, resvg). Two panels over one UTC time axis: the load
 * (history, the median forecast and its band) scaled to the load, and the load against the replica
 * bounds converted to the load they serve at the HPA's target, with a second y axis that reads the
 * same lines in replicas. At dev scale one pod serves 20 × the load: on one scale either the load
 * is a flat line or the bounds fall off the chart. Only the CLI report imports this module; the
 * program's forecast step (forecast/) never loads ECharts.
 */
import * as echarts from "echarts";
import { Resvg } from "@resvg/resvg-js";
import type { Bounds } from "../../forecast/sizing";
import type { WorkloadForecast } from "../../forecast/stack";
import { bandPolygons, capacityScale, loadScale, metricUnit, num, timeData, type Scale } from "./chartScale";

/** Values at `start`, `start + step`, ... (unix seconds); NaN is a gap. */
export interface TimeSeries {
    readonly start: number;
    readonly step: number;
    readonly values: ArrayLike<number>;
}

/** A replica floor per slot (slot i covers [start + i·step, start + (i+1)·step)), as the forecast schedules it. */
export interface FloorScheduleInput {
    readonly start: number;
    readonly stepSeconds: number;
    readonly floors: readonly number[];
}

/** What one chart draws; loads are in the metric's unit as exported (bytes for memory). */
export interface ChartInput {
    readonly workload: string;
    readonly metric: string;
    readonly model: string;
    readonly history: TimeSeries;
    /** The median forecast and its band, on its own grid (it starts one step after the history). */
    readonly forecast: TimeSeries & { readonly lower: ArrayLike<number>; readonly upper: ArrayLike<number> };
    /** The load one replica serves at the HPA's target (capacity per pod × target utilization). */
    readonly perReplica: number;
    readonly current: Bounds;
    readonly proposed: Bounds;
    /** Drawn as a step line (converted to load like the bounds) when given. */
    readonly floorSchedule?: FloorScheduleInput;
}

const CHART_SIZE = { width: 900, height: 520 } as const;

const COLOR = {
    history: "#2c3e50",
    median: "#2980b9",
    band: "#3498db",
    max: "#c0392b",
    min: "#27ae60",
    current: "#7f8c8d",
    floor: "#8e44ad",
} as const;
const FONT = "DejaVu Sans, sans-serif";
const BAND = "forecast band";
const SCHEDULE = "scheduled floor";
/** Days of history the chart shows before the forecast. */
const HISTORY_DAYS = 7;

/**
 * The chart's input for the workload's lead metric (the first): its last week of history and
 * the forecast. The forecast carries an upper band only (what maxReplicas covers), so the band's
 * lower edge is the median; undefined when the workload has no metric.
 */
export function chartInput(w: WorkloadForecast, floorSchedule?: FloorScheduleInput): ChartInput | undefined {
    const m = w.metrics[0];
    if (!m) return undefined;
    const { start, step, values } = m.history;
    const keep = Math.min(values.length, Math.round((HISTORY_DAYS * 86400) / step));
    return {
        workload: w.name,
        metric: m.name,
        model: m.model,
        history: { start: start + (values.length - keep) * step, step, values: values.subarray(values.length - keep) },
        forecast: { start: start + values.length * step, step, values: m.point, lower: m.point, upper: m.upper },
        perReplica: m.capacityPerPod * m.targetUtilization,
        current: w.current,
        proposed: w.proposed,
        floorSchedule,
    };
}

/** The workload's chart as SVG; a one-line chart naming the reason when it has no metric. */
export function workloadSvg(w: WorkloadForecast, floorSchedule?: FloorScheduleInput): string {
    const c = chartInput(w, floorSchedule);
    if (!c)
        return renderSvg(
            {
                backgroundColor: "#fff",
                textStyle: { fontFamily: FONT },
                title: { text: `${w.name}: no data`, subtext: w.warnings.join("; ") },
            },
            CHART_SIZE.width,
            80,
        );
    return chartSvg(c);
}

/** The chart of `c` as SVG (ECharts' SSR renderer), CHART_SIZE: the panels' layout is in pixels. */
export function chartSvg(c: ChartInput): string {
    return renderSvg(chartOption(c), CHART_SIZE.width, CHART_SIZE.height);
}

function renderSvg(option: echarts.EChartsOption, width: number, height: number): string {
    const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
    try {
        chart.setOption(option);
        return chart.renderToSVGString() + "\n";
    } finally {
        chart.dispose();
    }
}

/** The chart as PNG, for tools that cannot show SVG. */
export function svgToPng(svg: string): Buffer {
    return rasterise(svg).asPng();
}

/** The SVG as pixels (resvg), text in DejaVu Sans: the font .ci/run and the preview workflow install. */
export function rasterise(svg: string): ReturnType<Resvg["render"]> {
    return new Resvg(svg, {
        font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
        background: "white",
    }).render();
}

/** The ECharts option: titles, the two panels' axes, the series, the legend. */
function chartOption(c: ChartInput): echarts.EChartsOption {
    const u = metricUnit(c.metric);
    const f = c.forecast;
    const tMin = c.history.values.length ? c.history.start : f.start;
    const tMax = Math.max(f.start + (f.values.length - 1) * f.step, c.floorSchedule ? scheduleEnd(c.floorSchedule) : -Infinity);
    const load = loadScale(c, u.scale);
    const cap = capacityScale(c, u.scale);
    const timeAxis = (gridIndex: number, labels: boolean) => ({
        type: "time" as const,
        gridIndex,
        min: tMin * 1000,
        max: tMax * 1000,
        name: labels ? "time (UTC)" : "",
        nameLocation: "middle" as const,
        nameGap: 28,
        axisLabel: {
            show: labels,
            hideOverlap: true,
            formatter: { year: "{yyyy}", month: "{MMM} {d}", day: "{MMM} {d}", hour: "{HH}:{mm}", minute: "{HH}:{mm}" },
        },
        splitLine: { show: true, lineStyle: { color: "#eee" } },
    });
    return {
        animation: false,
        useUTC: true,
        backgroundColor: "#fff",
        textStyle: { fontFamily: FONT },
        title: [
            {
                text: `${c.workload}: ${c.metric} (${u.unit}), history and forecast`,
                subtext: `model ${c.model} · step ${num(f.step / 60)} min · forecast from ${utc(f.start)}\nbounds drawn as the load they serve at the HPA's target: ${num(c.perReplica * u.scale)} ${u.unit} per replica`,
                left: 10,
                top: 4,
            },
            { text: "load vs the replica bounds (same unit; right axis in replicas)", left: 10, top: 268, textStyle: { fontSize: 13 } },
        ],
        // ECharts measures text without the font resvg draws with: wide gaps keep the legend apart.
        legend: { bottom: 4, left: "center", itemWidth: 18, itemGap: 28 },
        grid: [
            { left: 70, right: 70, top: 86, height: 154 },
            { left: 70, right: 70, top: 300, height: 110 },
        ],
        xAxis: [timeAxis(0, false), timeAxis(1, true)],
        yAxis: [
            valueAxis(0, `${c.metric} (${u.unit})`, load),
            valueAxis(1, `served (${u.unit})`, cap.load),
            { ...valueAxis(1, "replicas", cap.replicas), position: "right", nameGap: 30, splitLine: { show: false } },
        ],
        series: [...loadSeries(c, u.scale, 0, 0, true), ...loadSeries(c, u.scale, 1, 1, false), ...boundSeries(c, u.scale, tMin, tMax)],
    };
}

function valueAxis(gridIndex: number, name: string, s: Scale) {
    return {
        type: "value" as const,
        gridIndex,
        name,
        nameLocation: "middle" as const,
        nameGap: 48,
        min: s.min,
        max: s.max,
        interval: s.interval,
        axisLabel: { formatter: (v: number) => num(v) },
        splitLine: { lineStyle: { color: "#eee" } },
    };
}

/** History, median and band on one panel; the forecast's start marked on the load panel. */
function loadSeries(c: ChartInput, scale: number, xAxisIndex: number, yAxisIndex: number, mark: boolean): echarts.SeriesOption[] {
    const f = c.forecast;
    const axes = { xAxisIndex, yAxisIndex };
    const line = (name: string, data: Array<[number, number | null]>, color: string, width: number): echarts.SeriesOption => ({
        name,
        type: "line",
        ...axes,
        data,
        showSymbol: false,
        color,
        lineStyle: { color, width },
    });
    const median = line("forecast (median)", timeData(f, scale), COLOR.median, 1.5);
    if (mark)
        median.markLine = {
            silent: true,
            symbol: "none",
            data: [{ xAxis: f.start * 1000 }],
            label: { formatter: "forecast →", position: "end" },
            lineStyle: { color: "#999", type: "dashed" },
        };
    const band = bandPolygons(f, scale);
    return [
        {
            name: BAND,
            type: "custom",
            ...axes,
            color: COLOR.band,
            clip: true,
            data: band,
            renderItem: (params, api) => {
                const points = band[params.dataIndex].points.map(([t, v]) => api.coord([t, v]));
                return { type: "polygon", shape: { points }, style: { fill: COLOR.band, opacity: 0.25 } };
            },
        },
        line("history", timeData(c.history, scale), COLOR.history, 1),
        median,
    ];
}

/** The bounds (proposed always; current where it differs) and the floor schedule, as served load. */
function boundSeries(c: ChartInput, scale: number, tMin: number, tMax: number): echarts.SeriesOption[] {
    const served = (replicas: number) => replicas * c.perReplica * scale;
    const flat = (name: string, replicas: number, color: string, dashed: boolean): echarts.SeriesOption => ({
        name,
        type: "line",
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: [
            [tMin * 1000, served(replicas)],
            [tMax * 1000, served(replicas)],
        ],
        showSymbol: false,
        color,
        lineStyle: { color, width: 1.5, type: dashed ? "dashed" : "solid" },
    });
    const keptMax = c.current.maxReplicas === c.proposed.maxReplicas;
    const keptMin = c.current.minReplicas === c.proposed.minReplicas;
    const out: echarts.SeriesOption[] = [
        flat(`proposed max ${c.proposed.maxReplicas}${keptMax ? " (kept)" : ""}`, c.proposed.maxReplicas, COLOR.max, false),
        flat(`proposed min ${c.proposed.minReplicas}${keptMin ? " (kept)" : ""}`, c.proposed.minReplicas, COLOR.min, false),
    ];
    if (!keptMax) out.push(flat(`current max ${c.current.maxReplicas}`, c.current.maxReplicas, COLOR.current, true));
    if (!keptMin) out.push(flat(`current min ${c.current.minReplicas}`, c.current.minReplicas, COLOR.current, true));
    const s = c.floorSchedule;
    if (s) {
        const data = s.floors.map((n, i): [number, number] => [(s.start + i * s.stepSeconds) * 1000, served(n)]);
        if (s.floors.length) data.push([scheduleEnd(s) * 1000, served(s.floors[s.floors.length - 1])]);
        out.push({
            name: SCHEDULE,
            type: "line",
            xAxisIndex: 1,
            yAxisIndex: 1,
            step: "end",
            data,
            showSymbol: false,
            color: COLOR.floor,
            lineStyle: { color: COLOR.floor, width: 2 },
        });
    }
    return out;
}

/** `2025-03-02 00:00 UTC`: the time axis' labels leave out the year. */
const utc = (t: number) => `${new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
const scheduleEnd = (s: FloorScheduleInput) => s.start + s.floors.length * s.stepSeconds;
