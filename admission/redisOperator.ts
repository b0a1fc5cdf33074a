/**
 * What the OT-CONTAINER-KIT redis-operator v0.26.0 refuses or silently ignores in a RedisCluster
 * (redis.redis.opstreelabs.in/v1beta2), read from tag v0.26.0: its validating webhook
 * (api/rediscluster/v1beta2/rediscluster_webhook.go) and the controller's own handling of the spec
 * (internal/k8sutils/redis-cluster.go, statefulset.go, redis.go, poddisruption.go), keeping only
 * what the object alone decides.
 *
 * The webhook is not installed by chart 0.26.0 as this program releases it (values.yaml:39
 * `redisOperator.webhook: false`, and the chart's templates register only a pod
 * MutatingWebhookConfiguration), so the API server admits what it would refuse; those two
 * rules say so in their message, the others describe what the operator then does.
 */
import { objectRef, type AdmissionModule, type Manifest, type RuleInfo, type Violation } from "./types";

const TAG = "redis-operator v0.26.0";
const FIX_SPEC = "lib/data/manifests.ts redisClusterSpec";
const FIX_SIZE = "config redis.masters / redis.replicasPerMaster (lib/data/manifests.ts redisClusterSpec)";
const UNREGISTERED =
    "the operator's RedisCluster webhook refuses it where registered (chart 0.26.0 does not register it, so the API server admits it)";

interface Rule extends RuleInfo {
    readonly fix: string;
}
const rule = (id: string, path: string, description: string, fix: string): Rule => ({ id, description, source: `${TAG} ${path}`, fix });

const RULES: readonly Rule[] = [
    rule(
        "redis-operator/cluster-size-min",
        "api/rediscluster/v1beta2/rediscluster_webhook.go:79",
        "webhook: spec.clusterSize is at least 3",
        FIX_SIZE,
    ),
    rule(
        "redis-operator/acl-single-source",
        "api/common/v1beta2/common_types.go:302",
        "webhook: spec.acl sets secret or persistentVolumeClaim, not both",
        FIX_SPEC,
    ),
    rule(
        "redis-operator/leader-replicas",
        "internal/k8sutils/redis.go:363",
        "leaders (redisLeader.replicas, else clusterSize) are 1 or at least 3",
        FIX_SIZE,
    ),
    rule(
        "redis-operator/follower-replicas",
        "internal/k8sutils/redis.go:422",
        "followers are 0 or at least the leaders (followers per leader = followers / leaders)",
        FIX_SIZE,
    ),
    rule(
        "redis-operator/persistence-needs-storage",
        "internal/k8sutils/redis-cluster.go:214",
        "persistenceEnabled needs spec.storage, else no volume",
        FIX_SPEC,
    ),
    rule(
        "redis-operator/storage-request",
        "internal/k8sutils/statefulset.go:460",
        "each claim template the operator uses requests storage",
        "config redis.storageSize",
    ),
    rule(
        "redis-operator/image-required",
        "internal/k8sutils/statefulset.go:473",
        "every container the operator builds has an image",
        "config redis.image / redis.exporterImage",
    ),
    rule(
        "redis-operator/redis-secret-complete",
        "internal/k8sutils/statefulset.go:1064",
        "kubernetesConfig.redisSecret sets name and key",
        FIX_SPEC,
    ),
    rule(
        "redis-operator/max-memory-needs-limit",
        "internal/k8sutils/statefulset.go:1007",
        "redisConfig.maxMemoryPercentOfLimit needs a memory limit",
        "config redis.memory",
    ),
    rule(
        "redis-operator/role-redis-config-ignored",
        "internal/k8sutils/redis-cluster.go:133",
        "maxMemoryPercentOfLimit and dynamicConfig are read from spec.redisConfig only, not per role",
        FIX_SPEC,
    ),
    rule(
        "redis-operator/top-level-additional-config-ignored",
        "internal/k8sutils/redis-cluster.go:244",
        "additionalRedisConfig is read per role only, not from spec.redisConfig",
        FIX_SPEC,
    ),
    rule(
        "redis-operator/pdb-min-max-exclusive",
        "internal/k8sutils/poddisruption.go:102",
        "a role's pdb sets maxUnavailable or minAvailable, not both",
        FIX_SPEC,
    ),
];

