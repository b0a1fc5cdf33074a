import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cnpg, cnpgWarnings } from "../../../admission/cnpg";
import { parsePgSize } from "../../../admission/cnpg/quantity";
import { robfigCronError } from "../../../admission/cnpg/cron";
import type { AdmissionContext, Manifest } from "../../../admission/types";

const ctx: AdmissionContext = { objects: [], namespaceLabels: () => undefined };
type Spec = Record<string, unknown>;

/** A valid three-instance Cluster, with the spec fields of `patch` replaced. */
function cluster(patch: Spec = {}, annotations?: Record<string, string>, name = "pg"): Manifest {
    return {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name, namespace: "db", ...(annotations ? { annotations } : {}) },
        spec: { instances: 3, imageName: "ghcr.io/cloudnative-pg/postgresql:17.6", storage: { size: "10Gi" }, ...patch },
    };
}
const params = (p: Record<string, string>, more: Spec = {}): Manifest => cluster({ postgresql: { parameters: p }, ...more });
const pooler = (spec: Spec, name = "pg-pooler-rw"): Manifest => ({
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Pooler",
    metadata: { name, namespace: "db" },
    spec: { cluster: { name: "pg" }, type: "rw", pgbouncer: { poolMode: "transaction" }, ...spec },
});
const scheduled = (spec: Spec): Manifest => ({
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "ScheduledBackup",
    metadata: { name: "daily", namespace: "db" },
    spec: { cluster: { name: "pg" }, schedule: "0 0 3 * * *", ...spec },
});
const src = { name: "src", connectionParameters: { host: "src-rw" } };
const s3 = { destinationPath: "s3://b/p", s3Credentials: { inheritFromIAMRole: true } };

/** [rule, path, message] of every violation. */
const found = (o: Manifest): [string, string, string][] => cnpg.check(o, ctx).map((v) => [v.rule, v.path, v.message]);

interface Case {
    readonly rule: string;
    readonly bad: Manifest;
    readonly expect: [string, string][];
    readonly good: Manifest;
}

const TOKEN = Buffer.from(
    JSON.stringify({
        latestCheckpointTimelineID: "1",
        redoWalFile: "000000010000000000000002",
        databaseSystemIdentifier: "7",
        latestCheckpointREDOLocation: "0/2000028",
        timeOfLatestCheckpoint: "Mon Jan 1 00:00:00 2024",
        operatorVersion: "1.30.0",
    }),
).toString("base64");

