/** The forecast step's config: which exports hold which series, the guardrails, and the sizing settings. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { grammar, int, optional, perPool, text, type WorkerPoolName } from "../primitives";

/** One exported series: the file the forecast reads and the PromQL a refresh writes it from. */
const exportRef = (what: string, unit: "rate" | "gauge") =>
    z
        .strictObject({
            file: grammar(g.relativePathError).describe(
                "Export file (Prometheus query_range JSON or CSV timestamp,value), relative to forecast.exportsDir.",
            ),
            series: text(1000)
                .default("")
                .describe(
                    'Series in the file: the CSV column, or a query_range selector (name and/or labels in any order, e.g. rate{job="api"}) matching exactly one series; empty when the file has only one.',
                ),
            query: text(10000)
                .default("")
                .describe("PromQL that npm run forecast -- --refresh runs (query_range) to rewrite the file; empty: never refreshed."),
            unit: z
                .enum(["rate", "gauge", "count", "counter"])
                .default(unit)
                .describe(
                    "rate and gauge are used as they are; count is per sample step (divided by the step); counter is turned into a rate.",
                ),
        })
        .optional()
        .describe(what);

const workerSeries = (pool: WorkerPoolName) =>
    z
        .strictObject({
            queueLength: exportRef(
                `Length of the ${pool} queue (items waiting); sized against workers.${pool}.queueLengthPerPod per pod.`,
                "gauge",
            ),
            processingTime: exportRef(
                `Average job duration of the ${pool} pool in seconds; checked for staleness and shown, not sized from (a per-pod average, see the metrics contract).`,
                "gauge",
            ),
        })
        .optional()
        .describe(`The ${pool} pool's series.`);

const replicaGuardrails = (min: number, max: number, what: string) =>
    z
        .strictObject({
            minReplicas: int(1, 1000).default(min).describe("Lowest minReplicas the forecast may set."),
            maxReplicas: int(1, 1000).default(max).describe("Highest maxReplicas the forecast may set."),
        })
        .prefault({})
        .describe(`Bounds the forecast keeps the ${what} HPA within.`);

const countGuardrails = (min: number, max: number, lo: number, hi: number, what: string) =>
    z
        .strictObject({
            min: int(lo, hi).default(min).describe("Fewest the forecast may set."),
            max: int(lo, hi).default(max).describe("Most the forecast may set."),
        })
        .prefault({})
        .describe(`How many ${what} the forecast may set.`);

/** Where `npm run forecast -- --refresh` pulls fresh exports from. */
const prometheus = z
    .strictObject({
        url: optional((v) => g.httpUrlError(v, { credentials: true, port: true, path: true }))
            .default("")
            .describe(
                "Prometheus that npm run forecast -- --refresh queries; empty for metrics.prometheusUrl:metrics.prometheusPort (PROMETHEUS_URL overrides both).",
            ),
        stepSeconds: int(1, 86400).default(300).describe("Resolution of the refreshed exports (query_range step)."),
        days: int(1, 90).default(14).describe("Days of history a refresh pulls."),
    })
    .prefault({})
    .describe("Where --refresh pulls fresh exports from.");

/** Which export holds which tier's series. */
const series = z
    .strictObject({
        api: z
            .strictObject({
                requests: exportRef("Total API requests/s (not per pod); sized against api.targets.requestsPerSecond per pod.", "rate"),
                cpu: exportRef("Total API CPU in cores; sized against api.resources.cpuRequest × api.targets.cpuUtilization.", "gauge"),
                memory: exportRef(
                    "Total API memory in bytes; sized against api.resources.memoryRequest × api.targets.memoryUtilization.",
                    "gauge",
                ),
                latencyP95: exportRef(
                    "API p95 latency in seconds; feeds the capacity planner (a per-pod average the HPA multiplies by the pod count, not a load to size from).",
                    "gauge",
                ),
            })
            .optional()
            .describe("The API's series; unset: the API keeps its configured bounds."),
        workers: perPool(workerSeries).prefault({}).describe("Each worker pool's series; a pool without them keeps its configured bounds."),
        redis: z
            .strictObject({
                memoryUsed: exportRef(
                    "Redis memory used over all masters, bytes (sizes redis.masters through the cache scaling rules).",
                    "gauge",
                ),
                opsPerSecond: exportRef("Redis commands/s over all masters (sizes redis.masters through the cache scaling rules).", "rate"),
            })
            .optional()
            .describe("Redis series; both are needed to size redis.masters."),
        postgres: z
            .strictObject({
                readQueries: exportRef(
                    "Read queries/s on the main cluster (sizes postgres.replicas against postgres.readQueriesPerReplica).",
                    "rate",
                ),
            })
            .optional()
            .describe("Postgres series."),
        poolers: z
            .strictObject({
                write: exportRef(
                    "Client connections to the -rw pooler (sizes pooler.writeInstances against pooler.maxClientConn).",
                    "gauge",
                ),
                read: exportRef("Client connections to the read pooler (sizes pooler.readInstances).", "gauge"),
                analytics: exportRef("Client connections to the analytics pooler (sizes pooler.analyticsInstances).", "gauge"),
            })
            .optional()
            .describe("PgBouncer client-connection series, one per pooler."),
    })
    .prefault({})
    .describe("Which export holds which tier's series, and the PromQL that refreshes it; capacity per pod comes from the HPA targets.");

