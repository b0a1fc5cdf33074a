import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseConfig, rawConfig } from "../../../config/parse";
import type { AppConfig } from "../../../config/schema";
import { decideCount, decideRedisMasters, forecastDataTier, redisMaxmemoryBytes, seriesPeak } from "../../../forecast/dataTier";
import { hpaCapacity, isUsageOnly, mappedSeries, workloadInputs } from "../../../forecast/mapping";
import { SeriesLoader } from "../../../forecast/series";
import { DEFAULT_SETTINGS } from "../../../forecast/stack";
import { SEED_CACHE_THRESHOLDS } from "../../../lib/data/redis";
import { withForecast } from "../../../plan/forecast";
import { apiPlan } from "../../../plan/workloads";
import { readAppConfig, readStackConfig } from "../../../config/stackFile";

/** The project root: Pulumi.yaml, the stack files and exports/. */
const PROJECT_DIR = path.resolve(__dirname, "../../..");

const MiB = 2 ** 20;
/** A 399 MiB node (dev's maxmemory before issue 19); the rules below only need a fixed size. */
const thresholds = { ...SEED_CACHE_THRESHOLDS, maxMemoryPerNode: 399 * MiB };
const redis = (
    current: number,
    memoryPerNodeShare: number,
    opsPerNode: number,
    o: { allowJump?: boolean; min?: number; max?: number } = {},
) =>
    decideRedisMasters({
        current,
        memoryPeakBytes: memoryPerNodeShare * 399 * MiB * current,
        opsPeak: opsPerNode * current,
        thresholds,
        allowJump: o.allowJump ?? false,
        guard: { min: o.min ?? 3, max: o.max ?? 12 },
    });

describe("Redis masters through the data tier's cache scaling rules", () => {
    test("memory above 80 % scales out; the rules want 60 %, one shard moves per update", () => {
        // 3 × 90 % = 2.7 nodes' worth → 2.7 / 0.6 = 4.5 → 5 wanted, 4 now.
        assert.deepEqual(redis(3, 0.9, 100), {
            proposed: 4,
            rule: "90 % memory and 100 ops/s per master at the peak: scale out to 5 (memory above 80 % on a node); one shard per update (redis.allowShardJump is off): 4 now, 5 wanted",
        });
    });
    test("a jump is made only with allowShardJump", () => {
        assert.deepEqual(redis(3, 0.9, 100, { allowJump: true }), {
            proposed: 5,
            rule: "90 % memory and 100 ops/s per master at the peak: scale out to 5 (memory above 80 % on a node)",
        });
    });
    test("more than 10k ops/s on a node scales out by ops", () => {
        assert.equal(redis(3, 0.2, 12_000).proposed, 4);
        assert.match(redis(3, 0.2, 12_000).rule, /scale out to 4 \(more than 10000 ops\/s on a node\)$/);
    });
    test("idle nodes (under 30 % memory and 1k ops/s) scale in by one, never below 3", () => {
        assert.deepEqual(redis(5, 0.1, 200), {
            proposed: 4,
            rule: "10 % memory and 200 ops/s per master at the peak: scale in to 4 (5 of 5 nodes under 30 % memory and 1000 ops/s)",
        });
        assert.equal(redis(3, 0.1, 200).proposed, 3);
    });
    test("hysteresis: between the rules' marks nothing moves", () => {
        // 50 % memory: neither above 80 % nor under 30 %.
        assert.deepEqual(redis(5, 0.5, 200), {
            proposed: 5,
            rule: "50 % memory and 200 ops/s per master at the peak: keep (within thresholds)",
        });
        // Under 30 % memory but over 1k ops/s: not idle.
        assert.equal(redis(5, 0.2, 1500).proposed, 5);
        // Just past each mark it moves (a rule that never moves passes the lines above, not these):
        // 81 %: 5 × 0.81 = 4.05 nodes' worth ÷ 0.6 → 7 wanted, one shard per update: 6;
        // 29 % memory and 200 ops/s: idle, in by one: 4.
        assert.equal(redis(5, 0.81, 200).proposed, 6);
        assert.equal(redis(5, 0.29, 200).proposed, 4);
    });
    test("guardrails clamp what the rules want, still one shard per update", () => {
        assert.deepEqual(redis(3, 0.95, 100, { max: 4, allowJump: true }), {
            proposed: 4,
            rule: "95 % memory and 100 ops/s per master at the peak: scale out to 5 (memory above 80 % on a node); clamped to the guardrails 3..4",
        });
        // A guardrail minimum above the current count raises it one shard at a time.
        assert.equal(redis(3, 0.5, 100, { min: 6 }).proposed, 4);
    });
    test("each master's maxmemory is the data tier's (redis.memory × maxmemoryRatio)", () => {
        // 0.52 since issue 19 (the limit must also hold a fork): 512Mi → 266 MiB, 2Gi → 1064 MiB.
        assert.equal(redisMaxmemoryBytes(readAppConfig(PROJECT_DIR, "dev")), 266 * MiB);
        assert.equal(redisMaxmemoryBytes(readAppConfig(PROJECT_DIR, "prod")), 1064 * MiB);
    });
});

