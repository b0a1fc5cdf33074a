/** The report's right-sizing rows (tools/forecast/rightSizingReport.ts) for a worker pool and analytics, and their saving, worked by hand. */
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseConfig, rawConfig } from "../../../../config/parse";
import { readStackConfig } from "../../../../config/stackFile";
import { rightSizingRows, rightSizingSaving } from "../../../../tools/forecast/rightSizingReport";

const PROJECT_DIR = path.resolve(__dirname, "../../../..");
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const near = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe("rightSizingSaving: priced as the cost table prices the pods", () => {
    // 500m/1Gi → 250m/512Mi: per pod-hour 0.25 × 0.04 + 0.5 × 0.004 = 0.012 on demand, 0.25 × 0.012 + 0.5 × 0.0012 = 0.0036 on spot.
    const cost = {
        currency: "USD",
        hoursPerMonth: 730,
        reserved: { coverage: 0.9 },
        prices: {
            onDemand: { vcpuHour: 0.04, gibHour: 0.004 },
            spot: { vcpuHour: 0.012, gibHour: 0.0012 },
            reserved: { vcpuHour: 0.03, gibHour: 0.003 },
        },
    };
    const declared = { cpuCores: 0.5, memoryBytes: GiB };
    const recommended = { cpuCores: 0.25, memoryBytes: GiB / 2 };
    test("on demand: 5 pods × 0.012 × 730 = 43.8", () => {
        near(rightSizingSaving(declared, recommended, 5, cost), 43.8);
    });
    test("a spot pool with a floor of 3: 3 × 0.012 on demand + 2 × 0.0036 on spot, × 730 = 31.536", () => {
        near(rightSizingSaving(declared, recommended, 5, cost, 3), 31.536);
    });
    test("3.5 pods over a floor of 3: the burst is at least one spot pod, (3 × 0.012 + 0.0036) × 730 = 28.908", () => {
        near(rightSizingSaving(declared, recommended, 3.5, cost, 3), 28.908);
    });
    test("requests that grow cost money: negative, over cost.hoursPerMonth (744: 5 × 0.012 × 744 = 44.64)", () => {
        near(rightSizingSaving(recommended, declared, 5, { ...cost, hoursPerMonth: 744 }), -44.64);
    });
});

describe("rightSizingRows: a worker pool and analytics from their usage exports", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "right-sizing-"));
    after(() => fs.rmSync(project, { recursive: true, force: true }));
    const dir = path.join(project, "exports");
    fs.mkdirSync(dir);
    const t0 = 1700000100; // a multiple of the 300 s step
    const csv = (name: string, values: number[]) =>
        fs.writeFileSync(path.join(dir, name), ["timestamp,value", ...values.map((v, i) => `${t0 + 300 * i},${v}`)].join("\n") + "\n");
    // The queue at 10 items a pod (dev: 1..3 pods): 5, 25, 15, 40 items → 1, 3, 2, 4 → 3 pods.
    csv("queue.csv", [5, 25, 15, 40]);
    csv("queue-cpu.csv", [0.1, 0.45, 0.3, 0.6]);
    csv("queue-memory.csv", [200 * MiB, 600 * MiB, 400 * MiB, 900 * MiB]);
    // Analytics on 2 replicas.
    csv("analytics-cpu.csv", [0.2, 0.4]);
    csv("analytics-memory.csv", [500 * MiB, 600 * MiB]);
    const raw = rawConfig(readStackConfig(PROJECT_DIR, "dev").config, "dev");
    const c = parseConfig(
        {
            ...raw,
            analytics: { ...(raw.analytics as object), replicas: 2 },
            forecast: {
                ...(raw.forecast as object),
                exportsDir: "exports",
                series: {
                    workers: {
                        queue: { queueLength: { file: "queue.csv" }, cpu: { file: "queue-cpu.csv" }, memory: { file: "queue-memory.csv" } },
                        // Usage without a queue series: nothing tells how many pods ran.
                        agent: { cpu: { file: "queue-cpu.csv" }, memory: { file: "queue-memory.csv" } },
                    },
                    analytics: { cpu: { file: "analytics-cpu.csv" }, memory: { file: "analytics-memory.csv" } },
                },
            },
        },
        "dev",
    );
    const rows = rightSizingRows(c, "dev", project);

    test("only the workloads with usage mapped, in order: the pools, then analytics", () => {
        assert.deepEqual(
            rows.map((r) => [r.workload, r.note]),
            [
                ["worker-queue", undefined],
                ["worker-agent", "no sizing series to tell how many pods ran"],
                ["analytics", undefined],
            ],
        );
    });

    test("worker-queue: one pod's usage 0.1, 0.15, 0.15, 0.2 cores and 200, 200, 200, 300Mi over 2.25 pods on average", () => {
        const q = rows[0];
        assert.equal(q.meanPods, 9 / 4);
        // CPU p90 lands in the bucket of 0.2 (floor(log(0.2 × 5 + 1) ÷ log 1.05) = 14), which ends at
        // 0.01 × (1.05^15 − 1) ÷ 0.05 = 0.2157856...; × 1.15 = 0.24815 → 249m.
        near(q.recommended!.cpuPercentile, 0.2 * (1.05 ** 15 - 1));
        assert.equal(q.recommended!.cpuCores, 0.249);
        // One daily peak, 300Mi, in memory bucket 19: it ends at 1e7 × (1.05^20 − 1) ÷ 0.05 = 330659541.6; × 1.15 → 380258473 B.
        near(q.recommended!.memoryPercentile, 2e8 * (1.05 ** 20 - 1), 1e-9);
        assert.equal(q.recommended!.memoryBytes, 380258473);
        // dev prices on demand (0.031611 per vCPU-h, 0.004237 per GiB-h) over 730 h: 1m less CPU, 111823017 B more memory.
        near(q.monthlySaving, 2.25 * 730 * (0.001 * 0.031611 - (111823017 / GiB) * 0.004237), 1e-9);
    });

    test("analytics: the totals over its 2 replicas; 500m/1Gi → 249m/380258473 B on 2 pods", () => {
        const a = rows[2];
        assert.equal(a.meanPods, 2);
        assert.deepEqual([a.recommended!.cpuCores, a.recommended!.memoryBytes], [0.249, 380258473]);
        near(a.monthlySaving, 2 * 730 * (0.251 * 0.031611 + ((GiB - 380258473) / GiB) * 0.004237), 1e-9);
    });
});
