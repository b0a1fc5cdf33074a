import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { redisOperator } from "../../../admission/redisOperator";
import { VPA_DEFAULT_GATES, exactQuantity, vpa, vpaModule } from "../../../admission/vpa";
import type { AdmissionContext, AdmissionModule, Manifest } from "../../../admission/types";

const ctx: AdmissionContext = { objects: [], namespaceLabels: () => undefined };
/** [rule, path, message] of every violation, in order. */
const found = (m: AdmissionModule, o: Manifest) => m.check(o, ctx).map((v) => [v.rule, v.path, v.message]);

describe("rule catalogues", () => {
    for (const [name, m, prefix] of [
        ["redisOperator", redisOperator, /^redis-operator v0\.26\.0 [a-z0-9_/.-]+\.go:\d+$/],
        ["vpa", vpa, /^kubernetes\/autoscaler vertical-pod-autoscaler-1\.7\.1 vertical-pod-autoscaler\/[a-z0-9_/.-]+\.(go|yaml):\d+$/],
    ] as const)
        test(`${name}: unique ids, each cited at its tag and line`, () => {
            assert.equal(new Set(m.rules.map((r) => r.id)).size, m.rules.length);
            for (const r of m.rules) assert.match(r.source, prefix, r.id);
        });
    test("counts", () => {
        assert.equal(redisOperator.rules.length, 12);
        assert.equal(vpa.rules.length, 17);
    });
});

// ---- redis-operator --------------------------------------------------------------------------

const claim = (size?: string) => ({
    spec: { accessModes: ["ReadWriteOnce"], ...(size ? { resources: { requests: { storage: size } } } : {}) },
});
const K8S = {
    image: "quay.io/opstree/redis:v7.0.15",
    redisSecret: { name: "auth", key: "password" },
    resources: { limits: { memory: "1Gi" } },
};
const rc = (spec: Record<string, unknown> = {}): Manifest => ({
    apiVersion: "redis.redis.opstreelabs.in/v1beta2",
    kind: "RedisCluster",
    metadata: { name: "cache", namespace: "ns" },
    spec: {
        clusterSize: 3,
        kubernetesConfig: K8S,
        redisExporter: { enabled: true, image: "quay.io/opstree/redis-exporter:v1.44.0" },
        persistenceEnabled: true,
        storage: { nodeConfVolume: true, nodeConfVolumeClaimTemplate: claim("1Gi"), volumeClaimTemplate: claim("5Gi") },
        ...spec,
    },
});
const R = (o: Manifest) => found(redisOperator, o);
const WH =
    "the operator's RedisCluster webhook refuses it where registered (chart 0.26.0 does not register it, so the API server admits it)";

