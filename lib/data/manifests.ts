/**
 * Pure builders for the data tier's custom resources: CloudNativePG Cluster, Pooler and
 * ScheduledBackup, and the OT-CONTAINER-KIT RedisCluster. Plain data in, plain objects out.
 */
import { priorityClassOf, safeToEvict } from "../../policies/contract";
import type { ICluster } from "../../generated/crds/postgresql.cnpg.io/v1/Cluster";
import type { IPooler } from "../../generated/crds/postgresql.cnpg.io/v1/Pooler";
import type { IScheduledBackup } from "../../generated/crds/postgresql.cnpg.io/v1/ScheduledBackup";
import type { IRedisCluster } from "../../generated/crds/redis.redis.opstreelabs.in/v1beta2/RedisCluster";
import type { PoolerPlan, PostgresClusterPlan } from "../../plan/dataTier";

/** The specs, typed by the upstream CRDs (generated/crds/, `npm run crds:types`). */
type ClusterSpec = NonNullable<ICluster["spec"]>;
type BarmanObjectStore = NonNullable<NonNullable<ClusterSpec["backup"]>["barmanObjectStore"]>;

const zoneSpread = (labels: Record<string, string>, zones: number) => [
    {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: zones > 1 ? "DoNotSchedule" : "ScheduleAnyway",
        labelSelector: { matchLabels: labels },
    },
];

export interface ClusterArgs {
    readonly plan: Omit<PostgresClusterPlan, "memoryUse">;
    readonly image: string;
    readonly storageClass: string;
    readonly zones: number;
    readonly labels: Record<string, string>;
    /** Object-store backup, when configured. */
    readonly backup?: { destinationPath: string; endpointURL: string; credentialsSecret: string; retentionPolicy: string };
    /** The admin role the deployer's role management connects as (CREATEROLE, not superuser). */
    readonly adminRole?: { name: string; passwordSecret: string; inRoles: string[] };
    /** Bootstrap a new database owned by this role, or follow another cluster (replica cluster). */
    readonly bootstrap: { initdb: { database: string; owner: string } } | { replicaOf: string; database: string; owner: string };
}

function barman(b: NonNullable<ClusterArgs["backup"]>, serverName?: string): BarmanObjectStore {
    return {
        destinationPath: b.destinationPath,
        ...(b.endpointURL ? { endpointURL: b.endpointURL } : {}),
        ...(serverName ? { serverName } : {}),
        s3Credentials: {
            accessKeyId: { name: b.credentialsSecret, key: "ACCESS_KEY_ID" },
            secretAccessKey: { name: b.credentialsSecret, key: "ACCESS_SECRET_KEY" },
        },
        wal: { compression: "gzip", maxParallel: 4 },
        data: { compression: "gzip" },
    };
}

