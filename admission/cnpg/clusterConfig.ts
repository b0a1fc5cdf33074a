/**
 * Cluster webhook checks of the PostgreSQL configuration (`validateConfiguration`,
 * cluster_webhook.go:1043, and `validateWalSizeConfiguration`, :1208) at cloudnative-pg v1.30.0.
 * When the major version cannot be read from the image, the webhook stops after the synchronous
 * check (the image rule reports the tag), so every rule here needs `major`.
 */
import { type ClusterView, FIXED_PARAMETERS, postgresConfiguration } from "./clusterModel";
import { formatBytes, parsePgSize, parseQuantity } from "./quantity";
import { CLUSTER_WH, type Finding, opt, rec, type Rule, src, strList } from "./util";

type R = Rule<ClusterView>;
const f = (path: string, message: string, fix?: string): Finding => ({ path, message, fix });
const P = "spec.postgresql.parameters";
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** `ParsePostgresConfigBoolean` (pkg/postgres/booleans.go). */
export function parsePgBool(v: string): boolean | undefined {
    const l = v.toLowerCase();
    if (["1", "on", "y", "ye", "yes", "t", "tr", "tru", "true"].includes(l)) return true;
    if (["0", "of", "off", "n", "no", "f", "fa", "fal", "fals", "false"].includes(l)) return false;
    return undefined;
}

/** The configuration the validation compares against: fixed user settings dropped. */
const sanitized = (v: ClusterView): Record<string, string> => postgresConfiguration(v.params, false, v.replica, v.walArchivingDisabled);

const version: R = {
    id: "cnpg/cluster-postgres-version",
    description: "PostgreSQL 13 or newer",
    source: src(CLUSTER_WH, 1064),
    fix: "use a PostgreSQL 13+ image (postgres image in components/data/postgresCluster.ts)",
    check: (v) =>
        v.major !== undefined && v.major < 13
            ? [f("spec.imageName", "Unsupported PostgreSQL version. Versions 13 or newer are supported")]
            : [],
};

const parameterName: R = {
    id: "cnpg/cluster-parameter-name",
    description: "parameter keys are GUC names, optionally namespaced with one dot",
    source: src(CLUSTER_WH, 1082),
    fix: "remove or rename the parameter (it is written verbatim into postgresql.conf)",
    check: (v) =>
        v.major === undefined
            ? []
            : Object.keys(v.params)
                  .sort()
                  .filter((k) => !PARAMETER_NAME.test(k))
                  .map((k) =>
                      f(
                          `${P}.${k}`,
                          "must be a valid PostgreSQL configuration parameter name (a GUC name, optionally namespaced with a single dot)",
                      ),
                  ),
};

const fixedParameter: R = {
    id: "cnpg/cluster-fixed-parameter",
    description: "no fixed or blocked parameter (archive_mode, listen_addresses, ssl*, log_* ...) unless equal to the operator's value",
    source: src(CLUSTER_WH, 1095),
    fix: "drop the parameter from spec.postgresql.parameters: the operator manages it",
    check: (v) => {
        if (v.major === undefined) return [];
        const s = sanitized(v);
        return Object.entries(v.params)
            .sort(([a], [b]) => a.localeCompare(b)) // Go iterates the map in random order
            .filter(([k, val]) => PARAMETER_NAME.test(k) && FIXED_PARAMETERS.has(k) && (!(k in s) || s[k] !== val))
            .map(([k, val]) => f(`${P}.${k}`, `${k}=${val}: Can't set fixed configuration parameter`));
    },
};

const walLevel: R = {
    id: "cnpg/cluster-wal-level",
    description:
        "wal_level is logical/replica/minimal, above minimal with archiving, replicas or a replica cluster, and max_wal_senders 0 when minimal",
    source: src(CLUSTER_WH, 1108),
    fix: "leave wal_level unset (logical) or set `replica`",
    check: (v) => {
        if (v.major === undefined) return [];
        const s = sanitized(v);
        const level = s.wal_level ?? "";
        const out: Finding[] = [];
        if (!["logical", "replica", "minimal"].includes(level))
            out.push(
                f(`${P}.wal_level`, `${level}: unrecognized \`wal_level\` value - allowed values: \`logical\`, \`replica\`, \`minimal\``),
            );
        else if ((v.instances > 1 || s.archive_mode !== "off" || v.replica) && level === "minimal")
            out.push(
                f(
                    `${P}.wal_level`,
                    "`wal_level` should be set at `logical` or `replica` when `archive_mode` is `on`, '.instances' field is greater than 1, or this is a replica cluster",
                ),
            );
        if (level === "minimal" && s.max_wal_senders !== "0")
            out.push(f(`${P}.max_wal_senders`, "`max_wal_senders` should be set at `0` when `wal_level` is `minimal`"));
        return out;
    },
};

const parameterValues: R = {
    id: "cnpg/cluster-parameter-value",
    description: "shared_buffers is a size; hot_standby_feedback, sync_replication_slots and wal_log_hints are PostgreSQL booleans",
    source: src(CLUSTER_WH, 1141),
    fix: "write sizes with a unit (`512MB`) and booleans as on/off",
    check: (v) => {
        if (v.major === undefined) return [];
        const out: Finding[] = [];
        const sb = v.params.shared_buffers;
        if (sb && parsePgSize(sb) === undefined)
            out.push(f(`${P}.shared_buffers`, `shared_buffers=${sb}: Invalid value for configuration parameter shared_buffers`));
        for (const k of ["hot_standby_feedback", "sync_replication_slots", "wal_log_hints"])
            if (k in v.params && parsePgBool(v.params[k]) === undefined)
                out.push(f(`${P}.${k}`, `${v.params[k]}: invalid \`${k}\` value. Must be a postgres boolean`));
        return out;
    },
};

