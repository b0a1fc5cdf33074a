/**
 * Postgres parameters derived from the instance size and the connection budget, for
 * CloudNativePG's `spec.postgresql.parameters` (values are strings there). Pure.
 *
 * Rules of thumb an experienced DBA would use on dedicated pods (memory request = limit):
 * shared_buffers 25 % of memory, effective_cache_size 75 %, maintenance_work_mem ~5 % (cap
 * 2 GB), autovacuum_work_mem ~2 % per worker; work_mem is the largest that keeps the instance's
 * worst case within its limit (policies/contract/postgresMemory.ts, issue 19 finding 2): the
 * backends that may run queries at once, each with several sort/hash nodes of work_mem ×
 * hash_mem_multiplier, and the parallel workers they start.
 */
import { quantityValue } from "../../policies/contract";
import { PG_MEMORY_HEADROOM, postgresMemoryModel, postgresMemoryText } from "../../policies/contract/postgresMemory";

export type PostgresProfile = "oltp" | "analytics";

export interface PostgresSizing {
    /** Memory of the Postgres container (request = limit), a Kubernetes quantity. */
    readonly memory: string;
    /** CPU of the Postgres container, a Kubernetes quantity. */
    readonly cpu: string;
    /** max_connections, from the connection budget. */
    readonly maxConnections: number;
    readonly profile: PostgresProfile;
    /** WAL kept on the primary for lagging standbys (the analytics replica), e.g. 8GB. */
    readonly walKeepSize: string;
    /** Size of the WAL volume (a Kubernetes quantity): max_wal_size derives from it. */
    readonly walStorageSize: string;
    /** A hot standby needs max_worker_processes at least its primary's: pass the primary's. */
    readonly minWorkerProcesses?: number;
    /** Backends that may run queries at once: the poolers' server connections to one instance plus direct connections. */
    readonly activeBackends: number;
    /** Sort/hash nodes one query may run at once. */
    readonly nodesPerQuery: number;
    /** The config section the sizing comes from (`postgres`, `postgres.analytics`), for the refusal. */
    readonly configKey: string;
    /**
     * The section of maxConnections and queryMemoryNodes when not `configKey`'s: a shard's memory is
     * `sharding.postgres.memory`, its connections and query nodes `postgres.*`'s.
     */
    readonly connectionsKey?: string;
}

const MB = 2 ** 20;
/** A WAL segment (the initdb default CloudNativePG uses). */
const WAL_SEGMENT = 16 * MB;
const mb = (bytes: number) => `${Math.max(1, Math.floor(bytes / MB))}MB`;

export class WalVolumeError extends Error {}
/** An instance whose memory cannot hold its worst case even at the smallest work_mem. */
export class PostgresMemoryError extends Error {}

/** The smallest work_mem the program renders: below it, sorts and hashes of ordinary queries spill to disk. */
const MIN_WORK_MEM = 4 * MB;
/** The largest: OLTP queries gain nothing past it; analytics queries sort and hash more. */
const MAX_WORK_MEM = { oltp: 64 * MB, analytics: 1024 * MB } as const;

/** Share of the WAL volume left free beyond the worst case: max_wal_size is a soft limit a write burst overshoots. */
const WAL_HEADROOM = 0.1;

/** The WAL settings that bound what pg_wal holds (values as rendered, e.g. 4096MB, 8GB; -1 = unlimited). */
export interface WalRetention {
    readonly max_wal_size: string;
    readonly wal_keep_size: string;
    /** Absent = PostgreSQL's default, -1: replication slots retain WAL without limit. */
    readonly max_slot_wal_keep_size?: string;
}

/**
 * Why a WAL volume of `volume` (a Kubernetes quantity) can fill, or undefined. The worst case in
 * pg_wal is the WAL since the last checkpoint (max_wal_size) plus what is kept behind it: the
 * larger of wal_keep_size and what replication slots may keep (max_slot_wal_keep_size), with
 * WAL_HEADROOM to spare. A stalled archive_command retains WAL beyond any of these (PostgreSQL
 * has no cap for it): that is for monitoring (docs/data-tier.md).
 */