describe("redisOperator", () => {
    test("a complete RedisCluster passes, and other kinds are not looked at", () => {
        assert.deepEqual(R(rc()), []);
        assert.deepEqual(R({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, spec: { clusterSize: 1 } }), []);
    });
    test("cluster-size-min (and 2 leaders)", () => {
        assert.deepEqual(R(rc({ clusterSize: 1 })), [
            [
                "redis-operator/cluster-size-min",
                "spec.clusterSize",
                `${WH}: spec.clusterSize: Invalid value: 1: Redis cluster must have at least 3 shards`,
            ],
        ]);
        assert.deepEqual(
            R(rc({ clusterSize: 2 })).map((v) => v[0]),
            ["redis-operator/cluster-size-min", "redis-operator/leader-replicas"],
        );
        assert.deepEqual(R(rc({ clusterSize: 3 })), []);
    });
    test("acl-single-source", () => {
        const acl = { secret: { secretName: "acl" }, persistentVolumeClaim: "acl-pvc" };
        assert.deepEqual(R(rc({ acl })), [
            [
                "redis-operator/acl-single-source",
                "spec.acl",
                `${WH}: spec.acl: only one of 'secret' or 'persistentVolumeClaim' can be specified in ACL configuration`,
            ],
        ]);
        assert.deepEqual(R(rc({ acl: { secret: { secretName: "acl" } } })), []);
    });
    test("leader-replicas: 2 or 0 leaders never form a cluster; 1 does", () => {
        assert.deepEqual(R(rc({ redisLeader: { replicas: 2 } })), [
            [
                "redis-operator/leader-replicas",
                "spec.redisLeader.replicas",
                "2 leaders: the operator runs `redis-cli --cluster create` with 2 masters, which redis-cli refuses (a cluster needs at least 3 masters), so the cluster never forms",
            ],
        ]);
        assert.deepEqual(R(rc({ redisLeader: { replicas: 0 } })), [
            [
                "redis-operator/leader-replicas",
                "spec.redisLeader.replicas",
                "0 leaders: the operator runs `redis-cli --cluster create` in cache-leader-0, which does not exist, so the cluster never forms",
            ],
        ]);
        assert.deepEqual(R(rc({ redisLeader: { replicas: 1 } })), []);
    });
    test("follower-replicas: fewer followers than leaders hang the reconcile; 0 or more do not", () => {
        assert.deepEqual(R(rc({ redisFollower: { replicas: 2 } })), [
            [
                "redis-operator/follower-replicas",
                "spec.redisFollower.replicas",
                "2 followers for 3 leaders: followers per leader is 2 / 3 = 0, and the operator's replication loop (redis.go:431) never advances, so the reconcile hangs and no follower joins",
            ],
        ]);
        assert.deepEqual(R(rc({ redisFollower: { replicas: 0 } })), []);
        assert.deepEqual(R(rc({ redisFollower: { replicas: 4 } })), []);
    });
    test("persistence-needs-storage", () => {
        assert.deepEqual(R(rc({ storage: undefined })), [
            [
                "redis-operator/persistence-needs-storage",
                "spec.persistenceEnabled",
                "persistenceEnabled is true without spec.storage: the operator creates no data volume claim and Redis writes to the container filesystem",
            ],
        ]);
        assert.deepEqual(R(rc({ storage: undefined, persistenceEnabled: false })), []);
    });
    test("storage-request: each claim template in use requests storage", () => {
        assert.deepEqual(R(rc({ storage: { nodeConfVolume: true, nodeConfVolumeClaimTemplate: claim(), volumeClaimTemplate: claim() } })), [
            [
                "redis-operator/storage-request",
                "spec.storage.nodeConfVolumeClaimTemplate.spec.resources.requests.storage",
                "the claim template node-conf has no storage request: the API server refuses each PersistentVolumeClaim the StatefulSet controller creates from it (spec.resources[storage]: Required value) and the pods stay Pending",
            ],
            [
                "redis-operator/storage-request",
                "spec.storage.volumeClaimTemplate.spec.resources.requests.storage",
                "the claim template cache-leader/cache-follower has no storage request: the API server refuses each PersistentVolumeClaim the StatefulSet controller creates from it (spec.resources[storage]: Required value) and the pods stay Pending",
            ],
        ]);
        assert.deepEqual(R(rc({ persistenceEnabled: false, storage: { nodeConfVolume: false, volumeClaimTemplate: claim() } })), []);
    });
    test("image-required", () => {
        assert.deepEqual(R(rc({ redisExporter: { enabled: true, image: "" } })), [
            [
                "redis-operator/image-required",
                "spec.redisExporter.image",
                "the redis-exporter sidecar has no image: the API server refuses the StatefulSets the operator creates (containers[].image: Required value)",
            ],
        ]);
        assert.deepEqual(R(rc({ redisExporter: { enabled: false, image: "" } })), []);
    });
    test("redis-secret-complete", () => {
        assert.deepEqual(R(rc({ kubernetesConfig: { ...K8S, redisSecret: { name: "auth" } } })), [
            [
                "redis-operator/redis-secret-complete",
                "spec.kubernetesConfig.redisSecret.key",
                "redisSecret without key: the operator dereferences it to build REDIS_PASSWORD and its reconcile panics before creating any StatefulSet",
            ],
        ]);
        assert.deepEqual(R(rc({ kubernetesConfig: { ...K8S, redisSecret: { name: "", key: "password" } } })), [
            [
                "redis-operator/redis-secret-complete",
                "spec.kubernetesConfig.redisSecret.name",
                "redisSecret.name is empty: the API server refuses the StatefulSets (env REDIS_PASSWORD secretKeyRef)",
            ],
        ]);
        assert.deepEqual(R(rc({ kubernetesConfig: { ...K8S, redisSecret: undefined } })), []);
    });
    test("max-memory-needs-limit", () => {
        const noLimit = { ...K8S, resources: { requests: { memory: "1Gi" } } };
        assert.deepEqual(R(rc({ kubernetesConfig: noLimit, redisConfig: { maxMemoryPercentOfLimit: 80 } })), [
            [
                "redis-operator/max-memory-needs-limit",
                "spec.redisConfig.maxMemoryPercentOfLimit",
                "the leader and follower containers have no memory limit: the operator sets no REDIS_MAX_MEMORY there and maxMemoryPercentOfLimit is ignored",
            ],
        ]);
        assert.deepEqual(
            R(
                rc({
                    kubernetesConfig: noLimit,
                    redisConfig: { maxMemoryPercentOfLimit: 80 },
                    redisLeader: { resources: { limits: { memory: "1Gi" } } },
                }),
            )[0]?.[2],
            "the follower containers have no memory limit: the operator sets no REDIS_MAX_MEMORY there and maxMemoryPercentOfLimit is ignored",
        );
        assert.deepEqual(R(rc({ redisConfig: { maxMemoryPercentOfLimit: 80 } })), []);
    });
    test("role-redis-config-ignored", () => {
        assert.deepEqual(R(rc({ redisLeader: { redisConfig: { maxMemoryPercentOfLimit: 80, additionalRedisConfig: "cm" } } })), [
            [
                "redis-operator/role-redis-config-ignored",
                "spec.redisLeader.redisConfig.maxMemoryPercentOfLimit",
                "the operator reads maxMemoryPercentOfLimit from spec.redisConfig only: this one is ignored",
            ],
        ]);
        assert.deepEqual(
            R(rc({ redisFollower: { redisConfig: { dynamicConfig: ["maxmemory-policy allkeys-lru"] } } }))[0]?.[1],
            "spec.redisFollower.redisConfig.dynamicConfig",
        );
        assert.deepEqual(R(rc({ redisLeader: { redisConfig: { additionalRedisConfig: "cm" } } })), []);
    });
    test("top-level-additional-config-ignored", () => {
        assert.deepEqual(R(rc({ redisConfig: { additionalRedisConfig: "cm" } })), [
            [
                "redis-operator/top-level-additional-config-ignored",
                "spec.redisConfig.additionalRedisConfig",
                "a RedisCluster mounts additionalRedisConfig from redisLeader/redisFollower.redisConfig only: this ConfigMap is never mounted",
            ],
        ]);
        assert.deepEqual(R(rc({ redisFollower: { redisConfig: { additionalRedisConfig: "cm" } } })), []);
    });
    test("pdb-min-max-exclusive", () => {
        assert.deepEqual(R(rc({ redisFollower: { pdb: { enabled: true, maxUnavailable: 1, minAvailable: 2 } } })), [
            [
                "redis-operator/pdb-min-max-exclusive",
                "spec.redisFollower.pdb.minAvailable",
                "the follower pdb sets maxUnavailable and minAvailable: the operator uses maxUnavailable and ignores minAvailable",
            ],
        ]);
        assert.deepEqual(R(rc({ redisFollower: { pdb: { enabled: true, maxUnavailable: 1 } } })), []);
    });
    test("every violation carries the object, fix and source", () => {
        const [v] = redisOperator.check(rc({ clusterSize: 1 }), ctx);
        assert.equal(v.object, "redis.redis.opstreelabs.in/v1beta2 RedisCluster ns/cache");
        assert.equal(v.source, "redis-operator v0.26.0 api/rediscluster/v1beta2/rediscluster_webhook.go:79");
        assert.equal(v.fix, "config redis.masters / redis.replicasPerMaster (lib/data/manifests.ts redisClusterSpec)");
    });
});

