import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterPreStop, redisClusterPods } from "../../../../policies/lib/operatorPods/redis";

const RESTRICTED = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
};
const minimal = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
    apiVersion: "redis.redis.opstreelabs.in/v1beta2",
    kind: "RedisCluster",
    metadata: { name: "cache", namespace: "ns", labels: { tier: "cache" }, ...metadata },
    spec: {
        clusterSize: 3,
        kubernetesConfig: {
            image: "quay.io/opstree/redis:v7.0.15",
            imagePullPolicy: "IfNotPresent",
            redisSecret: { name: "auth", key: "password" },
            resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
        },
        redisExporter: { enabled: true, image: "quay.io/opstree/redis-exporter:v1.44.0" },
        persistenceEnabled: true,
        storage: { nodeConfVolume: true, volumeClaimTemplate: { spec: { resources: { requests: { storage: "5Gi" } } } } },
        podSecurityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
        redisLeader: { securityContext: RESTRICTED, redisConfig: { additionalRedisConfig: "cache-config" } },
        redisFollower: { securityContext: RESTRICTED, redisConfig: { additionalRedisConfig: "cache-config" } },
        ...spec,
    },
});

const PASSWORD = { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "auth", key: "password" } } };
const CHECK = 'RESP="$(redis-cli -h $(hostname) -p ${REDIS_PORT} -a ${REDIS_PASSWORD} ping)"\n[ "$RESP" = "PONG" ]';
const probe = { exec: { command: ["sh", "-ec", CHECK] } };
const redisContainer = (role: string) => ({
    name: `cache-${role}`,
    image: "quay.io/opstree/redis:v7.0.15",
    imagePullPolicy: "IfNotPresent",
    securityContext: RESTRICTED,
    env: [
        { name: "PERSISTENCE_ENABLED", value: "true" },
        { name: "REDIS_ADDR", value: "redis://localhost:6379" },
        { name: "REDIS_MAJOR_VERSION", value: "v7" },
        PASSWORD,
        { name: "REDIS_PORT", value: "6379" },
        { name: "SERVER_MODE", value: "cluster" },
        { name: "SETUP_MODE", value: "cluster" },
    ],
    readinessProbe: probe,
    livenessProbe: probe,
    volumeMounts: [
        { name: "node-conf", mountPath: "/node-conf" },
        { name: `cache-${role}`, mountPath: "/data" },
        { name: "external-config", mountPath: "/etc/redis/external.conf.d" },
    ],
    lifecycle: { preStop: { exec: { command: ["sh", "-c", clusterPreStop(true, false)] } } },
    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
});
const exporter = (securityContext?: object) => ({
    name: "redis-exporter",
    image: "quay.io/opstree/redis-exporter:v1.44.0",
    env: [{ name: "REDIS_ADDR", value: "redis://localhost:6379" }, { name: "REDIS_EXPORTER_WEB_LISTEN_ADDRESS", value: ":9121" }, PASSWORD],
    ports: [{ name: "redis-exporter", containerPort: 9121, protocol: "TCP" }],
    ...(securityContext ? { securityContext } : {}),
    resources: {},
});

