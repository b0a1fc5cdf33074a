/** Data-tier rules against the upstream CRD shapes (CloudNativePG, Redis operator): exact messages. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as r from "../../../policies/rules";
import { serverConnectionsPerPod } from "../../../policies/lib/poolerLoads";
import { maxmemoryIn, parseRedisBytes } from "../../../policies/lib/redisConfig";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { envConfig, fixture, messages, mutated, withExtra, type Fixture } from "../../support/policy";

const PG = "Cluster app/pg";
const pg = (change: (s: any) => void) => mutated("pg-cluster", (i) => change(i.spec));

describe("pg-cluster-ha-and-drainable", () => {
    it("a single instance: too few, blocks drains (until enablePDB false), no spread needed", async () => {
        assert.deepEqual(
            await messages(
                r.pgClusterHaAndDrainable,
                pg((s) => (s.instances = 1)),
            ),
            [
                `${PG}: runs 1 instance(s), below 3; set spec.instances to 3 so a primary and its replicas survive losing a node or zone.`,
                `${PG}: a single instance with the operator's PodDisruptionBudget blocks node drains; set spec.enablePDB: false (or run 3 instances).`,
            ],
        );
        const dev = envConfig("pg-cluster-ha-and-drainable", "dev");
        assert.deepEqual(
            await messages(
                r.pgClusterHaAndDrainable,
                pg((s) => (s.instances = 1)),
                dev,
            ),
            [
                `${PG}: a single instance with the operator's PodDisruptionBudget blocks node drains; set spec.enablePDB: false (or run 2 instances).`,
            ],
        );
        assert.deepEqual(
            await messages(
                r.pgClusterHaAndDrainable,
                pg((s) => Object.assign(s, { instances: 1, enablePDB: false })),
                dev,
            ),
            [],
        );
    });
    it("anti-affinity off, no zone spread, no backup (replica clusters excepted)", async () => {
        const f = pg((s) => {
            s.affinity.enablePodAntiAffinity = false;
            s.topologySpreadConstraints[0].labelSelector.matchLabels["cnpg.io/cluster"] = "other";
            delete s.backup;
        });
        assert.deepEqual(await messages(r.pgClusterHaAndDrainable, f), [
            `${PG}: disables pod anti-affinity; remove spec.affinity.enablePodAntiAffinity: false so instances land on different nodes.`,
            `${PG}: instances are not spread across zones; add a topologySpreadConstraint on topology.kubernetes.io/zone selecting cnpg.io/cluster=pg (or set spec.affinity.topologyKey to it).`,
            `${PG}: has no backup configured; set spec.backup (barmanObjectStore or volumeSnapshot) or a WAL-archiver plugin.`,
        ]);
        assert.deepEqual(
            await messages(
                r.pgClusterHaAndDrainable,
                pg((s) => Object.assign(s, { backup: undefined, replica: { enabled: true, source: "main" } })),
            ),
            [],
        );
        assert.deepEqual(
            await messages(
                r.pgClusterHaAndDrainable,
                pg((s) =>
                    Object.assign(s, { backup: undefined, plugins: [{ name: "barman-cloud.cloudnative-pg.io", isWALArchiver: true }] }),
                ),
            ),
            [],
        );
        assert.deepEqual(
            await messages(
                r.pgClusterHaAndDrainable,
                pg((s) => (s.affinity.topologyKey = "topology.kubernetes.io/zone")),
            ),
            [],
        );
    });
});

describe("pool-connection-budget", () => {
    it("server connections per pod: max_db_connections, else (pool + reserve) per db/user pair", () => {
        assert.equal(serverConnectionsPerPod({ max_db_connections: "33", default_pool_size: "50" }, 4), 33);
        assert.equal(serverConnectionsPerPod({ default_pool_size: "40", reserve_pool_size: "10" }, 2), 100);
        assert.equal(serverConnectionsPerPod({}, 1), 20);
    });
    it("rw pools over the primary's budget", async () => {
        const f = mutated("pg-rw-pooler", (i) => (i.spec.instances = 13));
        assert.deepEqual(await messages(r.poolConnectionBudget, f), [
            `${PG}: poolers at their maximum open up to 195 server connections to the primary (pg-rw: 13 pods x 15), above the budget of 187 (max_connections 200 - superuser_reserved_connections 3 - headroom 10); lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.`,
        ]);
    });
    it("an HPA on a Pooler counts at its maxReplicas; ro pools count against each replica", async () => {
        const h = fixture().find((x) => x.name === "api-hpa")!;
        const poolerHpa: Fixture = {
            ...h,
            name: "pg-ro-hpa",
            inputs: {
                ...h.inputs,
                metadata: { name: "pg-ro", namespace: "app" },
                spec: {
                    ...h.inputs.spec,
                    scaleTargetRef: { apiVersion: "postgresql.cnpg.io/v1", kind: "Pooler", name: "pg-ro" },
                    maxReplicas: 13,
                },
            },
        };
        assert.deepEqual(await messages(r.poolConnectionBudget, withExtra(poolerHpa)), [
            `${PG}: poolers at their maximum open up to 195 server connections to each replica (pg-ro: 13 pods x 15), above the budget of 187 (max_connections 200 - superuser_reserved_connections 3 - headroom 10); lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.`,
        ]);
    });
    it("defaults (max_connections 100), headroom and db/user pairs are configurable", async () => {
        // Both poolers at 6 pods × 15 = 90 server connections per instance role.
        const six = (base: Fixture[]) =>
            mutated(
                "pg-ro-pooler",
                (i) => (i.spec.instances = 6),
                mutated("pg-rw-pooler", (i) => (i.spec.instances = 6), base),
            );
        const f = () => six(pg((s) => delete s.postgresql));
        assert.deepEqual(await messages(r.poolConnectionBudget, f()), [
            `${PG}: poolers at their maximum open up to 90 server connections to the primary (pg-rw: 6 pods x 15), above the budget of 87 (max_connections 100 - superuser_reserved_connections 3 - headroom 10); lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.`,
            `${PG}: poolers at their maximum open up to 90 server connections to each replica (pg-ro: 6 pods x 15), above the budget of 87 (max_connections 100 - superuser_reserved_connections 3 - headroom 10); lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.`,
        ]);
        // Two db/user pairs double each pod's pools (6 × 30 = 180): within 187, over 177 with 20 kept free.
        assert.deepEqual(await messages(r.poolConnectionBudget, six(fixture()), { headroom: 10, dbUserPairs: 2 }), []);
        assert.deepEqual(await messages(r.poolConnectionBudget, six(fixture()), { headroom: 20, dbUserPairs: 2 }), [
            `${PG}: poolers at their maximum open up to 180 server connections to the primary (pg-rw: 6 pods x 30), above the budget of 177 (max_connections 200 - superuser_reserved_connections 3 - headroom 20); lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.`,
            `${PG}: poolers at their maximum open up to 180 server connections to each replica (pg-ro: 6 pods x 30), above the budget of 177 (max_connections 200 - superuser_reserved_connections 3 - headroom 20); lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.`,
        ]);
    });
    it("a pooler for a missing cluster, a read pool without replicas, an unknown pooler", async () => {
        assert.deepEqual(
            await messages(
                r.poolConnectionBudget,
                mutated("pg-rw-pooler", (i) => (i.spec.cluster.name = "pgx")),
            ),
            ["Pooler app/pg-rw: spec.cluster.name pgx names no Cluster in namespace app of this stack; fix it or declare the Cluster."],
        );
        assert.deepEqual(
            await messages(
                r.poolConnectionBudget,
                pg((s) => (s.instances = 1)),
            ),
            ["Pooler app/pg-ro: is a read (ro) pooler but Cluster app/pg has no replicas; use type rw or add instances."],
        );
        const unknown = mutated(
            "pg-rw-pooler",
            (i) => (i.spec.instances = UNKNOWN),
            mutated("pg-ro-pooler", (i) => (i.spec.instances = 9)),
        );
        assert.deepEqual(await messages(r.poolConnectionBudget, unknown), []);
    });
});

describe("pool-pooler-ha-and-mode", () => {
    const P = "Pooler app/pg-rw";
    it("one pod, no PDB, no zone spread", async () => {
        const f = mutated("pg-rw-pooler", (i) => {
            i.spec.instances = 1;
            i.spec.template.spec.topologySpreadConstraints = [];
        }).filter((x) => x.name !== "pg-rw-pdb");
        assert.deepEqual(await messages(r.poolPoolerHaAndMode, f), [
            `${P}: runs 1 pod(s), below 2; set spec.instances to 2 so a drain or a crash keeps the pool up.`,
            `${P}: no PodDisruptionBudget selects its pods (cnpg.io/poolerName=pg-rw); add one with maxUnavailable: 1.`,
            `${P}: its pods are not spread across zones; add a topologySpreadConstraint on topology.kubernetes.io/zone to spec.template.spec.`,
        ]);
        assert.deepEqual(await messages(r.poolPoolerHaAndMode, f, envConfig("pool-pooler-ha-and-mode", "dev", { requirePdb: false })), []);
    });
    it("session mode with autoscaling clients, and client capacity below the clients at max", async () => {
        assert.deepEqual(
            await messages(
                r.poolPoolerHaAndMode,
                mutated("pg-rw-pooler", (i) => delete i.spec.pgbouncer.poolMode),
            ),
            [
                `${P}: poolMode is session (the default) while its clients autoscale (api); use transaction mode so scaling out clients does not need a server connection per client.`,
            ],
        );
        const f = mutated("pg-rw-pooler", (i) => (i.spec.pgbouncer.parameters.max_client_conn = "40"));
        assert.deepEqual(await messages(r.poolPoolerHaAndMode, f), [
            `${P}: accepts 80 client connections (2 pods x max_client_conn 40) but its clients at max open up to 100 (api: 10 pods x 10); raise max_client_conn or instances.`,
        ]);
        assert.deepEqual(
            await messages(r.poolPoolerHaAndMode, f, envConfig("pool-pooler-ha-and-mode", "prod", { connectionsPerClientPod: 8 })),
            [],
        );
    });
});

describe("redis-cluster-topology", () => {
    const R = "RedisCluster app/redis";
    const redis = (change: (s: any) => void) => mutated("redis-cluster", (i) => change(i.spec));
    it("redis memory units and the last maxmemory line", () => {
        assert.equal(parseRedisBytes("1gb"), 1024 ** 3);
        assert.equal(parseRedisBytes("1g"), 1e9);
        assert.equal(maxmemoryIn("maxmemory 1mb\n# x\nmaxmemory 2mb\n"), "2mb");
    });
    it("too few masters and replicas", async () => {
        assert.deepEqual(
            await messages(
                r.redisClusterTopology,
                redis((s) =>
                    Object.assign(s, {
                        clusterSize: 2,
                        redisLeader: { ...s.redisLeader, replicas: undefined },
                        redisFollower: { ...s.redisFollower, replicas: 1 },
                    }),
                ),
            ),
            [
                `${R}: has 2 master(s), below 3; set spec.clusterSize (or redisLeader.replicas) to 3 or more.`,
                `${R}: has 1 replica(s) for 2 master(s), fewer than 1 per master; set redisFollower.replicas to 2 or more.`,
            ],
        );
    });
    it("no memory limit, no maxmemory, maxmemory too close to the limit", async () => {
        assert.deepEqual(
            await messages(
                r.redisClusterTopology,
                redis((s) => delete s.kubernetesConfig.resources.limits),
            ),
            [`${R}: has no memory limit; set spec.kubernetesConfig.resources.limits.memory and a maxmemory below it.`],
        );
        assert.deepEqual(
            await messages(
                r.redisClusterTopology,
                mutated("redis-config", (i) => (i.data["redis-additional.conf"] = "appendonly no\n")),
            ),
            [
                `${R}: sets no maxmemory; set it below the memory limit (1Gi) with redisConfig.maxMemoryPercentOfLimit or the additionalRedisConfig ConfigMap, or Redis grows until it is OOM-killed.`,
            ],
        );
        const full = () => mutated("redis-config", (i) => (i.data["redis-additional.conf"] = "maxmemory 1000mb\n"));
        assert.deepEqual(await messages(r.redisClusterTopology, full()), [
            `${R}: maxmemory 1000mb (1000Mi) is 98% of the memory limit 1Gi, above 90%; lower it to leave room for replication buffers and fragmentation.`,
        ]);
        assert.deepEqual(
            await messages(r.redisClusterTopology, full(), envConfig("redis-cluster-topology", "prod", { maxMemoryPercentOfLimit: 99 })),
            [],
        );
    });
    it("maxMemoryPercentOfLimit and dynamicConfig; a ConfigMap that is not declared", async () => {
        assert.deepEqual(
            await messages(
                r.redisClusterTopology,
                redis((s) => (s.redisLeader.redisConfig = { maxMemoryPercentOfLimit: 95 })),
            ),
            [
                `${R}: maxmemory 95% of the limit (972.8Mi) is 95% of the memory limit 1Gi, above 90%; lower it to leave room for replication buffers and fragmentation.`,
            ],
        );
        assert.deepEqual(
            await messages(
                r.redisClusterTopology,
                redis((s) => (s.redisLeader.redisConfig = { dynamicConfig: ["maxmemory 700mb"] })),
            ),
            [],
        );
        assert.deepEqual(
            await messages(
                r.redisClusterTopology,
                fixture().filter((x) => x.name !== "redis-config"),
            ),
            [
                `${R}: redisConfig.additionalRedisConfig names ConfigMap app/redis-config, which is not declared in this stack; declare it with the maxmemory setting.`,
            ],
        );
    });
});
