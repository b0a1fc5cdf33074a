/**
 * `npm run exports:demo -- --data <dir>` rewrites the demo exports under `exports/<stack>/` from
 * the public traces in `<dir>` (the NASA, NAB and Azure traces named below; see exports/README.md for what each file is and its licence). Deterministic:
 * the same traces give byte-identical files. Two time axes, the traces' own:
 *
 * - the NASA window (1995-07-13 .. 07-27, 5 min): the API and the data tier, which follow the
 *   API's requests;
 * - the NAB Twitter window (2015-03-02 .. 03-16, 5 min): the worker queue.
 *
 * Series with no trace of their own are derived from the requests by a stated formula; the
 * latency and processing-time shapes come from NAB CloudWatch traces shifted onto those windows.
 *
 * Exit codes: 0 written; 1 a trace is missing, unreadable or malformed (named, with the line),
 * nothing written; 2 usage (`--data` missing or not a directory); 3 an export could not be
 * written (file system; each file is replaced whole or left as it was); 70 internal error (a bug).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import type { WorkerPoolName } from "../config/schema";
import { readAppConfig } from "../config/stackFile";
import { CliError, parseCommand, fsReason, internalError, isFsError, runMain, STDIO, writeFileAtomic, type Io } from "./cli";

const ROOT = path.resolve(__dirname, "..");

/** Per stack: requests × `requests` (dev 5, staging 50, prod 500), queue × `queue`, Redis bytes per cached request. */
export const STACK_FACTORS = {
    dev: { requests: 5, queue: 0.5, redisBytesPerRequest: 6144 },
    staging: { requests: 50, queue: 1, redisBytesPerRequest: 768 },
    prod: { requests: 500, queue: 3, redisBytesPerRequest: 256 },
} as const;

const API_FROM = Date.UTC(1995, 6, 13) / 1000;
const API_TO = Date.UTC(1995, 6, 27) / 1000;
const QUEUE_FROM = Date.UTC(2015, 2, 2) / 1000;
const QUEUE_TO = Date.UTC(2015, 2, 16) / 1000;
const MiB = 2 ** 20;
/** Cache entries live 6 h: memory follows the requests of the last 6 h (72 × 5 min). */
const CACHE_TTL_POINTS = 72;

interface Point {
    readonly t: number;
    readonly v: number;
}

/**
 * The demo's two shards (issue 18), named as the program names their clusters (plan/dataTier.ts shardClusterName), and their shares of the rows: those of the real-server test's
 * 100,000 host keys under the two-shard map (test/integration/data/sharding.test.ts).
 */
const DEMO_SHARDS = [
    { shard: "sysmanage-pg-shard-0", share: 0.4985 },
    { shard: "sysmanage-pg-shard-1", share: 0.5015 },
] as const;
/** Each shard's data at the start of the window, and the bytes one request adds to the sharded data (one in 32 writes a 2 KiB row). */
const SHARD_BASE_BYTES = 25 * 2 ** 30;
const SHARD_BYTES_PER_REQUEST = 64;

/** A trace larger than this is not one of the public traces (the largest is about 1 MB). */
const MAX_TRACE_BYTES = 64 * 1024 * 1024;

function readCsv(dataDir: string, rel: string): Point[] {
    const file = path.join(dataDir, rel);
    let text: string;
    try {
        const st = fs.statSync(file);
        if (!st.isFile()) throw new CliError(`${file}: is not a file (exports/README.md names the traces)`, 1);
        if (st.size > MAX_TRACE_BYTES) throw new CliError(`${file}: is ${st.size} bytes, larger than any of the traces`, 1);
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if (e instanceof CliError) throw e;
        if (isFsError(e))
            throw new CliError(
                `${file}: ${e.code === "ENOENT" ? "not found (exports/README.md names the traces and where to get them)" : fsReason(e)}`,
                1,
            );
        throw e;
    }
    const lines = text.trim().split("\n").slice(1);
    // A malformed line is named by its number only: never echo a file's content.
    return lines.map((l, i) => {
        const [ts, v] = l.split(",");
        const t = Date.parse(`${(ts ?? "").trim().replace(" ", "T")}Z`) / 1000;
        const value = Number(v);
        if (!Number.isFinite(t) || v === undefined || v.trim() === "" || !Number.isFinite(value))
            throw new CliError(`${file}: line ${i + 2}: expected "YYYY-MM-DD HH:MM:SS,<number>"`, 1);
        return { t, v: value };
    });
}

/** Numbers as Prometheus would print them, to 3 decimals at most ("5.35", "535"). */
const n3 = (x: number) => String(Number(x.toFixed(3)));

