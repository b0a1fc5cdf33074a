/**
 * The shards as plain data (issue 18): the shard clusters the data tier plans, the map this
 * update publishes (checked against the deployed one) with each shard's endpoint, and what the
 * stack's `sharding` output records for the next update. No credentials anywhere here.
 */
import type { AppConfig } from "../config/schema";
import { roleSecretName } from "../lib/data/privileges";
import { mapProblems, type ShardMap } from "../lib/sharding/map";
import { nextShardMap, ShardMapChangeError, type NextMapInputs } from "../lib/sharding/nextMap";
import type { PublishedShardMap } from "../lib/sharding/published";
import { DATABASE, type DataTierPlan, type ShardPlan } from "./dataTier";

export interface ShardingPlan {
    readonly shards: readonly ShardPlan[];
    readonly map: PublishedShardMap;
}

/** What the stack's last `sharding` output says is deployed. */
export type DeployedSharding = NonNullable<NextMapInputs["deployed"]>;

/** The Secret of a shard's login role (`sysmanage-pg-shard-0` + `sysmanage_write` → `sysmanage-pg-shard-0-sysmanage-write`). */
export const shardSecretName = (cluster: string, role: string): string => roleSecretName(role, cluster);

/** The shards and their map, or undefined when sharding is off (and nothing deployed holds buckets). */
export function shardingPlan(cfg: AppConfig, data: DataTierPlan, deployed: DeployedSharding | undefined): ShardingPlan | undefined {
    const shards = data.postgres?.shards ?? [];
    const declared = shards.map((s) => s.cluster.name);
    const mapShards = declared.slice(0, cfg.sharding.mapShards || declared.length);
    const map = nextShardMap({ declared, mapShards, approvedVersion: cfg.sharding.migration.approvedMapVersion, deployed });
    if (!map) return undefined;
    const endpoints = Object.fromEntries(
        shards
            .filter((s) => map.shards.includes(s.cluster.name))
            .map((s) => [s.cluster.name, { host: s.pooler.name, port: cfg.network.postgresPort, database: DATABASE }]),
    );
    return { shards, map: { ...map, endpoints } };
}

/**
 * The deployed map and shard clusters from the stack's last `sharding` output. A map that is
 * not sound is refused rather than ignored: ignoring it would publish a first map and move rows.
 */
export function deployedSharding(previous: unknown): DeployedSharding | undefined {
    const out = previous as { map?: unknown; shards?: unknown } | null | undefined;
    if (!out || typeof out !== "object") return undefined;
    const shards = Array.isArray(out.shards) ? out.shards.map((s) => String((s as { name?: unknown })?.name)) : [];
    if (out.map === undefined || out.map === null) return { shards };
    const m = out.map as Partial<ShardMap>;
    const shaped = Number.isInteger(m.version) && Number.isInteger(m.buckets) && Array.isArray(m.shards) && Array.isArray(m.ranges);
    const problems = shaped ? mapProblems(m as ShardMap) : ["it has no version, buckets, shards and ranges"];
    if (problems.length)
        throw new ShardMapChangeError(
            `the deployed sharding.map output is not a sound shard map (${problems.join("; ")}); fix the stack's outputs first`,
        );
    const { version, hash, buckets, ranges } = m as ShardMap;
    return { map: { version, hash, buckets, shards: m.shards as string[], ranges }, shards };
}

/** The stack's `sharding` output: the published map and each shard's size and budget (no secrets). */
export interface ShardingOutputs {
    readonly map: PublishedShardMap;
    readonly shards: readonly {
        readonly name: string;
        readonly instances: number;
        readonly storageSize: string;
        readonly pooler: string;
        readonly poolerInstances: number;
        readonly budget: { readonly available: number; readonly used: number };
    }[];
}

export function shardingOutputs(s: ShardingPlan | undefined): ShardingOutputs | null {
    if (!s) return null;
    return {
        map: s.map,
        shards: s.shards.map((p) => ({
            name: p.cluster.name,
            instances: p.cluster.instances,
            storageSize: p.cluster.storageSize,
            pooler: p.pooler.name,
            poolerInstances: p.pooler.instances,
            budget: { available: p.budget.available, used: p.budget.used },
        })),
    };
}