export function clusterSpec(a: ClusterArgs): ClusterSpec {
    const p = a.plan;
    const podLabels = { "cnpg.io/cluster": p.name };
    const storage = (size: string) => ({ size, ...(a.storageClass ? { storageClass: a.storageClass } : {}) });
    const spec: ClusterSpec = {
        instances: p.instances,
        imageName: a.image,
        primaryUpdateStrategy: "unsupervised",
        enableSuperuserAccess: false,
        // The operator's PDB on a lone instance would block every node drain.
        enablePDB: p.instances > 1,
        // Inherited by the instance pods: their scratch-data and shm emptyDirs may go (Cluster Autoscaler).
        inheritedMetadata: { labels: a.labels, annotations: safeToEvict("scratch-data", "shm") },
        postgresql: { parameters: p.parameters },
        // Guaranteed QoS: memory request = limit, so the kernel never OOM-kills Postgres first.
        resources: { requests: { cpu: p.cpu, memory: p.memory }, limits: { cpu: p.cpu, memory: p.memory } },
        storage: storage(p.storageSize),
        walStorage: storage(p.walStorageSize),
        affinity: { enablePodAntiAffinity: true, podAntiAffinityType: "required", topologyKey: "kubernetes.io/hostname" },
        topologySpreadConstraints: zoneSpread(podLabels, a.zones),
        // The instance pods (and the operator's join/initdb jobs) take the data tier's class.
        priorityClassName: priorityClassOf("data"),
        // Scraped by a PodMonitor of ours (components/data/podMonitor.ts), not the operator's
        // `monitoring.enablePodMonitor`, deprecated in 1.30 and removed in 1.31.
    };
    if (a.adminRole) {
        spec.managed = {
            roles: [
                {
                    name: a.adminRole.name,
                    ensure: "present",
                    login: true,
                    superuser: false,
                    createrole: true,
                    inRoles: a.adminRole.inRoles,
                    passwordSecret: { name: a.adminRole.passwordSecret },
                    comment: "role management by the deployer (@pulumi/postgresql)",
                },
            ],
        };
    }
    if ("initdb" in a.bootstrap) {
        spec.bootstrap = { initdb: { database: a.bootstrap.initdb.database, owner: a.bootstrap.initdb.owner, dataChecksums: true } };
        if (a.backup) spec.backup = { retentionPolicy: a.backup.retentionPolicy, barmanObjectStore: barman(a.backup) };
    } else {
        const source = a.bootstrap.replicaOf;
        // Streams from the main cluster with its replication certificate; falls back to the WAL
        // archive when the main cluster no longer has the WAL (the replica fell far behind).
        // The copy holds the source's database and owner; naming them keeps the operator from
        // creating its default `app` database and owner secret for a database that is not there.
        spec.bootstrap = { pg_basebackup: { source, database: a.bootstrap.database, owner: a.bootstrap.owner } };
        spec.replica = { enabled: true, source };
        spec.externalClusters = [
            {
                name: source,
                connectionParameters: { host: `${source}-rw`, user: "streaming_replica", sslmode: "verify-full", dbname: "postgres" },
                sslKey: { name: `${source}-replication`, key: "tls.key" },
                sslCert: { name: `${source}-replication`, key: "tls.crt" },
                sslRootCert: { name: `${source}-ca`, key: "ca.crt" },
                ...(a.backup ? { barmanObjectStore: barman(a.backup, source) } : {}),
            },
        ];
    }
    return spec;
}

export function scheduledBackupSpec(cluster: string, schedule: string): IScheduledBackup["spec"] {
    return { schedule, cluster: { name: cluster }, method: "barmanObjectStore", backupOwnerReference: "self", immediate: true };
}

const poolerResources = (p: PoolerPlan) => ({ requests: { cpu: p.cpu, memory: p.memory }, limits: { cpu: p.cpu, memory: p.memory } });

export function poolerSpec(p: PoolerPlan, labels: Record<string, string>, zones: number): IPooler["spec"] {
    const podLabels = { "cnpg.io/poolerName": p.name };
    return {
        cluster: { name: p.cluster },
        instances: p.instances,
        type: p.type,
        pgbouncer: { poolMode: p.poolMode, parameters: p.parameters },
        template: {
            metadata: { labels, annotations: safeToEvict("scratch-data") },
            spec: {
                // The operator merges its pgbouncer container into ours by name: our pinned image and
                // resources (without them the pods run BestEffort, first to be evicted) and the
                // restricted securityContext it would set anyway.
                containers: [{ name: "pgbouncer", image: p.image, resources: poolerResources(p) }],
                // Every API and worker query goes through it: the data tier's class.
                priorityClassName: priorityClassOf("data"),
                // The operator keeps an init container's resources when the template sets them
                // (pkg/specs/pgbouncer/deployments.go: WithInitContainerResources, no overwrite).
                initContainers: [{ name: "bootstrap-controller", resources: poolerResources(p) }],
                topologySpreadConstraints: [
                    ...zoneSpread(podLabels, zones),
                    {
                        maxSkew: 1,
                        topologyKey: "kubernetes.io/hostname",
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: podLabels },
                    },
                ],
            },
        },
    };
}

