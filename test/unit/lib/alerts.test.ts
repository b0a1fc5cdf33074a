/**
 * lib/alerts/*.ts (issue 20): the complete rules (alert, expr, for, labels, annotations) for small
 * hand-made inputs. Every expected string is written out by hand; only the runbook URL is joined by
 * a local helper, from an anchor written by hand.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";
import { alertRulesSpec, runbookAnchor, type AlertInputs } from "../../../lib/alerts";
import { autoscalingAlerts } from "../../../lib/alerts/autoscaling";
import { dataTierAlerts } from "../../../lib/alerts/dataTier";
import { forecastAlerts } from "../../../lib/alerts/forecast";
import { alertRule, inNamespace } from "../../../lib/alerts/rule";

const ctx = { namespace: "sm", runbookBaseUrl: "https://example.org/runbooks.md" };

/** The expected rule; `anchor` is the alert's name in lower case, written by hand. */
const rule = (
    anchor: string,
    r: { alert: string; expr: string; for: string; labels: Record<string, string>; summary: string; description: string },
): IRule => ({
    alert: r.alert,
    expr: r.expr,
    for: r.for,
    labels: r.labels,
    annotations: { summary: r.summary, description: r.description, runbook_url: `https://example.org/runbooks.md#${anchor}` },
});

const warning = { severity: "warning", namespace: "sm" };
const critical = { severity: "critical", namespace: "sm" };

// ---- autoscaling.ts -------------------------------------------------------------------------

const hpaAtMax = (hpas: string) =>
    rule("sysmanagehpaatmaxreplicas", {
        alert: "SysmanageHpaAtMaxReplicas",
        expr: `kube_horizontalpodautoscaler_status_current_replicas{namespace="sm",horizontalpodautoscaler=~"${hpas}"} >= on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas{namespace="sm"}`,
        for: "15m",
        labels: warning,
        summary: "An HPA has been at maxReplicas for 15 minutes",
        description:
            "{{ $labels.horizontalpodautoscaler }} runs {{ $value }} replicas, its maximum: load beyond it queues or is served slower. Raise the bound (forecast guardrails) or find out why the load grew.",
    });

const metricUnavailable = (expr: string) =>
    rule("sysmanagehpametricunavailable", {
        alert: "SysmanageHpaMetricUnavailable",
        expr,
        for: "10m",
        labels: critical,
        summary: "An HPA cannot read its metrics",
        description:
            "{{ $labels.horizontalpodautoscaler }} reports ScalingActive=false: a metric is <unknown> (prometheus-adapter, metrics-server or an exporter is down), so it cannot scale out.",
    });

const replicasNotReady = (expr: string) =>
    rule("sysmanagereplicasnotready", {
        alert: "SysmanageReplicasNotReady",
        expr,
        for: "15m",
        labels: warning,
        summary: "Desired replicas have not been available for 15 minutes",
        description:
            "{{ $labels.horizontalpodautoscaler }} wants more pods than are available: pods pending (no capacity, quota), crashing or failing readiness.",
    });

const crashLooping = rule("sysmanagepodcrashlooping", {
    alert: "SysmanagePodCrashLooping",
    expr: 'increase(kube_pod_container_status_restarts_total{namespace="sm"}[15m]) > 3',
    for: "5m",
    labels: warning,
    summary: "A container keeps restarting",
    description: "{{ $labels.pod }}/{{ $labels.container }} restarted {{ $value }} times in 15 minutes.",
});

/** No KEDA pool: one HPA named after its Deployment, the other with `hpa` equal to its name. */
const plainWorkloads = [
    { name: "web", maxReplicas: 5 },
    { name: "worker", maxReplicas: 3, hpa: "worker" },
];
const plainRules: IRule[] = [
    hpaAtMax("web|worker"),
    metricUnavailable(
        'kube_horizontalpodautoscaler_status_condition{namespace="sm",horizontalpodautoscaler=~"web|worker",condition="ScalingActive",status="false"} == 1',
    ),
    replicasNotReady(
        'kube_horizontalpodautoscaler_status_desired_replicas{namespace="sm",horizontalpodautoscaler=~"web|worker"} > on (namespace, horizontalpodautoscaler) label_replace(kube_deployment_status_replicas_available{namespace="sm"}, "horizontalpodautoscaler", "$1", "deployment", "(.*)")',
    ),
    crashLooping,
];

