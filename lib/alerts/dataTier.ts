/**
 * Alerts on the data tier. Each expression accepts both the series of the exporters the cluster
 * runs (CloudNativePG's instance and pooler exporters, `cnpg_*`; the redis-operator's
 * redis_exporter) and those of the community exporters (postgres_exporter's `pg_*`; the
 * pgbouncer exporters' `pgbouncer_waiting_clients` (Debian's prometheus-pgbouncer-exporter) and
 * `pgbouncer_pools_client_waiting_connections`), so the same rules run on either. Pure.
 */
import { alertRule, inNamespace, type AlertContext } from "./rule";
import { deploymentPods, instancePods, redisPods } from "../dashboards/promql";
import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";

export interface PostgresClusterAlerts {
    readonly name: string;
    /** Read replicas the cluster should stream to (0: no replica alerts). */
    readonly replicas: number;
    /** Seconds of replay lag that page: what the readers of this cluster accept. */
    readonly maxLagSeconds: number;
}

export interface PoolerAlerts {
    readonly name: string;
    /** Server connections one pod may open (max_db_connections). */
    readonly maxDbConnections: number;
}

export interface DataTierAlertInputs {
    readonly postgres: readonly PostgresClusterAlerts[];
    readonly poolers: readonly PoolerAlerts[];
    /** The cache and the session store. */
    readonly redis: readonly RedisAlerts[];
}

export interface RedisAlerts {
    readonly name: string;
    readonly replicasPerMaster: number;
    /** Share of maxmemory that warns (the seed's scale-out mark, 0.8). */
    readonly memoryHigh: number;
}

const metric = (...names: string[]) => `__name__=~"${names.join("|")}"`;

function postgresAlerts(ctx: AlertContext, clusters: readonly PostgresClusterAlerts[]): IRule[] {
    const ns = inNamespace(ctx);
    return clusters.flatMap((c) => [
        alertRule(ctx, {
            alert: "SysmanagePostgresDown",
            expr: `{${metric("cnpg_collector_up", "pg_up")},${ns},pod=~"${instancePods(c.name)}"} == 0`,
            for: "2m",
            severity: "critical",
            labels: { cluster: c.name },
            summary: "A Postgres instance does not answer its exporter",
            description: `{{ $labels.pod }} of ${c.name} is down or refuses connections.`,
        }),
        ...(c.replicas > 0
            ? [
                  alertRule(ctx, {
                      alert: "SysmanagePostgresReplicationLag",
                      expr: `max by (namespace, pod) ({${metric("cnpg_pg_replication_lag", "pg_replication_lag", "pg_replication_lag_seconds")},${ns},pod=~"${instancePods(c.name)}"}) > ${c.maxLagSeconds}`,
                      for: "5m",
                      severity: "warning",
                      labels: { cluster: c.name },
                      summary: "A Postgres replica is behind its primary",
                      description: `{{ $labels.pod }} of ${c.name} replays {{ $value }} s behind (its readers accept ${c.maxLagSeconds} s).`,
                  }),
                  alertRule(ctx, {
                      alert: "SysmanagePostgresPrimaryWithoutReplicas",
                      expr: `max by (namespace) ({${metric("cnpg_pg_replication_streaming_replicas")},${ns},pod=~"${instancePods(c.name)}"}) < 1`,
                      for: "5m",
                      severity: "critical",
                      labels: { cluster: c.name },
                      summary: "The primary streams to no replica",
                      description: `${c.name} has no streaming replica: a failover would lose writes and reads all land on the primary.`,
                  }),
              ]
            : []),
        alertRule(ctx, {
            alert: "SysmanagePostgresArchiveFailing",
            expr: `max by (namespace, pod) ({${metric("cnpg_pg_stat_archiver_seconds_since_last_archival", "pg_stat_archiver_last_archive_age")},${ns},pod=~"${instancePods(c.name)}"}) > 900 and on (namespace, pod) max by (namespace, pod) (increase({${metric("cnpg_pg_stat_archiver_failed_count", "pg_stat_archiver_failed_count")},${ns}}[15m])) > 0`,
            for: "15m",
            severity: "critical",
            labels: { cluster: c.name },
            summary: "WAL archiving fails",
            description: `{{ $labels.pod }} of ${c.name} has not archived WAL for {{ $value }} s: pg_wal grows until the volume is full (PostgreSQL cannot cap it).`,
        }),
    ]);
}

