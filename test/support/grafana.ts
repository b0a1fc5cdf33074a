/**
 * Checks a Grafana dashboard's structure as Grafana needs it, written from Grafana's dashboard
 * model (docs "JSON model"), independent of the builder: a schemaVersion, unique panel ids, every
 * panel on the 24-column grid without overlapping another, every query with a refId (unique in
 * its panel) and an expr, every `$variable` and `${variable}` a query uses defined in templating.
 */
import type { Dashboard } from "@grafana/schema";

interface AnyPanel {
    id?: number;
    type?: string;
    title?: string;
    gridPos?: { x: number; y: number; w: number; h: number };
    datasource?: { uid?: string } | null;
    targets?: Record<string, unknown>[];
}

export const panelsOf = (d: Dashboard): AnyPanel[] => d.panels ?? [];

/** Every PromQL expression of the dashboard, in panel order. */
export const exprsOf = (d: Dashboard): string[] => panelsOf(d).flatMap((p) => (p.targets ?? []).map((t) => String(t.expr)));

const variablesUsed = (s: string) => [...s.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]);

function overlaps(a: AnyPanel["gridPos"], b: AnyPanel["gridPos"]): boolean {
    if (!a || !b) return false;
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function panelProblems(p: AnyPanel, defined: Set<string>): string[] {
    const out: string[] = [];
    const g = p.gridPos;
    if (!g || g.x < 0 || g.w < 1 || g.x + g.w > 24 || g.h < 1 || g.y < 0)
        out.push(`panel ${p.id}: gridPos ${JSON.stringify(g)} off the 24-column grid`);
    if (p.type === "row") return out;
    const refIds = (p.targets ?? []).map((t) => t.refId);
    if (refIds.length === 0) out.push(`panel ${p.id}: no query`);
    if (new Set(refIds).size !== refIds.length) out.push(`panel ${p.id}: duplicate refIds ${refIds.join(",")}`);
    for (const t of p.targets ?? []) {
        if (typeof t.refId !== "string" || t.refId === "") out.push(`panel ${p.id}: a query without refId`);
        if (typeof t.expr !== "string" || t.expr === "") out.push(`panel ${p.id} ${String(t.refId)}: no expr`);
    }
    const strings = [p.datasource?.uid ?? "", ...(p.targets ?? []).map((t) => String(t.expr))];
    for (const v of strings.flatMap(variablesUsed)) if (!defined.has(v)) out.push(`panel ${p.id}: $${v} is not a variable`);
    return out;
}

/** What is wrong with the dashboard, as messages (empty: nothing). */
export function dashboardProblems(d: Dashboard): string[] {
    const out: string[] = [];
    if (!Number.isInteger(d.schemaVersion) || d.schemaVersion < 36) out.push(`schemaVersion ${d.schemaVersion}`);
    if (!d.uid || d.uid.length > 40) out.push(`uid ${JSON.stringify(d.uid)} (1 to 40 characters)`);
    const panels = panelsOf(d);
    const ids = panels.map((p) => p.id);
    if (new Set(ids).size !== ids.length) out.push(`duplicate panel ids ${ids.join(",")}`);
    const defined = new Set((d.templating?.list ?? []).map((v) => v.name));
    if (!defined.has("datasource")) out.push("no datasource variable");
    for (const p of panels) out.push(...panelProblems(p, defined));
    panels.forEach((a, i) =>
        panels.slice(i + 1).forEach((b) => {
            if (overlaps(a.gridPos, b.gridPos)) out.push(`panels ${a.id} and ${b.id} overlap`);
        }),
    );
    return out;
}
