/** RedisCluster: AUTH, redis.conf, ServiceAccount, the operator's RedisCluster and a PodMonitor, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RedisCluster, type RedisClusterArgs } from "../../../../components/data/redisCluster";
import { redisClusterSpec } from "../../../../lib/data/manifests";
import { construct, MOCK_PASSWORD, named, stub, typesAndNames } from "../../../support/components";

const labels = { "app.kubernetes.io/component": "cache", "app.kubernetes.io/part-of": "sysmanage" };
/** What the operator's spec is built from. */
const shape = {
    masters: 3,
    replicasPerMaster: 1,
    image: "quay.io/opstree/redis:v7.0.15",
    exporterImage: "quay.io/opstree/redis-exporter:v1.44.0",
    cpu: "500m",
    memory: "1Gi",
    storageSize: "5Gi",
    storageClass: "gp3",
    zones: 3,
};
const args = (): RedisClusterArgs => ({
    ...shape,
    namespace: "sysmanage-test",
    name: "sysmanage-redis",
    labels,
    config: { maxmemory: "800mb", "maxmemory-policy": "allkeys-lru" },
    operatorReady: [stub("data-operators-redis-operator")],
    scraping: { monitorLabels: { release: "kube-prometheus-stack" }, scrapeInterval: "15s" },
});
const child = { parent: "redis", dependsOn: [], ignoreChanges: [] };

describe("RedisCluster", () => {
    it("declares the password, its Secret, the redis.conf ConfigMap, a ServiceAccount, the RedisCluster and a PodMonitor", async () => {
        const { self, children } = await construct(RedisCluster, "redis", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:data:RedisCluster", "redis"]]);
        assert.deepEqual(typesAndNames(children), [
            ["random:index/randomPassword:RandomPassword", "redis-password"],
            ["kubernetes:core/v1:Secret", "redis-auth"],
            ["kubernetes:core/v1:ConfigMap", "redis-config"],
            ["kubernetes:core/v1:ServiceAccount", "redis-sa"],
            ["kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisCluster", "redis-cluster"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "redis-monitor"],
        ]);
    });

    it("AUTH from a generated password, our redis.conf lines, and a ServiceAccount without an API token", async () => {
        const { component, children } = await construct(RedisCluster, "redis", args);
        const metadata = (name: string) => ({ name, namespace: "sysmanage-test", labels });
        assert.deepEqual(named(children, "redis-password").inputs, { length: 40, special: false });
        assert.deepEqual(named(children, "redis-auth"), {
            type: "kubernetes:core/v1:Secret",
            name: "redis-auth",
            inputs: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: metadata("sysmanage-redis-auth"),
                type: "Opaque",
                stringData: { password: MOCK_PASSWORD },
            },
            options: child,
        });
        assert.deepEqual(named(children, "redis-config"), {
            type: "kubernetes:core/v1:ConfigMap",
            name: "redis-config",
            inputs: {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: metadata("sysmanage-redis-config"),
                data: { "redis-additional.conf": "maxmemory 800mb\nmaxmemory-policy allkeys-lru\n" },
            },
            options: child,
        });
        assert.deepEqual(named(children, "redis-sa"), {
            type: "kubernetes:core/v1:ServiceAccount",
            name: "redis-sa",
            inputs: {
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: metadata("sysmanage-redis"),
                automountServiceAccountToken: false,
            },
            options: child,
        });
        assert.equal(component.passwordSecretName, "sysmanage-redis-auth");
    });

    it("the RedisCluster waits for the operator and everything it references, and uses them by name", async () => {
        const { children } = await construct(RedisCluster, "redis", args);
        const cluster = named(children, "redis-cluster");
        assert.deepEqual(cluster.options, {
            parent: "redis",
            dependsOn: ["data-operators-redis-operator", "redis-auth", "redis-config", "redis-sa"],
            ignoreChanges: [],
        });
        const expected = {
            ...shape,
            passwordSecret: "sysmanage-redis-auth",
            configMap: "sysmanage-redis-config",
            serviceAccount: "sysmanage-redis",
        };
        assert.deepEqual(cluster.inputs, {
            apiVersion: "redis.redis.opstreelabs.in/v1beta2",
            kind: "RedisCluster",
            metadata: {
                name: "sysmanage-redis",
                namespace: "sysmanage-test",
                labels,
                annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "config" },
            },
            spec: JSON.parse(JSON.stringify(redisClusterSpec("sysmanage-redis", expected))),
        });
        const s = cluster.inputs.spec;
        assert.deepEqual(
            [
                s.clusterSize,
                s.redisLeader.replicas,
                s.redisFollower.replicas,
                s.kubernetesConfig.redisSecret,
                s.serviceAccountName,
                s.priorityClassName,
            ],
            [3, 3, 3, { name: "sysmanage-redis-auth", key: "password" }, "sysmanage-redis", "sysmanage-data"],
        );
        assert.deepEqual(s.redisLeader.redisConfig, { additionalRedisConfig: "sysmanage-redis-config" });
        // The exporter sidecar: Guaranteed memory (its OOM restarts only itself), as written out here.
        assert.deepEqual(s.redisExporter.resources, { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "64Mi" } });
    });

    it("a rotation: the keepers reach the password, the annotations the RedisCluster (which the operator copies onto its pod templates)", async () => {
        const { component, children } = await construct(RedisCluster, "redis", () => ({
            ...args(),
            passwordKeepers: { credentialsVersion: "2" },
            podAnnotations: { "sysmanage.io/redis-credentials-version": "2" },
        }));
        assert.deepEqual(named(children, "redis-password").inputs, { length: 40, special: false, keepers: { credentialsVersion: "2" } });
        assert.deepEqual(named(children, "redis-cluster").inputs.metadata.annotations, {
            "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "config",
            "sysmanage.io/redis-credentials-version": "2",
        });
        assert.equal(component.passwordSecretName, "sysmanage-redis-auth");
    });

    it("the PodMonitor scrapes the exporter sidecars of the leaders and followers, after the cluster", async () => {
        const { children } = await construct(RedisCluster, "redis", args);
        assert.deepEqual(named(children, "redis-monitor"), {
            type: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
            name: "redis-monitor",
            inputs: {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PodMonitor",
                metadata: {
                    name: "sysmanage-redis-metrics",
                    namespace: "sysmanage-test",
                    labels: { ...labels, release: "kube-prometheus-stack" },
                },
                spec: {
                    selector: {
                        matchLabels: { redis_setup_type: "cluster" },
                        matchExpressions: [{ key: "app", operator: "In", values: ["sysmanage-redis-leader", "sysmanage-redis-follower"] }],
                    },
                    podMetricsEndpoints: [{ port: "redis-exporter", path: "/metrics", interval: "15s" }],
                },
            },
            options: { parent: "redis", dependsOn: ["redis-cluster"], ignoreChanges: [] },
        });
    });
});
