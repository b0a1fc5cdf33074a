import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig, rawConfig, type AppConfig } from "../../../config";
import { programForecast, type ProgramForecast } from "../../../forecast/program";
import { withForecast } from "../../../plan/forecast";
import { forecastChangeBounded } from "../../../policies/rules";
import { messages } from "../../support/policy";
import { kubernetesObjects, PROJECT_DIR } from "../../../tools/mockRuntime";
import { readStackConfig } from "../../../config/stackFile";
import { find, objectsOf, rendered, renderWith, type Obj } from "../../support/render";

/** A stack's config as the program reads it, with `forecast` fields replaced. */
function stackConfig(stack: string, forecast: Record<string, unknown> = {}): AppConfig {
    const raw = rawConfig(readStackConfig(PROJECT_DIR, stack).config, stack);
    return parseConfig({ ...raw, forecast: { ...(raw.forecast as object), ...forecast } }, stack);
}

/** The bounds the forecast sets on a workload's config key (`api`, `workers.queue`). */
const boundsOf = (f: ProgramForecast, key: string) => ({
    minReplicas: f.values[`${key}.minReplicas`],
    maxReplicas: f.values[`${key}.maxReplicas`],
});

const devForecast = (forecast: Record<string, unknown> = {}) =>
    programForecast({ stack: "dev", projectDir: PROJECT_DIR, config: stackConfig("dev", forecast) });

