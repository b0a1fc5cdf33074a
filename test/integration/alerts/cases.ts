/**
 * promtool unit tests for prod's alerts, written by hand: for each alert the series that make
 * it fire (with the labels and annotations it must carry) and a quiet case just below its
 * threshold or before its `for` has passed. Evaluated every minute.
 */
const RUNBOOKS = "https://github.com/sysmanage/sysmanage-scaling/blob/main/docs/runbooks.md";
const NS = 'namespace="sysmanage"';

interface Expected {
    readonly exp_labels: Record<string, string>;
    readonly exp_annotations: Record<string, string>;
}

interface PromtoolTest {
    readonly interval: string;
    readonly input_series: { series: string; values: string }[];
    readonly alert_rule_test: { eval_time: string; alertname: string; exp_alerts: Expected[] }[];
}

const alert = (name: string, severity: string, labels: Record<string, string>, summary: string, description: string): Expected => ({
    exp_labels: { severity, namespace: "sysmanage", ...labels },
    exp_annotations: { summary, description, runbook_url: `${RUNBOOKS}#${name.toLowerCase()}` },
});

/** One alert: series, the time it is checked, what fires, and a quiet variant of the series. */
function both(
    name: string,
    at: string,
    firing: PromtoolTest["input_series"],
    expected: Expected[],
    quiet: PromtoolTest["input_series"],
    quietAt = at,
): PromtoolTest[] {
    return [
        { interval: "1m", input_series: firing, alert_rule_test: [{ eval_time: at, alertname: name, exp_alerts: expected }] },
        { interval: "1m", input_series: quiet, alert_rule_test: [{ eval_time: quietAt, alertname: name, exp_alerts: [] }] },
    ];
}

const s = (series: string, values: string) => ({ series, values });

function autoscaling(): PromtoolTest[] {
    const hpa = (m: string, v: string, name = "sysmanage-api") => s(`${m}{${NS},horizontalpodautoscaler="${name}"}`, v);
    return [
        ...both(
            "SysmanageHpaAtMaxReplicas",
            "20m",
            [
                hpa("kube_horizontalpodautoscaler_status_current_replicas", "12x30"),
                hpa("kube_horizontalpodautoscaler_spec_max_replicas", "12x30"),
            ],
            [
                alert(
                    "SysmanageHpaAtMaxReplicas",
                    "warning",
                    { horizontalpodautoscaler: "sysmanage-api" },
                    "An HPA has been at maxReplicas for 15 minutes",
                    "sysmanage-api runs 12 replicas, its maximum: load beyond it queues or is served slower. Raise the bound (forecast guardrails) or find out why the load grew.",
                ),
            ],
            [
                hpa("kube_horizontalpodautoscaler_status_current_replicas", "11x30"),
                hpa("kube_horizontalpodautoscaler_spec_max_replicas", "12x30"),
            ],
        ),
        ...both(
            "SysmanageHpaMetricUnavailable",
            "15m",
            [
                s(
                    `kube_horizontalpodautoscaler_status_condition{${NS},horizontalpodautoscaler="sysmanage-worker-queue",condition="ScalingActive",status="false"}`,
                    "1x20",
                ),
            ],
            [
                alert(
                    "SysmanageHpaMetricUnavailable",
                    "critical",
                    { horizontalpodautoscaler: "sysmanage-worker-queue", condition: "ScalingActive", status: "false" },
                    "An HPA cannot read its metrics",
                    "sysmanage-worker-queue reports ScalingActive=false: a metric is <unknown> (prometheus-adapter, metrics-server or an exporter is down), so it cannot scale out.",
                ),
            ],
            [
                s(
                    `kube_horizontalpodautoscaler_status_condition{${NS},horizontalpodautoscaler="sysmanage-worker-queue",condition="ScalingActive",status="false"}`,
                    "0x20",
                ),
            ],
        ),
        ...both(
            "SysmanageReplicasNotReady",
            "20m",
            [
                hpa("kube_horizontalpodautoscaler_status_desired_replicas", "6x30"),
                s(`kube_deployment_status_replicas_available{${NS},deployment="sysmanage-api"}`, "4x30"),
            ],
            [
                alert(
                    "SysmanageReplicasNotReady",
                    "warning",
                    { horizontalpodautoscaler: "sysmanage-api" },
                    "Desired replicas have not been available for 15 minutes",
                    "sysmanage-api wants more pods than are available: pods pending (no capacity, quota), crashing or failing readiness.",
                ),
            ],
            [
                hpa("kube_horizontalpodautoscaler_status_desired_replicas", "6x30"),
                s(`kube_deployment_status_replicas_available{${NS},deployment="sysmanage-api"}`, "4x10 6x20"),
            ],
        ),
        ...both(
            "SysmanagePodCrashLooping",
            "20m",
            [s(`kube_pod_container_status_restarts_total{${NS},pod="sysmanage-api-7c9d",container="api"}`, "0+1x30")],
            [
                alert(
                    "SysmanagePodCrashLooping",
                    "warning",
                    { pod: "sysmanage-api-7c9d", container: "api" },
                    "A container keeps restarting",
                    "sysmanage-api-7c9d/api restarted 15 times in 15 minutes.",
                ),
            ],
            // Three restarts in 15 minutes is not a loop.
            [
                s(
                    `kube_pod_container_status_restarts_total{${NS},pod="sysmanage-api-7c9d",container="api"}`,
                    "0 0 0 0 0 1 1 1 1 1 2 2 2 2 2 3x20",
                ),
            ],
        ),
    ];
}

