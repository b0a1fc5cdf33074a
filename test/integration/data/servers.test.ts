/**
 * Issue 3, "Proven on real servers": the data tier's generated settings run on real
 * PostgreSQL, PgBouncer and Redis servers started here on 127.0.0.1 (free ports, one temp dir,
 * everything stopped and removed in after()).
 *
 *   node --import tsx --test test/integration/data/servers.test.ts
 *
 * Each step logs its time ("[data-servers] ..."); those numbers go into the closing note.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { Cluster, type Redis } from "ioredis";
import { DATABASE, dataTierPlan, PG_CLUSTER, type DataTierPlan } from "../../../plan/dataTier";
import { pgbouncerIni } from "../../../lib/data/pgbouncer";
import { privilegeSql } from "../../../lib/data/privileges";
import { useModernPgbouncer } from "../../support/pgbouncer";
import {
    describeConfig,
    freePorts,
    HOST,
    parseClusterNodes,
    PgBouncer,
    PgServer,
    pgSettings,
    RedisNode,
    run,
    seconds,
    Servers,
    settingValue,
    sleep,
    stackAppConfig,
    userlist,
    waitFor,
    type ClusterNode,
} from "../../support/servers";

const log = (msg: string) => console.log(`[data-servers] ${msg}`);

/** Parameters a hot standby needs at least as high as its primary (else it refuses to replay). */
const STANDBY_MINIMUMS = [
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
] as const;
/** The analytics profile's standby settings (the rest of that profile sizes a separate cluster). */
const STANDBY_SETTINGS = ["max_standby_streaming_delay", "max_standby_archive_delay", "hot_standby_feedback"] as const;

const STACKS = ["dev", "staging", "prod"] as const;

/** Documented enum aliases the server shows by their canonical name (wal_compression: on = pglz since 15). */
const ENUM_ALIASES: Record<string, Record<string, string>> = { wal_compression: { on: "pglz", true: "pglz", yes: "pglz", "1": "pglz" } };
const canonical = (k: string, v: string) => ENUM_ALIASES[k]?.[v] ?? v;

const DEV: DataTierPlan = dataTierPlan(stackAppConfig("dev"));
const devPg = () => {
    assert.ok(DEV.postgres, "dev stack has postgres enabled");
    return DEV.postgres;
};

const password = () => randomBytes(24).toString("hex");

