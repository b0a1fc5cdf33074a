/**
 * Cluster webhook checks of `spec.bootstrap` (initdb, import, recovery, pg_basebackup) at
 * cloudnative-pg v1.30.0, read on the defaulted Cluster (see clusterModel.ts).
 */
import type { ClusterView } from "./clusterModel";
import { CLUSTER_WH, type Finding, type Obj, list, num, opt, rec, type Rule, src, str, strList } from "./util";

type R = Rule<ClusterView>;
const f = (path: string, message: string): Finding => ({ path, message });
const bootstrap = (v: ClusterView): Obj => rec(v.spec.bootstrap);
const externalCluster = (v: ClusterView, name: string): Obj | undefined =>
    list(v.spec.externalClusters)
        .map(rec)
        .find((e) => str(e.name) === name);

const appDatabase: R = {
    id: "cnpg/cluster-bootstrap-app-database",
    description: "a bootstrap method names both the application database and its owner, or neither",
    source: src(CLUSTER_WH, 511),
    fix: "set both `database` and `owner` of the bootstrap method (the operator defaults both to `app` only when both are empty)",
    check: (v) =>
        (["initdb", "recovery", "pg_basebackup"] as const).flatMap((m) => {
            const b = opt(bootstrap(v)[m]);
            if (!b) return [];
            const db = str(b.database);
            const owner = str(b.owner);
            if (db && !owner) return [f(`spec.bootstrap.${m}.owner`, "You need to specify the database owner user")];
            if (!db && owner) return [f(`spec.bootstrap.${m}.database`, "You need to specify the database name")];
            return [];
        }),
};

const initdbOptions: R = {
    id: "cnpg/cluster-initdb-options",
    description: "initdb walSegmentSize is a power of 2; postInitApplicationSQLRefs entries name a key and a name",
    source: src(CLUSTER_WH, 317),
    fix: "use a power-of-two walSegmentSize (MB) and give every SQL ref both `name` and `key`",
    check: (v) => {
        const i = opt(bootstrap(v).initdb);
        if (!i) return [];
        const out: Finding[] = [];
        const w = num(i.walSegmentSize);
        if (w !== 0 && !(w > 0 && (w & (w - 1)) === 0))
            out.push(f("spec.bootstrap.initdb.walSegmentSize", `walSegmentSize ${w}: WAL segment size must be a power of 2`));
        const refs = rec(i.postInitApplicationSQLRefs);
        for (const kind of ["secretRefs", "configMapRefs"] as const)
            for (const r of list(refs[kind]).map(rec))
                if (!str(r.name) || !str(r.key))
                    out.push(f(`spec.bootstrap.initdb.postInitApplicationSQLRefs.${kind}`, "key and name must be specified"));
        return out;
    },
};

const initdbImport: R = {
    id: "cnpg/cluster-initdb-import",
    description:
        "initdb.import is of type microservice (one database, no roles, no wildcard) or monolith (wildcards alone, no postImportApplicationSQL)",
    source: src(CLUSTER_WH, 368),
    fix: "follow the import type's rules (CloudNativePG docs, 'Importing Postgres databases')",
    check: (v) => {
        const imp = opt(rec(bootstrap(v).initdb).import);
        if (!imp) return [];
        const p = "spec.bootstrap.initdb.import";
        const dbs = strList(imp.databases);
        const roles = strList(imp.roles);
        const out: Finding[] = [];
        switch (str(imp.type)) {
            case "microservice":
                if (dbs.length !== 1)
                    out.push(f(`${p}.databases`, "You need to specify a single database for the `microservice` import type"));
                if (roles.length !== 0) out.push(f(`${p}.roles`, "You cannot specify roles to import for the `microservice` import type"));
                if (dbs.length === 1 && dbs[0].includes("*"))
                    out.push(f(`${p}.databases[0]`, "You cannot specify any wildcard for the `microservice` import type"));
                return out;
            case "monolith":
                if (dbs.length < 1) out.push(f(`${p}.databases`, "You need to specify at least a database for the `monolith` import type"));
                if (dbs.length > 1 && dbs.includes("*"))
                    out.push(f(`${p}.databases`, "Wildcard import cannot be used along other database names"));
                if (roles.length > 1 && roles.includes("*"))
                    out.push(f(`${p}.roles`, "Wildcard import cannot be used along other role names"));
                if (list(imp.postImportApplicationSQL).length > 0)
                    out.push(f(`${p}.postImportApplicationSQL`, "postImportApplicationSQL is not allowed for the `monolith` import type"));
                return out;
            default:
                return [f(`${p}.type`, `${str(imp.type)}: Unrecognized import type`)];
        }
    },
};