export interface RedisArgs {
    readonly masters: number;
    readonly replicasPerMaster: number;
    readonly image: string;
    readonly exporterImage: string;
    readonly cpu: string;
    readonly memory: string;
    readonly storageSize: string;
    readonly storageClass: string;
    readonly passwordSecret: string;
    readonly configMap: string;
    /** A ServiceAccount of its own that mounts no API token (Redis never calls the API). */
    readonly serviceAccount: string;
    readonly zones: number;
}

/**
 * The restricted Pod Security profile for a container. The operator copies a role's (and the
 * exporter's) securityContext into the container as is: without it the namespace's `restricted`
 * enforcement refuses the pods, and the cluster never forms.
 */
export const restrictedContainer = () => ({
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
});

/** The exporter sidecar's requests (Guaranteed memory: a sidecar's OOM restarts only itself). */
export const EXPORTER_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "64Mi" } };

/** The AUTH Secret of a RedisCluster (key `password`), made by components/data/redisCluster.ts. */
export const redisAuthSecretName = (name: string): string => `${name}-auth`;
/** The Service redis-operator puts in front of a RedisCluster's masters: a stable seed for cluster-aware clients. */
export const redisLeaderService = (name: string): string => `${name}-leader`;

/** Label the operator puts on the pods of a RedisCluster role. */
export const redisPodLabels = (name: string, role: "leader" | "follower") => ({ app: `${name}-${role}`, role });

export function redisClusterSpec(name: string, a: RedisArgs): IRedisCluster["spec"] {
    const claim = (size: string) => ({
        spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: size } },
            ...(a.storageClass ? { storageClassName: a.storageClass } : {}),
        },
    });
    const role = (r: "leader" | "follower", replicas: number) => ({
        replicas,
        redisConfig: { additionalRedisConfig: a.configMap },
        pdb: { enabled: true, maxUnavailable: 1 },
        topologySpreadConstraints: zoneSpread(redisPodLabels(name, r), a.zones),
        affinity: {
            podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                        weight: 100,
                        podAffinityTerm: {
                            topologyKey: "kubernetes.io/hostname",
                            labelSelector: { matchLabels: { redis_setup_type: "cluster" } },
                        },
                    },
                ],
            },
        },
        // Redis writes its data, nodes.conf and the AOF only to the volumes; the root stays writable
        // because the image's entrypoint renders redis.conf into its own folder.
        securityContext: { ...restrictedContainer(), readOnlyRootFilesystem: false },
    });
    return {
        clusterSize: a.masters,
        clusterVersion: "v7",
        persistenceEnabled: true,
        podSecurityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
        kubernetesConfig: {
            image: a.image,
            imagePullPolicy: "IfNotPresent",
            redisSecret: { name: a.passwordSecret, key: "password" },
            resources: { requests: { cpu: a.cpu, memory: a.memory }, limits: { memory: a.memory } },
        },
        serviceAccountName: a.serviceAccount,
        // The operator puts it on both roles' StatefulSets (spec.priorityClassName, v1beta2).
        priorityClassName: priorityClassOf("data"),
        redisExporter: {
            enabled: true,
            image: a.exporterImage,
            resources: EXPORTER_RESOURCES,
            securityContext: { ...restrictedContainer(), readOnlyRootFilesystem: true },
        },
        redisLeader: role("leader", a.masters),
        redisFollower: role("follower", a.masters * a.replicasPerMaster),
        storage: {
            // nodes.conf survives restarts (pods come back with new IPs and must rejoin as themselves).
            nodeConfVolume: true,
            nodeConfVolumeClaimTemplate: claim("1Gi"),
            volumeClaimTemplate: claim(a.storageSize),
        },
    };
}

/** redis.conf lines for the operator's additional-config ConfigMap. */
export function redisConfText(config: Record<string, string>): string {
    return (
        Object.entries(config)
            // `save ""` clears the save points; a bare `save` is a syntax error.
            .map(([k, v]) => `${k} ${v === "" ? '""' : v}`)
            .join("\n") + "\n"
    );
}