// ---- VPA ---------------------------------------------------------------------------------------

const policy = (p: Record<string, unknown> = {}) => ({
    containerName: "analytics",
    minAllowed: { cpu: "500m", memory: "1Gi" },
    maxAllowed: { cpu: "2", memory: "4Gi" },
    ...p,
});
const va = (spec: Record<string, unknown> = {}): Manifest => ({
    apiVersion: "autoscaling.k8s.io/v1",
    kind: "VerticalPodAutoscaler",
    metadata: { name: "analytics", namespace: "ns" },
    spec: {
        targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "analytics" },
        updatePolicy: { updateMode: "Recreate", minReplicas: 1 },
        resourcePolicy: { containerPolicies: [policy({ controlledResources: ["cpu", "memory"], controlledValues: "RequestsAndLimits" })] },
        ...spec,
    },
});
const V = (o: Manifest, m: AdmissionModule = vpa) => found(m, o);
const allGates = vpaModule({ InPlace: true, PerVPAConfig: true, CPUStartupBoost: true });
const WD = "the VPA admission webhook (vpa.k8s.io) denies it";
const CP = "spec.resourcePolicy.containerPolicies[0]";
const pols = (p: Record<string, unknown>) => va({ resourcePolicy: { containerPolicies: [policy(p)] } });

