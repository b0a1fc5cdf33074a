import { ENVIRONMENT_FLOORS } from "../contract";
import { formatMemory } from "../lib/k8s";
import { redisRuntime } from "../lib/redisConfig";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    minMasters: number;
    minReplicasPerMaster: number;
    maxMemoryPercentOfLimit: number;
}

/** `redis-cluster-topology`: a Redis Cluster that survives a master loss and is never OOM-killed. */
export const redisClusterTopology = stackRule<Config>(
    {
        name: "redis-cluster-topology",
        description:
            "RedisClusters have at least 3 masters with at least one replica each, a memory limit, and maxmemory below that limit.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set spec.clusterSize >= 3, redisFollower.replicas >= masters, a memory limit, and maxmemory (redisConfig.maxMemoryPercentOfLimit or the additionalRedisConfig ConfigMap) below it.",
        configSchema: {
            properties: {
                minMasters: schema.int(3, "Fewest masters (Redis Cluster needs a majority to fail over).", 1),
                minReplicasPerMaster: schema.int(ENVIRONMENT_FLOORS.prod.redisReplicasPerMaster, "Fewest replicas per master."),
                maxMemoryPercentOfLimit: schema.int(
                    90,
                    "Highest maxmemory in % of the memory limit (room for replication buffers and fragmentation).",
                    1,
                ),
            },
        },
    },
    (ix, cfg, report) => {
        forEachKnown(
            ix.of("RedisCluster").filter((r) => r.apiVersion === "redis.redis.opstreelabs.in/v1beta2"),
            (r) => {
                const s = r.props.spec ?? {};
                const size = Number(s.clusterSize ?? 0);
                const masters = Number(s.redisLeader?.replicas ?? size);
                const replicas = Number(s.redisFollower?.replicas ?? size);
                if (masters < cfg.minMasters)
                    report(
                        `${r.id}: has ${masters} master(s), below ${cfg.minMasters}; set spec.clusterSize (or redisLeader.replicas) to ${cfg.minMasters} or more.`,
                        r,
                    );
                if (masters > 0 && Math.floor(replicas / masters) < cfg.minReplicasPerMaster)
                    report(
                        `${r.id}: has ${replicas} replica(s) for ${masters} master(s), fewer than ${cfg.minReplicasPerMaster} per master; set redisFollower.replicas to ${masters * cfg.minReplicasPerMaster} or more.`,
                        r,
                    );
                const rt = redisRuntime(ix, r);
                const limitQ = rt.limitQuantity;
                if (limitQ === undefined) {
                    report(`${r.id}: has no memory limit; set spec.kubernetesConfig.resources.limits.memory and a maxmemory below it.`, r);
                    return;
                }
                if (rt.missingConfigMap !== undefined) {
                    report(
                        `${r.id}: redisConfig.additionalRedisConfig names ConfigMap ${rt.missingConfigMap}, which is not declared in this stack; declare it with the maxmemory setting.`,
                        r,
                    );
                    return;
                }
                const { limit, maxmemory, shown } = rt;
                if (maxmemory === undefined) {
                    report(
                        `${r.id}: sets no maxmemory; set it below the memory limit (${limitQ}) with redisConfig.maxMemoryPercentOfLimit or the additionalRedisConfig ConfigMap, or Redis grows until it is OOM-killed.`,
                        r,
                    );
                    return;
                }
                const pct = Math.round((maxmemory / limit) * 100);
                if (!(pct <= cfg.maxMemoryPercentOfLimit))
                    report(
                        `${r.id}: maxmemory ${shown} (${formatMemory(maxmemory)}) is ${pct}% of the memory limit ${limitQ}, above ${cfg.maxMemoryPercentOfLimit}%; lower it to leave room for replication buffers and fragmentation.`,
                        r,
                    );
            },
        );
    },
);
