import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cnpgClusterPods, cnpgInstancePod, cnpgPoolerPods } from "../../../../policies/lib/operatorPods/cnpg";

const RESTRICTED = {
    capabilities: { drop: ["ALL"] },
    privileged: false,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    seccompProfile: { type: "RuntimeDefault" },
};
const MOUNTS = [
    { name: "pgdata", mountPath: "/var/lib/postgresql/data" },
    { name: "scratch-data", mountPath: "/run" },
    { name: "scratch-data", mountPath: "/controller" },
    { name: "shm", mountPath: "/dev/shm" },
];
const minimalCluster = (spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: { name: "pg", namespace: "db", ...metadata },
    spec: { instances: 1, storage: { size: "1Gi" }, ...spec },
});

describe("cnpgClusterPods (CloudNativePG 1.30.0 instance pods)", () => {
    test("a minimal Cluster: one primary pod, default 18.4 image, operator init container, restricted security contexts", () => {
        const pods = cnpgClusterPods(minimalCluster());
        assert.equal(pods.length, 1);
        const [p] = pods;
        assert.equal(p.desc, "primary instance pod (pg-1) of Cluster db/pg");
        assert.equal(p.namespace, "db");
        assert.deepEqual(p.labels, {
            "cnpg.io/cluster": "pg",
            "cnpg.io/instanceName": "pg-1",
            "cnpg.io/podRole": "instance",
            "app.kubernetes.io/name": "postgresql",
            "app.kubernetes.io/instance": "pg",
            "app.kubernetes.io/version": "18",
            "app.kubernetes.io/component": "database",
            "app.kubernetes.io/managed-by": "cloudnative-pg",
            role: "primary",
            "cnpg.io/instanceRole": "primary",
        });
        assert.deepEqual(Object.keys(p.annotations).sort(), [
            "cnpg.io/nodeSerial",
            "cnpg.io/operatorVersion",
            "cnpg.io/podEnvHash",
            "cnpg.io/podSpec",
        ]);
        assert.equal(p.annotations["cnpg.io/operatorVersion"], "1.30.0");
        assert.deepEqual(JSON.parse(p.annotations["cnpg.io/podSpec"]), p.spec);
        assert.equal(p.spec.automountServiceAccountToken, undefined); // the token is mounted (Kubernetes default)
        const httpGet = (path: string) => ({ path, port: 8000, scheme: "HTTPS" });
        assert.deepEqual(p.spec, {
            hostname: "pg-1",
            initContainers: [
                {
                    name: "bootstrap-controller",
                    image: "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0",
                    command: ["/manager", "bootstrap", "/controller/manager", "--log-level=info"],
                    resources: {},
                    volumeMounts: MOUNTS,
                    securityContext: RESTRICTED,
                },
            ],
            containers: [
                {
                    name: "postgres",
                    image: "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie",
                    command: ["/controller/manager", "instance", "run", "--status-port-tls", "--log-level=info"],
                    ports: [
                        { name: "postgresql", containerPort: 5432, protocol: "TCP" },
                        { name: "metrics", containerPort: 9187, protocol: "TCP" },
                        { name: "status", containerPort: 8000, protocol: "TCP" },
                    ],
                    env: [
                        { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                        { name: "POD_NAME", value: "pg-1" },
                        { name: "NAMESPACE", value: "db" },
                        { name: "CLUSTER_NAME", value: "pg" },
                        { name: "PSQL_HISTORY", value: "/controller/tmp/.psql_history" },
                        { name: "PGPORT", value: "5432" },
                        { name: "PGHOST", value: "/controller/run" },
                        { name: "TMPDIR", value: "/controller/tmp" },
                    ],
                    resources: {},
                    volumeMounts: MOUNTS,
                    livenessProbe: { httpGet: httpGet("/healthz"), periodSeconds: 10, timeoutSeconds: 5 },
                    readinessProbe: { httpGet: httpGet("/readyz"), periodSeconds: 10, timeoutSeconds: 5 },
                    startupProbe: { httpGet: httpGet("/startupz"), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 360 },
                    securityContext: RESTRICTED,
                },
            ],
            volumes: [
                { name: "pgdata", persistentVolumeClaim: { claimName: "pg-1" } },
                { name: "scratch-data", emptyDir: {} },
                { name: "shm", emptyDir: { medium: "Memory" } },
            ],
            securityContext: { runAsUser: 26, runAsGroup: 26, runAsNonRoot: true, fsGroup: 26, seccompProfile: { type: "RuntimeDefault" } },
            affinity: {
                podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                        {
                            weight: 100,
                            podAffinityTerm: {
                                labelSelector: {
                                    matchExpressions: [
                                        { key: "cnpg.io/cluster", operator: "In", values: ["pg"] },
                                        { key: "cnpg.io/podRole", operator: "In", values: ["instance"] },
                                    ],
                                },
                                topologyKey: "kubernetes.io/hostname",
                            },
                        },
                    ],
                },
            },
            serviceAccountName: "pg",
            terminationGracePeriodSeconds: 1800,
        });
    });

    test("replicas share the spec; resources, image, WAL volume and size limits come from the Cluster", () => {
        const res = { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } };
        const pods = cnpgClusterPods(
            minimalCluster({
                instances: 3,
                imageName: "ghcr.io/cloudnative-pg/postgresql:17.6",
                resources: res,
                walStorage: { size: "2Gi" },
                ephemeralVolumesSizeLimit: { shm: "256Mi", temporaryData: "1Gi" },
            }),
        );
        assert.deepEqual(
            pods.map((p) => [p.desc, p.labels.role, p.labels["cnpg.io/instanceRole"], p.labels["app.kubernetes.io/version"]]),
            [
                ["primary instance pod (pg-1) of Cluster db/pg", "primary", "primary", "17"],
                ["replica instance pods (2) of Cluster db/pg", "replica", "replica", "17"],
            ],
        );
        const spec = pods[1].spec;
        assert.equal(spec.containers[0].image, "ghcr.io/cloudnative-pg/postgresql:17.6");
        assert.deepEqual(spec.containers[0].resources, res);
        assert.deepEqual(spec.initContainers[0].resources, res);
        assert.deepEqual(spec.volumes, [
            { name: "pgdata", persistentVolumeClaim: { claimName: "pg-2" } },
            { name: "scratch-data", emptyDir: { sizeLimit: "1Gi" } },
            { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } },
            { name: "pg-wal", persistentVolumeClaim: { claimName: "pg-2-wal" } },
        ]);
        assert.deepEqual(spec.containers[0].volumeMounts.at(-1), { name: "pg-wal", mountPath: "/var/lib/postgresql/wal" });
    });

    test("inheritedMetadata labels override the operator's (app.kubernetes.io/instance, managed-by); role labels come last", () => {
        const [p] = cnpgClusterPods(
            minimalCluster({
                inheritedMetadata: {
                    labels: { "app.kubernetes.io/instance": "dev", "app.kubernetes.io/managed-by": "pulumi", team: "db" },
                    annotations: { owner: "x" },
                },
            }),
        );
        assert.equal(p.labels["app.kubernetes.io/instance"], "dev");
        assert.equal(p.labels["app.kubernetes.io/managed-by"], "pulumi");
        assert.equal(p.labels.team, "db");
        assert.equal(p.labels["cnpg.io/instanceRole"], "primary");
        assert.equal(p.annotations.owner, "x");
    });

    test("spec.securityContext is completed from the restricted default; spec.podSecurityContext only gets uid/gid/seccomp", () => {
        const [p] = cnpgClusterPods(
            minimalCluster({
                seccompProfile: { type: "Localhost", localhostProfile: "pg.json" },
                securityContext: { readOnlyRootFilesystem: false, runAsUser: 1000 },
                podSecurityContext: { fsGroupChangePolicy: "OnRootMismatch" },
            }),
        );
        const expected = {
            readOnlyRootFilesystem: false,
            runAsUser: 1000,
            seccompProfile: { type: "Localhost", localhostProfile: "pg.json" },
            capabilities: { drop: ["ALL"] },
            privileged: false,
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
        };
        assert.deepEqual(p.spec.containers[0].securityContext, expected);
        assert.deepEqual(p.spec.initContainers[0].securityContext, expected);
        assert.deepEqual(p.spec.securityContext, {
            fsGroupChangePolicy: "OnRootMismatch",
            runAsUser: 26,
            runAsGroup: 26,
            seccompProfile: { type: "Localhost", localhostProfile: "pg.json" },
        }); // no runAsNonRoot, no fsGroup: upstream does not fill them in
    });

    test("the cnpg.io/podPatch annotation is applied to the pod; a patch that does not apply is reported", () => {
        const patch =
            '[{"op":"add","path":"/spec/containers/0/env/-","value":{"name":"TZ","value":"UTC"}},{"op":"replace","path":"/spec/terminationGracePeriodSeconds","value":60}]';
        const [p] = cnpgClusterPods(minimalCluster({}, { annotations: { "cnpg.io/podPatch": patch } }));
        assert.deepEqual(p.spec.containers[0].env.at(-1), { name: "TZ", value: "UTC" });
        assert.equal(p.spec.terminationGracePeriodSeconds, 60);
        const bad = cnpgInstancePod(
            minimalCluster({}, { annotations: { "cnpg.io/podPatch": '[{"op":"replace","path":"/spec/nope","value":1}]' } }),
            1,
        );
        assert.equal(
            bad.error,
            'while applying JSON patch from annotation: replace operation does not apply: doc is missing key: "/spec/nope"',
        );
    });
});