describe("vpa", () => {
    test("the program's VPA passes, and other kinds are not looked at", () => {
        assert.deepEqual(V(va()), []);
        assert.deepEqual(V({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: {} }), []);
        assert.deepEqual(VPA_DEFAULT_GATES, { InPlace: false, PerVPAConfig: false, CPUStartupBoost: false });
    });
    test("target-ref (the CRD schema, not the webhook)", () => {
        assert.deepEqual(V(va({ targetRef: undefined })), [
            ["vpa/target-ref", "spec.targetRef", "the API server (CRD schema) refuses it: spec.targetRef: Required value"],
        ]);
    });
    test("update-mode-required", () => {
        assert.deepEqual(V(va({ updatePolicy: { minReplicas: 1 } })), [
            [
                "vpa/update-mode-required",
                "spec.updatePolicy.updateMode",
                `${WD}: spec.updatePolicy.updateMode: Required value: updateMode is required if UpdatePolicy is used`,
            ],
        ]);
        assert.deepEqual(V(va({ updatePolicy: undefined })), []);
    });
    test("update-mode-supported (Auto is deprecated but admitted)", () => {
        assert.deepEqual(V(va({ updatePolicy: { updateMode: "Sometimes" } })), [
            [
                "vpa/update-mode-supported",
                "spec.updatePolicy.updateMode",
                `${WD}: spec.updatePolicy.updateMode: Unsupported value: "Sometimes": supported values: "InPlace", "InPlaceOrRecreate", "Initial", "Off", "Recreate"`,
            ],
        ]);
        assert.deepEqual(V(va({ updatePolicy: { updateMode: "Auto" } })), []);
        assert.deepEqual(V(va({ updatePolicy: { updateMode: "InPlaceOrRecreate" } })), []);
    });
    test("update-mode-in-place needs the InPlace gate", () => {
        const o = va({ updatePolicy: { updateMode: "InPlace" } });
        assert.deepEqual(V(o), [
            [
                "vpa/update-mode-in-place",
                "spec.updatePolicy.updateMode",
                `${WD}: spec.updatePolicy.updateMode: Forbidden: in order to use UpdateMode InPlace, you must enable feature gate InPlace in the admission-controller args`,
            ],
        ]);
        assert.deepEqual(V(o, allGates), []);
    });
    test("min-replicas-positive", () => {
        assert.deepEqual(V(va({ updatePolicy: { updateMode: "Recreate", minReplicas: 0 } })), [
            [
                "vpa/min-replicas-positive",
                "spec.updatePolicy.minReplicas",
                `${WD}: spec.updatePolicy.minReplicas: Invalid value: 0: minReplicas has to be positive`,
            ],
        ]);
        assert.deepEqual(V(va({ updatePolicy: { updateMode: "Recreate", minReplicas: 2 } })), []);
    });
    test("evict-after-oom-seconds: forbidden without PerVPAConfig, >= 1 with it", () => {
        const at = (s: number) => va({ updatePolicy: { updateMode: "Recreate", evictAfterOOMSeconds: s } });
        const path = "spec.updatePolicy.evictAfterOOMSeconds";
        assert.deepEqual(V(at(60)), [
            ["vpa/evict-after-oom-seconds", path, `${WD}: ${path}: Forbidden: not supported when feature flag PerVPAConfig is disabled`],
        ]);
        assert.deepEqual(V(at(0), allGates), [
            ["vpa/evict-after-oom-seconds", path, `${WD}: ${path}: Invalid value: 0: must be greater than or equal to 1`],
        ]);
        assert.deepEqual(V(at(60), allGates), []);
    });
    test("container-name-required", () => {
        assert.deepEqual(V(pols({ containerName: "" })), [
            ["vpa/container-name-required", `${CP}.containerName`, `${WD}: ${CP}.containerName: Required value`],
        ]);
        assert.deepEqual(V(pols({ containerName: "*" })), []);
    });
    test("container-mode-supported", () => {
        assert.deepEqual(V(pols({ mode: "On" })), [
            ["vpa/container-mode-supported", `${CP}.mode`, `${WD}: ${CP}.mode: Unsupported value: "On": supported values: "Auto", "Off"`],
        ]);
        assert.deepEqual(V(pols({ mode: "Off" })), []);
    });
    test("resource-resolution: whole millicores and whole bytes", () => {
        assert.deepEqual(V(pols({ minAllowed: { cpu: "0.5m", memory: "1.5" }, maxAllowed: {} })), [
            [
                "vpa/resource-resolution",
                `${CP}.minAllowed.cpu`,
                `${WD}: ${CP}.minAllowed[cpu]: Invalid value: "0.5m": must be a whole number of milli CPUs`,
            ],
            [
                "vpa/resource-resolution",
                `${CP}.minAllowed.memory`,
                `${WD}: ${CP}.minAllowed[memory]: Invalid value: "1.5": must be a whole number of bytes`,
            ],
        ]);
        assert.deepEqual(V(pols({ maxAllowed: { cpu: 0.0005 } }))[0]?.[1], `${CP}.maxAllowed.cpu`);
        assert.deepEqual(V(pols({ minAllowed: { cpu: "0.25", memory: "1.5Ki" }, maxAllowed: { cpu: 1, memory: "1e9" } })), []);
    });
    test("max-not-below-min", () => {
        assert.deepEqual(V(pols({ maxAllowed: { cpu: "250m", memory: "4Gi" } })), [
            [
                "vpa/max-not-below-min",
                `${CP}.maxAllowed.cpu`,
                `${WD}: ${CP}.maxAllowed[cpu]: Invalid value: "250m": max resource for cpu is lower than min of "500m"`,
            ],
        ]);
        assert.deepEqual(V(pols({ maxAllowed: { cpu: "0.5", memory: "1024Mi" } })), []);
    });
    test("controlled-values-mode-off", () => {
        assert.deepEqual(V(pols({ mode: "Off", controlledValues: "RequestsAndLimits" })), [
            [
                "vpa/controlled-values-mode-off",
                `${CP}.controlledValues`,
                `${WD}: ${CP}.controlledValues: Forbidden: controlledValues shouldn't be specified if container scaling mode is off`,
            ],
        ]);
        assert.deepEqual(V(pols({ mode: "Off", controlledValues: "RequestsOnly" })), []);
    });
    test("per-VPA container fields: forbidden without PerVPAConfig, bounded with it", () => {
        const cases: [string, string, unknown, unknown, string][] = [
            ["vpa/oom-bump-up-ratio", "oomBumpUpRatio", "0.5", "1.2", "Invalid value: 0.5: must be greater than or equal to 1.0"],
            ["vpa/oom-min-bump-up", "oomMinBumpUp", "-1Mi", "100Mi", "Invalid value: -1Mi: must be greater than or equal to 0"],
            [
                "vpa/memory-aggregation-interval-seconds",
                "memoryAggregationIntervalSeconds",
                0,
                60,
                "Invalid value: 0: must be greater than or equal to 1",
            ],
            [
                "vpa/memory-aggregation-interval-count",
                "memoryAggregationIntervalCount",
                0,
                8,
                "Invalid value: 0: must be greater than or equal to 1",
            ],
        ];
        for (const [id, field, bad, good, err] of cases) {
            const p = `${CP}.${field}`;
            assert.deepEqual(V(pols({ [field]: good })), [
                [id, p, `${WD}: ${p}: Forbidden: not supported when feature flag PerVPAConfig is disabled`],
            ]);
            assert.deepEqual(V(pols({ [field]: bad }), allGates), [[id, p, `${WD}: ${p}: ${err}`]]);
            assert.deepEqual(V(pols({ [field]: good }), allGates), []);
        }
    });
    test("startup-boost: forbidden without CPUStartupBoost, complete with it", () => {
        const boost = (cpu: Record<string, unknown>) => va({ startupBoost: { cpu } });
        const p = "spec.startupBoost";
        assert.deepEqual(V(boost({ type: "Factor", factor: 2 })), [
            [
                "vpa/startup-boost",
                p,
                `${WD}: ${p}: Forbidden: in order to use startupBoost, you must enable feature gate CPUStartupBoost in the admission-controller args`,
            ],
        ]);
        const errs: [Record<string, unknown>, string, string][] = [
            [{ type: "" }, "cpu.type", "Required value: must be either Factor or Quantity"],
            [{ type: "Factor" }, "cpu.factor", "Required value: required when type is Factor"],
            [{ type: "Factor", factor: 0 }, "cpu.factor", "Invalid value: 0: must be >= 1 for type Factor"],
            [{ type: "Quantity" }, "cpu.quantity", "Required value: required when type is Quantity"],
            [{ type: "Quantity", quantity: "0.5m" }, "cpu.quantity", 'Invalid value: "0.5m": must be a whole number of milli CPUs'],
            [{ type: "Linear" }, "cpu.type", 'Unsupported value: "Linear": supported values: "Factor", "Quantity"'],
        ];
        for (const [cpu, f, err] of errs)
            assert.deepEqual(V(boost(cpu), allGates), [["vpa/startup-boost", `${p}.${f}`, `${WD}: ${p}.${f}: ${err}`]]);
        assert.deepEqual(V(boost({ type: "Factor", factor: 2 }), allGates), []);
        assert.deepEqual(V(pols({ startupBoost: { cpu: { type: "Quantity", quantity: "2" } } }), allGates), []);
        assert.deepEqual(V(pols({ startupBoost: { cpu: { type: "Quantity", quantity: "2" } } }))[0]?.[1], `${CP}.startupBoost`);
    });
    test("recommenders-at-most-one", () => {
        assert.deepEqual(V(va({ recommenders: [{ name: "a" }, { name: "b" }] })), [
            ["vpa/recommenders-at-most-one", "spec.recommenders", `${WD}: spec.recommenders: Too many: 2: must have at most 1 items`],
        ]);
        assert.deepEqual(V(va({ recommenders: [{ name: "a" }] })), []);
    });
    test("exactQuantity", () => {
        assert.deepEqual(exactQuantity("500m"), { num: 500n, den: 1000n });
        assert.deepEqual(exactQuantity("1.5Ki"), { num: 15360n, den: 10n });
        assert.deepEqual(exactQuantity("1e3"), { num: 1000n, den: 1n });
        assert.deepEqual(exactQuantity(2), { num: 2n, den: 1n });
        assert.equal(exactQuantity("lots"), undefined);
        assert.equal(exactQuantity("."), undefined);
    });
});
