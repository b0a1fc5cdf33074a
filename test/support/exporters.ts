/**
 * Debian's Prometheus exporters in front of the test servers, each on 127.0.0.1 with a free port,
 * started through a `Servers` (so `stopAll` stops them): prometheus-redis-exporter 1.45,
 * prometheus-postgres-exporter 0.11.1 and prometheus-pgbouncer-exporter 1.7. Each resolves once
 * its `/metrics` shows the series the alerts read.
 */
import type { ChildProcess } from "node:child_process";
import * as path from "node:path";
import { freePort, HOST, Servers, SUPERUSER, waitFor, type PgBouncer, type PgServer } from "./servers";

export interface Exporter {
    readonly name: string;
    readonly port: number;
    readonly child: ChildProcess;
    readonly logFile: string;
}

/** Waits until the exporter's `/metrics` has a line starting with `series` (its log's tail if it exits first). */
async function serving(e: Exporter, series: string, timeoutMs = 20_000): Promise<Exporter> {
    const exited = () => e.child.exitCode !== null || e.child.signalCode !== null;
    await waitFor(`${e.name} /metrics with ${series}`, timeoutMs, async () => {
        if (exited()) return "exited"; // waitFor retries on errors: stop polling at once
        const text = await (await fetch(`http://${HOST}:${e.port}/metrics`)).text();
        return text.split("\n").some((l) => l.startsWith(series)) ? "serving" : undefined;
    });
    if (exited()) throw new Error(`${e.name} exited:\n${Servers.tail(e.logFile)}`);
    return e;
}

async function spawnExporter(
    servers: Servers,
    name: string,
    cmd: string,
    args: (port: number) => string[],
    env?: Record<string, string>,
): Promise<Exporter> {
    const port = await freePort();
    const logFile = path.join(servers.root, `${name}.log`);
    const child = servers.spawn(name, cmd, args(port), logFile, { env });
    return { name, port, child, logFile };
}

/** redis_exporter against one redis-server (`redis_memory_used_bytes`, `redis_memory_max_bytes`, ...). */
export async function redisExporter(servers: Servers, name: string, redisPort: number): Promise<Exporter> {
    const e = await spawnExporter(servers, name, "prometheus-redis-exporter", (port) => [
        `-redis.addr=redis://${HOST}:${redisPort}`,
        `-web.listen-address=${HOST}:${port}`,
    ]);
    return serving(e, "redis_up 1");
}

/**
 * postgres_exporter against one PostgreSQL as the superuser, with the extra queries of
 * `queriesFile` (`--extend.query-path`). The bgwriter collector is off: 0.11.1 reads
 * pg_stat_bgwriter's checkpoint columns, which PostgreSQL 17 moved to pg_stat_checkpointer, and
 * logs an error on every scrape.
 */
export async function postgresExporter(servers: Servers, name: string, pg: PgServer, queriesFile: string): Promise<Exporter> {
    const e = await spawnExporter(
        servers,
        name,
        "prometheus-postgres-exporter",
        (port) => [`--web.listen-address=${HOST}:${port}`, `--extend.query-path=${queriesFile}`, "--no-collector.bgwriter"],
        { DATA_SOURCE_NAME: `postgresql://${SUPERUSER}@${HOST}:${pg.port}/postgres?sslmode=disable` },
    );
    return serving(e, "pg_up 1");
}

/**
 * Debian's prometheus-pgbouncer-exporter 1.7 (2015) reads columns that PgBouncer has since
 * renamed: SHOW STATS' `total_requests` (`total_query_count` since 1.8) and SHOW DATABASES'
 * `reserve_pool` (`reserve_pool_size` since 1.24). Against a current PgBouncer it dies at start
 * with a KeyError. This runs the package's own code with those two columns also given under
 * their old names; every collector, and the pools one `pgbouncer_waiting_clients` comes from, is
 * as shipped.
 */
const PGBOUNCER_EXPORTER = [
    "import sys",
    "from prometheus_pgbouncer_exporter import cli, collectors",
    "OLD = {'total_requests': 'total_query_count', 'reserve_pool': 'reserve_pool_size'}",
    "read = collectors.get_data_by_named_column",
    "collectors.get_data_by_named_column = lambda c, k: [{**{o: r[n] for o, n in OLD.items() if n in r}, **r} for r in read(c, k)]",
    "sys.argv[0] = 'prometheus-pgbouncer-exporter'",
    "cli.main()",
].join("\n");

/** pgbouncer exporter on PgBouncer's admin console as `user` (an admin_users entry; trust or PGPASSWORD). */
export async function pgbouncerExporter(servers: Servers, name: string, bouncer: PgBouncer, user: string): Promise<Exporter> {
    // Debian's interpreter: the package lives in /usr/lib/python3/dist-packages, which another python3 on $PATH does not read.
    const e = await spawnExporter(servers, name, "/usr/bin/python3", (port) => [
        "-c",
        PGBOUNCER_EXPORTER,
        `--host=${HOST}`,
        `--port=${port}`,
        `--pgbouncer-host=${HOST}`,
        `--pgbouncer-port=${bouncer.port}`,
        `--pgbouncer-user=${user}`,
    ]);
    return serving(e, "pgbouncer_waiting_clients");
}
