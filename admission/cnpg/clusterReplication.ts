/**
 * Cluster webhook checks of replica clusters, synchronous replication and replication slots at
 * cloudnative-pg v1.30.0 (internal/webhook/v1/cluster_webhook.go). Note the field is `spec.replica`
 * in JSON (the webhook's messages say `replicaCluster`).
 */
import { parsePgBool } from "./clusterConfig";
import type { ClusterView } from "./clusterModel";
import { CLUSTER_WH, type Finding, list, num, opt, parseGoBool, rec, type Rule, src, str, strList } from "./util";

type R = Rule<ClusterView>;
const f = (path: string, message: string): Finding => ({ path, message });
const hasExternal = (v: ClusterView, name: string): boolean => list(v.spec.externalClusters).some((e) => str(rec(e).name) === name);

const replicaMode: R = {
    id: "cnpg/cluster-replica-mode",
    description: "replica.enabled and replica.primary are exclusive; a new replica cluster bootstraps with pg_basebackup or recovery",
    source: src(CLUSTER_WH, 2115),
    fix: "bootstrap the replica cluster with pg_basebackup or recovery from its source, and use either enabled or primary",
    check: (v) => {
        const r = opt(v.spec.replica);
        if (!r) return [];
        const out: Finding[] = [];
        if (r.enabled !== undefined && r.enabled !== null && str(r.primary))
            out.push(f("spec.replica.enabled", "replica mode enabled is not compatible with the primary field"));
        const b = rec(v.spec.bootstrap);
        // The bootstrap check runs on creation only (no resourceVersion yet), as the rendered objects are.
        if (v.replica && !opt(b.pg_basebackup) && !opt(b.recovery))
            out.push(f("spec.replica", "replica mode bootstrap is compatible only with pg_basebackup or recovery"));
        return out;
    },
};

const replicaSources: R = {
    id: "cnpg/cluster-replica-external-clusters",
    description: "replica.source, replica.self and replica.primary name entries of spec.externalClusters",
    source: src(CLUSTER_WH, 2150),
    fix: "declare the referenced server in spec.externalClusters",
    check: (v) => {
        const r = opt(v.spec.replica);
        if (!r) return [];
        const out: Finding[] = [];
        if (!hasExternal(v, str(r.source))) out.push(f("spec.replica.source", `External cluster ${str(r.source)} not found`));
        for (const k of ["self", "primary"] as const)
            if (str(r[k]) && !hasExternal(v, str(r[k]))) out.push(f(`spec.replica.${k}`, `External cluster ${str(r[k])} not found`));
        return out;
    },
};

const TOKEN_FIELDS: [string, string][] = [
    ["latestCheckpointTimelineID", "LatestCheckpointTimelineID"],
    ["redoWalFile", "REDOWALFile"],
    ["databaseSystemIdentifier", "DatabaseSystemIdentifier"],
    ["latestCheckpointREDOLocation", "LatestCheckpointREDOLocation"],
    ["timeOfLatestCheckpoint", "TimeOfLatestCheckpoint"],
    ["operatorVersion", "OperatorVersion"],
];

/** `ParsePgControldataToken` + `IsValid` (pkg/utils/parser.go:209,330): the error, or undefined. */
function promotionTokenError(token: string): string | undefined {
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(token.replace(/[\r\n]/g, "")))
        return "Invalid promotionToken format: invalid promotion token (Base64 decoding failed)";
    let content: unknown;
    try {
        content = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    } catch {
        return "Invalid promotionToken format: invalid promotion token (JSON decoding failed)";
    }
    const c = content === null ? {} : content;
    if (typeof c !== "object" || Array.isArray(c) || TOKEN_FIELDS.some(([k]) => rec(c)[k] != null && typeof rec(c)[k] !== "string"))
        return "Invalid promotionToken format: invalid promotion token (JSON decoding failed)";
    const missing = TOKEN_FIELDS.find(([k]) => !str(rec(c)[k]));
    return missing ? `Invalid promotionToken content: invalid promotion token (${missing[1]} is empty)` : undefined;
}

const promotionToken: R = {
    id: "cnpg/cluster-promotion-token",
    description: "replica.promotionToken only on a primary cluster, without minApplyDelay, and a valid pg_controldata token",
    source: src(CLUSTER_WH, 2046),
    fix: "use the token printed by the demoted cluster's status, on the cluster being promoted",
    check: (v) => {
        const r = opt(v.spec.replica);
        const token = str(r?.promotionToken);
        if (!r || !token) return [];
        if (r.minApplyDelay != null) return [f("spec.replica.minApplyDelay", "minApplyDelay cannot be applied with a promotion token")];
        if (v.replica) return [f("spec.replica.promotionToken", "promotionToken is only allowed for primary clusters")];
        const err = promotionTokenError(token);
        return err ? [f("spec.replica.promotionToken", err)] : [];
    },
};

