/**
 * `exports/<stack>/series.yaml`: which export file holds which workload metric, the capacity per
 * pod, guardrails, and the PromQL that `--refresh` runs to rewrite each export. A stop-gap until
 * the mapping moves into the stack config; validated with exact messages.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { API_BEHAVIOR, WORKER_BEHAVIOR } from "../lib/hpa";
import type { StackInput, WorkloadInput } from "./stack";

const metric = z
    .strictObject({
        name: z.string().min(1),
        file: z.string().min(1),
        series: z.string().optional(),
        query: z.string().min(1).optional().describe("PromQL for --refresh (query_range)."),
        unit: z.enum(["rate", "gauge", "count", "counter"]).default("rate"),
        aggregation: z.enum(["sum", "mean", "max", "last"]).default("mean"),
        averageValue: z
            .number()
            .positive()
            .optional()
            .describe("HPA AverageValue target per pod; capacityPerPod = averageValue / targetUtilization."),
        capacityPerPod: z.number().positive().optional(),
        targetUtilization: z.number().positive().max(1),
        planner: z.enum(["cpu_utilization", "memory_utilization", "disk_utilization", "response_time", "queue_length"]).optional(),
        sizing: z.boolean().default(true),
    })
    .refine((m) => (m.averageValue === undefined) !== (m.capacityPerPod === undefined), {
        message: "set exactly one of averageValue and capacityPerPod",
    });

const count = z.number().int().min(0);
export const SeriesConfigSchema = z.strictObject({
    stack: z.string().min(1),
    prometheus: z
        .strictObject({
            url: z.string().url().default("http://127.0.0.1:9090"),
            stepSeconds: z.number().int().positive().default(300),
            days: z.number().positive().default(14),
        })
        .prefault({}),
    settings: z.record(z.string(), z.number()).default({}),
    workloads: z.array(
        z.strictObject({
            name: z.string().min(1),
            kind: z.enum(["api", "worker"]),
            behavior: z.enum(["api", "worker"]).optional(),
            current: z.strictObject({ minReplicas: count, maxReplicas: count }),
            guardrails: z.strictObject({ minReplicas: count, maxReplicas: count, policyMinimum: count }),
            metrics: z.array(metric).min(1),
        }),
    ),
});
export type SeriesConfig = z.infer<typeof SeriesConfigSchema>;

export function loadSeriesConfig(file: string): SeriesConfig {
    let doc: unknown;
    try {
        doc = parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`${file}: ${(e as Error).message}`);
    }
    const r = SeriesConfigSchema.safeParse(doc);
    if (!r.success) throw new Error(`${file}: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
    return r.data;
}

/** The `forecastStack` input a series config describes (paths relative to its directory). */
export function stackInputFromConfig(c: SeriesConfig, dir: string, now?: Date): StackInput {
    const workloads: WorkloadInput[] = c.workloads.map((w) => ({
        name: w.name,
        kind: w.kind,
        current: w.current,
        guardrails: w.guardrails,
        behavior: (w.behavior ?? w.kind) === "api" ? API_BEHAVIOR : WORKER_BEHAVIOR,
        metrics: w.metrics.map((m) => ({
            name: m.name,
            file: m.file,
            series: m.series,
            unit: m.unit,
            aggregation: m.aggregation,
            capacityPerPod: m.capacityPerPod ?? m.averageValue! / m.targetUtilization,
            targetUtilization: m.targetUtilization,
            planner: m.planner,
            sizing: m.sizing,
        })),
    }));
    return { stack: c.stack, baseDir: path.resolve(dir), workloads, settings: c.settings, now };
}