describe("counts sized like replicas: read replicas and pooler pods", () => {
    const count = (current: number, peak: number, guard = { min: 0, max: 5 }) =>
        decideCount({ current, peak, capacity: (n) => n * 1000, targetUtilization: 0.7, guard, hysteresisPercent: 10 });
    test("up as soon as the current count is short", () => {
        assert.deepEqual(count(2, 2500), { proposed: 4, needed: 4, capped: false, rule: "up" });
    });
    test("down only when the smaller count leaves the hysteresis margin", () => {
        // 3 units at 70 % serve 2100; 2000 fits 3 with 10 % to spare (3 × 1000 × 0.63 = 1890)? No: keep 4.
        assert.deepEqual(count(4, 2000), { proposed: 4, needed: 3, capped: false, rule: "keep" });
        // 1800 ≤ 1890: down to 3.
        assert.deepEqual(count(4, 1800), { proposed: 3, needed: 3, capped: false, rule: "down" });
    });
    test("guardrails: never above the max (flagged), never below the min", () => {
        assert.deepEqual(count(2, 9000), { proposed: 5, needed: 5, capped: true, rule: "needs more than the guardrail max 5" });
        assert.deepEqual(count(3, 0, { min: 2, max: 5 }), { proposed: 2, needed: 2, capped: false, rule: "down" });
        assert.deepEqual(count(7, 100, { min: 2, max: 5 }).proposed, 2);
    });
});

/** dev's config with the `forecast` object's fields replaced (and optionally other keys). */
function devConfig(forecast: Record<string, unknown> = {}, other: Record<string, unknown> = {}): AppConfig {
    const raw = rawConfig(readStackConfig(PROJECT_DIR, "dev").config, "dev");
    return parseConfig({ ...raw, ...other, forecast: { ...(raw.forecast as object), ...forecast } }, "dev");
}
const devDir = path.join(PROJECT_DIR, "exports/dev");

