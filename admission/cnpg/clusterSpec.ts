/**
 * Cluster webhook checks of the image, name, storage, instance counts, update strategy, secrets
 * and lease settings at cloudnative-pg v1.30.0 (internal/webhook/v1/cluster_webhook.go).
 */
import { type ClusterView, imageReference, majorFromTag } from "./clusterModel";
import { dns1035LabelErrors } from "./k8sNames";
import { parseQuantity, quantityOrZero } from "./quantity";
import { CLUSTER_WH, type Finding, type Obj, list, num, opt, rec, type Rule, src, str } from "./util";

type R = Rule<ClusterView>;
const f = (path: string, message: string): Finding => ({ path, message });

const superuserSecret: R = {
    id: "cnpg/cluster-superuser-secret",
    description: "spec.superuserSecret, when set, has a name",
    source: src(CLUSTER_WH, 584),
    fix: "name the superuser secret or drop spec.superuserSecret",
    check: (v) =>
        opt(v.spec.superuserSecret) && !str(rec(v.spec.superuserSecret).name)
            ? [f("spec.superuserSecret.name", "Super user secret name can't be empty")]
            : [],
};

const certificates: R = {
    id: "cnpg/cluster-certificates",
    description:
        "a user server TLS secret comes with a server CA secret and no altDNSNames; a replication TLS secret with a client CA secret",
    source: src(CLUSTER_WH, 539),
    fix: "provide the matching CA secret in spec.certificates",
    check: (v) => {
        const c = opt(v.spec.certificates);
        if (!c) return [];
        const out: Finding[] = [];
        if (str(c.serverTLSSecret)) {
            if (list(c.serverAltDNSNames).length > 0)
                out.push(
                    f(
                        "spec.certificates.serverAltDNSNames",
                        "Server alternative DNS names can't be defined when server TLS secret is provided",
                    ),
                );
            if (!str(c.serverCASecret))
                out.push(f("spec.certificates.serverCASecret", "Server CA secret can't be empty when server TLS secret is provided"));
        }
        if (str(c.replicationTLSSecret) && !str(c.clientCASecret))
            out.push(f("spec.certificates.clientCASecret", "Client CA secret can't be empty when client replication secret is provided"));
        return out;
    },
};

const imageName: R = {
    id: "cnpg/cluster-image-name",
    description: "spec.imageName has a PostgreSQL version tag (not `latest`, not a bare digest)",
    source: src(CLUSTER_WH, 781),
    fix: "pin the image by a version tag such as `ghcr.io/cloudnative-pg/postgresql:17.6` (optionally with @sha256)",
    check: (v) => {
        const name = str(v.spec.imageName);
        if (!name) return [];
        const { tag } = imageReference(name);
        if (tag === "latest") return [f("spec.imageName", `${name}: Can't use 'latest' as image tag as we can't detect upgrades`)];
        if (tag === "") return [f("spec.imageName", `${name}: Can't use just the image sha as we can't detect upgrades`)];
        return majorFromTag(tag) === undefined ? [f("spec.imageName", `${name}: invalid version tag`)] : [];
    },
};

const pullPolicy: R = {
    id: "cnpg/cluster-image-pull-policy",
    description: "spec.imagePullPolicy is Always, Never or IfNotPresent",
    source: src(CLUSTER_WH, 815),
    fix: "use Always, Never or IfNotPresent",
    check: (v) => {
        const p = str(v.spec.imagePullPolicy);
        return ["", "Always", "Never", "IfNotPresent"].includes(p)
            ? []
            : [f("spec.imagePullPolicy", `${p}: invalid imagePullPolicy, if defined must be one of 'Always', 'Never' or 'IfNotPresent'`)];
    },
};

const primaryUpdateStrategy: R = {
    id: "cnpg/cluster-primary-update-strategy",
    description: "primaryUpdateStrategy is supervised or unsupervised, and not supervised with a single instance",
    source: src(CLUSTER_WH, 1550),
    fix: "use `unsupervised` (required with one instance)",
    check: (v) => {
        const s = str(v.spec.primaryUpdateStrategy);
        if (s === "") return [];
        if (s !== "supervised" && s !== "unsupervised")
            return [f("spec.primaryUpdateStrategy", `${s}: primaryUpdateStrategy should be empty, 'supervised' or 'unsupervised'`)];
        return s === "supervised" && v.instances === 1
            ? [f("spec.primaryUpdateStrategy", "supervised update strategy is not allowed for clusters with a single instance")]
            : [];
    },
};

const syncReplicas: R = {
    id: "cnpg/cluster-sync-replicas",
    description: "0 <= minSyncReplicas <= maxSyncReplicas < instances",
    source: src(CLUSTER_WH, 1575),
    fix: "keep maxSyncReplicas below instances and minSyncReplicas at most maxSyncReplicas",
    check: (v) => {
        const [min, max] = [num(v.spec.minSyncReplicas), num(v.spec.maxSyncReplicas)];
        const out: Finding[] = [];
        if (min < 0) out.push(f("spec.minSyncReplicas", "minSyncReplicas must be a non negative integer"));
        if (min > max) out.push(f("spec.minSyncReplicas", "minSyncReplicas cannot be greater than maxSyncReplicas"));
        if (max < 0) out.push(f("spec.maxSyncReplicas", "maxSyncReplicas must be a non negative integer"));
        if (max >= v.instances)
            out.push(
                f(
                    "spec.maxSyncReplicas",
                    `maxSyncReplicas ${max}, instances ${v.instances}: maxSyncReplicas must be lower than the number of instances`,
                ),
            );
        return out;
    },
};