const CASES: Case[] = [
    {
        rule: "cnpg/cluster-bootstrap-app-database",
        bad: cluster({
            bootstrap: { initdb: { owner: "app", import: { type: "monolith", databases: ["*"], source: { externalCluster: "src" } } } },
        }),
        expect: [["spec.bootstrap.initdb.database", "You need to specify the database name"]],
        good: cluster({
            bootstrap: { initdb: { database: "x", import: { type: "monolith", databases: ["*"], source: { externalCluster: "src" } } } },
        }),
    },
    {
        rule: "cnpg/cluster-initdb-options",
        bad: cluster({ bootstrap: { initdb: { walSegmentSize: 3, postInitApplicationSQLRefs: { secretRefs: [{ name: "s" }] } } } }),
        expect: [
            ["spec.bootstrap.initdb.walSegmentSize", "walSegmentSize 3: WAL segment size must be a power of 2"],
            ["spec.bootstrap.initdb.postInitApplicationSQLRefs.secretRefs", "key and name must be specified"],
        ],
        good: cluster({
            bootstrap: { initdb: { walSegmentSize: 64, postInitApplicationSQLRefs: { secretRefs: [{ name: "s", key: "k" }] } } },
        }),
    },
    {
        rule: "cnpg/cluster-initdb-import",
        bad: cluster({
            bootstrap: { initdb: { import: { type: "microservice", databases: ["a", "b"], source: { externalCluster: "src" } } } },
        }),
        expect: [["spec.bootstrap.initdb.import.databases", "You need to specify a single database for the `microservice` import type"]],
        good: cluster({
            bootstrap: { initdb: { import: { type: "microservice", databases: ["a"], source: { externalCluster: "src" } } } },
        }),
    },
    {
        rule: "cnpg/cluster-bootstrap-single-method",
        bad: cluster({ bootstrap: { initdb: {}, pg_basebackup: { source: "src" } }, externalClusters: [src] }),
        expect: [["spec.bootstrap", "Only one bootstrap method can be specified at a time"]],
        good: cluster({ bootstrap: { pg_basebackup: { source: "src" } }, externalClusters: [src] }),
    },
    {
        rule: "cnpg/cluster-recovery-target",
        bad: cluster({
            bootstrap: { recovery: { source: "src", recoveryTarget: { targetXID: "123", targetTLI: "0" } } },
            externalClusters: [src],
        }),
        expect: [
            ["spec.bootstrap.recovery.recoveryTarget", "BackupID is missing"],
            ["spec.bootstrap.recovery.recoveryTarget.targetTLI", "recovery target timeline can be set to 'latest' or a positive integer"],
        ],
        good: cluster({
            bootstrap: { recovery: { source: "src", recoveryTarget: { targetXID: "123", backupID: "b1" } } },
            externalClusters: [src],
        }),
    },
    {
        rule: "cnpg/cluster-pg-basebackup-source",
        bad: cluster({ bootstrap: { pg_basebackup: { source: "missing" } }, externalClusters: [src] }),
        expect: [["spec.bootstrap.pg_basebackup.source", "External cluster missing not found"]],
        good: cluster({ bootstrap: { pg_basebackup: { source: "src" } }, externalClusters: [src] }),
    },
    {
        rule: "cnpg/cluster-recovery-source",
        bad: cluster({ bootstrap: { recovery: { source: "x" } } }),
        expect: [
            ["spec.bootstrap.recovery.source", "External cluster x not found"],
            [
                "spec.bootstrap.recovery.source",
                "External cluster x cannot be used for recovery: missing connection parameters, Barman, or CNPG-i configuration",
            ],
        ],
        good: cluster({ bootstrap: { recovery: { source: "src" } }, externalClusters: [src] }),
    },
    {
        rule: "cnpg/cluster-recovery-volume-snapshots",
        bad: cluster({ bootstrap: { recovery: { volumeSnapshots: { storage: { kind: "Deployment", name: "x" } } } } }),
        expect: [["spec.bootstrap.recovery.storage", "Only VolumeSnapshots and PersistentVolumeClaims are supported"]],
        good: cluster({
            bootstrap: {
                recovery: { volumeSnapshots: { storage: { apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "x" } } },
            },
        }),
    },
    {
        rule: "cnpg/cluster-superuser-secret",
        bad: cluster({ superuserSecret: {} }),
        expect: [["spec.superuserSecret.name", "Super user secret name can't be empty"]],
        good: cluster({ superuserSecret: { name: "su" } }),
    },
    {
        rule: "cnpg/cluster-certificates",
        bad: cluster({ certificates: { serverTLSSecret: "tls" } }),
        expect: [["spec.certificates.serverCASecret", "Server CA secret can't be empty when server TLS secret is provided"]],
        good: cluster({ certificates: { serverTLSSecret: "tls", serverCASecret: "ca" } }),
    },
    {
        rule: "cnpg/cluster-image-name",
        bad: cluster({ imageName: "ghcr.io/cloudnative-pg/postgresql:latest" }),
        expect: [
            ["spec.imageName", "ghcr.io/cloudnative-pg/postgresql:latest: Can't use 'latest' as image tag as we can't detect upgrades"],
        ],
        good: cluster({ imageName: "ghcr.io/cloudnative-pg/postgresql:17.6-system-bookworm@sha256:abc123" }),
    },
    {
        rule: "cnpg/cluster-image-pull-policy",
        bad: cluster({ imagePullPolicy: "Sometimes" }),
        expect: [
            ["spec.imagePullPolicy", "Sometimes: invalid imagePullPolicy, if defined must be one of 'Always', 'Never' or 'IfNotPresent'"],
        ],
        good: cluster({ imagePullPolicy: "IfNotPresent" }),
    },
    {
        rule: "cnpg/cluster-primary-update-strategy",
        bad: cluster({ instances: 1, primaryUpdateStrategy: "supervised" }),
        expect: [["spec.primaryUpdateStrategy", "supervised update strategy is not allowed for clusters with a single instance"]],
        good: cluster({ instances: 3, primaryUpdateStrategy: "supervised" }),
    },
    {
        rule: "cnpg/cluster-sync-replicas",
        bad: cluster({ minSyncReplicas: 3, maxSyncReplicas: 3 }),
        expect: [["spec.maxSyncReplicas", "maxSyncReplicas 3, instances 3: maxSyncReplicas must be lower than the number of instances"]],
        good: cluster({ minSyncReplicas: 1, maxSyncReplicas: 2 }),
    },
    {
        rule: "cnpg/cluster-storage-size",
        bad: cluster({ storage: {}, walStorage: { size: "2GB" } }),
        expect: [
            ["spec.storage.size", "Size not configured. Please add it, or a storage request in the pvcTemplate."],
            ["spec.walStorage.size", "2GB: Size value isn't valid"],
        ],
        good: cluster({ storage: { pvcTemplate: { resources: { requests: { storage: "10Gi" } } } }, walStorage: { size: "2G" } }),
    },
    {
        rule: "cnpg/cluster-ephemeral-volume-source",
        bad: cluster({ ephemeralVolumeSource: { volumeClaimTemplate: {} }, ephemeralVolumesSizeLimit: { temporaryData: "1Gi" } }),
        expect: [
            [
                "spec.ephemeralVolumeSource",
                "Conflicting settings: provide either ephemeralVolumeSource or ephemeralVolumesSizeLimit.TemporaryData, not both.",
            ],
        ],
        good: cluster({ ephemeralVolumesSizeLimit: { temporaryData: "1Gi" } }),
    },
    {
        rule: "cnpg/cluster-name",
        bad: cluster({}, undefined, "pg.main"),
        expect: [["metadata.name", "pg.main: cluster name must be a valid DNS label"]],
        good: cluster({}, undefined, "pg-main"),
    },
    {
        rule: "cnpg/cluster-service-account",
        bad: cluster({ serviceAccountName: "sa", serviceAccountTemplate: { metadata: {} } }),
        expect: [["spec.serviceAccountName", "serviceAccountName and serviceAccountTemplate are mutually exclusive"]],
        good: cluster({ serviceAccountName: "sa" }),
    },
    {
        rule: "cnpg/cluster-primary-lease",
        bad: cluster({ primaryLease: { leaseDurationSeconds: 10, retryPeriodSeconds: 9 } }),
        expect: [
            ["spec.primaryLease.leaseDurationSeconds", "leaseDurationSeconds must be greater than renewDeadlineSeconds"],
            ["spec.primaryLease.renewDeadlineSeconds", "renewDeadlineSeconds must be greater than retryPeriodSeconds multiplied by 1.2"],
        ],
        good: cluster({ primaryLease: { leaseDurationSeconds: 20, retryPeriodSeconds: 8 } }),
    },
    {
        rule: "cnpg/cluster-tablespaces",
        bad: cluster({
            tablespaces: [
                { name: "pg_x", storage: { size: "1Gi" } },
                { name: "x$", storage: { size: "1Gi" } },
                { name: "x_", storage: { size: "1Gi" } },
            ],
        }),
        expect: [
            ["spec.tablespaces[0]", "tablespace names beginning 'pg_' are reserved for Postgres"],
            [
                "spec.tablespaces[2]",
                'tablespace name results in duplicate volume name "tbs-x-" after sanitization (special characters are converted to hyphens)',
            ],
        ],
        good: cluster({ tablespaces: [{ name: "x", storage: { size: "1Gi" } }] }),
    },
    {
        rule: "cnpg/cluster-external-clusters",
        bad: cluster({ externalClusters: [src, { name: "src" }, { name: "../x", connectionParameters: {} }] }),
        expect: [
            ["spec.externalClusters[1]", "one of connectionParameters, plugin and barmanObjectStore is required"],
            ["spec.externalClusters[2].name", "../x: cannot contain a path separator or a '..' component"],
            ["spec.externalClusters", "the list of external clusters contains duplicate values"],
        ],
        good: cluster({ externalClusters: [src, { name: "other", barmanObjectStore: s3 }] }),
    },
    {
        rule: "cnpg/cluster-tolerations",
        bad: cluster({
            affinity: {
                tolerations: [
                    { operator: "Equal", value: "x" },
                    { key: "k", operator: "Exists", effect: "Sometimes" },
                ],
            },
        }),
        expect: [
            [
                "spec.affinity.tolerations[0].operator",
                'operator must be Exists when `key` is empty, which means "match all values and all keys"',
            ],
            [
                "spec.affinity.tolerations[1].effect",
                'Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
            ],
        ],
        good: cluster({
            affinity: { tolerations: [{ operator: "Exists" }, { key: "k", operator: "Equal", value: "v", effect: "NoSchedule" }] },
        }),
    },
    {
        rule: "cnpg/cluster-anti-affinity-type",
        bad: cluster({ affinity: { podAntiAffinityType: "sometimes" } }),
        expect: [
            ["spec.affinity.podAntiAffinityType", "sometimes: pod anti-affinity type must be 'preferred' (default if empty) or 'required'"],
        ],
        good: cluster({ affinity: { podAntiAffinityType: "required" } }),
    },
    {
        rule: "cnpg/cluster-resources",
        bad: params(
            { shared_buffers: "4GB" },
            { resources: { requests: { cpu: "2", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } } },
        ),
        expect: [
            ["spec.resources.requests.cpu", "2 > 1: CPU request is greater than the limit"],
            ["spec.resources.requests", "memory 2Gi < shared_buffers 4GB: Memory request is lower than PostgreSQL `shared_buffers` value"],
        ],
        good: params(
            { shared_buffers: "1GB" },
            { resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } } },
        ),
    },
    {
        rule: "cnpg/cluster-replica-mode",
        bad: cluster({ replica: { enabled: true, source: "src" }, externalClusters: [src] }),
        expect: [["spec.replica", "replica mode bootstrap is compatible only with pg_basebackup or recovery"]],
        good: cluster({
            replica: { enabled: true, source: "src" },
            externalClusters: [src],
            bootstrap: { pg_basebackup: { source: "src" } },
        }),
    },
    {
        rule: "cnpg/cluster-replica-external-clusters",
        bad: cluster({
            replica: { enabled: true, source: "nope" },
            externalClusters: [src],
            bootstrap: { pg_basebackup: { source: "src" } },
        }),
        expect: [["spec.replica.source", "External cluster nope not found"]],
        good: cluster({
            replica: { enabled: true, source: "src" },
            externalClusters: [src],
            bootstrap: { pg_basebackup: { source: "src" } },
        }),
    },
    {
        rule: "cnpg/cluster-promotion-token",
        bad: cluster({ replica: { enabled: false, source: "src", promotionToken: "not base64!" }, externalClusters: [src] }),
        expect: [["spec.replica.promotionToken", "Invalid promotionToken format: invalid promotion token (Base64 decoding failed)"]],
        good: cluster({ replica: { enabled: false, source: "src", promotionToken: TOKEN }, externalClusters: [src] }),
    },
    {
        rule: "cnpg/cluster-synchronous",
        bad: cluster({ postgresql: { synchronous: { method: "any", number: 3 } }, maxSyncReplicas: 1 }),
        expect: [
            [
                "spec.postgresql.synchronous",
                "Invalid synchronous configuration: the number of synchronous replicas must be less than the total number of instances and the provided standby names.",
            ],
            ["spec.postgresql.synchronous", "Can't have both legacy synchronous replica configuration and new one"],
        ],
        good: cluster({ postgresql: { synchronous: { method: "any", number: 1 } } }),
    },
    {
        rule: "cnpg/cluster-replication-slots",
        bad: cluster({ replicationSlots: { synchronizeReplicas: { enabled: true, excludePatterns: ["(?=x)"] } } }),
        expect: [
            [
                "spec.replicationSlots.synchronizeReplicas.excludePatterns",
                "Cannot configure synchronizeReplicas. Invalid regexes were found",
            ],
        ],
        good: cluster({ replicationSlots: { synchronizeReplicas: { enabled: true, excludePatterns: ["^keep_"] } } }),
    },
    {
        rule: "cnpg/cluster-postgres-version",
        bad: cluster({ imageName: "ghcr.io/cloudnative-pg/postgresql:12.18" }),
        expect: [["spec.imageName", "Unsupported PostgreSQL version. Versions 13 or newer are supported"]],
        good: cluster({ imageName: "ghcr.io/cloudnative-pg/postgresql:13.20" }),
    },
    {
        rule: "cnpg/cluster-parameter-name",
        bad: params({ "a.b.c": "1" }),
        expect: [
            [
                "spec.postgresql.parameters.a.b.c",
                "must be a valid PostgreSQL configuration parameter name (a GUC name, optionally namespaced with a single dot)",
            ],
        ],
        good: params({ "auto_explain.log_min_duration": "1s" }),
    },
    {
        rule: "cnpg/cluster-fixed-parameter",
        bad: params({ listen_addresses: "*", logging_collector: "off" }),
        expect: [
            ["spec.postgresql.parameters.listen_addresses", "listen_addresses=*: Can't set fixed configuration parameter"],
            ["spec.postgresql.parameters.logging_collector", "logging_collector=off: Can't set fixed configuration parameter"],
        ],
        good: params({ logging_collector: "on", archive_mode: "off" }), // equal to the operator's value / overwritten by the defaulting webhook
    },
    {
        rule: "cnpg/cluster-wal-level",
        bad: params({ wal_level: "minimal" }),
        expect: [
            [
                "spec.postgresql.parameters.wal_level",
                "`wal_level` should be set at `logical` or `replica` when `archive_mode` is `on`, '.instances' field is greater than 1, or this is a replica cluster",
            ],
            ["spec.postgresql.parameters.max_wal_senders", "`max_wal_senders` should be set at `0` when `wal_level` is `minimal`"],
        ],
        good: {
            ...params({ wal_level: "minimal", max_wal_senders: "0" }, { instances: 1 }),
            metadata: { name: "pg", namespace: "db", annotations: { "cnpg.io/skipWalArchiving": "enabled" } },
        },
    },
    {
        rule: "cnpg/cluster-parameter-value",
        bad: params({ shared_buffers: "1gb", hot_standby_feedback: "maybe" }),
        expect: [
            ["spec.postgresql.parameters.shared_buffers", "shared_buffers=1gb: Invalid value for configuration parameter shared_buffers"],
            ["spec.postgresql.parameters.hot_standby_feedback", "maybe: invalid `hot_standby_feedback` value. Must be a postgres boolean"],
        ],
        good: params({ shared_buffers: "128MB", hot_standby_feedback: "off" }),
    },
    {
        rule: "cnpg/cluster-wal-log-hints",
        bad: params({ wal_log_hints: "off" }),
        expect: [["spec.postgresql.parameters.wal_log_hints", "`wal_log_hints` must be set to `on` when `instances` > 1"]],
        good: params({ wal_log_hints: "off" }, { instances: 1 }),
    },
    {
        rule: "cnpg/cluster-wal-size-value",
        bad: params({ min_wal_size: "1gb" }),
        expect: [["spec.postgresql.parameters.min_wal_size", "1gb: Invalid value for configuration parameter min_wal_size"]],
        good: params({ min_wal_size: "512" }),
    },
    {
        rule: "cnpg/cluster-wal-size-order",
        bad: params({ min_wal_size: "2GB", max_wal_size: "2048MB" }),
        expect: [
            [
                "spec.postgresql.parameters.min_wal_size",
                "min_wal_size 2GB (2048Mi) is not smaller than max_wal_size 2048MB (2048Mi): Invalid vale. Parameter min_wal_size (default 80MB) should be smaller than parameter max_wal_size (default 1GB)",
            ],
        ],
        good: params({ min_wal_size: "1GB", max_wal_size: "1025MB" }),
    },
    {
        rule: "cnpg/cluster-wal-size-volume",
        bad: params({ max_wal_size: "4GB" }, { walStorage: { size: "2Gi" } }),
        expect: [
            [
                "spec.postgresql.parameters.max_wal_size",
                "4GB: Invalid value. Parameter max_wal_size (default 1GB) should be smaller than WAL volume size",
            ],
        ],
        good: params({ max_wal_size: "4GB" }, { walStorage: { size: "5Gi" } }),
    },
    {
        rule: "cnpg/cluster-sync-election-constraint",
        bad: cluster({ postgresql: { syncReplicaElectionConstraint: { enabled: true } } }),
        expect: [
            [
                "spec.postgresql.syncReplicaElectionConstraint.nodeLabelsAntiAffinity",
                "Can't enable syncReplicaConstraints without passing labels for comparison inside nodeLabelsAntiAffinity",
            ],
        ],
        good: cluster({
            postgresql: { syncReplicaElectionConstraint: { enabled: true, nodeLabelsAntiAffinity: ["topology.kubernetes.io/zone"] } },
        }),
    },
    {
        rule: "cnpg/cluster-env",
        bad: cluster({
            env: [
                { name: "TZ", value: "UTC" },
                { name: "PGDATA", value: "/x" },
            ],
        }),
        expect: [["spec.env[1].name", "PGDATA: the usage of this environment variable is reserved for the operator"]],
        good: cluster({ env: [{ name: "TZ", value: "UTC" }] }),
    },
    {
        rule: "cnpg/cluster-ldap",
        bad: cluster({ postgresql: { ldap: { port: 389 } } }),
        expect: [["spec.postgresql.ldap", "ldap server cannot be empty if any other ldap parameters are specified"]],
        good: cluster({ postgresql: { ldap: { server: "ldap.example.com" } } }),
    },
    {
        rule: "cnpg/cluster-managed-roles",
        bad: cluster({
            managed: {
                roles: [
                    { name: "app", connectionLimit: -2 },
                    { name: "app", disablePassword: true, passwordSecret: { name: "s" } },
                    { name: "postgres" },
                ],
            },
        }),
        expect: [
            ["spec.managed.roles", "-2: Connection limit should be positive, unless defaulting to -1"],
            ["spec.managed.roles", "app: Role name is duplicate of another"],
            ["spec.managed.roles", "app: This role both sets and disables a password"],
            ["spec.managed.roles", "postgres: This role is reserved for operator use"],
        ],
        good: cluster({ managed: { roles: [{ name: "app", connectionLimit: -1, passwordSecret: { name: "s" } }] } }),
    },
    {
        rule: "cnpg/cluster-managed-services",
        bad: cluster({
            managed: {
                services: {
                    disabledDefaultServices: ["rw"],
                    additional: [{ selectorType: "rw", serviceTemplate: { metadata: { name: "pg-rw" } } }],
                },
            },
        }),
        expect: [
            ["spec.managed.services.disabledDefaultServices", "service of type RW cannot be disabled."],
            ["spec.managed.services.additional[0]", "the service name: 'pg-rw' is reserved for operator use"],
        ],
        good: cluster({
            managed: {
                services: {
                    disabledDefaultServices: ["ro", "r"],
                    additional: [{ selectorType: "rw", serviceTemplate: { metadata: { name: "pg-lb" } } }],
                },
            },
        }),
    },
    {
        rule: "cnpg/cluster-backup-credentials",
        bad: cluster({
            backup: { barmanObjectStore: { destinationPath: "s3://b/p", s3Credentials: { accessKeyId: { name: "c", key: "id" } } } },
        }),
        expect: [
            [
                "spec.backup.barmanObjectStore.s3Credentials",
                "when using AWS credentials both accessKeyId and secretAccessKey must be provided",
            ],
        ],
        good: cluster({ backup: { barmanObjectStore: s3 } }),
    },
    {
        rule: "cnpg/cluster-retention-policy",
        bad: cluster({ backup: { barmanObjectStore: s3, retentionPolicy: "30 days" } }),
        expect: [["spec.backup.retentionPolicy", "30 days: not a valid retention policy"]],
        good: cluster({ backup: { barmanObjectStore: s3, retentionPolicy: "30d" } }),
    },
    {
        rule: "cnpg/cluster-plugins",
        bad: cluster({
            plugins: [
                { name: "a", isWALArchiver: true },
                { name: "b", isWALArchiver: true },
            ],
        }),
        expect: [["spec.plugins", "a,b: Cannot enable more than one WAL archiver plugin"]],
        good: cluster({
            plugins: [
                { name: "a", isWALArchiver: true },
                { name: "b", isWALArchiver: true, enabled: false },
            ],
        }),
    },
    {
        rule: "cnpg/cluster-annotations",
        bad: cluster({}, { "cnpg.io/hibernation": "yes", "cnpg.io/podPatch": '[{"op":"remove","path":"/spec/containers/5"}]' }),
        expect: [
            ["metadata.annotations.cnpg.io/hibernation", 'yes: Annotation value for hibernation should be "on" or "off"'],
            [
                "metadata.annotations.cnpg.io/podPatch",
                'jsonpatch doesn\'t apply cleanly to the pod: while applying JSON patch from annotation: remove operation does not apply: index out of bounds: "/spec/containers/5"',
            ],
        ],
        good: cluster(
            {},
            {
                "cnpg.io/hibernation": "on",
                "cnpg.io/podPatch": '[{"op":"add","path":"/spec/containers/0/env/-","value":{"name":"TZ","value":"UTC"}}]',
            },
        ),
    },
    {
        rule: "cnpg/cluster-extensions",
        bad: cluster({ postgresql: { extensions: [{ name: "pgvector", image: {}, extension_control_path: ["../share"] }] } }),
        expect: [
            [
                "spec.postgresql.extensions[0].image.reference",
                "Image reference for extension `pgvector` must be set when no image catalog is configured",
            ],
            ["spec.postgresql.extensions[0].extension_control_path[0]", "../share: path must not escape the extension directory"],
        ],
        good: cluster({
            postgresql: {
                extensions: [{ name: "pgvector", image: { reference: "ghcr.io/x/pgvector:0.8" }, extension_control_path: ["share"] }],
            },
        }),
    },
    {
        rule: "cnpg/cluster-pod-selector-refs",
        bad: cluster({ postgresql: { pg_hba: ["host all all ${podselector:app} scram-sha-256"] } }),
        expect: [["spec.postgresql.pg_hba[0]", "pod selector not found: app"]],
        good: cluster({
            podSelectorRefs: [{ name: "app", selector: { matchLabels: { app: "api" } } }],
            postgresql: { pg_hba: ["host all all ${podselector:app} scram-sha-256"] },
        }),
    },
    {
        rule: "cnpg/pooler-pgbouncer",
        bad: pooler({ pgbouncer: undefined }),
        expect: [["spec.pgbouncer", "required pgbouncer configuration"]],
        good: pooler({}),
    },
    {
        rule: "cnpg/pooler-auth-query",
        bad: pooler({ pgbouncer: { authQuery: "SELECT 1" } }),
        expect: [["spec.pgbouncer.authQuerySecret.name", "must specify an existing auth query secret when providing an auth query secret"]],
        good: pooler({ pgbouncer: { authQuery: "SELECT 1", authQuerySecret: { name: "auth" } } }),
    },
    {
        rule: "cnpg/pooler-pgbouncer-parameters",
        bad: pooler({ pgbouncer: { parameters: { max_client_conn: "1000", listen_port: "6432" } } }),
        expect: [["spec.pgbouncer.parameters.listen_port", "listen_port: Invalid or reserved parameter"]],
        good: pooler({ pgbouncer: { parameters: { max_client_conn: "1000", default_pool_size: "20" } } }),
    },
    {
        rule: "cnpg/pooler-cluster",
        bad: pooler({}, "pg"),
        expect: [["metadata.name", "pg: the pooler resource cannot have the same name of a cluster"]],
        good: pooler({}, "pg-pooler"),
    },
    {
        rule: "cnpg/pooler-monitoring-tls",
        bad: pooler({ monitoring: { enablePodMonitor: true, tls: { enabled: true } } }),
        expect: [
            [
                "spec.pgbouncer.clientTLSSecret",
                "clientTLSSecret is required when spec.monitoring.tls.enabled is true and the operator-generated PodMonitor is enabled",
            ],
        ],
        good: pooler({ monitoring: { enablePodMonitor: false, tls: { enabled: true } } }),
    },
    {
        rule: "cnpg/pooler-service-name",
        bad: pooler({}, "pg-rw"),
        expect: [["metadata.name", "Service pg-rw belongs to Cluster pg; the Pooler's Service of the same name would take it over"]],
        good: pooler({}, "pg-pooler-rw"),
    },
    {
        rule: "cnpg/scheduledbackup-schedule",
        bad: scheduled({ schedule: "0 0 25 * * *" }),
        expect: [["spec.schedule", "0 0 25 * * *: End of range (25) above maximum (23): 25"]],
        good: scheduled({ schedule: "0 0 3 * * *" }),
    },
    {
        rule: "cnpg/scheduledbackup-online",
        bad: scheduled({ method: "barmanObjectStore", online: true }),
        expect: [["spec.online", "Online parameter can be specified only if the method is volumeSnapshot"]],
        good: scheduled({ method: "volumeSnapshot", online: true }),
    },
];

