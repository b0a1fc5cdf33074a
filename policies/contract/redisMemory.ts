/**
 * The memory of a Redis container at its worst moment (issue 19, finding 1): a fork (a replica's
 * full sync) copying pages on write while the replicas' output buffers fill. The program sizes
 * maxmemory with it and the policy pack checks a RedisCluster against it. Pure: no Pulumi.
 */
import { quantityValue } from "./grammar";

const MiB = 2 ** 20;

/** Allocator fragmentation over maxmemory (jemalloc; measured in test/integration/data/redisMemory.test.ts). */
export const REDIS_FRAGMENTATION = 0.1;
/**
 * Share of the data set a fork copies on write by default: 0.4 measured in the cluster (issue
 * 19), 0.48-0.57 in the real-server test at 10,000 writes/s; rounded up.
 */
export const DEFAULT_FORK_COPY_FRACTION = 0.6;
/** The process without data: code, dicts, client buffers of the app's connections. */
export const REDIS_BASE_BYTES = 16 * MiB;

/**
 * Replication buffers sized from the limit (whole MiB): the backlog lets a replica that
 * reconnects resume without a full sync (a fork); the replica output buffer holds the writes
 * made during a full sync and cuts the replica off past its hard limit.
 */
export function replicationBuffers(memoryLimit: string): { backlog: number; replicaHard: number; replicaSoft: number } {
    const mib = quantityValue(memoryLimit) / MiB;
    return { backlog: Math.floor(mib / 32) * MiB, replicaHard: Math.floor(mib / 16) * MiB, replicaSoft: Math.floor(mib / 32) * MiB };
}

/** A node's settings in bytes, as rendered (the pack reads them from the config). */
export interface RedisMemoryBytes {
    readonly limit: number;
    readonly maxmemory: number;
    /** repl-backlog-size. */
    readonly backlog: number;
    /** The hard limit of client-output-buffer-limit's replica class. */
    readonly replicaHard: number;
    /** Replicas of each master: each may hold a full output buffer during its sync. */
    readonly replicasPerMaster: number;
    /**
     * Fraction of the data set a fork (replica full sync, BGSAVE) copies on write while it runs:
     * at most the pages written meanwhile, writes/s × 4 KiB ÷ the rate the child serializes.
     */
    readonly forkCopyFraction: number;
}

export interface RedisMemoryModel {
    readonly limit: number;
    readonly maxmemory: number;
    readonly fragmentation: number;
    readonly forkCopy: number;
    readonly backlog: number;
    readonly replicaBuffers: number;
    readonly base: number;
    /** Sum of the above. */
    readonly worstCase: number;
    /** limit − worstCase (negative: the container can be OOM-killed). */
    readonly headroom: number;
    /** The largest maxmemory, in whole MiB, whose worst case fits the limit. */
    readonly maxMaxmemory: number;
}

/**
 * worst case = maxmemory × (1 + fragmentation + fork copy) + backlog + replicas × replica
 * output buffer (hard limit) + the process; the container limit must hold it.
 */
export function redisWorstCase(b: RedisMemoryBytes): RedisMemoryModel {
    const fixed = b.backlog + b.replicasPerMaster * b.replicaHard + REDIS_BASE_BYTES;
    const perByte = 1 + REDIS_FRAGMENTATION + b.forkCopyFraction;
    const worstCase = Math.round(b.maxmemory * perByte + fixed);
    return {
        limit: b.limit,
        maxmemory: b.maxmemory,
        fragmentation: Math.round(b.maxmemory * REDIS_FRAGMENTATION),
        forkCopy: Math.round(b.maxmemory * b.forkCopyFraction),
        backlog: b.backlog,
        replicaBuffers: b.replicasPerMaster * b.replicaHard,
        base: REDIS_BASE_BYTES,
        worstCase,
        headroom: b.limit - worstCase,
        maxMaxmemory: Math.max(0, Math.floor((b.limit - fixed) / perByte / MiB) * MiB),
    };
}

const mib = (b: number) => `${Math.round(b / MiB)} MiB`;

/** The worst case written out term by term; `forkSource` says where the fork copy fraction comes from. */
export function redisMemoryText(m: RedisMemoryModel, forkSource: string, replicasPerMaster: number): string {
    const perReplica = replicasPerMaster > 0 ? m.replicaBuffers / replicasPerMaster : 0;
    return (
        `maxmemory ${mib(m.maxmemory)} + fragmentation ${mib(m.fragmentation)} + fork copy-on-write ${mib(m.forkCopy)} ` +
        `(${forkSource}) + replication backlog ${mib(m.backlog)} + replica output buffers ` +
        `${replicasPerMaster} × ${mib(perReplica)} + process ${mib(m.base)} = ${mib(m.worstCase)}`
    );
}