/** The API (its own HPA) and two pools KEDA scales to zero (HPAs keda-hpa-<name>). */
const kedaWorkloads = [
    { name: "api", maxReplicas: 10 },
    { name: "report", maxReplicas: 4, hpa: "keda-hpa-report" },
    { name: "cleanup", maxReplicas: 2, hpa: "keda-hpa-cleanup" },
];
const kedaRules: IRule[] = [
    hpaAtMax("api|keda-hpa-report|keda-hpa-cleanup"),
    metricUnavailable(
        'kube_horizontalpodautoscaler_status_condition{namespace="sm",horizontalpodautoscaler=~"api|keda-hpa-report|keda-hpa-cleanup",condition="ScalingActive",status="false"} == 1 unless on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_status_current_replicas{namespace="sm"} == 0',
    ),
    replicasNotReady(
        'kube_horizontalpodautoscaler_status_desired_replicas{namespace="sm",horizontalpodautoscaler=~"api|keda-hpa-report|keda-hpa-cleanup"} > on (namespace, horizontalpodautoscaler) (label_replace(kube_deployment_status_replicas_available{namespace="sm"}, "horizontalpodautoscaler", "$1", "deployment", "(.*)") or label_replace(kube_deployment_status_replicas_available{namespace="sm"}, "horizontalpodautoscaler", "keda-hpa-$1", "deployment", "(.*)"))',
    ),
    crashLooping,
    rule("sysmanagekedatriggererrors", {
        alert: "SysmanageKedaTriggerErrors",
        expr: 'sum by (exported_namespace, scaledObject) (rate(keda_scaled_object_errors_total{exported_namespace="sm",scaledObject=~"report|cleanup"}[5m])) > 0',
        for: "10m",
        labels: critical,
        summary: "KEDA cannot read the triggers of a pool that scales to zero",
        description:
            "KEDA fails to read the triggers of {{ $labels.scaledObject }} ({{ $value }} errors a second): at 0 pods the pool does not wake for new jobs, above 1 it does not scale. Check the Prometheus the triggers query (metrics.prometheusUrl) and `kubectl describe scaledobject`.",
    }),
    rule("sysmanageapilatencyabovetarget", {
        alert: "SysmanageApiLatencyAboveTarget",
        expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="sm",pod=~"api-[a-z0-9]+-[a-z0-9]+"}[5m]))) > 0.5',
        for: "15m",
        labels: warning,
        summary: "The API's p95 latency is above its target",
        description: "The API's p95 over all pods is {{ $value }} s, above the 0.5 s the HPA targets per pod.",
    }),
    rule("sysmanagequeuebeyondcapacity", {
        alert: "SysmanageQueueBeyondCapacity",
        expr: 'max by (queue) (sysmanage_queue_length{queue="reports"}) > 40',
        for: "15m",
        labels: { ...warning, queue: "reports" },
        summary: "A queue is longer than its workers at maxReplicas are sized for",
        description: "Queue reports holds {{ $value }} jobs; report at maxReplicas is sized for 40.",
    }),
];

describe("autoscaling alerts", () => {
    test("no KEDA pool, no API, no queue: the four HPA and pod rules, no awake filter, one available series", () => {
        assert.deepStrictEqual(autoscalingAlerts(ctx, { workloads: plainWorkloads, queues: [] }), plainRules);
    });

    test("KEDA pools, the API and a queue: the HPAs at 0 left out, both available series, KEDA's trigger errors on the pools only, latency and queue", () => {
        assert.deepStrictEqual(
            autoscalingAlerts(ctx, {
                workloads: kedaWorkloads,
                api: { deployment: "api", p95Seconds: 0.5 },
                queues: [{ deployment: "report", queue: "reports", maxQueueLength: 40 }],
            }),
            kedaRules,
        );
    });
});

// ---- dataTier.ts ----------------------------------------------------------------------------

