/**
 * The shard map as the apps read it (issue 18 #2): the map plus where each shard is reached. The
 * program writes it as JSON into the ConfigMap `sysmanage-shard-map` (key `shard-map.json`, mounted
 * at SHARD_MAP_PATH in every workload) and into the stack output `sharding.map`. No credentials:
 * each shard's role and password reach the apps from Secrets, like the main cluster's.
 */
import type { ShardMap } from "./map";

/** Where the apps find the file. */
export const SHARD_MAP_PATH = "/etc/sysmanage/shard-map/shard-map.json";
export { SHARD_MAP_CONFIGMAP, SHARD_MAP_KEY } from "../../policies/contract/shardMap";

/** How a client reaches one shard: its pooler's Service. */
export interface ShardEndpoint {
    readonly host: string;
    readonly port: number;
    readonly database: string;
}

export interface PublishedShardMap extends ShardMap {
    readonly endpoints: Readonly<Record<string, ShardEndpoint>>;
}

/** The file's text: stable key order, one trailing newline, so a re-render gives the same bytes. */
export function shardMapJson(map: PublishedShardMap): string {
    const endpoints = Object.fromEntries(
        [...map.shards].map((s) => {
            const e = map.endpoints[s];
            if (!e) throw new RangeError(`shard "${s}" has no endpoint`);
            return [s, { host: e.host, port: e.port, database: e.database }];
        }),
    );
    return `${JSON.stringify({ version: map.version, hash: map.hash, buckets: map.buckets, shards: map.shards, ranges: map.ranges, endpoints }, null, 2)}\n`;
}
