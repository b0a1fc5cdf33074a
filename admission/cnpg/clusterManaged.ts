/**
 * Cluster webhook checks of managed roles and services, backup (Barman object store, retention),
 * plugins, environment and LDAP at cloudnative-pg v1.30.0; the Barman checks come from
 * cloudnative-pg/barman-cloud v0.5.1 (pkg/api/webhooks/config.go, pkg/api/config.go, pkg/utils/barman.go).
 */
import type { ClusterView } from "./clusterModel";
import { CLUSTER_WH, type Finding, type Obj, list, opt, rec, type Rule, src, str } from "./util";

type R = Rule<ClusterView>;
const f = (path: string, message: string): Finding => ({ path, message });
const BARMAN = "barman-cloud v0.5.1";

/** `IsRoleReserved` (pkg/postgres/roles.go). */
const reservedRole = (n: string): boolean => n === "streaming_replica" || n === "postgres" || n.startsWith("cnpg_") || n.startsWith("pg_");
/** `IsReservedEnvironmentVariable` (pkg/postgres/environment.go). */
export const reservedEnv = (n: string): boolean => {
    const u = n.toUpperCase();
    return u.startsWith("CNPG_") || u.startsWith("PG") || ["POD_NAME", "NAMESPACE", "CLUSTER_NAME"].includes(u);
};

const managedRoles: R = {
    id: "cnpg/cluster-managed-roles",
    description:
        "managed roles: unique names, not reserved (postgres, streaming_replica, cnpg_*, pg_*), connectionLimit >= -1, not both a password and disablePassword",
    source: src(CLUSTER_WH, 2563),
    fix: "rename or fix the role in spec.managed.roles (components/data/databaseRoles.ts)",
    check: (v) => {
        const seen = new Set<string>();
        return list(rec(v.spec.managed).roles).flatMap((x) => {
            const r = rec(x);
            const name = str(r.name);
            const out: Finding[] = [];
            const p = "spec.managed.roles";
            if (seen.has(name)) out.push(f(p, `${name}: Role name is duplicate of another`));
            seen.add(name);
            const limit = r.connectionLimit === undefined || r.connectionLimit === null ? -1 : Number(r.connectionLimit);
            if (limit !== -1 && limit < 0) out.push(f(p, `${limit}: Connection limit should be positive, unless defaulting to -1`));
            if (reservedRole(name)) out.push(f(p, `${name}: This role is reserved for operator use`));
            if (r.disablePassword === true && opt(r.passwordSecret)) out.push(f(p, `${name}: This role both sets and disables a password`));
            return out;
        });
    },
};

const managedServices: R = {
    id: "cnpg/cluster-managed-services",
    description: "managed services: rw never disabled; additional services named, not `<cluster>-rw/-ro/-r/-any`, unique, without selector",
    source: src(CLUSTER_WH, 2470),
    fix: "rename the additional service and drop its selector",
    check: (v) => {
        const s = opt(rec(v.spec.managed).services);
        if (!s) return [];
        const p = "spec.managed.services";
        const reserved = ["-rw", "-ro", "-r", "-any"].map((x) => v.name + x);
        const out: Finding[] = [];
        if (list(s.disabledDefaultServices).map(str).includes("rw"))
            out.push(f(`${p}.disabledDefaultServices`, "service of type RW cannot be disabled."));
        const names = list(s.additional).map((x, i) => {
            const t = rec(rec(x).serviceTemplate);
            const name = str(rec(t.metadata).name);
            const path = `${p}.additional[${i}]`;
            if (reserved.includes(name)) out.push(f(path, `the service name: '${name}' is reserved for operator use`));
            if (Object.keys(rec(rec(t.spec).selector)).length > 0) out.push(f(path, "selector field is managed by the operator"));
            if (!name) out.push(f(path, "name is required"));
            return name;
        });
        if (new Set(names).size !== names.length) out.push(f(`${p}.additional`, "contains services with the same .metadata.name"));
        return out;
    },
};

function azureErrors(a: Obj, p: string): Finding[] {
    const methods = [
        a.inheritFromAzureAD === true,
        a.useDefaultAzureCredentials === true,
        !!opt(a.storageKey),
        !!opt(a.storageSasToken),
    ].filter(Boolean).length;
    const cs = !!opt(a.connectionString);
    const out: Finding[] = [];
    if (methods !== 1 && !cs)
        out.push(
            f(
                p,
                "when connection string is not specified, one and only one of storage key, storage SAS token, Azure AD authentication, or default Azure credentials is required",
            ),
        );
    if ((methods !== 0 || opt(a.storageAccount)) && cs)
        out.push(f(p, "when connection string is specified, the other parameters must be empty"));
    if ((opt(a.storageKey) || opt(a.storageSasToken)) && !opt(a.storageAccount))
        out.push(f(p, "storage account must be specified when using storage key or SAS token"));
    return out;
}

function s3Errors(s: Obj, p: string): Finding[] {
    const out: Finding[] = [];
    let n = s.inheritFromIAMRole === true ? 1 : 0;
    const [id, secret] = [!!opt(s.accessKeyId), !!opt(s.secretAccessKey)];
    if (id && secret) n++;
    else if (id || secret) {
        n++;
        out.push(f(p, "when using AWS credentials both accessKeyId and secretAccessKey must be provided"));
    }
    if (n === 0) out.push(f(p, "at least one AWS authentication method should be supplied"));
    if (n > 1) out.push(f(p, "only one AWS authentication method should be supplied"));
    return out;
}

