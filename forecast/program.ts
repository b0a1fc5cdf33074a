/**
 * The forecasting step as the program runs it before each preview: read the stack config's
 * series mapping (`forecast.series`) and the exports it names, size every mapped workload from
 * its configured bounds within the guardrails, size the data-tier counts that have series, and
 * return the sized numbers as stack-file keys with the HPA annotations. The program applies the
 * numbers like the stack file's own, so every config rule runs on the final numbers. Deterministic: the same files and config give
 * the same sizing in preview, up and render (the wall clock decides staleness when a limit is
 * configured, and refuses exports dated after it; it never changes a sizing from past data).
 *
 * Bad exports never throw: each is a warning and a fallback to the configured numbers (stack.ts,
 * dataTier.ts). What throws is a `ConfigError` naming `Pulumi.<stack>.yaml`, the key and the
 * value: an exports directory or export path out of the project or the exports directory
 * (exportFiles.ts), guardrails that leave no room to scale. No Pulumi here.
 */
import type { AppConfig, WorkerPoolName } from "../config/schema";
import { FORECAST_ANNOTATIONS, formatBounds } from "../policies/contract";
import type { HeadroomVerdict } from "../plan/overprovision";
import { apiPlan, workerPlans, type AutoscaledPlan } from "../plan/workloads";
import { forecastDataTier, type DataTierForecast } from "./dataTier";
import { exportsLocation, workloadInputs } from "./mapping";
import type { FloorSchedule } from "./schedule";
import { forecastStack, type ForecastSettings, type StackForecast, type WorkloadForecast } from "./stack";

export interface ProgramForecastArgs {
    readonly stack: string;
    readonly projectDir: string;
    /** The validated stack config: the mapping, the guardrails and the configured bounds and counts. */
    readonly config: AppConfig;
    /** Redis masters of the stack's last deployment, when known (shards move one per update from there). */
    readonly deployedRedisMasters?: number;
    /** The floor schedules deployed now (the stack's last `forecast.schedules` output), per workload key. */
    readonly deployedSchedules?: Readonly<Record<string, FloorSchedule>>;
    /** Only for tests: the time of the run. */
    readonly now?: Date;
}

export interface ProgramForecast {
    /** The exports directory, relative to the project. */
    readonly exportsDir: string;
    /**
     * What the forecast sets, as stack-file keys (`api.minReplicas`, `workers.queue.maxReplicas`,
     * `postgres.replicas`, ...): the sized numbers, or the configured ones where a series fell back.
     * The program applies them as if the stack file said so (plan/forecast.ts), so every config
     * rule runs on the final numbers.
     */
    readonly values: Readonly<Record<string, number>>;
    /** HPA annotations per workload key (`api`, `worker-queue`, ...), for bounds that come from metrics. */
    readonly annotations: Record<string, Record<string, string>>;
    readonly warnings: string[];
    readonly result: StackForecast;
    readonly dataTier: DataTierForecast;
    /** The floor schedule per workload key (`api`, `worker-queue`, ...), for the workloads the forecast schedules. */
    readonly schedules: Readonly<Record<string, FloorSchedule>>;
    /** Per scheduled workload key, its band's headroom priced in the replay (when the band allows a burst). */
    readonly headroom: Readonly<Record<string, HeadroomVerdict>>;
}

/** Settings shared by the workloads and the data tier, from the stack config. */
export function forecastSettings(c: AppConfig): Partial<ForecastSettings> {
    const f = c.forecast;
    return {
        hysteresisPercent: f.hysteresisPercent,
        underProvisionedTarget: f.underProvisionedTargetPercent / 100,
        headroom: f.headroomPercent / 100,
        trainingDays: f.trainingDays,
        floorHistoryDays: f.floorHistoryDays,
        floorScenario: f.floorScenario,
        scheduleEnabled: f.schedule.enabled,
        scheduleHorizonHours: f.schedule.horizonHours,
        scheduleSlotMinutes: f.schedule.slotMinutes,
        scheduleRefreshHours: f.schedule.refreshHours,
        ...(f.maxAgeDays > 0 ? { maxExportAgeHours: f.maxAgeDays * 24 } : {}),
    };
}

/**
 * `forecast.acknowledge.<key>`: whether it acknowledges exactly the bounds proposed now. One that
 * no longer matches (the forecast moved on, or fell back) acknowledges nothing, with a warning.
 */
