/** The benchmark's money summary: each method's monthly cost and SLO-weighted cost, on-demand and with the burst on spot, from one run. */
import { METHODS, P99_PODS, type BenchResult, type MethodScore } from "./bench";
import { DEFAULT_BENCH_PRICING } from "./benchPrice";

const avg = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The Markdown lines: the assumptions, then one row per method (means over series; money per capacity scenario). */
export function moneySummary(r: BenchResult): string[] {
    const p = r.pricing ?? DEFAULT_BENCH_PRICING;
    const s = p.spotSettings;
    const out = [
        "",
        "## Money and spot (means over series; USD per 730-hour month per capacity scenario)",
        "",
        `One pod requests ${p.pod.cpu} vCPU and ${p.pod.memoryGiB} GiB; on-demand $${p.onDemand.cpuHour}/vCPU-h and $${p.onDemand.gibHour}/GiB-h, spot $${p.spot.cpuHour.toFixed(6)}/vCPU-h and $${p.spot.gibHour.toFixed(6)}/GiB-h. With spot, ${(s.share * 100).toFixed(0)} % of the pods above each method's floor run on spot, interrupted ${(s.interruptionsPerPodHour * 730 * 100).toFixed(1)} % per pod-month, notice ${s.noticeSeconds} s, replaced after the readiness delay (seed ${p.seed}, the same draws for every method).`,
        "",
        `| method | USD/month on-demand (p99 ${P99_PODS.join(" / ")} pods) | USD/month with spot | saving | SLO-weighted cost on-demand → with spot | under-prov. % on-demand → with spot | interruptions |`,
        "|---|---|---|---|---|---|---|",
    ];
    for (const m of METHODS) {
        const rows = r.series.map((x) => x.methods.find((y) => y.method === m)).filter((x): x is MethodScore => !!x);
        if (rows.length === 0) continue;
        const per = (k: "monthlyCost" | "spotMonthlyCost") =>
            P99_PODS.map((pods) =>
                avg(r.series.filter((x) => x.p99Pods === pods).flatMap((x) => x.methods.filter((y) => y.method === m).map((y) => y[k]))),
            );
        const od = per("monthlyCost");
        const spot = per("spotMonthlyCost");
        const saving = 1 - avg(rows.map((x) => x.spotMonthlyCost)) / avg(rows.map((x) => x.monthlyCost));
        const cost = avg(rows.map((x) => x.weightedCost));
        const spotCost = avg(rows.map((x) => x.spotWeightedCost));
        out.push(
            `| ${m} | ${od.map((x) => x.toFixed(2)).join(" / ")} | ${spot.map((x) => x.toFixed(2)).join(" / ")} | ${(saving * 100).toFixed(1)} % | ${cost.toFixed(4)} → ${spotCost.toFixed(4)} (+${(spotCost - cost).toFixed(6)}) | ${avg(rows.map((x) => x.underProvisionedPct)).toFixed(2)} → ${avg(rows.map((x) => x.spotUnderProvisionedPct)).toFixed(2)} | ${rows.reduce((a, x) => a + x.spotInterruptions, 0)} |`,
        );
    }
    return out;
}
