/**
 * Redis Cluster settings, their memory model and the seed's cache scaling rules, as pure functions.
 */
import { quantityValue } from "../../policies/contract";
import { redisMemoryText, redisWorstCase, replicationBuffers, type RedisMemoryModel } from "../../policies/contract/redisMemory";

const MiB = 2 ** 20;

export interface RedisSettings {
    /** Container memory limit, a Kubernetes quantity. */
    readonly memoryLimit: string;
    /** Fraction of the limit Redis may fill with data; `redisMemoryModel` says whether the rest holds a fork. */
    readonly maxmemoryRatio: number;
    readonly evictionPolicy: string;
}

/** Redis directives (also written to the test servers' config). */
export function redisConfig(s: RedisSettings): Record<string, string> {
    if (s.maxmemoryRatio < 0.5 || s.maxmemoryRatio > 0.9)
        throw new Error(`redis maxmemoryRatio (${s.maxmemoryRatio}) must be within 0.5..0.9`);
    const limit = quantityValue(s.memoryLimit);
    const buf = replicationBuffers(s.memoryLimit);
    return {
        maxmemory: `${Math.floor((limit * s.maxmemoryRatio) / MiB)}mb`,
        // Issue 19, finding 6: only keys with a TTL are evicted (cache keys carry one; docs/data-tier.md).
        "maxmemory-policy": s.evictionPolicy,
        // Fail over a dead master after 5 s; keep serving the slots that are covered.
        "cluster-node-timeout": "5000",
        "cluster-require-full-coverage": "no",
        "cluster-allow-reads-when-down": "no",
        // Issue 19, finding 6: with 0 a replica cut off for any time won the failover (98 % of the
        // acknowledged writes lost). 10 × 5 s + the 10 s ping period: a replica whose link has been
        // down for more than 60 s does not take over; its shard waits for the master instead.
        "cluster-replica-validity-factor": "10",
        // Issue 19, finding 1: no RDB and no AOF (a cache, and the replicas hold the copy), so no
        // save forks every few minutes. `save ""` also clears the image's `save 900 1 / 300 10 /
        // 60 10000` and `appendonly no` its `appendonly yes` (redis-operator 0.26 with
        // persistenceEnabled writes both before including this file).
        save: "",
        appendonly: "no",
        // A full sync still forks; send it over the socket instead of writing it to the volume first.
        "repl-diskless-sync": "yes",
        "repl-backlog-size": String(buf.backlog),
        // In bytes and with the class names CONFIG GET prints, so the running value reads back as written.
        "client-output-buffer-limit": `normal 0 0 0 slave ${buf.replicaHard} ${buf.replicaSoft} 60 pubsub 33554432 8388608 60`,
        "lazyfree-lazy-eviction": "yes",
        "lazyfree-lazy-expire": "yes",
        "tcp-keepalive": "60",
    };
}

/** What a Redis container must hold at its worst moment (issue 19, finding 1), from the config. */
export interface RedisMemoryInput {
    /** Container memory limit, a Kubernetes quantity. */
    readonly memoryLimit: string;
    readonly maxmemoryRatio: number;
    /** See RedisMemoryBytes.forkCopyFraction. */
    readonly forkCopyFraction: number;
    readonly replicasPerMaster: number;
    /** The config key of the memory limit, for the refusal. @default "redis.memory" */
    readonly memoryKey?: string;
}

/** maxmemory as redisConfig renders it: whole MiB of the limit × ratio. */
const maxmemoryOf = (limit: number, ratio: number) => Math.floor((limit * ratio) / MiB) * MiB;

/** The worst case of the settings `redisConfig` renders for this input. */
export function redisMemoryModel(i: RedisMemoryInput): RedisMemoryModel {
    const limit = quantityValue(i.memoryLimit);
    const buf = replicationBuffers(i.memoryLimit);
    return redisWorstCase({
        limit,
        maxmemory: maxmemoryOf(limit, i.maxmemoryRatio),
        backlog: buf.backlog,
        replicaHard: buf.replicaHard,
        replicasPerMaster: i.replicasPerMaster,
        forkCopyFraction: i.forkCopyFraction,
    });
}

/** The largest maxmemoryRatio (two decimals) whose worst case fits the limit. */
export function largestMaxmemoryRatio(i: Omit<RedisMemoryInput, "maxmemoryRatio">): number {
    const limit = quantityValue(i.memoryLimit);
    const cap = redisMemoryModel({ ...i, maxmemoryRatio: 0 }).maxMaxmemory;
    let ratio = 0.99;
    while (ratio > 0 && maxmemoryOf(limit, ratio) > cap) ratio = Math.round((ratio - 0.01) * 100) / 100;
    return ratio;
}

