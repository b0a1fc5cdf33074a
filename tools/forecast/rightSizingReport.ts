/**
 * The forecast report's "Right-sizing" section (issue 17, item 5): per workload, the declared
 * requests against what the VPA's recommender would set from the usage in its exports
 * (forecast/rightSizing.ts), and the monthly saving at the on-demand price. It recommends only:
 * no request and no HPA target changes.
 */
import type { AppConfig, WorkerPoolName } from "../../config/schema";
import { toGrid } from "../../forecast/ingest";
import { exportsLocation, workloadInputs, type SeriesRef } from "../../forecast/mapping";
import { perPodUsage, recommend, type PodMetric, type Recommendation, type Requests } from "../../forecast/rightSizing";
import { SeriesLoader, type SeriesSource } from "../../forecast/series";
import { COST_TIERS, monthlyByTier, spotSplit, type CostItem, type Prices } from "../../plan/cost";
import { analyticsPod, apiPlan, workerPlans, type AutoscaledPlan } from "../../plan/workloads";
import { quantityValue } from "../../policies/contract";

const MiB = 2 ** 20;
const GiB = 2 ** 30;

export interface RightSizingRow {
    readonly workload: string;
    /** The declared requests: cores and bytes. */
    readonly declared: Requests;
    /** Absent when the workload has no usable CPU and memory series (`note` says why). */
    readonly recommended?: Recommendation;
    /** The pods the usage is spread over, on average: the saving is per pod × these. */
    readonly meanPods: number;
    /** Money a month as the cost table prices the pods (`monthlySaving`); negative when the requests are short. */
    readonly monthlySaving: number;
    readonly note?: string;
}

/**
 * Money a month that `recommended` instead of `declared` saves on `meanPods` pods, priced as the
 * cost table prices them (plan/cost): on demand, except a spot pool (`spotFloor`: its minReplicas)
 * whose floor runs on demand and the rest, at least one pod, at the spot price; over
 * `cost.hoursPerMonth`. Negative when the requests grow.
 */
export function rightSizingSaving(
    declared: Requests,
    recommended: Requests,
    meanPods: number,
    cost: AppConfig["cost"],
    spotFloor?: number,
): number {
    const item: CostItem = {
        tier: "workers",
        name: "",
        vcpu: declared.cpuCores - recommended.cpuCores,
        gib: (declared.memoryBytes - recommended.memoryBytes) / GiB,
        mean: meanPods,
    };
    const byTier = monthlyByTier(
        spotFloor === undefined ? [item] : spotSplit(item, spotFloor),
        cost.prices.onDemand,
        cost.hoursPerMonth,
        cost.prices.spot,
    );
    return COST_TIERS.reduce((s, t) => s + byTier[t], 0);
}

/** The grid of a mapped series, or why it cannot be used. */
function gridOf(loader: SeriesLoader, label: string, src: SeriesSource) {
    const s = loader.load(label, src);
    return typeof s === "string" ? s : toGrid(s, s.step, "mean", { align: s.step });
}

const source = (ref: SeriesRef): SeriesSource => ({ file: ref.file, series: ref.series || undefined, unit: ref.unit });
const requestsOf = (r: { cpuRequest: string; memoryRequest: string }): Requests => ({
    cpuCores: quantityValue(r.cpuRequest),
    memoryBytes: quantityValue(r.memoryRequest),
});

/** A workload's usage series as the stack maps them (`forecast.series.<…>.cpu`, `.memory`). */
function usageRefs(c: AppConfig, key: string): { cpu?: SeriesRef; memory?: SeriesRef } {
    const s = c.forecast.series;
    if (key === "api") return { cpu: s.api?.cpu, memory: s.api?.memory };
    if (key === "analytics") return { cpu: s.analytics?.cpu, memory: s.analytics?.memory };
    const pool = s.workers[key.slice("worker-".length) as WorkerPoolName];
    return { cpu: pool?.cpu, memory: pool?.memory };
}

interface RowArgs {
    readonly c: AppConfig;
    readonly loader: SeriesLoader;
    readonly workload: string;
    readonly declared: Requests;
    /** One pod's share of a total series, and the mean pods it was spread over. */
    readonly perPod: (total: Exclude<ReturnType<typeof gridOf>, string>) => ReturnType<typeof perPodUsage> | string;
    readonly spotFloor?: number;
}

