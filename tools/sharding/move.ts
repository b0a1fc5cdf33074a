/**
 * `npm run shard:move`: the data half of a reshard (issue 18 #3; docs/sharding.md has the whole
 * procedure). Given the old and the new published map:
 *
 * - `--copy` (before the map switch, rerunnable): copies each moved bucket's rows from its source
 *   shard to its target, then reports how many buckets already match (rows written during the
 *   copy make the rest differ; the cleanup catches them up).
 * - `--cleanup` (after the switch, refused while `--deployed` is not the new map): raises every
 *   shard's map version (the fence: no client under the old map writes after it), copies again
 *   what was written meanwhile, verifies per bucket that every source row is on the target with
 *   the same count and checksum, and only then deletes the moved rows from the source.
 *
 * Exit codes: 0 done; 1 verification failed (buckets named, nothing deleted); 2 usage, or a map
 * file missing or invalid; 3 refused: the maps are not one planned move, or cleanup before the
 * switch; 4 a database error (message without credentials); 70 internal error (a bug).
 */
import * as fs from "node:fs";
import { Command } from "commander";
import { Client } from "pg";
import { FENCE_RAISE, FENCE_SETUP } from "../../lib/sharding/fence";
import { bucketMoves, type BucketMove } from "../../lib/sharding/map";
import type { PublishedShardMap } from "../../lib/sharding/published";
import { parseShardMap, ShardMapError } from "../../lib/sharding/router";
import { CliError, fsReason, internalError, isFsError, parseCommand, runMain, STDIO, withoutCredentials, type Io } from "../cli";
import { bucketDigests, bucketKeys, copyBuckets, deleteBuckets, digestMismatches, type MovedTable } from "./moveSteps";

interface Options {
    readonly from: string;
    readonly to: string;
    readonly table: string[];
    readonly copy?: boolean;
    readonly cleanup?: boolean;
    readonly deployed?: string;
    readonly connection: string[];
    readonly batch: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function readMap(file: string, option: string): PublishedShardMap {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if (isFsError(e)) throw new CliError(`${option} ${file}: ${fsReason(e)}`, 2);
        throw e;
    }
    try {
        return parseShardMap(text, `${option} ${file}`);
    } catch (e) {
        if (e instanceof ShardMapError) throw new CliError(e.message, 2);
        throw e;
    }
}

/** The moves from `from` to `to`, refused unless `to` is the next version over the same buckets and hash. */
export function plannedMoves(from: PublishedShardMap, to: PublishedShardMap): BucketMove[] {
    if (to.version !== from.version + 1 || to.buckets !== from.buckets)
        throw new CliError(
            `refused: --to is map version ${to.version} over ${to.buckets} buckets, --from version ${from.version} over ${from.buckets} buckets; a move goes to the next version over the same buckets`,
            3,
        );
    const moves = bucketMoves(from, to);
    if (!moves.length) throw new CliError(`refused: maps ${from.version} and ${to.version} assign every bucket alike: nothing to move`, 3);
    return moves;
}

function parseTables(specs: readonly string[]): MovedTable[] {
    if (!specs.length) throw new CliError("--table <table:keyColumn> is required (once per table routed by the map)", 2);
    return specs.map((s) => {
        const m = /^([A-Za-z_][\w.]*):([A-Za-z_]\w*)$/.exec(s);
        if (!m) throw new CliError(`--table ${JSON.stringify(s)}: expected <table>:<key column>, e.g. hosts:hostname`, 2);
        return { table: m[1], key: m[2] };
    });
}

/** A connected client per shard of either map: `--connection name=url`, else the map's endpoint (user and password from PG*). */
async function connectAll(maps: readonly PublishedShardMap[], specs: readonly string[]): Promise<Map<string, Client>> {
    const urls = new Map<string, string>();
    for (const s of specs) {
        const i = s.indexOf("=");
        if (i < 1)
            throw new CliError(`--connection: expected <shard>=<connection string>, got ${JSON.stringify(withoutCredentials(s))}`, 2);
        urls.set(s.slice(0, i), s.slice(i + 1));
    }
    const clients = new Map<string, Client>();
    for (const m of maps)
        for (const s of m.shards) {
            if (clients.has(s)) continue;
            const e = m.endpoints[s];
            const url = urls.get(s);
            const c = new Client(url ? { connectionString: url } : { host: e.host, port: e.port, database: e.database });
            c.on("error", () => undefined);
            clients.set(s, c);
            try {
                await c.connect();
            } catch (e) {
                throw new CliError(`shard "${s}": cannot connect: ${withoutCredentials(e instanceof Error ? e.message : String(e))}`, 4);
            }
        }
    return clients;
}

const bucketsOf = (m: BucketMove) => m.ranges.flatMap((r) => Array.from({ length: r.to - r.from }, (_, i) => r.from + i));

async function copyStep(moves: BucketMove[], tables: MovedTable[], db: Map<string, Client>, batch: number, io: Io): Promise<void> {
    for (const m of moves)
        for (const t of tables) {
            const b = bucketsOf(m);
            const { read, inserted } = await copyBuckets(db.get(m.from)!, db.get(m.to)!, t, b, batch);
            const keys = await bucketKeys(db.get(m.from)!, t, b);
            const behind = digestMismatches(await bucketDigests(db.get(m.from)!, t, b), await bucketDigests(db.get(m.to)!, t, b, keys));
            io.out(
                `${t.table} ${m.from} -> ${m.to}: ${m.buckets} buckets, ${read} rows read, ${inserted} inserted (${read - inserted} already there); ${behind.length} buckets changed since the copy (the cleanup catches them up)`,
            );
        }
}

