/**
 * Where a key lives (issue 18 #2): the shard map's hash, which every client must reproduce exactly.
 *
 * bucket = (first 4 bytes of SHA-256(UTF-8 bytes of the key), read as a big-endian unsigned 32-bit
 * integer) mod BUCKETS.
 *
 * Why SHA-256 and not a faster hash (xxHash, Murmur): it is in every language's standard library
 * and in PostgreSQL (`sha256()` since 11), so a migration can select a bucket's rows on the server
 * (`bucketSql`) with the same answer as the apps; it is never salted per process (Python's `hash`
 * is, which is why the seed's sketch put the same key on different shards in two app instances);
 * routing hashes one short key per query, where its microsecond does not matter.
 * The test vectors in docs/sharding.md were computed with Python's hashlib, not with this code.
 */
import { createHash } from "node:crypto";

/**
 * Virtual buckets. A power of two, so `uint32 mod BUCKETS` is exactly uniform (2^32 is a multiple);
 * 1024 leaves at least 64 buckets per shard up to 16 shards, so shards stay within 1/64 of an even
 * share after any rebalance, while the published map stays a short list of ranges.
 */
export const BUCKETS = 1024;

/** The hash's name as published in the map (the contract names it: the pack checks it too). */
export { HASH_NAME } from "../../policies/contract/shardMap";

/** The bucket of a key. */
export function bucketOf(key: string, buckets: number = BUCKETS): number {
    const digest = createHash("sha256").update(key, "utf8").digest();
    return digest.readUInt32BE(0) % buckets;
}

/**
 * The same bucket computed by PostgreSQL, for a text column or expression `column` (for copying or
 * deleting one bucket's rows during a reshard). `bit(32)::bigint` reads the 32 bits unsigned.
 */
export function bucketSql(column: string, buckets: number = BUCKETS): string {
    return `(('x' || substr(encode(sha256(convert_to(${column}, 'UTF8')), 'hex'), 1, 8))::bit(32)::bigint % ${buckets})`;
}
