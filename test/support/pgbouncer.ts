/**
 * Which PgBouncer the real-server tests run. The pinned pooler image runs PgBouncer 1.25.1; the
 * generated parameters include `max_prepared_statements` (issue 19), which PgBouncer < 1.21 refuses
 * ("unknown parameter", FATAL), and Debian 12's package is 1.18. So the tests run the first
 * pgbouncer >= 1.21 found in $SYSMANAGE_PGBOUNCER_DIR, /opt/pgbouncer-<version>/bin or $PATH, and
 * fail naming what they found otherwise.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pgbouncerIni, type IniDatabase } from "../../lib/data/pgbouncer";
import { freePorts, HOST, PgBouncer, Servers, SUPERUSER, userlist } from "./servers";

/** How a machine without one gets a pgbouncer >= 1.21 (Debian 13's source, about 30 s on 2 cores). */
export const PGBOUNCER_BUILD =
    "apt-get install -y libevent-dev libc-ares-dev libssl-dev pkg-config gcc make; apt-get source pgbouncer (trixie, 1.24.1); " +
    "./configure --prefix=/opt/pgbouncer-1.24.1 --without-pam --without-systemd && make && install -D pgbouncer /opt/pgbouncer-1.24.1/bin/pgbouncer";

/** A directory holding a pgbouncer >= 1.21, or an error naming the versions found. */
export function pgbouncerDir(): string {
    const opt = fs.existsSync("/opt")
        ? fs
              .readdirSync("/opt")
              .filter((d) => d.startsWith("pgbouncer-"))
              .map((d) => `/opt/${d}/bin`)
        : [];
    const dirs = [process.env.SYSMANAGE_PGBOUNCER_DIR ?? "", ...opt.sort().reverse(), ...(process.env.PATH ?? "").split(":")].filter(
        Boolean,
    );
    const found: string[] = [];
    for (const d of dirs) {
        const bin = path.join(d, "pgbouncer");
        if (!fs.existsSync(bin)) continue;
        const v = /PgBouncer (\d+)\.(\d+)/.exec(execFileSync(bin, ["--version"], { encoding: "utf8" }));
        found.push(`${bin} ${v?.[1]}.${v?.[2]}`);
        if (v && (Number(v[1]) > 1 || Number(v[2]) >= 21)) return d;
    }
    throw new Error(
        `no pgbouncer >= 1.21 (protocol-level prepared statements); found: ${found.join(", ") || "none"}; build one: ${PGBOUNCER_BUILD}`,
    );
}

/** Puts that pgbouncer first on this test process's PATH (PgBouncer.start execs `pgbouncer`). */
export function useModernPgbouncer(): void {
    const d = pgbouncerDir();
    if (!(process.env.PATH ?? "").startsWith(`${d}:`)) process.env.PATH = `${d}:${process.env.PATH}`;
}

/**
 * A PgBouncer on a free port in front of `databases`, with `parameters` and `poolMode`
 * (test-only: trust auth on loopback, the superuser as its admin); files `<name>.users` and
 * `<name>.pid` under the servers' root.
 */
export async function trustBouncer(
    servers: Servers,
    name: string,
    databases: readonly IniDatabase[],
    parameters: Record<string, string>,
    poolMode: string,
): Promise<PgBouncer> {
    const [port] = await freePorts(1);
    const b = new PgBouncer(servers, name, port);
    const authFile = `${servers.root}/${name}.users`;
    servers.writeFile(authFile, userlist({ [SUPERUSER]: "" }));
    const ini = pgbouncerIni({
        databases,
        parameters,
        poolMode,
        listenAddr: HOST,
        listenPort: port,
        extra: {
            auth_type: "trust",
            auth_file: authFile,
            admin_users: SUPERUSER,
            unix_socket_dir: "",
            pidfile: `${servers.root}/${name}.pid`,
        },
    });
    await b.start(ini, { user: SUPERUSER, password: "" });
    return b;
}