describe("cnpg admission rules (CloudNativePG 1.30.0 webhooks)", () => {
    test("the baseline Cluster, Pooler and ScheduledBackup pass", () => {
        assert.deepEqual(found(cluster()), []);
        assert.deepEqual(found(pooler({})), []);
        assert.deepEqual(found(scheduled({})), []);
    });

    for (const c of CASES) {
        test(`${c.rule}: refuses the breaking object, admits the fixed one`, () => {
            assert.deepEqual(
                found(c.bad),
                c.expect.map(([p, m]) => [c.rule, p, m]),
            );
            assert.deepEqual(found(c.good), []);
        });
    }

    test("every catalogued rule has a case, ids are unique, sources cite the pinned tag", () => {
        const ids = cnpg.rules.map((r) => r.id);
        assert.equal(new Set(ids).size, ids.length);
        assert.deepEqual([...ids].sort(), [...new Set(CASES.map((c) => c.rule))].sort());
        for (const r of cnpg.rules)
            assert.match(
                r.source,
                /^cloudnative-pg v1\.30\.0 (internal\/webhook\/v1\/(cluster|pooler|scheduledbackup)_webhook\.go|pkg\/specs\/pgbouncer\/services\.go):\d+/,
            );
    });

    test("dev's Clusters (min_wal_size 1GB, max_wal_size 819MB) are refused: sizes read with binary units", () => {
        const dev = params(
            { min_wal_size: "1GB", max_wal_size: "819MB", wal_keep_size: "512MB", shared_buffers: "512MB" },
            {
                instances: 1,
                walStorage: { size: "2Gi" },
                resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } },
            },
        );
        const v = cnpg.check(dev, ctx);
        assert.equal(v.length, 1);
        assert.deepEqual(v[0], {
            object: "postgresql.cnpg.io/v1 Cluster db/pg",
            rule: "cnpg/cluster-wal-size-order",
            path: "spec.postgresql.parameters.min_wal_size",
            message:
                "min_wal_size 1GB (1024Mi) is not smaller than max_wal_size 819MB (819Mi): Invalid vale. Parameter min_wal_size (default 80MB) should be smaller than parameter max_wal_size (default 1GB)",
            fix: "in this program min_wal_size is fixed at 1GB and max_wal_size is 40 % of postgres.walStorageSize (lib/data/postgresParams.ts): raise postgres.walStorageSize in Pulumi.<stack>.yaml to at least 3Gi, or derive min_wal_size below max_wal_size",
            source: "cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go:1250",
        });
        // staging/prod: 1GB < 4096MB, both below the WAL volume
        assert.deepEqual(found(params({ min_wal_size: "1GB", max_wal_size: "4096MB" }, { walStorage: { size: "10Gi" } })), []);
    });

    test("PostgreSQL sizes: bare numbers are MB, kB is Ki, units are binary, lower-case b is refused", () => {
        assert.equal(parsePgSize("1GB"), 2 ** 30);
        assert.equal(parsePgSize("819MB"), 819 * 2 ** 20);
        assert.equal(parsePgSize("64kB"), 64 * 2 ** 10);
        assert.equal(parsePgSize("512"), 512 * 2 ** 20);
        assert.equal(parsePgSize("1 GB"), 2 ** 30);
        assert.equal(parsePgSize("1gb"), undefined);
        assert.equal(parsePgSize("1GiB"), undefined);
    });

    test("robfig/cron v1: seconds first, 5 or 6 fields, descriptors", () => {
        assert.equal(robfigCronError("0 0 3 * * *"), undefined);
        assert.equal(robfigCronError("0 3 * * *"), undefined); // sec=0 min=3 hour=*: every hour, not 03:00
        assert.equal(robfigCronError("@daily"), undefined);
        assert.equal(robfigCronError("@every 1h30m"), undefined);
        assert.equal(robfigCronError("0 0 3 * * * 2024"), "Expected 5 to 6 fields, found 7: 0 0 3 * * * 2024");
        assert.equal(robfigCronError("0 0 3 * * mon-fry"), 'Failed to parse int from fry: strconv.Atoi: parsing "fry": invalid syntax');
        assert.equal(robfigCronError("@sometimes"), "Unrecognized descriptor: @sometimes");
    });

    test("cnpg.io/validation: disabled skips Cluster validation and says so", () => {
        const o = params({ min_wal_size: "1GB", max_wal_size: "819MB" });
        o.metadata = { name: "pg", namespace: "db", annotations: { "cnpg.io/validation": "disabled" } };
        assert.deepEqual(found(o), []);
        assert.deepEqual(cnpgWarnings(o), [
            "validation webhook is disabled — all changes are accepted without validation. This may lead to unsafe or destructive operations. Proceed with extreme caution.",
        ]);
    });

    test("other kinds and API groups are not checked", () => {
        assert.deepEqual(cnpg.check({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } }, ctx), []);
        assert.deepEqual(cnpgWarnings({ apiVersion: "v1", kind: "Pod" }), []);
    });
});