function csv(points: readonly Point[], value: (p: Point) => string, stamp: (t: number) => string): string {
    return ["timestamp,value", ...points.map((p) => `${stamp(p.t)},${value(p)}`)].join("\n") + "\n";
}

const dateStamp = (t: number) => new Date(t * 1000).toISOString().slice(0, 19).replace("T", " ");
/** Unix seconds, as `--refresh` writes CSV exports. */
const unixStamp = (t: number) => String(t);

function queryRange(series: { labels: Record<string, string>; points: readonly Point[] }[]): string {
    return (
        JSON.stringify({
            status: "success",
            data: {
                resultType: "matrix",
                result: series.map((s) => ({ metric: s.labels, values: s.points.map((p) => [p.t, n3(p.v)]) })),
            },
        }) + "\n"
    );
}

/** Shifts a trace so its first point lands on `from`, keeping the points before `to`. */
function shiftTo(points: readonly Point[], from: number, to: number): Point[] {
    if (!points.length) throw new CliError("a trace has no data lines", 1);
    const d = from - points[0].t;
    return points.map((p) => ({ t: p.t + d, v: p.v })).filter((p) => p.t < to);
}

/**
 * What a worker pod uses (issue 17 #5, the right-sizing demo), per pod: cores and MiB idle, and
 * what a pod adds when busy. A pod is busy in proportion to its share of the queue against the
 * HPA's target (`queueLengthPerPod` items a pod), at most fully. Report jobs are heavy (a busy
 * pod outgrows the 250m/256Mi requests), cleanup light. Stated assumptions, not traces.
 */
const POOL_USAGE = {
    queue: { cores: 0.02, busyCores: 0.16, mib: 130, busyMib: 60 },
    agent: { cores: 0.02, busyCores: 0.1, mib: 120, busyMib: 40 },
    report: { cores: 0.03, busyCores: 0.3, mib: 160, busyMib: 140 },
    cleanup: { cores: 0.01, busyCores: 0.06, mib: 100, busyMib: 20 },
} as const;

/** A pool's HPA as the stack file declares it: the pods it runs for a queue length. */
interface PoolHpa {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly queueLengthPerPod: number;
}

/**
 * A pool's total CPU (cores) and memory (bytes) over its pods, from its exported queue lengths:
 * the pods are what its HPA asks for (queue ÷ items a pod, rounded up, within its bounds).
 */
function poolUsage(pool: WorkerPoolName, lengths: readonly Point[], hpa: PoolHpa): Record<string, string> {
    const u = POOL_USAGE[pool];
    const at = (q: number) => {
        const pods = Math.min(hpa.maxReplicas, Math.max(hpa.minReplicas, Math.ceil(q / hpa.queueLengthPerPod)));
        const busy = Math.min(1, q / (pods * hpa.queueLengthPerPod));
        return { cores: pods * (u.cores + busy * u.busyCores), bytes: pods * (u.mib + busy * u.busyMib) * MiB };
    };
    return {
        [`worker-${pool}-cpu.csv`]: csv(lengths, (p) => n3(at(p.v).cores), unixStamp),
        [`worker-${pool}-memory.csv`]: csv(lengths, (p) => String(Math.round(at(p.v).bytes)), unixStamp),
    };
}

/**
 * The agent, report and cleanup pools' queue length and seconds per job, each from traces of its
 * own on the queue's window (`from`, 14 days): ELB requests (agent check-ins), tweets about FB
 * (reports, bursty), New York taxi rides (cleanup, a strong daily cycle, every 30 min), and
 * CloudWatch CPU traces as their job durations.
 */
