/** Cross-field rules of the data tier: what staging and prod require, and the connection budget's consistency. */
import type { AppConfig } from "../schema";
import { redisMemoryProblem } from "../../lib/data/redis";

/** Backups in prod; poolers and Redis replicas for HA outside dev; connection counts that fit together; Redis memory that holds a fork. */
export function dataProblems(c: AppConfig): string[] {
    const out: string[] = [];
    if (c.environment === "prod" && c.postgres.enabled && !c.postgres.backup.destinationPath)
        out.push(`postgres.backup.destinationPath ("") must be set in prod (backups to an object store are required)`);
    if (c.environment !== "dev") {
        for (const k of ["writeInstances", "readInstances", "analyticsInstances"] as const)
            if (c.pooler[k] < 2) out.push(`pooler.${k} (${c.pooler[k]}) must be >= 2 in ${c.environment}`);
        if (c.redis.enabled && c.redis.replicasPerMaster < 1)
            out.push(`redis.replicasPerMaster (${c.redis.replicasPerMaster}) must be >= 1 in ${c.environment}`);
    }
    if (c.redis.enabled) {
        const { memory: memoryLimit, maxmemoryRatio, forkCopyFraction, replicasPerMaster } = c.redis;
        const redisMemory = redisMemoryProblem({ memoryLimit, maxmemoryRatio, forkCopyFraction, replicasPerMaster });
        if (redisMemory) out.push(redisMemory);
        // The session store runs with the cache's ratios: its limit must hold the same worst case.
        const sessions = c.redis.sessions.enabled
            ? redisMemoryProblem({
                  memoryLimit: c.redis.sessions.memory,
                  maxmemoryRatio,
                  forkCopyFraction,
                  replicasPerMaster,
                  memoryKey: "redis.sessions.memory",
              })
            : undefined;
        if (sessions) out.push(sessions);
    }
    if (c.postgres.enabled && c.postgres.analytics.enabled && c.postgres.analytics.maxConnections < c.postgres.maxConnections)
        out.push(
            `postgres.analytics.maxConnections (${c.postgres.analytics.maxConnections}) must be >= postgres.maxConnections (${c.postgres.maxConnections}): a hot standby refuses to start with fewer connections than its primary`,
        );
    if (c.pooler.maxDbConnections < c.pooler.minPoolSize + c.pooler.reservePoolSize)
        out.push(
            `pooler.maxDbConnections (${c.pooler.maxDbConnections}) must be >= pooler.minPoolSize + pooler.reservePoolSize (${c.pooler.minPoolSize + c.pooler.reservePoolSize})`,
        );
    if (c.pooler.minPoolSize > c.pooler.defaultPoolSize)
        out.push(`pooler.minPoolSize (${c.pooler.minPoolSize}) must be <= pooler.defaultPoolSize (${c.pooler.defaultPoolSize})`);
    return out;
}