describe("cnpg admission warnings", () => {
    test("in-tree Barman Cloud and monitoring.enablePodMonitor are deprecated in 1.30 (staging/prod Cluster)", () => {
        const o = cluster({
            backup: { barmanObjectStore: s3, retentionPolicy: "30d" },
            externalClusters: [{ name: "src", barmanObjectStore: s3 }],
            monitoring: { enablePodMonitor: true },
        });
        assert.deepEqual(found(o), []);
        assert.deepEqual(cnpgWarnings(o), [
            "Native support for Barman Cloud backups and recovery is deprecated and will be completely removed in CloudNativePG 1.31.0. Found usage in: spec.backup.barmanObjectStore, spec.externalClusters.0.barmanObjectStore. Please migrate existing clusters to the new Barman Cloud Plugin to ensure a smooth transition.",
            "spec.monitoring.enablePodMonitor is deprecated and will be removed in a future release. Please migrate to manually managing your PodMonitor resources. Set this field to false and create a PodMonitor resource for your cluster as described in the documentation.",
        ]);
    });

    test("unit-less shared_buffers, storage conflicts, metricsQueriesTTL 0", () => {
        const o = params(
            { shared_buffers: "512" },
            {
                storage: { size: "10Gi", storageClass: "a", pvcTemplate: { storageClassName: "b" } },
                monitoring: { metricsQueriesTTL: "0s" },
            },
        );
        assert.deepEqual(cnpgWarnings(o), [
            "spec.storage.storageClass and spec.storage.pvcTemplate.storageClassName are both specified, spec.storage.storageClass value will be used.",
            "`shared_buffers` value '512' is missing a unit (e.g., MB, GB). While this is currently allowed, future releases will require an explicit unit. Please update your configuration to specify a valid unit, such as '512MB'.",
            "spec.monitoring.metricsQueriesTTL is explicitly set to 0; this disables automatic TTL behavior and can cause heavy load on the PostgreSQL server.",
        ]);
    });

    test("Pooler: deprecated monitoring, manual integration, deprecated authQuerySecret", () => {
        assert.deepEqual(cnpgWarnings(pooler({ monitoring: { enablePodMonitor: true } })), [
            "spec.monitoring is deprecated and will be removed in a future release. Set this field to false and create a PodMonitor resource for your pooler as described in the documentation",
        ]);
        assert.deepEqual(cnpgWarnings(pooler({ pgbouncer: { authQuery: "SELECT 1", authQuerySecret: { name: "auth" } } })), [
            'The operator won\'t handle the Pooler "pg-pooler-rw" integration with the Cluster "pg" ("db"). Manually configure it as described in the docs.',
            "The .spec.pgbouncer.authQuerySecret field has been deprecated",
        ]);
        assert.deepEqual(cnpgWarnings(pooler({})), []);
    });

    test("ScheduledBackup: a schedule that parses without six fields is warned about", () => {
        assert.deepEqual(cnpgWarnings(scheduled({ schedule: "0 3 * * *" })), [
            "Schedule parameter may not have the right number of arguments (usually six arguments are needed)",
        ]);
        assert.deepEqual(cnpgWarnings(scheduled({ schedule: "0 0 3 * * *" })), []);
    });
});