function storageSizeErrors(s: Obj, path: string): Finding[] {
    const size = str(s.size);
    if (size && parseQuantity(size) === undefined) return [f(`${path}.size`, `${size}: Size value isn't valid`)];
    const request = rec(rec(rec(s.pvcTemplate).resources).requests).storage;
    if (!size && quantityOrZero(request) === 0)
        return [f(`${path}.size`, "Size not configured. Please add it, or a storage request in the pvcTemplate.")];
    return [];
}

const storageSize: R = {
    id: "cnpg/cluster-storage-size",
    description: "storage, walStorage and every tablespace have a valid size (or a pvcTemplate storage request)",
    source: src(CLUSTER_WH, 1718),
    fix: "set the volume size (postgres.storageSize / postgres.walStorageSize) to a Kubernetes quantity",
    check: (v) => [
        ...storageSizeErrors(rec(v.spec.storage), "spec.storage"),
        ...(opt(v.spec.walStorage) ? storageSizeErrors(rec(v.spec.walStorage), "spec.walStorage") : []),
        ...list(v.spec.tablespaces).flatMap((t, i) => storageSizeErrors(rec(rec(t).storage), `spec.tablespaces[${i}].storage`)),
    ],
};

const ephemeral: R = {
    id: "cnpg/cluster-ephemeral-volume-source",
    description: "ephemeralVolumeSource and ephemeralVolumesSizeLimit.temporaryData are not both set",
    source: src(CLUSTER_WH, 1683),
    fix: "keep one of the two",
    check: (v) =>
        opt(v.spec.ephemeralVolumeSource) && rec(v.spec.ephemeralVolumesSizeLimit).temporaryData != null
            ? [
                  f(
                      "spec.ephemeralVolumeSource",
                      "Conflicting settings: provide either ephemeralVolumeSource or ephemeralVolumesSizeLimit.TemporaryData, not both.",
                  ),
              ]
            : [],
};

const clusterName: R = {
    id: "cnpg/cluster-name",
    description: "the Cluster name is a DNS-1035 label of at most 50 characters",
    source: src(CLUSTER_WH, 1842),
    fix: "rename the Cluster (lower-case letters, digits, '-', starting with a letter, at most 50 characters)",
    check: (v) => [
        ...(dns1035LabelErrors(v.name).length > 0 ? [f("metadata.name", `${v.name}: cluster name must be a valid DNS label`)] : []),
        ...(v.name.length > 50 ? [f("metadata.name", `${v.name}: the maximum length of a cluster name is 50 characters`)] : []),
    ],
};

const serviceAccount: R = {
    id: "cnpg/cluster-service-account",
    description: "serviceAccountName and serviceAccountTemplate are mutually exclusive",
    source: src(CLUSTER_WH, 3126),
    fix: "keep one of the two",
    check: (v) =>
        str(v.spec.serviceAccountName) && opt(v.spec.serviceAccountTemplate)
            ? [f("spec.serviceAccountName", "serviceAccountName and serviceAccountTemplate are mutually exclusive")]
            : [],
};

const primaryLease: R = {
    id: "cnpg/cluster-primary-lease",
    description: "primaryLease: leaseDurationSeconds > renewDeadlineSeconds > 1.2 x retryPeriodSeconds (defaults 15/10/2)",
    source: src(CLUSTER_WH, 1644),
    fix: "widen the lease duration or shorten the retry period",
    check: (v) => {
        const l = opt(v.spec.primaryLease);
        if (!l) return [];
        const val = (x: unknown, d: number): number => (x === undefined || x === null ? d : num(x));
        const [lease, renew, retry] = [val(l.leaseDurationSeconds, 15), val(l.renewDeadlineSeconds, 10), val(l.retryPeriodSeconds, 2)];
        const out: Finding[] = [];
        if (lease <= renew)
            out.push(f("spec.primaryLease.leaseDurationSeconds", "leaseDurationSeconds must be greater than renewDeadlineSeconds"));
        if (5 * renew <= 6 * retry)
            out.push(
                f(
                    "spec.primaryLease.renewDeadlineSeconds",
                    "renewDeadlineSeconds must be greater than retryPeriodSeconds multiplied by 1.2",
                ),
            );
        return out;
    },
};

/** The spec rules. */
export const SPEC_RULES: readonly R[] = [
    superuserSecret,
    certificates,
    imageName,
    pullPolicy,
    primaryUpdateStrategy,
    syncReplicas,
    storageSize,
    ephemeral,
    clusterName,
    serviceAccount,
    primaryLease,
];
