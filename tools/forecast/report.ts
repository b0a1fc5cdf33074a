/**
 * The reviewer's view of a `StackForecast`: a Markdown summary ready to paste into a PR comment
 * and one SVG chart per workload (history, forecast, upper band, and the replica bounds drawn as
 * the load they serve at target). Pure: returns strings; the CLI writes them.
 */
import type { DataTierForecast } from "../../forecast/dataTier";
import type { MetricForecast, StackForecast, WorkloadForecast } from "../../forecast/stack";

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const pct = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} %` : "n/a");
const iso = (t: number) => (Number.isFinite(t) ? new Date(t * 1000).toISOString().replace(".000Z", "Z") : "none");
/** A load in its unit: bytes of the memory series in MiB, the rest as numbers. */
const load = (metric: string, x: number) => (/^memory/.test(metric) && Number.isFinite(x) ? `${(x / 2 ** 20).toFixed(0)} MiB` : f(x, 1));
const hours = (s: number) => (s < 86400 ? `${(s / 3600).toFixed(0)} h` : `${(s / 86400).toFixed(1)} d`);

/** The report; with `dataTier`, a data-tier section (current vs proposed counts and the rule that decided). */
export function markdownReport(r: StackForecast, dataTier?: DataTierForecast): string {
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
        if (w.metrics.length) out.push("", `![${w.name}](${w.name}.svg)`);
        out.push("");
    }
    if (r.workloads.every((w) => w.capacity.length === 0)) out.push("Capacity planner: no metric reaches its limit within 3 days.", "");
    if (dataTier && dataTier.counts.length) out.push(...dataTierSection(dataTier));
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

/** SVG of the workload's lead metric (the first): last week of history, forecast, band, bounds as capacity lines. */
export function workloadSvg(w: WorkloadForecast, width = 900, height = 320): string {
    const m: MetricForecast | undefined = w.metrics[0];
    if (!m)
        return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60"><text x="10" y="30">${w.name}: no data (${esc(w.warnings.join("; "))})</text></svg>\n`;
    const step = m.history.step;
    const keep = Math.min(m.history.values.length, Math.round((7 * 86400) / step));
    const hist = m.history.values.subarray(m.history.values.length - keep);
    const t0 = m.history.start + (m.history.values.length - keep) * step;
    const n = hist.length + m.point.length;
    const perPod = m.capacityPerPod * m.targetUtilization;
    const lines = boundLines(w, perPod);
    let top = 0;
    for (const v of [...hist, ...m.upper]) if (Number.isFinite(v)) top = Math.max(top, v);
    // Proposed bounds are always drawn; current ones when they fit in 3 × the data's range.
    top = Math.max(top, ...lines.filter((l) => l.label.startsWith("proposed") || l.y <= top * 3).map((l) => l.y)) * 1.1 || 1;
    const L = 60;
    const R = 170;
    const T = 30;
    const B = 30;
    const x = (i: number) => L + (i / Math.max(1, n - 1)) * (width - L - R);
    const y = (v: number) => T + (1 - Math.min(v, top) / top) * (height - T - B);
    const path = (vals: ArrayLike<number>, off: number) => {
        let d = "";
        let pen = false;
        for (let i = 0; i < vals.length; i++) {
            if (!Number.isFinite(vals[i])) {
                pen = false;
                continue;
            }
            d += `${pen ? "L" : "M"}${x(off + i).toFixed(1)},${y(vals[i]).toFixed(1)}`;
            pen = true;
        }
        return d;
    };
    const band = `M${x(hist.length).toFixed(1)},${y(m.point[0]).toFixed(1)}${Array.from(m.upper, (u, i) => `L${x(hist.length + i).toFixed(1)},${y(u).toFixed(1)}`).join("")}${Array.from(m.point, (p, i) => `L${x(hist.length + m.point.length - 1 - i).toFixed(1)},${y(m.point[m.point.length - 1 - i]).toFixed(1)}`).join("")}Z`;
    const out: string[] = [];
    out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`);
    out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
    out.push(
        `<text x="${L}" y="18" font-size="13">${esc(w.name)} · ${esc(m.name)} · ${esc(m.model)} · from ${iso(t0)} (step ${step} s)</text>`,
    );
    out.push(
        `<line x1="${L}" y1="${y(0)}" x2="${width - R}" y2="${y(0)}" stroke="#333"/><line x1="${L}" y1="${T}" x2="${L}" y2="${y(0)}" stroke="#333"/>`,
    );
    for (const v of [0, top / 2, top]) out.push(`<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${f(v, v < 10 ? 1 : 0)}</text>`);
    out.push(`<line x1="${x(hist.length)}" y1="${T}" x2="${x(hist.length)}" y2="${y(0)}" stroke="#bbb" stroke-dasharray="3 3"/>`);
    out.push(`<path d="${band}" fill="#3498db" fill-opacity="0.2" stroke="none"/>`);
    out.push(`<path d="${path(hist, 0)}" fill="none" stroke="#2c3e50" stroke-width="1"/>`);
    out.push(`<path d="${path(m.point, hist.length)}" fill="none" stroke="#2980b9" stroke-width="1.5"/>`);
    // Labels top to bottom, at least 13 px apart so that close bounds stay readable.
    let lastLabel = -Infinity;
    for (const l of lines.filter((x) => x.y <= top).sort((a, b) => b.y - a.y)) {
        out.push(
            `<line x1="${L}" y1="${y(l.y).toFixed(1)}" x2="${width - R}" y2="${y(l.y).toFixed(1)}" stroke="${l.color}" ${l.dash ? `stroke-dasharray="${l.dash}"` : ""}/>`,
        );
        const ly = Math.max(y(l.y) + 4, lastLabel + 13);
        lastLabel = ly;
        out.push(`<text x="${width - R + 6}" y="${ly.toFixed(1)}" fill="${l.color}">${esc(l.label)}</text>`);
    }
    out.push(
        `<text x="${L + 8}" y="${T + 12}" fill="#2c3e50">— history</text><text x="${L + 90}" y="${T + 12}" fill="#2980b9">— forecast, band shaded</text>`,
    );
    out.push("</svg>");
    return out.join("\n") + "\n";
}

/** The bounds as the load they serve at target; a bound the forecast keeps is drawn once, as proposed and labelled "(kept)". */
function boundLines(w: WorkloadForecast, perPod: number): Array<{ label: string; y: number; color: string; dash: string }> {
    const keptMax = w.current.maxReplicas === w.proposed.maxReplicas;
    const keptMin = w.current.minReplicas === w.proposed.minReplicas;
    return [
        ...(keptMax
            ? []
            : [{ label: `current max ${w.current.maxReplicas}`, y: w.current.maxReplicas * perPod, color: "#999", dash: "6 4" }]),
        ...(keptMin
            ? []
            : [{ label: `current min ${w.current.minReplicas}`, y: w.current.minReplicas * perPod, color: "#999", dash: "2 3" }]),
        {
            label: `proposed max ${w.proposed.maxReplicas}${keptMax ? " (kept)" : ""}`,
            y: w.proposed.maxReplicas * perPod,
            color: "#c0392b",
            dash: "",
        },
        {
            label: `proposed min ${w.proposed.minReplicas}${keptMin ? " (kept)" : ""}`,
            y: w.proposed.minReplicas * perPod,
            color: "#27ae60",
            dash: "",
        },
    ];
}

function esc(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
