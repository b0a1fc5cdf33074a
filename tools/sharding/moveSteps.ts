/**
 * The SQL steps of a bucket move (issue 18 #3), over one table whose rows are routed by a text key
 * column: copy a set of buckets' rows from the source shard to the target, compare them per
 * bucket, and delete them from the source. Rows are selected on the server by `bucketSql`, the
 * same bucket as the clients' `bucketOf` (the real-server test checks both agree on every row).
 */
import type { Client } from "pg";
import { bucketSql } from "../../lib/sharding/hash";

/** A moved table: its name and the text column its rows are routed by. */
export interface MovedTable {
    readonly table: string;
    readonly key: string;
}

/** Rows and a checksum of one bucket. */
export interface BucketDigest {
    readonly rows: number;
    /** md5 of the rows' md5s (of their text form) in key order. */
    readonly checksum: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** `schema.table` or `table`, each part quoted. */
const tableRef = (t: string) => t.split(".").map(ident).join(".");

/**
 * Copies the rows of `buckets` from `src` to `dst` in key order, `batchRows` at a time, through
 * JSON (`row_to_json` / `json_populate_recordset`, so any column types the two shards share).
 * ON CONFLICT DO NOTHING makes a rerun (a catch-up after the fence) copy only what is missing.
 * Returns the rows read and the rows inserted.
 */
export async function copyBuckets(
    src: Client,
    dst: Client,
    t: MovedTable,
    buckets: readonly number[],
    batchRows = 2000,
): Promise<{ read: number; inserted: number }> {
    const k = ident(t.key);
    const select = `SELECT ${k} AS k, row_to_json(x)::text AS j FROM ${tableRef(t.table)} x WHERE ${bucketSql(`x.${k}`)} = ANY($1::int[]) AND ($2::text IS NULL OR x.${k} > $2) ORDER BY x.${k} LIMIT ${batchRows}`;
    const insert = `INSERT INTO ${tableRef(t.table)} SELECT * FROM json_populate_recordset(NULL::${tableRef(t.table)}, $1::json) ON CONFLICT DO NOTHING`;
    let last: string | null = null;
    let read = 0;
    let inserted = 0;
    for (;;) {
        const rows: { k: string; j: string }[] = (await src.query<{ k: string; j: string }>(select, [buckets, last])).rows;
        if (!rows.length) return { read, inserted };
        inserted += (await dst.query(insert, [`[${rows.map((r) => r.j).join(",")}]`])).rowCount ?? 0;
        read += rows.length;
        last = rows[rows.length - 1].k;
    }
}

/**
 * Each bucket's row count and checksum on `c`, for `buckets`; with `keys`, only the rows with
 * those keys (the target also holds rows written there after the switch, which the source never had).
 */
export async function bucketDigests(
    c: Client,
    t: MovedTable,
    buckets: readonly number[],
    keys?: readonly string[],
): Promise<Map<number, BucketDigest>> {
    const k = ident(t.key);
    const only = keys ? ` AND x.${k} = ANY($2::text[])` : "";
    const sql = `SELECT ${bucketSql(`x.${k}`)}::int AS b, count(*)::int AS n, md5(string_agg(md5(x::text), '' ORDER BY x.${k})) AS h FROM ${tableRef(t.table)} x WHERE ${bucketSql(`x.${k}`)} = ANY($1::int[])${only} GROUP BY 1`;
    const rows = (await c.query<{ b: number; n: number; h: string }>(sql, keys ? [buckets, keys] : [buckets])).rows;
    return new Map(rows.map((r) => [r.b, { rows: r.n, checksum: r.h }]));
}

/** The keys of `buckets` on `c`. */
export async function bucketKeys(c: Client, t: MovedTable, buckets: readonly number[]): Promise<string[]> {
    const k = ident(t.key);
    const sql = `SELECT x.${k} AS k FROM ${tableRef(t.table)} x WHERE ${bucketSql(`x.${k}`)} = ANY($1::int[])`;
    return (await c.query<{ k: string }>(sql, [buckets])).rows.map((r) => r.k);
}

/** Buckets whose source rows are not all on the target, identical: `bucket: source n/checksum, target n/checksum`. */
export function digestMismatches(source: Map<number, BucketDigest>, target: Map<number, BucketDigest>): string[] {
    const out: string[] = [];
    for (const [b, s] of [...source].sort((x, y) => x[0] - y[0])) {
        const d = target.get(b);
        if (!d || d.rows !== s.rows || d.checksum !== s.checksum)
            out.push(
                `bucket ${b}: source ${s.rows} rows ${s.checksum.slice(0, 8)}, target ${d ? `${d.rows} rows ${d.checksum.slice(0, 8)}` : "0 rows"}`,
            );
    }
    return out;
}

/** Deletes `buckets`' rows from `src` if exactly `expected` rows go (else rolls back); returns the rows deleted. */
export async function deleteBuckets(src: Client, t: MovedTable, buckets: readonly number[], expected: number): Promise<number> {
    const k = ident(t.key);
    await src.query("BEGIN");
    try {
        const n =
            (await src.query(`DELETE FROM ${tableRef(t.table)} x WHERE ${bucketSql(`x.${k}`)} = ANY($1::int[])`, [buckets])).rowCount ?? 0;
        if (n !== expected) throw new Error(`deleting ${t.table}'s moved rows would remove ${n} rows, verified ${expected}: rolled back`);
        await src.query("COMMIT");
        return n;
    } catch (e) {
        await src.query("ROLLBACK");
        throw e;
    }
}
