/**
 * A Cluster as the validating webhook sees it: the API server applies the CRD defaults, then the
 * mutating webhook (`Cluster.Default`, api/v1/cluster_defaults.go:61) fills in the image, the
 * bootstrap, the PostgreSQL parameters and the replication slots, and only then the validating
 * webhook runs. The checks read this defaulted view, as upstream does.
 */
import type { Manifest } from "../types";
import { type Obj, opt, parseGoBool, rec, str, strMap } from "./util";

/** `versions.DefaultImageName` at 1.30.0 (pkg/versions/versions.go:29). */
export const DEFAULT_POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie";

/** `CnpgConfigurationSettings.GlobalDefaultSettings` (pkg/postgres/configuration.go:561). */
export const GLOBAL_DEFAULT_SETTINGS: Readonly<Record<string, string>> = {
    archive_timeout: "5min",
    dynamic_shared_memory_type: "posix",
    full_page_writes: "on",
    logging_collector: "on",
    log_destination: "csvlog",
    log_directory: "/controller/log",
    log_filename: "postgres",
    log_rotation_age: "0",
    log_rotation_size: "0",
    log_truncate_on_rotation: "false",
    max_parallel_workers: "32",
    max_worker_processes: "32",
    max_replication_slots: "32",
    shared_memory_type: "mmap",
    ssl_max_protocol_version: "TLSv1.3",
    ssl_min_protocol_version: "TLSv1.3",
    wal_keep_size: "512MB",
    wal_level: "logical",
    wal_log_hints: "on",
    wal_sender_timeout: "5s",
    wal_receiver_timeout: "5s",
    shared_preload_libraries: "",
};

/** `FixedConfigurationParameters` (pkg/postgres/configuration.go:487): fixed or blocked, the user may not set them. */
export const FIXED_PARAMETERS: ReadonlySet<string> = new Set(
    (
        "allow_system_table_mods archive_mode bonjour bonjour_name cluster_name config_file data_directory data_sync_retry " +
        "event_source external_pid_file hba_file hot_standby ident_file jit_provider listen_addresses logging_collector port " +
        "primary_conninfo primary_slot_name recovery_target recovery_target_action recovery_target_inclusive recovery_target_lsn " +
        "recovery_target_name recovery_target_time recovery_target_timeline recovery_target_xid restore_command " +
        "shared_preload_libraries temp_tablespaces unix_socket_directories unix_socket_group unix_socket_permissions " +
        "archive_cleanup_command archive_command log_destination log_directory log_file_mode log_filename log_rotation_age " +
        "log_rotation_size log_truncate_on_rotation pg_failover_slots.primary_dsn pg_failover_slots.standby_slot_names " +
        "promote_trigger_file recovery_end_command recovery_min_apply_delay restart_after_crash ssl ssl_ca_file ssl_cert_file " +
        "ssl_crl_file ssl_dh_params_file ssl_ecdh_curve ssl_key_file ssl_passphrase_command " +
        "ssl_passphrase_command_supports_reload ssl_prefer_server_ciphers stats_temp_directory synchronous_standby_names " +
        "synchronized_standby_slots syslog_facility syslog_ident syslog_sequence_numbers syslog_split_messages"
    ).split(" "),
);

export interface ClusterView {
    readonly name: string;
    readonly annotations: Readonly<Record<string, string>>;
    /** The spec after CRD defaults and `Cluster.Default`. */
    readonly spec: Obj;
    /** `spec.postgresql.parameters` after defaulting (defaults + user settings + archive_mode). */
    readonly params: Readonly<Record<string, string>>;
    /** PostgreSQL major from the image tag or the catalog; undefined when the tag is not a version. */
    readonly major: number | undefined;
    readonly replica: boolean;
    readonly instances: number;
    /** `cnpg.io/skipWalArchiving: enabled`. */
    readonly walArchivingDisabled: boolean;
}

