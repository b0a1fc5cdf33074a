/**
 * The one loader of mapped series, for the workloads (stack.ts) and the data-tier counts
 * (dataTier.ts): it reads an export (only inside the exports directory: exportFiles.ts), parses
 * each file once (ingest.ts), picks the mapped series, turns a per-step count into a rate,
 * checks the series' last point against the time of the run (dated in the future, stale), and
 * feeds every export it reads to the consumer's inputs hash. A series that cannot be used is a
 * reason, a string naming the export and why: the step shows it as a warning and keeps the
 * configured numbers. No clock is read: `now` and `wallClock` are inputs.
 */
import { isUtf8 } from "node:buffer";
import { createHash, type Hash } from "node:crypto";
import { readExport, type ExportRead } from "./exportFiles";
import { IngestError, isoTime, parseSeriesBytes, pickSeries, toGrid } from "./ingest";
import type { Grid, Series } from "./types";

/** Exports may end this far after the wall clock (clock skew) before they count as dated in the future: 15 min. */
export const FUTURE_TOLERANCE_SECONDS = 900;
/**
 * The finest step the step resamples an export to: 15 s, the HPA's sync period (the replay
 * decides no more often). A finer export is averaged to it, so a 1 ms export cannot make a
 * window of billions of buckets.
 */
export const MIN_GRID_STEP_SECONDS = 15;
/**
 * The least history a sized series must cover in its training window (first to last point with
 * data): 24 h. Less (a Prometheus with an hour of history) keeps the configured numbers: a plan
 * from part of one day would size for whatever hour it saw.
 */
export const MIN_HISTORY_SECONDS = 86400;

/** An ISO 8601 time for annotations and messages (milliseconds kept, as the annotations always had them); `none` when not a date. */
export const iso = (t: number) => {
    const shown = isoTime(t);
    return shown === "none" ? shown : new Date(t * 1000).toISOString();
};

/** A span of seconds in words: `1.0 h`, `4.0 d`. */
export const spanText = (s: number) => (s >= 86400 ? `${(s / 86400).toFixed(1)} d` : `${(s / 3600).toFixed(1)} h`);

