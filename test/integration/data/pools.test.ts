/**
 * Issue 19, findings 3 and 4, on real servers: a PostgreSQL 17 primary with the prod stack's
 * main-cluster parameters (2 vCPU in prod; this machine has 2 cores) behind real PgBouncers
 * with the prod plan's generated parameters, driven by pgbench (a standard tool nobody on the
 * project wrote), every run bounded by -T.
 *
 *   node --import tsx --test test/integration/data/pools.test.ts
 *
 * PgBouncer must be >= 1.21 (protocol-level prepared statements; the pinned pooler image runs
 * 1.25.1); Debian 12's package is 1.18: see test/support/pgbouncer.ts.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DATABASE, dataTierPlan, PG_CLUSTER } from "../../../plan/dataTier";
import { sizePools } from "../../../lib/data/connectionBudget";
import { pgbouncerParameters } from "../../../lib/data/pgbouncer";
import { trustBouncer, useModernPgbouncer } from "../../support/pgbouncer";
import { Client } from "pg";
import { HOST, PgBouncer, PgServer, run, seconds, Servers, stackAppConfig, SUPERUSER, waitFor } from "../../support/servers";

const log = (msg: string) => console.log(`[pools] ${msg}`);
const PGBENCH = "/usr/bin/pgbench";
const PROD = stackAppConfig("prod");
const PLAN = dataTierPlan(PROD).postgres!;
const RW = PLAN.poolers.find((p) => p.cluster === PG_CLUSTER && p.type === "rw")!;

/** The rw pooler's parameters as the program generated them before issue 19: pools from the budget alone. */
function todaysRwParameters(): Record<string, string> {
    const pg = PROD.postgres;
    const c = PROD.pooler;
    const budget = sizePools(
        {
            name: "primary",
            maxConnections: pg.maxConnections,
            superuserReserved: pg.superuserReservedConnections,
            systemReserved: pg.systemReservedConnections,
            headroom: pg.headroomConnections,
        },
        [{ name: RW.name, maxInstances: c.writeInstances }],
        {
            defaultPoolSize: c.defaultPoolSize,
            minPoolSize: c.minPoolSize,
            reservePoolSize: c.reservePoolSize,
            maxDbConnections: c.maxDbConnections,
        },
    );
    const {
        max_prepared_statements: _,
        query_wait_timeout: __,
        ...p
    } = pgbouncerParameters({
        maxClientConn: c.maxClientConn,
        pool: budget.pools[0],
        maxPreparedStatements: 1,
        queryWaitTimeout: 120,
    });
    return p;
}

export interface Bench {
    readonly ok: boolean;
    readonly tps: number;
    readonly latencyMs: number;
    readonly processed: number;
    readonly failed: number;
    readonly output: string;
}

/** pgbench's summary (tps without connection time, average latency, processed and failed counts). */
export function parseBench(ok: boolean, output: string): Bench {
    const num = (re: RegExp) => Number(re.exec(output)?.[1] ?? NaN);
    return {
        ok,
        tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
        latencyMs: num(/latency average = ([\d.]+) ms/),
        processed: num(/number of transactions actually processed: (\d+)/),
        failed: num(/number of failed transactions: (\d+)/) || 0,
        output,
    };
}

async function pgbench(port: number, args: readonly string[]): Promise<Bench> {
    const all = ["-h", HOST, "-p", String(port), "-U", SUPERUSER, "-n", ...args, DATABASE];
    try {
        const r = await run(PGBENCH, all, { timeoutMs: 30_000 });
        return parseBench(true, r.stdout + r.stderr);
    } catch (e) {
        return parseBench(false, (e as Error).message);
    }
}

