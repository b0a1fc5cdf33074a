import { PG_MEMORY_ANNOTATIONS, pgParameter, postgresMemoryModel, postgresMemoryText, PG_MEMORY_HEADROOM } from "../contract";
import { roleLoads } from "../lib/poolerLoads";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import type { Indexed } from "../stackIndex";

const MiB = 2 ** 20;

interface Config {
    nodesPerQuery: number;
    dbUserPairs: number;
}

/** A whole number ≥ 1 from an annotation: its value, what is wrong with it, or neither when absent. */
function annotationCount(c: Indexed, key: string): { value?: number; bad?: string } {
    const v = (c.props.metadata?.annotations ?? {})[key] as unknown;
    if (v === undefined) return {};
    if (typeof v !== "string") return { bad: JSON.stringify(v) };
    return /^[1-9][0-9]{0,5}$/.test(v) ? { value: Number(v) } : { bad: v };
}

/**
 * `pg-memory-bounded`: each instance's worst case (the memory model of issue 19, finding 2) fits
 * its memory limit with the model's headroom. The backends that may run queries at once are the
 * Cluster's `sysmanage.io/active-backends` annotation, which must cover what the poolers can open
 * to the busiest instance; without it, every connection but the superuser's reserve.
 */
export const pgMemoryBounded = stackRule<Config>(
    {
        name: "pg-memory-bounded",
        description:
            "Each CloudNativePG instance's worst case (shared_buffers, every connection, the active backends and parallel workers with work_mem x hash_mem_multiplier per sort/hash node, maintenance and autovacuum) fits its memory limit less 10 %.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Lower work_mem, max_connections or the poolers' server connections, or raise the instance's memory limit (the program sizes work_mem to fit: keep its parameters).",
        configSchema: {
            properties: {
                nodesPerQuery: schema.int(
                    2,
                    "Sort/hash nodes per query when the Cluster has no sysmanage.io/query-memory-nodes annotation.",
                    1,
                ),
                dbUserPairs: schema.int(1, "Database/user pairs each pooler serves (a pool per pair).", 1),
            },
        },
    },
    (ix, cfg, report) => {
        forEachKnown(
            ix.of("Cluster").filter((c) => c.apiVersion === "postgresql.cnpg.io/v1"),
            (c) => {
                const spec = c.props.spec ?? {};
                const limit = spec.resources?.limits?.memory as string | undefined;
                if (limit === undefined) {
                    report(
                        `${c.id}: has no memory limit; set spec.resources.limits.memory (equal to the request) so its worst case can be checked.`,
                        c,
                    );
                    return;
                }
                const parameters = (spec.postgresql?.parameters ?? {}) as Record<string, string>;
                const loads = roleLoads(ix, c, cfg.dbUserPairs);
                if (!loads) return; // a pooler with unknown fields
                const pooled = Math.max(0, ...loads.roles.map((r) => r.load));
                const active = annotationCount(c, PG_MEMORY_ANNOTATIONS.activeBackends);
                const nodes = annotationCount(c, PG_MEMORY_ANNOTATIONS.queryMemoryNodes);
                for (const [key, a] of [
                    [PG_MEMORY_ANNOTATIONS.activeBackends, active],
                    [PG_MEMORY_ANNOTATIONS.queryMemoryNodes, nodes],
                ] as const)
                    if (a.bad !== undefined) report(`${c.id}: annotation ${key} is "${a.bad}"; it must be a whole number >= 1.`, c);
                if (active.value !== undefined && active.value < pooled)
                    report(
                        `${c.id}: annotation ${PG_MEMORY_ANNOTATIONS.activeBackends} is ${active.value}, below the ${pooled} server connections its poolers may open to one instance; the memory model must count them all.`,
                        c,
                    );
                const maxConnections = Number(pgParameter(parameters, "max_connections"));
                const reserved = Number(pgParameter(parameters, "superuser_reserved_connections"));
                const input = {
                    memoryLimit: limit,
                    parameters,
                    activeBackends: Math.max(active.value ?? maxConnections - reserved, pooled),
                    nodesPerQuery: nodes.value ?? cfg.nodesPerQuery,
                };
                let m;
                try {
                    m = postgresMemoryModel(input);
                } catch (e) {
                    report(
                        `${c.id}: spec.postgresql.parameters: ${(e as Error).message}; write sizes like 512MB and counts as whole numbers.`,
                        c,
                    );
                    return;
                }
                if (m.headroom < 0) {
                    const lower = m.maxWorkMem >= MiB ? `lower work_mem to ${Math.floor(m.maxWorkMem / MiB)}MB or less, ` : "";
                    const assumed =
                        active.value === undefined
                            ? ` (without a ${PG_MEMORY_ANNOTATIONS.activeBackends} annotation every connection but the superuser reserve may run a query)`
                            : "";
                    report(
                        `${c.id}: each instance can use more memory than its limit ${limit} allows${assumed}: ${postgresMemoryText(input, m)} > ${Math.round(m.budget / MiB)} MiB (the limit less ${PG_MEMORY_HEADROOM * 100} %); ${lower}lower max_connections or the poolers' server connections, or raise the memory limit.`,
                        c,
                    );
                }
            },
        );
    },
);