describe("redisClusterPods", () => {
    test("minimal cluster: one pod per role; the exporter gets no securityContext when the spec sets none", () => {
        const pods = redisClusterPods(minimal());
        assert.deepEqual(
            pods.map((p) => p.desc),
            [
                "leader pods of RedisCluster ns/cache (StatefulSet cache-leader, redis-operator v0.26.0)",
                "follower pods of RedisCluster ns/cache (StatefulSet cache-follower, redis-operator v0.26.0)",
            ],
        );
        for (const [i, role] of ["leader", "follower"].entries()) {
            assert.deepEqual(pods[i].spec.containers, [redisContainer(role), exporter()]);
            assert.equal(pods[i].spec.initContainers, undefined);
            assert.equal(pods[i].namespace, "ns");
        }
    });
    test("the exporter's securityContext is copied as is", () => {
        const [leader] = redisClusterPods(
            minimal({ redisExporter: { enabled: true, image: "quay.io/opstree/redis-exporter:v1.44.0", securityContext: RESTRICTED } }),
        );
        assert.deepEqual(leader.spec.containers, [redisContainer("leader"), exporter(RESTRICTED)]);
    });
    test("pod spec: pod securityContext, claim volumes of pod 0, config volumes; no service account set", () => {
        const [leader] = redisClusterPods(minimal());
        const { containers: _c, ...rest } = leader.spec;
        assert.deepEqual(rest, {
            securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
            volumes: [
                { name: "node-conf", persistentVolumeClaim: { claimName: "node-conf-cache-leader-0" } },
                { name: "cache-leader", persistentVolumeClaim: { claimName: "cache-leader-cache-leader-0" } },
                { name: "config", emptyDir: {} },
                { name: "external-config", configMap: { name: "cache-config" } },
            ],
        });
        const sa = redisClusterPods(minimal({ serviceAccountName: "cache" }))[0].spec;
        assert.equal(sa.serviceAccountName, "cache");
        assert.equal(sa.automountServiceAccountToken, undefined);
    });
    test("labels and annotations the operator sets", () => {
        const cr = minimal(
            { kubernetesConfig: { image: "r", ignoreAnnotations: ["skip"] } },
            {
                annotations: { note: "x", skip: "y", "kubectl.kubernetes.io/last-applied-configuration": "{}" },
            },
        );
        const [leader, follower] = redisClusterPods(cr);
        assert.deepEqual(leader.labels, {
            app: "cache-leader",
            redis_setup_type: "cluster",
            role: "leader",
            tier: "cache",
            cluster: "cache",
        });
        assert.deepEqual(follower.labels.role, "follower");
        assert.deepEqual(leader.annotations, { "redis.opstreelabs.in": "true", "redis.opstreelabs.instance": "cache", note: "x" });
        assert.equal(
            leader.source,
            "redis-operator v0.26.0 internal/k8sutils/redis-cluster.go, internal/k8sutils/statefulset.go, internal/k8sutils/labels.go",
        );
    });
    test("a role with 0 replicas runs no pod; no exporter when disabled", () => {
        const pods = redisClusterPods(minimal({ redisFollower: { replicas: 0 }, redisExporter: { enabled: false, image: "e" } }));
        assert.deepEqual(
            pods.map((p) => p.spec.containers.map((c: { name: string }) => c.name)),
            [["cache-leader"]],
        );
        assert.deepEqual(redisClusterPods(minimal({ clusterSize: 0 })), []);
    });
    test("role resources, maxmemory, user probe, env, NodePort, hostPort", () => {
        const [leader] = redisClusterPods(
            minimal({
                redisConfig: { maxMemoryPercentOfLimit: 50 },
                env: [{ name: "A_FIRST", value: "1" }],
                hostPort: 6379,
                kubernetesConfig: { image: "r", service: { serviceType: "NodePort" } },
                redisLeader: {
                    resources: { limits: { memory: "1Gi" } },
                    readinessProbe: { periodSeconds: 5 },
                    livenessProbe: { tcpSocket: { port: 6379 } },
                },
            }),
        );
        const c = leader.spec.containers[0];
        assert.deepEqual(
            c.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
            [
                ["A_FIRST", "1"],
                ["HOST_IP", undefined],
                ["NODEPORT", "true"],
                ["PERSISTENCE_ENABLED", "true"],
                ["REDIS_ADDR", "redis://localhost:6379"],
                ["REDIS_MAJOR_VERSION", "v7"],
                ["REDIS_MAX_MEMORY", "536870912"],
                ["REDIS_PORT", "6379"],
                ["SERVER_MODE", "cluster"],
                ["SETUP_MODE", "cluster"],
            ],
        );
        assert.deepEqual(c.readinessProbe, {
            periodSeconds: 5,
            exec: { command: ["sh", "-ec", CHECK.replace(" -a ${REDIS_PASSWORD}", "")] },
        });
        assert.deepEqual(c.livenessProbe, { tcpSocket: { port: 6379 } });
        assert.deepEqual(c.ports, [{ hostPort: 6379, containerPort: 6379 }]);
        assert.deepEqual(c.resources, { limits: { memory: "1Gi" } });
        assert.equal(c.securityContext, undefined);
    });
    test("TLS and ACL: env, mounts and volumes of the redis container and the exporter", () => {
        const tls = { ca: "ca.pem", secret: { secretName: "tls" } };
        const [leader] = redisClusterPods(minimal({ TLS: tls, acl: { secret: { secretName: "acl" } }, storage: undefined }));
        const [redis, ex] = leader.spec.containers;
        const names = (xs: { name: string }[]) => xs.map((x) => x.name);
        assert.deepEqual(names(redis.env), [
            "ACL_FILE_PATH",
            "ACL_MODE",
            "REDIS_ADDR",
            "REDIS_MAJOR_VERSION",
            "REDIS_PASSWORD",
            "REDIS_PORT",
            "REDIS_TLS_CA_CERT",
            "REDIS_TLS_CERT",
            "REDIS_TLS_CERT_KEY",
            "SERVER_MODE",
            "SETUP_MODE",
            "TLS_MODE",
        ]);
        assert.deepEqual(redis.volumeMounts, [
            { name: "tls-certs", readOnly: true, mountPath: "/tls" },
            { name: "acl-secret", mountPath: "/etc/redis/user.acl", subPath: "user.acl" },
            { name: "external-config", mountPath: "/etc/redis/external.conf.d" },
        ]);
        assert.deepEqual(ex.env, [
            { name: "REDIS_ADDR", value: "rediss://localhost:6379" },
            { name: "REDIS_EXPORTER_SKIP_TLS_VERIFICATION", value: "true" },
            { name: "REDIS_EXPORTER_TLS_CA_CERT_FILE", value: "/tls/ca.pem" },
            { name: "REDIS_EXPORTER_TLS_CLIENT_CERT_FILE", value: "/tls/tls.crt" },
            { name: "REDIS_EXPORTER_TLS_CLIENT_KEY_FILE", value: "/tls/tls.key" },
            { name: "REDIS_EXPORTER_WEB_LISTEN_ADDRESS", value: ":9121" },
            PASSWORD,
        ]);
        assert.deepEqual(ex.volumeMounts, redis.volumeMounts.slice(0, 2));
        assert.deepEqual(names(leader.spec.volumes), ["config", "external-config", "tls-certs", "acl-secret"]);
        assert.ok(redis.lifecycle.preStop.exec.command[2].includes('--tls --cert "${REDIS_TLS_CERT}"'));
    });
    test("init container and sidecars as the spec gives them", () => {
        const [leader] = redisClusterPods(
            minimal({
                initContainer: { enabled: true, image: "busybox:1.36", command: ["sh", "-c", "true"], securityContext: RESTRICTED },
                sidecars: [{ name: "side", image: "side:1", env: [{ name: "X", value: "1" }] }],
            }),
        );
        assert.deepEqual(leader.spec.initContainers, [
            {
                name: "initcache-leader",
                image: "busybox:1.36",
                command: ["sh", "-c", "true"],
                volumeMounts: [{ name: "cache-leader", mountPath: "/data" }],
                securityContext: RESTRICTED,
                resources: {},
            },
        ]);
        assert.deepEqual(leader.spec.containers[2], { name: "side", image: "side:1", resources: {}, env: [{ name: "X", value: "1" }] });
    });
});