function acknowledgement(c: AppConfig, key: string, w: WorkloadForecast): { matches: boolean; warning?: string } {
    const ack = key === "api" ? c.forecast.acknowledge.api : c.forecast.acknowledge.workers[key.slice("workers.".length) as WorkerPoolName];
    if (ack === "") return { matches: false };
    const proposed = formatBounds(w.proposed);
    if (w.raw !== undefined && ack === proposed) return { matches: true };
    return {
        matches: false,
        warning: `forecast.acknowledge.${key} (${ack}) does not match the proposed bounds ${proposed}${w.raw === undefined ? " (the configured ones: no forecast this time)" : ""}: it acknowledges nothing; update or remove it`,
    };
}

/**
 * A pool that scales to zero (workers.<pool>.scaleToZero) keeps minReplicas 0 by config: the
 * forecast sizes only its max. The floor its replay found is what the pool runs while awake at
 * the most (KEDA's HPA holds 1 then); the replay does not model KEDA's 0 <-> 1 step.
 */
function atZero(result: StackForecast, plans: readonly AutoscaledPlan[]): StackForecast {
    const zero = new Set(plans.filter((p) => p.scaleToZero).map((p) => p.key));
    if (zero.size === 0) return result;
    return {
        ...result,
        workloads: result.workloads.map((w) =>
            zero.has(w.name) && w.proposed.minReplicas !== 0
                ? {
                      ...w,
                      proposed: { ...w.proposed, minReplicas: 0 },
                      warnings: [
                          ...w.warnings,
                          `scales to zero: minReplicas stays 0 (KEDA wakes it on the first message); ${
                              w.raw === undefined
                                  ? `the guardrails' floor ${w.proposed.minReplicas} does not apply`
                                  : `the forecast sizes its maxReplicas, its replay's floor ${w.proposed.minReplicas} is what runs while it is awake`
                          }`,
                      ],
                  }
                : w,
        ),
    };
}

export function programForecast(a: ProgramForecastArgs): ProgramForecast {
    const c = a.config;
    const { dir, shown } = exportsLocation(c, a.stack, a.projectDir);
    const now = a.now ?? (c.forecast.maxAgeDays > 0 ? new Date() : undefined);
    // The wall clock refuses exports dated in the future; it never changes a sizing from past data.
    const wallClock = a.now ?? new Date();
    const settings = forecastSettings(c);
    // The workloads with their configured bounds, planned once for the inputs and the config keys.
    const plans = [apiPlan(c, a.stack), ...workerPlans(c, a.stack)];
    const result = atZero(
        forecastStack({
            stack: a.stack,
            baseDir: dir,
            baseDirShown: shown,
            workloads: workloadInputs(c, a.stack, plans).map((w) => ({ ...w, previousSchedule: a.deployedSchedules?.[w.name] })),
            settings,
            now,
            wallClock,
        }),
        plans,
    );
    const configKeys = new Map(plans.map((p) => [p.key, p.configKey]));
    const values: Record<string, number> = {};
    const annotations: Record<string, Record<string, string>> = {};
    const warnings: string[] = [];
    const schedules: Record<string, FloorSchedule> = {};
    const headroom: Record<string, HeadroomVerdict> = {};
    for (const w of result.workloads) {
        // Only workloads sized from metrics: a fallback's floor is the configured one.
        if (w.raw !== undefined && w.schedule) {
            schedules[w.name] = w.schedule;
            if (w.headroom) headroom[w.name] = w.headroom;
        }
        const key = configKeys.get(w.name)!;
        values[`${key}.minReplicas`] = w.proposed.minReplicas;
        values[`${key}.maxReplicas`] = w.proposed.maxReplicas;
        for (const m of w.warnings) warnings.push(`forecast ${w.name}: ${m}`);
        // Bounds that fell back to the configured ones (missing or stale exports) carry no
        // forecast annotations: they do not come from metrics.
        const acknowledged = acknowledgement(c, key, w);
        if (acknowledged.warning) warnings.push(`forecast ${w.name}: ${acknowledged.warning}`);
        if (w.raw !== undefined)
            annotations[w.name] = { ...w.annotations, ...(acknowledged.matches ? { [FORECAST_ANNOTATIONS.acknowledged]: "true" } : {}) };
    }
    const dataTier = forecastDataTier({
        config: c,
        stack: a.stack,
        baseDir: dir,
        baseDirShown: shown,
        deployedRedisMasters: a.deployedRedisMasters,
        settings,
        now,
        wallClock,
    });
    warnings.push(...dataTier.warnings);
    for (const n of dataTier.counts) values[n.key] = n.proposed;
    return { exportsDir: shown, values, annotations, warnings, result, dataTier, schedules, headroom };
}
