/**
 * The forecast report's "Right-sizing" section (issue 17, item 5): per workload, the declared
 * requests against what the VPA's recommender would set from the usage in its exports
 * (forecast/rightSizing.ts), and the monthly saving at the on-demand price. It recommends only:
 * no request and no HPA target changes.
 */
import type { AppConfig } from "../../config/schema";
import { toGrid } from "../../forecast/ingest";
import { exportsLocation, workloadInputs } from "../../forecast/mapping";
import { ON_DEMAND_USD, type UnitPrices } from "../../forecast/replayPrice";
import { perPodUsage, recommend, requestSaving, type PodMetric, type Recommendation, type Requests } from "../../forecast/rightSizing";
import { SeriesLoader } from "../../forecast/series";
import type { MetricInput } from "../../forecast/stack";
import { apiPlan, workerPlans } from "../../plan/workloads";
import { quantityValue } from "../../policies/contract";

const MiB = 2 ** 20;

export interface RightSizingRow {
    readonly workload: string;
    /** The declared requests: cores and bytes. */
    readonly declared: Requests;
    /** Absent when the workload has no usable CPU and memory series (`note` says why). */
    readonly recommended?: Recommendation;
    /** The pods the usage is spread over, on average: the saving is per pod × these. */
    readonly meanPods: number;
    /** Money a month at the stack's on-demand price (cost.prices.onDemand): (declared − recommended) × mean pods × 730 h; negative when the requests are short. */
    readonly monthlySaving: number;
    readonly note?: string;
}

/** The grid of a loaded series, or why it cannot be used. */
function gridOf(loader: SeriesLoader, workload: string, m: MetricInput) {
    const s = loader.load(`${workload} ${m.name}`, m);
    return typeof s === "string" ? s : toGrid(s, s.step, m.aggregation ?? "mean", { align: s.step });
}

/** One row per autoscaled workload with mapped series, from the stack's exports. */
export function rightSizingRows(c: AppConfig, stack: string, projectDir: string, prices: UnitPrices = configPrices(c)): RightSizingRow[] {
    const { dir, shown } = exportsLocation(c, stack, projectDir);
    const loader = new SeriesLoader({ baseDir: dir, baseDirShown: shown, inputs: "right-sizing", maxExportAgeHours: Infinity });
    const plans = [apiPlan(c, stack), ...workerPlans(c, stack)];
    return workloadInputs(c, stack, plans).map((w): RightSizingRow => {
        const plan = plans.find((p) => p.key === w.name)!;
        const declared = {
            cpuCores: quantityValue(plan.pod.resources.cpuRequest),
            memoryBytes: quantityValue(plan.pod.resources.memoryRequest),
        };
        const none = (note: string): RightSizingRow => ({ workload: w.name, declared, meanPods: 0, monthlySaving: 0, note });
        const cpuM = w.metrics.find((m) => m.name === "cpu");
        const memM = w.metrics.find((m) => m.name === "memory");
        if (!cpuM || !memM) return none("no CPU and memory usage series mapped");
        const sizing: PodMetric[] = [];
        for (const m of w.metrics.filter((x) => x.sizing !== false)) {
            const g = gridOf(loader, w.name, m);
            if (typeof g !== "string") sizing.push({ grid: g, perPod: m.capacityPerPod * m.targetUtilization });
        }
        const cpu = gridOf(loader, w.name, cpuM);
        const mem = gridOf(loader, w.name, memM);
        if (typeof cpu === "string" || typeof mem === "string") return none([cpu, mem].filter((x) => typeof x === "string").join("; "));
        const cpuPod = perPodUsage(cpu, sizing, w.current);
        const rec = recommend(cpuPod, perPodUsage(mem, sizing, w.current));
        if (!rec) return none("no usage samples");
        return {
            workload: w.name,
            declared,
            recommended: rec,
            meanPods: cpuPod.meanPods,
            monthlySaving: requestSaving(declared, rec, cpuPod.meanPods, prices, c.cost.hoursPerMonth),
        };
    });
}

const milli = (cores: number) => `${Math.round(cores * 1000)}m`;
const mebi = (bytes: number) => `${(bytes / MiB).toFixed(0)}Mi`;

/** The stack config's on-demand prices (`cost.prices.onDemand`), in the replay's shape. */
export function configPrices(c: AppConfig): UnitPrices {
    return { cpuHour: c.cost.prices.onDemand.vcpuHour, gibHour: c.cost.prices.onDemand.gibHour };
}

/** The section's Markdown lines (none without rows). */
export function rightSizingSection(
    rows: readonly RightSizingRow[],
    prices: UnitPrices = ON_DEMAND_USD,
    currency = "USD",
    hoursPerMonth = 730,
): string[] {
    if (rows.length === 0) return [];
    const out = [
        "### Right-sizing",
        "",
        `Requests the VPA's recommender (1.7.1 defaults) would set from each workload's usage exports: CPU the 90th percentile of one pod's usage, memory the 90th percentile of its daily peaks, each + 15 %, at least 25m and 250Mi; one pod's usage is the total over the pods the HPA asks for. Saving at ${prices.cpuHour} ${currency}/vCPU-h and ${prices.gibHour} ${currency}/GiB-h on-demand over ${hoursPerMonth} h, at the mean pod count. A recommendation only: requests and HPA targets are unchanged.`,
        "",
        `| workload | CPU declared → recommended (p90) | memory declared → recommended (p90 of daily peaks) | mean pods | saving ${currency}/month |`,
        "|---|---|---|---|---|",
    ];
    for (const r of rows) {
        const rec = r.recommended;
        out.push(
            rec
                ? `| ${r.workload} | ${milli(r.declared.cpuCores)} → ${milli(rec.cpuCores)} (${milli(rec.cpuPercentile)}) | ${mebi(r.declared.memoryBytes)} → ${mebi(rec.memoryBytes)} (${mebi(rec.memoryPercentile)}) | ${r.meanPods.toFixed(2)} | ${r.monthlySaving.toFixed(2)} |`
                : `| ${r.workload} | ${milli(r.declared.cpuCores)} | ${mebi(r.declared.memoryBytes)} | n/a | n/a: ${r.note} |`,
        );
    }
    out.push("");
    return out;
}
