/**
 * The reviewer's view of a `StackForecast`: a Markdown summary ready to paste into a PR comment,
 * linking one chart per workload (chart.ts draws them, the floor schedule over the forecast), with
 * each workload's floor schedule or why it keeps the static floor (reportSchedule.ts). Pure:
 * returns strings; the CLI writes them.
 */
import type { DataTierForecast } from "../../forecast/dataTier";
import type { ShardCapacityPlan } from "../../forecast/shardCapacity";
import type { StackForecast } from "../../forecast/stack";
import { rightSizingSection, type RightSizingPrices, type RightSizingRow } from "./rightSizingReport";
import { costMarkdown, type CostComparison } from "../costTable";
import { shardCapacitySection } from "./shardReport";
import { scheduleSection } from "./reportSchedule";

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const pct = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} %` : "n/a");
const iso = (t: number) => (Number.isFinite(t) ? new Date(t * 1000).toISOString().replace(".000Z", "Z") : "none");
/** A load in its unit: bytes of the memory series in MiB, the rest as numbers. */
const load = (metric: string, x: number) => (/^memory/.test(metric) && Number.isFinite(x) ? `${(x / 2 ** 20).toFixed(0)} MiB` : f(x, 1));
const hours = (s: number) => (s < 86400 ? `${(s / 3600).toFixed(0)} h` : `${(s / 86400).toFixed(1)} d`);

/** The report's optional sections beyond the sizing. */
export interface ReportExtras {
    /** The monthly cost per tier now and as proposed (and on the base branch), and the reserved floor. */
    readonly cost?: CostComparison;
    /** Declared vs recommended requests per workload, priced at `prices` in `currency`. */
    readonly rightSizing?: { readonly rows: readonly RightSizingRow[]; readonly cost: RightSizingPrices };
    /** When the next database shard is needed. */
    readonly shards?: ShardCapacityPlan;
}

/**
 * The report; with `dataTier`, a data-tier section (current vs proposed counts and the rule that
 * decided); with `extras`, the right-sizing, cost and next-shard sections.
 */
export function markdownReport(r: StackForecast, dataTier?: DataTierForecast, extras: ReportExtras = {}): string {
    const out: string[] = [];
    out.push(`## Forecast sizing for stack \`${r.stack}\``, "");
    out.push(
        `Generated at ${r.generatedAt} · inputs hash \`${r.inputsHash}\` · horizon ${r.settings.horizonSteps} × ${r.settings.modelStepSeconds} s · training ${r.settings.trainingDays} d · hysteresis ${r.settings.hysteresisPercent} %`,
        "",
    );
    out.push(
        "| workload | current min..max | proposed min..max | forecast peak | model | backtest MASE | cost now → proposed | under-prov. now → proposed | cap hits now → proposed |",
    );
    out.push("|---|---|---|---|---|---|---|---|---|");
    for (const w of r.workloads) {
        const peak = w.metrics.map((m) => `${m.name} ${load(m.name, m.forecastPeak)}`).join(", ") || "n/a";
        const changed = w.proposed.minReplicas !== w.current.minReplicas || w.proposed.maxReplicas !== w.current.maxReplicas;
        const rk = w.risk;
        out.push(
            `| ${w.name} | ${w.current.minReplicas}..${w.current.maxReplicas} | ${changed ? "**" : ""}${w.proposed.minReplicas}..${w.proposed.maxReplicas}${changed ? "**" : ""} | ${peak} | ${w.model} | ${f(w.backtestMase)} | ${rk ? `${f(rk.current.weightedCost)} → ${f(rk.proposed.weightedCost)}` : "n/a"} | ${rk ? `${pct(rk.current.underProvisionedPct)} → ${pct(rk.proposed.underProvisionedPct)}` : "n/a"} | ${rk ? `${pct(rk.current.capHitPct)} → ${pct(rk.proposed.capHitPct)}` : "n/a"} |`,
        );
    }
    out.push(
        "",
        "Cost is the SLO-weighted cost of replaying the last days through the HPA: (replica-hours + 10 × missing pod-hours) ÷ the oracle's replica-hours (1.00 is perfect).",
        "",
    );
    for (const w of r.workloads) {
        out.push(`### ${w.name}`, "");
        out.push(
            `- data ends ${iso(w.dataEnd)}; raw bounds before guardrails and hysteresis: ${w.raw ? `${w.raw.minReplicas}..${w.raw.maxReplicas}` : "n/a (defaults)"}`,
        );
        for (const m of w.metrics)
            out.push(
                `- \`${m.name}\`: ${m.modelDetail}; peak factor ${f(m.peakFactor)}; forecast peak ${load(m.name, m.forecastPeak)} (recent peak ${load(m.name, m.recentPeak)}); ${load(m.name, m.capacityPerPod)} per pod at ${f(m.targetUtilization * 100, 0)} %${m.fallback ? `; **fallback**: ${m.fallback}` : ""}`,
            );
        const scaled = w.metrics.filter((m) => m.floorScales.some((k) => k !== 1));
        if (scaled.length)
            out.push(
                `- floor replay: the last ${w.metrics[0].floorScales.length} days, each scaled to the forecast's peak for the matching day ahead: ${scaled.map((m) => `\`${m.name}\` ${m.floorScales.map((k) => `×${k.toFixed(2)}`).join(" ")}`).join("; ")}`,
            );
        for (const x of w.warnings) out.push(`- ⚠️ ${x}`);
        for (const x of w.notes) out.push(`- ingest: ${x}`);
        for (const c of w.capacity)
            out.push(
                `- capacity planner (${c.urgency}): \`${c.metric}\` reaches ${c.capacityLimit} in ${hours(c.timeToLimit)} (now ${f(c.currentValue)}, confidence ${f(c.confidence)}): ${c.recommendedAction}`,
            );
        out.push(...scheduleSection(w));
        // The chart draws the schedule over the forecast (tools/forecast.ts passes it to chart.ts).
        if (w.metrics.length) out.push("", `![${w.name}](${w.name}.svg)`);
        out.push("");
    }
    if (r.workloads.every((w) => w.capacity.length === 0)) out.push("Capacity planner: no metric reaches its limit within 3 days.", "");
    if (dataTier && dataTier.counts.length) out.push(...dataTierSection(dataTier));
    if (extras.rightSizing) out.push(...rightSizingSection(extras.rightSizing.rows, extras.rightSizing.cost));
    if (extras.cost) out.push(...costMarkdown(extras.cost));
    if (extras.shards) out.push(...shardCapacitySection(extras.shards));
    return out.join("\n");
}