function workloads(): PromtoolTest[] {
    const bucket = (le: string, v: string, pod = "sysmanage-api-7c9d5b8f4-x2k4p") =>
        s(`http_request_duration_seconds_bucket{${NS},pod="${pod}",le="${le}"}`, v);
    // A Deployment whose name extends the API's: its pods are not the API's.
    const other = "sysmanage-api-canary-6b7c8d9f5-q7w2e";
    return [
        // 100 requests a minute: 20 within 0.5 s puts the 95th in (0.5, 1]: 0.5 + 75/80 × 0.5 = 0.96875.
        ...both(
            "SysmanageApiLatencyAboveTarget",
            "25m",
            [bucket("0.25", "0+10x30"), bucket("0.5", "0+20x30"), bucket("1", "0+100x30"), bucket("+Inf", "0+100x30")],
            [
                alert(
                    "SysmanageApiLatencyAboveTarget",
                    "warning",
                    {},
                    "The API's p95 latency is above its target",
                    "The API's p95 over all pods is 0.96875 s, above the 0.5 s the HPA targets per pod.",
                ),
            ],
            // 96 within 0.5 s: the 95th is 0.25 + 85/86 × 0.25 = 0.497; the other Deployment's slow pod is left out.
            [
                bucket("0.25", "0+10x30"),
                bucket("0.5", "0+96x30"),
                bucket("1", "0+100x30"),
                bucket("+Inf", "0+100x30"),
                bucket("0.25", "0+0x30", other),
                bucket("0.5", "0+0x30", other),
                bucket("1", "0+0x30", other),
                bucket("+Inf", "0+100x30", other),
            ],
        ),
        ...both(
            "SysmanageQueueBeyondCapacity",
            "20m",
            [s(`sysmanage_queue_length{${NS},queue="queue"}`, "250x30")],
            [
                alert(
                    "SysmanageQueueBeyondCapacity",
                    "warning",
                    { queue: "queue" },
                    "A queue is longer than its workers at maxReplicas are sized for",
                    "Queue queue holds 250 jobs; sysmanage-worker-queue at maxReplicas is sized for 200.",
                ),
            ],
            [s(`sysmanage_queue_length{${NS},queue="queue"}`, "200x30")],
        ),
    ];
}

