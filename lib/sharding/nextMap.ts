/**
 * The map a deployment publishes, checked against the one deployed (issue 18 #3): like Redis's
 * one-shard-per-update rule, a change that would lose rows is refused with the numbers. Pure.
 *
 * Resharding never loses a row when (docs/sharding.md): the new cluster is declared first (an
 * update with sharding.shards raised, the map unchanged), the moving buckets' rows are copied,
 * then the map switches in a later update that names its version in
 * sharding.migration.approvedMapVersion, and only then are the old copies removed.
 */
import { bucketMoves, initialMap, rebalance, type ShardMap } from "./map";

/** A map change the config has not made safe. */
export class ShardMapChangeError extends Error {}

export interface NextMapInputs {
    /** The shard clusters this update declares (sharding.shards), in order. */
    readonly declared: readonly string[];
    /** The first `sharding.mapShards` of them: the shards that hold buckets. */
    readonly mapShards: readonly string[];
    /** sharding.migration.approvedMapVersion. */
    readonly approvedVersion: number;
    /** The deployed map and shard clusters (the stack's last `sharding` output), if any. */
    readonly deployed?: { readonly map?: ShardMap; readonly shards: readonly string[] };
}

/** The map to publish, or a ShardMapChangeError saying why this update may not publish it. */
export function nextShardMap(i: NextMapInputs): ShardMap | undefined {
    const prev = i.deployed?.map;
    // Stryker disable next-line ArrayDeclaration: `removed` is read only when there is a deployed map.
    const removed = prev ? prev.shards.filter((s) => !i.declared.includes(s)) : [];
    if (prev && removed.length)
        throw new ShardMapChangeError(
            `sharding.shards (${i.declared.length}) would remove ${removed.join(", ")}, which ${removed.length === 1 ? "holds" : "hold"} buckets in the deployed shard map version ${prev.version}; move their buckets off first (lower sharding.mapShards, approve the move), then remove the clusters in a later update`,
        );
    if (i.mapShards.length === 0) return undefined;
    if (!prev) return initialMap(i.mapShards);
    const next = rebalance(prev, i.mapShards);
    if (next.version === prev.version) return prev;
    // Stryker disable next-line OptionalChaining,ArrayDeclaration: a deployed map comes with `deployed`, whose `shards` the type requires.
    const deployed = i.deployed?.shards ?? [];
    const fresh = next.shards.filter((s) => !prev.shards.includes(s) && !deployed.includes(s));
    if (fresh.length)
        throw new ShardMapChangeError(
            `sharding.mapShards (${i.mapShards.length}) puts buckets on ${fresh.join(", ")}, which the last update did not declare: declare the cluster first (sharding.shards: ${i.declared.length}, sharding.mapShards: ${prev.shards.length}), copy its buckets, then switch the map in a later update`,
        );
    const moves = bucketMoves(prev, next);
    const moved = moves.reduce((n, m) => n + m.buckets, 0);
    if (moved > 0 && i.approvedVersion !== next.version)
        throw new ShardMapChangeError(
            `sharding.migration.approvedMapVersion (${i.approvedVersion}) must be ${next.version} to switch the shard map from version ${prev.version} to ${next.version}: it moves ${moved} of ${prev.buckets} buckets: ${moves.map((m) => `${m.from} -> ${m.to} ${m.buckets}`).join(", ")}; copy their rows to the new shards first (docs/sharding.md)`,
        );
    return next;
}