const pgDown = (cluster: string) =>
    rule("sysmanagepostgresdown", {
        alert: "SysmanagePostgresDown",
        expr: `{__name__=~"cnpg_collector_up|pg_up",namespace="sm",pod=~"${cluster}-[0-9]+"} == 0`,
        for: "2m",
        labels: { ...critical, cluster },
        summary: "A Postgres instance does not answer its exporter",
        description: `{{ $labels.pod }} of ${cluster} is down or refuses connections.`,
    });

const pgArchive = (cluster: string) =>
    rule("sysmanagepostgresarchivefailing", {
        alert: "SysmanagePostgresArchiveFailing",
        expr: `max by (namespace, pod) ({__name__=~"cnpg_pg_stat_archiver_seconds_since_last_archival|pg_stat_archiver_last_archive_age",namespace="sm",pod=~"${cluster}-[0-9]+"}) > 900 and on (namespace, pod) max by (namespace, pod) (increase({__name__=~"cnpg_pg_stat_archiver_failed_count|pg_stat_archiver_failed_count",namespace="sm"}[15m])) > 0`,
        for: "15m",
        labels: { ...critical, cluster },
        summary: "WAL archiving fails",
        description: `{{ $labels.pod }} of ${cluster} has not archived WAL for {{ $value }} s: pg_wal grows until the volume is full (PostgreSQL cannot cap it).`,
    });

const postgresRules: IRule[] = [
    // main: 2 replicas, its readers accept 30 s.
    pgDown("main"),
    rule("sysmanagepostgresreplicationlag", {
        alert: "SysmanagePostgresReplicationLag",
        expr: 'max by (namespace, pod) ({__name__=~"cnpg_pg_replication_lag|pg_replication_lag|pg_replication_lag_seconds",namespace="sm",pod=~"main-[0-9]+"}) > 30',
        for: "5m",
        labels: { ...warning, cluster: "main" },
        summary: "A Postgres replica is behind its primary",
        description: "{{ $labels.pod }} of main replays {{ $value }} s behind (its readers accept 30 s).",
    }),
    rule("sysmanagepostgresprimarywithoutreplicas", {
        alert: "SysmanagePostgresPrimaryWithoutReplicas",
        expr: 'max by (namespace) ({__name__=~"cnpg_pg_replication_streaming_replicas",namespace="sm",pod=~"main-[0-9]+"}) < 1',
        for: "5m",
        labels: { ...critical, cluster: "main" },
        summary: "The primary streams to no replica",
        description: "main has no streaming replica: a failover would lose writes and reads all land on the primary.",
    }),
    pgArchive("main"),
    // analytics: no replica, so no lag and no replica-count rule.
    pgDown("analytics"),
    pgArchive("analytics"),
];

const poolerRules: IRule[] = [
    rule("sysmanagepoolerclientswaiting", {
        alert: "SysmanagePoolerClientsWaiting",
        expr: 'max by (namespace, pod) ({__name__=~"cnpg_pgbouncer_pools_cl_waiting|pgbouncer_waiting_clients|pgbouncer_pools_client_waiting_connections",namespace="sm",pod=~"pool-rw-[a-z0-9]+-[a-z0-9]+"}) > 0',
        for: "2m",
        labels: { ...warning, pooler: "pool-rw" },
        summary: "Clients wait for a server connection at a pooler",
        description:
            "{{ $value }} clients wait at {{ $labels.pod }} (pool-rw): its pool is saturated; after query_wait_timeout they get errors.",
    }),
    rule("sysmanagepoolernearconnectionbudget", {
        alert: "SysmanagePoolerNearConnectionBudget",
        // max_db_connections 25: 25 × 0.9 = 22.5, rounded up to 23 (25 / 0.9 would be 27.8 -> 28; floor 22).
        expr: 'sum by (namespace, pod) ({__name__=~"cnpg_pgbouncer_pools_sv_(active|idle|used|tested|login)|pgbouncer_pools_server_(active|idle|used|testing|login)_connections",namespace="sm",pod=~"pool-rw-[a-z0-9]+-[a-z0-9]+"}) >= 23',
        for: "10m",
        labels: { ...warning, pooler: "pool-rw" },
        summary: "A pooler pod uses 90 % of its server connections",
        description:
            "{{ $labels.pod }} holds {{ $value }} of its 25 server connections (max_db_connections, its share of the connection budget).",
    }),
];