function postgres(): PromtoolTest[] {
    const pg = (m: string, pod: string, v: string) => s(`${m}{${NS},pod="${pod}"}`, v);
    return [
        ...both(
            "SysmanagePostgresDown",
            "5m",
            [pg("cnpg_collector_up", "sysmanage-pg-2", "0x10")],
            [
                alert(
                    "SysmanagePostgresDown",
                    "critical",
                    { pod: "sysmanage-pg-2", cluster: "sysmanage-pg" },
                    "A Postgres instance does not answer its exporter",
                    "sysmanage-pg-2 of sysmanage-pg is down or refuses connections.",
                ),
            ],
            [pg("cnpg_collector_up", "sysmanage-pg-2", "1x10")],
        ),
        // CloudNativePG's name on one replica, postgres_exporter's on another.
        ...both(
            "SysmanagePostgresReplicationLag",
            "10m",
            [pg("cnpg_pg_replication_lag", "sysmanage-pg-2", "45x20"), pg("pg_replication_lag", "sysmanage-pg-3", "31x20")],
            [
                alert(
                    "SysmanagePostgresReplicationLag",
                    "warning",
                    { pod: "sysmanage-pg-2", cluster: "sysmanage-pg" },
                    "A Postgres replica is behind its primary",
                    "sysmanage-pg-2 of sysmanage-pg replays 45 s behind (its readers accept 30 s).",
                ),
                alert(
                    "SysmanagePostgresReplicationLag",
                    "warning",
                    { pod: "sysmanage-pg-3", cluster: "sysmanage-pg" },
                    "A Postgres replica is behind its primary",
                    "sysmanage-pg-3 of sysmanage-pg replays 31 s behind (its readers accept 30 s).",
                ),
            ],
            [pg("cnpg_pg_replication_lag", "sysmanage-pg-2", "30x20"), pg("cnpg_pg_replication_lag", "sysmanage-pg-analytics-1", "900x20")],
        ),
        ...both(
            "SysmanagePostgresPrimaryWithoutReplicas",
            "10m",
            [
                pg("cnpg_pg_replication_streaming_replicas", "sysmanage-pg-1", "0x20"),
                pg("cnpg_pg_replication_streaming_replicas", "sysmanage-pg-2", "0x20"),
            ],
            [
                alert(
                    "SysmanagePostgresPrimaryWithoutReplicas",
                    "critical",
                    { cluster: "sysmanage-pg" },
                    "The primary streams to no replica",
                    "sysmanage-pg has no streaming replica: a failover would lose writes and reads all land on the primary.",
                ),
            ],
            [
                pg("cnpg_pg_replication_streaming_replicas", "sysmanage-pg-1", "3x20"),
                pg("cnpg_pg_replication_streaming_replicas", "sysmanage-pg-2", "0x20"),
            ],
        ),
        // CloudNativePG's names, and postgres_exporter's (its pg_stat_archiver collector), each on its own pod.
        ...(
            [
                ["cnpg_pg_stat_archiver_seconds_since_last_archival", "cnpg_pg_stat_archiver_failed_count", "sysmanage-pg-1"],
                ["pg_stat_archiver_last_archive_age", "pg_stat_archiver_failed_count", "sysmanage-pg-2"],
            ] as const
        ).flatMap(([age, failed, pod]) =>
            both(
                "SysmanagePostgresArchiveFailing",
                "20m",
                [pg(age, pod, "1000+60x40"), pg(failed, pod, "0+1x40")],
                [
                    alert(
                        "SysmanagePostgresArchiveFailing",
                        "critical",
                        { pod, cluster: "sysmanage-pg" },
                        "WAL archiving fails",
                        `${pod} of sysmanage-pg has not archived WAL for 2200 s: pg_wal grows until the volume is full (PostgreSQL cannot cap it).`,
                    ),
                ],
                // A quiet hour with nothing to archive is not a failure.
                [pg(age, pod, "1000+60x40"), pg(failed, pod, "0x40")],
            ),
        ),
    ];
}

