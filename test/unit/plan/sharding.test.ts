/**
 * The shards as planned (issue 18): clusters through the main cluster's code, one -rw pooler and
 * the write role each, the published map with its endpoints, what the workloads get, and every
 * map change checked against the deployed one. Maps and moves are worked by hand: 1024 buckets
 * over 2 shards are 512 each; adding a third gives shares 342/341/341, so shard 0 keeps 0..341
 * and gives 342..511 (170), shard 1 keeps 512..852 and gives 853..1023 (171).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { planStack } from "../../../plan/stack";
import { deployedTwo, endpoint, S0, S1, S2, THREE_RANGES, TWO } from "../../support/shardMap";

const prod = (sharding: Record<string, unknown>, over: Record<string, unknown> = {}) =>
    parseConfig({ ...over, sharding, postgres: { backup: { destinationPath: "s3://b/p" }, ...(over.postgres as object) } }, "prod");

describe("shard clusters", () => {
    test("off by default: no shard, no map, no shard env", () => {
        const p = planStack(parseConfig({ environment: "dev" }, "dev"), "dev");
        assert.deepEqual(p.data.postgres!.shards, []);
        assert.equal(p.sharding, undefined);
        assert.deepEqual(
            p.workloads[0].pod.env!.filter((e) => e.name.startsWith("SYSMANAGE_SHARD")),
            [],
        );
    });

    test("each shard: the main cluster's sizing and parameters, its own -rw pooler and budget, the write role", () => {
        const p = planStack(prod({ shards: 2 }), "prod");
        const main = p.data.postgres!.main;
        const shards = p.data.postgres!.shards;
        assert.deepEqual(
            shards.map((s) => [s.cluster.name, s.cluster.instances, s.cluster.cpu, s.cluster.memory, s.cluster.storageSize]),
            [
                [S0, 4, "2", "8Gi", "100Gi"],
                [S1, 4, "2", "8Gi", "100Gi"],
            ],
        );
        // The same code and the same sizing give the main cluster's parameters.
        assert.deepEqual(shards[0].cluster.parameters, main.parameters);
        assert.deepEqual(
            shards.map((s) => [s.pooler.name, s.pooler.cluster, s.pooler.type, s.pooler.instances]),
            [
                [`${S0}-pooler-rw`, S0, "rw", 3],
                [`${S1}-pooler-rw`, S1, "rw", 3],
            ],
        );
        // 300 max_connections - 3 superuser - 10 system - 20 headroom = 267; 3 pods x 6 = 18, as the main -rw pooler.
        assert.deepEqual(
            shards.map((s) => [s.budget.target, s.budget.available, s.budget.used]),
            [
                [`${S0} primary`, 267, 18],
                [`${S1} primary`, 267, 18],
            ],
        );
        assert.deepEqual(
            shards[0].pooler.parameters,
            p.data.postgres!.poolers.find((x) => x.name === "sysmanage-pg-pooler-rw")!.parameters,
        );
        assert.deepEqual(
            shards[0].privileges.roles.map((r) => r.role),
            ["sysmanage_write"],
        );
    });

    test("sharding.postgres overrides the inherited instances, CPU, memory and storage", () => {
        const p = planStack(prod({ shards: 1, postgres: { instances: 3, cpu: "4", memory: "16Gi", storageSize: "500Gi" } }), "prod");
        const s = p.data.postgres!.shards[0].cluster;
        assert.deepEqual([s.instances, s.cpu, s.memory, s.storageSize], [3, "4", "16Gi", "500Gi"]);
        assert.equal(p.data.postgres!.main.instances, 4);
    });

    test("the config refuses a map over more shards than declared, and shards without Postgres", () => {
        assert.throws(() => prod({ shards: 2, mapShards: 3 }), {
            message:
                "Pulumi.prod.yaml: sharding.mapShards (3) must be <= sharding.shards (2): the map can only put buckets on declared shard clusters",
        });
        assert.throws(() => parseConfig({ environment: "dev", sharding: { shards: 1 }, postgres: { enabled: false } }, "dev"), {
            message:
                "Pulumi.dev.yaml: sharding.shards (1) needs postgres.enabled true (the shards are CloudNativePG clusters like the main one)",
        });
    });
});

describe("the published map and the workloads", () => {
    test("the first map: even ranges, each shard's pooler as its endpoint", () => {
        const p = planStack(prod({ shards: 2 }), "prod");
        assert.deepEqual(p.sharding!.map, { ...TWO, endpoints: { [S0]: endpoint(S0), [S1]: endpoint(S1) } });
    });

    test("mapShards below shards: the new cluster is declared but holds no bucket", () => {
        const p = planStack(prod({ shards: 2, mapShards: 1 }), "prod");
        assert.deepEqual(p.sharding!.map.ranges, [{ from: 0, to: 1024, shard: S0 }]);
        assert.deepEqual(Object.keys(p.sharding!.map.endpoints), [S0]);
        assert.equal(p.sharding!.shards.length, 2);
    });

    test("the API and workers mount the map and get each shard's URL; analytics does not", () => {
        const p = planStack(prod({ shards: 2 }, { analytics: { enabled: true } }), "prod");
        for (const w of p.workloads) {
            assert.deepEqual(
                w.pod.env!.filter((e) => e.name.startsWith("SYSMANAGE_SHARD")),
                [
                    { name: "SYSMANAGE_SHARD_MAP", value: "/etc/sysmanage/shard-map/shard-map.json" },
                    { name: "SYSMANAGE_SHARD_0_URL", valueFrom: { secretKeyRef: { name: `${S0}-sysmanage-write`, key: "uri" } } },
                    { name: "SYSMANAGE_SHARD_1_URL", valueFrom: { secretKeyRef: { name: `${S1}-sysmanage-write`, key: "uri" } } },
                ],
            );
            assert.deepEqual(w.pod.configMaps, [
                { name: "shard-map", configMap: "sysmanage-shard-map", mountPath: "/etc/sysmanage/shard-map" },
            ]);
            assert.equal(w.pod.annotations!["sysmanage.io/shard-map-version"], "1");
        }
        assert.equal(p.analytics!.configMaps, undefined);
        assert.deepEqual(
            p.analytics!.env!.filter((e) => e.name.startsWith("SYSMANAGE_SHARD")),
            [],
        );
    });
});

describe("map changes against the deployed map", () => {
    const refused = (sharding: Record<string, unknown>, deployed: unknown, message: string) =>
        assert.throws(() => planStack(prod(sharding), "prod", { deployedSharding: deployed }), { message: `Pulumi.prod.yaml: ${message}` });

    test("the same shards keep the deployed map; a new cluster outside the map changes nothing", () => {
        assert.deepEqual(planStack(prod({ shards: 2 }), "prod", { deployedSharding: deployedTwo() }).sharding!.map.ranges, TWO.ranges);
        const filling = planStack(prod({ shards: 3, mapShards: 2 }), "prod", { deployedSharding: deployedTwo() }).sharding!;
        assert.equal(filling.map.version, 1);
        assert.deepEqual(
            filling.shards.map((s) => s.cluster.name),
            [S0, S1, S2],
        );
    });

    test("a switch onto a shard the last update did not declare is refused", () => {
        refused(
            { shards: 3 },
            deployedTwo(),
            `sharding.mapShards (3) puts buckets on ${S2}, which the last update did not declare: declare the cluster first (sharding.shards: 3, sharding.mapShards: 2), copy its buckets, then switch the map in a later update`,
        );
    });

    test("moving buckets needs the new version approved, with the numbers; approved, the minimal move", () => {
        const deployed = deployedTwo([S0, S1, S2]);
        refused(
            { shards: 3 },
            deployed,
            `sharding.migration.approvedMapVersion (0) must be 2 to switch the shard map from version 1 to 2: it moves 341 of 1024 buckets: ${S0} -> ${S2} 170, ${S1} -> ${S2} 171; copy their rows to the new shards first (docs/sharding.md)`,
        );
        refused(
            { shards: 3, migration: { approvedMapVersion: 3 } },
            deployed,
            `sharding.migration.approvedMapVersion (3) must be 2 to switch the shard map from version 1 to 2: it moves 341 of 1024 buckets: ${S0} -> ${S2} 170, ${S1} -> ${S2} 171; copy their rows to the new shards first (docs/sharding.md)`,
        );
        const map = planStack(prod({ shards: 3, migration: { approvedMapVersion: 2 } }), "prod", { deployedSharding: deployed }).sharding!
            .map;
        assert.equal(map.version, 2);
        assert.deepEqual(map.ranges, THREE_RANGES);
    });

    test("removing a cluster that holds buckets is refused, sharding off too", () => {
        const hint =
            "move their buckets off first (lower sharding.mapShards, approve the move), then remove the clusters in a later update";
        refused(
            { shards: 1 },
            deployedTwo(),
            `sharding.shards (1) would remove ${S1}, which holds buckets in the deployed shard map version 1; ${hint}`,
        );
        refused(
            { shards: 0 },
            deployedTwo(),
            `sharding.shards (0) would remove ${S0}, ${S1}, which hold buckets in the deployed shard map version 1; ${hint}`,
        );
    });

    test("a deployed map that is not sound is refused, never replaced by a first map", () => {
        const gap = { ...TWO, ranges: [{ from: 0, to: 500, shard: S0 }, TWO.ranges[1]] };
        refused(
            { shards: 2 },
            { map: gap, shards: [{ name: S0 }, { name: S1 }] },
            "the deployed sharding.map output is not a sound shard map (buckets 500..511 are on no shard); fix the stack's outputs first",
        );
        refused(
            { shards: 2 },
            { map: { version: 1 }, shards: [] },
            "the deployed sharding.map output is not a sound shard map (it has no version, buckets, shards and ranges); fix the stack's outputs first",
        );
        // A stack deployed before sharding (output null) starts with the first map.
        assert.equal(planStack(prod({ shards: 2 }), "prod", { deployedSharding: null }).sharding!.map.version, 1);
    });
});
