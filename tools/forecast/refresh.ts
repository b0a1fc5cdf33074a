/**
 * `npm run forecast -- --refresh`: reruns each mapped series' PromQL against Prometheus
 * (live.ts, query_range chunked) and rewrites the stack's export files, all or nothing. Every
 * target is inside the exports directory (its real path): a path or a link that leaves it is
 * refused before any query.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../config/errors";
import type { AppConfig } from "../../config/schema";
import { ExportPathError, exportPathProblem, isInside, realPathOf } from "../../forecast/exportFiles";
import { IngestError, parseSeriesText, pickSeries } from "../../forecast/ingest";
import { mappedSeries } from "../../forecast/mapping";
import { fsReason, isFsError } from "../cli";
import { queryRange, type QueryRangeBody } from "./live";

/** A failed `--refresh`: no export was replaced. */
export class RefreshError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RefreshError";
    }
}

export interface RefreshTarget {
    /** `api/requests`, `worker-queue/queueLength`, `redis/memoryUsed`, ... */
    readonly name: string;
    /** The config key of the file: `forecast.series.workers.queue.queueLength.file`. */
    readonly key: string;
    readonly file: string;
    readonly query: string;
    /** The mapping's `series`, when it names one (the refresh checks the answer has it). */
    readonly series?: string;
}

/** Every mapped series with a `query`, in config order: what `npm run forecast -- --refresh` rewrites. */
export function refreshTargets(c: AppConfig): RefreshTarget[] {
    return mappedSeries(c.forecast.series).flatMap(({ name, key, ref }) =>
        ref.query ? [{ name, key: `${key}.file`, file: ref.file, query: ref.query, ...(ref.series ? { series: ref.series } : {}) }] : [],
    );
}

/** The Prometheus `--refresh` queries: `PROMETHEUS_URL`, else `forecast.prometheus.url`, else the adapter's. */
export function prometheusUrl(c: AppConfig, env: Readonly<Record<string, string | undefined>> = {}): string {
    return prometheusSource(c, env).url;
}

/** `prometheusUrl` with where it comes from, as messages name it. */
export function prometheusSource(
    c: AppConfig,
    env: Readonly<Record<string, string | undefined>> = {},
): { readonly url: string; readonly from: string } {
    if (env.PROMETHEUS_URL) return { url: env.PROMETHEUS_URL, from: "$PROMETHEUS_URL" };
    if (c.forecast.prometheus.url) return { url: c.forecast.prometheus.url, from: "forecast.prometheus.url" };
    return { url: `${c.metrics.prometheusUrl}:${c.metrics.prometheusPort}`, from: "metrics.prometheusUrl and metrics.prometheusPort" };
}

export interface RefreshOptions {
    readonly url: string;
    /** Where the URL came from, for messages (`prometheusSource`). */
    readonly from?: string;
    readonly log?: (s: string) => void;
    /** Evaluation times are `alignOrigin + k × step`. @default 0 (multiples of the step) */
    readonly alignOrigin?: number;
    /** The stack (its file is named in config errors). @default the environment's */
    readonly stack?: string;
}

/**
 * Rewrites every mapped export that has a `query`, from `end - days` to `end` (unix seconds),
 * with evaluation times on the grid `alignOrigin + k × step` (default: multiples of the step).
 * All or nothing: every answer is fetched and read back exactly as the forecasting step will
 * read it (its mapped series present and unambiguous) before anything is written; then every
 * file is written beside its target (a new file, never through a link) and only then renamed
 * over it, so a failed refresh leaves the old exports (and no temporary files). Every target is
 * inside `dir` (its real path): a path or a link that leaves it is refused before any query.
 * Failures are `RefreshError`s; a mapped path out of the directory is a `ConfigError`.
 */
export async function refreshExports(c: AppConfig, dir: string, end: number, o: RefreshOptions): Promise<string[]> {
    const step = c.forecast.prometheus.stepSeconds;
    const origin = o.alignOrigin ?? 0;
    const e = end - ((((end - origin) % step) + step) % step);
    const s = e - Math.round(c.forecast.prometheus.days * 86400);
    const targets = refreshTargets(c);
    const realDir = realPathOf(dir);
    const files = targets.map((t) => targetFile(dir, realDir, t, o.stack ?? c.environment));
    const out = new Map<string, string>();
    for (const [i, t] of targets.entries()) {
        o.log?.(`refresh ${t.name}: ${t.query}`);
        let body;
        try {
            body = await queryRange({ url: o.url, from: o.from, query: t.query, start: s, end: e, stepSeconds: step });
        } catch (err) {
            throw new RefreshError(`refresh ${t.name}: ${(err as Error).message}`);
        }
        out.set(files[i], exportText(t, files[i], body));
    }
    return replaceAll(dir, realDir, out);
}