const cacheSel = 'namespace="sm",pod=~"cache-(leader|follower)-[0-9]+"';
const sessionsSel = 'namespace="sm",pod=~"sessions-(leader|follower)-[0-9]+"';

const redisCommon = (redis: string, sel: string, percent: string, share: string): IRule[] => [
    rule("sysmanageredisdown", {
        alert: "SysmanageRedisDown",
        expr: `redis_up{${sel}} == 0`,
        for: "2m",
        labels: { ...critical, redis },
        summary: "A Redis node does not answer its exporter",
        description: "{{ $labels.pod }} is down.",
    }),
    rule("sysmanageredisclusterstatenotok", {
        alert: "SysmanageRedisClusterStateNotOk",
        expr: `redis_cluster_state{${sel}} == 0`,
        for: "1m",
        labels: { ...critical, redis },
        summary: "The Redis Cluster reports cluster_state:fail",
        description: "{{ $labels.pod }} sees slots uncovered: keys in them cannot be read or written.",
    }),
    rule("sysmanageredismemoryhigh", {
        alert: "SysmanageRedisMemoryHigh",
        expr: `redis_memory_used_bytes{${sel}} / (redis_memory_max_bytes{${sel}} > 0) > ${share}`,
        for: "10m",
        labels: { ...warning, redis },
        summary: "A Redis node is close to its maxmemory",
        description: `{{ $labels.pod }} uses {{ $value | humanizePercentage }} of maxmemory (the cache scales out above ${percent} %): evictions follow.`,
    }),
    rule("sysmanageredisevictingkeys", {
        alert: "SysmanageRedisEvictingKeys",
        expr: `rate(redis_evicted_keys_total{${sel}}[5m]) > 0`,
        for: "15m",
        labels: { ...warning, redis },
        summary: "Redis evicts keys with a TTL",
        description: "{{ $labels.pod }} evicts {{ $value }} keys/s: cache keys and idle sessions with a TTL go before their time.",
    }),
];

const redisRules: IRule[] = [
    // cache: memoryHigh 0.8 -> 0.8 × 100 = 80 % (0.8 / 100 would print 0.008).
    ...redisCommon("cache", cacheSel, "80", "0.8"),
    rule("sysmanageredismasterwithoutreplica", {
        alert: "SysmanageRedisMasterWithoutReplica",
        expr: `redis_connected_slaves{${cacheSel}} < 1 and on (namespace, pod) redis_instance_info{${cacheSel},role="master"}`,
        for: "10m",
        labels: { ...warning, redis: "cache" },
        summary: "A Redis master has fewer replicas than configured",
        description: "{{ $labels.pod }} has {{ $value }} replicas (want 1): losing it loses its shard's keys.",
    }),
    // sessions: no replica per master, so no replica rule; memoryHigh 0.75 -> 75 %.
    ...redisCommon("sessions", sessionsSel, "75", "0.75"),
];

const dataTierInputs = {
    postgres: [
        { name: "main", replicas: 2, maxLagSeconds: 30 },
        { name: "analytics", replicas: 0, maxLagSeconds: 300 },
    ],
    poolers: [{ name: "pool-rw", maxDbConnections: 25 }],
    redis: [
        { name: "cache", replicasPerMaster: 1, memoryHigh: 0.8 },
        { name: "sessions", replicasPerMaster: 0, memoryHigh: 0.75 },
    ],
};

describe("data tier alerts", () => {
    test("clusters with and without replicas, a pooler at 90 % of 25, Redis with and without replicas: every rule in order", () => {
        assert.deepStrictEqual(dataTierAlerts(ctx, dataTierInputs), [...postgresRules, ...poolerRules, ...redisRules]);
    });

    test("each kind on its own, and nothing for nothing", () => {
        assert.deepStrictEqual(dataTierAlerts(ctx, { postgres: dataTierInputs.postgres, poolers: [], redis: [] }), postgresRules);
        assert.deepStrictEqual(dataTierAlerts(ctx, { postgres: [], poolers: dataTierInputs.poolers, redis: [] }), poolerRules);
        assert.deepStrictEqual(dataTierAlerts(ctx, { postgres: [], poolers: [], redis: dataTierInputs.redis }), redisRules);
        assert.deepStrictEqual(dataTierAlerts(ctx, { postgres: [], poolers: [], redis: [] }), []);
    });
});

