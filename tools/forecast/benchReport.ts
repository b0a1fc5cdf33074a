/** The benchmark's Markdown: one table per series and scenario, the summary, the floor bound, the frontier and the speed line. */
import { METHODS, P99_PODS, type BenchResult, type Method, type MethodScore } from "./bench";

/** The hindsight bound: a row of the tables, never "the best other method". */
const BOUND: Method = "hindsight-hourly";

export function formatBench(r: BenchResult): string {
    const out: string[] = [];
    const f = (x: number | null, d = 3) => (x === null || !Number.isFinite(x) ? "-" : x.toFixed(d));
    for (const s of r.series) {
        out.push(`### ${s.name} · p99 needs ${s.p99Pods} pods · ${s.origins} origins`, "");
        out.push(
            "| method | MASE | band cov. | max cov. | replica-h ÷ oracle | under-prov. % | cap hits % | shortfall ÷ oracle | SLO-weighted cost |",
            "|---|---|---|---|---|---|---|---|---|",
        );
        for (const m of s.methods)
            out.push(
                `| ${m.method} | ${f(m.mase)} | ${f(m.bandCoverage, 2)} | ${f(m.maxCoverage, 2)} | ${f(m.replicaHoursRatio)} | ${f(m.underProvisionedPct, 2)} | ${f(m.capHitPct, 2)} | ${f(m.shortfallRatio, 4)} | ${f(m.weightedCost)} |`,
            );
        out.push("");
    }
    out.push(
        "## Summary (means over series × scenarios)",
        "",
        "Cost to 4 decimals: the forecasters differ in the third. Behind: runs (series × scenario) more than 2 % costlier than the best other method.",
        "",
        "| method | mean MASE (per series) | mean daily-max coverage | mean SLO-weighted cost | mean under-prov. % | mean replica-h ÷ oracle | max cap hits % | worst cost ÷ best other | runs > 2 % behind |",
        "|---|---|---|---|---|---|---|---|---|",
    );
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const means = new Map<Method, number>();
    for (const m of METHODS) {
        const rows = r.series.map((s) => s.methods.find((x) => x.method === m)).filter((x): x is MethodScore => !!x);
        if (rows.length === 0) continue;
        // Forecast quality once per series (the scenarios share the forecasts).
        const firstScenario = r.series.filter((s) => s.p99Pods === P99_PODS[0]).map((s) => s.methods.find((x) => x.method === m));
        const mases = firstScenario.map((x) => x?.mase).filter((x): x is number => typeof x === "number");
        const cover = firstScenario.map((x) => x?.maxCoverage).filter((x): x is number => typeof x === "number");
        const ratios = r.series.map((s) => {
            const me = s.methods.find((x) => x.method === m)?.weightedCost ?? NaN;
            const best = Math.min(...s.methods.filter((x) => x.method !== m && x.method !== BOUND).map((x) => x.weightedCost));
            return me / best;
        });
        if (m !== BOUND) means.set(m, avg(rows.map((x) => x.weightedCost)));
        out.push(
            `| ${m} | ${mases.length ? avg(mases).toFixed(3) : "-"} | ${cover.length ? avg(cover).toFixed(3) : "-"} | ${avg(rows.map((x) => x.weightedCost)).toFixed(4)} | ${avg(rows.map((x) => x.underProvisionedPct)).toFixed(2)} | ${avg(rows.map((x) => x.replicaHoursRatio)).toFixed(3)} | ${Math.max(...rows.map((x) => x.capHitPct)).toFixed(2)} | ${Math.max(...ratios).toFixed(3)} | ${ratios.filter((x) => x > 1.02).length} of ${ratios.length} |`,
        );
    }
    const ranked = [...means.entries()].sort((a, b) => a[1] - b[1]);
    if (ranked.length)
        out.push(
            "",
            `Lowest mean SLO-weighted cost: ${ranked[0][0]} (${ranked[0][1].toFixed(4)})${ranked[0][0] === "default" ? "" : `; default ${means.get("default")?.toFixed(4) ?? "-"}, ${(((means.get("default") ?? NaN) / ranked[0][1] - 1) * 100).toFixed(2)} % above it`}.`,
        );
    const bounded = r.series.filter((s) => s.floorBound);
    if (bounded.length) {
        const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        out.push(
            "",
            `What minReplicas can do at all (the same replays): the HPA with no floor and no cap costs ${avg(bounded.map((s) => s.floorBound!.noFloor)).toFixed(3)} on average; with the best floor of each day chosen in hindsight, ${avg(bounded.map((s) => s.floorBound!.hindsight)).toFixed(3)}. A forecast sizes the floor and the cap; with cap hits kept near zero, the room between forecasters is this gap.`,
        );
    }
    out.push("", "Frontier (mean SLO-weighted cost against mean under-provisioned %, lower-left is better):", "");
    for (const m of METHODS) {
        const rows = r.series.map((s) => s.methods.find((x) => x.method === m)).filter((x): x is MethodScore => !!x);
        const c = rows.reduce((a, b) => a + b.replicaHoursRatio, 0) / Math.max(1, rows.length);
        const u = rows.reduce((a, b) => a + b.underProvisionedPct, 0) / Math.max(1, rows.length);
        out.push(`- ${m}: replica-h ÷ oracle ${c.toFixed(3)}, under-provisioned ${u.toFixed(2)} %`);
    }
    out.push(
        "",
        `Speed: the dev stack's forecasting step${r.speed.files ? ` on ${r.speed.files} exports of 30 days at 1 min` : ""} ${r.speed.forecastMs.toFixed(1)} ms, JSON.parse of the same files ${r.speed.jsonParseMs.toFixed(1)} ms, ratio ${r.speed.ratio.toFixed(2)} (target ≤ 2)`,
    );
    if (r.skipped.length) out.push("", "Skipped:", ...r.skipped.map((s) => `- ${s}`));
    return out.join("\n");
}
