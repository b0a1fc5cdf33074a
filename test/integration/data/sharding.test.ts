/**
 * Issue 18 #6 on real servers: three PostgreSQL 17 instances, keys routed by the published map
 * through the reference client (tools/sharding/client.ts), and a reshard 2 -> 3 with `shard:move`
 * under concurrent writes. The figures are logged (`# sharding:` lines) and quoted in docs/sharding.md.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Client } from "pg";
import { BUCKETS, bucketOf, bucketSql } from "../../../lib/sharding/hash";
import { initialMap, rebalance, shardOfKey, type ShardMap } from "../../../lib/sharding/map";
import { shardMapJson, type PublishedShardMap } from "../../../lib/sharding/published";
import { mergeOrderedLimit, mergeSum, ownedBucketsSql } from "../../../lib/sharding/router";
import { ShardClient } from "../../../tools/sharding/client";
import { main as shardMove } from "../../../tools/sharding/move";
import { HOST, PgServer, SUPERUSER, Servers, seconds, sleep } from "../../support/servers";

const log = (s: string) => console.log(`# sharding: ${s}`);
const DB = "sysmanage";
const N = 100_000;
const key = (prefix: string, i: number) => `${prefix}-${String(i).padStart(6, "0")}`;
/** A row's deterministic load, so ORDER BY load has ties broken by hostname. */
const loadOf = (i: number) => (i * 7919) % 100_003;
const DDL = "CREATE TABLE hosts (hostname text PRIMARY KEY, bucket integer NOT NULL, load bigint NOT NULL)";
const INSERT = "INSERT INTO hosts SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])";
/**
 * The chi-square critical value for 1023 degrees of freedom (1024 buckets) at p = 0.001:
 * scipy.stats.chi2.ppf(0.999, 1023) = 1168.497 (checked below against jStat's inverse CDF).
 */
const CHI2_CRITICAL = 1168.497;

// jstat ships no type declarations: the one function used, typed here (as forecast/models/select.ts does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jStat } = require("jstat") as { jStat: { chisquare: { inv(p: number, dof: number): number } } };

const rowsOf = (keys: readonly string[], load: (k: string) => number) => [keys, keys.map((k) => bucketOf(k)), keys.map(load)];
const loadOfKey = (k: string) => loadOf(Number(k.slice(k.lastIndexOf("-") + 1)));

