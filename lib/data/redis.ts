/**
 * Redis Cluster settings and the seed's cache scaling rules, as pure functions.
 */
import { quantityValue } from "../../policies/contract";

export interface RedisSettings {
    /** Container memory limit, a Kubernetes quantity. */
    readonly memoryLimit: string;
    /** Fraction of the limit Redis may fill with data (the rest: fragmentation, buffers, fork). */
    readonly maxmemoryRatio: number;
    readonly evictionPolicy: string;
}

/** Redis directives (also written to the test servers' config). */
export function redisConfig(s: RedisSettings): Record<string, string> {
    if (s.maxmemoryRatio < 0.5 || s.maxmemoryRatio > 0.9)
        throw new Error(`redis maxmemoryRatio (${s.maxmemoryRatio}) must be within 0.5..0.9`);
    const limit = quantityValue(s.memoryLimit);
    return {
        maxmemory: `${Math.floor((limit * s.maxmemoryRatio) / 2 ** 20)}mb`,
        "maxmemory-policy": s.evictionPolicy,
        // Fail over a dead master after 5 s; keep serving the slots that are covered.
        "cluster-node-timeout": "5000",
        "cluster-require-full-coverage": "no",
        "cluster-allow-reads-when-down": "no",
        // A replica that lost touch for long still takes over (cache data, availability first).
        "cluster-replica-validity-factor": "0",
        // Cache: RDB snapshots only; no AOF fsync cost on the hot path.
        appendonly: "no",
        save: "3600 1 300 100",
        "lazyfree-lazy-eviction": "yes",
        "lazyfree-lazy-expire": "yes",
        "tcp-keepalive": "60",
    };
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