describe("the data tier of a stack", () => {
    test("dev: Redis 3 → 4, the rest kept; each count with its peaks, model and rule", () => {
        const f = forecastDataTier({ config: devConfig(), baseDir: devDir });
        assert.deepEqual(
            f.counts.map((c) => [c.key, c.configured, c.proposed, c.fallback]),
            [
                ["redis.masters", 3, 4, false],
                ["postgres.replicas", 0, 0, false],
                ["pooler.writeInstances", 1, 1, false],
                ["pooler.readInstances", 1, 1, false],
                ["pooler.analyticsInstances", 1, 1, false],
            ],
        );
        assert.deepEqual(f.warnings, []);
        const replicas = f.counts[1];
        assert.match(
            replicas.rule,
            /^\d+ read queries\/s at the peak; an instance serves 1050\/s at 70 % of postgres\.readQueriesPerReplica \(1500\), the primary when there are no replicas: keeps 0$/,
        );
        // Deterministic: the same files and config give the same counts and inputs hash; a changed
        // export or config key changes the hash.
        const again = forecastDataTier({ config: devConfig(), baseDir: devDir });
        assert.match(f.inputsHash, /^[0-9a-f]{16}$/);
        assert.equal(again.inputsHash, f.inputsHash);
        assert.deepEqual(again.counts, f.counts);
        assert.notEqual(forecastDataTier({ config: devConfig(), baseDir: devDir, deployedRedisMasters: 4 }).inputsHash, f.inputsHash);
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dt-hash-"));
        try {
            for (const e of fs.readdirSync(devDir)) fs.copyFileSync(path.join(devDir, e), path.join(tmp, e));
            assert.equal(forecastDataTier({ config: devConfig(), baseDir: tmp }).inputsHash, f.inputsHash);
            fs.appendFileSync(path.join(tmp, "redis-ops.csv"), "\n");
            assert.notEqual(forecastDataTier({ config: devConfig(), baseDir: tmp }).inputsHash, f.inputsHash);
            // What ingest repairs in an export reaches the data tier's notes (and the report).
            assert.deepEqual(f.notes, []);
            const ops = fs.readFileSync(path.join(tmp, "redis-ops.csv"), "utf8").trimEnd().split("\n");
            fs.writeFileSync(path.join(tmp, "redis-ops.csv"), [...ops, ops[ops.length - 1]].join("\n") + "\n");
            assert.deepEqual(forecastDataTier({ config: devConfig(), baseDir: tmp }).notes, [
                "export redis-ops.csv for opsPerSecond: 1 duplicate timestamp(s): kept the last value",
            ]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
        // The sized config passes every config rule again, with the new count in it.
        const values = Object.fromEntries(f.counts.map((n) => [n.key, n.proposed]));
        assert.equal(withForecast(devConfig(), values, "dev").redis.masters, 4);
    });
    test("stale exports keep the configured counts, with a warning (as the workloads do)", () => {
        const f = forecastDataTier({ config: devConfig(), baseDir: devDir, now: new Date("1995-08-10T00:00:00Z") });
        assert.deepEqual(
            f.counts.map((c) => [c.key, c.proposed, c.fallback, c.model]),
            [
                ["redis.masters", 3, true, "defaults"],
                ["postgres.replicas", 0, true, "defaults"],
                ["pooler.writeInstances", 1, true, "defaults"],
                ["pooler.readInstances", 1, true, "defaults"],
                ["pooler.analyticsInstances", 1, true, "defaults"],
            ],
        );
        assert.equal(
            f.warnings[1],
            "forecast postgres.replicas: kept the configured 0: export postgres-read-queries.csv for readQueries ends 1995-07-26T23:55:00.000Z, older than 48 h",
        );
    });
    test("a missing export or a lone Redis series keeps the configured count", () => {
        const f = forecastDataTier({
            config: devConfig({
                series: { redis: { memoryUsed: { file: "redis-memory-used.csv" } }, postgres: { readQueries: { file: "nope.csv" } } },
            }),
            baseDir: devDir,
        });
        assert.deepEqual(f.warnings, [
            "forecast redis.masters: kept the configured 3: both forecast.series.redis.memoryUsed and opsPerSecond are needed",
            "forecast postgres.replicas: kept the configured 0: export nope.csv for readQueries is missing",
        ]);
    });
    test("pooler pods stay within the connection budget (each pod needs min_pool_size + reserve_pool_size)", () => {
        // dev primary: 100 − 3 − 10 − 5 (dev's headroomConnections) = 82 available, 20 per pod → 4 pods, shared by the write and read poolers.
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-dt-"));
        try {
            const lines = ["timestamp,value"];
            for (let i = 0; i < 14 * 288; i++) lines.push(`${1700006400 + i * 300},${2000 + 500 * Math.sin((2 * Math.PI * i) / 288)}`);
            fs.writeFileSync(path.join(tmp, "clients.csv"), lines.join("\n") + "\n");
            const f = forecastDataTier({
                config: devConfig({
                    series: { poolers: { write: { file: "clients.csv" }, read: { file: "clients.csv" } } },
                    guardrails: { poolerInstances: { min: 1, max: 10 } },
                }),
                baseDir: tmp,
            });
            assert.deepEqual(
                f.counts.map((c) => [c.key, c.proposed]),
                [
                    ["pooler.writeInstances", 3],
                    ["pooler.readInstances", 1],
                ],
            );
            assert.match(f.counts[0].rule, /the connection budget allows 3 pod\(s\): needs more than the guardrail max 3$/);
            assert.equal(f.warnings.length, 2);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
    test("seriesPeak: the upper band × peak factor of a steady series is close to its level", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-peak-"));
        try {
            const lines = ["timestamp,value"];
            for (let i = 0; i < 14 * 288; i++) lines.push(`${1700006400 + i * 300},${100 + (i % 2)}`);
            fs.writeFileSync(path.join(tmp, "steady.csv"), lines.join("\n") + "\n");
            const loader = new SeriesLoader({ baseDir: tmp, inputs: "", maxExportAgeHours: DEFAULT_SETTINGS.maxExportAgeHours });
            const p = seriesPeak(loader, "steady", { file: "steady.csv", series: "", query: "", unit: "gauge" }, DEFAULT_SETTINGS);
            assert.ok(typeof p !== "string");
            assert.ok(p.peak >= 100.5 && p.peak < 103, String(p.peak));
            assert.equal(p.recentPeak, 101);
            assert.equal(
                seriesPeak(loader, "x", { file: "none.csv", series: "", query: "", unit: "gauge" }, DEFAULT_SETTINGS),
                "export none.csv for x is missing",
            );
            assert.equal(
                seriesPeak(loader, "x", { file: "steady.csv", series: "nope", query: "", unit: "gauge" }, DEFAULT_SETTINGS),
                'export steady.csv has no series "nope" for x (has "value")',
            );
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});

describe("capacity per pod derives from the HPA the program declares", () => {
    const dev = readAppConfig(PROJECT_DIR, "dev");
    test("dev's workloads: every metric's capacity from api.targets, resources and workers.queue", () => {
        const w = workloadInputs(dev, "dev");
        assert.deepEqual(
            w.map((x) => [x.name, x.current, x.guardrails]),
            [
                ["api", { minReplicas: 1, maxReplicas: 4 }, { minReplicas: 1, maxReplicas: 10, policyMinimum: 1 }],
                ["worker-queue", { minReplicas: 1, maxReplicas: 3 }, { minReplicas: 1, maxReplicas: 10, policyMinimum: 1 }],
                // Pools without guardrails of their own in Pulumi.dev.yaml: the project defaults 1..60.
                ["worker-agent", { minReplicas: 1, maxReplicas: 3 }, { minReplicas: 1, maxReplicas: 60, policyMinimum: 1 }],
                ["worker-report", { minReplicas: 0, maxReplicas: 2 }, { minReplicas: 1, maxReplicas: 60, policyMinimum: 1 }],
                ["worker-cleanup", { minReplicas: 0, maxReplicas: 2 }, { minReplicas: 1, maxReplicas: 60, policyMinimum: 1 }],
            ],
        );
        const rows = w.flatMap((x) =>
            x.metrics.map((m) => [
                x.name,
                m.name,
                m.file,
                +(m.capacityPerPod * m.targetUtilization).toFixed(6),
                m.targetUtilization,
                m.sizing,
                m.planner,
                m.aggregation,
            ]),
        );
        assert.deepEqual(rows, [
            // 100 req/s per pod (api.targets.requestsPerSecond), 70 % of what a pod serves.
            ["api", "requests", "api-requests.query_range.json", 100, 0.7, true, undefined, "mean"],
            // cpuRequest 250m at 70 %: 0.175 cores per pod.
            ["api", "cpu", "api-cpu.csv", 0.175, 0.7, true, undefined, "mean"],
            // memoryRequest 256Mi at 80 %.
            ["api", "memory", "api-memory.csv", 256 * MiB * 0.8, 0.8, true, undefined, "mean"],
            // response_time_p95 500m: the planner's, not sized (a per-pod average), never averaged.
            ["api", "latencyP95", "api-latency-p95.csv", 0.5, 0.7, false, "response_time", "max"],
            // 10 queue items per pod (workers.queue.queueLengthPerPod).
            ["worker-queue", "queueLength", "worker-queue.csv", 10, 0.7, true, "queue_length", "mean"],
            // processing_time_avg 30 s: checked for staleness, not sized.
            ["worker-queue", "processingTime", "worker-queue-processing-time.csv", 30, 0.7, false, undefined, "mean"],
            // The other pools: the same defaults (10 items per pod, 30 s per job).
            ...["agent", "report", "cleanup"].flatMap((p) => [
                [`worker-${p}`, "queueLength", `worker-${p}.csv`, 10, 0.7, true, "queue_length", "mean"],
                [`worker-${p}`, "processingTime", `worker-${p}-processing-time.csv`, 30, 0.7, false, undefined, "mean"],
            ]),
        ]);
    });
    test("a changed HPA target or request moves the capacity with it", () => {
        const raw = rawConfig(readStackConfig(PROJECT_DIR, "dev").config, "dev");
        const c = parseConfig({ ...raw, api: { ...(raw.api as object), targets: { requestsPerSecond: 40, cpuUtilization: 50 } } }, "dev");
        const [api] = workloadInputs(c, "dev");
        const perPod = (name: string) => {
            const m = api.metrics.find((x) => x.name === name)!;
            return +(m.capacityPerPod * m.targetUtilization).toFixed(6);
        };
        assert.deepEqual([perPod("requests"), perPod("cpu")], [40, 0.125]);
        // forecast.averageValueUtilization sets what an AverageValue target is of a pod's full load.
        const u = workloadInputs(devConfig({ averageValueUtilization: 50 }), "dev")[0].metrics[0];
        assert.deepEqual([u.capacityPerPod, u.targetUtilization], [200, 0.5]);
    });
    test("a series for a metric the HPA does not have is an error naming the workload", () => {
        const plan = { ...apiPlan(dev, "dev"), metrics: apiPlan(dev, "dev").metrics.filter((m) => m.kind !== "cpu") };
        assert.throws(() => hpaCapacity(plan, { kind: "cpu" }, 0.7), { message: "api: the HPA has no cpu metric to size against" });
    });
    test("disabled pools and unmapped workloads are not sized; every mapped series in config order, with its config key", () => {
        const series = dev.forecast.series;
        const { cleanup: _, ...mapped } = series.workers;
        const c = devConfig({ series: { ...series, workers: mapped } }, { workers: { queue: { enabled: false } } });
        assert.deepEqual(
            workloadInputs(c, "dev").map((w) => w.name),
            ["api", "worker-agent", "worker-report"],
        );
        assert.deepEqual(
            mappedSeries(dev.forecast.series).map((t) => [t.name, t.key]),
            [
                ["api/requests", "forecast.series.api.requests"],
                ["api/cpu", "forecast.series.api.cpu"],
                ["api/memory", "forecast.series.api.memory"],
                ["api/latencyP95", "forecast.series.api.latencyP95"],
                ["worker-queue/queueLength", "forecast.series.workers.queue.queueLength"],
                ["worker-queue/processingTime", "forecast.series.workers.queue.processingTime"],
                ["worker-queue/cpu", "forecast.series.workers.queue.cpu"],
                ["worker-queue/memory", "forecast.series.workers.queue.memory"],
                ...["agent", "report", "cleanup"].flatMap((p) => [
                    [`worker-${p}/queueLength`, `forecast.series.workers.${p}.queueLength`],
                    [`worker-${p}/processingTime`, `forecast.series.workers.${p}.processingTime`],
                    [`worker-${p}/cpu`, `forecast.series.workers.${p}.cpu`],
                    [`worker-${p}/memory`, `forecast.series.workers.${p}.memory`],
                ]),
                ["analytics/cpu", "forecast.series.analytics.cpu"],
                ["analytics/memory", "forecast.series.analytics.memory"],
                ["redis/memoryUsed", "forecast.series.redis.memoryUsed"],
                ["redis/opsPerSecond", "forecast.series.redis.opsPerSecond"],
                ["postgres/readQueries", "forecast.series.postgres.readQueries"],
                ["poolers/write", "forecast.series.poolers.write"],
                ["poolers/read", "forecast.series.poolers.read"],
                ["poolers/analytics", "forecast.series.poolers.analytics"],
            ],
        );
        // The pools' and analytics' usage is the report's right-sizing only; the API's CPU and memory are sized from.
        assert.deepEqual(
            mappedSeries(dev.forecast.series)
                .filter(isUsageOnly)
                .map((t) => t.name),
            [
                ...["queue", "agent", "report", "cleanup"].flatMap((p) => [`worker-${p}/cpu`, `worker-${p}/memory`]),
                "analytics/cpu",
                "analytics/memory",
            ],
        );
    });
});
