/**
 * The forecasting step as the program runs it before each preview: read the stack config's
 * series mapping (`forecast.series`) and the exports it names, size every mapped workload from
 * its configured bounds within the guardrails, size the data-tier counts that have series, and
 * return the bounds, the HPA annotations and the config with the sized counts (validated again,
 * so every config rule runs on the final numbers). Deterministic: the same files and config give
 * the same sizing in preview, up and render (the wall clock decides staleness when a limit is
 * configured, and refuses exports dated after it; it never changes a sizing from past data).
 *
 * Bad exports never throw: each is a warning and a fallback to the configured numbers (stack.ts,
 * dataTier.ts). What throws is a `ConfigError` naming `Pulumi.<stack>.yaml`, the key and the
 * value: an exports directory or export path out of the project or the exports directory
 * (exportFiles.ts), guardrails that leave no room to scale, a sized count that breaks a config
 * rule. No Pulumi here.
 */
import { parseConfig, type AppConfig } from "../config";
import type { ReplicaBounds } from "../lib/hpa";
import { apiPlan, workerPlans } from "../lib/plan";
import { forecastDataTier, withDataTierCounts, type DataTierForecast } from "./dataTier";
import { exportsLocation, workloadInputs } from "./mapping";
import { forecastStack, type ForecastSettings, type StackForecast } from "./stack";

export interface ProgramForecastArgs {
    readonly stack: string;
    readonly projectDir: string;
    /** The validated stack config: the mapping, the guardrails and the configured bounds and counts. */
    readonly config: AppConfig;
    /** Redis masters of the stack's last deployment, when known (shards move one per update from there). */
    readonly deployedRedisMasters?: number;
    /** Only for tests: the time of the run. */
    readonly now?: Date;
}

export interface ProgramForecast {
    /** The exports directory, relative to the project. */
    readonly exportsDir: string;
    /** Bounds per workload key (`api`, `worker-queue`, ...): sized, or the configured ones. */
    readonly bounds: Record<string, ReplicaBounds>;
    readonly annotations: Record<string, Record<string, string>>;
    readonly warnings: string[];
    readonly result: StackForecast;
    readonly dataTier: DataTierForecast;
    /** The config with the sized data-tier counts, validated like the stack file. */
    readonly config: Readonly<AppConfig>;
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
        ...(f.maxAgeDays > 0 ? { maxExportAgeHours: f.maxAgeDays * 24 } : {}),
    };
}

export function programForecast(a: ProgramForecastArgs): ProgramForecast {
    const c = a.config;
    const { dir, shown } = exportsLocation(c, a.stack, a.projectDir);
    const now = a.now ?? (c.forecast.maxAgeDays > 0 ? new Date() : undefined);
    // The wall clock refuses exports dated in the future; it never changes a sizing from past data.
    const wallClock = a.now ?? new Date();
    const settings = forecastSettings(c);
    const result = forecastStack({
        stack: a.stack,
        baseDir: dir,
        baseDirShown: shown,
        workloads: workloadInputs(c, a.stack),
        settings,
        now,
        wallClock,
    });
    const bounds: Record<string, ReplicaBounds> = Object.fromEntries(
        [apiPlan(c, a.stack), ...workerPlans(c, a.stack)].map((p) => [p.key, p.bounds]),
    );
    const annotations: Record<string, Record<string, string>> = {};
    const warnings: string[] = [];
    for (const w of result.workloads) {
        bounds[w.name] = w.proposed;
        // Bounds that fell back to the configured ones (missing or stale exports) carry no
        // forecast annotations: they do not come from metrics.
        if (w.raw !== undefined) annotations[w.name] = { ...w.annotations };
        for (const m of w.warnings) warnings.push(`forecast ${w.name}: ${m}`);
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
    const config = parseConfig(withDataTierCounts(c, dataTier), a.stack);
    return { exportsDir: shown, bounds, annotations, warnings, result, dataTier, config };
}
