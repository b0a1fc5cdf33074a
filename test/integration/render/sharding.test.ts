/**
 * The sharded prod render (issue 18): the shard clusters, their poolers and role Secrets, the
 * map's ConfigMap, the stack output, the summary's Sharding block, and a reshard refused or
 * allowed against injected previous outputs. Numbers are worked by hand (see
 * test/unit/plan/sharding.test.ts for the 2 → 3 move).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { kubernetesObjects, MOCK_PASSWORD } from "../../../tools/mockRuntime";
import { summarize } from "../../../tools/renderSummary";
import { find, objectsOf, rendered, renderWith, type Obj } from "../../support/render";
import { deployedTwo, endpoint, S0, S1, S2, THREE_RANGES, TWO } from "../../support/shardMap";

const deployed = (shards: string[]) => ({ sharding: deployedTwo(shards) });
const mapOf = (objects: Obj[]) => JSON.parse(find(objects, "ConfigMap", "sysmanage-shard-map").data["shard-map.json"]);

describe("sharded prod render", () => {
    test("two shard clusters with the shard label, a -rw pooler and a role Secret each, and the map", async () => {
        const objects = await objectsOf("prod");
        for (const s of [S0, S1]) {
            const c = find(objects, "Cluster", s);
            assert.equal(c.metadata.labels["sysmanage.io/shard"], s);
            assert.equal(c.spec.instances, 3);
            assert.equal(c.spec.backup.barmanObjectStore.destinationPath, "s3://sysmanage-backups/prod");
            assert.deepEqual(c.spec.bootstrap, { initdb: { database: "sysmanage", owner: "sysmanage_owner", dataChecksums: true } });
            const p = find(objects, "Pooler", `${s}-pooler-rw`);
            assert.deepEqual([p.spec.cluster.name, p.spec.type, p.spec.instances], [s, "rw", 3]);
            const secret = find(objects, "Secret", `${s}-sysmanage-write`);
            assert.equal(secret.stringData.host, `${s}-pooler-rw`);
            assert.equal(secret.stringData.username, "sysmanage_write");
        }
        assert.deepEqual(mapOf(objects), { ...TWO, endpoints: { [S0]: endpoint(S0), [S1]: endpoint(S1) } });
    });

    test("the stack output holds the map and the shards, no secret; the summary's Sharding block", async () => {
        const r = await rendered("prod");
        const out = r.outputs.sharding as Obj;
        assert.deepEqual(out.map, { ...TWO, endpoints: { [S0]: endpoint(S0), [S1]: endpoint(S1) } });
        const shard = (name: string) => ({
            name,
            instances: 3,
            storageSize: "100Gi",
            pooler: `${name}-pooler-rw`,
            poolerInstances: 3,
            budget: { available: 267, used: 18 },
        });
        assert.deepEqual(out.shards, [shard(S0), shard(S1)]);
        assert.equal(JSON.stringify(out).includes(MOCK_PASSWORD), false);
        const lines = summarize(r).split("\n");
        const at = lines.indexOf("Sharding:");
        assert.deepEqual(lines.slice(at, at + 4), [
            "Sharding:",
            "  Shard map version 1 (sha256-be32-mod, 1024 buckets over 2 shards) in ConfigMap sysmanage-shard-map, mounted at /etc/sysmanage/shard-map/shard-map.json",
            `  ${S0}: buckets 0..511 (512) via ${S0}-pooler-rw:5432/sysmanage; 3 instances, 100Gi each; pooler ${S0}-pooler-rw 3 pods may open 18 of 267 connections`,
            `  ${S1}: buckets 512..1023 (512) via ${S1}-pooler-rw:5432/sysmanage; 3 instances, 100Gi each; pooler ${S1}-pooler-rw 3 pods may open 18 of 267 connections`,
        ]);
    });

    test("dev declares no shard object", async () => {
        const objects = await objectsOf("dev");
        assert.deepEqual(
            objects.filter((o) => o.metadata.name.includes("shard")).map((o) => o.metadata.name),
            [],
        );
        assert.equal((await rendered("dev")).outputs.sharding, null);
    });
});

describe("a reshard against the deployed map (previous outputs injected)", () => {
    test("the map onto an undeclared cluster is refused; the cluster first, the map unchanged", async () => {
        await assert.rejects(renderWith("prod", { sharding: { shards: 3 } }, deployed([S0, S1])), {
            message: `Pulumi.prod.yaml: sharding.mapShards (3) puts buckets on ${S2}, which the last update did not declare: declare the cluster first (sharding.shards: 3, sharding.mapShards: 2), copy its buckets, then switch the map in a later update`,
        });
        const filling = await renderWith("prod", { sharding: { shards: 3, mapShards: 2 } }, deployed([S0, S1]));
        const objects = kubernetesObjects(filling.resources) as Obj[];
        assert.equal(find(objects, "Cluster", S2).metadata.labels["sysmanage.io/shard"], S2);
        assert.deepEqual(mapOf(objects), { ...TWO, endpoints: { [S0]: endpoint(S0), [S1]: endpoint(S1) } });
    });

    test("the switch needs its version approved, then publishes the minimal move", async () => {
        await assert.rejects(renderWith("prod", { sharding: { shards: 3 } }, deployed([S0, S1, S2])), {
            message: `Pulumi.prod.yaml: sharding.migration.approvedMapVersion (0) must be 2 to switch the shard map from version 1 to 2: it moves 341 of 1024 buckets: ${S0} -> ${S2} 170, ${S1} -> ${S2} 171; copy their rows to the new shards first (docs/sharding.md)`,
        });
        const switched = await renderWith(
            "prod",
            { sharding: { shards: 3, migration: { approvedMapVersion: 2 } } },
            deployed([S0, S1, S2]),
        );
        const map = mapOf(kubernetesObjects(switched.resources));
        assert.equal(map.version, 2);
        assert.deepEqual(map.ranges, THREE_RANGES);
        const api = find(kubernetesObjects(switched.resources), "Deployment", "sysmanage-api");
        assert.equal(api.spec.template.metadata.annotations["sysmanage.io/shard-map-version"], "2");
    });
});