describe("the forecasting step inside the program", () => {
    test("dev: the rendered HPA bounds and annotations are the step's own result for the committed exports", async () => {
        const expected = devForecast();
        const objects = await objectsOf("dev");
        // The bounds worked from the committed exports' peaks (test/unit/forecast/stack.test.ts):
        // the api 1..2 (cpu at its peak needs 2 pods), the queue worker 1..10 (101 capped at dev's
        // guardrail), the agent 1..19, the report 0..2 and the cleanup 0..4 (scale to zero): every workload is sized.
        // Annotations written out: the data end is the last line of each workload's exports
        // (806802900 = 1995-07-26T23:55:00Z for the api's, 1426463873 = 2015-03-15T23:57:53Z for
        // the workers'), generated-at the newest of all, previous bounds Pulumi.dev.yaml's.
        const out = (await rendered("dev")).outputs.forecast as Obj;
        assert.match(out.inputsHash, /^[0-9a-f]{16}$/);
        const annotations = (end: string, previous: string) => ({
            "sysmanage.io/forecast-generated-at": "2015-03-15T23:57:53.000Z",
            "sysmanage.io/forecast-data-end": end,
            "sysmanage.io/forecast-model": "median-ensemble",
            "sysmanage.io/forecast-inputs-hash": out.inputsHash,
            "sysmanage.io/forecast-previous-bounds": previous,
        });
        const workers = "2015-03-15T23:57:53.000Z";
        for (const [configKey, name, min, max, end, previous] of [
            ["api", "sysmanage-api", 1, 2, "1995-07-26T23:55:00.000Z", "1..4"],
            ["workers.queue", "sysmanage-worker-queue", 1, 10, workers, "1..3"],
            ["workers.agent", "sysmanage-worker-agent", 1, 19, workers, "1..3"],
            // Dev's report and cleanup scale to zero (KEDA ScaledObjects): the forecast sizes their max only.
            ["workers.report", "sysmanage-worker-report", 0, 2, workers, "0..2"],
            ["workers.cleanup", "sysmanage-worker-cleanup", 0, 4, workers, "0..2"],
        ] as const) {
            const hpa = min === 0 ? find(objects, "ScaledObject", name) : find(objects, "HorizontalPodAutoscaler", name);
            const spec = hpa.spec as Obj;
            assert.deepEqual(
                min === 0 ? [spec.minReplicaCount, spec.maxReplicaCount] : [spec.minReplicas, spec.maxReplicas],
                [min, max],
                name,
            );
            assert.deepEqual(boundsOf(expected, configKey), { minReplicas: min, maxReplicas: max }, name);
            assert.deepEqual(hpa.metadata.annotations, annotations(end, previous), name);
        }
        assert.equal(expected.result.inputsHash, out.inputsHash);
        assert.equal(out.exportsDir, "exports/dev");
        // What the committed exports show (issue 13 #1 and #9: neither is silent any more): the
        // queue worker's forecast is above dev's guardrail, and one latency timestamp has 12 values.
        assert.deepEqual(out.warnings, [
            "forecast api: export api-latency-p95.csv for latencyP95: 1 timestamp(s) have several different values (the first at 1995-07-14T23:19:00Z): kept the last value of each; two exports concatenated, or series that should have been summed?",
            "forecast worker-queue: worker-queue: the forecast needs 101 replicas at its peak, above forecast.guardrails.workers.queue.maxReplicas (10): capped at the guardrail; raise it, or expect the HPA to sit at its maximum at the peak",
            ...["report", "cleanup"].map(
                (p) =>
                    `forecast worker-${p}: scales to zero: minReplicas stays 0 (KEDA wakes it on the first message); the forecast sizes its maxReplicas, its replay's floor 1 is what runs while it is awake`,
            ),
        ]);
    });
    test("dev: the data tier is declared with the sized counts, and the outputs explain the change", async () => {
        const objects = await objectsOf("dev");
        // Redis: 3 masters configured; the forecast peak of memory used is above 80 % of 3 × maxmemory,
        // the cache rules want 5 or more for 60 %, and one shard moves per update: 4.
        const redis = find(objects, "RedisCluster", "sysmanage-redis");
        assert.deepEqual([redis.spec.clusterSize, redis.spec.redisLeader.replicas], [4, 4]);
        // The other counts keep their configured values (dev's load fits).
        assert.equal(find(objects, "Cluster", "sysmanage-pg").spec.instances, 1);
        assert.deepEqual(
            ["sysmanage-pg-pooler-rw", "sysmanage-pg-pooler-r", "sysmanage-pg-analytics-pooler-ro"].map(
                (n) => find(objects, "Pooler", n).spec.instances,
            ),
            [1, 1, 1],
        );
        const r = await rendered("dev");
        assert.deepEqual([(r.outputs.dataTier as Obj).redis.masters, (r.outputs.dataTier as Obj).redis.replicasPerMaster], [4, 0]);
        const counts = (r.outputs.forecast as Obj).dataTier as Record<string, Obj>;
        assert.deepEqual(Object.keys(counts), [
            "redis.masters",
            "postgres.replicas",
            "pooler.writeInstances",
            "pooler.readInstances",
            "pooler.analyticsInstances",
        ]);
        assert.deepEqual([counts["redis.masters"].configured, counts["redis.masters"].proposed], [3, 4]);
        // Worked from the peaks the step reports: 2,087,671,430 B over 3 masters of 266 MiB
        // (278,921,216 B) is 249 % per node; 300.2 ops/s ÷ 3 = 100; the cache rule wants
        // ceil(3 × 2.495 ÷ 0.6) = 13 masters, dev's guardrails (3..6) allow 6, one shard moves: 4.
        const peaks = counts["redis.masters"].peaks as Record<string, number>;
        assert.deepEqual(Object.keys(peaks), ["memoryUsed", "opsPerSecond"]);
        assert.equal(Math.round(peaks.memoryUsed / 1e4), 208767);
        assert.equal(Math.round(peaks.opsPerSecond * 10), 3002);
        assert.equal(
            counts["redis.masters"].rule,
            "249 % memory and 100 ops/s per master at the peak: scale out to 13 (memory above 80 % on a node); clamped to the guardrails 3..6; one shard per update (redis.allowShardJump is off): 4 now, 6 wanted",
        );
        assert.deepEqual([counts["postgres.replicas"].configured, counts["postgres.replicas"].proposed], [0, 0]);
    });
    test("shards move from the deployed count: deployed 6, the same peak is between the rules' marks on each master", async () => {
        // 960Mi per node (499 MB maxmemory at the ratio 0.52): the peak is over 80 % of 3 masters, within 30-80 % of 6.
        const r = await renderWith(
            "dev",
            { redis: { replicasPerMaster: 0, memory: "960Mi", storageSize: "1Gi" } },
            { dataTier: { redis: { masters: 6, replicasPerMaster: 0 } } },
        );
        const counts = (r.outputs.forecast as Obj).dataTier as Record<string, Obj>;
        assert.deepEqual([counts["redis.masters"].configured, counts["redis.masters"].proposed], [3, 6]);
        assert.match(counts["redis.masters"].rule, /^[3-7]\d % memory and \d+ ops\/s per master at the peak: keep \(within thresholds\)$/);
        assert.equal(find(kubernetesObjects(r.resources) as Obj[], "RedisCluster", "sysmanage-redis").spec.clusterSize, 6);
    });
    test("with redis.allowShardJump the forecast moves straight to what the rules want, and the guard accepts it", async () => {
        const deployed = { dataTier: { redis: { masters: 3, replicasPerMaster: 0 } } };
        const r = await renderWith(
            "dev",
            // 1536Mi per node (798 MB maxmemory): what the rules want stays within dev's guardrails (3..6).
            { redis: { replicasPerMaster: 0, memory: "1536Mi", storageSize: "1Gi", allowShardJump: true } },
            deployed,
        );
        const counts = (r.outputs.forecast as Obj).dataTier as Record<string, Obj>;
        const wanted = /^\d+ % memory and \d+ ops\/s per master at the peak: scale out to (\d+) \(memory above 80 % on a node\)$/.exec(
            counts["redis.masters"].rule,
        );
        assert.ok(wanted && Number(wanted[1]) >= 5, counts["redis.masters"].rule);
        assert.equal(find(kubernetesObjects(r.resources) as Obj[], "RedisCluster", "sysmanage-redis").spec.clusterSize, Number(wanted[1]));
    });
    test("deterministic: the same files and config give the same sizing", () => {
        const a = devForecast();
        const b = devForecast();
        assert.deepEqual(a.values, b.values);
        assert.deepEqual(a.annotations, b.annotations);
        assert.deepEqual(a.dataTier, b.dataTier);
    });
    test("policyMinimum is a floor the step never goes below", () => {
        const r = devForecast({ policyMinimum: 4 });
        // The api's raw 1..2 clamps to 4..4 (from the current 1..4, also 4..4: nothing passes
        // hysteresis), then one replica of room: 4..5. The queue's raw 1..101: 4..10.
        assert.deepEqual(
            [boundsOf(r, "api"), boundsOf(r, "workers.queue")],
            [
                { minReplicas: 4, maxReplicas: 5 },
                { minReplicas: 4, maxReplicas: 10 },
            ],
        );
    });
    test("prod: stale exports fall back to the configured bounds and counts, with a warning and no forecast annotations", async () => {
        const objects = await objectsOf("prod");
        const hpa = find(objects, "HorizontalPodAutoscaler", "sysmanage-api");
        assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.metadata.annotations], [3, 50, undefined]);
        assert.equal(find(objects, "RedisCluster", "sysmanage-redis").spec.clusterSize, 3);
        assert.equal(find(objects, "Cluster", "sysmanage-pg").spec.instances, 4);
        const warnings = ((await rendered("prod")).outputs.forecast as Obj).warnings as string[];
        const old = (file: string, what: string, end = "1995-07-26T23:55:00.000Z") =>
            `export ${file} for ${what} ends ${end}, older than 168 h`;
        assert.deepEqual(warnings, [
            `forecast api: ${old("api-requests.query_range.json", "requests")}`,
            `forecast api: ${old("api-cpu.csv", "cpu")}`,
            `forecast api: ${old("api-memory.csv", "memory")}`,
            `forecast api: ${old("api-latency-p95.csv", "latencyP95")}`,
            "forecast api: api: kept the guardrail defaults 3..50",
            `forecast worker-queue: ${old("worker-queue.csv", "queueLength", "2015-03-15T23:57:53.000Z")}`,
            `forecast worker-queue: ${old("worker-queue-processing-time.csv", "processingTime", "2015-03-15T23:57:53.000Z")}`,
            "forecast worker-queue: worker-queue: kept the guardrail defaults 3..20",
            ...(
                [
                    ["agent", "2015-03-15T23:57:53.000Z"],
                    ["report", "2015-03-15T23:57:53.000Z"],
                    // The taxi trace is every 30 min: its last point is 25 min before the others'.
                    ["cleanup", "2015-03-15T23:32:53.000Z"],
                ] as const
            ).flatMap(([p, end]) => [
                `forecast worker-${p}: ${old(`worker-${p}.csv`, "queueLength", end)}`,
                `forecast worker-${p}: ${old(`worker-${p}-processing-time.csv`, "processingTime", "2015-03-15T23:57:53.000Z")}`,
                `forecast worker-${p}: worker-${p}: kept the guardrail defaults 3..20`,
            ]),
            `forecast redis.masters: kept the configured 3: ${old("redis-memory-used.csv", "memoryUsed")}; ${old("redis-ops.csv", "opsPerSecond")}`,
            `forecast postgres.replicas: kept the configured 3: ${old("postgres-read-queries.csv", "readQueries")}`,
            `forecast pooler.writeInstances: kept the configured 3: ${old("pooler-rw-clients.csv", "write client connections")}`,
            `forecast pooler.readInstances: kept the configured 3: ${old("pooler-ro-clients.csv", "read client connections")}`,
            `forecast pooler.analyticsInstances: kept the configured 2: ${old("pooler-analytics-clients.csv", "analytics client connections")}`,
        ]);
    });
    test("a missing exports directory keeps every configured bound and count, with warnings naming the files", () => {
        const r = devForecast({ exportsDir: "exports/nope" });
        assert.equal(r.exportsDir, "exports/nope");
        assert.deepEqual(boundsOf(r, "api"), { minReplicas: 1, maxReplicas: 4 });
        assert.deepEqual(boundsOf(r, "workers.queue"), { minReplicas: 1, maxReplicas: 3 });
        assert.deepEqual(r.annotations, {});
        const c = withForecast(stackConfig("dev", { exportsDir: "exports/nope" }), r.values, "dev");
        assert.deepEqual([c.redis.masters, c.postgres.replicas, c.pooler.writeInstances, c.pooler.readInstances], [3, 0, 1, 1]);
        assert.deepEqual(r.warnings.slice(0, 2), [
            "forecast api: export api-requests.query_range.json for requests is missing",
            "forecast api: export api-cpu.csv for cpu is missing",
        ]);
        assert.ok(
            r.warnings.includes(
                "forecast redis.masters: kept the configured 3: export redis-memory-used.csv for memoryUsed is missing; export redis-ops.csv for opsPerSecond is missing",
            ),
        );
    });
    test("a stack without series sizes nothing and keeps its config", () => {
        const r = devForecast({ series: {} });
        assert.deepEqual(r.result.workloads, []);
        assert.deepEqual({ ...r.dataTier, inputsHash: undefined }, { counts: [], warnings: [], notes: [], inputsHash: undefined });
        assert.match(r.dataTier.inputsHash, /^[0-9a-f]{16}$/);
        assert.deepEqual(r.values, {});
        assert.deepEqual(withForecast(stackConfig("dev", { series: {} }), r.values, "dev"), stackConfig("dev", { series: {} }));
    });
});