describe("PostgreSQL, PgBouncer: the dev stack's data tier on real servers", () => {
    let servers: Servers;
    let primaryP: Promise<PgServer> | undefined;
    let replicaP: Promise<PgServer> | undefined;
    let rolesP: Promise<Record<string, string>> | undefined;

    before(() => {
        // The plan's parameters include max_prepared_statements, which PgBouncer < 1.21 refuses.
        useModernPgbouncer();
        servers = new Servers("sysmanage-pg-");
    });
    after(async () => {
        const t = performance.now();
        const steps = await servers.stopAll();
        log(`postgres/pgbouncer teardown: ${seconds(t)} s (${steps.join(", ")})`);
    });

    /** The primary, started once with the dev stack's main-cluster parameters. */
    const primary = () =>
        (primaryP ??= (async () => {
            let t = performance.now();
            const p = await PgServer.init(servers, "primary");
            log(`initdb: ${seconds(t)} s`);
            t = performance.now();
            await p.start(devPg().main.parameters);
            log(`primary start with dev parameters: ${seconds(t)} s`);
            const c = await p.connect();
            await c.query(`CREATE DATABASE ${DATABASE}`);
            await c.end();
            return p;
        })());

    /** A streaming replica of the primary with the main parameters plus the analytics profile's standby settings. */
    const replica = () =>
        (replicaP ??= (async () => {
            const p = await primary();
            const t = performance.now();
            const r = await PgServer.basebackup(servers, p, "replica");
            const analytics = devPg().analytics?.parameters ?? {};
            const standby = Object.fromEntries(STANDBY_SETTINGS.filter((k) => k in analytics).map((k) => [k, analytics[k]]));
            await r.start({ ...devPg().main.parameters, ...standby });
            log(`pg_basebackup + replica start: ${seconds(t)} s`);
            return r;
        })());

    /** privilegeSql applied on the primary (as the superuser), with fresh passwords; resolves to them. */
    const roles = () =>
        (rolesP ??= (async () => {
            const p = await primary();
            const plan = devPg().privileges;
            const passwords = Object.fromEntries(plan.roles.map((r) => [r.role, password()]));
            const c = await p.connect({ database: plan.database });
            try {
                for (const sql of privilegeSql(plan, passwords)) await c.query(sql);
                // Migrations run as the owner: the app's table is created after the grants.
                await c.query(`SET ROLE ${plan.owner}`);
                await c.query(
                    `CREATE TABLE ${plan.schema}.hosts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, seen int NOT NULL DEFAULT 0)`,
                );
                await c.query(
                    `CREATE TABLE ${plan.schema}.pool_load (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, client int NOT NULL, n int NOT NULL)`,
                );
                await c.query("RESET ROLE");
            } finally {
                await c.end();
            }
            return passwords;
        })());

    describe("1. parameters are valid", () => {
        test("every parameter of every stack exists in PostgreSQL of the major version the image pins (17) and is within its range/enum", async () => {
            const server = await primary();
            const t = performance.now();
            const described = describeConfig();
            const c = await server.connect();
            const version = (await c.query<{ server_version: string }>("SHOW server_version")).rows[0].server_version;
            const settings = await pgSettings(c);
            await c.end();
            // The server under test is the one users run: the image's major version.
            const pinned = /:(\d+)\.\d+/.exec(stackAppConfig("prod").postgres.image)?.[1];
            assert.equal(version.split(".")[0], pinned, `server ${version}, image ${stackAppConfig("prod").postgres.image}`);
            assert.equal(version.split(".")[0], "17");
            const problems: string[] = [];
            let checked = 0;
            for (const stack of STACKS) {
                const pg = dataTierPlan(stackAppConfig(stack)).postgres;
                assert.ok(pg, `${stack}: postgres enabled`);
                for (const cluster of [pg.main, ...(pg.analytics ? [pg.analytics] : [])]) {
                    for (const [k, v] of Object.entries(cluster.parameters)) {
                        checked++;
                        const s = settings.get(k);
                        if (!described.has(k) || !s) {
                            problems.push(`${stack} ${cluster.name}: ${k} is not a parameter of PostgreSQL ${version}`);
                            continue;
                        }
                        if (s.context === "internal") problems.push(`${stack} ${cluster.name}: ${k} cannot be set (internal)`);
                        try {
                            settingValue(s, v);
                        } catch (e) {
                            problems.push(`${stack} ${cluster.name}: ${(e as Error).message}`);
                        }
                    }
                }
            }
            assert.deepEqual(problems, []);
            assert.ok(checked > 40, `checked ${checked} parameters`);
            log(
                `parameter check (${checked} values, 3 stacks, installed PostgreSQL ${version}; pinned image ${stackAppConfig("dev").postgres.image}): ${seconds(t)} s`,
            );
        });

        test("the checker converts units like the server and rejects what the server would", async () => {
            const c = await (await primary()).connect();
            const settings = await pgSettings(c);
            await c.end();
            const s = (k: string) => settings.get(k)!;
            assert.equal(settingValue(s("shared_buffers"), "2048MB"), "262144"); // unit 8kB
            assert.equal(settingValue(s("shared_buffers"), "2GB"), "262144");
            assert.equal(settingValue(s("checkpoint_timeout"), "15min"), "900"); // unit s
            assert.equal(settingValue(s("statement_timeout"), "1h"), "3600000"); // unit ms
            assert.equal(settingValue(s("max_wal_size"), "4GB"), "4096"); // unit MB
            assert.equal(settingValue(s("hot_standby_feedback"), "off"), "off");
            assert.equal(settingValue(s("checkpoint_completion_target"), "0.9"), "0.9");
            assert.throws(() => settingValue(s("shared_buffers"), "64kB"), {
                message: "shared_buffers: 64kB (8 8kB) is outside 16..1073741823",
            });
            assert.throws(() => settingValue(s("checkpoint_timeout"), "2d"), {
                message: "checkpoint_timeout: 2d (172800 s) is outside 30..86400",
            });
            assert.throws(() => settingValue(s("checkpoint_completion_target"), "1.5"), {
                message: "checkpoint_completion_target: 1.5 (1.5 ) is outside 0..1",
            });
            assert.throws(() => settingValue(s("work_mem"), "30s"), { message: "work_mem: unit s is not a memory unit" });
            assert.throws(() => settingValue(s("max_connections"), "300MB"), {
                message: "max_connections: 300MB has a unit, the parameter has none",
            });
            assert.throws(() => settingValue(s("work_mem"), "1.5kB"), { message: "work_mem: 1.5kB is not a whole number of kB (1.5)" });
            assert.throws(() => settingValue(s("password_encryption"), "md6"), {
                message: "password_encryption: md6 is not one of md5, scram-sha-256",
            });
            assert.throws(() => settingValue(s("log_checkpoints"), "sometimes"), {
                message: "log_checkpoints: sometimes is not a boolean",
            });
        });

        test("the dev stack's main-cluster parameters start a real primary and SHOW returns them", async () => {
            const p = await primary();
            const c = await p.connect();
            const settings = await pgSettings(c);
            const mismatches: string[] = [];
            for (const [k, v] of Object.entries(devPg().main.parameters)) {
                const shown = (await c.query(`SHOW ${k}`)).rows[0][k] as string;
                const s = settings.get(k)!;
                if (settingValue(s, shown) !== canonical(k, settingValue(s, v))) mismatches.push(`${k}: planned ${v}, SHOW ${shown}`);
                // The value comes from our file, not a default.
                const src = await c.query<{ source: string }>("SELECT source FROM pg_settings WHERE name = $1", [k]);
                if (src.rows[0].source !== "configuration file") mismatches.push(`${k}: source ${src.rows[0].source}`);
            }
            await c.end();
            assert.deepEqual(mismatches, []);
            const m = devPg().main;
            log(
                `dev primary runs unscaled: memory ${m.memory}, shared_buffers ${m.parameters.shared_buffers}, max_connections ${m.parameters.max_connections}`,
            );
        });

        test("max_connections holds the connection budget of the primary (poolers + reserved + headroom)", async () => {
            const pg = devPg();
            const primaryBudget = pg.budgets.find((b) => b.target === `${PG_CLUSTER} primary`)!;
            const c = await (await primary()).connect();
            const maxConnections = Number((await c.query("SHOW max_connections")).rows[0].max_connections);
            const reserved = Number((await c.query("SHOW superuser_reserved_connections")).rows[0].superuser_reserved_connections);
            await c.end();
            assert.equal(maxConnections, primaryBudget.maxConnections);
            assert.ok(primaryBudget.used <= primaryBudget.available, `used ${primaryBudget.used} <= available ${primaryBudget.available}`);
            assert.ok(
                primaryBudget.available <= maxConnections - reserved,
                `available ${primaryBudget.available} <= ${maxConnections} - ${reserved}`,
            );
        });
    });

    describe("2. replication works with our settings", () => {
        test("a pg_basebackup streaming replica is in recovery, serves reads, rejects writes, and sees new rows within seconds", async () => {
            const p = await primary();
            const r = await replica();
            const pc = await p.connect({ database: DATABASE });
            const rc = await r.connect({ database: DATABASE });
            try {
                assert.equal((await rc.query("SELECT pg_is_in_recovery() AS r")).rows[0].r, true);
                assert.equal((await pc.query("SELECT pg_is_in_recovery() AS r")).rows[0].r, false);
                for (const k of STANDBY_SETTINGS) {
                    const planned = devPg().analytics?.parameters[k];
                    if (planned === undefined) continue;
                    const s = (await pgSettings(rc)).get(k)!;
                    assert.equal(settingValue(s, (await rc.query(`SHOW ${k}`)).rows[0][k]), settingValue(s, planned), k);
                }
                await pc.query("CREATE TABLE public.replication_probe (id int PRIMARY KEY, note text)");
                await pc.query("INSERT INTO public.replication_probe VALUES (1, 'before')");
                await waitFor("the table on the replica", 10_000, async () =>
                    (await rc.query("SELECT to_regclass('public.replication_probe') AS t")).rows[0].t ? true : undefined,
                );
                assert.deepEqual((await rc.query("SELECT id, note FROM public.replication_probe ORDER BY id")).rows, [
                    { id: 1, note: "before" },
                ]);
                await assert.rejects(rc.query("INSERT INTO public.replication_probe VALUES (2, 'on the replica')"), {
                    message: "cannot execute INSERT in a read-only transaction",
                });
                const t = performance.now();
                await pc.query("INSERT INTO public.replication_probe VALUES (3, 'after')");
                await waitFor(
                    "row 3 on the replica",
                    5000,
                    async () =>
                        (await rc.query("SELECT note FROM public.replication_probe WHERE id = 3")).rows[0]?.note === "after"
                            ? true
                            : undefined,
                    20,
                );
                log(`row visible on the replica after ${seconds(t)} s`);
                const rep = await pc.query("SELECT state, sync_state FROM pg_stat_replication");
                assert.deepEqual(rep.rows, [{ state: "streaming", sync_state: "async" }]);
            } finally {
                await pc.end();
                await rc.end();
            }
        });

        test("the analytics profile can run as a standby of the main cluster (hot-standby minimums at least the primary's)", async () => {
            const pg = devPg();
            assert.ok(pg.analytics, "dev stack has the analytics replica");
            // The pure rule first, for every stack: a clear message naming the parameter.
            const problems: string[] = [];
            for (const stack of STACKS) {
                const s = dataTierPlan(stackAppConfig(stack)).postgres!;
                if (!s.analytics) continue;
                for (const k of STANDBY_MINIMUMS) {
                    const a = s.analytics.parameters[k];
                    const m = s.main.parameters[k];
                    if (a !== undefined && m !== undefined && Number(a) < Number(m))
                        problems.push(`${stack}: ${s.analytics.name} ${k} = ${a} < ${s.main.name} ${k} = ${m}`);
                }
            }
            // Then the real thing: a standby of the dev primary with the whole analytics profile.
            const p = await primary();
            const t = performance.now();
            const a = await PgServer.basebackup(servers, p, "analytics");
            try {
                await a.start(pg.analytics.parameters, 30_000);
                const c = await a.connect();
                assert.equal((await c.query("SELECT pg_is_in_recovery() AS r")).rows[0].r, true);
                await c.end();
            } catch (e) {
                const detail = /DETAIL: +(.*)/.exec(String((e as Error).message))?.[1];
                problems.push(`the analytics standby did not start: ${detail ?? (e as Error).message.split("\n")[0]}`);
            } finally {
                await a.stop();
                log(`analytics-profile standby attempt: ${seconds(t)} s`);
            }
            assert.deepEqual(problems, []);
        });
    });

    describe("4. privileges mean what they say", () => {
        test("read role: SELECT only; write role: DML, no DDL; tables created later are readable by the read role", async () => {
            const plan = devPg().privileges;
            const passwords = await roles();
            const p = await primary();
            const s = plan.schema;
            const as = (role: string) => p.connect({ user: role, password: passwords[role], database: plan.database });
            const write = await as("sysmanage_write");
            const read = await as("sysmanage_read");
            const analytics = await as("sysmanage_analytics");
            try {
                await write.query(`INSERT INTO ${s}.hosts (name) VALUES ('a'), ('b')`);
                assert.equal((await write.query(`UPDATE ${s}.hosts SET seen = seen + 1 WHERE name = 'a'`)).rowCount, 1);
                assert.equal((await write.query(`DELETE FROM ${s}.hosts WHERE name = 'b'`)).rowCount, 1);
                await assert.rejects(write.query(`CREATE TABLE ${s}.x (id int)`), { message: `permission denied for schema ${s}` });
                await assert.rejects(write.query("CREATE TABLE public.x (id int)"), { message: "permission denied for schema public" });
                await assert.rejects(write.query(`DROP TABLE ${s}.hosts`), { message: "must be owner of table hosts" });
                await assert.rejects(write.query(`TRUNCATE ${s}.hosts`), { message: "permission denied for table hosts" });

                assert.deepEqual((await read.query(`SELECT name, seen FROM ${s}.hosts ORDER BY name`)).rows, [{ name: "a", seen: 1 }]);
                await assert.rejects(read.query(`INSERT INTO ${s}.hosts (name) VALUES ('c')`), {
                    message: "permission denied for table hosts",
                });
                await assert.rejects(read.query(`UPDATE ${s}.hosts SET seen = 0`), { message: "permission denied for table hosts" });
                await assert.rejects(read.query(`DELETE FROM ${s}.hosts`), { message: "permission denied for table hosts" });
                await assert.rejects(read.query(`CREATE TABLE ${s}.y (id int)`), { message: `permission denied for schema ${s}` });
                assert.equal((await analytics.query(`SELECT count(*)::int AS n FROM ${s}.hosts`)).rows[0].n, 1);
                await assert.rejects(analytics.query(`INSERT INTO ${s}.hosts (name) VALUES ('c')`), {
                    message: "permission denied for table hosts",
                });

                // A table the owner creates later: default privileges apply.
                const su = await p.connect({ database: plan.database });
                await su.query(`SET ROLE ${plan.owner}`);
                await su.query(`CREATE TABLE ${s}.later (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)`);
                await su.end();
                await write.query(`INSERT INTO ${s}.later (v) VALUES ('x')`);
                assert.deepEqual((await read.query(`SELECT id::int, v FROM ${s}.later`)).rows, [{ id: 1, v: "x" }]);
                await assert.rejects(read.query(`INSERT INTO ${s}.later (v) VALUES ('y')`), {
                    message: "permission denied for table later",
                });
                assert.equal((await analytics.query(`SELECT count(*)::int AS n FROM ${s}.later`)).rows[0].n, 1);
            } finally {
                await Promise.all([write.end(), read.end(), analytics.end()]);
            }
        });
    });

    describe("3. pool settings hold under load", () => {
        const ADMIN = { user: "pgbouncer_admin", password: password() };

        /** The roles' SCRAM secrets from pg_authid (what the operator's auth_query returns). */
        async function scramSecrets(p: PgServer): Promise<Record<string, string>> {
            const c = await p.connect();
            const rows = (
                await c.query<{ rolname: string; rolpassword: string }>(
                    "SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE 'sysmanage\\_%' AND rolpassword IS NOT NULL",
                )
            ).rows;
            await c.end();
            assert.ok(
                rows.every((r) => r.rolpassword.startsWith("SCRAM-SHA-256$")),
                "passwords stored as SCRAM (password_encryption)",
            );
            return Object.fromEntries(rows.map((r) => [r.rolname, r.rolpassword]));
        }

        async function bouncer(
            name: string,
            pooler: { parameters: Record<string, string>; poolMode: string },
            target: PgServer,
            secrets: Record<string, string>,
        ): Promise<PgBouncer> {
            const port = (await freePorts(1))[0];
            const b = new PgBouncer(servers, name, port);
            const authFile = `${servers.root}/${name}.users`;
            servers.writeFile(authFile, userlist({ ...secrets, [ADMIN.user]: ADMIN.password }));
            const ini = pgbouncerIni({
                databases: [{ alias: DATABASE, host: HOST, port: target.port, dbname: DATABASE }],
                parameters: pooler.parameters,
                poolMode: pooler.poolMode,
                listenAddr: HOST,
                listenPort: port,
                // Test-only: the operator's auth_query replaced by an auth_file holding the roles' SCRAM
                // secrets; SCRAM client→PgBouncer and PgBouncer→PostgreSQL (no TLS on loopback).
                extra: {
                    auth_type: "scram-sha-256",
                    auth_file: authFile,
                    admin_users: ADMIN.user,
                    unix_socket_dir: "",
                    pidfile: `${servers.root}/${name}.pid`,
                },
            });
            await b.start(ini, ADMIN);
            return b;
        }

        test("a real PgBouncer from the plan's parameters takes 1,000 concurrent clients; server connections stay within the budget; the read pool is read-only", async () => {
            const pg = devPg();
            const rwPlan = pg.poolers.find((x) => x.cluster === PG_CLUSTER && x.type === "rw")!;
            const readPlan = pg.poolers.find((x) => x.cluster === PG_CLUSTER && x.type !== "rw")!;
            const budget = Number(rwPlan.parameters.max_db_connections);
            const budgetReport = pg.budgets.find((b) => b.pools.some((x) => x.pooler === rwPlan.name))!;
            assert.equal(budget, budgetReport.pools.find((x) => x.pooler === rwPlan.name)!.maxDbConnections);
            const passwords = await roles();
            const p = await primary();
            const r = await replica();
            let t = performance.now();
            const secrets = await scramSecrets(p);
            assert.deepEqual(Object.keys(secrets).sort(), Object.keys(passwords).sort());
            const rw = await bouncer("pgbouncer-rw", rwPlan, p, secrets);
            const ro = await bouncer("pgbouncer-ro", readPlan, r, secrets);
            log(`two pgbouncers up: ${seconds(t)} s`);

            // The running PgBouncers hold exactly our parameters.
            for (const [b, plan] of [
                [rw, rwPlan],
                [ro, readPlan],
            ] as const) {
                const a = await b.admin(ADMIN);
                const rows = (await a.query("SHOW CONFIG")).rows as { key: string; value: string }[];
                await a.end();
                const cfg = new Map(rows.map((x) => [x.key, x.value]));
                const differing = Object.entries({ ...plan.parameters, pool_mode: plan.poolMode }).filter(([k, v]) => cfg.get(k) !== v);
                assert.deepEqual(
                    differing.map(([k, v]) => `${k}: planned ${v}, running ${cfg.get(k)}`),
                    [],
                    b.name,
                );
            }

            // Read pool: reads work, a write (even by the write role) fails as read-only.
            const rd = new Client({
                host: HOST,
                port: ro.port,
                user: "sysmanage_write",
                password: passwords.sysmanage_write,
                database: DATABASE,
            });
            await rd.connect();
            assert.equal((await rd.query("SELECT pg_is_in_recovery() AS r")).rows[0].r, true);
            await assert.rejects(rd.query("INSERT INTO sysmanage.hosts (name) VALUES ('via read pool')"), {
                message: "cannot execute INSERT in a read-only transaction",
            });
            await rd.end();

            // 1,000 concurrent clients on the write pool (max_client_conn): 600 writers, 400 readers, two
            // user pools of default_pool_size each, so max_db_connections is what bounds the server side.
            const maxClients = Number(rwPlan.parameters.max_client_conn);
            const writers = Math.round(maxClients * 0.6);
            const TX = 3;
            const monitor = await p.connect({ database: DATABASE });
            const serverConns = async () =>
                Number(
                    (
                        await monitor.query(
                            `SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = '${DATABASE}' AND usename LIKE 'sysmanage\\_%'`,
                        )
                    ).rows[0].n,
                );
            let samples = 0;
            let maxSeen = 0;
            let sampling = true;
            const sampler = (async () => {
                while (sampling) {
                    maxSeen = Math.max(maxSeen, await serverConns());
                    samples++;
                    await sleep(25);
                }
            })();
            const clients: Client[] = [];
            const clientRoles: string[] = [];
            const failures: string[] = [];
            let committed = 0;
            try {
                t = performance.now();
                for (let i = 0; i < maxClients; i += 100) {
                    await Promise.all(
                        Array.from({ length: Math.min(100, maxClients - i) }, async (_, j) => {
                            const role = i + j < writers ? "sysmanage_write" : "sysmanage_read";
                            const c = new Client({
                                host: HOST,
                                port: rw.port,
                                user: role,
                                password: passwords[role],
                                database: DATABASE,
                                connectionTimeoutMillis: 30_000,
                            });
                            c.on("error", () => undefined);
                            await c.connect();
                            clients.push(c);
                            clientRoles.push(role);
                        }),
                    );
                }
                assert.equal(clients.length, maxClients);
                log(`${maxClients} clients connected to pgbouncer: ${seconds(t)} s`);
                // All 1,000 are held open at once: one more is refused by max_client_conn.
                const extra = new Client({
                    host: HOST,
                    port: rw.port,
                    user: "sysmanage_read",
                    password: passwords.sysmanage_read,
                    database: DATABASE,
                    connectionTimeoutMillis: 10_000,
                });
                extra.on("error", () => undefined);
                await assert.rejects(extra.connect(), { message: "no more connections allowed (max_client_conn)" });
                t = performance.now();
                await Promise.all(
                    clients.map(async (c, i) => {
                        for (let n = 0; n < TX; n++) {
                            try {
                                await c.query("BEGIN");
                                if (clientRoles[i] === "sysmanage_write") {
                                    await c.query(`INSERT INTO sysmanage.pool_load (client, n) VALUES (${i}, ${n})`);
                                    await c.query("SELECT pg_sleep(0.02)");
                                } else {
                                    await c.query("SELECT count(*) FROM sysmanage.hosts");
                                    await c.query("SELECT pg_sleep(0.02)");
                                }
                                await c.query("COMMIT");
                                committed++;
                            } catch (e) {
                                failures.push(`client ${i} tx ${n}: ${(e as Error).message}`);
                            }
                        }
                    }),
                );
                log(`${maxClients * TX} transactions through the write pool: ${seconds(t)} s`);
            } finally {
                sampling = false;
                await sampler;
                await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
            }
            const rows = Number((await monitor.query("SELECT count(*) AS n FROM sysmanage.pool_load")).rows[0].n);
            const a = await rw.admin(ADMIN);
            const pools = (await a.query("SHOW POOLS")).rows as Record<string, string>[];
            await a.end();
            await monitor.end();
            log(`server connections: max ${maxSeen} seen in ${samples} samples, budget (max_db_connections × 1 pod) ${budget}`);
            assert.deepEqual(failures.slice(0, 5), []);
            assert.equal(committed, maxClients * TX);
            assert.equal(rows, writers * TX);
            assert.ok(samples >= 10, `${samples} samples of pg_stat_activity during the load`);
            assert.ok(maxSeen <= budget, `server connections seen ${maxSeen} <= budget ${budget}`);
            // The two user pools wanted more than one default_pool_size: the cap, not the pool size, bounded them.
            assert.ok(
                maxSeen > Number(rwPlan.parameters.default_pool_size),
                `server connections seen ${maxSeen} > default_pool_size ${rwPlan.parameters.default_pool_size}`,
            );
            const app = pools.filter((x) => x.database === DATABASE);
            const sv = app.reduce(
                (n, x) => n + Number(x.sv_active) + Number(x.sv_idle) + Number(x.sv_used) + Number(x.sv_tested) + Number(x.sv_login),
                0,
            );
            assert.ok(sv <= budget, `SHOW POOLS server connections ${sv} <= ${budget}`);
            await rw.stop();
            await ro.stop();
        });
    });
});

