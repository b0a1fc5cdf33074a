/**
 * One workload's sizing from its loaded exports (stack.ts loads them and decides when a workload
 * falls back): the training window, the plan (plan.ts: forecast, floor, raw bounds), the bounds
 * within the guardrails and hysteresis with the warnings they call for, and replays of the
 * recent history under the current and the proposed bounds. Pure.
 */
import { capacityRecommendations } from "./capacityPlanner";
import { lowerBand, workloadSchedule } from "./scheduleWorkload";
import { alignGrids, planWorkload, type PlanMetric, type WorkloadPlan } from "./plan";
import { exportLabel, iso, MIN_HISTORY_SECONDS, spanText, trainingGrid, trainingWindow } from "./series";
import { replay, type ReplayMetric, type ReplayResult } from "./simulator";
import { proposeBoundsDetailed, type BoundsAdjustments, type Bounds } from "./sizing";
import type {
    ForecastSettings,
    LoadedMetric,
    MetricForecast,
    MetricInput,
    RiskSummary,
    WorkloadContext,
    WorkloadForecast,
    WorkloadInput,
} from "./stack";
import type { Series } from "./types";

/** A sizing metric with its series on the training window's grid. */
interface WindowMetric extends PlanMetric {
    readonly m: MetricInput;
    readonly points: number;
    readonly span: number;
}

/**
 * The workload's sizing, or the reason it cannot be sized (too little data in the training
 * window, no load above 0). `usable` are its sizing metrics that loaded.
 */
export function sizeWorkload(
    w: WorkloadInput,
    loaded: readonly LoadedMetric[],
    usable: ReadonlyArray<{ readonly m: MetricInput; readonly l: Series }>,
    settings: ForecastSettings,
    x: WorkloadContext,
): WorkloadForecast | string {
    // What looks wrong in the data used: warnings, not reasons to fall back.
    const warnings = [...x.warnings];
    for (const { m, l } of loaded)
        if (typeof l !== "string") for (const d of l.warnings ?? []) warnings.push(`${exportLabel(m.file, m.name)}: ${d}`);
    // Training window: the most recent `trainingDays` days up to the last complete model step.
    const { start, end } = trainingWindow(Math.min(...usable.map(({ l }) => l.t[l.t.length - 1])), settings);
    const window = `${iso(start)} .. ${iso(end)} (the last ${settings.trainingDays} days before the last full ${settings.modelStepSeconds} s step of the workload's exports)`;
    const metrics = usable.map(({ m, l }): WindowMetric => {
        const { full, points, span } = trainingGrid(l, start, end);
        const capacity = { name: m.name, capacityPerPod: m.capacityPerPod, targetUtilization: m.targetUtilization };
        return { m, points, span, capacity, full, aggregation: m.aggregation ?? "mean" };
    });
    const problem = windowProblem(metrics, window);
    if (problem) return problem;
    const plan = planWorkload(metrics, settings, {
        behavior: w.behavior,
        policyFloor: Math.max(w.guardrails.minReplicas, w.guardrails.policyMinimum, 1),
        maxCap: w.guardrails.maxReplicas,
    });
    // Never a plan from no load: an all-zero window says nothing about what the workload needs.
    if (plan.metrics.every((p) => !(p.forecastPeak > 0) && !(p.recentPeak > 0)))
        return `${usable.map(({ m }) => exportLabel(m.file, m.name)).join(", ")}: no load above 0 in the training window ${window}: nothing to size from`;
    const raw = { minReplicas: plan.rawMinReplicas, maxReplicas: plan.neededMaxReplicas };
    const { bounds: proposed, adjusted } = proposeBoundsDetailed(
        raw,
        w.current,
        w.guardrails,
        { percent: settings.hysteresisPercent },
        w.name,
    );
    warnings.push(...boundsWarnings(w, plan, proposed, adjusted, x.gkey));
    for (const p of plan.metrics) if (p.forecast.fallback) warnings.push(`${w.name}/${p.name}: ${p.forecast.fallback}`);
    const lead = plan.metrics[leadMetric(plan, metrics)].forecast;
    const planner = loaded.flatMap(({ m, l }) => (m.planner && typeof l !== "string" ? [{ metric: m.planner, t: l.t, v: l.v }] : []));
    return {
        name: w.name,
        kind: w.kind,
        current: w.current,
        proposed,
        raw,
        model: lead.model,
        backtestMase: lead.backtestMase,
        metrics: metricForecasts(plan, metrics),
        dataEnd: x.dataEnd,
        warnings,
        notes: x.notes,
        risk: risks(w, plan, metrics, settings, end, proposed),
        capacity: capacityRecommendations(planner, x.dataEnd),
        annotations: x.annotations(lead.model),
        ...workloadSchedule(
            w,
            plan,
            metrics.map((m) => m.capacity),
            settings,
            proposed,
            end,
        ),
    };
}

/** Why the training window cannot be sized from: fewer than 2 points, or less than `MIN_HISTORY_SECONDS` of data. */
function windowProblem(metrics: readonly WindowMetric[], window: string): string | undefined {
    const empty = metrics.filter((p) => p.points < 2);
    if (empty.length === 1)
        return `${exportLabel(empty[0].m.file, empty[0].m.name)} has ${empty[0].points === 0 ? "no data" : "only 1 data point"} in the training window ${window}: at least 2 points are needed`;
    if (empty.length > 1)
        return `exports ${empty.map((p) => `${p.m.file} for ${p.m.name}`).join(", ")} have fewer than 2 data points each in the training window ${window}: at least 2 are needed`;
    const short = metrics.filter((p) => p.span < MIN_HISTORY_SECONDS);
    if (short.length)
        return `${short.map((p) => `${exportLabel(p.m.file, p.m.name)} has data over only ${spanText(p.span)}`).join(", ")} of the training window ${window}: at least ${MIN_HISTORY_SECONDS / 3600} h are needed to size from (a Prometheus with little history?)`;
    return undefined;
}

