/**
 * The forecasting step as the program runs it before each preview: read the stack's series
 * mapping and exports, size every mapped workload from its current (configured) bounds within
 * the guardrails, and return the bounds and HPA annotations. Deterministic: the same files and
 * config give the same sizing in preview, up and render (the wall clock is used only when a
 * staleness limit is configured). No Pulumi here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ReplicaBounds } from "../lib/hpa";
import { loadSeriesConfig, stackInputFromConfig } from "./seriesConfig";
import { forecastStack, type StackForecast } from "./stack";

export interface ProgramForecastArgs {
    readonly stack: string;
    readonly projectDir: string;
    /** Series mapping file; "" for `exports/<stack>/series.yaml`. */
    readonly seriesFile: string;
    /** Exports older than this many days fall back to the configured bounds; 0 disables the check. */
    readonly maxAgeDays: number;
    /** Never size below this (the policy pack's HA floor for the environment). */
    readonly policyMinimum: number;
    /** The configured bounds per workload key (`api`, `worker-queue`, ...): the current bounds. */
    readonly current: Readonly<Record<string, ReplicaBounds>>;
    /** Only for tests: the time of the run. */
    readonly now?: Date;
}

export interface ProgramForecast {
    readonly seriesFile: string;
    readonly bounds: Record<string, ReplicaBounds>;
    readonly annotations: Record<string, Record<string, string>>;
    readonly warnings: string[];
    readonly result?: StackForecast;
}

export function programForecast(a: ProgramForecastArgs): ProgramForecast {
    const file = path.resolve(a.projectDir, a.seriesFile || path.join("exports", a.stack, "series.yaml"));
    const rel = path.relative(a.projectDir, file);
    const keep = (): ProgramForecast => ({ seriesFile: rel, bounds: { ...a.current }, annotations: {}, warnings: [] });
    if (!fs.existsSync(file)) {
        return { ...keep(), warnings: [`forecast: ${rel} not found; every workload keeps its configured bounds`] };
    }
    const series = loadSeriesConfig(file);
    const unknown = series.workloads.map((w) => w.name).filter((n) => !(n in a.current));
    if (unknown.length)
        throw new Error(
            `${rel}: workloads ${unknown.join(", ")} are not workloads of the program (known: ${Object.keys(a.current).join(", ")})`,
        );
    const withCurrent = {
        ...series,
        workloads: series.workloads.map((w) => ({
            ...w,
            current: a.current[w.name],
            guardrails: {
                minReplicas: Math.max(w.guardrails.minReplicas, a.policyMinimum),
                maxReplicas: Math.max(w.guardrails.maxReplicas, a.policyMinimum),
                policyMinimum: Math.max(w.guardrails.policyMinimum, a.policyMinimum),
            },
        })),
    };
    const now = a.now ?? (a.maxAgeDays > 0 ? new Date() : undefined);
    const input = stackInputFromConfig(withCurrent, path.dirname(file), now);
    const result = forecastStack({
        ...input,
        settings: { ...input.settings, ...(a.maxAgeDays > 0 ? { maxExportAgeHours: a.maxAgeDays * 24 } : {}) },
    });
    const bounds: Record<string, ReplicaBounds> = { ...a.current };
    const annotations: Record<string, Record<string, string>> = {};
    const warnings: string[] = [];
    for (const w of result.workloads) {
        bounds[w.name] = w.proposed;
        // Bounds that fell back to the configured ones (missing or stale exports) carry no
        // forecast annotations: they do not come from metrics.
        if (w.raw !== undefined) annotations[w.name] = { ...w.annotations };
        for (const m of w.warnings) warnings.push(`forecast ${w.name}: ${m}`);
    }
    return { seriesFile: rel, bounds, annotations, warnings, result };
}