export function walVolumeProblem(volume: string, w: WalRetention): string | undefined {
    const vol = quantityValue(volume);
    const maxWal = walSizeBytes(w.max_wal_size);
    const keep = walSizeBytes(w.wal_keep_size);
    const budget = Math.floor((vol * (1 - WAL_HEADROOM)) / MB) * MB;
    const slot = w.max_slot_wal_keep_size ?? "-1";
    if (slot === "-1")
        return `max_slot_wal_keep_size is unlimited (-1): a replication slot of a dead replica keeps WAL until WAL volume ${volume} is full; set it to at most ${mb(budget - maxWal)} (${volume} less max_wal_size ${w.max_wal_size} and 10 % headroom)`;
    const slotKeep = walSizeBytes(slot);
    if (maxWal + Math.max(keep, slotKeep) <= budget) return undefined;
    if (keep >= slotKeep)
        return `WAL volume ${volume} cannot hold max_wal_size ${w.max_wal_size} + wal_keep_size ${w.wal_keep_size} with 10 % to spare; raise postgres.walStorageSize or lower postgres.walKeepSize`;
    return `WAL volume ${volume} cannot hold max_wal_size ${w.max_wal_size} + max_slot_wal_keep_size ${slot} (${mb(maxWal + slotKeep)}) with 10 % to spare (${mb(budget)}): a lagging replica's slot would fill it; lower max_slot_wal_keep_size to ${mb(budget - maxWal)} or raise postgres.walStorageSize`;
}

function walSizeBytes(v: string): number {
    const m = /^([0-9]+)(MB|GB)$/.exec(v);
    if (!m) throw new Error(`wal size (${v}) must be like 512MB or 8GB`);
    return Number(m[1]) * (m[2] === "GB" ? 1024 * MB : MB);
}

