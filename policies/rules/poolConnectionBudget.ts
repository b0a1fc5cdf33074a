import { schema, stackRule } from "../lib/rule";
import { forEachKnown, known } from "../lib/unknown";
import { poolerMaxInstances, type StackIndex, type Indexed } from "../stackIndex";

interface Config {
    headroom: number;
    dbUserPairs: number;
}

/** PgBouncer and PostgreSQL defaults used when a parameter is not set. */
const PG_DEFAULTS = { max_connections: 100, superuser_reserved_connections: 3 };
const PGBOUNCER_DEFAULTS = { default_pool_size: 20, reserve_pool_size: 0 };

/** Server connections one PgBouncer pod opens at most: max_db_connections, else (pool + reserve) per db/user pair. */
export function serverConnectionsPerPod(pgbouncerParams: Record<string, string>, dbUserPairs: number): number {
    const maxDb = Number(pgbouncerParams.max_db_connections ?? 0);
    if (maxDb > 0) return maxDb;
    const pool = Number(pgbouncerParams.default_pool_size ?? PGBOUNCER_DEFAULTS.default_pool_size);
    const reserve = Number(pgbouncerParams.reserve_pool_size ?? PGBOUNCER_DEFAULTS.reserve_pool_size);
    return (pool + reserve) * dbUserPairs;
}

interface PoolLoad {
    readonly pooler: Indexed;
    readonly type: string;
    readonly pods: number;
    readonly perPod: number;
}

function loadOf(ix: StackIndex, p: Indexed, dbUserPairs: number): PoolLoad {
    const params = (p.props.spec?.pgbouncer?.parameters ?? {}) as Record<string, string>;
    return {
        pooler: p,
        type: String(p.props.spec?.type ?? "rw"),
        pods: poolerMaxInstances(ix, p),
        perPod: serverConnectionsPerPod({ ...params }, dbUserPairs),
    };
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
            const max = Number(params.max_connections ?? PG_DEFAULTS.max_connections);
            const reserved = Number(params.superuser_reserved_connections ?? PG_DEFAULTS.superuser_reserved_connections);
            const budget = max - reserved - cfg.headroom;
            const instances = Number(c.props.spec?.instances ?? 1);
            const mine = ix.of("Pooler").filter((p) => p.namespace === c.namespace && known(() => p.props.spec?.cluster?.name) === c.name);
            const loads = mine.map((p) => known(() => loadOf(ix, p, cfg.dbUserPairs)));
            if (loads.some((l) => l === undefined)) return; // a pooler with unknown fields: cannot check this cluster
            const all = loads as PoolLoad[];
            // rw pools reach the primary; ro pools reach replicas (all may land on one); r pools reach any.
            const roles: { role: string; pools: PoolLoad[] }[] = [{ role: "the primary", pools: all.filter((l) => l.type !== "ro") }];
            if (instances >= 2) roles.push({ role: "each replica", pools: all.filter((l) => l.type !== "rw") });
            else
                for (const l of all.filter((x) => x.type === "ro"))
                    report(`${l.pooler.id}: is a read (ro) pooler but ${c.id} has no replicas; use type rw or add instances.`, l.pooler);
            for (const { role, pools } of roles) {
                const load = pools.reduce((s, l) => s + l.pods * l.perPod, 0);
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