function otherPools(dataDir: string, queueFactor: number, from: number, hpa: (pool: WorkerPoolName) => PoolHpa): Record<string, string> {
    const to = from + (QUEUE_TO - QUEUE_FROM);
    // The tweet traces cover the queue's window: they keep their own timestamps; the others start on it.
    const trace = (rel: string) => {
        const points = readCsv(dataDir, rel);
        return rel.startsWith("nab/realTweets/") ? points.filter((p) => p.t >= QUEUE_FROM && p.t < QUEUE_TO) : shiftTo(points, from, to);
    };
    const lengths = (rel: string, factor: number) => trace(rel).map((p) => ({ t: p.t, v: Math.round(p.v * factor * queueFactor) }));
    const seconds = (rel: string, factor: number) => csv(trace(rel), (p) => n3(p.v * factor), unixStamp);
    // Agent check-ins: ELB requests per 5 min × 0.3 (a steady daily cycle); report requests: FB
    // tweet volume × 0.2 (bursts); cleanup tasks: New York taxi rides per 30 min ÷ 1000.
    const agent = lengths("nab/realAWSCloudwatch/elb_request_count_8c0756.csv", 0.3);
    const report = lengths("nab/realTweets/Twitter_volume_FB.csv", 0.2);
    const cleanup = lengths("nab/realKnownCause/nyc_taxi.csv", 0.001);
    const whole = (points: readonly Point[]) => csv(points, (p) => String(p.v), unixStamp);
    return {
        "worker-agent.csv": whole(agent),
        // A check-in takes RDS CPU % × 0.4 s.
        "worker-agent-processing-time.csv": seconds("nab/realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv", 0.4),
        "worker-report.csv": whole(report),
        // A report takes the autoscaling group's CPU % × 0.5 s.
        "worker-report-processing-time.csv": seconds("nab/realKnownCause/cpu_utilization_asg_misconfiguration.csv", 0.5),
        "worker-cleanup.csv": whole(cleanup),
        // A task takes EC2 CPU % × 0.1 s.
        "worker-cleanup-processing-time.csv": seconds("nab/realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv", 0.1),
        ...poolUsage("agent", agent, hpa("agent")),
        ...poolUsage("report", report, hpa("report")),
        ...poolUsage("cleanup", cleanup, hpa("cleanup")),
    };
}

/** The demo export files of a stack, from the traces in `dataDir`. */
export function demoExports(stack: keyof typeof STACK_FACTORS, dataDir: string, root = ROOT): Record<string, string> {
    const k = STACK_FACTORS[stack];
    const nasa = readCsv(dataDir, "nasa_http/nasa_http_1995_requests_per_5min.csv");
    // Requests/s of the stack: the count per 5 min ÷ 300 × the stack's factor, rounded as exported.
    const rps = nasa.map((p) => ({ t: p.t, v: Number(n3((p.v / 300) * k.requests)) }));
    const inApi = (p: Point) => p.t >= API_FROM && p.t < API_TO;
    const api = rps.filter(inApi);
    const window = (what: string, n: number) => {
        if (!n)
            throw new CliError(`${what}: no points in the window this tool exports (exports/README.md); is it the trace named there?`, 1);
    };
    window(path.join(dataDir, "nasa_http/nasa_http_1995_requests_per_5min.csv"), api.length);
    const derived = (f: (r: number, i: number) => number) => api.map((p, i) => ({ t: p.t, v: f(p.v, i) }));
    /** A series derived from the requests/s `r` (point `i`): to 3 decimals, or rounded to a whole number. */
    const decimals = (f: (r: number, i: number) => number) => csv(derived(f), (p) => n3(p.v), unixStamp);
    const whole = (f: (r: number, i: number) => number) =>
        csv(
            derived((r, i) => Math.round(f(r, i))),
            (p) => String(p.v),
            unixStamp,
        );
    const firstApi = rps.findIndex(inApi);
    const trailingRequests = (i: number) => {
        let s = 0;
        for (let j = Math.max(0, firstApi + i - CACHE_TTL_POINTS + 1); j <= firstApi + i; j++) s += rps[j].v * 300;
        return s;
    };
    const latency = shiftTo(readCsv(dataDir, "nab/realKnownCause/ec2_request_latency_system_failure.csv"), API_FROM, API_TO);
    const amzn = readCsv(dataDir, "nab/realTweets/Twitter_volume_AMZN.csv");
    const queue = amzn.filter((p) => p.t >= QUEUE_FROM && p.t < QUEUE_TO);
    window(path.join(dataDir, "nab/realTweets/Twitter_volume_AMZN.csv"), queue.length);
    const queueLengths = queue.map((p) => ({ t: p.t, v: Math.round(p.v * k.queue) }));
    const jobs = shiftTo(readCsv(dataDir, "nab/realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv"), queue[0].t, QUEUE_TO);
    // Read after the traces (a missing trace is named first). The usage exports follow the pods the stack file runs (its worker HPAs, analytics' replicas).
    const config = readAppConfig(root, stack);
    const hpa = (pool: WorkerPoolName): PoolHpa => config.workers[pool];
    const analyticsPods = config.analytics.replicas;
    const pools = otherPools(dataDir, k.queue, queue[0].t, hpa);
    let written = 0;
    const stored = api.map((p) => ({ t: p.t, v: (written += p.v * 300 * SHARD_BYTES_PER_REQUEST) }));
    const perShard = (name: string, points: readonly Point[], f: (v: number, share: number) => number) =>
        queryRange(
            DEMO_SHARDS.map(({ shard, share }) => ({
                labels: { __name__: name, job: "sysmanage-shards", stack, shard },
                points: points.map((p) => ({ t: p.t, v: f(p.v, share) })),
            })),
        );
    const job = { job: "sysmanage-api", stack };
    return {
        "api-requests.query_range.json": queryRange([{ labels: { __name__: "sysmanage_http_requests_per_second", ...job }, points: api }]),
        // 2 ms of CPU per request plus 100m idle over the tier.
        "api-cpu.csv": decimals((r) => 0.1 + 0.002 * r),
        // 150 MiB of process memory plus 1 MiB of buffers per request/s.
        "api-memory.csv": whole((r) => 150 * MiB + r * MiB),
        // EC2 request latency (ms) as a p95 in seconds, × 4.
        "api-latency-p95.csv": csv(latency, (p) => n3((p.v / 1000) * 4), unixStamp),
        "worker-queue.csv": csv(queueLengths, (p) => String(p.v), dateStamp),
        ...poolUsage("queue", queueLengths, hpa("queue")),
        // EC2 CPU % as seconds per job, × 0.4.
        "worker-queue-processing-time.csv": csv(jobs, (p) => n3(p.v * 0.4), unixStamp),
        ...pools,
        // Analytics follows the traffic (reports on what the API serves): 80m and 450 MiB a pod at
        // rest, plus 0.3 ms of CPU and 0.25 MiB per request/s over the Deployment.
        "analytics-cpu.csv": decimals((r) => analyticsPods * 0.08 + 0.0003 * r),
        "analytics-memory.csv": whole((r) => analyticsPods * 450 * MiB + 0.25 * r * MiB),
        // 64 MiB of overhead plus the entries cached by the last 6 h of requests.
        "redis-memory-used.csv": whole((_, i) => 64 * MiB + trailingRequests(i) * k.redisBytesPerRequest),
        // 12 cache commands per request.
        "redis-ops.csv": decimals((r) => 12 * r),
        // 2 read queries per request plus 5/s of background reads.
        "postgres-read-queries.csv": decimals((r) => 5 + 2 * r),
        // Client connections: 10 per pooler at rest, plus 0.5 (writes) and 0.3 (reads) per request/s.
        "pooler-rw-clients.csv": whole((r) => 10 + 0.5 * r),
        "pooler-ro-clients.csv": whole((r) => 10 + 0.3 * r),
        // The analytics pooler: 5 client connections at rest plus 0.1 per request/s (reports follow the traffic).
        "pooler-analytics-clients.csv": whole((r) => 5 + 0.1 * r),
        // Per shard: 25 GiB at the start plus its share of 64 bytes per request since, in whole bytes.
        "shard-storage-bytes.query_range.json": perShard("sysmanage_shard_storage_bytes", stored, (v, share) =>
            Math.round(SHARD_BASE_BYTES + v * share),
        ),
        // Per shard: its share of 2.2 queries per request (2 reads, 0.2 writes).
        "shard-queries.query_range.json": perShard("sysmanage_shard_queries_per_second", api, (r, share) => 2.2 * r * share),
    };
}

