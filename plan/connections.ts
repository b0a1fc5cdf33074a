/**
 * What each workload connects to, as plain data: the environment variables that carry the data
 * tier's endpoints and credentials. Their names are the contract between this program and the
 * app (docs/data-tier.md, "Connection settings"); every credential is a `secretKeyRef` to a
 * Secret the program declares, never a value in the pod spec.
 */
import type { EnvVar } from "kubernetes-types/core/v1";
import { redisAuthSecretName, redisLeaderService } from "../lib/data/manifests";
import { roleSecretName } from "../lib/data/privileges";
import { SHARD_MAP_CONFIGMAP, SHARD_MAP_PATH } from "../lib/sharding/published";
import type { DataTierPlan } from "./dataTier";
import { shardSecretName, type ShardingPlan } from "./sharding";

/** What a workload may connect to. */
export type Connection = "write" | "read" | "analytics" | "cache" | "sessions" | "shards";

/** The workload kinds by `app.kubernetes.io/component`. */
export type WorkloadComponent = "api" | "worker" | "analytics";

/**
 * Least privilege: the API and the workers write and read the OLTP database and share the cache
 * (a worker's write makes cached entries stale); only the API, which logs users in, has the
 * session store; analytics reads only the analytics replica (never the OLTP replicas, no Redis).
 */
export const WORKLOAD_CONNECTIONS: Readonly<Record<WorkloadComponent, readonly Connection[]>> = {
    api: ["write", "read", "cache", "sessions", "shards"],
    worker: ["write", "read", "cache", "shards"],
    analytics: ["analytics"],
};

/** The env var names of each connection (the app contract). */
export const CONNECTION_ENV = {
    write: { url: "SYSMANAGE_DATABASE_WRITE_URL" },
    read: { url: "SYSMANAGE_DATABASE_READ_URL" },
    analytics: { url: "SYSMANAGE_DATABASE_ANALYTICS_URL" },
    cache: { nodes: "SYSMANAGE_REDIS_NODES", password: "SYSMANAGE_REDIS_PASSWORD" },
    sessions: { nodes: "SYSMANAGE_SESSION_REDIS_NODES", password: "SYSMANAGE_SESSION_REDIS_PASSWORD" },
    /** The map file's path; shard `sysmanage-pg-shard-<i>`'s URL (its write role's `uri`) in `SYSMANAGE_SHARD_<i>_URL`. */
    shards: { map: "SYSMANAGE_SHARD_MAP", url: (index: number) => `SYSMANAGE_SHARD_${index}_URL` },
} as const;

/**
 * On the pod template of every workload that reads the shard map: a new map version rolls the
 * pods, so each starts on one map (a mounted ConfigMap changes under a running pod only after
 * the kubelet's sync, at a different moment in every pod).
 */
export const SHARD_MAP_VERSION_ANNOTATION = "sysmanage.io/shard-map-version";

/** A ConfigMap mounted read-only into a workload's container (the shard map). */
export interface ConfigMapMount {
    readonly name: string;
    readonly configMap: string;
    readonly mountPath: string;
}

/** The shard map's mount: the ConfigMap's directory, so the file is SHARD_MAP_PATH. */
export const SHARD_MAP_MOUNT: ConfigMapMount = {
    name: "shard-map",
    configMap: SHARD_MAP_CONFIGMAP,
    mountPath: SHARD_MAP_PATH.slice(0, SHARD_MAP_PATH.lastIndexOf("/")),
};

export interface ConnectionInputs {
    readonly data: DataTierPlan;
    /** The port Redis serves on (`network.redisPort`). */
    readonly redisPort: number;
    /** `databaseAccess.credentialsVersion`: the passwords' keepers and the pods' annotation. */
    readonly credentialsVersion: number;
    /** `redis.credentialsVersion`: the Redis passwords' keepers and the Redis annotation. */
    readonly redisCredentialsVersion: number;
    /** The shards and their published map, when sharding is on. */
    readonly sharding?: ShardingPlan;
}

/**
 * On the pod template of every connected workload. Env from a Secret is read when the container
 * starts, so a rotated password reaches the pods only when they restart: changing the version
 * changes the passwords (their keepers) and this annotation in the same update, which rolls the
 * Deployments. A plain config number, never a password or a hash of one.
 */
export const CREDENTIALS_VERSION_ANNOTATION = "sysmanage.io/credentials-version";

/**
 * The keepers of the app roles' RandomPasswords: none at version 1, so a stack that never rotated
 * keeps the passwords it has (adding keepers replaces a RandomPassword).
 */