/** The target's path inside the exports directory, or a `ConfigError` naming its key in `Pulumi.<stack>.yaml`. */
function targetFile(dir: string, realDir: string, t: RefreshTarget, stack: string): string {
    try {
        const problem = exportPathProblem(t.file);
        if (problem) throw new ExportPathError(t.key, t.file, `${problem} (a file inside forecast.exportsDir, relative to it)`);
        const file = path.join(dir, t.file);
        if (!isInside(realDir, realPathOf(path.dirname(file))))
            throw new ExportPathError(t.key, t.file, "must stay inside forecast.exportsDir: a directory on its way is a link out of it");
        return file;
    } catch (err) {
        if (err instanceof ExportPathError) throw new ConfigError([`Pulumi.${stack}.yaml: ${err.message}`]);
        throw err;
    }
}

/** The export's text for Prometheus' answer, read back as the forecasting step will read it. */
function exportText(t: RefreshTarget, file: string, body: QueryRangeBody): string {
    const result = body.data.result;
    let text: string;
    if (file.endsWith(".csv")) {
        // A CSV holds one series: never keep the first of several and drop the rest.
        if (result.length !== 1)
            throw new RefreshError(
                `refresh ${t.name}: ${JSON.stringify(t.query)} returned ${result.length} series; ${t.file} is a CSV of one series: aggregate the query (e.g. sum(...)) or write a .json export`,
            );
        text = ["timestamp,value", ...result[0].values.map(([ts, v]) => `${ts},${v}`)].join("\n") + "\n";
    } else text = JSON.stringify(body) + "\n";
    let got;
    try {
        got = pickSeries(parseSeriesText(text, t.file), t.file, t.name, t.series);
    } catch (err) {
        if (!(err instanceof IngestError)) throw err;
        throw new RefreshError(
            `refresh ${t.name}: ${JSON.stringify(t.query)} answered, but the answer is not a usable export (${err.position}: ${err.reason})`,
        );
    }
    if (typeof got === "string") throw new RefreshError(`refresh ${t.name}: ${JSON.stringify(t.query)} answered, but ${got}`);
    return text;
}

/** Writes every file beside its target, then renames each over it; on a failure removes the temporary files. */
function replaceAll(dir: string, realDir: string, out: ReadonlyMap<string, string>): string[] {
    const suffix = `.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    const tmp = (file: string) => `${file}${suffix}`;
    const written: string[] = [];
    const cleanup = () => {
        for (const f of written) fs.rmSync(f, { force: true });
    };
    try {
        for (const [file, text] of out) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            if (!isInside(realDir, fs.realpathSync(path.dirname(file))))
                throw new RefreshError(
                    `refresh: ${path.relative(dir, file)} would be written outside the exports directory; none was replaced`,
                );
            // "wx": a new file, never through a link planted at the temporary name.
            const fd = fs.openSync(tmp(file), "wx");
            written.push(tmp(file));
            try {
                fs.writeFileSync(fd, text);
            } finally {
                fs.closeSync(fd);
            }
        }
    } catch (err) {
        cleanup();
        if (err instanceof RefreshError) throw err;
        if (isFsError(err)) throw new RefreshError(`refresh: could not write the exports, none was replaced: ${fsReason(err)}`);
        throw err;
    }
    const done: string[] = [];
    for (const file of out.keys()) {
        try {
            fs.renameSync(tmp(file), file);
        } catch (err) {
            cleanup();
            throw new RefreshError(
                `refresh: replaced ${done.length} of ${out.size} exports (${done.map((f) => path.relative(dir, f)).join(", ") || "none"}) before ${path.relative(dir, file)} failed: ${isFsError(err) ? fsReason(err) : (err as Error).message}`,
            );
        }
        done.push(file);
    }
    return done;
}
