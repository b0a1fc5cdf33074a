/**
 * `redis-cluster-topology` over stacks with a RedisCluster per namespace, each with its own
 * ConfigMap, memory limits in binary and decimal units and maxmemory in every Redis unit
 * (issue 20). Percentages worked by hand: Redis `mb` = 1024^2 bytes, `g` = 10^9, `kb` = 1024,
 * `k` = 1000; Kubernetes `1Gi` = 1073741824 bytes, `1G` = 10^9. The rule rounds to whole percent.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { redisClusterTopology as rule } from "../../../policies/rules/redisClusterTopology";
import { copiedIn, published, envConfig, fixture, messages, type Fixture, type Obj } from "../../support/policy";

const ROOM = "lower it to leave room for replication buffers and fragmentation.";
const tooHigh = (ns: string, shown: string, bytes: string, pct: number, limit = "1Gi", max = 90) =>
    `RedisCluster ${ns}/redis: maxmemory ${shown} (${bytes}) is ${pct}% of the memory limit ${limit}, above ${max}%; ${ROOM}`;

/** A RedisCluster in `ns` with its own ConfigMap whose only line is `maxmemory <maxmemory>`, its spec changed by `change`. */
const redisWith = (ns: string, maxmemory: string, limit = "1Gi", change: (spec: Obj) => void = () => {}): Fixture[] => [
    copiedIn(ns, "redis-config", (i) => (i.data = { "redis-additional.conf": `maxmemory ${maxmemory}\n` })),
    copiedIn(ns, "redis-cluster", (i) => {
        i.spec.kubernetesConfig.resources.limits.memory = limit;
        change(i.spec);
    }),
];
const cluster = (ns: string, change: (spec: Obj) => void) => copiedIn(ns, "redis-cluster", (i) => change(i.spec));

describe("redis-cluster-topology: memory units, one cluster per namespace", () => {
    it("rounds maxmemory to whole percent of the limit: 90 % fits, 91 % does not, in every unit", async () => {
        const stack = [
            ...fixture(), // app: 400mb of 1Gi = 39 %
            ...redisWith("a", "921mb"), // 921/1024 = 89.94 % -> 90
            ...redisWith("b", "922MB"), // 90.04 % -> 90 (unrounded it would be above 90)
            ...redisWith("c", "932mb"), // 91.02 % -> 91
            ...redisWith("d", "1g"), // 10^9 / 1073741824 = 93.13 % -> 93
            ...redisWith("e", "900000k"), // 9 x 10^8: 83.82 % -> 84
            ...redisWith("f", "1000000kb"), // 1.024 x 10^9: 95.37 % -> 95
            ...redisWith("g", "966367641"), // bytes: 89.99999994 % -> 90
            ...redisWith("h", "2gb"), // 200 %
            ...redisWith("i", "858mb", "1G"), // 899678208 / 10^9 = 89.97 % -> 90
            ...redisWith("j", "900mb", "1G"), // 943718400 / 10^9 = 94.37 % -> 94
        ];
        assert.deepEqual(await messages(rule, stack), [
            tooHigh("c", "932mb", "932Mi", 91),
            tooHigh("d", "1g", "953.67Mi", 93),
            tooHigh("f", "1000000kb", "976.56Mi", 95),
            tooHigh("h", "2gb", "2Gi", 200),
            tooHigh("j", "900mb", "900Mi", 94, "1G"),
        ]);
        assert.deepEqual(await messages(rule, stack, envConfig("redis-cluster-topology", "prod", { maxMemoryPercentOfLimit: 93 })), [
            tooHigh("f", "1000000kb", "976.56Mi", 95, "1Gi", 93),
            tooHigh("h", "2gb", "2Gi", 200, "1Gi", 93),
            tooHigh("j", "900mb", "900Mi", 94, "1G", 93),
        ]);
    });
    it("reads the ConfigMap of the cluster's own namespace", async () => {
        // b's cluster names redis-config, declared only in app: missing, though app's would fit.
        assert.deepEqual(await messages(rule, [...fixture(), copiedIn("b", "redis-cluster")]), [
            "RedisCluster b/redis: redisConfig.additionalRedisConfig names ConfigMap b/redis-config, which is not declared in this stack; declare it with the maxmemory setting.",
        ]);
    });
});

