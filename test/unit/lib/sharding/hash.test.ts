import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BUCKETS, HASH_NAME, bucketOf, bucketSql } from "../../../../lib/sharding/hash";

// Computed with Python's hashlib (not with this code):
//   u = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big"); u % 1024
// The same table is in docs/sharding.md for other languages to check against.
const VECTORS: [string, string, number, number][] = [
    ["", "e3b0c442", 3_820_012_610, 66],
    ["a", "ca978112", 3_398_926_610, 274],
    ["host-0001", "495a94f9", 1_230_673_145, 249],
    ["tenant:42", "4b5d4625", 1_264_404_005, 549],
    ["sysmanage", "4d8206c7", 1_300_367_047, 711],
    ["ünïcødé", "5713bed3", 1_460_911_827, 723],
    ["日本", "cf2abf0c", 3_475_685_132, 780],
    ["🚀rocket", "a2b5bede", 2_729_819_870, 734],
];

describe("the shard map's hash", () => {
    test("1024 buckets, named so clients can refuse a map they cannot follow", () => {
        assert.equal(BUCKETS, 1024);
        assert.equal(HASH_NAME, "sha256-be32-mod");
    });
    for (const [key, , u32, bucket] of VECTORS) {
        test(`test vector ${JSON.stringify(key)} -> bucket ${bucket}`, () => {
            assert.equal(bucketOf(key), bucket);
            assert.equal(bucketOf(key, 2 ** 32), u32, "the 32-bit value itself");
            assert.equal(bucketOf(key, 7), u32 % 7);
        });
    }
    test("no normalization: NFC and NFD spellings of é hash apart (hashlib: 4a99557e -> 382, bf12767b -> 635)", () => {
        assert.equal(bucketOf("\u00e9"), 382);
        assert.equal(bucketOf("e\u0301"), 635);
    });
    test("the SQL form names the column and the bucket count", () => {
        assert.equal(bucketSql("k"), "(('x' || substr(encode(sha256(convert_to(k, 'UTF8')), 'hex'), 1, 8))::bit(32)::bigint % 1024)");
        assert.match(bucketSql("t.id::text", 64), /convert_to\(t\.id::text, 'UTF8'\).*% 64\)$/);
    });
});
