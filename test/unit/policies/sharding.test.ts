/**
 * The shard rules (issue 18) on injected faults, exact messages: `shard-ha-in-prod`,
 * `shard-map-buckets-once`, and `pool-connection-budget` over a shard cluster's pooler. The map
 * below is written by hand (two shards, 512 buckets each), not computed by lib/sharding.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as r from "../../../policies/rules";
import { envConfig, fixture, messages, published, type Fixture, type Obj } from "../../support/policy";

const SHARD = "sysmanage.io/shard";
const HASH = "sha256-be32-mod";

/** The fixture's Cluster `pg` copied as shard `name` in `ns`. */
function shardCluster(name: string, ns = "app", change: (spec: Obj) => void = () => {}): Fixture {
    const f = structuredClone(fixture().find((x) => x.name === "pg-cluster")!);
    f.name = `${ns}-${name}-cluster`;
    f.inputs.metadata = { ...f.inputs.metadata, name, namespace: ns, labels: { [SHARD]: name } };
    change(f.inputs.spec);
    return f;
}

const twoShards = () => ({
    version: 1,
    hash: HASH,
    buckets: 1024,
    shards: ["pg-shard-0", "pg-shard-1"],
    ranges: [
        { from: 0, to: 512, shard: "pg-shard-0" },
        { from: 512, to: 1024, shard: "pg-shard-1" },
    ],
    endpoints: {},
});

function mapConfig(map: unknown, ns = "app"): Fixture {
    const text = typeof map === "string" ? map : JSON.stringify(map);
    return {
        type: "kubernetes:core/v1:ConfigMap",
        name: `${ns}-shard-map`,
        inputs: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "sysmanage-shard-map", namespace: ns },
            data: { "shard-map.json": text },
        },
    };
}

const stack = (map: unknown = twoShards(), shards = [shardCluster("pg-shard-0"), shardCluster("pg-shard-1")]) => [
    ...fixture(),
    ...shards,
    mapConfig(map),
];
const CM = "ConfigMap app/sysmanage-shard-map";

describe("shard-ha-in-prod", () => {
    it("a sound stack passes; a shard below the floor is named with its instances", async () => {
        assert.deepEqual(await messages(r.shardHaInProd, stack()), []);
        const two = stack(twoShards(), [shardCluster("pg-shard-0", "app", (s) => (s.instances = 2)), shardCluster("pg-shard-1")]);
        assert.deepEqual(await messages(r.shardHaInProd, two), [
            "Cluster app/pg-shard-0: shard pg-shard-0 runs 2 instance(s), below 3; set sharding.postgres.instances to 3: its buckets' rows are on no other cluster.",
        ]);
        // staging's floor is 2, dev's 1.
        assert.deepEqual(await messages(r.shardHaInProd, two, envConfig("shard-ha-in-prod", "staging")), []);
        assert.deepEqual(envConfig("shard-ha-in-prod", "dev").minInstances, 1);
    });
    it("an unset spec.instances is CloudNativePG's 1; a Cluster without the shard label is not a shard", async () => {
        const unset = stack(twoShards(), [shardCluster("pg-shard-0", "app", (s) => delete s.instances), shardCluster("pg-shard-1")]);
        assert.deepEqual(await messages(r.shardHaInProd, unset), [
            "Cluster app/pg-shard-0: shard pg-shard-0 runs 1 instance(s), below 3; set sharding.postgres.instances to 3: its buckets' rows are on no other cluster.",
        ]);
        const main = fixture();
        main.find((x) => x.name === "pg-cluster")!.inputs.spec.instances = 1;
        assert.deepEqual(await messages(r.shardHaInProd, main), []);
    });
});