/** The bounds and counts the forecast never sizes beyond. */
const guardrails = z
    .strictObject({
        api: replicaGuardrails(1, 100, "API"),
        workers: perPool((pool) => replicaGuardrails(1, 60, `${pool} worker`))
            .prefault({})
            .describe("Bounds the forecast keeps each worker pool's HPA within."),
        redisMasters: countGuardrails(3, 12, 3, 100, "Redis masters (shards)"),
        postgresReplicas: countGuardrails(0, 5, 0, 10, "Postgres read replicas"),
        poolerInstances: countGuardrails(1, 10, 1, 20, "pods of each PgBouncer pooler (at least 2 outside dev)"),
    })
    .prefault({})
    .describe("Per-environment limits the forecast never sizes beyond.");

/** Reviewed forecast jumps: the proposed bounds a workload's HPA may move to past forecast-change-bounded's factor. */
const acknowledgement = (what: string) =>
    optional(g.boundsTextError)
        .default("")
        .describe(
            `The ${what}'s proposed bounds ("min..max") you have reviewed: while the forecast proposes exactly these, its HPA carries sysmanage.io/forecast-change-acknowledged: "true"; empty: none.`,
        );

const acknowledge = z
    .strictObject({
        api: acknowledgement("API"),
        workers: perPool((pool) => acknowledgement(`${pool} worker pool`))
            .prefault({})
            .describe("Each worker pool's acknowledged bounds."),
    })
    .prefault({})
    .describe(
        "Acknowledged forecast changes, for the policy forecast-change-bounded: an acknowledgement the forecast no longer matches is ignored with a warning.",
    );

/** The floor schedule (issue 16): an hourly floor ahead of the forecast origin, within the static bounds. */
const schedule = z
    .strictObject({
        enabled: z
            .boolean()
            .default(true)
            .describe(
                "Derive a replica floor schedule per sized workload from the forecast (kept only where the step's own backtest beats the static floor).",
            ),
        horizonHours: int(1, 168)
            .default(48)
            .describe("Hours the schedule covers from the forecast origin; after them the floor is the static minReplicas again."),
        slotMinutes: int(5, 60)
            .default(15)
            .describe(
                "Minutes per slot of the schedule (a divisor of 60); a rising floor starts one slot early or more, by the HPA's reaction time.",
            ),
        refreshHours: int(1, 168)
            .default(24)
            .describe("Hours between the scheduled refreshes of the exports and the schedule; at most forecast.schedule.horizonHours."),
    })
    .prefault({})
    .describe("The forecast's floor schedule, served to the HPA as an Object metric of the namespace (scheduled_floor).");

/** `forecast`: the forecasting step that sizes HPA bounds and data-tier counts before every preview. */
export const forecast = z
    .strictObject({
        enabled: z
            .boolean()
            .default(true)
            .describe("Size HPA min/max and the data-tier counts from the stack's metric exports before every preview, up and render."),
        exportsDir: optional(g.relativePathError)
            .default("")
            .describe("Directory of the export files, relative to the project; empty for exports/<stack>."),
        prometheus,
        series,
        guardrails,
        averageValueUtilization: int(1, 100)
            .default(70)
            .describe(
                "An HPA AverageValue target (100 req/s, 10 queue items per pod) as a % of what one pod handles at full load; the replay counts a pod short when load exceeds that.",
            ),
        hysteresisPercent: int(0, 100)
            .default(10)
            .describe("A bound or count moves only by at least max(1, this % of its current value), so previews do not churn on noise."),
        underProvisionedTargetPercent: z
            .number()
            .min(0)
            .max(100)
            .default(5)
            .describe("minReplicas is the smallest floor whose replay of recent history leaves at most this % of ticks under-provisioned."),
        headroomPercent: int(0, 400)
            .default(20)
            .describe(
                "maxReplicas covers the forecast peak (the higher of the upper band and the peak band, × the peak factor; at least the recent peak) plus this %.",
            ),
        trainingDays: int(2, 90).default(14).describe("Days of the most recent history the models train on."),
        floorHistoryDays: int(1, 30).default(7).describe("Days of the most recent history replayed through the HPA to choose minReplicas."),
        floorScenario: z
            .enum(["forecast", "history"])
            .default("forecast")
            .describe(
                "What the floor's replay runs: `forecast` scales each replayed day so its peak is the forecast's peak for the matching day ahead (at most ×2 or ÷2); `history` replays the days as they were.",
            ),
        maxAgeDays: int(0, 365)
            .default(0)
            .describe(
                "Exports older than this fall back to the configured bounds and counts with a warning; 0 disables the check (demo exports).",
            ),
        acknowledge,
        schedule,
        policyMinimum: int(0, 100)
            .default(0)
            .describe(
                "The forecast never sizes minReplicas below this; 0: the policy pack's HA floor of the environment (dev 1, staging 2, prod 3: policies/contract/environments.ts).",
            ),
    })
    .prefault({})
    .describe("The forecasting step (issue 4).");