type Obj = Readonly<Record<string, unknown>>;
const asObj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const asArr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const given = (v: unknown): boolean => v !== undefined && v !== null;
const ROLES = ["leader", "follower"] as const;
const roleKey = (r: (typeof ROLES)[number]) => (r === "leader" ? "redisLeader" : "redisFollower");

type Emit = (id: string, path: string, message: string) => void;

function checkWebhook(s: Obj, emit: Emit): void {
    const size = num(s.clusterSize);
    if (size === undefined) return; // the webhook returns early without a size (rediscluster_webhook.go:74)
    if (size < 3)
        emit(
            "redis-operator/cluster-size-min",
            "spec.clusterSize",
            `${UNREGISTERED}: spec.clusterSize: Invalid value: ${size}: Redis cluster must have at least 3 shards`,
        );
    const acl = asObj(s.acl);
    if (acl && given(acl.secret) && given(acl.persistentVolumeClaim))
        emit(
            "redis-operator/acl-single-source",
            "spec.acl",
            `${UNREGISTERED}: spec.acl: only one of 'secret' or 'persistentVolumeClaim' can be specified in ACL configuration`,
        );
}

function checkTopology(name: string, s: Obj, emit: Emit): void {
    const size = num(s.clusterSize);
    const leaders = num(asObj(s.redisLeader)?.replicas) ?? size;
    const followers = num(asObj(s.redisFollower)?.replicas) ?? size;
    if (leaders === undefined) return;
    if (leaders !== 1 && leaders < 3)
        emit(
            "redis-operator/leader-replicas",
            given(asObj(s.redisLeader)?.replicas) ? "spec.redisLeader.replicas" : "spec.clusterSize",
            leaders === 0
                ? `0 leaders: the operator runs \`redis-cli --cluster create\` in ${name}-leader-0, which does not exist, so the cluster never forms`
                : `${leaders} leaders: the operator runs \`redis-cli --cluster create\` with ${leaders} masters, which redis-cli refuses (a cluster needs at least 3 masters), so the cluster never forms`,
        );
    if (followers !== undefined && followers > 0 && leaders > 0 && followers < leaders)
        emit(
            "redis-operator/follower-replicas",
            given(asObj(s.redisFollower)?.replicas) ? "spec.redisFollower.replicas" : "spec.clusterSize",
            `${followers} followers for ${leaders} leaders: followers per leader is ${followers} / ${leaders} = 0, and the operator's replication loop (redis.go:431) never advances, so the reconcile hangs and no follower joins`,
        );
}

function checkStorage(name: string, s: Obj, emit: Emit): void {
    const storage = asObj(s.storage);
    if (s.persistenceEnabled === true && !storage)
        emit(
            "redis-operator/persistence-needs-storage",
            "spec.persistenceEnabled",
            "persistenceEnabled is true without spec.storage: the operator creates no data volume claim and Redis writes to the container filesystem",
        );
    if (!storage) return;
    const claims: [string, string, boolean][] = [
        ["nodeConfVolumeClaimTemplate", "node-conf", storage.nodeConfVolume === true],
        ["volumeClaimTemplate", `${name}-leader/${name}-follower`, s.persistenceEnabled === true],
    ];
    for (const [key, claim, used] of claims) {
        const requests = asObj(asObj(asObj(asObj(storage[key])?.spec)?.resources)?.requests);
        if (used && !given(requests?.storage))
            emit(
                "redis-operator/storage-request",
                `spec.storage.${key}.spec.resources.requests.storage`,
                `the claim template ${claim} has no storage request: the API server refuses each PersistentVolumeClaim the StatefulSet controller creates from it (spec.resources[storage]: Required value) and the pods stay Pending`,
            );
    }
}

