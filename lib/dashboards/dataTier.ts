/**
 * The "SysManage data tier" dashboard: Postgres connections against the connection budget and
 * replication lag per cluster, clients waiting and active per pooler, and per Redis Cluster its
 * memory against maxmemory, ops/s, evictions and cluster state. The lines are the plan's numbers.
 * Each query reads CloudNativePG's `cnpg_*` series or, with `or`, the community exporters' (the
 * names the alert rules accept, lib/alerts/dataTier.ts). Pure: plan/dashboards.ts builds the inputs.
 */
import type { Dashboard } from "@grafana/schema";
import { dashboard, type PanelSpec, type Section } from "./dashboard";
import { deploymentPods, eitherExporter, instancePods, matchers, redisPods } from "./promql";

export interface PostgresClusterView {
    readonly name: string;
    /** Server connections its poolers may open to its busiest instance (the budget's `used`). */
    readonly poolerConnections: number;
    readonly maxConnections: number;
    /** Replay lag its readers accept (max_standby_streaming_delay), seconds. */
    readonly maxLagSeconds: number;
}

export interface RedisView {
    readonly name: string;
    readonly maxmemoryBytes: number;
    /** Share of maxmemory the cache scales out at (the seed's 0.8). */
    readonly memoryHigh: number;
}

export interface DataTierDashboardInputs {
    readonly namespace: string;
    readonly environment: string;
    readonly postgres: readonly PostgresClusterView[];
    readonly poolers: readonly string[];
    readonly redis: readonly RedisView[];
}

/** `agg by (pod) (name{sel})` for each exporter's name of one quantity, the first that exists. */
const byPod = (agg: "sum" | "max", names: readonly string[], sel: string) =>
    eitherExporter(names.map((n) => `${agg} by (pod) (${n}{${sel}})`));

const series = (
    title: string,
    description: string,
    unit: string,
    queries: { expr: string; legend: string }[],
    lines = [] as { value: number; color: "orange" | "red" }[],
): PanelSpec => ({
    kind: "timeseries",
    spec: { title, description, unit, queries, lines },
});

function postgresPanels(ns: string, c: PostgresClusterView): PanelSpec[] {
    const sel = matchers({ namespace: ns }, { pod: instancePods(c.name) });
    return [
        series(
            `Postgres ${c.name}: connections vs budget`,
            `Client backends per instance. Orange: the ${c.poolerConnections} server connections its poolers may open (the connection budget, pooler max_db_connections × pods); red: max_connections ${c.maxConnections}.`,
            "short",
            [{ expr: byPod("sum", ["cnpg_backends_total", "pg_stat_database_numbackends"], sel), legend: "{{pod}}" }],
            [
                { value: c.poolerConnections, color: "orange" },
                { value: c.maxConnections, color: "red" },
            ],
        ),
        series(
            `Postgres ${c.name}: replication lag`,
            `Replay lag per instance (0 on the primary). Red: the ${c.maxLagSeconds} s its readers accept (max_standby_streaming_delay; alert SysmanagePostgresReplicationLag).`,
            "s",
            [
                {
                    expr: byPod("max", ["cnpg_pg_replication_lag", "pg_replication_lag", "pg_replication_lag_seconds"], sel),
                    legend: "{{pod}}",
                },
            ],
            [{ value: c.maxLagSeconds, color: "red" }],
        ),
    ];
}

function poolerPanel(ns: string, pooler: string): PanelSpec {
    const sel = matchers({ namespace: ns }, { pod: deploymentPods(pooler) });
    return series(
        `Pooler ${pooler}: clients waiting and active`,
        "Clients per PgBouncer pod with a server connection (active) and waiting for one (waiting > 0 for minutes: the pool is saturated; alert SysmanagePoolerClientsWaiting).",
        "short",
        [
            {
                expr: byPod(
                    "sum",
                    ["cnpg_pgbouncer_pools_cl_waiting", "pgbouncer_waiting_clients", "pgbouncer_pools_client_waiting_connections"],
                    sel,
                ),
                legend: "waiting {{pod}}",
            },
            {
                expr: byPod(
                    "sum",
                    ["cnpg_pgbouncer_pools_cl_active", "pgbouncer_active_clients", "pgbouncer_pools_client_active_connections"],
                    sel,
                ),
                legend: "active {{pod}}",
            },
        ],
    );
}

function redisPanels(ns: string, r: RedisView): PanelSpec[] {
    const sel = matchers({ namespace: ns }, { pod: redisPods(r.name) });
    const rate = (name: string) => `sum by (pod) (rate(${name}{${sel}}[5m]))`;
    return [
        series(
            `Redis ${r.name}: memory vs maxmemory`,
            `Used memory per node. Orange: ${r.memoryHigh * 100} % of maxmemory (the cache scales out; alert SysmanageRedisMemoryHigh); red: maxmemory ${r.maxmemoryBytes} bytes.`,
            "bytes",
            [{ expr: `redis_memory_used_bytes{${sel}}`, legend: "{{pod}}" }],
            [
                { value: Math.round(r.maxmemoryBytes * r.memoryHigh), color: "orange" },
                { value: r.maxmemoryBytes, color: "red" },
            ],
        ),
        series(`Redis ${r.name}: commands/s`, "Commands processed per second per node.", "ops", [
            { expr: rate("redis_commands_processed_total"), legend: "{{pod}}" },
        ]),
        series(
            `Redis ${r.name}: evictions/s`,
            "Keys evicted per second per node (only keys with a TTL under volatile-lru; none under noeviction).",
            "short",
            [{ expr: rate("redis_evicted_keys_total"), legend: "{{pod}}" }],
        ),
        {
            kind: "stat",
            spec: {
                title: `Redis ${r.name}: cluster state`,
                description:
                    "cluster_state as the worst node sees it: fail when slots are uncovered (alert SysmanageRedisClusterStateNotOk).",
                query: { expr: `min(redis_cluster_state{${sel}})`, legend: "state" },
                states: [
                    { value: 1, text: "ok", color: "green" },
                    { value: 0, text: "fail", color: "red" },
                ],
            },
        },
    ];
}

export function dataTierDashboard(i: DataTierDashboardInputs): Dashboard {
    const sections: Section[] = [
        { title: "PostgreSQL", panels: i.postgres.flatMap((c) => postgresPanels(i.namespace, c)) },
        { title: "PgBouncer", panels: i.poolers.map((p) => poolerPanel(i.namespace, p)) },
        { title: "Redis", panels: i.redis.flatMap((r) => redisPanels(i.namespace, r)) },
    ];
    return dashboard({
        uid: `sysmanage-data-tier-${i.environment}`,
        title: `SysManage data tier (${i.environment})`,
        description: "Postgres connections against the connection budget and replication lag, pooler clients, Redis memory, ops and state.",
        tags: ["sysmanage", "data-tier", i.environment],
        variables: [],
        sections: sections.filter((s) => s.panels.length > 0),
    });
}