describe("sharding on three real PostgreSQL 17 servers (issue 18)", { timeout: 60_000 }, () => {
    let servers: Servers;
    const pg: PgServer[] = [];
    let single: Client;
    let dir: string;
    let v1: PublishedShardMap;
    let v2: PublishedShardMap;
    const t0 = performance.now();

    const published = (m: ShardMap): PublishedShardMap => ({
        ...m,
        endpoints: Object.fromEntries(m.shards.map((s) => [s, { host: HOST, port: pg[Number(s.slice(1))].port, database: DB }])),
    });
    const client = (source: () => PublishedShardMap, refreshMs = 0) =>
        ShardClient.open({
            source,
            refreshMs,
            connection: (_, e) => ({ host: e.host, port: e.port, database: e.database, user: SUPERUSER }),
        });

    before(async () => {
        servers = new Servers("sysmanage-sharding-");
        pg.push(...(await Promise.all([0, 1, 2].map((i) => PgServer.init(servers, `shard${i}`)))));
        await Promise.all(pg.map((p) => p.start({ fsync: "off", synchronous_commit: "off", full_page_writes: "off" })));
        for (const p of pg) {
            const c = await p.connect();
            await c.query(`CREATE DATABASE ${DB}`);
            if (p === pg[2]) await c.query("CREATE DATABASE single");
            await c.end();
            const d = await p.connect({ database: DB });
            await d.query(DDL);
            await d.end();
        }
        single = await pg[2].connect({ database: "single" });
        await single.query(DDL);
        v1 = published(initialMap(["s0", "s1"]));
        v2 = published(rebalance(v1, ["s0", "s1", "s2"]));
        dir = servers.dir("maps");
        for (const [f, m] of [
            ["v1.json", v1],
            ["v2.json", v2],
        ] as const)
            fs.writeFileSync(path.join(dir, f), shardMapJson(m));
        log(`3 servers up in ${seconds(t0)} s`);
    });
    after(async () => {
        await single?.end();
        const steps = await servers.stopAll();
        log(`teardown: ${steps.join(", ")}; file total ${seconds(t0)} s`);
    });

    test("(a) 100,000 keys routed by the published map: uniform over buckets and shards; bucketSql agrees with bucketOf on the server", async () => {
        const keys = Array.from({ length: N }, (_, i) => key("host", i + 1));
        const c = await client(() => v1);
        try {
            for (let i = 0; i < N; i += 10_000)
                await c.batch(keys.slice(i, i + 10_000), async (tx, ks) => void (await tx.query(INSERT, rowsOf(ks, loadOfKey))));
        } finally {
            await c.close();
        }
        await single.query(INSERT, rowsOf(keys, loadOfKey));
        const counts = new Array<number>(BUCKETS).fill(0);
        for (const k of keys) counts[bucketOf(k)]++;
        const expected = N / BUCKETS;
        const chi2 = counts.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
        const maxDev = Math.max(...counts.map((o) => Math.abs(o - expected) / expected));
        assert.ok(Math.abs(jStat.chisquare.inv(0.999, BUCKETS - 1) - CHI2_CRITICAL) < 0.01);
        assert.ok(chi2 < CHI2_CRITICAL, `chi-square ${chi2} over ${BUCKETS - 1} dof reaches the p = 0.001 critical value ${CHI2_CRITICAL}`);
        const shares: string[] = [];
        for (const [i, s] of v1.shards.entries()) {
            const d = await pg[i].connect({ database: DB });
            const r = await d.query<{ n: number; wrong: number }>(
                `SELECT count(*)::int AS n, count(*) FILTER (WHERE bucket <> ${bucketSql("hostname")})::int AS wrong FROM hosts`,
            );
            await d.end();
            const bucketShare = v1.ranges.filter((x) => x.shard === s).reduce((n, x) => n + x.to - x.from, 0) / BUCKETS;
            assert.equal(r.rows[0].wrong, 0, `${s}: rows whose server-side bucket differs from the client's`);
            assert.equal(r.rows[0].n, keys.filter((k) => shardOfKey(v1, k) === s).length);
            assert.ok(
                Math.abs(r.rows[0].n / N - bucketShare) <= 0.01,
                `${s} holds ${r.rows[0].n} of ${N}, its bucket share is ${bucketShare}`,
            );
            shares.push(`${s} ${((100 * r.rows[0].n) / N).toFixed(2)} % (bucket share ${(100 * bucketShare).toFixed(2)} %)`);
        }
        // The hashlib test vectors (test/unit/lib/sharding/hash.test.ts), computed by the server.
        const vectors: [string, number][] = [
            ["", 66],
            ["a", 274],
            ["host-0001", 249],
            ["tenant:42", 549],
            ["sysmanage", 711],
            ["ünïcødé", 723],
            ["日本", 780],
            ["🚀rocket", 734],
        ];
        const v = await single.query<{ k: string; b: number }>(`SELECT k, ${bucketSql("k")}::int AS b FROM unnest($1::text[]) k`, [
            vectors.map((x) => x[0]),
        ]);
        assert.deepEqual(
            v.rows.map((r) => [r.k, r.b]),
            vectors,
        );
        log(
            `(a) chi-square ${chi2.toFixed(1)} (critical ${CHI2_CRITICAL} at p = 0.001, 1023 dof); max per-bucket deviation ${(100 * maxDev).toFixed(1)} % of ${expected.toFixed(2)}; ${shares.join(", ")}`,
        );
    });

    test("(b) a cross-shard query merges every shard: count and ORDER BY ... LIMIT as on a single node", async () => {
        const c = await client(() => v1);
        try {
            const counts = await c.queryAll<{ n: string }>(`SELECT count(*) AS n FROM hosts`);
            assert.equal(counts.length, 2);
            assert.equal(mergeSum(counts, "n"), N);
            const owned = await c.queryAll<{ n: string }>(
                (s, m) => `SELECT count(*) AS n FROM hosts WHERE ${ownedBucketsSql(m, s, "hostname")}`,
            );
            assert.equal(mergeSum(owned, "n"), N);
            const top = "SELECT hostname, load::int AS load FROM hosts ORDER BY load DESC, hostname LIMIT 25";
            const merged = mergeOrderedLimit(
                await c.queryAll<{ hostname: string; load: number }>(top),
                (a, b) => b.load - a.load || (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0),
                25,
            );
            const alone = (await single.query<{ hostname: string; load: number }>(top)).rows;
            assert.equal(alone.length, 25);
            assert.deepEqual(merged, alone);
        } finally {
            await c.close();
        }
    });

    test("(c) reshard 2 -> 3 with shard:move under concurrent writes: every key once, on the shard the new map names", async () => {
        const t = performance.now();
        let deployed = v1;
        const inserted: string[] = [];
        let stop = false;
        // Writer A rereads the deployed map on every batch (a pod whose file was just updated); writer B
        // never does on its own (a pod whose file the kubelet has not updated yet): only the fence moves it.
        const writers = [await client(() => deployed, 0), await client(() => deployed, Number.POSITIVE_INFINITY)];
        const loops = writers.map(async (w, wi) => {
            for (let i = 0; !stop; i++) {
                const ks = Array.from({ length: 20 }, (_, j) => key(`new${wi}`, i * 20 + j));
                await w.batch(ks, async (tx, part) => void (await tx.query(INSERT, rowsOf(part, loadOfKey))));
                inserted.push(...ks);
                await sleep(5);
            }
        });
        const io = { lines: [] as string[], out: (l: string) => void io.lines.push(l), err: (l: string) => void io.lines.push(`ERR ${l}`) };
        const conn = pg.flatMap((p, i) => ["--connection", `s${i}=postgresql://${SUPERUSER}@${HOST}:${p.port}/${DB}`]);
        const move = (...args: string[]) =>
            shardMove(
                ["--from", path.join(dir, "v1.json"), "--to", path.join(dir, "v2.json"), "--table", "hosts:hostname", ...conn, ...args],
                io,
            );
        try {
            await sleep(200);
            const atCopy = inserted.length;
            assert.equal(await move("--copy"), 0, io.lines.join("\n"));
            const during = inserted.length - atCopy;
            assert.equal(await move("--cleanup", "--deployed", path.join(dir, "v1.json")), 3);
            assert.equal(
                io.lines.at(-1),
                "ERR shard:move: refused: the deployed map is version 1, the move's new map is version 2; switch the map first (sharding.mapShards, pulumi up), then clean up",
            );
            await sleep(200);
            deployed = v2; // the map switch (pulumi up of sharding.mapShards)
            await sleep(300);
            assert.equal(await move("--cleanup", "--deployed", path.join(dir, "v2.json")), 0, io.lines.join("\n"));
            await sleep(200);
            stop = true;
            await Promise.all(loops);
            assert.ok(during > 0, "rows were written during the copy");
            const caughtUp = io.lines.map((l) => /catch-up inserted (\d+);/.exec(l)).reduce((n, m) => n + (m ? Number(m[1]) : 0), 0);
            assert.ok(caughtUp > 0, "the cleanup copied rows written to the sources after the copy");
            assert.ok(writers[1].refusals > 0, "the lagging writer was stopped by the fence and rerouted");
            log(`(c) ${io.lines.join(" | ")}`);
            log(
                `(c) ${inserted.length} rows written concurrently (${during} during the copy, ${caughtUp} caught up after it); lagging writer refused ${writers[1].refusals} times; ${seconds(t)} s`,
            );
        } finally {
            stop = true;
            await Promise.allSettled(loops);
            await Promise.all(writers.map((w) => w.close()));
        }
        const where = new Map<string, string[]>();
        for (const [i, s] of v2.shards.entries()) {
            const d = await pg[i].connect({ database: DB });
            const rows = (await d.query<{ hostname: string }>("SELECT hostname FROM hosts")).rows;
            await d.end();
            for (const r of rows) where.set(r.hostname, [...(where.get(r.hostname) ?? []), s]);
        }
        const expected = [...Array.from({ length: N }, (_, i) => key("host", i + 1)), ...inserted];
        assert.equal(new Set(expected).size, expected.length, "the writers' keys are distinct");
        assert.deepEqual(
            [...where].filter(([, s]) => s.length > 1),
            [],
            "keys on more than one shard",
        );
        assert.deepEqual(
            expected.filter((k) => !where.has(k)),
            [],
            "keys lost",
        );
        assert.equal(where.size, expected.length, "rows that nobody wrote");
        assert.deepEqual(
            [...where].filter(([k, s]) => s[0] !== shardOfKey(v2, k)).map(([k]) => k),
            [],
            "keys on a shard the new map does not name",
        );
    });

    test("(d) a moved row changed on its source after the copy: the cleanup names its bucket, exits 1 and deletes nothing", async () => {
        // A key of a bucket s0 gives to s2 (342..511 in the 2 -> 3 move).
        const k = Array.from({ length: 1000 }, (_, i) => `note-${i}`).find((x) => bucketOf(x) >= 342 && bucketOf(x) < 512)!;
        const [s0, s2] = [await pg[0].connect({ database: DB }), await pg[2].connect({ database: DB })];
        const io = { lines: [] as string[], out: (l: string) => void io.lines.push(l), err: (l: string) => void io.lines.push(`ERR ${l}`) };
        const conn = pg.flatMap((p, i) => ["--connection", `s${i}=postgresql://${SUPERUSER}@${HOST}:${p.port}/${DB}`]);
        const move = (...args: string[]) =>
            shardMove(["--from", path.join(dir, "v1.json"), "--to", path.join(dir, "v2.json"), "--table", "notes:k", ...conn, ...args], io);
        try {
            for (const p of pg) {
                const c = await p.connect({ database: DB });
                await c.query("CREATE TABLE notes (k text PRIMARY KEY, body text NOT NULL)");
                await c.end();
            }
            await s0.query("INSERT INTO notes VALUES ($1, 'first')", [k]);
            assert.equal(await move("--copy"), 0, io.lines.join("\n"));
            await s0.query("UPDATE notes SET body = 'second' WHERE k = $1", [k]);
            assert.equal(await move("--cleanup", "--deployed", path.join(dir, "v2.json")), 1);
            assert.match(
                io.lines.at(-1)!,
                new RegExp(
                    `^ERR shard:move: verification failed, nothing deleted:\nnotes s0 -> s2 bucket ${bucketOf(k)}: source 1 rows [0-9a-f]{8}, target 1 rows [0-9a-f]{8}$`,
                ),
            );
            assert.deepEqual((await s0.query("SELECT body FROM notes")).rows, [{ body: "second" }]);
            assert.deepEqual((await s2.query("SELECT body FROM notes")).rows, [{ body: "first" }]);
        } finally {
            await s0.end();
            await s2.end();
        }
    });
});