function poolerAlerts(ctx: AlertContext, poolers: readonly PoolerAlerts[]): IRule[] {
    const ns = inNamespace(ctx);
    return poolers.flatMap((p) => [
        alertRule(ctx, {
            alert: "SysmanagePoolerClientsWaiting",
            expr: `max by (namespace, pod) ({${metric("cnpg_pgbouncer_pools_cl_waiting", "pgbouncer_waiting_clients", "pgbouncer_pools_client_waiting_connections")},${ns},pod=~"${deploymentPods(p.name)}"}) > 0`,
            for: "2m",
            severity: "warning",
            labels: { pooler: p.name },
            summary: "Clients wait for a server connection at a pooler",
            description: `{{ $value }} clients wait at {{ $labels.pod }} (${p.name}): its pool is saturated; after query_wait_timeout they get errors.`,
        }),
        alertRule(ctx, {
            alert: "SysmanagePoolerNearConnectionBudget",
            expr: `sum by (namespace, pod) ({${metric("cnpg_pgbouncer_pools_sv_(active|idle|used|tested|login)", "pgbouncer_pools_server_(active|idle|used|testing|login)_connections")},${ns},pod=~"${deploymentPods(p.name)}"}) >= ${Math.ceil(p.maxDbConnections * 0.9)}`,
            for: "10m",
            severity: "warning",
            labels: { pooler: p.name },
            summary: "A pooler pod uses 90 % of its server connections",
            description: `{{ $labels.pod }} holds {{ $value }} of its ${p.maxDbConnections} server connections (max_db_connections, its share of the connection budget).`,
        }),
    ]);
}

function redisAlerts(ctx: AlertContext, r: RedisAlerts): IRule[] {
    const sel = `${inNamespace(ctx)},pod=~"${redisPods(r.name)}"`;
    const rules = [
        alertRule(ctx, {
            alert: "SysmanageRedisDown",
            expr: `redis_up{${sel}} == 0`,
            for: "2m",
            severity: "critical",
            labels: { redis: r.name },
            summary: "A Redis node does not answer its exporter",
            description: "{{ $labels.pod }} is down.",
        }),
        alertRule(ctx, {
            alert: "SysmanageRedisClusterStateNotOk",
            expr: `redis_cluster_state{${sel}} == 0`,
            for: "1m",
            severity: "critical",
            labels: { redis: r.name },
            summary: "The Redis Cluster reports cluster_state:fail",
            description: "{{ $labels.pod }} sees slots uncovered: keys in them cannot be read or written.",
        }),
        alertRule(ctx, {
            alert: "SysmanageRedisMemoryHigh",
            expr: `redis_memory_used_bytes{${sel}} / (redis_memory_max_bytes{${sel}} > 0) > ${r.memoryHigh}`,
            for: "10m",
            severity: "warning",
            labels: { redis: r.name },
            summary: "A Redis node is close to its maxmemory",
            description: `{{ $labels.pod }} uses {{ $value | humanizePercentage }} of maxmemory (the cache scales out above ${r.memoryHigh * 100} %): evictions follow.`,
        }),
        alertRule(ctx, {
            alert: "SysmanageRedisEvictingKeys",
            expr: `rate(redis_evicted_keys_total{${sel}}[5m]) > 0`,
            for: "15m",
            severity: "warning",
            labels: { redis: r.name },
            summary: "Redis evicts keys with a TTL",
            description: "{{ $labels.pod }} evicts {{ $value }} keys/s: cache keys and idle sessions with a TTL go before their time.",
        }),
    ];
    if (r.replicasPerMaster > 0)
        rules.push(
            alertRule(ctx, {
                alert: "SysmanageRedisMasterWithoutReplica",
                expr: `redis_connected_slaves{${sel}} < ${r.replicasPerMaster} and on (namespace, pod) redis_instance_info{${sel},role="master"}`,
                for: "10m",
                severity: "warning",
                labels: { redis: r.name },
                summary: "A Redis master has fewer replicas than configured",
                description: `{{ $labels.pod }} has {{ $value }} replicas (want ${r.replicasPerMaster}): losing it loses its shard's keys.`,
            }),
        );
    return rules;
}

export function dataTierAlerts(ctx: AlertContext, i: DataTierAlertInputs): IRule[] {
    return [...postgresAlerts(ctx, i.postgres), ...poolerAlerts(ctx, i.poolers), ...i.redis.flatMap((r) => redisAlerts(ctx, r))];
}
