/**
 * The Pooler validating webhook of cloudnative-pg v1.30.0 (internal/webhook/v1/pooler_webhook.go).
 * The pooler `type` (rw/ro/r), `poolMode` and `instances` are CRD schema checks, not webhook ones.
 */
import type { Manifest } from "../types";
import { type Finding, type Obj, opt, POOLER_WH, rec, type Rule, src, str } from "./util";

/** What the pooler rules read. */
export interface PoolerView {
    readonly name: string;
    readonly spec: Obj;
}

export const viewPooler = (o: Manifest): PoolerView => ({ name: str(o.metadata?.name), spec: rec(o.spec) });

type R = Rule<PoolerView>;
const f = (path: string, message: string): Finding => ({ path, message });

/** `AllowedPgbouncerGenericConfigurationParameters` (pooler_webhook.go:39). */
export const ALLOWED_PGBOUNCER_PARAMETERS: ReadonlySet<string> = new Set(
    (
        "application_name_add_host auth_type autodb_idle_timeout cancel_wait_timeout client_idle_timeout client_login_timeout " +
        "client_tls_ciphers client_tls_sslmode client_tls13_ciphers default_pool_size disable_pqexec dns_max_ttl dns_nxdomain_ttl " +
        "idle_transaction_timeout ignore_startup_parameters listen_backlog log_connections log_disconnections log_pooler_errors " +
        "log_stats max_client_conn max_db_connections max_packet_size max_prepared_statements max_user_connections min_pool_size " +
        "pkt_buf query_timeout query_wait_timeout reserve_pool_size reserve_pool_timeout sbuf_loopcnt server_check_delay " +
        "server_check_query server_connect_timeout server_fast_close server_idle_timeout server_lifetime server_login_retry " +
        "server_reset_query server_reset_query_always server_round_robin server_tls_ciphers server_tls13_ciphers " +
        "server_tls_protocols server_tls_sslmode stats_period suspend_timeout tcp_defer_accept tcp_socket_buffer tcp_keepalive " +
        "tcp_keepcnt tcp_keepidle tcp_keepintvl tcp_user_timeout track_extra_parameters verbose"
    ).split(" "),
);

const secretName = (v: unknown): string => str(rec(v).name);

const pgbouncerRequired: R = {
    id: "cnpg/pooler-pgbouncer",
    description: "spec.pgbouncer is present",
    source: src(POOLER_WH, 195),
    fix: "add spec.pgbouncer (poolMode, parameters)",
    check: (v) => (opt(v.spec.pgbouncer) ? [] : [f("spec.pgbouncer", "required pgbouncer configuration")]),
};

const authQuery: R = {
    id: "cnpg/pooler-auth-query",
    description: "authQuery goes with authQuerySecret or serverTLSSecret, and vice versa",
    source: src(POOLER_WH, 209),
    fix: "set both authQuery and its secret, or neither (automated integration)",
    check: (v) => {
        const pb = opt(v.spec.pgbouncer);
        if (!pb) return [];
        const auth = !!secretName(pb.authQuerySecret) || !!secretName(pb.serverTLSSecret);
        if (auth && !str(pb.authQuery))
            return [f("spec.pgbouncer.authQuery", "must specify an auth query when providing an auth query secret")];
        if (!auth && str(pb.authQuery))
            return [
                f("spec.pgbouncer.authQuerySecret.name", "must specify an existing auth query secret when providing an auth query secret"),
            ];
        return [];
    },
};

const parameters: R = {
    id: "cnpg/pooler-pgbouncer-parameters",
    description: "spec.pgbouncer.parameters only uses the PgBouncer settings the operator allows",
    source: src(POOLER_WH, 308),
    fix: "drop the parameter (the operator manages it) or use one of the allowed PgBouncer settings",
    check: (v) =>
        Object.keys(rec(rec(v.spec.pgbouncer).parameters))
            .filter((k) => !ALLOWED_PGBOUNCER_PARAMETERS.has(k))
            .map((k) => f(`spec.pgbouncer.parameters.${k}`, `${k}: Invalid or reserved parameter`)),
};

const cluster: R = {
    id: "cnpg/pooler-cluster",
    description: "spec.cluster.name is set and differs from the Pooler's name",
    source: src(POOLER_WH, 231),
    fix: "reference the Cluster by name and give the Pooler a different name",
    check: (v) => {
        const c = str(rec(v.spec.cluster).name);
        const out: Finding[] = [];
        if (!c) out.push(f("spec.cluster.name", "must specify a cluster name"));
        if (c === v.name) out.push(f("metadata.name", `${v.name}: the pooler resource cannot have the same name of a cluster`));
        return out;
    },
};

const monitoringTls: R = {
    id: "cnpg/pooler-monitoring-tls",
    description: "metrics TLS with an operator-generated PodMonitor needs spec.pgbouncer.clientTLSSecret",
    source: src(POOLER_WH, 273),
    fix: "supply spec.pgbouncer.clientTLSSecret, or set spec.monitoring.enablePodMonitor=false and manage your own PodMonitor",
    check: (v) => {
        const m = rec(v.spec.monitoring);
        if (rec(m.tls).enabled !== true || m.enablePodMonitor !== true || secretName(rec(v.spec.pgbouncer).clientTLSSecret)) return [];
        return [
            f(
                "spec.pgbouncer.clientTLSSecret",
                "clientTLSSecret is required when spec.monitoring.tls.enabled is true and the operator-generated PodMonitor is enabled",
            ),
        ];
    },
};

/** The Pooler rules, in the webhook's order. */
/**
 * Not a webhook check, but a conflict the operators never resolve: the Pooler's Service takes the
 * Pooler's name (pkg/specs/pgbouncer/services.go:63) and the pooler controller patches an existing
 * Service of that name, while the Cluster controller owns `<cluster>-rw`, `-ro` and `-r`
 * (api/v1/cluster_funcs.go:705-717). Two controllers would rewrite one Service's selector.
 */
const serviceName: R = {
    id: "cnpg/pooler-service-name",
    description: "a Pooler is not named like one of its Cluster's own Services (<cluster>-rw, -ro, -r)",
    source: "cloudnative-pg v1.30.0 pkg/specs/pgbouncer/services.go:63; api/v1/cluster_funcs.go:705",
    fix: "name the Pooler apart from the Cluster's Services, e.g. <cluster>-pooler-rw (plan/dataTier.ts)",
    check: (v) => {
        const c = str(rec(v.spec.cluster).name);
        return c && ["-rw", "-ro", "-r"].some((s) => v.name === `${c}${s}`)
            ? [f("metadata.name", `Service ${v.name} belongs to Cluster ${c}; the Pooler's Service of the same name would take it over`)]
            : [];
    },
};

export const POOLER_RULES: readonly R[] = [pgbouncerRequired, authQuery, parameters, cluster, monitoringTls, serviceName];
