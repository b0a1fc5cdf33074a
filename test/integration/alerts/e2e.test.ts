/**
 * Issue 15, alerts proven on real metrics: a real Prometheus scrapes Debian's exporters in front
 * of real servers (test/support/exporters.ts, prometheus.ts) and evaluates the alert rules the
 * program generates for prod; the Redis-memory, pooler-waiting and replica-lag alerts are quiet
 * first, then fire when the test induces each condition.
 *
 * - The rules are prod's PrometheusRule spec (as promtool.test.ts renders it) with one change:
 *   every `for:` is 0s, since prod's 2 to 10 minutes would make the test wait that long; the
 *   expressions and thresholds are the program's, byte for byte.
 * - Targets carry the `namespace` and `pod` labels a PodMonitor gives them in the cluster, with
 *   prod's object names (the primary `sysmanage-pg-1`, its standby `sysmanage-pg-2`, ...).
 *
 *   node --import tsx --test test/integration/alerts/e2e.test.ts
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Redis } from "ioredis";
import { Client } from "pg";
import { parse, stringify } from "yaml";
import { alertsPlan } from "../../../plan/alerts";
import { planStack } from "../../../plan/stack";
import { pgbouncerExporter, postgresExporter, redisExporter } from "../../support/exporters";
import { trustBouncer, useModernPgbouncer } from "../../support/pgbouncer";
import { PrometheusServer, type ScrapeTarget } from "../../support/prometheus";
import { freePorts, HOST, PgBouncer, PgServer, RedisNode, Servers, stackAppConfig, SUPERUSER, waitFor } from "../../support/servers";

const log = (msg: string) => console.log(`[alerts e2e] ${msg}`);
const QUERIES = path.resolve(__dirname, "../../fixtures/postgres_exporter/queries.yaml");
const cfg = stackAppConfig("prod");
const plan = planStack(cfg, "prod");
const NS = cfg.namespace;
/** Pod names as the operators name them: CloudNativePG's `<cluster>-<n>`, a pooler Deployment's pods, the redis-operator's StatefulSet. */
const POD = {
    primary: `${plan.data.postgres!.main.name}-1`,
    standby: `${plan.data.postgres!.main.name}-2`,
    pooler: `${plan.data.postgres!.poolers.find((p) => p.name.endsWith("-rw"))!.name}-5d8f7c9b6-x2k4p`,
    redis: `${plan.data.redis!.name}-leader-0`,
};
/** Test-sized: 8 MB instead of prod's 1064 MB, every other directive as generated. */
const REDIS_MAXMEMORY = 8 * 1024 * 1024;
/** Server connections of the test pooler: two sleepers hold them, a third client waits. */
const POOL_SIZE = 2;

/** prod's rule groups as the program generates them. */
const GENERATED = alertsPlan(cfg, plan)!.groups;

