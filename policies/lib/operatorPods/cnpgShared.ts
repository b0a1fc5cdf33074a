/**
 * Pieces of the CloudNativePG 1.30.0 pod builders shared by the instance and pooler models:
 * default images, the container security context (`GetSecurityContext`, pkg/specs/containers.go:64)
 * and the metadata constants (pkg/utils/labels_annotations.go).
 */
import type { Json } from "../k8s";

/** The operator image the Helm chart cloudnative-pg 0.29.0 passes as OPERATOR_IMAGE_NAME. */
export const CNPG_OPERATOR_IMAGE = "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0";
/** `versions.DefaultImageName` (pkg/versions/versions.go): the PostgreSQL image when the Cluster names none. */
export const CNPG_DEFAULT_POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie";
/** `versions.DefaultPgbouncerImage` (pkg/versions/versions.go). */
export const CNPG_DEFAULT_PGBOUNCER_IMAGE = "ghcr.io/cloudnative-pg/pgbouncer:1.25.1";
export const CNPG_VERSION = "1.30.0";
export const CNPG_SRC = `cloudnative-pg v${CNPG_VERSION}`;

/** `Cluster.GetSeccompProfile`: spec.seccompProfile or RuntimeDefault. */
export const seccompOf = (cluster: Json): Json => structuredClone(cluster?.spec?.seccompProfile ?? { type: "RuntimeDefault" });

/**
 * `GetSecurityContext(cluster)`: the restricted default (drop ALL, non-root, read-only root, no
 * privilege escalation, RuntimeDefault seccomp), or spec.securityContext with its unset fields
 * filled from that default.
 */
export function containerSecurityContext(cluster: Json): Json {
    const def: Json = {
        capabilities: { drop: ["ALL"] },
        privileged: false,
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        seccompProfile: seccompOf(cluster),
    };
    const user = cluster?.spec?.securityContext;
    if (!user || typeof user !== "object") return def;
    const out: Json = structuredClone(user);
    for (const k of ["seccompProfile", "capabilities", "privileged", "runAsNonRoot", "readOnlyRootFilesystem", "allowPrivilegeEscalation"])
        if (out[k] === undefined || out[k] === null) out[k] = def[k];
    return out;
}

/** Go's omitempty for the fields the builders may leave empty. */
export function compact(o: Record<string, unknown>): Json {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
        if (v === undefined || v === null || v === "") continue;
        if (Array.isArray(v) && v.length === 0) continue;
        if (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0 && k !== "resources" && k !== "emptyDir") continue;
        out[k] = v;
    }
    return out;
}

/** String map of a JSON object (labels, annotations). */
export const stringMap = (v: Json): Record<string, string> =>
    Object.fromEntries(Object.entries(v && typeof v === "object" ? v : {}).map(([k, x]) => [k, String(x)]));