describe("cnpgPoolerPods (CloudNativePG 1.30.0 pgbouncer pods)", () => {
    const pooler = (template?: unknown, extra: Record<string, unknown> = {}) => ({
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Pooler",
        metadata: { name: "pg-pooler-rw", namespace: "db" },
        spec: {
            cluster: { name: "pg" },
            instances: 2,
            type: "rw",
            pgbouncer: { poolMode: "transaction" },
            ...(template ? { template } : {}),
            ...extra,
        },
    });

    test("a minimal Pooler: default pgbouncer 1.25.1 image with no resources, operator init container, uid 998", () => {
        const pods = cnpgPoolerPods(pooler());
        assert.equal(pods.length, 1);
        const [p] = pods;
        assert.equal(p.desc, "pods of Pooler db/pg-pooler-rw (Deployment db/pg-pooler-rw, 2 replicas)");
        assert.deepEqual(p.labels, {
            "cnpg.io/poolerName": "pg-pooler-rw",
            "cnpg.io/cluster": "pg",
            "cnpg.io/podRole": "pooler",
            "app.kubernetes.io/name": "postgresql",
            "app.kubernetes.io/instance": "pg",
            "app.kubernetes.io/component": "pooler",
            "app.kubernetes.io/managed-by": "cloudnative-pg",
        });
        assert.deepEqual(p.annotations, {});
        assert.equal(p.spec.containers[0].resources, undefined); // BestEffort unless the template sets them
        assert.deepEqual(p.spec, {
            volumes: [
                { name: "ca", secret: { secretName: "pg-ca" } },
                { name: "server-tls", secret: { secretName: "pg-server" } },
                { name: "scratch-data", emptyDir: {} },
            ],
            securityContext: {
                runAsNonRoot: true,
                runAsUser: 998,
                runAsGroup: 996,
                fsGroup: 996,
                seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
                {
                    name: "pgbouncer",
                    image: "ghcr.io/cloudnative-pg/pgbouncer:1.25.1",
                    command: ["/controller/manager", "pgbouncer", "run"],
                    ports: [
                        { name: "pgbouncer", containerPort: 5432 },
                        { name: "metrics", containerPort: 9127 },
                    ],
                    volumeMounts: [{ name: "scratch-data", mountPath: "/controller" }],
                    env: [
                        { name: "NAMESPACE", value: "db" },
                        { name: "POOLER_NAME", value: "pg-pooler-rw" },
                        { name: "PGUSER", value: "pgbouncer" },
                        { name: "PGDATABASE", value: "pgbouncer" },
                        { name: "PGHOST", value: "/controller/run" },
                        { name: "PSQL_HISTORY", value: "/controller/tmp/.psql_history" },
                        { name: "METRICS_PORT_TLS", value: "false" },
                    ],
                    securityContext: RESTRICTED,
                    readinessProbe: { timeoutSeconds: 5, tcpSocket: { port: 5432 } },
                },
            ],
            initContainers: [
                {
                    name: "bootstrap-controller",
                    image: "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0",
                    command: ["/manager", "bootstrap", "/controller/manager"],
                    resources: {},
                    securityContext: RESTRICTED,
                    volumeMounts: [{ name: "scratch-data", mountPath: "/controller" }],
                },
            ],
            serviceAccountName: "pg-pooler-rw",
        });
    });

    test("a pgbouncer container in the template keeps its image and resources; its securityContext is replaced", () => {
        const res = { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } };
        const [p] = cnpgPoolerPods(
            pooler(
                {
                    metadata: { labels: { team: "db", "app.kubernetes.io/managed-by": "pulumi" }, annotations: { a: "b" } },
                    spec: {
                        resources: { requests: { cpu: "200m" } },
                        containers: [
                            {
                                name: "pgbouncer",
                                image: "example.com/pgbouncer:1.24",
                                resources: res,
                                securityContext: { privileged: true },
                                env: [{ name: "PGUSER", value: "me" }],
                            },
                        ],
                        automountServiceAccountToken: false,
                    },
                },
                { pgbouncer: { poolMode: "session", image: "ignored/pgbouncer:9" }, serviceAccountName: "pooler-sa" },
            ),
        );
        const c = p.spec.containers[0];
        assert.equal(c.image, "example.com/pgbouncer:1.24");
        assert.deepEqual(c.resources, res);
        assert.deepEqual(c.securityContext, RESTRICTED);
        assert.deepEqual(c.env.slice(0, 3), [
            { name: "PGUSER", value: "me" },
            { name: "NAMESPACE", value: "db" },
            { name: "POOLER_NAME", value: "pg-pooler-rw" },
        ]);
        assert.deepEqual(p.spec.initContainers[0].resources, { requests: { cpu: "200m" } }); // pod-level resources
        assert.equal(p.spec.automountServiceAccountToken, false);
        assert.equal(p.spec.serviceAccountName, "pooler-sa");
        assert.equal(p.labels.team, "db");
        assert.equal(p.labels["app.kubernetes.io/managed-by"], "cloudnative-pg"); // the operator's labels win in the pooler template
        assert.deepEqual(p.annotations, { a: "b" });
    });

    test("spec.pgbouncer.image applies when the template does not pin one; the Cluster supplies seccomp and CA secrets", () => {
        const cluster = minimalCluster({
            seccompProfile: { type: "Localhost", localhostProfile: "p.json" },
            certificates: { serverCASecret: "my-ca", serverTLSSecret: "my-tls" },
        });
        const [p] = cnpgPoolerPods(pooler({ spec: { containers: [] } }, { pgbouncer: { image: "example.com/pgbouncer:1.23" } }), cluster);
        assert.equal(p.spec.containers[0].image, "example.com/pgbouncer:1.23");
        assert.deepEqual(p.spec.securityContext.seccompProfile, { type: "Localhost", localhostProfile: "p.json" });
        assert.deepEqual(p.spec.containers[0].securityContext.seccompProfile, { type: "Localhost", localhostProfile: "p.json" });
        assert.deepEqual(p.spec.volumes.slice(0, 2), [
            { name: "ca", secret: { secretName: "my-ca" } },
            { name: "server-tls", secret: { secretName: "my-tls" } },
        ]);
    });
});
