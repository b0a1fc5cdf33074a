/**
 * The cost model's figures as people read them: plain-text lines for the render summary and a
 * Markdown table for the forecast report (the PR comment). Pure: strings from a `StackCost`.
 */
import { COST_TIERS, type StackCost } from "../plan/cost";
import type { CostOutputs } from "../plan/outputs";

/** An amount to the cent (the outputs are rounded to the cent already). */
export const money = (x: number) => x.toFixed(2);
/** A change to the cent with its sign; empty when there is none. */
const change = (now: number, proposed: number) => {
    const d = Math.round((proposed - now) * 100) / 100;
    return d === 0 ? "" : `${d > 0 ? "+" : "-"}${money(Math.abs(d))}`;
};
const pct = (x: number) => `${Math.round(x * 100)} %`;
const units = (x: number) => String(Math.round(x * 1000) / 1000);

/** Pads each column to its widest cell (the last one not). */
function table(rows: string[][]): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) =>
        r
            .map((c, i) => (i === r.length - 1 ? c : i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
            .join("  ")
            .trimEnd(),
    );
}

const heading = (c: CostOutputs) => `Cost (monthly, ${c.currency}, prices from config cost.prices, spot pools' burst at spot):`;

/** What committing the reserved floor saves, in one sentence. */
export function reservedLine(c: CostOutputs): string {
    const r = c.reserved;
    return `reserved: commit ${units(r.vcpu)} vCPU and ${units(r.gib)} GiB (what the proposed stack keeps busy ${pct(r.coverage)} of the hours, cost.reserved.coverage): ${money(r.monthly)} a month instead of ${money(c.total.proposed)} on demand, saving ${money(r.saving)}`;
}

/** The render summary's block: one line per tier, now -> proposed (and the change), the total, the reserved floor. */
export function costLines(c: CostOutputs): string[] {
    const rows = [
        ...COST_TIERS.map((t) => [
            `  ${t}`,
            money(c.tiers[t].now),
            "->",
            money(c.tiers[t].proposed),
            change(c.tiers[t].now, c.tiers[t].proposed),
        ]),
        ["  total", money(c.total.now), "->", money(c.total.proposed), change(c.total.now, c.total.proposed)],
    ];
    return [heading(c), ...table(rows), `  ${reservedLine(c)}`];
}

/** The stack's cost, and the base branch's (`npm run forecast -- --base-config-dir`), or why there is none. */
export type CostComparison = StackCost & { readonly base?: StackCost | string };

/** The tiers' table: now, proposed and the change; with the base branch's proposed figures, the change against them. */
function tierTable(c: CostComparison): string[] {
    const base = typeof c.base === "object" ? c.base : undefined;
    const row = (name: string, now: number, proposed: number, was?: number) =>
        `| ${name} | ${money(now)} | ${money(proposed)} | ${change(now, proposed) || "0.00"} |${was === undefined ? "" : ` ${money(was)} | ${change(was, proposed) || "0.00"} |`}`;
    return [
        `| tier | now | proposed | change |${base ? " base branch | vs base |" : ""}`,
        `|---|---:|---:|---:|${base ? "---:|---:|" : ""}`,
        ...COST_TIERS.map((t) => row(t, c.tiers[t].now, c.tiers[t].proposed, base?.tiers[t].proposed)),
        row("**total**", c.total.now, c.total.proposed, base?.total.proposed),
    ];
}

/** The forecast report's section: the tiers' table, then the reserved floor per workload and what it saves. */
export function costMarkdown(c: CostComparison): string[] {
    const floors = c.reserved.floors.filter((f) => f.replicas > 0);
    const base =
        c.base === undefined
            ? []
            : typeof c.base === "string"
              ? [`Base branch: no figures: ${c.base}.`, ""]
              : [
                    "Base branch: its stack files as proposed by the same forecast on the same exports, so the difference is what the branch changes.",
                    "",
                ];
    return [
        `### ${heading(c).replace(/:$/, "")}`,
        "",
        `Requests (every container's, × replicas) at \`cost.prices.onDemand\`, ${c.hoursPerMonth} hours a month. Now: the stack file's sizes; proposed: after the forecast. Autoscaled workloads count the mean replicas of the replay of the last days under each bounds (their minReplicas when not sized from metrics).`,
        "",
        ...base,
        ...tierTable(c),
        "",
        `Reserved floor: ${reservedLine(c).replace(/^reserved: /, "")}. Each workload's floor is the most pods it runs at least that share of the time (the fixed tiers: all of them); the rest stays on demand.`,
        "",
        "| workload | tier | floor (pods) | vCPU | GiB |",
        "|---|---|---:|---:|---:|",
        ...floors.map((f) => `| ${f.name} | ${f.tier} | ${f.replicas} | ${units(f.vcpu)} | ${units(f.gib)} |`),
        "",
    ];
}
