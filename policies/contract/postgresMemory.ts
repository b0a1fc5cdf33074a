/**
 * The memory of a PostgreSQL container at its worst moment (issue 19, finding 2), from the
 * parameters as rendered: what the program sizes `work_mem` with and the policy pack checks a
 * Cluster against. Pure: no Pulumi.
 *
 * worst case = shared memory (shared_buffers + wal_buffers)
 *            + every connection max_connections allows, idle (BACKEND_BASE_BYTES each)
 *            + the backends that may run queries at once and the parallel workers they may start,
 *              each with `nodes` sort/hash nodes of work_mem × hash_mem_multiplier
 *              (every node counted as a hash node) and ACTIVE_BACKEND_BYTES of executor state
 *            + one maintenance operation (maintenance_work_mem: CREATE INDEX, VACUUM by hand)
 *            + autovacuum_max_workers × autovacuum_work_mem (-1: maintenance_work_mem)
 *            + the processes without data (PROCESS_BASE_BYTES)
 * and it must stay within the container's memory limit less MEMORY_HEADROOM.
 */
import { quantityValue } from "./grammar";

const MiB = 2 ** 20;

/** Share of the memory limit the worst case leaves free (the page cache of the instance's own files, allocator slack). */
export const PG_MEMORY_HEADROOM = 0.1;
/**
 * An idle backend after the app's first queries (catalog and plan caches): 1.6-1.8 MiB of
 * private memory measured with PostgreSQL 17 (test/integration/data/postgresMemory.test.ts).
 */
export const BACKEND_BASE_BYTES = 2 * MiB;
/** A backend running a query beyond its sort/hash memory (executor state, tuple slots, I/O buffers): 6-7 MiB measured. */
export const ACTIVE_BACKEND_BYTES = 8 * MiB;
/**
 * The postmaster and its background processes (24 MiB measured here) and an allowance of
 * 100 MiB, not measured here, for CloudNativePG's instance manager in the same container.
 */
export const PROCESS_BASE_BYTES = 128 * MiB;

export interface PostgresMemoryInput {
    /** The container's memory limit, a Kubernetes quantity. */
    readonly memoryLimit: string;
    /** The instance's parameters as rendered (CloudNativePG's spec.postgresql.parameters). */
    readonly parameters: Readonly<Record<string, string>>;
    /** Backends that may run queries at once: the poolers' server connections to the instance plus direct connections. */
    readonly activeBackends: number;
    /** Sort/hash nodes one query may run at once, each with its own work_mem. */
    readonly nodesPerQuery: number;
}

export interface PostgresMemoryModel {
    readonly limit: number;
    /** limit × (1 − PG_MEMORY_HEADROOM). */
    readonly budget: number;
    readonly shared: number;
    readonly connections: number;
    readonly maxConnections: number;
    readonly parallelWorkers: number;
    readonly workMem: number;
    readonly hashMemMultiplier: number;
    readonly queries: number;
    readonly maintenance: number;
    readonly autovacuum: number;
    readonly autovacuumWorkers: number;
    readonly autovacuumWorkMem: number;
    readonly process: number;
    readonly worstCase: number;
    /** budget − worstCase (negative: the container can be OOM-killed). */
    readonly headroom: number;
    /** The largest work_mem, in bytes, whose worst case fits the budget (0 when nothing does). */
    readonly maxWorkMem: number;
}

/** PostgreSQL's defaults (PostgreSQL 17) for the parameters the model and the pack's rules read. */
export const PG_PARAMETER_DEFAULTS: Readonly<Record<string, string>> = {
    superuser_reserved_connections: "3",
    shared_buffers: "128MB",
    wal_buffers: "-1",
    max_connections: "100",
    work_mem: "4MB",
    hash_mem_multiplier: "2",
    maintenance_work_mem: "64MB",
    autovacuum_max_workers: "3",
    autovacuum_work_mem: "-1",
    max_parallel_workers: "8",
};

const UNITS: Record<string, number> = { B: 1, kB: 1024, MB: MiB, GB: 1024 * MiB, TB: 1024 ** 4 };

/** A memory parameter in bytes: `16MB`, `4GB`, `64kB`, or a bare number in the parameter's own unit (`unit` bytes). */
export function pgMemoryBytes(value: string, unit: number): number {
    const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(B|kB|MB|GB|TB)?\s*$/.exec(value);
    if (!m) return NaN;
    return Math.floor(Number(m[1]) * (m[2] ? UNITS[m[2]] : unit));
}

const KB = 1024;
const BLOCK = 8192;

/** A parameter as rendered, or PostgreSQL's default. */
export function pgParameter(p: Readonly<Record<string, string>>, name: string): string {
    return p[name] ?? PG_PARAMETER_DEFAULTS[name];
}

function numberParam(p: Readonly<Record<string, string>>, name: string): number {
    const v = pgParameter(p, name);
    return /^\s*[0-9]+(?:\.[0-9]+)?\s*$/.test(v) ? Number(v) : NaN;
}

/** The parameter behind each value of the model. */
const PARAMETER_OF = {
    sharedBuffers: "shared_buffers",
    walBuffers: "wal_buffers",
    maxConnections: "max_connections",
    workMem: "work_mem",
    hashMemMultiplier: "hash_mem_multiplier",
    maintenance: "maintenance_work_mem",
    autovacuumWorkers: "autovacuum_max_workers",
    autovacuumWorkMem: "autovacuum_work_mem",
    parallelWorkers: "max_parallel_workers",
} as const;