function row(a: RowArgs): RightSizingRow {
    const none = (note: string): RightSizingRow => ({ workload: a.workload, declared: a.declared, meanPods: 0, monthlySaving: 0, note });
    const refs = usageRefs(a.c, a.workload);
    if (!refs.cpu || !refs.memory) return none("no CPU and memory usage series mapped");
    const cpu = gridOf(a.loader, `${a.workload} cpu`, source(refs.cpu));
    const mem = gridOf(a.loader, `${a.workload} memory`, source(refs.memory));
    if (typeof cpu === "string" || typeof mem === "string") return none([cpu, mem].filter((x) => typeof x === "string").join("; "));
    const cpuPod = a.perPod(cpu);
    const memPod = a.perPod(mem);
    if (typeof cpuPod === "string" || typeof memPod === "string") return none(typeof cpuPod === "string" ? cpuPod : (memPod as string));
    const rec = recommend(cpuPod, memPod);
    if (!rec) return none("no usage samples");
    return {
        workload: a.workload,
        declared: a.declared,
        recommended: rec,
        meanPods: cpuPod.meanPods,
        monthlySaving: rightSizingSaving(a.declared, rec, cpuPod.meanPods, a.c.cost, a.spotFloor),
    };
}

/** Fixed replicas (analytics): each pod carries the total ÷ the replicas. */
function fixedPods(total: { start: number; step: number; values: ArrayLike<number> }, replicas: number): ReturnType<typeof perPodUsage> {
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < total.values.length; i++)
        if (Number.isFinite(total.values[i])) {
            t.push(total.start + i * total.step);
            v.push(total.values[i] / replicas);
        }
    return { t, v, meanPods: t.length ? replicas : 0 };
}

/**
 * One row per autoscaled workload (the API, each worker pool) and the analytics Deployment, from
 * the stack's exports: an autoscaled workload's usage is spread over the pods its HPA asks for on
 * its sizing series (a pool with no sizing series mapped has none to spread it over), analytics'
 * over its fixed replicas.
 */
export function rightSizingRows(c: AppConfig, stack: string, projectDir: string): RightSizingRow[] {
    const { dir, shown } = exportsLocation(c, stack, projectDir);
    const loader = new SeriesLoader({ baseDir: dir, baseDirShown: shown, inputs: "right-sizing", maxExportAgeHours: Infinity });
    const plans: AutoscaledPlan[] = [apiPlan(c, stack), ...workerPlans(c, stack)];
    const inputs = workloadInputs(c, stack, plans);
    const rows = plans.map((plan) => {
        const w = inputs.find((x) => x.name === plan.key);
        const sizing: PodMetric[] = [];
        for (const m of w?.metrics.filter((x) => x.sizing !== false) ?? []) {
            const g = gridOf(loader, `${plan.key} ${m.name}`, m);
            if (typeof g !== "string") sizing.push({ grid: g, perPod: m.capacityPerPod * m.targetUtilization });
        }
        return row({
            c,
            loader,
            workload: plan.key,
            declared: requestsOf(plan.pod.resources),
            perPod: (total) => (sizing.length ? perPodUsage(total, sizing, plan.bounds) : "no sizing series to tell how many pods ran"),
            spotFloor: plan.capacity === "spot" ? plan.bounds.minReplicas : undefined,
        });
    });
    const analytics = c.analytics.enabled
        ? [
              row({
                  c,
                  loader,
                  workload: "analytics",
                  declared: requestsOf(analyticsPod(c, stack).resources),
                  perPod: (total) => fixedPods(total, c.analytics.replicas),
              }),
          ]
        : [];
    // Rows without any usage series mapped say nothing the table needs.
    return [...rows, ...analytics].filter((r) => r.recommended || r.note !== "no CPU and memory usage series mapped");
}

const milli = (cores: number) => `${Math.round(cores * 1000)}m`;
const mebi = (bytes: number) => `${(bytes / MiB).toFixed(0)}Mi`;

/** What the section states of the prices: the stack's `cost` (or part of it). */
export interface RightSizingPrices {
    readonly currency: string;
    readonly hoursPerMonth: number;
    readonly prices: { readonly onDemand: Prices; readonly spot: Prices };
}

/** The section's Markdown lines (none without rows). */
export function rightSizingSection(rows: readonly RightSizingRow[], cost: RightSizingPrices): string[] {
    if (rows.length === 0) return [];
    const { currency, prices } = cost;
    const out = [
        "### Right-sizing",
        "",
        `Requests the VPA's recommender (1.7.1 defaults) would set from each workload's usage exports: CPU the 90th percentile of one pod's usage, memory the 90th percentile of its daily peaks, each + 15 %, at least 25m and 250Mi; one pod's usage is the total over the pods the HPA asks for (analytics: over its replicas). Saving as the cost table prices the pods, at the mean pod count over ${cost.hoursPerMonth} h: ${prices.onDemand.vcpuHour} ${currency}/vCPU-h and ${prices.onDemand.gibHour} ${currency}/GiB-h on demand, a spot pool's pods above its floor at ${prices.spot.vcpuHour} and ${prices.spot.gibHour}. A recommendation only: requests and HPA targets are unchanged.`,
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