describe("alerts on real exporters: quiet, then firing when induced (prod's rules)", { timeout: 90_000 }, () => {
    let servers: Servers;
    let prom: PrometheusServer;
    let primary: PgServer;
    let standby: PgServer;
    let bouncer: PgBouncer;
    let redis: Redis;
    let heartbeat: NodeJS.Timeout | undefined;
    let rulesFile: string;
    const t0 = performance.now();

    before(async () => {
        useModernPgbouncer();
        servers = new Servers("sysmanage-alerts-e2e-");
        primary = await PgServer.init(servers, "primary");
        await primary.start({ fsync: "off" });
        standby = await PgServer.basebackup(servers, primary, "standby");
        await standby.start({ fsync: "off" });
        bouncer = await startBouncer(servers, primary);
        const [redisPort, busPort] = await freePorts(2);
        const node = new RedisNode(servers, "redis", redisPort, busPort);
        await node.start({ ...plan.data.redis!.config, maxmemory: String(REDIS_MAXMEMORY) });
        await node.serveAllSlots();
        redis = new Redis({ host: HOST, port: redisPort, maxRetriesPerRequest: 1 });
        heartbeat = await startHeartbeat(primary);
        const exporters = await Promise.all([
            redisExporter(servers, "redis-exporter", redisPort),
            postgresExporter(servers, "postgres-exporter-1", primary, QUERIES),
            postgresExporter(servers, "postgres-exporter-2", standby, QUERIES),
            pgbouncerExporter(servers, "pgbouncer-exporter", bouncer, SUPERUSER),
        ]);
        const pods = [POD.redis, POD.primary, POD.standby, POD.pooler];
        const targets: ScrapeTarget[] = exporters.map((e, i) => ({ job: e.name, port: e.port, labels: { namespace: NS, pod: pods[i] } }));
        // Every `for` set to 0s: the only change to the generated groups.
        const groups = GENERATED.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, for: "0s" })) }));
        rulesFile = path.join(servers.root, "sysmanage-alerts.rules.yaml");
        servers.writeFile(rulesFile, stringify({ groups }));
        prom = await PrometheusServer.start(servers, targets, [rulesFile]);
        log(`servers, exporters and Prometheus up in ${Math.round(performance.now() - t0) / 1000} s`);
    });
    after(async () => {
        clearInterval(heartbeat);
        redis?.disconnect();
        await servers?.stopAll();
        log(`whole file: ${Math.round(performance.now() - t0) / 1000} s`);
    });

    test("the rule file Prometheus loads: prod's rules as the program generates them but for `for`, the three under test among them", () => {
        const loaded = (parse(fs.readFileSync(rulesFile, "utf8")) as { groups: typeof GENERATED }).groups;
        const rules = loaded.flatMap((g) => g.rules);
        const expr = (alert: string, label: string, value: string) =>
            rules.find((r) => r.alert === alert && r.labels?.[label] === value)?.expr;
        assert.equal(
            expr("SysmanageRedisMemoryHigh", "redis", "sysmanage-redis"),
            'redis_memory_used_bytes{namespace="sysmanage",pod=~"sysmanage-redis-(leader|follower)-[0-9]+"} / (redis_memory_max_bytes{namespace="sysmanage",pod=~"sysmanage-redis-(leader|follower)-[0-9]+"} > 0) > 0.8',
        );
        assert.equal(
            expr("SysmanagePoolerClientsWaiting", "pooler", "sysmanage-pg-pooler-rw"),
            'max by (namespace, pod) ({__name__=~"cnpg_pgbouncer_pools_cl_waiting|pgbouncer_waiting_clients|pgbouncer_pools_client_waiting_connections",namespace="sysmanage",pod=~"sysmanage-pg-pooler-rw-[a-z0-9]+-[a-z0-9]+"}) > 0',
        );
        assert.equal(
            expr("SysmanagePostgresReplicationLag", "cluster", "sysmanage-pg"),
            'max by (namespace, pod) ({__name__=~"cnpg_pg_replication_lag|pg_replication_lag|pg_replication_lag_seconds",namespace="sysmanage",pod=~"sysmanage-pg-[0-9]+"}) > 30',
        );
        assert.deepEqual(new Set(rules.map((r) => r.for)), new Set(["0s"]));
        assert.deepEqual(
            rules.map(({ for: _, ...r }) => r),
            GENERATED.flatMap((g) => g.rules).map(({ for: _, ...r }) => r),
        );
    });

    test("quiet before anything is induced: every rule evaluates without error on the scraped series, the three are inactive, only the replica-less Redis master fires", async () => {
        // The series each alert reads, from the exporters (one value per target here).
        const series = await waitFor("the exporters' series in Prometheus", 20_000, async () => {
            const r = await prom.query(
                '{__name__=~"redis_memory_used_bytes|redis_memory_max_bytes|pgbouncer_waiting_clients|pg_replication_lag"}',
            );
            return new Set(r.map((s) => `${s.metric.__name__}@${s.metric.pod}`)).size === 5 ? r : undefined;
        });
        const value = (name: string, pod: string) =>
            series.filter((s) => s.metric.__name__ === name && s.metric.pod === pod).map((s) => s.value);
        assert.deepEqual(value("redis_memory_max_bytes", POD.redis), [REDIS_MAXMEMORY]);
        assert.ok(value("redis_memory_used_bytes", POD.redis)[0] < 0.8 * REDIS_MAXMEMORY);
        assert.deepEqual(new Set(value("pgbouncer_waiting_clients", POD.pooler)), new Set([0]));
        const [lag] = value("pg_replication_lag", POD.standby);
        assert.ok(lag < 30, `lag ${lag} s`);
        assert.deepEqual(value("pg_replication_lag", POD.primary), [0]);
        const seen = Date.now();
        // Rules evaluated after those samples: every rule healthy, the three inactive.
        const groups = await waitFor("a rule evaluation after the samples", 10_000, async () => {
            const g = await prom.ruleGroups();
            return g.length === GENERATED.length && g.every((x) => Date.parse(x.lastEvaluation) > seen) ? g : undefined;
        });
        const rules = groups.flatMap((g) => g.rules);
        assert.deepEqual(
            rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.lastError}`),
            [],
        );
        for (const name of ["SysmanageRedisMemoryHigh", "SysmanagePoolerClientsWaiting", "SysmanagePostgresReplicationLag"])
            assert.deepEqual(
                rules.filter((r) => r.name === name).map((r) => r.state),
                rules.filter((r) => r.name === name).map(() => "inactive"),
                name,
            );
        // The one alert that is right to fire here: the test runs the cache's master without the
        // replica prod gives it (redis_connected_slaves 0 < 1, redis_instance_info role="master").
        assert.deepEqual(
            (await prom.alerts()).map((a) => [a.labels.alertname, a.labels.pod, a.state]),
            [["SysmanageRedisMasterWithoutReplica", POD.redis, "firing"]],
        );
    });

    test("Redis memory: the cache node filled past 80 % of its maxmemory fires SysmanageRedisMemoryHigh, then SysmanageRedisEvictingKeys", async () => {
        // 100 × 100 KB with a TTL: past the 8 MB maxmemory, so volatile-lru holds used_memory at about maxmemory.
        const p = redis.pipeline();
        for (let i = 0; i < 100; i++) p.set(`{cache}:fill:${i}`, "x".repeat(100_000), "EX", 3600);
        await p.exec();
        const memory = await fires(prom, "SysmanageRedisMemoryHigh", { pod: POD.redis, redis: "sysmanage-redis" });
        assert.ok(memory > 0.8, `${memory}`);
        // Past maxmemory, volatile-lru evicts keys with a TTL: the eviction alert follows.
        const evictions = await fires(prom, "SysmanageRedisEvictingKeys", { pod: POD.redis, redis: "sysmanage-redis" });
        assert.ok(evictions > 0, `${evictions} keys/s`);
    });

    test(`pooler waiting: ${POOL_SIZE} sleepers hold the pool, a third client waits: SysmanagePoolerClientsWaiting fires`, async () => {
        const clients: Client[] = [];
        try {
            for (let i = 0; i <= POOL_SIZE; i++) clients.push(await bouncerClient(bouncer));
            const queries = clients.map((c, i) => c.query(i < POOL_SIZE ? "SELECT pg_sleep(60)" : "SELECT 1").catch(() => undefined));
            const waiting = await fires(prom, "SysmanagePoolerClientsWaiting", { pod: POD.pooler, pooler: "sysmanage-pg-pooler-rw" });
            assert.equal(waiting, 1);
            const admin = await primary.connect();
            await admin.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'");
            await admin.end();
            await Promise.all(queries);
        } finally {
            await Promise.allSettled(clients.map((c) => c.end()));
        }
    });

    test("replica lag: replay paused on the standby while the primary commits every second fires SysmanagePostgresReplicationLag (> 30 s)", async () => {
        const s = await standby.connect();
        try {
            await s.query("SELECT pg_wal_replay_pause()");
            const paused = performance.now();
            const lag = await fires(prom, "SysmanagePostgresReplicationLag", { pod: POD.standby, cluster: "sysmanage-pg" }, 50_000);
            log(`lag alert firing ${Math.round(performance.now() - paused) / 1000} s after the pause`);
            assert.ok(lag > 30, `${lag} s`);
            // The lag is WAL received and not replayed, not an idle primary.
            const r = await s.query<{ behind: boolean }>("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn() AS behind");
            assert.equal(r.rows[0].behind, true);
        } finally {
            await s.end();
        }
    });
});

/**
 * Polls `/api/v1/alerts` until `name` is firing, checks its labels (the rule's and the
 * expression's, without the scrape's `instance` and `job`: `labels` plus the name, the namespace
 * and severity warning) and returns its value.
 */
async function fires(prom: PrometheusServer, name: string, labels: Record<string, string>, timeoutMs = 20_000): Promise<number> {
    const alert = await waitFor(
        `${name} firing`,
        timeoutMs,
        async () => (await prom.alerts()).find((a) => a.labels.alertname === name && a.state === "firing"),
        250,
    ).catch(async (e: Error) => {
        throw new Error(`${e.message}; scrapes: ${(await prom.targetHealth()).join("; ")}`);
    });
    log(`${name} firing, value ${alert.value}`);
    const { instance: _i, job: _j, ...own } = alert.labels;
    assert.deepEqual(own, { alertname: name, namespace: NS, severity: "warning", ...labels });
    return Number(alert.value);
}

/**
 * A commit on the primary every second (what a heartbeat table does in production): the
 * exporter's lag is the time since the standby replayed its last commit, so without writes it
 * would grow on an idle primary too.
 */
async function startHeartbeat(primary: PgServer): Promise<NodeJS.Timeout> {
    const c = await primary.connect();
    await c.query("CREATE TABLE heartbeat (at timestamptz NOT NULL)");
    const beat = () => c.query("INSERT INTO heartbeat VALUES (now())").catch(() => undefined);
    await beat();
    const timer = setInterval(() => void beat(), 1000);
    timer.unref();
    return timer;
}

/** A PgBouncer in front of the primary in prod's rw pool mode, with a pool of POOL_SIZE. */
function startBouncer(servers: Servers, primary: PgServer): Promise<PgBouncer> {
    const rw = plan.data.postgres!.poolers.find((p) => p.name.endsWith("-rw"))!;
    const databases = [{ alias: "app", host: HOST, port: primary.port, dbname: "postgres" }];
    return trustBouncer(servers, "pgbouncer", databases, { default_pool_size: String(POOL_SIZE), max_client_conn: "50" }, rw.poolMode);
}

async function bouncerClient(b: PgBouncer): Promise<Client> {
    const c = new Client({ host: HOST, port: b.port, user: SUPERUSER, database: "app", connectionTimeoutMillis: 5000 });
    c.on("error", () => undefined);
    await c.connect();
    return c;
}