describe("redis-cluster-topology: masters and replicas", () => {
    it("redisLeader/redisFollower replicas override clusterSize; a cluster without a spec has no masters and no limit", async () => {
        const stack = [
            ...fixture(),
            ...redisWith("m", "400mb", "1Gi", (s) =>
                Object.assign(s, {
                    clusterSize: 5,
                    redisLeader: { ...s.redisLeader, replicas: undefined },
                    redisFollower: { replicas: 4 },
                }),
            ),
            ...redisWith("n", "400mb", "1Gi", (s) =>
                Object.assign(s, { redisLeader: { ...s.redisLeader, replicas: 2 }, redisFollower: {} }),
            ),
            copiedIn("o", "redis-cluster", (i) => delete i.spec),
        ];
        assert.deepEqual(await messages(rule, stack), [
            // m: 5 masters (clusterSize), 4 replicas: 0 per master.
            "RedisCluster m/redis: has 4 replica(s) for 5 master(s), fewer than 1 per master; set redisFollower.replicas to 5 or more.",
            // n: 2 masters (redisLeader), 3 replicas (clusterSize): 1 per master.
            "RedisCluster n/redis: has 2 master(s), below 3; set spec.clusterSize (or redisLeader.replicas) to 3 or more.",
            "RedisCluster o/redis: has 0 master(s), below 3; set spec.clusterSize (or redisLeader.replicas) to 3 or more.",
            "RedisCluster o/redis: has no memory limit; set spec.kubernetesConfig.resources.limits.memory and a maxmemory below it.",
        ]);
    });
    it("minReplicasPerMaster 2: 6 replicas for 3 masters fit, 5 do not; minMasters 4 refuses 3", async () => {
        const two = envConfig("redis-cluster-topology", "prod", { minReplicasPerMaster: 2 });
        const stack = [
            ...fixture(), // 3 replicas for 3 masters
            ...redisWith("p", "400mb", "1Gi", (s) => (s.redisFollower.replicas = 6)),
            ...redisWith("q", "400mb", "1Gi", (s) => (s.redisFollower.replicas = 5)),
        ];
        assert.deepEqual(await messages(rule, stack, two), [
            "RedisCluster app/redis: has 3 replica(s) for 3 master(s), fewer than 2 per master; set redisFollower.replicas to 6 or more.",
            "RedisCluster q/redis: has 5 replica(s) for 3 master(s), fewer than 2 per master; set redisFollower.replicas to 6 or more.",
        ]);
        assert.deepEqual(await messages(rule, fixture(), envConfig("redis-cluster-topology", "prod", { minMasters: 4 })), [
            "RedisCluster app/redis: has 3 master(s), below 4; set spec.clusterSize (or redisLeader.replicas) to 4 or more.",
        ]);
    });
    it("without a positive master count (counts the API server would refuse) only the masters are reported", async () => {
        const stack = [
            ...redisWith("z0", "400mb", "1Gi", (s) =>
                Object.assign(s, { redisLeader: { ...s.redisLeader, replicas: 0 }, redisFollower: { replicas: -1 } }),
            ),
            ...redisWith("z1", "400mb", "1Gi", (s) => Object.assign(s, { redisLeader: { ...s.redisLeader, replicas: -1 } })),
        ];
        assert.deepEqual(await messages(rule, [...fixture(), ...stack]), [
            "RedisCluster z0/redis: has 0 master(s), below 3; set spec.clusterSize (or redisLeader.replicas) to 3 or more.",
            "RedisCluster z1/redis: has -1 master(s), below 3; set spec.clusterSize (or redisLeader.replicas) to 3 or more.",
        ]);
    });
    it("a RedisCluster of another API version (v1beta1) is not checked", async () => {
        const old = cluster("old", (s) =>
            Object.assign(s, {
                clusterSize: 1,
                redisLeader: { ...s.redisLeader, replicas: 1 },
                redisFollower: { ...s.redisFollower, replicas: 0 },
            }),
        );
        old.type = "kubernetes:redis.redis.opstreelabs.in/v1beta1:RedisCluster";
        old.inputs.apiVersion = "redis.redis.opstreelabs.in/v1beta1";
        assert.deepEqual(await messages(rule, [...fixture(), old]), []);
        // The same object at v1beta2: one master, no replicas, its ConfigMap missing.
        const current = cluster("old", (s) =>
            Object.assign(s, {
                clusterSize: 1,
                redisLeader: { ...s.redisLeader, replicas: 1 },
                redisFollower: { ...s.redisFollower, replicas: 0 },
            }),
        );
        assert.deepEqual(await messages(rule, [...fixture(), current]), [
            "RedisCluster old/redis: has 1 master(s), below 3; set spec.clusterSize (or redisLeader.replicas) to 3 or more.",
            "RedisCluster old/redis: has 0 replica(s) for 1 master(s), fewer than 1 per master; set redisFollower.replicas to 1 or more.",
            "RedisCluster old/redis: redisConfig.additionalRedisConfig names ConfigMap old/redis-config, which is not declared in this stack; declare it with the maxmemory setting.",
        ]);
    });
});

describe("redis-cluster-topology: what the pack publishes", () => {
    it("its name, level, severity, remediation, the catalogue's description and its config schema", () => {
        assert.deepEqual(published(rule), {
            name: "redis-cluster-topology",
            enforcementLevel: "mandatory",
            severity: "high",
            remediationSteps:
                "Set spec.clusterSize >= 3, redisFollower.replicas >= masters, a memory limit, and maxmemory (redisConfig.maxMemoryPercentOfLimit or the additionalRedisConfig ConfigMap) below it.",
            inCatalogue: true,
        });
        assert.deepEqual(rule.configSchema, {
            properties: {
                minMasters: {
                    type: "integer",
                    minimum: 1,
                    default: 3,
                    description: "Fewest masters (Redis Cluster needs a majority to fail over).",
                },
                minReplicasPerMaster: { type: "integer", minimum: 0, default: 1, description: "Fewest replicas per master." },
                maxMemoryPercentOfLimit: {
                    type: "integer",
                    minimum: 1,
                    default: 90,
                    description: "Highest maxmemory in % of the memory limit (room for replication buffers and fragmentation).",
                },
            },
        });
    });
    it("a pack config without its keys gets 3 masters, 1 replica each and 90 %", async () => {
        const stack = [
            ...fixture(),
            ...redisWith("a", "922mb"),
            ...redisWith("c", "932mb"),
            ...redisWith("m", "400mb", "1Gi", (s) =>
                Object.assign(s, { redisLeader: { ...s.redisLeader, replicas: 2 }, redisFollower: { replicas: 1 } }),
            ),
        ];
        assert.deepEqual(await messages(rule, stack, {}), [
            tooHigh("c", "932mb", "932Mi", 91),
            "RedisCluster m/redis: has 2 master(s), below 3; set spec.clusterSize (or redisLeader.replicas) to 3 or more.",
            "RedisCluster m/redis: has 1 replica(s) for 2 master(s), fewer than 1 per master; set redisFollower.replicas to 2 or more.",
        ]);
    });
});
