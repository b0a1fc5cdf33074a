/** PostgresCluster: a CloudNativePG Cluster, its admin role, backups and PodMonitor, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PostgresCluster, type PostgresClusterArgs } from "../../../../components/data/postgresCluster";
import { construct, MOCK_PASSWORD, named, stub, typesAndNames, valueOf } from "../../../support/components";

const labels = { "app.kubernetes.io/component": "database", "app.kubernetes.io/part-of": "sysmanage" };
const plan: PostgresClusterArgs["plan"] = {
    name: "sysmanage-pg",
    instances: 3,
    parameters: { max_connections: "200" },
    cpu: "2",
    memory: "4Gi",
    storageSize: "50Gi",
    walStorageSize: "10Gi",
    memoryModel: { activeBackends: 38, nodesPerQuery: 2 },
};
const backup = { destinationPath: "s3://backups/test", endpointURL: "", credentialsSecret: "pg-backup-creds", retentionPolicy: "30d" };
const scraping = { monitorLabels: { release: "kube-prometheus-stack" }, scrapeInterval: "15s" };
const main = (): PostgresClusterArgs => ({
    namespace: "sysmanage-test",
    plan,
    image: "ghcr.io/cloudnative-pg/postgresql:17.5",
    storageClass: "gp3",
    zones: 3,
    labels,
    backup,
    backupSchedule: "0 0 3 * * *",
    adminRole: { name: "sysmanage_admin", passwordSecret: "sysmanage-pg-admin", inRoles: ["sysmanage_owner"] },
    bootstrap: { initdb: { database: "sysmanage", owner: "sysmanage_owner" } },
    operatorReady: [stub("data-operators-cnpg")],
    scraping,
});
const s3Credentials = {
    accessKeyId: { name: "pg-backup-creds", key: "ACCESS_KEY_ID" },
    secretAccessKey: { name: "pg-backup-creds", key: "ACCESS_SECRET_KEY" },
};

describe("PostgresCluster", () => {
    it("the main cluster: its admin role's password and Secret, the Cluster, a daily ScheduledBackup and a PodMonitor", async () => {
        const { self, children } = await construct(PostgresCluster, "postgres", main);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:data:PostgresCluster", "postgres"]]);
        assert.deepEqual(typesAndNames(children), [
            ["random:index/randomPassword:RandomPassword", "postgres-admin-password"],
            ["kubernetes:core/v1:Secret", "postgres-admin-secret"],
            ["kubernetes:postgresql.cnpg.io/v1:Cluster", "postgres-cluster"],
            ["kubernetes:postgresql.cnpg.io/v1:ScheduledBackup", "postgres-scheduled-backup"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "postgres-monitor"],
        ]);
    });

    it("the Cluster waits for the operator and the admin Secret, and counts as created once Ready", async () => {
        const { children } = await construct(PostgresCluster, "postgres", main);
        const cluster = named(children, "postgres-cluster");
        assert.deepEqual(cluster.options, {
            parent: "postgres",
            dependsOn: ["data-operators-cnpg", "postgres-admin-secret"],
            ignoreChanges: [],
        });
        const podLabels = { "cnpg.io/cluster": "sysmanage-pg" };
        assert.deepEqual(cluster.inputs, {
            apiVersion: "postgresql.cnpg.io/v1",
            kind: "Cluster",
            metadata: {
                name: "sysmanage-pg",
                namespace: "sysmanage-test",
                labels,
                annotations: {
                    "pulumi.com/waitFor": "condition=Ready",
                    "pulumi.com/timeoutSeconds": "1800",
                    "sysmanage.io/active-backends": "38",
                    "sysmanage.io/query-memory-nodes": "2",
                },
            },
            spec: {
                instances: 3,
                imageName: "ghcr.io/cloudnative-pg/postgresql:17.5",
                primaryUpdateStrategy: "unsupervised",
                enableSuperuserAccess: false,
                enablePDB: true,
                inheritedMetadata: {
                    labels,
                    annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "scratch-data,shm" },
                },
                postgresql: { parameters: { max_connections: "200" } },
                resources: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } },
                storage: { size: "50Gi", storageClass: "gp3" },
                walStorage: { size: "10Gi", storageClass: "gp3" },
                affinity: { enablePodAntiAffinity: true, podAntiAffinityType: "required", topologyKey: "kubernetes.io/hostname" },
                topologySpreadConstraints: [
                    {
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        whenUnsatisfiable: "DoNotSchedule",
                        labelSelector: { matchLabels: podLabels },
                    },
                ],
                priorityClassName: "sysmanage-data",
                managed: {
                    roles: [
                        {
                            name: "sysmanage_admin",
                            ensure: "present",
                            login: true,
                            superuser: false,
                            createrole: true,
                            inRoles: ["sysmanage_owner"],
                            passwordSecret: { name: "sysmanage-pg-admin" },
                            comment: "role management by the deployer (@pulumi/postgresql)",
                        },
                    ],
                },
                bootstrap: { initdb: { database: "sysmanage", owner: "sysmanage_owner", dataChecksums: true } },
                backup: {
                    retentionPolicy: "30d",
                    barmanObjectStore: {
                        destinationPath: "s3://backups/test",
                        s3Credentials,
                        wal: { compression: "gzip", maxParallel: 4 },
                        data: { compression: "gzip" },
                    },
                },
            },
        });
    });

    it("the admin role's generated password reaches the operator through a reloaded basic-auth Secret, and the component's output", async () => {
        const { component, children } = await construct(PostgresCluster, "postgres", main);
        const child = { parent: "postgres", dependsOn: [], ignoreChanges: [] };
        assert.deepEqual(named(children, "postgres-admin-password"), {
            type: "random:index/randomPassword:RandomPassword",
            name: "postgres-admin-password",
            inputs: { length: 40, special: false },
            options: child,
        });
        assert.deepEqual(named(children, "postgres-admin-secret"), {
            type: "kubernetes:core/v1:Secret",
            name: "postgres-admin-secret",
            inputs: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "sysmanage-pg-admin", namespace: "sysmanage-test", labels: { ...labels, "cnpg.io/reload": "true" } },
                type: "kubernetes.io/basic-auth",
                stringData: { username: "sysmanage_admin", password: MOCK_PASSWORD },
            },
            options: child,
        });
        assert.equal(await valueOf(component.adminPassword!), MOCK_PASSWORD);
        assert.equal(component.clusterName, "sysmanage-pg");
    });

    it("the ScheduledBackup and PodMonitor follow the Cluster; the backup is replaced when its cluster changes (immutable)", async () => {
        const { children } = await construct(PostgresCluster, "postgres", main);
        assert.deepEqual(named(children, "postgres-scheduled-backup"), {
            type: "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
            name: "postgres-scheduled-backup",
            inputs: {
                apiVersion: "postgresql.cnpg.io/v1",
                kind: "ScheduledBackup",
                metadata: { name: "sysmanage-pg-daily", namespace: "sysmanage-test", labels },
                spec: {
                    schedule: "0 0 3 * * *",
                    cluster: { name: "sysmanage-pg" },
                    method: "barmanObjectStore",
                    backupOwnerReference: "self",
                    immediate: true,
                },
            },
            options: { parent: "postgres", dependsOn: ["postgres-cluster"], ignoreChanges: [], replaceOnChanges: ["spec.cluster"] },
        });
        assert.deepEqual(named(children, "postgres-monitor"), {
            type: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
            name: "postgres-monitor",
            inputs: {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PodMonitor",
                metadata: {
                    name: "sysmanage-pg-metrics",
                    namespace: "sysmanage-test",
                    labels: { ...labels, release: "kube-prometheus-stack" },
                },
                spec: {
                    selector: { matchLabels: { "cnpg.io/cluster": "sysmanage-pg", "cnpg.io/podRole": "instance" } },
                    podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "15s" }],
                },
            },
            options: { parent: "postgres", dependsOn: ["postgres-cluster"], ignoreChanges: [] },
        });
    });

    it("a replica cluster follows the main one (streaming, WAL archive fallback) and schedules no backup of its own", async () => {
        const { component, children } = await construct(PostgresCluster, "postgres-analytics", () => ({
            ...main(),
            plan: { ...plan, name: "sysmanage-pg-analytics", instances: 1 },
            adminRole: undefined,
            backupSchedule: undefined,
            bootstrap: { replicaOf: "sysmanage-pg", database: "sysmanage", owner: "sysmanage_owner" },
            dependsOn: [stub("postgres-cluster")],
        }));
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:postgresql.cnpg.io/v1:Cluster", "postgres-analytics-cluster"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "postgres-analytics-monitor"],
        ]);
        const cluster = named(children, "postgres-analytics-cluster");
        assert.deepEqual(cluster.options.dependsOn, ["data-operators-cnpg", "postgres-cluster"]);
        const { bootstrap, replica, externalClusters, enablePDB, managed } = cluster.inputs.spec;
        assert.deepEqual(
            { bootstrap, replica, externalClusters, enablePDB, managed },
            {
                bootstrap: { pg_basebackup: { source: "sysmanage-pg", database: "sysmanage", owner: "sysmanage_owner" } },
                replica: { enabled: true, source: "sysmanage-pg" },
                externalClusters: [
                    {
                        name: "sysmanage-pg",
                        connectionParameters: {
                            host: "sysmanage-pg-rw",
                            user: "streaming_replica",
                            sslmode: "verify-full",
                            dbname: "postgres",
                        },
                        sslKey: { name: "sysmanage-pg-replication", key: "tls.key" },
                        sslCert: { name: "sysmanage-pg-replication", key: "tls.crt" },
                        sslRootCert: { name: "sysmanage-pg-ca", key: "ca.crt" },
                        barmanObjectStore: {
                            destinationPath: "s3://backups/test",
                            serverName: "sysmanage-pg",
                            s3Credentials,
                            wal: { compression: "gzip", maxParallel: 4 },
                            data: { compression: "gzip" },
                        },
                    },
                ],
                // A lone instance: the operator's PDB would block every node drain.
                enablePDB: false,
                managed: undefined,
            },
        );
        assert.equal(cluster.inputs.spec.backup, undefined);
        assert.equal(component.adminPassword, undefined);
    });

    it("backups without a schedule: the Cluster archives, nothing is scheduled", async () => {
        const { children } = await construct(PostgresCluster, "postgres", () => ({
            ...main(),
            backupSchedule: undefined,
            adminRole: undefined,
        }));
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:postgresql.cnpg.io/v1:Cluster", "postgres-cluster"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "postgres-monitor"],
        ]);
        assert.equal(named(children, "postgres-cluster").inputs.spec.backup.retentionPolicy, "30d");
    });
});
