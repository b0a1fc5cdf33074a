/** Right-sizing as the VPA's recommender does it (forecast/rightSizing.ts), worked by hand. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import {
    bucketCount,
    bucketStart,
    CPU_HISTOGRAM,
    findBucket,
    histogramPercentile,
    memoryPeaks,
    MEMORY_HISTOGRAM,
    perPodUsage,
    recommend,
    VPA_RECOMMENDER,
} from "../../../forecast/rightSizing";
import { rightSizingSection } from "../../../tools/forecast/rightSizingReport";

const MiB = 2 ** 20;
const near = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/**
 * CPU buckets (first 0.01 core, 5 % wider each): they start at 0, 0.01, 0.0205, 0.031525,
 * 0.04310125, 0.0552563125 (0.01 × (1.05^i − 1) ÷ 0.05).
 */
describe("the VPA's histogram", () => {
    test("bucket starts and the bucket of a value, as histogram_options.go computes them", () => {
        assert.deepEqual(
            [0, 1].map((i) => bucketStart(CPU_HISTOGRAM, i)),
            [0, 0.01],
        );
        near(bucketStart(CPU_HISTOGRAM, 2), 0.0205);
        near(bucketStart(CPU_HISTOGRAM, 3), 0.031525);
        near(bucketStart(CPU_HISTOGRAM, 5), 0.0552563125);
        // log(v × 0.05 ÷ 0.01 + 1) ÷ log(1.05): 0.005 → 0 (below the first), 0.015 → 1.48, 0.025 → 2.41, 0.05 → 4.57.
        assert.deepEqual(
            [0.005, 0.015, 0.025, 0.05].map((v) => findBucket(CPU_HISTOGRAM, v)),
            [0, 1, 2, 4],
        );
        // ceil(log(1000 × 0.05 ÷ 0.01 + 1) ÷ log(1.05)) + 1 = ceil(174.6) + 1.
        assert.equal(bucketCount(CPU_HISTOGRAM), 176);
    });

    test("the 90th percentile of ten CPU samples is the end of the bucket that reaches 9 of 10: 0.031525", () => {
        // One sample in bucket 0, seven in 1, one in 2, one in 4: cumulated 1, 8, 9 ≥ 9 → bucket 2, which ends at 0.031525.
        const v = [0.005, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015, 0.025, 0.05];
        near(
            histogramPercentile(
                CPU_HISTOGRAM,
                v,
                v.map(() => 1),
                0.9,
            ),
            0.031525,
        );
        assert.equal(histogramPercentile(CPU_HISTOGRAM, [], [], 0.9), 0);
    });
});

describe("the recommender's target", () => {
    test("CPU: 0.031525 × 1.15 = 0.03625 → 37m; memory: two daily peaks, p90 0.2158 GB × 1.15 below the 250Mi minimum", () => {
        const t = [0, 3600, 7200, 10800, 14400, 18000, 21600, 25200, 28800, 32400];
        const cpu = { t, v: [0.005, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015, 0.015, 0.025, 0.05] };
        // Day 0 peaks at 200Mi, day 1 (from t = 86400) at 150Mi.
        const mem = { t: [0, 3600, 90000], v: [100 * MiB, 200 * MiB, 150 * MiB] };
        const r = recommend(cpu, mem, { ...VPA_RECOMMENDER, halfLifeSeconds: Infinity })!;
        near(r.cpuPercentile, 0.031525);
        assert.equal(r.cpuCores, 0.037);
        // 200Mi = 209715200 B is in bucket floor(log(2.048576) ÷ log(1.05)) = 14, 150Mi in 11: p90 of two
        // equal weights reaches 1.8 in bucket 14, which ends at 1e7 × (1.05^15 − 1) ÷ 0.05 = 215785635.88.
        near(r.memoryPercentile, 215785635.8822737, 1e-9);
        // × 1.15 = 248153481 B, below 250 × 1024 × 1024 = 262144000.
        assert.equal(r.memoryBytes, 262144000);
        assert.equal(recommend({ t: [], v: [] }, mem), undefined);
    });

    test("one peak per 24 h from the first sample, each at its interval's end", () => {
        assert.deepEqual(memoryPeaks({ t: [100, 3700, 86499, 86500, 200000], v: [5, 9, 7, 3, NaN] }, 86400), {
            t: [86500, 172900],
            v: [9, 3],
        });
    });

    test("decay: a day-old sample weighs half; p50 of 3 old samples at 0.015 and 2 new at 0.05 moves from 0.0205 to 0.0552563125", () => {
        // Without decay: weights 3 and 2, half is 2.5, reached in bucket 1 (ends 0.0205). With a
        // 24 h half-life: 1.5 and 2, half is 1.75, reached in bucket 4 (ends 0.0552563125).
        const cpu = { t: [0, 0, 0, 86400, 86400], v: [0.015, 0.015, 0.015, 0.05, 0.05] };
        const mem = { t: [0], v: [300 * MiB] };
        const p50 = { ...VPA_RECOMMENDER, targetCpuPercentile: 0.5 };
        near(recommend(cpu, mem, { ...p50, halfLifeSeconds: Infinity })!.cpuPercentile, 0.0205);
        near(recommend(cpu, mem, p50)!.cpuPercentile, 0.0552563125);
    });

    test("the memory buckets: 1e7 bytes first, 5 % wider each", () => {
        assert.equal(bucketStart(MEMORY_HISTOGRAM, 1), 1e7);
        assert.equal(findBucket(MEMORY_HISTOGRAM, 150 * MiB), 11);
    });
});

