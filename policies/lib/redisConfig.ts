/**
 * What a RedisCluster (redis-operator) runs with, read from its objects: the memory limit and the
 * directives of `redisConfig` (maxMemoryPercentOfLimit, the additionalRedisConfig ConfigMap,
 * dynamicConfig), for `redis-cluster-topology` and `redis-memory-bounded`.
 */
import { parseQuantity } from "./k8s";
import type { Indexed, StackIndex } from "../stackIndex";

/** Redis memory units: `1gb` = 1024^3, `1g` = 10^9, plain bytes otherwise. */
export function parseRedisBytes(v: string): number {
    const m = /^([0-9]+)(b|k|kb|m|mb|g|gb)?$/i.exec(v.trim());
    if (!m) return NaN;
    const unit: Record<string, number> = { "": 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
    return Number(m[1]) * unit[(m[2] ?? "").toLowerCase()];
}

/** The arguments of the last `<name> ...` line of a redis.conf text. */
export function directiveIn(conf: string, name: string): string | undefined {
    const re = new RegExp(`^\\s*${name}\\s+(.+?)\\s*$`, "i");
    const lines = conf
        .split("\n")
        .map((l) => re.exec(l)?.[1])
        .filter((x): x is string => x !== undefined);
    return lines[lines.length - 1];
}

/** The last `maxmemory <value>` line of a redis.conf text. */
export function maxmemoryIn(conf: string): string | undefined {
    const v = directiveIn(conf, "maxmemory");
    return v !== undefined && /^\S+$/.test(v) ? v : undefined;
}

export interface RedisRuntime {
    /** The memory limit as written, and in bytes. */
    readonly limitQuantity?: string;
    readonly limit: number;
    /** The directives in effect: the ConfigMap's, then dynamicConfig's (later lines win). */
    readonly conf: string;
    /** maxmemory in bytes and as written (`1064mb`, `52% of the limit`); undefined when none is set. */
    readonly maxmemory?: number;
    readonly shown: string;
    /** The ConfigMap additionalRedisConfig names when the stack does not declare it. */
    readonly missingConfigMap?: string;
}

/** The memory limit and directives of a RedisCluster. */
export function redisRuntime(ix: StackIndex, r: Indexed): RedisRuntime {
    const s = r.props.spec ?? {};
    const limitQuantity = (s.redisLeader?.resources ?? s.resources ?? s.kubernetesConfig?.resources)?.limits?.memory as string | undefined;
    const limit = limitQuantity === undefined ? NaN : parseQuantity(limitQuantity);
    const rc = s.redisLeader?.redisConfig ?? s.redisConfig ?? {};
    let maxmemory: number | undefined;
    let shown = "";
    if (rc.maxMemoryPercentOfLimit !== undefined) {
        maxmemory = (limit * Number(rc.maxMemoryPercentOfLimit)) / 100;
        shown = `${rc.maxMemoryPercentOfLimit}% of the limit`;
    }
    let fromConfigMap = "";
    let missingConfigMap: string | undefined;
    if (rc.additionalRedisConfig !== undefined) {
        const cm = ix.of("ConfigMap").find((c) => c.namespace === r.namespace && c.name === rc.additionalRedisConfig);
        if (cm) fromConfigMap = Object.values((cm.props.data ?? {}) as Record<string, string>).join("\n");
        else missingConfigMap = `${r.namespace}/${rc.additionalRedisConfig}`;
    }
    const conf = [fromConfigMap, ...((rc.dynamicConfig ?? []) as string[])].join("\n");
    const v = maxmemoryIn(conf);
    if (v !== undefined) [maxmemory, shown] = [parseRedisBytes(v), v];
    return { limitQuantity, limit, conf, maxmemory, shown, missingConfigMap };
}
