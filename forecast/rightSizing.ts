/**
 * Right-sizing (issue 17, item 5): the requests the Vertical Pod Autoscaler's recommender would
 * set from a workload's usage, compared with the declared ones. Pure; it recommends, it never
 * changes a request or an HPA target.
 *
 * The recommender's logic as in kubernetes/autoscaler, tag vertical-pod-autoscaler-1.7.1
 * (commit 3523658994), vertical-pod-autoscaler/:
 * - docs/flags.md and pkg/recommender/logic/recommender.go: target CPU = the 90th percentile of
 *   the CPU usage histogram (`target-cpu-percentile` 0.9), target memory = the 90th percentile of
 *   the memory-peaks histogram (`target-memory-percentile` 0.9), each plus the safety margin
 *   (`recommendation-margin-fraction` 0.15), and at least 25 millicores and 250 MiB per pod
 *   (`pod-recommendation-min-cpu-millicores`, `pod-recommendation-min-memory-mb`, × 1024 × 1024);
 * - pkg/recommender/model/aggregations_config.go and util/histogram_options.go: exponential
 *   buckets 5 % wider each, the first 0.01 core (CPU, up to 1000 cores) or 1e7 bytes (memory,
 *   up to 1e12); util/histogram.go: a percentile is the END of the bucket that reaches it;
 * - util/decaying_histogram.go: a sample's weight doubles every half-life (24 h), so recent
 *   usage counts more; every CPU sample has the same base weight (`minSampleWeight`);
 * - model/container.go: memory keeps one peak per 24 h aggregation interval, counted at the
 *   interval's end, the intervals following on from the first sample.
 * Not modelled: OOM bump-ups, the confidence-scaled lower and upper bounds, the 8-interval
 * memory window's expiry (decay only), rounding beyond whole millicores and bytes.
 */
import type { Grid } from "./types";

/** An exponential bucketing scheme: bucket i starts at first × (ratio^i − 1) ÷ (ratio − 1). */
export interface HistogramOptions {
    readonly first: number;
    readonly ratio: number;
    readonly max: number;
}

export const CPU_HISTOGRAM: HistogramOptions = { first: 0.01, ratio: 1.05, max: 1000 };
export const MEMORY_HISTOGRAM: HistogramOptions = { first: 1e7, ratio: 1.05, max: 1e12 };

export interface RecommenderSettings {
    readonly targetCpuPercentile: number;
    readonly targetMemoryPercentile: number;
    readonly safetyMargin: number;
    readonly minCpuCores: number;
    readonly minMemoryBytes: number;
    /** Seconds for a sample's weight to halve against the newest; Infinity: no decay. */
    readonly halfLifeSeconds: number;
    /** Seconds per memory peak. */
    readonly memoryIntervalSeconds: number;
}

/** The recommender's defaults (VPA 1.7.1). */
export const VPA_RECOMMENDER: RecommenderSettings = {
    targetCpuPercentile: 0.9,
    targetMemoryPercentile: 0.9,
    safetyMargin: 0.15,
    minCpuCores: 0.025,
    minMemoryBytes: 250 * 1024 * 1024,
    halfLifeSeconds: 86400,
    memoryIntervalSeconds: 86400,
};

/** Samples of one pod's usage: unix seconds and values (cores, or bytes); NaN values are skipped. */
export interface Samples {
    readonly t: ArrayLike<number>;
    readonly v: ArrayLike<number>;
}

export function bucketCount(o: HistogramOptions): number {
    return Math.ceil(Math.log((o.max * (o.ratio - 1)) / o.first + 1) / Math.log(o.ratio)) + 1;
}

export function bucketStart(o: HistogramOptions, i: number): number {
    return i === 0 ? 0 : (o.first * (Math.pow(o.ratio, i) - 1)) / (o.ratio - 1);
}

export function findBucket(o: HistogramOptions, value: number): number {
    if (value < o.first) return 0;
    return Math.min(bucketCount(o) - 1, Math.floor(Math.log((value * (o.ratio - 1)) / o.first + 1) / Math.log(o.ratio)));
}

/** The `p` percentile of weighted values as the VPA's histogram gives it: the end of the bucket where the cumulated weight reaches p × total. */
export function histogramPercentile(o: HistogramOptions, values: readonly number[], weights: readonly number[], p: number): number {
    const n = bucketCount(o);
    const w = new Map<number, number>();
    let total = 0;
    values.forEach((x, i) => {
        const b = findBucket(o, x);
        w.set(b, (w.get(b) ?? 0) + weights[i]);
        total += weights[i];
    });
    if (!(total > 0)) return 0;
    const buckets = [...w.keys()].sort((a, b) => a - b);
    let sum = 0;
    let bucket = buckets[buckets.length - 1];
    for (const b of buckets) {
        sum += w.get(b)!;
        if (sum >= p * total) {
            bucket = b;
            break;
        }
    }
    return bucket < n - 1 ? bucketStart(o, bucket + 1) : bucketStart(o, bucket);
}

