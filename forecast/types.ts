/**
 * Plain data shapes shared by the forecasting modules. No Pulumi, no I/O.
 */

/** An irregular series as read from a file: sorted, unique timestamps, finite values only. */
export interface Series {
    /** Name: the CSV column or the Prometheus metric name with its labels. */
    readonly name: string;
    /** Prometheus labels (empty for CSV). */
    readonly labels: Readonly<Record<string, string>>;
    /** Unix seconds, strictly increasing. */
    readonly t: Float64Array;
    /** Values, finite. Gaps are missing points, never NaN. */
    readonly v: Float64Array;
    /** Detected step in seconds (median spacing of the points). */
    readonly step: number;
    /** File the series came from. */
    readonly source: string;
    /** What ingest had to repair (dropped NaN/Inf, duplicates, reordering, resets). */
    readonly notes: readonly string[];
    /**
     * What looks wrong rather than routine (timestamps with conflicting values, long gaps,
     * isolated outliers, values too large to be a load): the step shows these as warnings.
     */
    readonly warnings?: readonly string[];
}

/** A series on a regular grid: `values[i]` covers `[start + i·step, start + (i+1)·step)`; NaN is a gap. */
export interface Grid {
    readonly start: number;
    readonly step: number;
    readonly values: Float64Array;
}

/** How to combine points that fall in one bucket: never average a p95 (use max). */
export type Aggregation = "sum" | "mean" | "max" | "last";
