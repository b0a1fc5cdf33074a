/**
 * The seed's PgBouncer settings as one parameter object: what the program puts in each
 * CloudNativePG Pooler (`spec.pgbouncer.parameters`) and what the tests feed a real PgBouncer.
 *
 * Seed settings CloudNativePG cannot take, and what replaces them (docs/data-tier.md, "PgBouncer mapping"):
 * - `[databases]` aliases `sysmanage_write` / `sysmanage_read1..3`: one Pooler per role of
 *   the cluster instead (`-rw` to the primary, `-ro` load-balanced over the replicas), each a
 *   Service the app dials; the database name stays `sysmanage`.
 * - `auth_type md5` + `auth_file`: the operator's auth_query over TLS with SCRAM passwords.
 * - `admin_users` / `stats_users`: the operator's built-in metrics exporter (port 9127).
 * - `server_reset_query = DISCARD ALL`: only runs in session mode; in transaction mode it would
 *   need `server_reset_query_always`, which breaks nothing but costs a round trip per
 *   transaction; we keep PgBouncer's default (off) as the PgBouncer docs advise.
 * - `listen_addr`/`listen_port`: set by the operator (5432).
 *
 * Added to the seed: `max_prepared_statements` (issue 19, finding 4): the app's asyncpg prepares
 * every statement at the protocol level; through transaction pooling that needs PgBouncer
 * (>= 1.21) to track them, or pgbench -M prepared fails with "prepared statement P_0 already
 * exists". Set explicitly rather than left to the image's build default. `query_wait_timeout`
 * (issue 19, finding 7): PgBouncer's 120 s turned a saturated pool into two minutes of latency;
 * a client now gets an error after `pooler.queryWaitTimeoutSeconds` (10 s; the analytics pooler
 * `pooler.analyticsQueryWaitTimeoutSeconds`, 120 s).
 */
import type { PoolSizing } from "./connectionBudget";

/** The seed's pool settings that do not depend on the budget. */
export const PGBOUNCER_SEED = {
    poolMode: "transaction",
    max_client_conn: 1000,
    default_pool_size: 50,
    min_pool_size: 10,
    reserve_pool_size: 10,
    reserve_pool_timeout: 5,
    max_db_connections: 100,
    max_user_connections: 100,
    server_check_delay: 30,
    server_connect_timeout: 15,
    server_login_retry: 15,
    tcp_keepalive: 1,
    tcp_keepcnt: 3,
    tcp_keepidle: 600,
    tcp_keepintvl: 30,
    log_connections: 1,
    log_disconnections: 1,
    log_pooler_errors: 1,
    stats_period: 60,
} as const;

export interface PgbouncerSettings {
    readonly maxClientConn: number;
    readonly pool: PoolSizing;
    /** Protocol-level prepared statements PgBouncer tracks per server connection (> 0). */
    readonly maxPreparedStatements: number;
    /** Seconds a client may wait for a server connection before PgBouncer answers with an error. */
    readonly queryWaitTimeout: number;
}

/**
 * `spec.pgbouncer.parameters` of a Pooler: the seed's values, with the pool sizes from the
 * connection budget (max_db_connections caps each pod; max_user_connections likewise).
 */
export function pgbouncerParameters(s: PgbouncerSettings): Record<string, string> {
    const p = PGBOUNCER_SEED;
    const v: Record<string, number> = {
        max_client_conn: s.maxClientConn,
        default_pool_size: s.pool.defaultPoolSize,
        min_pool_size: s.pool.minPoolSize,
        reserve_pool_size: s.pool.reservePoolSize,
        reserve_pool_timeout: p.reserve_pool_timeout,
        max_db_connections: s.pool.maxDbConnections,
        max_user_connections: s.pool.maxDbConnections,
        max_prepared_statements: s.maxPreparedStatements,
        query_wait_timeout: s.queryWaitTimeout,
        server_check_delay: p.server_check_delay,
        server_connect_timeout: p.server_connect_timeout,
        server_login_retry: p.server_login_retry,
        tcp_keepalive: p.tcp_keepalive,
        tcp_keepcnt: p.tcp_keepcnt,
        tcp_keepidle: p.tcp_keepidle,
        tcp_keepintvl: p.tcp_keepintvl,
        log_connections: p.log_connections,
        log_disconnections: p.log_disconnections,
        log_pooler_errors: p.log_pooler_errors,
        stats_period: p.stats_period,
    };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

export interface IniDatabase {
    readonly alias: string;
    readonly host: string;
    readonly port: number;
    readonly dbname: string;
}

/**
 * A pgbouncer.ini from the same parameter object (for running a real PgBouncer in tests or by
 * hand): the `[databases]` section plus `[pgbouncer]` with our parameters and pool mode.
 */
export function pgbouncerIni(args: {
    readonly databases: readonly IniDatabase[];
    readonly parameters: Record<string, string>;
    readonly poolMode: string;
    readonly listenAddr: string;
    readonly listenPort: number;
    readonly extra: Record<string, string>;
}): string {
    const lines = ["[databases]"];
    for (const d of args.databases) lines.push(`${d.alias} = host=${d.host} port=${d.port} dbname=${d.dbname}`);
    lines.push("", "[pgbouncer]", `listen_addr = ${args.listenAddr}`, `listen_port = ${args.listenPort}`, `pool_mode = ${args.poolMode}`);
    for (const [k, v] of Object.entries({ ...args.parameters, ...args.extra })) lines.push(`${k} = ${v}`);
    return lines.join("\n") + "\n";
}
