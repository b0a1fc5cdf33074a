/**
 * PgBouncer settings the program sets the same way on every pooler, whatever the connection budget
 * sizes: written out by hand once, for the tests that compare a rendered or planned pooler with
 * them (test/integration/data/{plan,render}.test.ts). Not read from the code under test.
 */
export const PGBOUNCER_FIXED = {
    // Not in the seed: asyncpg's protocol-level prepares need PgBouncer to track them (issue 19,
    // finding 4), and a wait for a server connection fails after 10 s instead of PgBouncer's 120 s (finding 7).
    max_prepared_statements: "200",
    query_wait_timeout: "10",
    server_check_delay: "30",
    server_connect_timeout: "15",
    server_login_retry: "15",
    tcp_keepalive: "1",
    tcp_keepcnt: "3",
    tcp_keepidle: "600",
    tcp_keepintvl: "30",
    log_connections: "1",
    log_disconnections: "1",
    log_pooler_errors: "1",
    stats_period: "60",
} as const;