export const passwordKeepers = (credentialsVersion: number): Record<string, string> | undefined =>
    credentialsVersion > 1 ? { credentialsVersion: String(credentialsVersion) } : undefined;

/**
 * On the RedisClusters and on every pod that holds a Redis password. The Redis servers read their
 * password from the Secret (env `REDIS_PASSWORD`, written into redis.conf as `requirepass` and
 * `masterauth` when the container starts), so a rotation must restart them as well as their
 * clients: redis-operator copies the RedisCluster's annotations onto its StatefulSets' pod
 * templates, so changing this rolls the Redis pods. Its own key, so rotating the cache (a rolling
 * restart of every Redis node) never comes with the database roles' rotation, nor the reverse.
 */
export const REDIS_CREDENTIALS_VERSION_ANNOTATION = "sysmanage.io/redis-credentials-version";

/** The Redis annotation: none at version 1, so a stack that never rotated rolls no pod. */
export const redisCredentialsAnnotations = (redisCredentialsVersion: number): Record<string, string> =>
    redisCredentialsVersion > 1 ? { [REDIS_CREDENTIALS_VERSION_ANNOTATION]: String(redisCredentialsVersion) } : {};

const fromSecret = (name: string, secret: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/**
 * The env of one connection, or none when its tier is disabled (so no pod references a Secret
 * the stack does not declare). Database URLs come from the role's Secret (`uri`: the pooler's
 * Service, the role and its password); the Redis seed is the masters' Service, which a
 * cluster-aware client asks for the slot map (a per-pod list would roll every pod on a reshard).
 */
function connectionEnv(c: Connection, i: ConnectionInputs): EnvVar[] {
    if (c === "shards") return shardEnv(i.sharding);
    if (c === "cache" || c === "sessions") {
        const redis = c === "cache" ? i.data.redis : i.data.sessions;
        if (!redis) return [];
        return [
            { name: CONNECTION_ENV[c].nodes, value: `${redisLeaderService(redis.name)}:${i.redisPort}` },
            fromSecret(CONNECTION_ENV[c].password, redisAuthSecretName(redis.name), "password"),
        ];
    }
    const role = i.data.postgres?.privileges.roles.find((r) => r.via === c);
    return role ? [fromSecret(CONNECTION_ENV[c].url, roleSecretName(role.role), "uri")] : [];
}

/** The map's path and each shard's URL from its write role's Secret. */
function shardEnv(s: ShardingPlan | undefined): EnvVar[] {
    if (!s) return [];
    return [
        { name: CONNECTION_ENV.shards.map, value: SHARD_MAP_PATH },
        ...s.shards.flatMap((p) =>
            p.privileges.roles.map((r) => fromSecret(CONNECTION_ENV.shards.url(p.index), shardSecretName(p.cluster.name, r.role), "uri")),
        ),
    ];
}

/** The data tier's env of a workload, in the order of WORKLOAD_CONNECTIONS. */
export function workloadConnectionEnv(component: WorkloadComponent, i: ConnectionInputs): EnvVar[] {
    return WORKLOAD_CONNECTIONS[component].flatMap((c) => connectionEnv(c, i));
}

/** A pod with the data tier's settings after its own env, and the credentials versions when it has any. */
export function connectedPod<
    P extends {
        readonly component: string;
        readonly env?: readonly EnvVar[];
        readonly annotations?: Readonly<Record<string, string>>;
        readonly configMaps?: readonly ConfigMapMount[];
    },
>(pod: P, i: ConnectionInputs): P {
    if (!(pod.component in WORKLOAD_CONNECTIONS)) throw new Error(`${pod.component}: no connections planned for this workload kind`);
    const env = workloadConnectionEnv(pod.component as WorkloadComponent, i);
    if (!env.length) return pod;
    const redisPasswords: readonly string[] = [CONNECTION_ENV.cache.password, CONNECTION_ENV.sessions.password];
    const holdsRedisPassword = env.some((e) => redisPasswords.includes(e.name));
    const map = env.some((e) => e.name === CONNECTION_ENV.shards.map) ? i.sharding?.map : undefined;
    return {
        ...pod,
        env: [...(pod.env ?? []), ...env],
        ...(map ? { configMaps: [...(pod.configMaps ?? []), SHARD_MAP_MOUNT] } : {}),
        annotations: {
            ...pod.annotations,
            [CREDENTIALS_VERSION_ANNOTATION]: String(i.credentialsVersion),
            ...(holdsRedisPassword ? redisCredentialsAnnotations(i.redisCredentialsVersion) : {}),
            ...(map ? { [SHARD_MAP_VERSION_ANNOTATION]: String(map.version) } : {}),
        },
    };
}