const singleMethod: R = {
    id: "cnpg/cluster-bootstrap-single-method",
    description: "at most one of initdb, recovery and pg_basebackup",
    source: src(CLUSTER_WH, 617),
    fix: "keep a single bootstrap method",
    check: (v) => {
        const b = bootstrap(v);
        const n = ["initdb", "recovery", "pg_basebackup"].filter((m) => opt(b[m])).length;
        return n > 1 ? [f("spec.bootstrap", "Only one bootstrap method can be specified at a time")] : [];
    },
};

const pgBaseBackupSource: R = {
    id: "cnpg/cluster-pg-basebackup-source",
    description: "bootstrap.pg_basebackup.source names an entry of spec.externalClusters",
    source: src(CLUSTER_WH, 640),
    fix: "add the source server to spec.externalClusters (same name) or correct pg_basebackup.source",
    check: (v) => {
        const b = opt(bootstrap(v).pg_basebackup);
        if (!b || externalCluster(v, str(b.source))) return [];
        return [f("spec.bootstrap.pg_basebackup.source", `External cluster ${str(b.source)} not found`)];
    },
};

const recoverySource: R = {
    id: "cnpg/cluster-recovery-source",
    description: "bootstrap.recovery.source names an external cluster with connection parameters, a Barman object store or a plugin",
    source: src(CLUSTER_WH, 665),
    fix: "declare the recovery source in spec.externalClusters with barmanObjectStore, plugin or connectionParameters",
    check: (v) => {
        const r = opt(bootstrap(v).recovery);
        const name = str(r?.source);
        if (!r || !name) return [];
        const e = externalCluster(v, name);
        const out: Finding[] = [];
        if (!e) out.push(f("spec.bootstrap.recovery.source", `External cluster ${name} not found`));
        if (!opt(e?.connectionParameters) && !opt(e?.barmanObjectStore) && !opt(e?.plugin))
            out.push(
                f(
                    "spec.bootstrap.recovery.source",
                    `External cluster ${name} cannot be used for recovery: missing connection parameters, Barman, or CNPG-i configuration`,
                ),
            );
        return out;
    },
};

function snapshotSourceError(ref: unknown, path: string): Finding[] {
    const r = rec(ref);
    const group = str(r.apiGroup);
    const ok =
        (group === "snapshot.storage.k8s.io" && str(r.kind) === "VolumeSnapshot") ||
        (group === "" && str(r.kind) === "PersistentVolumeClaim");
    return ok ? [] : [f(path, "Only VolumeSnapshots and PersistentVolumeClaims are supported")];
}