/** The parameters the model needs, in bytes and counts; names the first it cannot read. */
function parameterValues(p: Readonly<Record<string, string>>) {
    const sharedBuffers = pgMemoryBytes(pgParameter(p, "shared_buffers"), BLOCK);
    const walSetting = pgParameter(p, "wal_buffers");
    // wal_buffers -1: 1/32 of shared_buffers, at least 64kB, at most one 16MB WAL segment.
    const walBuffers =
        walSetting.trim() === "-1" ? Math.min(16 * MiB, Math.max(64 * KB, sharedBuffers / 32)) : pgMemoryBytes(walSetting, BLOCK);
    const maintenance = pgMemoryBytes(pgParameter(p, "maintenance_work_mem"), KB);
    const avSetting = pgParameter(p, "autovacuum_work_mem");
    const values = {
        sharedBuffers,
        walBuffers,
        maxConnections: numberParam(p, "max_connections"),
        workMem: pgMemoryBytes(pgParameter(p, "work_mem"), KB),
        hashMemMultiplier: numberParam(p, "hash_mem_multiplier"),
        maintenance,
        autovacuumWorkers: numberParam(p, "autovacuum_max_workers"),
        autovacuumWorkMem: avSetting.trim() === "-1" ? maintenance : pgMemoryBytes(avSetting, KB),
        parallelWorkers: numberParam(p, "max_parallel_workers"),
    };
    const bad = Object.entries(values).find(([, v]) => !Number.isFinite(v));
    return {
        values,
        bad: bad && `${PARAMETER_OF[bad[0] as keyof typeof values]} "${pgParameter(p, PARAMETER_OF[bad[0] as keyof typeof values])}"`,
    };
}

/** The worst case of an instance; throws naming a parameter it cannot read. */
export function postgresMemoryModel(i: PostgresMemoryInput): PostgresMemoryModel {
    const { values: v, bad } = parameterValues(i.parameters);
    if (bad) throw new Error(`cannot read ${bad} as a size or count`);
    const limit = quantityValue(i.memoryLimit);
    const budget = Math.floor(limit * (1 - PG_MEMORY_HEADROOM));
    const running = i.activeBackends + v.parallelWorkers;
    // Bytes per byte of work_mem: every running process may fill `nodes` hash tables.
    const perWorkMem = running * i.nodesPerQuery * v.hashMemMultiplier;
    const shared = v.sharedBuffers + v.walBuffers;
    const connections = (v.maxConnections + v.parallelWorkers) * BACKEND_BASE_BYTES;
    const executors = i.activeBackends * ACTIVE_BACKEND_BYTES;
    const autovacuum = v.autovacuumWorkers * v.autovacuumWorkMem;
    // Everything but work_mem itself.
    const fixed = shared + connections + executors + v.maintenance + autovacuum + PROCESS_BASE_BYTES;
    const queries = Math.round(perWorkMem * v.workMem) + executors;
    const worstCase = fixed - executors + queries;
    return {
        limit,
        budget,
        shared,
        connections,
        maxConnections: v.maxConnections,
        parallelWorkers: v.parallelWorkers,
        workMem: v.workMem,
        hashMemMultiplier: v.hashMemMultiplier,
        queries,
        maintenance: v.maintenance,
        autovacuum,
        autovacuumWorkers: v.autovacuumWorkers,
        autovacuumWorkMem: v.autovacuumWorkMem,
        process: PROCESS_BASE_BYTES,
        worstCase,
        headroom: budget - worstCase,
        maxWorkMem: perWorkMem > 0 ? Math.max(0, Math.floor((budget - fixed) / perWorkMem)) : Infinity,
    };
}

const mib = (b: number) => `${Math.round(b / MiB)} MiB`;

/** The worst case written out term by term: `2064 MiB shared + 300 connections × 2 MiB + ... = 6100 MiB`. */
export function postgresMemoryText(i: PostgresMemoryInput, m: PostgresMemoryModel): string {
    return (
        `shared_buffers + wal_buffers ${mib(m.shared)} + (${m.maxConnections} connections + ${m.parallelWorkers} parallel workers) × ${mib(BACKEND_BASE_BYTES)} + ` +
        `(${i.activeBackends} active backends + ${m.parallelWorkers} parallel workers) × ${i.nodesPerQuery} nodes × work_mem ${mib(m.workMem)} × hash_mem_multiplier ${m.hashMemMultiplier} + ` +
        `${i.activeBackends} × ${mib(ACTIVE_BACKEND_BYTES)} executor state + maintenance_work_mem ${mib(m.maintenance)} + ` +
        `autovacuum ${m.autovacuumWorkers} × ${mib(m.autovacuumWorkMem)} + processes ${mib(m.process)} = ${mib(m.worstCase)}`
    );
}

/** Why the instance can be OOM-killed (the worst case, term by term, against the limit less headroom), or undefined. */
export function postgresMemoryProblem(i: PostgresMemoryInput): string | undefined {
    const m = postgresMemoryModel(i);
    if (m.headroom >= 0) return undefined;
    return `memory ${i.memoryLimit} cannot hold the worst case: ${postgresMemoryText(i, m)} > ${mib(m.budget)} (the limit less ${PG_MEMORY_HEADROOM * 100} % headroom)`;
}