/** What the guardrails did to the plan's bounds: a capped maximum, a lowered floor. */
function boundsWarnings(w: WorkloadInput, plan: WorkloadPlan, proposed: Bounds, adjusted: BoundsAdjustments, gkey: string): string[] {
    const out: string[] = [];
    if (adjusted.maxCapped)
        out.push(
            `${w.name}: the forecast needs ${plan.neededMaxReplicas} replicas at its peak, above ${gkey}.maxReplicas (${w.guardrails.maxReplicas}): capped at the guardrail; raise it, or expect the HPA to sit at its maximum at the peak`,
        );
    if (adjusted.minLowered)
        out.push(
            `${w.name}: the floor the replay needs reaches ${gkey}.maxReplicas (${w.guardrails.maxReplicas}): minReplicas lowered to ${proposed.minReplicas} so that the HPA can still scale (min = max never does); raise the guardrail`,
        );
    return out;
}

/** The metric whose peak needs the most pods: it names the model. */
function leadMetric(plan: WorkloadPlan, metrics: readonly WindowMetric[]): number {
    let lead = 0;
    let most = -1;
    plan.metrics.forEach((p, i) => {
        const need = p.forecastPeak / (metrics[i].capacity.capacityPerPod * metrics[i].capacity.targetUtilization);
        if (need > most) {
            most = need;
            lead = i;
        }
    });
    return lead;
}

function metricForecasts(plan: WorkloadPlan, metrics: readonly WindowMetric[]): MetricForecast[] {
    return plan.metrics.map((p, i) => ({
        name: p.name,
        model: p.forecast.model,
        modelDetail: p.forecast.detail,
        backtestMase: p.forecast.backtestMase,
        peakFactor: p.peakFactor,
        forecastPeak: p.forecastPeak,
        recentPeak: p.recentPeak,
        fallback: p.forecast.fallback,
        history: p.history,
        point: p.forecast.point,
        upper: p.forecast.upper,
        lower: lowerBand(p.forecast.point, p.forecast.upper),
        capacityPerPod: metrics[i].capacity.capacityPerPod,
        targetUtilization: metrics[i].capacity.targetUtilization,
        floorScales: p.floorScales,
    }));
}

/** The configured bounds at least 1 (the replay of what runs now). */
const atLeastOne = (b: Bounds): Bounds => {
    const min = Math.max(1, b.minReplicas);
    return { minReplicas: min, maxReplicas: Math.max(min, b.maxReplicas) };
};

const riskOf = (r: ReplayResult): RiskSummary => ({
    ratioToOracle: r.ratioToOracle,
    underProvisionedPct: 100 * r.underProvisionedFraction,
    capHitPct: 100 * r.capHitFraction,
    weightedCost: r.weightedCost,
    replicasAtLeast: r.trajectory ? replicasAtLeast(r.trajectory.replicas) : [],
});

/** Share of the ticks with at least n replicas, n = 0 .. the most (the cost model's mean replicas and reserved floor). */
export function replicasAtLeast(replicas: Int32Array): number[] {
    if (replicas.length === 0) return [];
    // A loop, not Math.max(...replicas): weeks of 15 s ticks are more arguments than a call takes.
    const most = replicas.reduce((m, r) => Math.max(m, r), 0);
    const counts = new Array<number>(most + 1).fill(0);
    for (const r of replicas) counts[r]++;
    const out = new Array<number>(counts.length);
    let above = 0;
    for (let n = counts.length - 1; n >= 0; n--) out[n] = (above += counts[n]) / replicas.length;
    return out;
}

/**
 * Exact replays of the last `floorHistoryDays` under the current and the proposed bounds, once
 * per distinct bounds (the floor search's own check is reused when it replayed the same window
 * and bounds).
 */
function risks(
    w: WorkloadInput,
    plan: WorkloadPlan,
    metrics: readonly WindowMetric[],
    settings: ForecastSettings,
    end: number,
    proposed: Bounds,
): NonNullable<WorkloadForecast["risk"]> {
    const aligned = alignGrids(
        metrics.map((m) => m.full),
        end - settings.floorHistoryDays * 86400,
        end,
    );
    const rm: ReplayMetric[] = metrics.map((m, i) => ({ ...m.capacity, load: aligned.values[i] }));
    const replays = new Map<string, RiskSummary>();
    const fc = plan.floorCheck;
    // Reused only with its trajectory: the cost model reads the replicas over time from it.
    if (
        fc?.result.trajectory &&
        !fc.scaled &&
        fc.start === aligned.start &&
        fc.step === aligned.step &&
        fc.length === (rm[0]?.load.length ?? 0)
    )
        replays.set(`${fc.minReplicas}..${fc.maxReplicas}`, riskOf(fc.result));
    const sim = (b: Bounds) => {
        const key = `${b.minReplicas}..${b.maxReplicas}`;
        let r = replays.get(key);
        if (!r) {
            const input = { start: aligned.start, step: aligned.step, metrics: rm, bounds: b, behavior: w.behavior };
            r = riskOf(
                replay({ ...input, readinessDelaySeconds: settings.readinessDelaySeconds, recordEvents: false, recordTrajectory: true }),
            );
            replays.set(key, r);
        }
        return r;
    };
    return { current: sim(atLeastOne(w.current)), proposed: sim(proposed), days: settings.floorHistoryDays };
}
