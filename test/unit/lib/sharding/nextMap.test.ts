/**
 * The map a deployment may publish (issue 18 #3), for shrinking: a shard leaves the map first
 * (its buckets moved and approved), and its cluster is removed only in a later update. Maps
 * written by hand (test/support/shardMap.ts): 1024 buckets, 512 each on shards 0 and 1.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { nextShardMap, ShardMapChangeError } from "../../../../lib/sharding/nextMap";
import { S0 as a, S1 as b, TWO } from "../../../support/shardMap";

describe("nextShardMap", () => {
    test("no shard in the map and nothing deployed: no map", () => {
        assert.equal(nextShardMap({ declared: [], mapShards: [], approvedVersion: 0 }), undefined);
        assert.equal(nextShardMap({ declared: [], mapShards: [], approvedVersion: 0, deployed: { shards: [] } }), undefined);
    });

    test("removing a shard: first out of the map (512 buckets b -> a, approved), then the cluster", () => {
        const deployed = { map: TWO, shards: [a, b] };
        assert.throws(() => nextShardMap({ declared: [a, b], mapShards: [a], approvedVersion: 0, deployed }), {
            message: `sharding.migration.approvedMapVersion (0) must be 2 to switch the shard map from version 1 to 2: it moves 512 of 1024 buckets: ${b} -> ${a} 512; copy their rows to the new shards first (docs/sharding.md)`,
        });
        const one = nextShardMap({ declared: [a, b], mapShards: [a], approvedVersion: 2, deployed })!;
        assert.deepEqual([one.version, one.shards, one.ranges], [2, [a], [{ from: 0, to: 1024, shard: a }]]);
        // The next update may remove b: it holds no bucket in the deployed map.
        const after = nextShardMap({ declared: [a], mapShards: [a], approvedVersion: 2, deployed: { map: one, shards: [a, b] } });
        assert.equal(after, one);
        // Removing it together with the switch is refused.
        assert.throws(
            () => nextShardMap({ declared: [a], mapShards: [a], approvedVersion: 2, deployed }),
            (e: unknown) =>
                e instanceof ShardMapChangeError &&
                e.message ===
                    `sharding.shards (1) would remove ${b}, which holds buckets in the deployed shard map version 1; move their buckets off first (lower sharding.mapShards, approve the move), then remove the clusters in a later update`,
        );
    });
});
