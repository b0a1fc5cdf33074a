/**
 * Issue 19, finding 2, on a real PostgreSQL 17 (test/support/servers.ts): an instance whose
 * work_mem the memory model sized (policies/contract/postgresMemory.ts), with its backends at
 * the pooler's cap all running an analytics query (two hash joins, a sort and a hash aggregate:
 * four memory nodes, parallel workers allowed) and the rest of max_connections open and idle,
 * stays below the model's worst case and the limit; the same population at today's work_mem
 * (the formula before issue 19: memory left after shared_buffers ÷ max_connections) goes past
 * the container limit.
 *
 * The instance's memory is the sum of the proportional set size (Pss) of the postmaster and
 * every child, sampled every 25 ms: private pages plus each shared page (shared_buffers, the
 * binaries) counted once, as the cgroup counts them.
 *
 *   node --import tsx --test test/integration/data/postgresMemory.test.ts
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import type { Client } from "pg";
import { postgresParameters, type PostgresSizing } from "../../../lib/data/postgresParams";
import { postgresMemoryModel } from "../../../policies/contract/postgresMemory";
import { PgServer, Servers, sleep } from "../../support/servers";

const log = (msg: string) => console.log(`[postgres-memory] ${msg}`);
const MiB = 2 ** 20;
/**
 * An analytics instance scaled down from prod's 16Gi / 300 connections to what this machine runs
 * in seconds; the model and the formula are the same. 20 backends at the pooler's cap (2 pods ×
 * 10 server connections), four memory nodes per query.
 */
const SIZING: PostgresSizing = {
    memory: "2Gi",
    cpu: "2",
    maxConnections: 40,
    profile: "analytics",
    walKeepSize: "256MB",
    walStorageSize: "2Gi",
    activeBackends: 20,
    nodesPerQuery: 4,
    configKey: "postgres.analytics",
};
/** Before issue 19: (2048 − 512 shared_buffers) MB ÷ 40 connections × 1 sort each. */
const TODAYS_WORK_MEM = "38MB";
const ROWS = 600_000;
/** Two hash joins (hash_mem_multiplier × work_mem each), a sort of every joined row and a hash aggregate. */
const QUERY =
    "SELECT k, count(*), max(v) FROM (SELECT a.k, b.v FROM t a JOIN t b ON a.id = b.id JOIN t c ON c.id = a.id ORDER BY b.v OFFSET 0) s GROUP BY k ORDER BY 3 DESC LIMIT 3";

const kb = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;

/** The postmaster and its descendants. */
function processTree(root: number): number[] {
    const out = [root];
    for (let i = 0; i < out.length; i++) {
        try {
            for (const task of fs.readdirSync(`/proc/${out[i]}/task`)) {
                const kids = fs.readFileSync(`/proc/${out[i]}/task/${task}/children`, "utf8").trim();
                if (kids) out.push(...kids.split(/\s+/).map(Number));
            }
        } catch {
            // The process exited between the reads (a parallel worker that finished).
        }
    }
    return out;
}

function instanceBytes(postmaster: number): number {
    let sum = 0;
    for (const pid of processTree(postmaster)) {
        try {
            sum += kb(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"), "Pss");
        } catch {
            // Exited.
        }
    }
    return sum;
}

describe("Postgres memory under the analytics workload at the pooler's cap (real server)", { timeout: 150_000 }, () => {
    const servers = new Servers("pg-memory");
    const parameters = postgresParameters(SIZING);
    const model = postgresMemoryModel({ memoryLimit: SIZING.memory, parameters, activeBackends: 20, nodesPerQuery: 4 });
    let pg: PgServer;
    const clients: Client[] = [];
    let active: Client[] = [];

    before(async () => {
        pg = await PgServer.init(servers, "pg");
        await pg.start(parameters);
        const setup = await pg.connect();
        clients.push(setup);
        await setup.query(
            `CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v, (g % 100000) AS k FROM generate_series(1, ${ROWS}) g; ANALYZE t`,
        );
        await setup.query(QUERY); // the table's pages into shared_buffers
        // Every other connection max_connections allows (less the superuser reserve and the setup one), open and idle.
        const idle = SIZING.maxConnections - Number(parameters.superuser_reserved_connections ?? 3) - SIZING.activeBackends - 1;
        for (let i = 0; i < idle; i++) {
            const c = await pg.connect();
            await c.query("SELECT count(*) FROM pg_class");
            clients.push(c);
        }
        for (let i = 0; i < SIZING.activeBackends; i++) active.push(await pg.connect());
        clients.push(...active);
    });

    after(async () => {
        await Promise.allSettled(clients.map((c) => c.end()));
        active = [];
        await servers.stopAll();
    });

    /** Every active backend runs the query at once; the peak of the instance's memory. */
    async function peakUnderLoad(): Promise<{ peak: number; seconds: number }> {
        const postmaster = pg.child!.pid!;
        let peak = 0;
        let running = true;
        const sampler = (async () => {
            while (running) {
                peak = Math.max(peak, instanceBytes(postmaster));
                await sleep(25);
            }
        })();
        const t0 = performance.now();
        try {
            await Promise.all(active.map((c) => c.query(QUERY)));
        } finally {
            running = false;
            await sampler;
        }
        return { peak, seconds: Math.round(performance.now() - t0) / 1000 };
    }

    test("the model's work_mem: the peak stays below the model's worst case, which fits 2Gi less 10 %", async () => {
        assert.equal(parameters.work_mem, "4MB");
        const { peak, seconds } = await peakUnderLoad();
        log(
            `work_mem ${parameters.work_mem}: peak ${Math.round(peak / MiB)} MiB in ${seconds} s; model ${Math.round(model.worstCase / MiB)} MiB; budget ${Math.round(model.budget / MiB)} MiB; limit 2048 MiB`,
        );
        assert.ok(peak < model.worstCase, `peak ${peak} < model ${model.worstCase}`);
        assert.ok(model.worstCase <= model.budget, `model ${model.worstCase} <= budget ${model.budget}`);
    });

    test(`today's work_mem (${TODAYS_WORK_MEM}): the same population goes past the 2Gi limit, and the model says so`, async () => {
        for (const c of active) await c.query(`SET work_mem = '${TODAYS_WORK_MEM}'`);
        const { peak, seconds } = await peakUnderLoad();
        const todays = postgresMemoryModel({
            memoryLimit: SIZING.memory,
            parameters: { ...parameters, work_mem: TODAYS_WORK_MEM },
            activeBackends: 20,
            nodesPerQuery: 4,
        });
        log(
            `work_mem ${TODAYS_WORK_MEM}: peak ${Math.round(peak / MiB)} MiB in ${seconds} s; model ${Math.round(todays.worstCase / MiB)} MiB`,
        );
        assert.ok(peak > 2048 * MiB, `peak ${Math.round(peak / MiB)} MiB > the 2048 MiB limit`);
        assert.ok(todays.headroom < 0);
    });
});