async function cleanupStep(
    to: PublishedShardMap,
    moves: BucketMove[],
    tables: MovedTable[],
    db: Map<string, Client>,
    batch: number,
    io: Io,
): Promise<number> {
    // The fence first: after it, no batch under an older map writes on any shard.
    for (const s of to.shards) {
        const c = db.get(s)!;
        await c.query("BEGIN");
        await c.query(FENCE_RAISE[0]);
        await c.query(FENCE_RAISE[1], [to.version]);
        await c.query("COMMIT");
    }
    io.out(`fence: shards ${to.shards.join(", ")} at map version ${to.version}`);
    const verified: { m: BucketMove; t: MovedTable; rows: number }[] = [];
    const failed: string[] = [];
    for (const m of moves)
        for (const t of tables) {
            const b = bucketsOf(m);
            const { inserted } = await copyBuckets(db.get(m.from)!, db.get(m.to)!, t, b, batch);
            const keys = await bucketKeys(db.get(m.from)!, t, b);
            const bad = digestMismatches(await bucketDigests(db.get(m.from)!, t, b), await bucketDigests(db.get(m.to)!, t, b, keys));
            io.out(
                `${t.table} ${m.from} -> ${m.to}: catch-up inserted ${inserted}; ${keys.length} source rows, ${bad.length} buckets differ`,
            );
            failed.push(...bad.map((x) => `${t.table} ${m.from} -> ${m.to} ${x}`));
            verified.push({ m, t, rows: keys.length });
        }
    if (failed.length) {
        io.err(
            `shard:move: verification failed, nothing deleted:\n${failed.slice(0, 20).join("\n")}${failed.length > 20 ? `\n(${failed.length - 20} more)` : ""}`,
        );
        return 1;
    }
    for (const v of verified) {
        const n = await deleteBuckets(db.get(v.m.from)!, v.t, bucketsOf(v.m), v.rows);
        io.out(`${v.t.table} ${v.m.from}: deleted ${n} moved rows`);
    }
    return 0;
}

/** The CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = STDIO): Promise<number> {
    const program = new Command()
        .name("shard:move")
        .description(
            "Copy the buckets a new shard map moves (--copy), then after the map switch verify and delete them from their old shard (--cleanup).",
        )
        .requiredOption("--from <file>", "the published map before the move (JSON, as in the ConfigMap)")
        .requiredOption("--to <file>", "the published map after the move (the next version)")
        .option("--table <table:key>", "a table routed by the map and its text key column (repeatable)", collect, [])
        .option("--copy", "copy the moved buckets' rows to their new shard (idempotent)")
        .option("--cleanup", "fence, catch up, verify and delete the moved rows from their old shard")
        .option("--deployed <file>", "the map the apps read now (required with --cleanup; must be --to)")
        .option(
            "--connection <shard=url>",
            "a shard's connection string (repeatable; default: the map's endpoint, PGUSER/PGPASSWORD)",
            collect,
            [],
        )
        .option("--batch <rows>", "rows per copied batch", "2000");
    const parsed = parseCommand(program, argv, io);
    if (parsed !== undefined) return parsed;
    const o = program.opts<Options>();
    let db = new Map<string, Client>();
    try {
        if (Boolean(o.copy) === Boolean(o.cleanup)) throw new CliError("give exactly one of --copy and --cleanup", 2);
        const batch = Number(o.batch);
        if (!Number.isInteger(batch) || batch < 1) throw new CliError(`--batch ${o.batch}: expected a whole number of rows >= 1`, 2);
        const tables = parseTables(o.table);
        const from = readMap(o.from, "--from");
        const to = readMap(o.to, "--to");
        const moves = plannedMoves(from, to);
        if (o.cleanup) {
            if (!o.deployed) throw new CliError("--cleanup needs --deployed <file>: the map the apps read now", 2);
            const deployed = readMap(o.deployed, "--deployed");
            if (deployed.version !== to.version || JSON.stringify(deployed.ranges) !== JSON.stringify(to.ranges))
                throw new CliError(
                    `refused: the deployed map is version ${deployed.version}, the move's new map is version ${to.version}; switch the map first (sharding.mapShards, pulumi up), then clean up`,
                    3,
                );
        }
        db = await connectAll([from, to], o.connection);
        for (const c of db.values()) await c.query(FENCE_SETUP.join(";\n"));
        if (o.copy) {
            await copyStep(moves, tables, db, batch, io);
            return 0;
        }
        return await cleanupStep(to, moves, tables, db, batch, io);
    } catch (e) {
        if (e instanceof CliError) {
            io.err(`shard:move: ${e.message}`);
            return e.code;
        }
        if (e instanceof Error && "severity" in e) {
            io.err(`shard:move: database error: ${withoutCredentials(e.message)}`);
            return 4;
        }
        return internalError("shard:move", e, io);
    } finally {
        await Promise.all([...db.values()].map((c) => c.end().catch(() => undefined)));
    }
}

if (require.main === module) runMain("shard:move", main);
