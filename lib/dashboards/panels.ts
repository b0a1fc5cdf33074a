/**
 * The Grafana panel kinds the dashboards use, one function each, typed by Grafana's own schema
 * (@grafana/schema, so a misspelt field fails the typecheck). Every query reads the dashboard's
 * `datasource` variable. Pure.
 */
import type {
    DataSourceRef,
    FieldColorModeId,
    FieldConfigSource,
    GridPos,
    MappingType,
    Panel,
    RowPanel,
    ThresholdsConfig,
    ThresholdsMode,
} from "@grafana/schema";

/** The Prometheus data source every panel queries: the dashboard's `datasource` variable. */
export const DATASOURCE: DataSourceRef = { type: "prometheus", uid: "${datasource}" };

/** One PromQL query and how its series are named (`{{pod}}`, `upper`). */
export interface Query {
    readonly expr: string;
    readonly legend: string;
}

/** A constant line at a value the plan computed (a budget, a lag the readers accept). */
export interface Line {
    readonly value: number;
    readonly color: "orange" | "red";
}

export interface TimeseriesSpec {
    readonly title: string;
    /** What the panel shows and where its numbers come from (the panel's info tooltip). */
    readonly description: string;
    /** A Grafana unit id: `short`, `bytes`, `s`, `reqps`, `percent`, `ops`. */
    readonly unit: string;
    readonly queries: readonly Query[];
    readonly lines?: readonly Line[];
    /** Series drawn dashed (the target, the band), by their legend. */
    readonly dashed?: readonly string[];
}

export interface StatSpec {
    readonly title: string;
    readonly description: string;
    readonly query: Query;
    /** Value → text and color (1 → ok, 0 → fail). */
    readonly states: readonly { readonly value: number; readonly text: string; readonly color: "green" | "red" }[];
}

const targets = (queries: readonly Query[]) =>
    queries.map((q, i) => ({
        refId: String.fromCharCode(65 + i),
        datasource: DATASOURCE,
        expr: q.expr,
        legendFormat: q.legend,
        range: true,
    }));

function thresholds(lines: readonly Line[]): ThresholdsConfig {
    // A base step colors nothing (transparent); each line is a step at its value.
    return {
        // The schema's enums are types here (the package is type-only at run time): their string values.
        mode: "absolute" as ThresholdsMode.Absolute,
        steps: [{ color: "transparent", value: null }, ...lines.map((l) => ({ color: l.color, value: l.value }))],
    };
}

function dashedOverrides(names: readonly string[]): FieldConfigSource["overrides"] {
    return names.map((n) => ({
        matcher: { id: "byName", options: n },
        properties: [{ id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } }],
    }));
}

export function timeseriesPanel(s: TimeseriesSpec, id: number, gridPos: GridPos): Panel {
    const lines = s.lines ?? [];
    return {
        id,
        type: "timeseries",
        title: s.title,
        description: s.description,
        datasource: DATASOURCE,
        gridPos,
        targets: targets(s.queries),
        fieldConfig: {
            defaults: {
                unit: s.unit,
                min: 0,
                thresholds: thresholds(lines),
                // Without lines, Grafana's default thresholdsStyle (off) applies.
                custom: { ...(lines.length > 0 ? { thresholdsStyle: { mode: "dashed" } } : {}), fillOpacity: 0, lineWidth: 1 },
            },
            overrides: dashedOverrides(s.dashed ?? []),
        },
        options: { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "none" } },
    };
}

export function statPanel(s: StatSpec, id: number, gridPos: GridPos): Panel {
    return {
        id,
        type: "stat",
        title: s.title,
        description: s.description,
        datasource: DATASOURCE,
        gridPos,
        targets: targets([s.query]),
        fieldConfig: {
            defaults: {
                mappings: [
                    {
                        type: "value" as MappingType.ValueToText,
                        options: Object.fromEntries(s.states.map((x) => [String(x.value), { text: x.text, color: x.color }])),
                    },
                ],
                thresholds: thresholds([]),
                color: { mode: "fixed" as FieldColorModeId.Fixed, fixedColor: "text" },
            },
            overrides: [],
        },
        options: { colorMode: "background", graphMode: "none", reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } },
    };
}

export function rowPanel(title: string, id: number, y: number): RowPanel {
    return { id, type: "row", title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] };
}