/** Weight 2^((t − newest) ÷ half-life): the newest sample 1, one half-life older 0.5. */
const decay = (t: number, newest: number, halfLife: number) => (Number.isFinite(halfLife) ? Math.pow(2, (t - newest) / halfLife) : 1);

function finite(s: Samples): { t: number[]; v: number[] } {
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < s.t.length; i++)
        if (Number.isFinite(s.v[i]) && Number.isFinite(s.t[i])) {
            t.push(s.t[i]);
            v.push(s.v[i]);
        }
    return { t, v };
}

/** One peak per interval from the first sample on, each at its interval's end. */
export function memoryPeaks(s: Samples, intervalSeconds: number): { t: number[]; v: number[] } {
    const { t, v } = finite(s);
    const peaks = new Map<number, number>();
    for (let i = 0; i < t.length; i++) {
        const k = Math.floor((t[i] - t[0]) / intervalSeconds);
        peaks.set(k, Math.max(peaks.get(k) ?? -Infinity, v[i]));
    }
    const ks = [...peaks.keys()].sort((a, b) => a - b);
    return { t: ks.map((k) => t[0] + (k + 1) * intervalSeconds), v: ks.map((k) => peaks.get(k)!) };
}

export interface Recommendation {
    /** The 90th percentiles before the margin: CPU usage (cores), memory peaks (bytes). */
    readonly cpuPercentile: number;
    readonly memoryPercentile: number;
    /** The target requests: whole millicores (as cores) and whole bytes. */
    readonly cpuCores: number;
    readonly memoryBytes: number;
}

/** The recommender's target for one pod's CPU usage (cores) and memory working set (bytes); undefined without samples. */
export function recommend(cpu: Samples, memory: Samples, s: RecommenderSettings = VPA_RECOMMENDER): Recommendation | undefined {
    const c = finite(cpu);
    const m = memoryPeaks(memory, s.memoryIntervalSeconds);
    if (c.t.length === 0 || m.t.length === 0) return undefined;
    const cNewest = Math.max(...c.t);
    const mNewest = Math.max(...m.t);
    const cpuPercentile = histogramPercentile(
        CPU_HISTOGRAM,
        c.v,
        c.t.map((t) => decay(t, cNewest, s.halfLifeSeconds)),
        s.targetCpuPercentile,
    );
    const memoryPercentile = histogramPercentile(
        MEMORY_HISTOGRAM,
        m.v,
        m.t.map((t) => decay(t, mNewest, s.halfLifeSeconds)),
        s.targetMemoryPercentile,
    );
    return {
        cpuPercentile,
        memoryPercentile,
        cpuCores: Math.ceil(Math.max(s.minCpuCores, cpuPercentile * (1 + s.safetyMargin)) * 1000 - 1e-9) / 1000,
        memoryBytes: Math.ceil(Math.max(s.minMemoryBytes, memoryPercentile * (1 + s.safetyMargin)) - 1e-6),
    };
}

/** A workload's sizing metric on a grid, and what one pod carries of it at the HPA's target (capacity × target). */
export interface PodMetric {
    readonly grid: Grid;
    readonly perPod: number;
}

/**
 * One pod's share of the workload's `total` usage: at each bucket, the total over the pods the
 * HPA asks for (the max over its sizing metrics of ceil(load ÷ (capacity × target)), within
 * `bounds`). The HPA may keep more pods (stabilization), so the share is an upper estimate and
 * the recommendation errs on the safe side. Buckets where no metric has data are skipped.
 */
export function perPodUsage(
    total: Grid,
    metrics: readonly PodMetric[],
    bounds: { minReplicas: number; maxReplicas: number },
): Samples & { meanPods: number } {
    const t: number[] = [];
    const v: number[] = [];
    let podSum = 0;
    for (let i = 0; i < total.values.length; i++) {
        const x = total.values[i];
        const at = total.start + i * total.step;
        let pods = -1;
        for (const m of metrics) {
            const k = Math.floor((at - m.grid.start) / m.grid.step);
            const load = k >= 0 && k < m.grid.values.length ? m.grid.values[k] : NaN;
            if (Number.isFinite(load)) pods = Math.max(pods, Math.ceil(load / m.perPod - 1e-9));
        }
        if (!Number.isFinite(x) || pods < 0) continue;
        pods = Math.min(bounds.maxReplicas, Math.max(bounds.minReplicas, pods, 1));
        t.push(at);
        v.push(x / pods);
        podSum += pods;
    }
    return { t, v, meanPods: t.length ? podSum / t.length : 0 };
}

/** Requests in cores and bytes. */
export interface Requests {
    readonly cpuCores: number;
    readonly memoryBytes: number;
}