const synchronous: R = {
    id: "cnpg/cluster-synchronous",
    description:
        "synchronous: not with min/maxSyncReplicas, number < instances + standby names, failover quorum consistent (and its alpha annotation boolean)",
    source: src(CLUSTER_WH, 949),
    fix: "size spec.postgresql.synchronous.number to the instances, and use either it or min/maxSyncReplicas",
    check: (v) => {
        const s = opt(rec(v.spec.postgresql).synchronous);
        const out: Finding[] = [];
        const p = "spec.postgresql.synchronous";
        const names = s ? strList(s.standbyNamesPre).length + strList(s.standbyNamesPost).length : 0;
        if (s && num(s.number) >= v.instances + names)
            out.push(
                f(
                    p,
                    "Invalid synchronous configuration: the number of synchronous replicas must be less than the total number of instances and the provided standby names.",
                ),
            );
        const ann = v.annotations["alpha.cnpg.io/failoverQuorum"];
        if (ann !== undefined) {
            const q = parseGoBool(ann);
            if (q === undefined)
                out.push(
                    f("metadata.annotations.alpha.cnpg.io/failoverQuorum", "Invalid failoverQuorum annotation value, expected boolean."),
                );
            else if (q && !s) out.push(f(p, "Invalid failoverQuorum configuration: synchronous replication configuration is required."));
        }
        if (s && s.failoverQuorum === true && num(s.number) <= names)
            out.push(
                f(
                    p,
                    "Invalid failoverQuorum configuration: spec.postgresql.synchronous.number must be greater than the total number of instances in spec.postgresql.synchronous.standbyNamesPre and spec.postgresql.synchronous.standbyNamesPost to allow automatic failover.",
                ),
            );
        if (s && (num(v.spec.minSyncReplicas) > 0 || num(v.spec.maxSyncReplicas) > 0))
            out.push(f(p, "Can't have both legacy synchronous replica configuration and new one"));
        return out;
    },
};

/** Whether a Go (RE2) regexp compiles: JavaScript's parser, minus the constructs RE2 refuses. */
function compilesInGo(re: string): boolean {
    if (/\(\?<?[=!]|\\[1-9]/.test(re)) return false;
    try {
        new RegExp(re, "u");
        return true;
    } catch {
        return false;
    }
}

const usesFailoverSlots = (v: ClusterView): boolean => Object.keys(v.params).some((k) => k.startsWith("pg_failover_slots."));

const replicationSlots: R = {
    id: "cnpg/cluster-replication-slots",
    description: "synchronizeReplicas.excludePatterns compile; synchronizeLogicalDecoding and pg_failover_slots have their prerequisites",
    source: src(CLUSTER_WH, 2328),
    fix: "fix the regex, or enable hot_standby_feedback / sync_replication_slots (PostgreSQL 17+) / HA replication slots as required",
    check: (v) => {
        const rs = rec(v.spec.replicationSlots);
        const [ha, sr] = [rec(rs.highAvailability), rec(rs.synchronizeReplicas)];
        const out: Finding[] = [];
        if ((sr.enabled !== false || ha.enabled !== false) && !strList(sr.excludePatterns).every(compilesInGo))
            out.push(
                f(
                    "spec.replicationSlots.synchronizeReplicas.excludePatterns",
                    "Cannot configure synchronizeReplicas. Invalid regexes were found",
                ),
            );
        const hsf = parsePgBool(v.params.hot_standby_feedback ?? "") === true;
        if (ha.synchronizeLogicalDecoding === true && !usesFailoverSlots(v) && v.major !== undefined) {
            if (v.major < 17)
                out.push(
                    f(
                        "spec.replicationSlots.highAvailability.synchronizeLogicalDecoding",
                        "pg_failover_slots extension must be enabled to use synchronizeLogicalDecoding with Postgres versions < 17",
                    ),
                );
            else {
                if (!hsf)
                    out.push(
                        f(
                            "spec.postgresql.parameters.hot_standby_feedback",
                            "`hot_standby_feedback` must be enabled to enable `spec.replicationSlots.highAvailability.synchronizeLogicalDecoding`",
                        ),
                    );
                if (parsePgBool(v.params.sync_replication_slots ?? "") !== true)
                    out.push(
                        f(
                            "spec.postgresql.parameters.sync_replication_slots",
                            "either `sync_replication_slots` setting or pg_failover_slots extension must be enabled to enable `spec.replicationSlots.highAvailability.synchronizeLogicalDecoding`",
                        ),
                    );
            }
        }
        if (usesFailoverSlots(v)) {
            if (!hsf)
                out.push(
                    f(
                        "spec.postgresql.parameters.hot_standby_feedback",
                        "`hot_standby_feedback` must be enabled to use the pg_failover_slots extension",
                    ),
                );
            if (ha.enabled === false)
                out.push(f("spec.replicationSlots.highAvailability", "High Availability replication slots must be enabled"));
        }
        return out;
    },
};

/** The replication rules. */
export const REPLICATION_RULES: readonly R[] = [replicaMode, replicaSources, promotionToken, synchronous, replicationSlots];
