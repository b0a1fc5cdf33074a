/**
 * The map-version fence (issue 18 #3): how a reshard stops clients that still route by the old map
 * from writing to a shard after its buckets moved. Pure SQL text, shared by the client
 * (tools/sharding/client.ts) and the mover (tools/sharding/move.ts); docs/sharding.md explains it.
 *
 * Each shard holds the newest map version it has been told of, in a one-row table. Every client
 * batch opens a transaction, takes SHARD_FENCE_LOCK shared (advisory: in memory, clients never wait
 * for each other) and reads that version: a shard ahead of the client's map refuses the batch, the
 * client reloads the map and routes again. `shard:move --cleanup` raises the version under the lock
 * taken exclusively, which waits for every batch in flight; after it commits, no batch under the
 * old map can write on that shard, so the catch-up copy that follows sees every row the source will
 * ever get for the moved buckets.
 */

/** The table holding a shard's map version. */
export const FENCE_TABLE = "sysmanage_shard_map";

/** Advisory lock key: "shar" in ASCII as a 32-bit number (0x73686172), unlikely to collide with an app's keys. */
export const SHARD_FENCE_LOCK = 0x73686172;

/** Creates the table with version 0 when missing (idempotent; needs CREATE on the schema). */
export const FENCE_SETUP = [
    `CREATE TABLE IF NOT EXISTS ${FENCE_TABLE} (id boolean PRIMARY KEY DEFAULT true CHECK (id), version integer NOT NULL)`,
    `INSERT INTO ${FENCE_TABLE} (id, version) VALUES (true, 0) ON CONFLICT (id) DO NOTHING`,
];

/**
 * A client batch's first statements after BEGIN: the shared lock, then the shard's version. Two
 * statements, not one: a READ COMMITTED statement reads from the snapshot taken when it starts,
 * which would be before a fence that committed while it waited for the lock.
 */
export const FENCE_CHECK = [`SELECT pg_advisory_xact_lock_shared(${SHARD_FENCE_LOCK})`, `SELECT version FROM ${FENCE_TABLE}`];

/** The fence itself ($1 = the new map's version), run in its own transaction: never lowers the version. */
export const FENCE_RAISE = [
    `SELECT pg_advisory_xact_lock(${SHARD_FENCE_LOCK})`,
    `UPDATE ${FENCE_TABLE} SET version = greatest(version, $1::integer)`,
];

/** A batch that may write on a shard: the client's map is at least as new as the shard's. */
export function fenceAllows(mapVersion: number, shardVersion: number): boolean {
    return mapVersion >= shardVersion;
}