function poolers(): PromtoolTest[] {
    const rw = "sysmanage-pg-pooler-rw-5d8f7c9b6-x2k4p";
    const ro = "sysmanage-pg-pooler-ro-7f6e5d4c3-b9n8m";
    const p = (m: string, pod: string, v: string) => s(`${m}{${NS},pod="${pod}",database="sysmanage"}`, v);
    return [
        ...both(
            "SysmanagePoolerClientsWaiting",
            "5m",
            [p("cnpg_pgbouncer_pools_cl_waiting", rw, "3x10"), p("pgbouncer_waiting_clients", ro, "2x10")],
            [
                alert(
                    "SysmanagePoolerClientsWaiting",
                    "warning",
                    { pod: rw, pooler: "sysmanage-pg-pooler-rw" },
                    "Clients wait for a server connection at a pooler",
                    `3 clients wait at ${rw} (sysmanage-pg-pooler-rw): its pool is saturated; after query_wait_timeout they get errors.`,
                ),
                alert(
                    "SysmanagePoolerClientsWaiting",
                    "warning",
                    { pod: ro, pooler: "sysmanage-pg-pooler-ro" },
                    "Clients wait for a server connection at a pooler",
                    `2 clients wait at ${ro} (sysmanage-pg-pooler-ro): its pool is saturated; after query_wait_timeout they get errors.`,
                ),
            ],
            // Waiting for one minute only (less than the rule's 2m).
            [p("cnpg_pgbouncer_pools_cl_waiting", rw, "0 0 0 3 0x10")],
        ),
        ...both(
            "SysmanagePoolerNearConnectionBudget",
            "15m",
            [p("cnpg_pgbouncer_pools_sv_active", rw, "4x20"), p("cnpg_pgbouncer_pools_sv_idle", rw, "2x20")],
            [
                alert(
                    "SysmanagePoolerNearConnectionBudget",
                    "warning",
                    { pod: rw, pooler: "sysmanage-pg-pooler-rw" },
                    "A pooler pod uses 90 % of its server connections",
                    `${rw} holds 6 of its 6 server connections (max_db_connections, its share of the connection budget).`,
                ),
            ],
            [p("cnpg_pgbouncer_pools_sv_active", rw, "3x20"), p("cnpg_pgbouncer_pools_sv_idle", rw, "2x20")],
        ),
    ];
}

function redis(): PromtoolTest[] {
    const pod = "sysmanage-redis-leader-0";
    const r = (m: string, v: string, extra = "") => s(`${m}{${NS},pod="${pod}"${extra}}`, v);
    const one = (name: string, severity: string, summary: string, description: string) => [
        alert(name, severity, { pod, redis: "sysmanage-redis" }, summary, description),
    ];
    return [
        ...both(
            "SysmanageRedisDown",
            "5m",
            [r("redis_up", "0x10")],
            one("SysmanageRedisDown", "critical", "A Redis node does not answer its exporter", `${pod} is down.`),
            [r("redis_up", "1x10")],
        ),
        ...both(
            "SysmanageRedisClusterStateNotOk",
            "5m",
            [r("redis_cluster_state", "0x10")],
            one(
                "SysmanageRedisClusterStateNotOk",
                "critical",
                "The Redis Cluster reports cluster_state:fail",
                `${pod} sees slots uncovered: keys in them cannot be read or written.`,
            ),
            [r("redis_cluster_state", "1x10")],
        ),
        ...both(
            "SysmanageRedisMemoryHigh",
            "15m",
            [r("redis_memory_used_bytes", "900x20"), r("redis_memory_max_bytes", "1000x20")],
            one(
                "SysmanageRedisMemoryHigh",
                "warning",
                "A Redis node is close to its maxmemory",
                `${pod} uses 90% of maxmemory (the cache scales out above 80 %): evictions follow.`,
            ),
            [r("redis_memory_used_bytes", "790x20"), r("redis_memory_max_bytes", "1000x20")],
        ),
        ...both(
            "SysmanageRedisEvictingKeys",
            "25m",
            [r("redis_evicted_keys_total", "0+60x30")],
            one(
                "SysmanageRedisEvictingKeys",
                "warning",
                "Redis evicts keys with a TTL",
                `${pod} evicts 1 keys/s: cache keys and idle sessions with a TTL go before their time.`,
            ),
            [r("redis_evicted_keys_total", "100x30")],
        ),
        ...both(
            "SysmanageRedisMasterWithoutReplica",
            "15m",
            [r("redis_connected_slaves", "0x20"), r("redis_instance_info", "1x20", ',role="master",redis_version="7.2.4"')],
            one(
                "SysmanageRedisMasterWithoutReplica",
                "warning",
                "A Redis master has fewer replicas than configured",
                `${pod} has 0 replicas (want 1): losing it loses its shard's keys.`,
            ),
            [r("redis_connected_slaves", "1x20"), r("redis_instance_info", "1x20", ',role="master",redis_version="7.2.4"')],
        ),
    ];
}

/** Every case, and the alerts they cover. */
export function promtoolCases(): { tests: PromtoolTest[]; alerts: Set<string> } {
    const tests = [...autoscaling(), ...workloads(), ...postgres(), ...poolers(), ...redis()];
    return { tests, alerts: new Set(tests.flatMap((t) => t.alert_rule_test.map((a) => a.alertname))) };
}
