/**
 * The server connections a CloudNativePG Cluster's poolers may open to each of its instances,
 * read from the Pooler objects of the stack: what `pool-connection-budget` fits into
 * max_connections and `pg-memory-bounded` counts as backends that may run queries at once.
 */
import { known } from "./unknown";
import { poolerMaxInstances, type Indexed, type StackIndex } from "../stackIndex";

/** PgBouncer's defaults used when a parameter is not set. */
const PGBOUNCER_DEFAULTS = { default_pool_size: 20, reserve_pool_size: 0 };

/** Server connections one PgBouncer pod opens at most: max_db_connections, else (pool + reserve) per db/user pair. */
export function serverConnectionsPerPod(pgbouncerParams: Record<string, string>, dbUserPairs: number): number {
    const maxDb = Number(pgbouncerParams.max_db_connections ?? 0);
    if (maxDb > 0) return maxDb;
    const pool = Number(pgbouncerParams.default_pool_size ?? PGBOUNCER_DEFAULTS.default_pool_size);
    const reserve = Number(pgbouncerParams.reserve_pool_size ?? PGBOUNCER_DEFAULTS.reserve_pool_size);
    return (pool + reserve) * dbUserPairs;
}

export interface PoolLoad {
    readonly pooler: Indexed;
    readonly type: string;
    readonly pods: number;
    readonly perPod: number;
}

/** The load of each instance role: rw pools reach the primary; ro pools reach replicas (all may land on one); r pools reach any. */
export interface RoleLoad {
    readonly role: "the primary" | "each replica";
    readonly pools: PoolLoad[];
    /** Sum over the pools of pods × server connections per pod. */
    readonly load: number;
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

/** The Poolers of the stack that name `cluster` (same namespace). */
export function poolersOf(ix: StackIndex, cluster: Indexed): Indexed[] {
    return ix.of("Pooler").filter((p) => p.namespace === cluster.namespace && known(() => p.props.spec?.cluster?.name) === cluster.name);
}

/** Per instance role, the poolers reaching it and their load; undefined when a pooler has unknown fields. */
export function roleLoads(ix: StackIndex, cluster: Indexed, dbUserPairs: number): { all: PoolLoad[]; roles: RoleLoad[] } | undefined {
    const loads = poolersOf(ix, cluster).map((p) => known(() => loadOf(ix, p, dbUserPairs)));
    if (loads.some((l) => l === undefined)) return undefined;
    const all = loads as PoolLoad[];
    const role = (name: RoleLoad["role"], pools: PoolLoad[]): RoleLoad => ({
        role: name,
        pools,
        load: pools.reduce((s, l) => s + l.pods * l.perPod, 0),
    });
    const roles = [
        role(
            "the primary",
            all.filter((l) => l.type !== "ro"),
        ),
    ];
    if (Number(cluster.props.spec?.instances ?? 1) >= 2)
        roles.push(
            role(
                "each replica",
                all.filter((l) => l.type !== "rw"),
            ),
        );
    return { all, roles };
}
