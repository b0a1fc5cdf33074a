import { pgParameter } from "../contract";
import { schema, stackRule } from "../lib/rule";
import { roleLoads } from "../lib/poolerLoads";
import { forEachKnown } from "../lib/unknown";

interface Config {
    headroom: number;
    dbUserPairs: number;
}

/** `pool-connection-budget`: poolers at their maximum fit the server's connection slots. */
export const poolConnectionBudget = stackRule<Config>(
    {
        name: "pool-connection-budget",
        description:
            "For each Postgres cluster, the poolers at their maximum instances x server connections per pod fit max_connections - superuser_reserved_connections - headroom; read (ro) pools count against each replica.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Lower default_pool_size / max_db_connections or pooler instances, or raise the cluster's max_connections.",
        configSchema: {
            properties: {
                headroom: schema.int(10, "Connections kept free for administration, replication and migrations."),
                dbUserPairs: schema.int(1, "Database/user pairs each pooler serves (a pool per pair).", 1),
            },
        },
    },
    (ix, cfg, report) => {
        const clusters = ix.of("Cluster").filter((c) => c.apiVersion === "postgresql.cnpg.io/v1");
        forEachKnown(ix.of("Pooler"), (p) => {
            const target = String(p.props.spec?.cluster?.name);
            if (!clusters.some((c) => c.namespace === p.namespace && c.name === target) && ix.unresolved.length === 0)
                report(
                    `${p.id}: spec.cluster.name ${target} names no Cluster in namespace ${p.namespace} of this stack; fix it or declare the Cluster.`,
                    p,
                );
        });
        forEachKnown(clusters, (c) => {
            const params = (c.props.spec?.postgresql?.parameters ?? {}) as Record<string, string>;
            const max = Number(pgParameter(params, "max_connections"));
            const reserved = Number(pgParameter(params, "superuser_reserved_connections"));
            const budget = max - reserved - cfg.headroom;
            const loads = roleLoads(ix, c, cfg.dbUserPairs);
            if (!loads) return; // a pooler with unknown fields: cannot check this cluster
            if (loads.roles.length === 1)
                for (const l of loads.all.filter((x) => x.type === "ro"))
                    report(`${l.pooler.id}: is a read (ro) pooler but ${c.id} has no replicas; use type rw or add instances.`, l.pooler);
            for (const { role, pools, load } of loads.roles) {
                if (load <= budget) continue;
                const breakdown = pools.map((l) => `${l.pooler.name}: ${l.pods} pods x ${l.perPod}`).join(", ");
                report(
                    `${c.id}: poolers at their maximum open up to ${load} server connections to ${role} (${breakdown}), above the budget of ${budget} (max_connections ${max} - superuser_reserved_connections ${reserved} - headroom ${cfg.headroom}); lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.`,
                    c,
                );
            }
        });
    },
);