describe("shard-map-buckets-once", () => {
    it("the hand-written map over two declared shards passes; no map, nothing to check", async () => {
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack()), []);
        assert.deepEqual(await messages(r.shardMapBucketsOnce, fixture()), []);
    });
    it("a bucket on two shards, buckets on none, an empty range", async () => {
        const overlap = twoShards();
        overlap.ranges[0].to = 514;
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack(overlap)), [`${CM}: buckets 512..513 are on more than one shard.`]);
        const gap = twoShards();
        gap.ranges[0].to = 500;
        gap.ranges[1].to = 1000;
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack(gap)), [
            `${CM}: buckets 500..511 are on no shard.`,
            `${CM}: buckets 1000..1023 are on no shard.`,
        ]);
        const empty = twoShards();
        empty.ranges.splice(1, 0, { from: 512, to: 512, shard: "pg-shard-1" });
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack(empty)), [`${CM}: range 512..512 is empty.`]);
    });
    it("another hash, a range on a shard the map does not list, a shard holding nothing", async () => {
        const m = twoShards();
        m.hash = "murmur3";
        m.ranges[1].shard = "pg-shard-9";
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack(m)), [
            `${CM}: hash is "murmur3", expected "${HASH}".`,
            `${CM}: range 512..1023 names shard "pg-shard-9", which the map does not list.`,
            `${CM}: shard "pg-shard-1" holds no bucket.`,
        ]);
    });
    it("a shard that is no declared shard Cluster in the map's namespace", async () => {
        const declare = "declare the shard cluster before the map puts buckets on it.";
        const missing = stack(twoShards(), [shardCluster("pg-shard-0")]);
        assert.deepEqual(await messages(r.shardMapBucketsOnce, missing), [
            `${CM}: shard pg-shard-1 is no Cluster labelled ${SHARD} in namespace app; ${declare}`,
        ]);
        const elsewhere = stack(twoShards(), [shardCluster("pg-shard-0"), shardCluster("pg-shard-1", "other")]);
        assert.deepEqual(await messages(r.shardMapBucketsOnce, elsewhere), [
            `${CM}: shard pg-shard-1 is no Cluster labelled ${SHARD} in namespace app; ${declare}`,
        ]);
        // The main cluster `pg` carries no shard label: a map naming it is refused too.
        const main = { ...twoShards(), shards: ["pg", "pg-shard-1"] };
        main.ranges[0].shard = "pg";
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack(main)), [
            `${CM}: shard pg is no Cluster labelled ${SHARD} in namespace app; ${declare}`,
        ]);
    });
    it("a file that is not JSON, or not a map", async () => {
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack("{version: 1")), [
            `${CM}: data.shard-map.json is not JSON; publish the map the program computes.`,
        ]);
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack({ version: 1 })), [
            `${CM}: data.shard-map.json has no shards and ranges lists; publish the map the program computes.`,
        ]);
    });
});