/** The refusal (with the numbers) when the limit cannot hold the worst case; undefined when it can. */
export function redisMemoryProblem(i: RedisMemoryInput): string | undefined {
    const m = redisMemoryModel(i);
    if (m.headroom >= 0) return undefined;
    return (
        `${i.memoryKey ?? "redis.memory"} (${i.memoryLimit}) cannot hold the worst case of redis.maxmemoryRatio (${i.maxmemoryRatio}): ` +
        `${redisMemoryText(m, `redis.forkCopyFraction ${i.forkCopyFraction}`, i.replicasPerMaster)} > ${Math.round(m.limit / MiB)} MiB; ` +
        `set redis.maxmemoryRatio <= ${largestMaxmemoryRatio(i)} or raise ${i.memoryKey ?? "redis.memory"}`
    );
}

export interface CacheNodeStats {
    readonly healthy: boolean;
    /** Bytes used. */
    readonly memoryUsed: number;
    readonly opsPerSec: number;
}

export interface CacheThresholds {
    /** Bytes a node may hold (its maxmemory). */
    readonly maxMemoryPerNode: number;
    /** Seed: 0.8. */
    readonly memoryHigh: number;
    /** Seed: 10,000 ops/s per node. */
    readonly opsHigh: number;
    /** Seed: 0.3. */
    readonly memoryLow: number;
    /** Seed: 1,000 ops/s. */
    readonly opsLow: number;
    /** Seed: 70 % of nodes under both low marks. */
    readonly underutilizedShare: number;
    /** Seed: 0.6 memory after scaling. */
    readonly targetMemory: number;
    /** Seed: 3 masters at least. */
    readonly minMasters: number;
}

export const SEED_CACHE_THRESHOLDS: Omit<CacheThresholds, "maxMemoryPerNode"> = {
    memoryHigh: 0.8,
    opsHigh: 10_000,
    memoryLow: 0.3,
    opsLow: 1_000,
    underutilizedShare: 0.7,
    targetMemory: 0.6,
    minMasters: 3,
};

export interface CacheDecision {
    readonly action: "scale_out" | "scale_in" | "none";
    /** Masters wanted (before the one-shard-per-update step). */
    readonly masters: number;
    readonly reason: string;
}

/**
 * The seed's cache scaling rules over the masters' stats: memory above 80 % or more than 10k
 * ops/s on any node → scale out (to 60 % memory, and enough nodes for the ops); under 30 %
 * memory and 1k ops/s on at least 70 % of the nodes → scale in by one; never below 3 masters.
 */
export function cacheScalingDecision(masters: readonly CacheNodeStats[], t: CacheThresholds): CacheDecision {
    const healthy = masters.filter((m) => m.healthy);
    const n = masters.length;
    if (healthy.length === 0) return { action: "none", masters: Math.max(n, t.minMasters), reason: "no healthy node reported" };
    const totalMemory = healthy.reduce((s, m) => s + m.memoryUsed, 0);
    const maxOps = Math.max(...healthy.map((m) => m.opsPerSec));
    const totalOps = healthy.reduce((s, m) => s + m.opsPerSec, 0);
    const hot = healthy.some((m) => m.memoryUsed / t.maxMemoryPerNode > t.memoryHigh);
    if (hot || maxOps > t.opsHigh) {
        const forMemory = Math.ceil(totalMemory / (t.maxMemoryPerNode * t.targetMemory));
        const forOps = Math.ceil(totalOps / t.opsHigh);
        const want = Math.max(n + 1, forMemory, forOps, t.minMasters);
        return {
            action: "scale_out",
            masters: want,
            reason: hot ? `memory above ${t.memoryHigh * 100} % on a node` : `more than ${t.opsHigh} ops/s on a node`,
        };
    }
    // Never shrink while a master is down: its slots are being failed over.
    if (n > t.minMasters && healthy.length === n) {
        const idle = healthy.filter((m) => m.memoryUsed / t.maxMemoryPerNode < t.memoryLow && m.opsPerSec < t.opsLow).length;
        if (idle >= healthy.length * t.underutilizedShare) {
            return {
                action: "scale_in",
                masters: n - 1,
                reason: `${idle} of ${healthy.length} nodes under ${t.memoryLow * 100} % memory and ${t.opsLow} ops/s`,
            };
        }
    }
    return { action: "none", masters: Math.max(n, t.minMasters), reason: "within thresholds" };
}

/** A shard count the config asks for that the cluster cannot move to in one update. */
export class ShardJumpError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ShardJumpError";
    }
}

/**
 * A shard-count change moves one shard per update: resharding moves slots (and keys) while the
 * cluster serves, so bigger jumps are refused unless explicitly allowed.
 */
export function nextShardCount(current: number, desired: number, allowJump: boolean): number {
    if (desired < 3) throw new ShardJumpError(`redis masters (${desired}) must be >= 3`);
    if (current <= 0 || allowJump || Math.abs(desired - current) <= 1) return desired;
    throw new ShardJumpError(
        `redis.masters: changing from ${current} to ${desired} masters moves ${Math.abs(desired - current)} shards in one update; change by one per update or set redis.allowShardJump: true`,
    );
}
