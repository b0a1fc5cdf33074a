/**
 * Issue 19, findings 1 and 6, on a real redis-server (test/support/servers.ts):
 *
 * 1. A Redis filled to its maxmemory, under a write load, while it forks (what a replica full
 *    sync or a `save` point does) stays below the container limit the program declares for its
 *    settings; today's settings (maxmemory 0.78 of the limit) exceed it. The container's
 *    memory is the parent's RSS plus the child's private pages (its copy-on-write copies; the
 *    shared ones are counted once, as the cgroup counts them), sampled every 20 ms.
 * 6. volatile-lru never evicts a key without a TTL when the instance is filled past maxmemory;
 *    allkeys-lru (today's) does.
 *
 *   node --import tsx --test test/integration/data/redisMemory.test.ts
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { Redis } from "ioredis";
import { redisConfig, redisMemoryModel } from "../../../lib/data/redis";
import { freePorts, HOST, RedisNode, Servers, sleep, waitFor } from "../../support/servers";

const log = (msg: string) => console.log(`[redis-memory] ${msg}`);
const MiB = 2 ** 20;
/** Scaled down from prod's 2Gi; the ratio and the model are the same. */
const LIMIT = "256Mi";
const VALUE = "v".repeat(1000);
/** The seed's per-node ceiling (10,000 ops/s: above it the cache scales out), all of them writes. */
const WRITES_PER_SEC = 10_000;
/** Writes while the fork runs: 3 s of the seed's ceiling. */
const FORK_WRITES = 30_000;
/**
 * The child sleeps 1 µs before one key in 8 (a negative rdb-key-save-delay): the fork of 140-200
 * MB lasts 4-7 s, a volume's or a replica link's pace rather than this machine's page cache
 * (issue 19 measured 40 % of the data set copied in the cluster; here 44-57 %).
 */
const SAVE_DELAY_US = "-8";

/** Today's directives (before issue 19): maxmemory 0.78 of the limit, RDB save points, allkeys-lru. */
const TODAY = {
    maxmemory: "199mb", // 0.78 × 256 MiB
    "maxmemory-policy": "allkeys-lru",
    "cluster-replica-validity-factor": "0",
    appendonly: "no",
    save: "3600 1 300 100",
};