describe("the forecasting step's knobs come from the stack config", () => {
    test("hysteresis, the under-provisioning target, headroom and the windows reach the step", () => {
        const base = devForecast();
        assert.deepEqual(
            {
                hysteresisPercent: base.result.settings.hysteresisPercent,
                underProvisionedTarget: base.result.settings.underProvisionedTarget,
                headroom: base.result.settings.headroom,
                trainingDays: base.result.settings.trainingDays,
                floorHistoryDays: base.result.settings.floorHistoryDays,
            },
            { hysteresisPercent: 10, underProvisionedTarget: 0.05, headroom: 0.2, trainingDays: 14, floorHistoryDays: 7 },
        );
        // forecast.schedule.* reach the step; dev's committed exports give no schedule (every
        // hour's cheapest floor is the static one), each workload saying so.
        const sched = devForecast({ schedule: { enabled: true, horizonHours: 72, slotMinutes: 30, refreshHours: 12 } });
        assert.deepEqual(
            [
                sched.result.settings.scheduleEnabled,
                sched.result.settings.scheduleHorizonHours,
                sched.result.settings.scheduleSlotMinutes,
                sched.result.settings.scheduleRefreshHours,
            ],
            [true, 72, 30, 12],
        );
        assert.deepEqual(base.schedules, {});
        assert.deepEqual(
            base.result.workloads.map((w) => w.scheduleNote),
            // The backtest's numbers: SLO-weighted cost over the 8 replayed days (every floor the static one).
            [
                ["api", "1.000"],
                ["worker-queue", "1.145"],
                ["worker-agent", "1.362"],
                ["worker-report", "1.110"],
                ["worker-cleanup", "0.987"],
            ].map(
                ([w, cost]) =>
                    `${w}: every hour's cheapest floor on the replayed days is the static floor 1: nothing to schedule (backtest: scheduled ${cost} vs static ${cost} over 8 held-out days); keeps the static floor 1`,
            ),
        );
        assert.equal(
            devForecast({ schedule: { enabled: false } }).result.workloads[0].scheduleNote,
            "forecast.schedule.enabled is off: the static floor",
        );
        // A 100 % dead band holds a bound unless it moves by its whole current value: the api's
        // raw 1..2 from the configured 1..4 moves the max by 2 of 4, so it is held at 1..4.
        const held = devForecast({ hysteresisPercent: 100 });
        // At the default 10 % the same raw bounds move the max from 4 to 2 (2 ≥ max(1, 0.4)).
        assert.deepEqual(boundsOf(base, "api"), { minReplicas: 1, maxReplicas: 2 });
        assert.deepEqual(held.result.workloads[0].raw, { minReplicas: 1, maxReplicas: 2 });
        assert.deepEqual(boundsOf(held, "api"), { minReplicas: 1, maxReplicas: 4 });
        // More headroom never lowers the raw max (the worker's needs more than its guardrail, 10,
        // which caps it, with a warning); a stricter target never lowers the raw floor.
        const roomy = devForecast({ headroomPercent: 200 });
        assert.equal(roomy.result.settings.headroom, 2);
        assert.ok(roomy.result.workloads[0].raw!.maxReplicas >= base.result.workloads[0].raw!.maxReplicas);
        assert.ok(roomy.result.workloads[1].raw!.maxReplicas > base.result.workloads[1].raw!.maxReplicas);
        assert.equal(roomy.values["workers.queue.maxReplicas"], 10);
        assert.ok(
            roomy.warnings.includes(
                `forecast worker-queue: worker-queue: the forecast needs ${roomy.result.workloads[1].raw!.maxReplicas} replicas at its peak, above forecast.guardrails.workers.queue.maxReplicas (10): capped at the guardrail; raise it, or expect the HPA to sit at its maximum at the peak`,
            ),
        );
        const strict = devForecast({ underProvisionedTargetPercent: 0 });
        assert.ok(strict.result.workloads[1].raw!.minReplicas >= base.result.workloads[1].raw!.minReplicas);
        assert.equal(strict.result.settings.underProvisionedTarget, 0);
    });
    test("bad values are refused with the stack file, key and value", () => {
        assert.throws(() => stackConfig("dev", { hysteresisPercent: 150 }), {
            message: /^Pulumi\.dev\.yaml: forecast\.hysteresisPercent \(150\) /,
        });
        assert.throws(() => stackConfig("dev", { trainingDays: 1 }), { message: /^Pulumi\.dev\.yaml: forecast\.trainingDays \(1\) / });
    });
});