// ---- forecast.ts ----------------------------------------------------------------------------

const band = { workload: "sysmanage-api", metric: "requests", query: 'sum(rate(http_requests_total{namespace="sm"}[2m]))' };
const forecastRules: IRule[] = [
    rule("sysmanageloadaboveforecast", {
        alert: "SysmanageLoadAboveForecast",
        expr: 'max(sum(rate(http_requests_total{namespace="sm"}[2m]))) > on () max(sysmanage:forecast_band:upper{namespace="sm",workload="sysmanage-api",metric="requests"})',
        for: "30m",
        labels: { ...warning, workload: "sysmanage-api", metric: "requests" },
        summary: "The load has been above the forecast's band for 30 minutes",
        description:
            "sysmanage-api's requests is {{ $value }}, above the upper band its floor schedule was sized for: the HPA must make up the difference from a lower floor. Refresh the forecast, or look for what changed the traffic.",
    }),
    rule("sysmanageloadbelowforecast", {
        alert: "SysmanageLoadBelowForecast",
        expr: 'max(sum(rate(http_requests_total{namespace="sm"}[2m]))) < on () max(sysmanage:forecast_band:lower{namespace="sm",workload="sysmanage-api",metric="requests"})',
        for: "2h",
        labels: { ...warning, workload: "sysmanage-api", metric: "requests" },
        summary: "The load has been below the forecast's band for 2 hours",
        description:
            "sysmanage-api's requests is {{ $value }}, below the lower band: the scheduled floor keeps pods the traffic does not need. Refresh the forecast, or check whether traffic was lost upstream.",
    }),
];

describe("forecast alerts", () => {
    test("a band: load above its upper series for 30 min, below its lower one for 2 h", () => {
        assert.deepStrictEqual(forecastAlerts(ctx, { forecastBands: [band] }), forecastRules);
    });

    test("no band, no rule", () => {
        assert.deepStrictEqual(forecastAlerts(ctx, { forecastBands: [] }), []);
    });
});

// ---- rule.ts and index.ts -------------------------------------------------------------------

describe("alert rule and the PrometheusRule's groups", () => {
    test("alertRule: severity and namespace labels before the rule's own, the runbook at the alert's lower-case anchor", () => {
        assert.deepStrictEqual(
            alertRule(
                { namespace: "prod", runbookBaseUrl: "https://x.test/rb" },
                {
                    alert: "SysmanageX",
                    expr: "up == 0",
                    for: "1m",
                    severity: "critical",
                    summary: "s",
                    description: "d",
                    labels: { a: "1" },
                },
            ),
            {
                alert: "SysmanageX",
                expr: "up == 0",
                for: "1m",
                labels: { severity: "critical", namespace: "prod", a: "1" },
                annotations: { summary: "s", description: "d", runbook_url: "https://x.test/rb#sysmanagex" },
            },
        );
        assert.equal(inNamespace(ctx), 'namespace="sm"');
        assert.equal(runbookAnchor("SysmanageHpaAtMaxReplicas"), "sysmanagehpaatmaxreplicas");
    });

    test("every concern's group, in order", () => {
        const inputs: AlertInputs = {
            workloads: plainWorkloads,
            queues: [],
            ...dataTierInputs,
            forecastBands: [band],
        };
        assert.deepStrictEqual(alertRulesSpec(ctx, inputs), {
            groups: [
                { name: "sysmanage.autoscaling", rules: plainRules },
                { name: "sysmanage.data-tier", rules: [...postgresRules, ...poolerRules, ...redisRules] },
                { name: "sysmanage.forecast", rules: forecastRules },
            ],
        });
    });

    test("groups without rules are left out: no data tier, no forecast band", () => {
        const inputs: AlertInputs = { workloads: plainWorkloads, queues: [], postgres: [], poolers: [], redis: [], forecastBands: [] };
        assert.deepStrictEqual(alertRulesSpec(ctx, inputs), { groups: [{ name: "sysmanage.autoscaling", rules: plainRules }] });
    });
});