describe("shard-ha-in-prod: which objects are shard clusters", () => {
    const below = (shard: string, n: number, id = `Cluster app/${shard}`) =>
        `${id}: shard ${shard} runs ${n} instance(s), below 3; set sharding.postgres.instances to 3: its buckets' rows are on no other cluster.`;
    const labelled = (type: string, apiVersion: string, kind: string, spec?: Obj): Fixture => ({
        type,
        name: `${kind}-x`,
        inputs: {
            apiVersion,
            kind,
            metadata: { name: "pg-shard-0", namespace: "app", labels: { [SHARD]: "pg-shard-0" } },
            ...(spec ? { spec } : {}),
        },
    });
    it("only a CloudNativePG Cluster: another group's Cluster, or another CloudNativePG kind, with the label is no shard", async () => {
        const others = [
            labelled("kubernetes:example.io/v1:Cluster", "example.io/v1", "Cluster", { instances: 1 }),
            labelled("kubernetes:postgresql.cnpg.io/v1:Pooler", "postgresql.cnpg.io/v1", "Pooler", { instances: 1 }),
        ];
        assert.deepEqual(await messages(r.shardHaInProd, others), []);
    });
    it("a Cluster without metadata is no shard; a shard without spec runs CloudNativePG's 1 instance", async () => {
        const bare: Fixture = {
            type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
            name: "bare",
            inputs: { apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", spec: { instances: 1 } },
        };
        assert.deepEqual(await messages(r.shardHaInProd, [bare]), []);
        const noSpec = labelled("kubernetes:postgresql.cnpg.io/v1:Cluster", "postgresql.cnpg.io/v1", "Cluster");
        assert.deepEqual(await messages(r.shardHaInProd, [noSpec]), [below("pg-shard-0", 1)]);
    });
    it("what the pack publishes, and its setting", () => {
        assert.deepEqual(published(r.shardHaInProd), {
            name: "shard-ha-in-prod",
            enforcementLevel: "mandatory",
            severity: "high",
            remediationSteps:
                "Set sharding.postgres.instances (or postgres.replicas, which it inherits) so each shard runs minInstances instances.",
            inCatalogue: true,
        });
        assert.deepEqual(r.shardHaInProd.configSchema?.properties?.minInstances, {
            type: "integer",
            minimum: 1,
            default: 3,
            description: "Fewest instances of a shard cluster (a primary and two standbys survive one zone).",
        });
    });
});

describe("shard-map-buckets-once: odd maps and clusters", () => {
    const NOT_A_MAP = `${CM}: data.shard-map.json has no shards and ranges lists; publish the map the program computes.`;
    it("a map with shards but no ranges, or the JSON null, is not a map", async () => {
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack({ ...twoShards(), ranges: undefined })), [NOT_A_MAP]);
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack({ ...twoShards(), shards: "pg-shard-0" })), [NOT_A_MAP]);
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack("null")), [NOT_A_MAP]);
    });
    it("a shard map ConfigMap without data is not JSON (the text read is undefined)", async () => {
        const f = stack();
        delete f[f.length - 1].inputs.data;
        assert.deepEqual(await messages(r.shardMapBucketsOnce, f), [
            `${CM}: data.shard-map.json is not JSON; publish the map the program computes.`,
        ]);
    });
    it("a labelled Cluster of another group declares no shard; a Cluster without metadata is skipped", async () => {
        const foreign: Fixture = {
            type: "kubernetes:example.io/v1:Cluster",
            name: "foreign-cluster",
            inputs: {
                apiVersion: "example.io/v1",
                kind: "Cluster",
                metadata: { name: "pg-shard-1", namespace: "app", labels: { [SHARD]: "pg-shard-1" } },
            },
        };
        const bare: Fixture = {
            type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
            name: "bare-cluster",
            inputs: { apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", spec: { instances: 3 } },
        };
        assert.deepEqual(await messages(r.shardMapBucketsOnce, stack(twoShards(), [shardCluster("pg-shard-0"), foreign, bare])), [
            `${CM}: shard pg-shard-1 is no Cluster labelled ${SHARD} in namespace app; declare the shard cluster before the map puts buckets on it.`,
        ]);
    });
    it("what the pack publishes", () => {
        assert.deepEqual(published(r.shardMapBucketsOnce), {
            name: "shard-map-buckets-once",
            enforcementLevel: "mandatory",
            severity: "critical",
            remediationSteps:
                "Publish the map the program computes (sharding.shards, sharding.mapShards); never edit the ConfigMap by hand.",
            inCatalogue: true,
        });
    });
});

describe("pool-connection-budget covers the shard clusters", () => {
    it("a shard's pooler over its own cluster's budget is named against that cluster", async () => {
        const pooler = (perPod: string): Fixture => {
            const f = structuredClone(fixture().find((x) => x.name === "pg-rw-pooler")!);
            f.name = "pg-shard-0-rw-pooler";
            f.inputs.metadata.name = "pg-shard-0-rw";
            f.inputs.spec.cluster = { name: "pg-shard-0" };
            f.inputs.spec.pgbouncer.parameters = { max_db_connections: perPod };
            return f;
        };
        const cfg = { headroom: 10, dbUserPairs: 1 };
        // max_connections 200 - 3 reserved - 10 headroom = 187: 2 pods x 93 = 186 fits, 2 x 94 = 188 does not.
        assert.deepEqual(await messages(r.poolConnectionBudget, [...stack(), pooler("93")], cfg), []);
        assert.deepEqual(await messages(r.poolConnectionBudget, [...stack(), pooler("94")], cfg), [
            "Cluster app/pg-shard-0: poolers at their maximum open up to 188 server connections to the primary (pg-shard-0-rw: 2 pods x 94), above the budget of 187 (max_connections 200 - superuser_reserved_connections 3 - headroom 10); lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.",
        ]);
    });
});
