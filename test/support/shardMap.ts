/** Shard-map fixtures written by hand (two shards, 512 buckets each), shared by the plan and render tests. */
export const S0 = "sysmanage-pg-shard-0";
export const S1 = "sysmanage-pg-shard-1";
export const S2 = "sysmanage-pg-shard-2";

/** The first map over the two shards. */
export const TWO = {
    version: 1,
    hash: "sha256-be32-mod",
    buckets: 1024,
    shards: [S0, S1],
    ranges: [
        { from: 0, to: 512, shard: S0 },
        { from: 512, to: 1024, shard: S1 },
    ],
};

/** The stack's last `sharding` output with TWO deployed and these clusters declared. */
export const deployedTwo = (shards: readonly string[] = [S0, S1]) => ({ map: TWO, shards: shards.map((name) => ({ name })) });

/** Where a shard is reached: its -rw pooler. */
export const endpoint = (s: string) => ({ host: `${s}-pooler-rw`, port: 5432, database: "sysmanage" });

/** The 2 → 3 minimal move (shares 342/341/341): shard 0 keeps 0..341, shard 1 keeps 512..852. */
export const THREE_RANGES = [
    { from: 0, to: 342, shard: S0 },
    { from: 342, to: 512, shard: S2 },
    { from: 512, to: 853, shard: S1 },
    { from: 853, to: 1024, shard: S2 },
];
