/** `sharding`: the hash-sharded databases (issue 18): their clusters, the published map and its migrations. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { int, optional, port } from "../primitives";

/** The most shard clusters a stack declares (the map's 1024 buckets leave each at least 64). */
export const MAX_SHARDS = 16;

export const sharding = z
    .strictObject({
        shards: int(0, MAX_SHARDS)
            .default(0)
            .describe(
                "Shard clusters (sysmanage-pg-shard-0..N-1), each a CloudNativePG cluster sized like the main one with its own -rw pooler and roles; 0 = no sharding.",
            ),
        mapShards: int(0, MAX_SHARDS)
            .default(0)
            .describe(
                "Shards that hold buckets in the published map (the first N); 0 = all of sharding.shards. Lower than shards while a new cluster is filled: the cluster first, the map switch in a later update (docs/sharding.md).",
            ),
        adminPort: port()
            .default(5433)
            .describe(
                "Port the deployer reaches shard 0's primary at for role management (databaseAccess.host; shard i at adminPort + i, e.g. kubectl port-forward svc/sysmanage-pg-shard-0-rw 5433:5432).",
            ),
        postgres: z
            .strictObject({
                instances: int(0, 11)
                    .default(0)
                    .describe("Instances of each shard cluster; 0 = the main cluster's (1 + postgres.replicas)."),
                cpu: optional((v) => g.positiveQuantityError(v, "cpu"))
                    .default("")
                    .describe("CPU of each shard instance (request = limit); empty = postgres.cpu."),
                memory: optional((v) => g.positiveQuantityError(v, "bytes"))
                    .default("")
                    .describe("Memory of each shard instance (request = limit); empty = postgres.memory."),
                storageSize: optional((v) => g.positiveQuantityError(v, "bytes"))
                    .default("")
                    .describe("Data volume size per shard instance; empty = postgres.storageSize."),
            })
            .prefault({})
            .describe("Per-shard sizing; everything else (parameters, WAL, backups, pooler settings) comes from postgres.* and pooler.*."),
        capacity: z
            .strictObject({
                queriesPerSecond: z
                    .number()
                    .positive()
                    .default(5000)
                    .describe(
                        "Queries per second one shard's primary serves, for when the next shard is needed (an assumption: measure yours with pgbench).",
                    ),
                threshold: z
                    .number()
                    .positive()
                    .max(1)
                    .default(0.8)
                    .describe(
                        "Share of a shard's storage (its storageSize) or queries/s at which the report says the next shard is needed.",
                    ),
                horizonDays: int(1, 3650).default(180).describe("How far ahead the report projects each shard's storage and load, days."),
            })
            .prefault({})
            .describe(
                "When the next shard is needed: the forecast report projects each shard's exports (shard-storage-bytes, shard-queries) against these.",
            ),
        migration: z
            .strictObject({
                approvedMapVersion: int(0, 1000000)
                    .default(0)
                    .describe(
                        "The shard map version whose bucket moves you approve, after copying those buckets' rows to their new shards (docs/sharding.md); a map change that moves buckets is refused unless this names exactly the new version.",
                    ),
            })
            .prefault({})
            .describe("The acknowledgement of a reshard."),
    })
    .prefault({})
    .describe("Hash-sharded databases: shard clusters and the published shard map (docs/sharding.md).");