describe("PgBouncer pools and prepared statements under pgbench (prod's generated settings)", () => {
    let servers: Servers;
    let primary: PgServer;

    before(async () => {
        useModernPgbouncer();
        servers = new Servers("sysmanage-pools-");
        const t = performance.now();
        primary = await PgServer.init(servers, "primary");
        await primary.start(PLAN.main.parameters);
        const c = await primary.connect();
        await c.query(`CREATE DATABASE ${DATABASE}`);
        await c.end();
        // Scale 10: ten branch rows, so TPC-B's row locks do not serialize every transaction.
        await run(PGBENCH, ["-h", HOST, "-p", String(primary.port), "-U", SUPERUSER, "-i", "-q", "-s", "10", DATABASE], {
            timeoutMs: 60_000,
        });
        log(`primary with prod parameters + pgbench -i -s 10: ${seconds(t)} s`);
    });
    after(async () => {
        const steps = await servers.stopAll();
        log(`teardown: ${steps.join(", ")}`);
    });

    /** A PgBouncer with `parameters` in front of the primary (test-only: trust auth on loopback, superuser). */
    function bouncer(name: string, parameters: Record<string, string>): Promise<PgBouncer> {
        return trustBouncer(
            servers,
            name,
            [{ alias: DATABASE, host: HOST, port: primary.port, dbname: DATABASE }],
            parameters,
            RW.poolMode,
        );
    }

    test("finding 4: pgbench -M prepared through transaction pooling works with max_prepared_statements 200 and fails with 0", async () => {
        assert.equal(RW.parameters.max_prepared_statements, "200");
        const tracked = await bouncer("pgbouncer-prepared", RW.parameters);
        const untracked = await bouncer("pgbouncer-unprepared", { ...RW.parameters, max_prepared_statements: "0" });
        // One thread per client: pgbench 15 prepares with a blocking PQprepare, so a thread of
        // several clients stalls while its other clients hold the pool's connections mid-transaction
        // (a client artifact: 2 threads gave 5 transactions in 5 s until reserve_pool_timeout).
        const args = ["-M", "prepared", "-c", "20", "-j", "20", "-T", "5"];
        const [good, bad] = [await pgbench(tracked.port, args), await pgbench(untracked.port, args)];
        log(
            `-M prepared, 20 clients, pool ${RW.parameters.default_pool_size}: max_prepared_statements 200: ${good.processed} tx, ${good.tps} tps, ${good.latencyMs} ms; 0: ok=${bad.ok}, ${bad.output.match(/prepared statement "[^"]+" [a-z ]+/)?.[0]}`,
        );
        assert.equal(good.ok, true, good.output);
        assert.equal(good.failed, 0);
        assert.ok(good.processed > 0, good.output);
        assert.equal(bad.ok, false, bad.output);
        assert.match(bad.output, /prepared statement "P_\d+" (already exists|does not exist)/);
        await tracked.stop();
        await untracked.stop();
    });

    /** Holds every server connection of `b` (its max_db_connections) with pg_sleep(seconds); resolves once all run on the primary. */
    async function saturate(
        b: PgBouncer,
        connections: number,
        sleepSeconds: number,
    ): Promise<{ clients: Client[]; done: Promise<unknown> }> {
        const clients: Client[] = [];
        for (let i = 0; i < connections; i++) clients.push(await clientOf(b));
        const done = Promise.allSettled(clients.map((c) => c.query(`SELECT pg_sleep(${sleepSeconds})`)));
        const admin = await primary.connect({ database: DATABASE });
        try {
            // The reserve opens after reserve_pool_timeout (5 s): wait until all of them sleep.
            await waitFor(`${connections} sleepers`, 15_000, async () => {
                const r = await admin.query(
                    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'",
                );
                return r.rows[0].n === connections ? true : undefined;
            });
        } finally {
            await admin.end();
        }
        return { clients, done };
    }

    async function clientOf(b: PgBouncer): Promise<Client> {
        const c = new Client({ host: HOST, port: b.port, user: SUPERUSER, database: DATABASE, connectionTimeoutMillis: 5000 });
        c.on("error", () => undefined);
        await c.connect();
        return c;
    }

    test("finding 7: a saturated pool answers with an error after query_wait_timeout (10 s); today's 120 s default only queues", async () => {
        assert.equal(RW.parameters.query_wait_timeout, "10");
        const held = Number(RW.parameters.max_db_connections);
        const timed = await bouncer("pgbouncer-wait", RW.parameters);
        const sleepers = await saturate(timed, held, 30);
        const late = await clientOf(timed);
        let t0 = performance.now();
        const refused = await late.query("SELECT 1").then(
            () => "answered",
            (e: Error) => e.message,
        );
        const waited = seconds(t0);
        log(`saturated pool (${held} server connections held): the next query got "${refused}" after ${waited} s`);
        assert.match(refused, /query_wait_timeout/);
        assert.ok(waited >= 9 && waited <= 14, `waited ${waited} s`);
        const admin = await primary.connect({ database: DATABASE });
        await admin.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'");
        await admin.end();
        await sleepers.done;
        await Promise.allSettled([...sleepers.clients, late].map((c) => c.end()));
        await timed.stop();

        // Today's parameters (no query_wait_timeout: PgBouncer's 120 s): the same wait is only latency.
        const { query_wait_timeout: _, ...today } = RW.parameters;
        const queued = await bouncer("pgbouncer-queue", today);
        const busy = await saturate(queued, held, 12);
        const patient = await clientOf(queued);
        t0 = performance.now();
        await patient.query("SELECT 1");
        const latency = seconds(t0);
        log(`without query_wait_timeout the same query waited ${latency} s and then ran`);
        assert.ok(latency >= 3, `queued ${latency} s`);
        await busy.done;
        await Promise.allSettled([...busy.clients, patient].map((c) => c.end()));
        await queued.stop();
    });

    test("finding 3: the CPU-sized pools give at least 0.9 × the throughput of today's, side by side (3 pods each, same clients)", async () => {
        const today = todaysRwParameters();
        assert.deepEqual([today.default_pool_size, today.max_db_connections], ["50", "89"]);
        assert.deepEqual([RW.parameters.default_pool_size, RW.parameters.max_db_connections], ["3", "6"]);
        const pods = RW.instances;
        const fleets: Record<"old" | "new", PgBouncer[]> = { old: [], new: [] };
        for (let i = 0; i < pods; i++) {
            fleets.old.push(await bouncer(`pgbouncer-old-${i}`, today));
            fleets.new.push(await bouncer(`pgbouncer-new-${i}`, RW.parameters));
        }
        const CLIENTS_PER_POD = 20;
        const rounds: { fleet: "old" | "new"; tps: number; latencyMs: number }[] = [];
        // Warm-up (caches, pgbench tables) not counted, then ABBA so a drift in the machine's load
        // weighs on both fleets alike.
        await Promise.all(fleets.old.map((b) => pgbench(b.port, ["-c", String(CLIENTS_PER_POD), "-j", "1", "-T", "3"])));
        for (const fleet of ["old", "new", "new", "old"] as const) {
            const runs = await Promise.all(
                fleets[fleet].map((b) => pgbench(b.port, ["-c", String(CLIENTS_PER_POD), "-j", "1", "-T", "5"])),
            );
            for (const r of runs) assert.equal(r.ok && r.failed === 0, true, r.output);
            const tps = runs.reduce((n, r) => n + r.tps, 0);
            const latencyMs = runs.reduce((n, r) => n + r.latencyMs, 0) / runs.length;
            rounds.push({ fleet, tps, latencyMs });
            log(
                `${fleet} (${fleet === "old" ? `pool ${today.default_pool_size}/${today.max_db_connections}` : `pool ${RW.parameters.default_pool_size}/${RW.parameters.max_db_connections}`} × ${pods} pods, ${pods * CLIENTS_PER_POD} clients): ${tps.toFixed(1)} tps, latency ${latencyMs.toFixed(2)} ms`,
            );
        }
        const mean = (f: "old" | "new", k: "tps" | "latencyMs") => rounds.filter((r) => r.fleet === f).reduce((n, r) => n + r[k], 0) / 2;
        const ratio = mean("new", "tps") / mean("old", "tps");
        log(
            `TPS ratio new/old ${ratio.toFixed(3)}; latency new ${mean("new", "latencyMs").toFixed(2)} ms vs old ${mean("old", "latencyMs").toFixed(2)} ms`,
        );
        assert.ok(ratio >= 0.9, `new/old TPS ${ratio.toFixed(3)} >= 0.9`);
        for (const b of [...fleets.old, ...fleets.new]) await b.stop();
    });
});
