import { DEFAULT_FORK_COPY_FRACTION, redisMemoryText, redisWorstCase } from "../contract";
import { directiveIn, parseRedisBytes, redisRuntime } from "../lib/redisConfig";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    forkCopyPercent: number;
}

/** Redis's defaults: a 1mb backlog; replicas cut off past 256mb of output buffer. */
const DEFAULT_BACKLOG = "1mb";
const DEFAULT_REPLICA_HARD = 256 * 2 ** 20;

/** The hard limit of the replica class in a `client-output-buffer-limit` directive (`slave`/`replica <hard> <soft> <secs>`). */
export function replicaOutputHardLimit(directive: string | undefined): number {
    const m = /(?:^|\s)(?:slave|replica)\s+(\S+)\s+\S+\s+\S+/i.exec(directive ?? "");
    return m ? parseRedisBytes(m[1]) : DEFAULT_REPLICA_HARD;
}

/**
 * `redis-memory-bounded`: a node's worst moment (issue 19, finding 1: a fork copying pages while
 * the replicas' output buffers fill) fits its memory limit, from the directives it runs with.
 */
export const redisMemoryBounded = stackRule<Config>(
    {
        name: "redis-memory-bounded",
        description:
            "Each RedisCluster node's worst case (maxmemory with fragmentation and a fork's copy-on-write, the replication backlog, a full output buffer per replica, the process) fits its memory limit.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Lower maxmemory (the program's redis.maxmemoryRatio) or the replica output buffer's hard limit, or raise the memory limit.",
        configSchema: {
            properties: {
                forkCopyPercent: schema.int(
                    Math.round(DEFAULT_FORK_COPY_FRACTION * 100),
                    "% of the data set a fork copies on write while it runs (writes during a full sync).",
                ),
            },
        },
    },
    (ix, cfg, report) => {
        forEachKnown(
            ix.of("RedisCluster").filter((r) => r.apiVersion === "redis.redis.opstreelabs.in/v1beta2"),
            (r) => {
                const rt = redisRuntime(ix, r);
                // redis-cluster-topology reports a missing limit, ConfigMap or maxmemory.
                if (!Number.isFinite(rt.limit) || rt.maxmemory === undefined || rt.missingConfigMap !== undefined) return;
                const s = r.props.spec ?? {};
                const masters = Number(s.redisLeader?.replicas ?? s.clusterSize ?? 0);
                const replicas = Number(s.redisFollower?.replicas ?? s.clusterSize ?? 0);
                const replicasPerMaster = masters > 0 ? Math.ceil(replicas / masters) : 0;
                const forkCopyFraction = cfg.forkCopyPercent / 100;
                const m = redisWorstCase({
                    limit: rt.limit,
                    maxmemory: rt.maxmemory,
                    backlog: parseRedisBytes(directiveIn(rt.conf, "repl-backlog-size") ?? DEFAULT_BACKLOG),
                    replicaHard: replicaOutputHardLimit(directiveIn(rt.conf, "client-output-buffer-limit")),
                    replicasPerMaster,
                    forkCopyFraction,
                });
                if (m.headroom < 0)
                    report(
                        `${r.id}: a node can use more memory than its limit ${rt.limitQuantity} at its worst moment (a fork during writes): ${redisMemoryText(m, `forkCopyPercent ${cfg.forkCopyPercent}`, replicasPerMaster)} > ${Math.round(rt.limit / 2 ** 20)} MiB; lower maxmemory to ${Math.round(m.maxMaxmemory / 2 ** 20)}mb or less, or raise the memory limit.`,
                        r,
                    );
            },
        );
    },
);