describe("one pod's usage and the report's section", () => {
    test("the total over the pods the HPA asks for, within the bounds: 0.3 ÷ 1, 0.6 ÷ 3, (gap), 0.9 ÷ 4", () => {
        // Requests 50, 150, 100, 400 at 70 a pod: ceil → 1, 3, 2, 6 (capped at 4); the total's gap is skipped.
        const total = { start: 0, step: 300, values: Float64Array.from([0.3, 0.6, NaN, 0.9]) };
        const requests = { start: 0, step: 300, values: Float64Array.from([50, 150, 100, 400]) };
        const r = perPodUsage(total, [{ grid: requests, perPod: 70 }], { minReplicas: 1, maxReplicas: 4 });
        assert.deepEqual(r.t, [0, 300, 900]);
        assert.equal(r.v.length, 3);
        [0.3, 0.2, 0.225].forEach((x, i) => near(r.v[i], x));
        assert.equal(r.meanPods, 8 / 3);
    });

    test("the report's section: declared → recommended (percentile), and why a workload has none", () => {
        const rec = { cpuPercentile: 0.126, memoryPercentile: 169 * MiB, cpuCores: 0.145, memoryBytes: 250 * MiB };
        const cost = {
            currency: "EUR",
            hoursPerMonth: 744,
            prices: { onDemand: { vcpuHour: 0.04, gibHour: 0.005 }, spot: { vcpuHour: 0.01, gibHour: 0.002 } },
        };
        const lines = rightSizingSection(
            [
                {
                    workload: "api",
                    declared: { cpuCores: 0.25, memoryBytes: 256 * MiB },
                    recommended: rec,
                    meanPods: 1,
                    monthlySaving: 3.1218,
                },
                {
                    workload: "worker-queue",
                    declared: { cpuCores: 0.25, memoryBytes: 256 * MiB },
                    meanPods: 0,
                    monthlySaving: 0,
                    note: "no usage",
                },
            ],
            cost,
        );
        assert.equal(lines[0], "### Right-sizing");
        assert.match(
            lines[2],
            / over 744 h: 0\.04 EUR\/vCPU-h and 0\.005 EUR\/GiB-h on demand, a spot pool's pods above its floor at 0\.01 and 0\.002\. /,
        );
        assert.equal(
            lines[4],
            "| workload | CPU declared → recommended (p90) | memory declared → recommended (p90 of daily peaks) | mean pods | saving EUR/month |",
        );
        assert.deepEqual(lines.slice(-3), [
            "| api | 250m → 145m (126m) | 256Mi → 250Mi (169Mi) | 1.00 | 3.12 |",
            "| worker-queue | 250m | 256Mi | n/a | n/a: no usage |",
            "",
        ]);
        assert.deepEqual(rightSizingSection([], cost), []);
    });
});