function dataTierSection(d: DataTierForecast): string[] {
    const out = [
        "### Data tier",
        "",
        `Inputs hash \`${d.inputsHash}\` (the data tier's exports and config).`,
        "",
        "| count | current | proposed | forecast peak | model | rule |",
        "|---|---|---|---|---|---|",
    ];
    for (const n of d.counts) {
        const changed = n.proposed !== n.current;
        const current = n.current === n.configured ? `${n.current}` : `${n.current} (configured ${n.configured})`;
        const peaks = Object.entries(n.peaks)
            .map(([k, v]) => `${k} ${load(k, v)}`)
            .join(", ");
        out.push(
            `| \`${n.key}\` | ${current} | ${changed ? "**" : ""}${n.proposed}${changed ? "**" : ""} | ${peaks || "n/a"} | ${n.model} | ${n.rule.replace(/\|/g, "\\|")} |`,
        );
    }
    // Warnings beyond each count's rule (what looks wrong in the exports): the rule column has the rest.
    const extra = d.warnings.filter((w) => !d.counts.some((n) => w === `forecast ${n.key}: ${n.rule}`));
    if (extra.length) out.push("", ...extra.map((x) => `- ⚠️ ${x}`));
    if (d.notes.length) out.push("", ...d.notes.map((x) => `- ingest: ${x}`));
    out.push("");
    return out;
}