const kb = (status: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;

/** The cgroup's view: parent RSS + the fork child's private pages. */
function containerBytes(pid: number): { parent: number; child: number } {
    const parent = kb(fs.readFileSync(`/proc/${pid}/status`, "utf8"), "VmRSS");
    let child = 0;
    try {
        const kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
        for (const k of kids) {
            const r = fs.readFileSync(`/proc/${k}/smaps_rollup`, "utf8");
            child += kb(r, "Private_Clean") + kb(r, "Private_Dirty");
        }
    } catch {
        // The child exited between the two reads.
    }
    return { parent, child };
}

const infoField = (info: string, f: string) => Number(new RegExp(`^${f}:(\\S+)`, "m").exec(info)?.[1]);

async function startNode(servers: Servers, name: string, directives: Record<string, string>): Promise<{ node: RedisNode; client: Redis }> {
    const [port, bus] = await freePorts(2);
    const node = new RedisNode(servers, name, port, bus);
    await node.start(directives);
    await node.cli(["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]);
    await waitFor(`${name} cluster_state ok`, 10_000, async () =>
        (await node.cli(["CLUSTER", "INFO"])).includes("cluster_state:ok") ? true : undefined,
    );
    return { node, client: new Redis({ host: HOST, port, lazyConnect: false, maxRetriesPerRequest: 1 }) };
}

/** Cache keys (1 KB, TTL 1 h) until used_memory reaches maxmemory; returns the key count. */
async function fill(client: Redis, maxmemory: number): Promise<number> {
    let n = 0;
    while (infoField(await client.info("memory"), "used_memory") < maxmemory * 0.98 && n < 2_000_000) {
        const p = client.pipeline();
        for (let i = 0; i < 10_000; i++) p.set(`cache:${n++}`, VALUE, "EX", 3600);
        await p.exec();
    }
    return n;
}

interface ForkRun {
    maxmemory: number;
    usedBefore: number;
    rssBefore: number;
    peak: number;
    peakChild: number;
    cow: number;
    forkSeconds: number;
}

/** Writes at WRITES_PER_SEC over the keys while a BGSAVE runs; the peak of parent + child. */
async function forkUnderWrites(client: Redis, keys: number): Promise<Omit<ForkRun, "maxmemory" | "usedBefore">> {
    const pid = infoField(await client.info("server"), "process_id");
    const rssBefore = containerBytes(pid).parent;
    let writing = true;
    let duringFork = -1;
    const load = (async () => {
        // At most FORK_WRITES once the fork started, so a slower machine (a longer fork) does not copy more.
        while (writing && duringFork < FORK_WRITES) {
            if (duringFork >= 0) duringFork += WRITES_PER_SEC / 100;
            const p = client.pipeline();
            for (let i = 0; i < WRITES_PER_SEC / 100; i++) p.set(`cache:${Math.floor(Math.random() * keys)}`, VALUE, "EX", 3600);
            await Promise.all([p.exec(), sleep(10)]);
        }
    })();
    await sleep(200);
    await client.bgsave();
    duringFork = 0;
    const t0 = performance.now();
    let peak = 0;
    let peakChild = 0;
    try {
        for (let saw = false; performance.now() - t0 < 20_000; await sleep(20)) {
            const b = containerBytes(pid);
            peak = Math.max(peak, b.parent + b.child);
            peakChild = Math.max(peakChild, b.child);
            const inProgress = infoField(await client.info("persistence"), "rdb_bgsave_in_progress");
            if (inProgress === 1) saw = true;
            else if (saw || performance.now() - t0 > 2000) break;
        }
    } finally {
        writing = false;
        await load;
    }
    const persistence = await client.info("persistence");
    assert.equal(infoField(persistence, "rdb_bgsave_in_progress"), 0, "the save finished within 20 s");
    return {
        rssBefore,
        peak,
        peakChild,
        cow: infoField(persistence, "rdb_last_cow_size"),
        forkSeconds: Math.round(performance.now() - t0) / 1000,
    };
}

async function measure(servers: Servers, name: string, directives: Record<string, string>): Promise<ForkRun> {
    const { client } = await startNode(servers, name, { ...directives, "rdb-key-save-delay": SAVE_DELAY_US });
    try {
        const maxmemory = Number(((await client.config("GET", "maxmemory")) as string[])[1]);
        const keys = await fill(client, maxmemory);
        const usedBefore = infoField(await client.info("memory"), "used_memory");
        return { maxmemory, usedBefore, ...(await forkUnderWrites(client, keys)) };
    } finally {
        client.disconnect();
    }
}

const mib = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
const report = (label: string, r: ForkRun) =>
    log(
        `${label}: maxmemory ${mib(r.maxmemory)}, used ${mib(r.usedBefore)}, RSS before fork ${mib(r.rssBefore)}, ` +
            `peak parent+child ${mib(r.peak)} (child private ${mib(r.peakChild)}; rdb_last_cow_size ${mib(r.cow)}, ` +
            `${((r.cow / r.usedBefore) * 100).toFixed(0)} % of the data), fork ${r.forkSeconds} s; limit ${LIMIT}`,
    );

describe("issue 19, finding 1: a Redis forking under writes stays below its container limit", () => {
    let servers: Servers;
    before(() => (servers = new Servers("sysmanage-redis-mem-")));
    after(async () => void (await servers.stopAll()));

    test(`today's settings exceed ${LIMIT}; the modelled ones stay below it (one run, side by side)`, { timeout: 60_000 }, async () => {
        const settings = { memoryLimit: LIMIT, maxmemoryRatio: 0.52, evictionPolicy: "volatile-lru" };
        const model = redisMemoryModel({ ...settings, forkCopyFraction: 0.6, replicasPerMaster: 0 });
        assert.equal(model.headroom >= 0, true);
        const now = await measure(servers, "modelled", redisConfig(settings));
        report("modelled (0.52, no save points)", now);
        const old = await measure(servers, "today", TODAY);
        report("today (0.78, save 3600 1 300 100)", old);
        log(`peak ratio today/modelled: ${(old.peak / now.peak).toFixed(2)}`);
        const limit = 256 * MiB;
        assert.ok(now.peak < limit, `modelled peak ${mib(now.peak)} < ${LIMIT}`);
        assert.ok(now.peak <= model.worstCase, `modelled peak ${mib(now.peak)} <= the model's worst case ${mib(model.worstCase)}`);
        assert.ok(now.cow / now.usedBefore <= 0.6, "the fork copied at most redis.forkCopyFraction (0.6) of the data");
        assert.ok(old.peak > limit, `today's peak ${mib(old.peak)} > ${LIMIT}`);
    });
});

/** Fills past maxmemory: 2,000 keys without a TTL first, then 1 KB cache keys with one (3 × maxmemory). */
async function pinnedAfterOverfill(servers: Servers, name: string, policy: string): Promise<{ pinned: number; evicted: number }> {
    // 32Mi × 0.52 = 16 MiB of maxmemory: filled three times over within a second.
    const { client } = await startNode(servers, name, redisConfig({ memoryLimit: "32Mi", maxmemoryRatio: 0.52, evictionPolicy: policy }));
    try {
        const p = client.pipeline();
        for (let i = 0; i < 2000; i++) p.set(`pinned:${i}`, "x".repeat(100));
        await p.exec();
        for (let n = 0; n < 48_000;) {
            const q = client.pipeline();
            for (let i = 0; i < 4000; i++) q.set(`cache:${n++}`, VALUE, "EX", 3600);
            await q.exec();
        }
        const e = await client.pipeline(Array.from({ length: 2000 }, (_, i) => ["exists", `pinned:${i}`])).exec();
        const pinned = (e ?? []).filter(([, v]) => v === 1).length;
        return { pinned, evicted: infoField(await client.info("stats"), "evicted_keys") };
    } finally {
        client.disconnect();
    }
}

describe("issue 19, finding 6: what eviction may take", () => {
    let servers: Servers;
    before(() => (servers = new Servers("sysmanage-redis-evict-")));
    after(async () => void (await servers.stopAll()));

    test("volatile-lru evicts only keys with a TTL; allkeys-lru (today's) evicts the others too", { timeout: 60_000 }, async () => {
        const volatile = await pinnedAfterOverfill(servers, "volatile", "volatile-lru");
        const allkeys = await pinnedAfterOverfill(servers, "allkeys", "allkeys-lru");
        log(
            `filled 3 × past 16 MiB: volatile-lru kept ${volatile.pinned}/2000 keys without TTL (evicted ${volatile.evicted}); allkeys-lru kept ${allkeys.pinned}/2000 (evicted ${allkeys.evicted})`,
        );
        assert.ok(volatile.evicted > 0, "volatile-lru evicted cache keys");
        assert.equal(volatile.pinned, 2000);
        assert.ok(allkeys.pinned < 2000, `allkeys-lru evicted keys without a TTL (${2000 - allkeys.pinned})`);
    });
});