/** What an unexpected failure says: it is a bug, never the user's input. */
export const bugMessage = (e: unknown) =>
    `an unexpected error (a bug in the forecasting step; please report it): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;

/** How messages name a mapped series: `export <file> for <label>`. */
export const exportLabel = (file: string, label: string) => `export ${file} for ${label}`;

/** Points with data in a grid, and the time from the first to the end of the last one's bucket. */
export function coverage(g: Grid): { readonly points: number; readonly span: number } {
    let points = 0;
    let first = -1;
    let last = -1;
    for (let i = 0; i < g.values.length; i++)
        if (Number.isFinite(g.values[i])) {
            points++;
            if (first < 0) first = i;
            last = i;
        }
    return { points, span: points ? (last - first + 1) * g.step : 0 };
}

/** The training window: the last `trainingDays` days before the last full model step that ends by `last`. */
export function trainingWindow(
    last: number,
    s: { readonly modelStepSeconds: number; readonly trainingDays: number },
): { readonly start: number; readonly end: number } {
    const end = Math.floor((last + 1) / s.modelStepSeconds) * s.modelStepSeconds;
    return { start: end - s.trainingDays * 86400, end };
}

/** A series on its own step (at least `MIN_GRID_STEP_SECONDS`) over a training window, with its coverage. */
export function trainingGrid(
    s: Pick<Series, "t" | "v" | "step">,
    start: number,
    end: number,
): { readonly full: Grid; readonly points: number; readonly span: number } {
    const gs = Math.max(s.step, MIN_GRID_STEP_SECONDS);
    const full = toGrid(s, gs, "mean", { align: gs, from: Math.ceil(start / gs) * gs, to: end - gs });
    return { full, ...coverage(full) };
}

/**
 * The inputs hash: sha256 (16 hex) of what a consumer sizes from, its settings and config first,
 * then every export it read. The same inputs give the same numbers, so a changed hash says that
 * something they depend on changed.
 */
export class InputsHash {
    private readonly hash: Hash;
    private digested?: string;

    /** `inputs`: the consumer's settings and config, as JSON. */
    constructor(inputs: string) {
        this.hash = createHash("sha256").update(inputs);
    }

    /**
     * An export read: its path as mapped (relative to the exports folder: the same files hash the
     * same in any checkout) and its content as UTF-8 text, or why it was not read. Valid UTF-8 is
     * hashed as read; other bytes as their decoded text re-encoded (invalid sequences become
     * U+FFFD), as the text was always hashed.
     */
    export(file: string, read: ExportRead): void {
        this.hash.update(`\0${file}\0`);
        if (!read.ok) this.hash.update(read.reason === "is missing" ? "<missing>" : `<${read.reason}>`);
        else this.hash.update(isUtf8(read.bytes) ? read.bytes : read.bytes.toString("utf8"));
    }

    /** The hash of everything recorded (call it after the last read). */
    digest(): string {
        return (this.digested ??= this.hash.digest("hex").slice(0, 16));
    }
}

/** Where a mapped series comes from. */
export interface SeriesSource {
    /** Export file (query_range JSON or CSV), relative to the exports directory. */
    readonly file: string;
    /** Series in the file (its name, CSV column or selector). @default the file's only series */
    readonly series?: string;
    /** `count` is divided by the sample step to a per-second rate; `counter` is turned into a rate. @default "rate" */
    readonly unit?: "rate" | "gauge" | "count" | "counter";
}

export interface SeriesLoaderOptions {
    /** Directory export paths are relative to; nothing outside it is read. */
    readonly baseDir: string;
    /** `baseDir` as messages name it (`exports/dev`). @default baseDir */
    readonly baseDirShown?: string;
    /** The consumer's settings and config, as JSON: the start of its inputs hash. */
    readonly inputs: string;
    /** The time of the run: exports older than `maxExportAgeHours` before it are stale. Not checked without it. */
    readonly now?: Date;
    /** The wall clock, only to refuse exports dated after it (`FUTURE_TOLERANCE_SECONDS`). @default now; without either, not checked */
    readonly wallClock?: Date;
    readonly maxExportAgeHours: number;
}

/** Loads mapped series for one consumer: each export is read, hashed and parsed once. */
export class SeriesLoader {
    private readonly reads = new Map<string, ExportRead>();
    private readonly parsed = new Map<string, readonly Series[] | string>();
    private readonly hash: InputsHash;
    /** The wall clock in milliseconds, when given. */
    private readonly wall?: number;

    constructor(private readonly o: SeriesLoaderOptions) {
        this.hash = new InputsHash(o.inputs);
        this.wall = (o.wallClock ?? o.now)?.getTime();
    }

    /** The mapped series (a count as a per-second rate), or why it cannot be read: missing, refused, malformed, no such series. */
    load(label: string, src: SeriesSource): Series | string {
        const what = exportLabel(src.file, label);
        const read = this.read(src.file);
        if (!read.ok) return `${what} ${read.reason}`;
        const all = this.parse(src.file, read.bytes, src.unit === "counter");
        if (typeof all === "string") return `${what}: ${all}`;
        try {
            const s = pickSeries(all, src.file, label, src.series);
            if (typeof s === "string" || src.unit !== "count") return s;
            const v = new Float64Array(s.v.length);
            for (let i = 0; i < v.length; i++) v[i] = s.v[i] / s.step;
            return { ...s, v };
        } catch (e) {
            return `${what}: ${bugMessage(e)}`;
        }
    }

    /** Whether a series ending at `end` (unix seconds) is dated after the wall clock, beyond the tolerance. */
    isFuture(end: number): boolean {
        return this.wall !== undefined && end > this.wall / 1000 + FUTURE_TOLERANCE_SECONDS;
    }

    /** Why a series ending at `end` cannot be used at this run: dated in the future, or stale. */
    timeProblem(label: string, file: string, end: number): string | undefined {
        const what = exportLabel(file, label);
        if (this.isFuture(end))
            return `${what} ends ${iso(end)}, after the time of this run (${iso(this.wall! / 1000)}): data dated in the future is not a measurement`;
        if (this.o.now && this.o.now.getTime() / 1000 - end > this.o.maxExportAgeHours * 3600)
            return `${what} ends ${iso(end)}, older than ${this.o.maxExportAgeHours} h`;
        return undefined;
    }

    /** The inputs hash over the consumer's inputs and every export read so far. */
    inputsHash(): string {
        return this.hash.digest();
    }

    private read(file: string): ExportRead {
        let got = this.reads.get(file);
        if (!got) {
            got = readExport(this.o.baseDir, file, this.o.baseDirShown ?? this.o.baseDir);
            this.reads.set(file, got);
            this.hash.export(file, got);
        }
        return got;
    }

    private parse(file: string, bytes: Buffer, counter: boolean): readonly Series[] | string {
        const key = `${file}|${counter}`;
        let got = this.parsed.get(key);
        if (got === undefined) {
            try {
                got = parseSeriesBytes(bytes, file, { counter });
            } catch (e) {
                got = e instanceof IngestError ? `${e.position}: ${e.reason}` : bugMessage(e);
            }
            this.parsed.set(key, got);
        }
        return got;
    }
}