/** The CLI; resolves to the exit code. */
export function main(argv: string[], io: Io = STDIO, root = ROOT): Promise<number> {
    return Promise.resolve(run(argv, io, root));
}

function run(argv: string[], io: Io, root: string): number {
    const program = new Command()
        .name("exports:demo")
        .description("Rewrite exports/<stack>/ (dev, staging, prod) from the public NASA and NAB traces (exports/README.md).")
        .requiredOption("--data <dir>", "folder holding the traces under the paths exports/README.md names");
    const parsed = parseCommand(program, argv, io);
    if (parsed !== undefined) return parsed;
    const { data } = program.opts<{ data: string }>();
    try {
        if (!fs.statSync(data, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`--data ${data}: is not a directory`, 2);
        // Every stack's files first: a missing or malformed trace writes nothing.
        const all = (Object.keys(STACK_FACTORS) as (keyof typeof STACK_FACTORS)[]).map((stack) => ({
            stack,
            files: demoExports(stack, path.resolve(data), root),
        }));
        for (const { stack, files } of all) {
            const dir = path.join(root, "exports", stack);
            for (const [name, text] of Object.entries(files)) writeFileAtomic(path.join(dir, name), text, `exports/${stack}/${name}`, 3);
            io.out(`exports/${stack}: ${Object.keys(files).join(", ")}`);
        }
        return 0;
    } catch (e) {
        if (e instanceof CliError) {
            io.err(`exports:demo failed: ${e.message}`);
            return e.code;
        }
        return internalError("exports:demo", e, io);
    }
}

if (require.main === module) runMain("exports:demo", main);