// ---------------------------------------------------------------------------------------------

describe("5. Redis Cluster with our settings survives faults without losing data", () => {
    const KEYS = 100_000;
    const BATCH = 10_000;
    const SLOTS = 16384;
    let servers: Servers;
    let nodes: RedisNode[] = [];
    // The seed's layout (3 masters, 1 replica each) is prod's; dev runs without replicas.
    const REDIS_STACK = "prod";
    const redis = dataTierPlan(stackAppConfig(REDIS_STACK)).redis;

    before(() => {
        servers = new Servers("sysmanage-redis-");
    });
    after(async () => {
        const t = performance.now();
        const steps = await servers.stopAll();
        log(`redis teardown: ${seconds(t)} s (${steps.join(", ")})`);
    });

    const client = (from: RedisNode[]) =>
        new Cluster(
            from.map((n) => ({ host: HOST, port: n.port })),
            {
                enableAutoPipelining: true,
                scaleReads: "master",
                clusterRetryStrategy: (n) => (n > 20 ? null : 200),
                redisOptions: { maxRetriesPerRequest: 5 },
            },
        );

    const clusterNodes = async (n: RedisNode): Promise<ClusterNode[]> => parseClusterNodes(await n.cli(["CLUSTER", "NODES"]));

    /** Every key present with its value (reads through a fresh cluster client). */
    async function readAll(from: RedisNode[]): Promise<{ missing: number; wrong: number }> {
        const c = client(from);
        let missing = 0;
        let wrong = 0;
        try {
            for (let i = 0; i < KEYS; i += BATCH) {
                const vals = await Promise.all(Array.from({ length: BATCH }, (_, j) => c.get(`key:${i + j}`)));
                vals.forEach((v, j) => {
                    if (v === null) missing++;
                    else if (v !== `value:${i + j}`) wrong++;
                });
            }
        } finally {
            c.disconnect();
        }
        return { missing, wrong };
    }

    const covered = (view: ClusterNode[]) =>
        view.filter((n) => n.flags.includes("master") && !n.flags.includes("fail")).reduce((s, n) => s + n.slots, 0);

    test("six redis-servers with the plan's directives form a 3-master, 1-replica cluster", async () => {
        assert.ok(redis, `${REDIS_STACK} stack has redis enabled`);
        assert.equal(redis.masters, 3);
        assert.equal(redis.replicasPerMaster, 1);
        const t = performance.now();
        const count = redis.masters * (1 + redis.replicasPerMaster);
        const ports = await freePorts(count * 2 + 2);
        nodes = Array.from({ length: count }, (_, i) => new RedisNode(servers, `redis-${i}`, ports[2 * i], ports[2 * i + 1]));
        await Promise.all(nodes.map((n) => n.start(redis.config)));
        // The running servers hold our directives.
        for (const [k, v] of Object.entries(redis.config)) {
            // `save ""` reads back as an empty line, which trim() drops.
            const got = (await nodes[0].cli(["CONFIG", "GET", k])).trim().split("\n")[1] ?? "";
            const want = k === "maxmemory" ? String(Number(v.replace(/mb$/, "")) * 2 ** 20) : v;
            assert.equal(got, want, k);
        }
        await run(
            "redis-cli",
            ["--cluster", "create", ...nodes.map((n) => n.address), "--cluster-replicas", String(redis.replicasPerMaster), "--cluster-yes"],
            { timeoutMs: 60_000 },
        );
        await waitFor("cluster_state:ok on all nodes", 30_000, async () => {
            for (const n of nodes) if ((await n.info(["CLUSTER", "INFO"])).get("cluster_state") !== "ok") return undefined;
            const view = await clusterNodes(nodes[0]);
            return view.filter((x) => x.flags.includes("master")).length === redis.masters &&
                view.filter((x) => x.flags.includes("slave")).length === redis.masters &&
                covered(view) === SLOTS
                ? true
                : undefined;
        });
        // Replicas in sync (the initial full sync done) before anything is written.
        await waitFor("every replica linked to its master", 30_000, async () => {
            for (const n of nodes) {
                const rep = await n.info(["INFO", "replication"]);
                if (
                    rep.get("role") === "slave"
                        ? rep.get("master_link_status") !== "up"
                        : Number(rep.get("connected_slaves")) !== redis.replicasPerMaster
                )
                    return undefined;
            }
            return true;
        });
        log(`redis cluster of ${count} up: ${seconds(t)} s`);
    });

    test(`${KEYS.toLocaleString("en")} keys written with acknowledgement (WAIT 1 per master per batch)`, async () => {
        const t = performance.now();
        const c = client(nodes);
        try {
            for (let i = 0; i < KEYS; i += BATCH) {
                const replies = await Promise.all(Array.from({ length: BATCH }, (_, j) => c.set(`key:${i + j}`, `value:${i + j}`)));
                assert.ok(replies.every((r) => r === "OK"));
                const masters = c.nodes("master");
                assert.equal(masters.length, redis!.masters);
                const acks = await Promise.all(masters.map((m: Redis) => m.call("WAIT", "1", "2000")));
                assert.deepEqual(
                    acks,
                    masters.map(() => 1),
                    "every master's writes acknowledged by its replica",
                );
            }
        } finally {
            c.disconnect();
        }
        let total = 0;
        for (const n of nodes)
            if ((await n.info(["INFO", "replication"])).get("role") === "master") total += Number((await n.cli(["DBSIZE"])).trim());
        assert.equal(total, KEYS);
        log(`${KEYS} keys written and acknowledged: ${seconds(t)} s`);
    });

    test("one master killed (SIGKILL): its replica is promoted, slots covered, every key readable", async () => {
        const view = await clusterNodes(nodes[0]);
        const victim = view.find((x) => x.flags.includes("master") && x.slots > 0)!;
        const replicaOfVictim = view.find((x) => x.master === victim.id)!;
        const victimNode = nodes.find((n) => n.address === victim.address)!;
        const survivors = nodes.filter((n) => n !== victimNode);
        const t = performance.now();
        await servers.kill(victimNode.child!);
        const after = await waitFor(
            "failover",
            30_000,
            async () => {
                for (const n of survivors) if ((await n.info(["CLUSTER", "INFO"])).get("cluster_state") !== "ok") return undefined;
                const v = await clusterNodes(survivors[0]);
                const promoted = v.find((x) => x.id === replicaOfVictim.id)!;
                const dead = v.find((x) => x.id === victim.id)!;
                return promoted.flags.includes("master") &&
                    promoted.slots === victim.slots &&
                    dead.flags.includes("fail") &&
                    covered(v) === SLOTS
                    ? v
                    : undefined;
            },
            50,
        );
        const failover = seconds(t);
        log(
            `failover (SIGKILL → replica promoted, all slots served, cluster_state ok; cluster-node-timeout ${redis!.config["cluster-node-timeout"]} ms): ${failover} s`,
        );
        assert.equal(after.filter((x) => x.flags.includes("master") && !x.flags.includes("fail")).length, redis!.masters);
        const t2 = performance.now();
        assert.deepEqual(await readAll(survivors), { missing: 0, wrong: 0 });
        log(`all ${KEYS} keys read after failover: ${seconds(t2)} s`);

        // The pod comes back (same dir, same nodes.conf, new process): it rejoins as a replica.
        const t3 = performance.now();
        await victimNode.start(redis!.config);
        await waitFor("the restarted node to rejoin as a replica", 30_000, async () => {
            const rep = await victimNode.info(["INFO", "replication"]);
            return rep.get("role") === "slave" &&
                rep.get("master_link_status") === "up" &&
                (await victimNode.info(["CLUSTER", "INFO"])).get("cluster_state") === "ok"
                ? true
                : undefined;
        });
        const me = (await clusterNodes(victimNode)).find((x) => x.flags.includes("myself"))!;
        assert.equal(me.id, victim.id);
        assert.equal(me.master, replicaOfVictim.id);
        log(`killed node restarted and rejoined as replica: ${seconds(t3)} s`);
    });

    test("one shard added and slots rebalanced: 4 masters, all 16384 slots covered, no key lost", async () => {
        const [port, bus] = await freePorts(2);
        const added = new RedisNode(servers, "redis-6", port, bus);
        const t = performance.now();
        await added.start(redis!.config);
        await run("redis-cli", ["--cluster", "add-node", added.address, nodes[1].address], { timeoutMs: 30_000 });
        nodes.push(added);
        // A joining node reports cluster_state:fail until its rejoin delay passes; a MIGRATE to it
        // before that fails with CLUSTERDOWN, so wait for every node to know it and be ok.
        await waitFor("every node to know the new one and report cluster_state:ok", 20_000, async () => {
            for (const n of nodes) {
                if ((await clusterNodes(n)).length !== nodes.length) return undefined;
                if ((await n.info(["CLUSTER", "INFO"])).get("cluster_state") !== "ok") return undefined;
            }
            return true;
        });
        const t2 = performance.now();
        await waitFor(
            "a consistent cluster (redis-cli --cluster check)",
            20_000,
            async () => {
                await run("redis-cli", ["--cluster", "check", nodes[1].address], { timeoutMs: 20_000 });
                return true;
            },
            500,
        );
        const t2b = performance.now();
        await run("redis-cli", ["--cluster", "rebalance", nodes[1].address, "--cluster-use-empty-masters"], { timeoutMs: 120_000 });
        log(
            `add-node until all agree: ${Math.round((t2 - t) / 10) / 100} s; cluster check: ${Math.round((t2b - t2) / 10) / 100} s; rebalance (--cluster-use-empty-masters): ${seconds(t2b)} s`,
        );
        const view = await clusterNodes(added);
        const masters = view.filter((x) => x.flags.includes("master") && !x.flags.includes("fail"));
        assert.equal(masters.length, redis!.masters + 1);
        assert.equal(covered(view), SLOTS);
        assert.ok(
            masters.every((m) => m.slots > 0),
            `slots per master: ${masters.map((m) => m.slots).join(", ")}`,
        );
        assert.ok(
            view.find((x) => x.flags.includes("myself"))!.slots >= Math.floor(SLOTS / 4) - 2,
            "the new master holds about a quarter of the slots",
        );
        await run("redis-cli", ["--cluster", "check", added.address], { timeoutMs: 20_000 });
        let total = 0;
        for (const n of nodes)
            if ((await n.info(["INFO", "replication"])).get("role") === "master") total += Number((await n.cli(["DBSIZE"])).trim());
        assert.equal(total, KEYS);
        const t3 = performance.now();
        assert.deepEqual(await readAll(nodes), { missing: 0, wrong: 0 });
        log(`all ${KEYS} keys read after rebalance: ${seconds(t3)} s`);
    });
});
