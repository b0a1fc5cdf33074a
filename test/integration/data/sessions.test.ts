/**
 * Issue 15: sessions are not evicted before their TTL while the cache evicts. On real
 * redis-servers (test/support/servers.ts) with prod's directives from the plan (maxmemory scaled
 * down to 16 MB, every other line as generated):
 *
 * - the cache (volatile-lru) and the session store (noeviction, its own cluster): the cache is
 *   filled three times past maxmemory and evicts; every live session is still there;
 * - the session store filled past its own maxmemory refuses the new session (OOM) and keeps
 *   every one it accepted: a full store costs a login, never a logout;
 * - the design before issue 15 (sessions with the seed's 1-hour TTL in the cache itself) loses
 *   sessions under the same fill.
 *
 *   node --import tsx --test test/integration/data/sessions.test.ts
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { dataTierPlan } from "../../../plan/dataTier";
import { freePorts, HOST, RedisNode, Servers, stackAppConfig } from "../../support/servers";

const log = (msg: string) => console.log(`[sessions] ${msg}`);
/** The seed's session TTL. */
const TTL = 3600;
const SESSIONS = 5000;
/** A session: the user, roles and CSRF token, about 500 bytes serialized. */
const SESSION = "s".repeat(500);
const CACHE_VALUE = "v".repeat(1000);
/** 16 MB of maxmemory: the cache is filled three times over (48,000 × 1 KB). */
const MAXMEMORY = "16mb";
const CACHE_KEYS = 48_000;

const plan = dataTierPlan(stackAppConfig("prod"));
const scaled = (config: Record<string, string>) => ({ ...config, maxmemory: MAXMEMORY });

async function startNode(servers: Servers, name: string, directives: Record<string, string>): Promise<Redis> {
    const [port, bus] = await freePorts(2);
    const node = new RedisNode(servers, name, port, bus);
    await node.start(directives);
    await node.serveAllSlots();
    return new Redis({ host: HOST, port, maxRetriesPerRequest: 1 });
}

const stat = async (c: Redis, section: string, field: string) =>
    Number(new RegExp(`^${field}:(\\S+)`, "m").exec(await c.info(section))?.[1]);

/** Writes `n` sessions from `from` with the seed's TTL; the count Redis accepted (noeviction refuses when full). */
async function writeSessions(c: Redis, from: number, n: number): Promise<{ accepted: number; errors: string[] }> {
    const results =
        (await c.pipeline(Array.from({ length: n }, (_, i) => ["set", `session:${from + i}`, SESSION, "EX", String(TTL)])).exec()) ?? [];
    const errors = results.filter(([e]) => e).map(([e]) => String((e as Error).message));
    return { accepted: results.length - errors.length, errors };
}

/** Live sessions among session:0..n-1: present, and with a TTL still running. */
async function liveSessions(c: Redis, n: number): Promise<number> {
    const ttls = (await c.pipeline(Array.from({ length: n }, (_, i) => ["ttl", `session:${i}`])).exec()) ?? [];
    return ttls.filter(([, t]) => typeof t === "number" && t > 0 && t <= TTL).length;
}

async function fillCache(c: Redis): Promise<void> {
    for (let n = 0; n < CACHE_KEYS;) {
        const p = c.pipeline();
        for (let i = 0; i < 4000; i++) p.set(`cache:${n++}`, CACHE_VALUE, "EX", TTL);
        await p.exec();
    }
}

describe("issue 15: the cache evicts, live sessions stay", () => {
    let servers: Servers;
    const clients: Redis[] = [];
    before(() => (servers = new Servers("sysmanage-sessions-")));
    after(async () => {
        for (const c of clients) c.disconnect();
        await servers.stopAll();
    });

    test("the plan: the cache evicts keys with a TTL, the session store nothing", () => {
        assert.equal(plan.redis!.config["maxmemory-policy"], "volatile-lru");
        assert.equal(plan.sessions!.config["maxmemory-policy"], "noeviction");
        assert.equal(plan.sessions!.name, "sysmanage-redis-sessions");
    });

    test(
        "filled 3 × past maxmemory, the cache evicts and all 5,000 sessions in their own store live on; a full store refuses, never evicts",
        { timeout: 60_000 },
        async () => {
            const cache = await startNode(servers, "cache", scaled(plan.redis!.config));
            const sessions = await startNode(servers, "sessions", scaled(plan.sessions!.config));
            clients.push(cache, sessions);

            assert.deepEqual(await writeSessions(sessions, 0, SESSIONS), { accepted: SESSIONS, errors: [] });
            await fillCache(cache);
            const cacheEvicted = await stat(cache, "stats", "evicted_keys");
            log(
                `cache: ${CACHE_KEYS} keys written into ${MAXMEMORY}, ${cacheEvicted} evicted; sessions live: ${await liveSessions(sessions, SESSIONS)}/${SESSIONS}`,
            );
            assert.ok(cacheEvicted > CACHE_KEYS / 2, `the cache evicted (${cacheEvicted})`);
            assert.equal(await liveSessions(sessions, SESSIONS), SESSIONS);

            // Fill the session store itself past its maxmemory: new logins are refused, none is dropped.
            let accepted = SESSIONS;
            let refused: string[] = [];
            while (!refused.length && accepted < 200_000) {
                const r = await writeSessions(sessions, accepted, 2000);
                accepted += r.accepted;
                refused = r.errors;
            }
            log(`session store full after ${accepted} sessions; first refusal: ${refused[0]}`);
            assert.match(refused[0] ?? "", /^OOM command not allowed when used memory > 'maxmemory'/);
            assert.equal(await stat(sessions, "stats", "evicted_keys"), 0);
            assert.equal(await liveSessions(sessions, accepted), accepted);
        },
    );

    test(
        "before issue 15 (sessions in the cache, volatile-lru, 1-hour TTL) the same fill evicts live sessions",
        { timeout: 60_000 },
        async () => {
            const shared = await startNode(servers, "shared", scaled(plan.redis!.config));
            clients.push(shared);
            assert.deepEqual(await writeSessions(shared, 0, SESSIONS), { accepted: SESSIONS, errors: [] });
            await fillCache(shared);
            const live = await liveSessions(shared, SESSIONS);
            log(`shared cache: ${live}/${SESSIONS} sessions left after the fill`);
            assert.ok(live < SESSIONS, `sessions were evicted (${SESSIONS - live} of ${SESSIONS})`);
        },
    );
});
