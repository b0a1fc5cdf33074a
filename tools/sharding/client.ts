/**
 * The reference shard client (issue 18 #2, #6): the pg half over lib/sharding/router.ts. It routes
 * a key to its shard's pool, runs a query on every shard for the router's merges, and checks the
 * map version on every batch (lib/sharding/fence.ts): a shard that has been told of a newer map
 * refuses the batch, the client reloads the map from `source` (the mounted ConfigMap file) and
 * routes again. Apps in other languages follow docs/sharding.md; this is what the real-server test
 * (test/integration/data/sharding.test.ts) and `shard:move` run.
 */
import * as fs from "node:fs";
import { Pool, type PoolClient, type PoolConfig, type QueryResultRow } from "pg";
import { FENCE_CHECK, FENCE_SETUP, fenceAllows } from "../../lib/sharding/fence";
import { shardOfKey } from "../../lib/sharding/map";
import type { PublishedShardMap, ShardEndpoint } from "../../lib/sharding/published";
import { parseShardMap, routeKeys } from "../../lib/sharding/router";

/** A batch refused because the shard knows a newer map than the client could load. */
export class StaleMapError extends Error {
    constructor(shard: string, shardVersion: number, mapVersion: number) {
        super(`shard "${shard}" is at map version ${shardVersion}, the newest map the client could load is version ${mapVersion}`);
        this.name = "StaleMapError";
    }
}

export interface ShardClientOptions {
    /** The map as deployed now; called once at open and again whenever a shard is ahead of the client. */
    readonly source: () => PublishedShardMap;
    /** pg settings for a shard (credentials from the app's Secret); default: the endpoint, user and password from PG* variables. */
    readonly connection?: (shard: string, endpoint: ShardEndpoint) => PoolConfig;
    /** Connections per shard pool. @default 4 */
    readonly poolSize?: number;
    /**
     * How often a batch first rereads `source` for a newer map, in ms (the fence catches a client
     * that has not yet: this only makes the switch reach it sooner). @default 1000
     */
    readonly refreshMs?: number;
}

/** A map source reading the mounted file on every call (the kubelet updates it in place). */
export const fileSource = (file: string) => () => parseShardMap(fs.readFileSync(file, "utf8"), file);

export class ShardClient {
    private readonly pools = new Map<string, Pool>();
    private refreshedAt = performance.now();
    /** Batches refused by a shard ahead of the client's map (each was retried under the reloaded map). */
    refusals = 0;

    private constructor(
        private current: PublishedShardMap,
        private readonly opts: ShardClientOptions,
    ) {}

    /** Loads the map and makes sure every shard has the fence table. */
    static async open(opts: ShardClientOptions): Promise<ShardClient> {
        const c = new ShardClient(opts.source(), opts);
        for (const s of c.current.shards) await c.pool(s).query(FENCE_SETUP.join(";\n"));
        return c;
    }

    get map(): PublishedShardMap {
        return this.current;
    }

    /** The shard's pool, opened on first use (a reloaded map may name a new shard). */
    pool(shard: string): Pool {
        let p = this.pools.get(shard);
        if (!p) {
            const e = this.current.endpoints[shard];
            if (!e) throw new RangeError(`shard "${shard}" has no endpoint in map version ${this.current.version}`);
            const cfg = this.opts.connection?.(shard, e) ?? { host: e.host, port: e.port, database: e.database };
            p = new Pool({ max: this.opts.poolSize ?? 4, ...cfg });
            p.on("error", () => undefined);
            this.pools.set(shard, p);
        }
        return p;
    }

    /**
     * Runs `fn` on each shard holding some of `keys`, with that shard's keys, in one transaction per
     * shard after the version check. A shard ahead of the map: the map is reloaded and those keys
     * routed again (a moved bucket's keys go to their new shard).
     */
    async batch(keys: readonly string[], fn: (c: PoolClient, keys: string[], shard: string) => Promise<void>): Promise<void> {
        this.refresh();
        let pending = routeKeys(this.current, keys);
        for (let attempt = 0; pending.size > 0; attempt++) {
            if (attempt > 3) throw new Error(`keys still refused after ${attempt - 1} map reloads (map version ${this.current.version})`);
            const refused: string[] = [];
            for (const [shard, ks] of pending) if (!(await this.checked(shard, (c) => fn(c, ks, shard)))) refused.push(...ks);
            pending = routeKeys(this.current, refused);
        }
    }

    /** The shard a key routes to under the current map. */
    shardOf(key: string): string {
        return shardOfKey(this.current, key);
    }

    /**
     * `sql` on every shard of the map, each under the version check; retried whole if a shard is
     * ahead. A function gives each shard its own text (e.g. with `ownedBucketsSql(map, shard, ...)`).
     */
    async queryAll<R extends QueryResultRow>(
        sql: string | ((shard: string, map: PublishedShardMap) => string),
        params: unknown[] = [],
    ): Promise<R[][]> {
        this.refresh();
        for (let attempt = 0; ; attempt++) {
            if (attempt > 3) throw new Error(`shards still refused after ${attempt - 1} map reloads (map version ${this.current.version})`);
            const shards = this.current.shards;
            const out: R[][] = new Array<R[]>(shards.length);
            const map = this.current;
            const text = (s: string) => (typeof sql === "string" ? sql : sql(s, map));
            const ok = await Promise.all(
                shards.map((s, i) => this.checked(s, async (c) => void (out[i] = (await c.query<R>(text(s), params)).rows))),
            );
            if (ok.every(Boolean)) return out;
        }
    }

    async close(): Promise<void> {
        await Promise.all([...this.pools.values()].map((p) => p.end()));
        this.pools.clear();
    }

    /** Adopts a newer map from `source`, at most every `refreshMs`; never goes back to an older one. */
    private refresh(): void {
        if (performance.now() - this.refreshedAt < (this.opts.refreshMs ?? 1000)) return;
        this.refreshedAt = performance.now();
        const next = this.opts.source();
        if (next.version > this.current.version) this.current = next;
    }

    /** One transaction on `shard`: false (rolled back, map reloaded) when the shard is ahead of the map. */
    private async checked(shard: string, fn: (c: PoolClient) => Promise<void>): Promise<boolean> {
        const c = await this.pool(shard).connect();
        try {
            await c.query("BEGIN");
            await c.query(FENCE_CHECK[0]);
            const v = (await c.query<{ version: number }>(FENCE_CHECK[1])).rows[0]?.version ?? 0;
            if (!fenceAllows(this.current.version, v)) {
                await c.query("ROLLBACK");
                this.refusals++;
                const next = this.opts.source();
                if (next.version < v) throw new StaleMapError(shard, v, next.version);
                this.current = next;
                this.refreshedAt = performance.now();
                return false;
            }
            await fn(c);
            await c.query("COMMIT");
            return true;
        } catch (e) {
            await c.query("ROLLBACK").catch(() => undefined);
            throw e;
        } finally {
            c.release();
        }
    }
}