describe("forecast.acknowledge: an intended jump, end to end", () => {
    test("acknowledging the proposed bounds writes the annotation, and forecast-change-bounded lets the HPA pass", async () => {
        const base = devForecast();
        const proposed = `${base.values["api.minReplicas"]}..${base.values["api.maxReplicas"]}`;
        const hpaOf = (f: ProgramForecast, maxFactor: number) =>
            messages(
                forecastChangeBounded,
                [
                    {
                        type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
                        name: "api-hpa",
                        inputs: {
                            apiVersion: "autoscaling/v2",
                            kind: "HorizontalPodAutoscaler",
                            metadata: { name: "sysmanage-api", namespace: "app", annotations: f.annotations.api },
                            spec: { minReplicas: f.values["api.minReplicas"], maxReplicas: f.values["api.maxReplicas"] },
                        },
                    },
                ],
                { enforcementLevel: "mandatory", maxFactor },
            );
        // A factor of 1 makes any change of maxReplicas a jump (dev's api moves from 1..4).
        assert.notEqual(base.values["api.maxReplicas"], 4);
        assert.equal((await hpaOf(base, 1)).length, 1);
        assert.equal(base.annotations.api["sysmanage.io/forecast-change-acknowledged"], undefined);
        const acked = devForecast({ acknowledge: { api: proposed } });
        assert.equal(acked.annotations.api["sysmanage.io/forecast-change-acknowledged"], "true");
        assert.deepEqual(await hpaOf(acked, 1), []);
        assert.deepEqual(acked.warnings, base.warnings);
    });

    test("an acknowledgement the forecast no longer matches acknowledges nothing, with a warning", () => {
        const f = devForecast({ acknowledge: { workers: { queue: "1..99" } } });
        const proposed = `${f.values["workers.queue.minReplicas"]}..${f.values["workers.queue.maxReplicas"]}`;
        assert.equal(f.annotations["worker-queue"]["sysmanage.io/forecast-change-acknowledged"], undefined);
        assert.ok(
            f.warnings.includes(
                `forecast worker-queue: forecast.acknowledge.workers.queue (1..99) does not match the proposed bounds ${proposed}: it acknowledges nothing; update or remove it`,
            ),
            f.warnings.join("\n"),
        );
    });

    test("the key takes only min..max with 1 <= min <= max", () => {
        assert.throws(() => stackConfig("dev", { acknowledge: { api: "3-10" } }), {
            message: 'Pulumi.dev.yaml: forecast.acknowledge.api ("3-10") must be bounds written "min..max" (e.g. "3..12"), or empty',
        });
        assert.throws(() => stackConfig("dev", { acknowledge: { api: "5..2" } }), {
            message: 'Pulumi.dev.yaml: forecast.acknowledge.api ("5..2") must have 1 <= min <= max, or empty',
        });
    });
});