const walLogHints: R = {
    id: "cnpg/cluster-wal-log-hints",
    description: "wal_log_hints stays on when instances > 1",
    source: src(CLUSTER_WH, 1167),
    fix: "remove wal_log_hints (default on)",
    check: (v) =>
        v.major !== undefined && parsePgBool(v.params.wal_log_hints ?? "") === false && v.instances > 1
            ? [f(`${P}.wal_log_hints`, "`wal_log_hints` must be set to `on` when `instances` > 1")]
            : [],
};

/** min/max WAL sizes as the webhook reads them (defaults 80MB and 1GB when unset or empty). */
function walSizes(v: ClusterView): { min: string; max: string; minB?: number; maxB?: number; hasMin: boolean; hasMax: boolean } {
    const min = v.params.min_wal_size || "80MB";
    const max = v.params.max_wal_size || "1GB";
    return { min, max, minB: parsePgSize(min), maxB: parsePgSize(max), hasMin: !!v.params.min_wal_size, hasMax: !!v.params.max_wal_size };
}

const WAL_FIX =
    "in this program min_wal_size is fixed at 1GB and max_wal_size is 40 % of postgres.walStorageSize (lib/data/postgresParams.ts): raise postgres.walStorageSize in Pulumi.<stack>.yaml to at least 3Gi, or derive min_wal_size below max_wal_size";

const walSizeValue: R = {
    id: "cnpg/cluster-wal-size-value",
    description: "min_wal_size and max_wal_size are PostgreSQL sizes (number + kB/MB/GB/TB, or a bare number of MB)",
    source: src(CLUSTER_WH, 1225),
    fix: "write the size with a unit ending in B (`1GB`, `819MB`)",
    check: (v) => {
        if (v.major === undefined) return [];
        const w = walSizes(v);
        const out: Finding[] = [];
        if (w.minB === undefined) out.push(f(`${P}.min_wal_size`, `${w.min}: Invalid value for configuration parameter min_wal_size`));
        if (w.maxB === undefined) out.push(f(`${P}.max_wal_size`, `${w.max}: Invalid value for configuration parameter max_wal_size`));
        return out;
    },
};

const walSizeOrder: R = {
    id: "cnpg/cluster-wal-size-order",
    description: "min_wal_size < max_wal_size, sizes read with binary units (1GB = 1024Mi)",
    source: src(CLUSTER_WH, 1250),
    fix: WAL_FIX,
    check: (v) => {
        if (v.major === undefined) return [];
        const w = walSizes(v);
        if (!w.minB || !w.maxB || w.minB < w.maxB) return [];
        return [
            f(
                `${P}.min_wal_size`,
                `min_wal_size ${w.min} (${formatBytes(w.minB)}) is not smaller than max_wal_size ${w.max} (${formatBytes(w.maxB)}): ` +
                    "Invalid vale. Parameter min_wal_size (default 80MB) should be smaller than parameter max_wal_size (default 1GB)",
            ),
        ];
    },
};

const walSizeVolume: R = {
    id: "cnpg/cluster-wal-size-volume",
    description: "min_wal_size and max_wal_size, when set, are smaller than the WAL volume (spec.walStorage.size)",
    source: src(CLUSTER_WH, 1265),
    fix: "raise postgres.walStorageSize (the WAL volume) or lower the WAL sizes in lib/data/postgresParams.ts",
    check: (v) => {
        if (v.major === undefined) return [];
        const ws = opt(v.spec.walStorage);
        const vol = ws ? parseQuantity(ws.size) : undefined;
        if (vol === undefined) return [];
        const w = walSizes(v);
        const out: Finding[] = [];
        if (w.hasMin && w.minB && w.minB >= vol)
            out.push(
                f(
                    `${P}.min_wal_size`,
                    `${w.min}: Invalid value. Parameter min_wal_size (default 80MB) should be smaller than WAL volume size`,
                ),
            );
        if (w.hasMax && w.maxB && w.maxB >= vol)
            out.push(
                f(
                    `${P}.max_wal_size`,
                    `${w.max}: Invalid value. Parameter max_wal_size (default 1GB) should be smaller than WAL volume size`,
                ),
            );
        return out;
    },
};

const syncElection: R = {
    id: "cnpg/cluster-sync-election-constraint",
    description: "syncReplicaElectionConstraint enabled only with nodeLabelsAntiAffinity",
    source: src(CLUSTER_WH, 1349),
    fix: "list node labels in nodeLabelsAntiAffinity or disable the constraint",
    check: (v) => {
        const c = rec(rec(v.spec.postgresql).syncReplicaElectionConstraint);
        if (v.major === undefined || c.enabled !== true || strList(c.nodeLabelsAntiAffinity).length > 0) return [];
        return [
            f(
                "spec.postgresql.syncReplicaElectionConstraint.nodeLabelsAntiAffinity",
                "Can't enable syncReplicaConstraints without passing labels for comparison inside nodeLabelsAntiAffinity",
            ),
        ];
    },
};

/** The configuration rules, in the order the webhook runs them. */
export const CONFIG_RULES: readonly R[] = [
    version,
    parameterName,
    fixedParameter,
    walLevel,
    parameterValues,
    walLogHints,
    walSizeValue,
    walSizeOrder,
    walSizeVolume,
    syncElection,
];
