/**
 * Issue 19 findings 5 (WAL can fill its volume) and 7 (timeouts), on a real PostgreSQL 17
 * started here (test/support/servers.ts) with the dev stack's main-cluster parameters; stopped in
 * after() even on failure. Each test is bounded (small WAL sizes, 1s timeouts): a few seconds.
 *
 *   node --import tsx --test test/integration/data/wal.test.ts
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { Client } from "pg";
import { DATABASE, dataTierPlan } from "../../../plan/dataTier";
import { privilegeSql } from "../../../lib/data/privileges";
import { PgServer, seconds, Servers, stackAppConfig, waitFor } from "../../support/servers";

const log = (msg: string) => console.log(`[data-wal] ${msg}`);
const DEV = dataTierPlan(stackAppConfig("dev")).postgres!;
const SEGMENT = 16 * 2 ** 20;

describe("WAL retention and role timeouts on a real PostgreSQL (issue 19 findings 5 and 7)", () => {
    let servers: Servers;
    let primaryP: Promise<PgServer> | undefined;

    before(() => {
        servers = new Servers("sysmanage-wal-");
    });
    after(async () => {
        const t = performance.now();
        const steps = await servers.stopAll();
        log(`teardown: ${seconds(t)} s (${steps.join(", ")})`);
    });

    /** A primary with the dev stack's main-cluster parameters, as rendered. */
    const primary = () =>
        (primaryP ??= (async () => {
            const p = await PgServer.init(servers, "primary");
            await p.start(DEV.main.parameters);
            const c = await p.connect();
            await c.query(`CREATE DATABASE ${DATABASE}`);
            await c.end();
            return p;
        })());

    const walStatus = async (c: Client) =>
        (
            await c.query<{ wal_status: string; invalidation_reason: string | null }>(
                "SELECT wal_status, invalidation_reason FROM pg_replication_slots WHERE slot_name = 'dead_replica'",
            )
        ).rows[0];
    const walSegments = async (c: Client) =>
        Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'")).rows[0].n);
    /** Fills `n` WAL segments (a write, then a switch to the next segment each) and checkpoints, where WAL is removed. */
    const advance = async (c: Client, n: number) => {
        for (let i = 0; i < n; i++) {
            await c.query("INSERT INTO wal_filler SELECT 1");
            await c.query("SELECT pg_switch_wal()");
        }
        await c.query("CHECKPOINT");
    };

    test("the rendered max_slot_wal_keep_size is accepted; a slot that falls behind is invalidated (lost) instead of keeping WAL without bound", async () => {
        const t = performance.now();
        const c = await (await primary()).connect();
        try {
            // Dev renders 1024MB (2Gi volume - 819MB max_wal_size - 10 %): the server runs with it.
            assert.equal(DEV.main.parameters.max_slot_wal_keep_size, "1024MB");
            assert.equal((await c.query("SHOW max_slot_wal_keep_size")).rows[0].max_slot_wal_keep_size, "1GB");
            // Scaled down so the test moves a few segments instead of gigabytes (both are sighup settings).
            for (const [k, v] of [
                ["max_wal_size", "64MB"],
                ["min_wal_size", "32MB"],
                ["wal_keep_size", "0"],
                ["max_slot_wal_keep_size", "-1"],
            ])
                await c.query(`ALTER SYSTEM SET ${k} = '${v}'`);
            await c.query("SELECT pg_reload_conf()");
            await c.query("CREATE TABLE wal_filler (x int)");
            // A dead replica's slot (reserved now, never consumed).
            await c.query("SELECT pg_create_physical_replication_slot('dead_replica', true)");

            // Before issue 19 (unset = -1): the slot keeps every segment it has not consumed.
            const start = await walSegments(c);
            await advance(c, 8);
            const unbounded = await walSegments(c);
            assert.equal((await walStatus(c)).wal_status, "extended"); // past max_wal_size, still kept
            assert.ok(unbounded >= start + 8, `pg_wal ${start} -> ${unbounded} segments with the slot unbounded`);

            // With a cap (48MB = 3 segments): at the next checkpoint the slot is invalidated and its WAL removed.
            await c.query("ALTER SYSTEM SET max_slot_wal_keep_size = '48MB'");
            await c.query("SELECT pg_reload_conf()");
            await advance(c, 2);
            assert.deepEqual(await walStatus(c), { wal_status: "lost", invalidation_reason: "wal_removed" });
            const capped = await walSegments(c);
            // Left: WAL since the checkpoint's redo plus recycled segments up to max_wal_size (64MB = 4).
            assert.ok(capped * SEGMENT <= 64 * 2 ** 20 + 2 * SEGMENT, `pg_wal ${capped} segments after invalidation`);
            assert.ok(capped < unbounded, `pg_wal ${unbounded} -> ${capped} segments`);
            log(`slot: unbounded kept ${unbounded} segments, capped at 48MB: lost, ${capped} segments left; ${seconds(t)} s`);
        } finally {
            await c.query(
                "SELECT pg_drop_replication_slot('dead_replica') WHERE EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = 'dead_replica')",
            );
            for (const k of ["max_wal_size", "min_wal_size", "wal_keep_size", "max_slot_wal_keep_size"])
                await c.query(`ALTER SYSTEM RESET ${k}`);
            await c.query("SELECT pg_reload_conf()");
            await c.end();
        }
    });

    test("timeouts are the app roles' (pg_db_role_setting), the server's are 0: the app's statement is cancelled, the owner's longer one is not", async () => {
        const t = performance.now();
        const p = await primary();
        const plan = DEV.privileges;
        const passwords = Object.fromEntries(plan.roles.map((r) => [r.role, randomBytes(24).toString("hex")]));
        const admin = await p.connect({ database: plan.database });
        try {
            for (const sql of privilegeSql(plan, passwords)) await admin.query(sql);
            // Before issue 19 the server default was 60s (it cancelled migrations too): now 0.
            assert.deepEqual(
                (
                    await admin.query(
                        "SELECT current_setting('statement_timeout') AS s, current_setting('idle_in_transaction_session_timeout') AS i",
                    )
                ).rows[0],
                { s: "0", i: "0" },
            );
            const settings = await admin.query<{ role: string; setting: string[] }>(
                "SELECT r.rolname AS role, s.setconfig AS setting FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE s.setdatabase = 0 ORDER BY 1",
            );
            assert.deepEqual(settings.rows, [
                { role: "sysmanage_analytics", setting: ["statement_timeout=3600000", "idle_in_transaction_session_timeout=600000"] },
                { role: "sysmanage_read", setting: ["statement_timeout=30000", "idle_in_transaction_session_timeout=60000"] },
                { role: "sysmanage_write", setting: ["statement_timeout=60000", "idle_in_transaction_session_timeout=60000"] },
            ]);
            // The write role's 60s/60s scaled to 1s so the test stays short.
            await admin.query("ALTER ROLE sysmanage_write SET statement_timeout = 1000");
            await admin.query("ALTER ROLE sysmanage_write SET idle_in_transaction_session_timeout = 1000");
            const app = await p.connect({ user: "sysmanage_write", password: passwords.sysmanage_write, database: plan.database });
            try {
                assert.equal((await app.query("SHOW statement_timeout")).rows[0].statement_timeout, "1s");
                await assert.rejects(app.query("SELECT pg_sleep(2)"), {
                    code: "57014",
                    message: "canceling statement due to statement timeout",
                });
                // The server ends a session idle in a transaction (its log says why); the client sees the socket close.
                const ended: { code?: string; message: string }[] = [];
                app.on("error", (e: Error & { code?: string }) => ended.push({ code: e.code, message: e.message }));
                await app.query("BEGIN");
                const pid = (await app.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
                // The client may or may not read the FATAL (25P03) before the socket closes: the server side is exact.
                await waitFor("the app's idle transaction to end", 10_000, () => Promise.resolve(ended.length > 0 ? true : undefined));
                assert.equal((await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1", [pid])).rows[0].n, 0);
                assert.match(fs.readFileSync(p.logFile, "utf8"), /FATAL: {2}terminating connection due to idle-in-transaction timeout/);
            } finally {
                await app.end().catch(() => undefined);
            }
            // Migrations run as the owner (SET ROLE from an admin login): no statement_timeout, a 1.5 s statement completes.
            await admin.query(`SET ROLE ${plan.owner}`);
            assert.equal((await admin.query("SHOW statement_timeout")).rows[0].statement_timeout, "0");
            await admin.query("SELECT pg_sleep(1.5)");
            await admin.query("RESET ROLE");
            log(`role timeouts: ${seconds(t)} s`);
        } finally {
            await admin.end();
        }
    });
});