function gcsErrors(g: Obj): Finding[] {
    const p = "spec.backupConfiguration.googleCredentials"; // the path barman-cloud reports
    const [gke, creds] = [g.gkeEnvironment === true, !!opt(g.applicationCredentials)];
    if (!gke && !creds) return [f(p, "if gkeEnvironment is false, secret with credentials must be provided")];
    if (gke && creds) return [f(p, "if gkeEnvironment is true, secret with credentials must not be provided")];
    return [];
}

const backupCredentials: R = {
    id: "cnpg/cluster-backup-credentials",
    description: "backup.barmanObjectStore has exactly one of s3Credentials, azureCredentials, googleCredentials, each complete",
    source: src(CLUSTER_WH, 2294, `${BARMAN} pkg/api/webhooks/config.go:55`),
    fix: "give the object store one complete set of credentials (e.g. s3Credentials with accessKeyId and secretAccessKey, or inheritFromIAMRole)",
    check: (v) => {
        const b = opt(rec(v.spec.backup).barmanObjectStore);
        if (!b) return [];
        const p = "spec.backup.barmanObjectStore";
        const [az, s3, gcs] = [opt(b.azureCredentials), opt(b.s3Credentials), opt(b.googleCredentials)];
        // barman-cloud keeps only the last provider's errors (it assigns, not appends), then counts.
        let out: Finding[] = [];
        if (az) out = azureErrors(az, `${p}.azureCredentials`);
        if (s3) out = s3Errors(s3, `${p}.s3Credentials`);
        if (gcs) out = gcsErrors(gcs);
        const n = [az, s3, gcs].filter(Boolean).length;
        if (n === 0)
            out.push(f(p, "missing credentials. One and only one of azureCredentials, s3Credentials and googleCredentials are required"));
        if (n > 1)
            out.push(f(p, "too many credentials. One and only one of azureCredentials, s3Credentials and googleCredentials are required"));
        return out;
    },
};

const retentionPolicy: R = {
    id: "cnpg/cluster-retention-policy",
    description: "backup.retentionPolicy ends in <n>d, <n>w or <n>m",
    source: src(CLUSTER_WH, 2305, `${BARMAN} pkg/utils/barman.go:26`),
    fix: "write the retention as a number of days/weeks/months, e.g. `30d`",
    check: (v) => {
        const r = str(rec(v.spec.backup).retentionPolicy);
        return r && !/([1-9][0-9]*)([dwm])$/.test(r) ? [f("spec.backup.retentionPolicy", `${r}: not a valid retention policy`)] : [];
    },
};

const plugins: R = {
    id: "cnpg/cluster-plugins",
    description: "at most one enabled WAL-archiver plugin, and none alongside backup.barmanObjectStore",
    source: src(CLUSTER_WH, 2901),
    fix: "archive WAL either with the in-tree barmanObjectStore or with one plugin",
    check: (v) => {
        const archivers = list(v.spec.plugins)
            .map(rec)
            .filter((p) => p.enabled !== false && p.isWALArchiver === true)
            .map((p) => str(p.name));
        const out: Finding[] = [];
        if (opt(rec(v.spec.backup).barmanObjectStore) && archivers.length > 0)
            out.push(f("spec.plugins", `${archivers.join(",")}: Cannot enable a WAL archiver plugin when barmanObjectStore is configured`));
        if (archivers.length > 1) out.push(f("spec.plugins", `${archivers.join(",")}: Cannot enable more than one WAL archiver plugin`));
        return out;
    },
};

const env: R = {
    id: "cnpg/cluster-env",
    description: "spec.env sets no variable reserved for the operator (CNPG_*, PG*, POD_NAME, NAMESPACE, CLUSTER_NAME)",
    source: src(CLUSTER_WH, 284),
    fix: "rename the environment variable",
    check: (v) =>
        list(v.spec.env)
            .map((e) => str(rec(e).name))
            .flatMap((n, i) =>
                reservedEnv(n)
                    ? [f(`spec.env[${i}].name`, `${n}: the usage of this environment variable is reserved for the operator`)]
                    : [],
            ),
};

const ldap: R = {
    id: "cnpg/cluster-ldap",
    description: "postgresql.ldap has a server and uses bind or bind+search, not both",
    source: src(CLUSTER_WH, 261),
    fix: "set ldap.server and keep one of bindAsAuth / bindSearchAuth",
    check: (v) => {
        const l = opt(rec(v.spec.postgresql).ldap);
        if (!l) return [];
        const out: Finding[] = [];
        if (!str(l.server)) out.push(f("spec.postgresql.ldap", "ldap server cannot be empty if any other ldap parameters are specified"));
        if (opt(l.bindSearchAuth) && opt(l.bindAsAuth))
            out.push(f("spec.postgresql.ldap", "only bind+search or bind method can be specified"));
        return out;
    },
};

/** The managed/backup rules. */
export const MANAGED_RULES: readonly R[] = [env, ldap, managedRoles, managedServices, backupCredentials, retentionPolicy, plugins];
