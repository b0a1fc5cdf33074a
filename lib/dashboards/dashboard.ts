/**
 * A dashboard from sections of panel specs: ids in order, each section a row, panels laid left
 * to right on Grafana's 24-column grid (wrapping to the next line), and the template variables
 * (the Prometheus data source, and a list such as the workloads). Pure.
 */
import type { Dashboard, GridPos, Panel, RowPanel, VariableModel } from "@grafana/schema";
import { rowPanel, statPanel, timeseriesPanel, type StatSpec, type TimeseriesSpec } from "./panels";

/** Grafana 10.4's dashboard schema version (the sidecar loads the JSON as is; newer Grafanas migrate it). */
export const SCHEMA_VERSION = 39;
const GRID_COLUMNS = 24;

export type PanelSpec =
    | { readonly kind: "timeseries"; readonly spec: TimeseriesSpec; readonly width?: number }
    | { readonly kind: "stat"; readonly spec: StatSpec; readonly width?: number };

export interface Section {
    readonly title: string;
    readonly panels: readonly PanelSpec[];
}

/** A variable whose values are a fixed list (the workloads), the first selected. */
export interface ListVariable {
    readonly name: string;
    readonly label: string;
    readonly values: readonly string[];
}

export interface DashboardSpec {
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly tags: readonly string[];
    readonly variables: readonly ListVariable[];
    readonly sections: readonly Section[];
}

const HEIGHT = { timeseries: 8, stat: 4 } as const;
const DEFAULT_WIDTH = { timeseries: 12, stat: 6 } as const;

function panelOf(p: PanelSpec, id: number, gridPos: GridPos): Panel {
    return p.kind === "timeseries" ? timeseriesPanel(p.spec, id, gridPos) : statPanel(p.spec, id, gridPos);
}

/** Rows and panels with unique ids from 1 and positions that never overlap. */
export function layout(sections: readonly Section[]): (Panel | RowPanel)[] {
    const out: (Panel | RowPanel)[] = [];
    let y = 0;
    for (const s of sections) {
        out.push(rowPanel(s.title, out.length + 1, y));
        y += 1;
        let x = 0;
        let lineHeight = 0;
        for (const p of s.panels) {
            const w = Math.min(p.width ?? DEFAULT_WIDTH[p.kind], GRID_COLUMNS);
            if (x + w > GRID_COLUMNS) {
                y += lineHeight;
                x = 0;
                lineHeight = 0;
            }
            out.push(panelOf(p, out.length + 1, { x, y, w, h: HEIGHT[p.kind] }));
            x += w;
            lineHeight = Math.max(lineHeight, HEIGHT[p.kind]);
        }
        y += lineHeight;
    }
    return out;
}

const datasourceVariable = (): VariableModel => ({
    name: "datasource",
    label: "Data source",
    type: "datasource",
    query: "prometheus",
    hide: 0,
    refresh: 1,
    options: [],
});

function listVariable(v: ListVariable): VariableModel {
    const option = (value: string, i: number) => ({ text: value, value, selected: i === 0 });
    return {
        name: v.name,
        label: v.label,
        type: "custom",
        query: v.values.join(","),
        current: option(v.values[0] ?? "", 0),
        options: v.values.map(option),
        multi: false,
        includeAll: false,
        hide: 0,
    };
}

export function dashboard(d: DashboardSpec): Dashboard {
    return {
        uid: d.uid,
        title: d.title,
        description: d.description,
        tags: [...d.tags],
        editable: false,
        graphTooltip: 1,
        schemaVersion: SCHEMA_VERSION,
        version: 1,
        time: { from: "now-24h", to: "now" },
        timezone: "browser",
        refresh: "1m",
        templating: { list: [datasourceVariable(), ...d.variables.map(listVariable)] },
        annotations: { list: [] },
        panels: layout(d.sections),
    };
}