/** `reference.New(name)` of cloudnative-pg/machinery v0.5.0 pkg/image/reference/imagename.go: tag and digest. */
export function imageReference(name: string): { tag: string; digest: string } {
    let n = name;
    if (!n.includes("/")) n = `docker.io/library/${n}`;
    else if (!/^[^./:]+((\.[^./:]+)+(:[0-9]+)?|:[0-9]+)\//.test(n)) n = `docker.io/${n}`;
    let digest = "";
    const d = /@sha256:([a-fA-F0-9]+)$/.exec(n);
    if (d) {
        digest = d[1];
        n = n.slice(0, -d[0].length);
    }
    const t = /:([^/]+)$/.exec(n);
    if (t) return { tag: t[1], digest };
    return { tag: digest ? "" : "latest", digest };
}

/** `version.FromTag` (machinery v0.5.0 pkg/postgres/version/version.go): the major, or undefined. */
export function majorFromTag(tag: string): number | undefined {
    const m = /^(\d\.?)+/.exec(tag);
    if (!m) return undefined;
    const [major, minor] = m[0].split(".");
    if (!/^[+-]?\d+$/.test(major)) return undefined;
    if (minor !== undefined && !/^[+-]?\d+$/.test(minor)) return undefined;
    return Number(major);
}

/** `Cluster.IsReplica` (api/v1/cluster_funcs.go:1087). */
export function isReplicaCluster(spec: Obj, name: string): boolean {
    const r = opt(spec.replica);
    if (!r) return false;
    if (typeof r.enabled === "boolean") return r.enabled;
    return (str(r.self) || name) !== str(r.primary);
}

/**
 * `CreatePostgresqlConfiguration` (pkg/postgres/configuration.go:707) without the mandatory
 * settings: defaults, then user settings (fixed ones only when `keepFixed`), then archive_mode.
 */
export function postgresConfiguration(
    user: Readonly<Record<string, string>>,
    keepFixed: boolean,
    replica: boolean,
    walArchivingDisabled: boolean,
): Record<string, string> {
    const out: Record<string, string> = { ...GLOBAL_DEFAULT_SETTINGS };
    for (const [k, v] of Object.entries(user)) if (keepFixed || !FIXED_PARAMETERS.has(k)) out[k] = v;
    out.archive_mode = walArchivingDisabled ? "off" : replica ? "always" : "on";
    return out;
}

function defaultBootstrap(spec: Obj): void {
    const b = rec(spec.bootstrap);
    spec.bootstrap = b;
    const withDb = (m: Obj): void => {
        if (!str(m.database)) m.database = "app";
        if (!str(m.owner)) m.owner = m.database;
    };
    if (opt(b.recovery)) withDb(rec(b.recovery));
    else if (opt(b.pg_basebackup)) withDb(rec(b.pg_basebackup));
    else {
        const i = opt(b.initdb) ?? { database: "app", owner: "app" };
        b.initdb = i;
        if (!str(i.database) && str(rec(i.import).type) !== "monolith") i.database = "app";
        if (!str(i.owner)) i.owner = i.database;
    }
}

function defaultReplicationSlots(spec: Obj): void {
    const rs = rec(spec.replicationSlots);
    spec.replicationSlots = rs;
    if (!opt(rs.highAvailability)) rs.highAvailability = { enabled: true, slotPrefix: "_cnpg_" };
    if (!opt(rs.synchronizeReplicas)) rs.synchronizeReplicas = { enabled: true };
}

/** The defaulted view of a Cluster manifest. */
export function viewCluster(o: Manifest): ClusterView {
    const name = str(o.metadata?.name);
    const annotations = strMap(o.metadata?.annotations);
    const spec = structuredClone(rec(o.spec));
    if (spec.instances === undefined) spec.instances = 1; // CRD default
    if (!str(spec.imageName) && !opt(spec.imageCatalogRef)) spec.imageName = DEFAULT_POSTGRES_IMAGE;
    defaultBootstrap(spec);
    const affinity = rec(spec.affinity);
    spec.affinity = affinity;
    if (affinity.enablePodAntiAffinity !== false && !str(affinity.podAntiAffinityType)) affinity.podAntiAffinityType = "preferred";
    const catalog = opt(spec.imageCatalogRef);
    const major = catalog ? Number(catalog.major) : majorFromTag(imageReference(str(spec.imageName)).tag);
    const replica = isReplicaCluster(spec, name);
    const walArchivingDisabled = annotations["cnpg.io/skipWalArchiving"] === "enabled";
    const pg = rec(spec.postgresql);
    spec.postgresql = pg;
    let params = strMap(pg.parameters);
    if (major !== undefined) params = postgresConfiguration(params, true, replica, walArchivingDisabled);
    pg.parameters = params;
    defaultReplicationSlots(spec);
    const sync = opt(pg.synchronous);
    const quorum = parseGoBool(annotations["alpha.cnpg.io/failoverQuorum"] ?? "");
    if (sync && quorum !== undefined) sync.failoverQuorum = quorum;
    return { name, annotations, spec, params, major, replica, instances: Number(spec.instances), walArchivingDisabled };
}