function checkImages(s: Obj, emit: Emit): void {
    const need = (path: string, v: unknown, what: string) => {
        if (typeof v !== "string" || v === "")
            emit(
                "redis-operator/image-required",
                path,
                `${what} has no image: the API server refuses the StatefulSets the operator creates (containers[].image: Required value)`,
            );
    };
    need("spec.kubernetesConfig.image", asObj(s.kubernetesConfig)?.image, "the redis container");
    const exporter = asObj(s.redisExporter);
    if (exporter?.enabled === true) need("spec.redisExporter.image", exporter.image, "the redis-exporter sidecar");
    const init = asObj(s.initContainer);
    if (init?.enabled === true) need("spec.initContainer.image", init.image, "the init container");
    asArr(s.sidecars).forEach((c, i) => need(`spec.sidecars[${i}].image`, asObj(c)?.image, `sidecar ${i}`));
}

function checkConfig(s: Obj, emit: Emit): void {
    const k8s = asObj(s.kubernetesConfig);
    const secret = asObj(k8s?.redisSecret);
    if (secret)
        for (const f of ["name", "key"]) {
            if (!given(secret[f]))
                emit(
                    "redis-operator/redis-secret-complete",
                    `spec.kubernetesConfig.redisSecret.${f}`,
                    `redisSecret without ${f}: the operator dereferences it to build REDIS_PASSWORD and its reconcile panics before creating any StatefulSet`,
                );
            else if (secret[f] === "")
                emit(
                    "redis-operator/redis-secret-complete",
                    `spec.kubernetesConfig.redisSecret.${f}`,
                    `redisSecret.${f} is empty: the API server refuses the StatefulSets (env REDIS_PASSWORD secretKeyRef)`,
                );
        }
    const top = asObj(s.redisConfig);
    const unlimited = ROLES.filter((r) => !given(asObj(asObj(asObj(s[roleKey(r)])?.resources ?? k8s?.resources)?.limits)?.memory));
    if (given(top?.maxMemoryPercentOfLimit) && unlimited.length > 0)
        emit(
            "redis-operator/max-memory-needs-limit",
            "spec.redisConfig.maxMemoryPercentOfLimit",
            `the ${unlimited.join(" and ")} containers have no memory limit: the operator sets no REDIS_MAX_MEMORY there and maxMemoryPercentOfLimit is ignored`,
        );
    if (given(top?.additionalRedisConfig))
        emit(
            "redis-operator/top-level-additional-config-ignored",
            "spec.redisConfig.additionalRedisConfig",
            "a RedisCluster mounts additionalRedisConfig from redisLeader/redisFollower.redisConfig only: this ConfigMap is never mounted",
        );
    for (const r of ROLES) {
        const rc = asObj(asObj(s[roleKey(r)])?.redisConfig);
        for (const f of ["maxMemoryPercentOfLimit", "dynamicConfig"])
            if (given(rc?.[f]))
                emit(
                    "redis-operator/role-redis-config-ignored",
                    `spec.${roleKey(r)}.redisConfig.${f}`,
                    `the operator reads ${f} from spec.redisConfig only: this one is ignored`,
                );
        const pdb = asObj(asObj(s[roleKey(r)])?.pdb);
        if (pdb?.enabled === true && given(pdb.maxUnavailable) && given(pdb.minAvailable))
            emit(
                "redis-operator/pdb-min-max-exclusive",
                `spec.${roleKey(r)}.pdb.minAvailable`,
                `the ${r} pdb sets maxUnavailable and minAvailable: the operator uses maxUnavailable and ignores minAvailable`,
            );
    }
}

/** redis-operator v0.26.0: its RedisCluster webhook and what its controller refuses or ignores in the spec. */
export const redisOperator: AdmissionModule = {
    rules: RULES.map(({ id, description, source }) => ({ id, description, source })),
    check(o: Manifest): Violation[] {
        if (o.kind !== "RedisCluster" || !String(o.apiVersion).startsWith("redis.redis.opstreelabs.in/")) return [];
        const s = asObj(o.spec) ?? {};
        const name = o.metadata?.name ?? "(no name)";
        const out: Violation[] = [];
        const emit: Emit = (id, path, message) => {
            const r = RULES.find((x) => x.id === id);
            if (!r) throw new Error(`redisOperator: unknown rule ${id}`);
            out.push({ object: objectRef(o), rule: id, path, message, fix: r.fix, source: r.source });
        };
        checkWebhook(s, emit);
        checkTopology(name, s, emit);
        checkStorage(name, s, emit);
        checkImages(s, emit);
        checkConfig(s, emit);
        return out;
    },
};