export function postgresParameters(s: PostgresSizing): Record<string, string> {
    const mem = quantityValue(s.memory);
    const cpus = Math.max(1, Math.floor(quantityValue(s.cpu)));
    if (!Number.isFinite(mem) || mem < 256 * MB) throw new Error(`postgres memory (${s.memory}) must be at least 256Mi`);
    if (s.maxConnections < 10) throw new Error(`postgres max_connections (${s.maxConnections}) must be >= 10`);
    const sharedBuffers = mem * 0.25;
    // WAL between checkpoints (max_wal_size) plus what is kept for standbys must fit the WAL
    // volume with room to spare, or a write burst fills it and Postgres stops.
    const walVolume = quantityValue(s.walStorageSize);
    const maxWal = Math.min(4096 * MB, Math.floor((walVolume * 0.4) / MB) * MB);
    // PostgreSQL needs at least two 16MB segments for each bound; CloudNativePG's webhook also
    // requires min_wal_size < max_wal_size (admission/cnpg.ts).
    if (maxWal < 4 * WAL_SEGMENT)
        throw new WalVolumeError(
            `WAL volume ${s.walStorageSize} gives max_wal_size ${mb(maxWal)}, below the ${mb(4 * WAL_SEGMENT)} minimum; raise postgres.walStorageSize`,
        );
    // Recycled WAL kept between checkpoints: 1GB, or a quarter of max_wal_size on a small volume.
    const minWal = Math.max(2 * WAL_SEGMENT, Math.min(1024 * MB, Math.floor(maxWal / 4 / MB) * MB));
    const keep = walSizeBytes(s.walKeepSize);
    // Issue 19 finding 5: CloudNativePG gives every standby a physical slot; a dead replica's slot
    // would keep WAL until the volume is full. Slots may keep what the volume holds beyond
    // max_wal_size and the headroom, in whole segments: the longest outage a replica survives
    // without a re-clone, and never more than the volume.
    const slotCap = Math.floor((walVolume * (1 - WAL_HEADROOM) - maxWal) / WAL_SEGMENT) * WAL_SEGMENT;
    const problem = walVolumeProblem(s.walStorageSize, {
        max_wal_size: mb(maxWal),
        wal_keep_size: s.walKeepSize,
        // Stryker disable next-line MethodExpression: walVolumeProblem checks max_wal_size + max(wal_keep_size, this): with min, keep where slotCap > keep, which fits as max_wal_size + slotCap does (slotCap is cut to fit); else keep either way.
        max_slot_wal_keep_size: mb(Math.max(slotCap, keep)),
    });
    if (problem) throw new WalVolumeError(problem);
    const maintenance = Math.min(2048 * MB, Math.max(64 * MB, mem * 0.05));
    const params: Record<string, string> = {
        max_connections: String(s.maxConnections),
        shared_buffers: mb(sharedBuffers),
        effective_cache_size: mb(mem * 0.75),
        // Replaced below by the largest that fits the memory model.
        work_mem: mb(MIN_WORK_MEM),
        hash_mem_multiplier: "2.0",
        maintenance_work_mem: mb(maintenance),
        // Explicit so the memory model reads what runs (PostgreSQL's default is 3 workers with
        // maintenance_work_mem each): PostgreSQL 17's vacuum stores dead tuples compactly.
        autovacuum_max_workers: "3",
        autovacuum_work_mem: mb(Math.min(maintenance, Math.max(16 * MB, mem * 0.02))),
        // WAL and checkpoints: spread writes, fewer forced checkpoints.
        wal_buffers: "16MB",
        min_wal_size: mb(minWal),
        max_wal_size: mb(maxWal),
        checkpoint_timeout: "15min",
        checkpoint_completion_target: "0.9",
        wal_compression: "on",
        wal_keep_size: s.walKeepSize,
        max_slot_wal_keep_size: mb(slotCap),
        // SSD-backed volumes.
        random_page_cost: "1.1",
        effective_io_concurrency: "200",
        max_worker_processes: String(Math.max(8, cpus, s.minWorkerProcesses ?? 0)),
        max_parallel_workers: String(cpus),
        max_parallel_workers_per_gather: String(Math.max(1, Math.floor(cpus / 2))),
        password_encryption: "scram-sha-256",
        log_min_duration_statement: s.profile === "oltp" ? "500ms" : "30s",
        log_checkpoints: "on",
        log_lock_waits: "on",
        // Issue 19 finding 7: no server-wide timeouts. They would also cancel migrations, index
        // builds and manual VACUUM (run as the owner/admin); the application login roles carry
        // statement_timeout and idle_in_transaction_session_timeout (lib/data/privileges.ts).
        statement_timeout: "0",
        idle_in_transaction_session_timeout: "0",
    };
    if (s.profile === "analytics") {
        // Long read-only queries on a standby: let replay wait for them as long as the analytics
        // role's statement_timeout (1h, privileges.ts) instead of cancelling them (the standby
        // falls behind; WAL retention on the primary and the archive let it catch up), and don't
        // feed their snapshots back to the primary (no bloat there).
        params.max_standby_streaming_delay = "1h";
        params.max_standby_archive_delay = "1h";
        params.hot_standby_feedback = "off";
    } else {
        // The main cluster's replicas are failover targets and serve the read role (statement
        // timeout 30s): replay waits at most that long for a query. Feedback stops VACUUM on the
        // primary from removing rows those reads still see (the common conflict); the bloat it
        // costs is bounded by the read role's 30s statement and 60s idle-in-transaction timeouts.
        params.max_standby_streaming_delay = "30s";
        params.max_standby_archive_delay = "30s";
        params.hot_standby_feedback = "on";
    }
    params.work_mem = mb(fittingWorkMem(s, params));
    return params;
}

/** The largest work_mem (whole MB, at most the profile's cap) whose worst case fits; refuses below MIN_WORK_MEM. */
function fittingWorkMem(s: PostgresSizing, params: Record<string, string>): number {
    const input = { memoryLimit: s.memory, parameters: params, activeBackends: s.activeBackends, nodesPerQuery: s.nodesPerQuery };
    const fits = Math.floor(postgresMemoryModel(input).maxWorkMem / MB) * MB;
    if (fits < MIN_WORK_MEM) {
        const k = s.configKey;
        const ck = s.connectionsKey ?? k;
        const atMin = postgresMemoryModel({ ...input, parameters: { ...params, work_mem: mb(MIN_WORK_MEM) } });
        throw new PostgresMemoryError(
            `${k}.memory (${s.memory}) cannot hold the worst case of ${ck}.maxConnections (${s.maxConnections}) even at work_mem ${mb(MIN_WORK_MEM)}: ` +
                `${postgresMemoryText(input, atMin)} > ${Math.round(atMin.budget / MB)} MiB (${s.memory} less ${PG_MEMORY_HEADROOM * 100} % headroom); ` +
                `raise ${k}.memory, or lower ${ck}.maxConnections, postgres.headroomConnections, pooler.activeBackendsPerCpu or ${ck}.queryMemoryNodes`,
        );
    }
    return Math.min(MAX_WORK_MEM[s.profile], fits);
}