const recoveryDataSource: R = {
    id: "cnpg/cluster-recovery-volume-snapshots",
    description:
        "recovery from volumeSnapshots: no backup, no backupID, VolumeSnapshot/PVC sources, walStorage when WALs come from a snapshot",
    source: src(CLUSTER_WH, 701),
    fix: "recover either from a backup or from volumeSnapshots, with VolumeSnapshot or PersistentVolumeClaim sources",
    check: (v) => {
        const r = opt(bootstrap(v).recovery);
        const vs = opt(r?.volumeSnapshots);
        if (!r || !vs) return [];
        const p = "spec.bootstrap.recovery";
        if (opt(r.backup)) return [f(`${p}.backup`, "Recovery from dataSource is not compatible with other types of recovery")];
        if (str(rec(r.recoveryTarget).backupID))
            return [f(`${p}.recoveryTarget.backupID`, "Cannot specify a backupID when recovering using a DataSource")];
        const out = snapshotSourceError(vs.storage, `${p}.storage`);
        if (opt(vs.walStorage)) {
            if (!opt(v.spec.walStorage))
                out.push(
                    f(`${p}.dataSource.walStorage`, "A WAL storage configuration is required when recovering using a DataSource for WALs"),
                );
            out.push(...snapshotSourceError(vs.walStorage, `${p}.dataSource.walStorage`));
        }
        return out;
    },
};

/** Accepts the formats of `types.ParseTargetTime` (lib/pq timestamps, RFC 3339 with or without zone). */
const TARGET_TIME = [
    /^\d+-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?)?(?:[+-]\d{2}(?::\d{2}){0,2}|Z)?(?: BC)?$/,
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/,
];

function parseHexUint64(v: string): boolean {
    return /^[0-9a-fA-F]+$/.test(v) && BigInt(`0x${v}`) <= 0xffffffffffffffffn;
}

const recoveryTarget: R = {
    id: "cnpg/cluster-recovery-target",
    description: "recoveryTarget: one target at most, valid time/LSN/XID/name/timeline, backupID with name/xid/immediate targets",
    source: src(CLUSTER_WH, 1414),
    fix: "keep a single, well-formed recovery target (and a backupID unless recovering from volume snapshots)",
    check: (v) => {
        const r = opt(bootstrap(v).recovery);
        const t = opt(r?.recoveryTarget);
        if (!r || !t) return [];
        const p = "spec.bootstrap.recovery.recoveryTarget";
        const [time, lsn, xid, name, tli] = [str(t.targetTime), str(t.targetLSN), str(t.targetXID), str(t.targetName), str(t.targetTLI)];
        const immediate = t.targetImmediate !== undefined && t.targetImmediate !== null;
        const out: Finding[] = [];
        if ([immediate, !!lsn, !!name, !!xid, !!time].filter(Boolean).length > 1)
            out.push(f(p, "Recovery target options are mutually exclusive"));
        if (time && !TARGET_TIME.some((re) => re.test(time))) out.push(f(p, `${time}: The format of TargetTime is invalid`));
        if (lsn) {
            const parts = lsn.split("/");
            if (parts.length !== 2 || !parts.every(parseHexUint64)) out.push(f(p, `${lsn}: Invalid TargetLSN`));
        }
        if (xid && !(/^\d+$/.test(xid) && Number(xid) <= 0xffffffff))
            out.push(f(`${p}.targetXID`, "recovery target xid must be a non-negative 32-bit integer"));
        if (Buffer.byteLength(name, "utf8") >= 64) out.push(f(`${p}.targetName`, "recovery target name must be shorter than 64 bytes"));
        if ([...name].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f))
            out.push(f(`${p}.targetName`, "recovery target name must not contain ASCII control characters"));
        if ((name || xid || immediate) && !opt(r.volumeSnapshots) && !str(t.backupID)) out.push(f(p, "BackupID is missing"));
        if (tli !== "" && tli !== "latest" && !(/^[+-]?\d+$/.test(tli) && Number(tli) >= 1))
            out.push(f(`${p}.targetTLI`, "recovery target timeline can be set to 'latest' or a positive integer"));
        return out;
    },
};

/** The bootstrap rules, in the order the webhook runs them. */
export const BOOTSTRAP_RULES: readonly R[] = [
    appDatabase,
    initdbOptions,
    initdbImport,
    singleMethod,
    recoveryTarget,
    pgBaseBackupSource,
    recoverySource,
    recoveryDataSource,
];
