/** Scale to zero (issue 17 #4): the config rules, the plan and the ScaledObject, worked by hand. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { alertsPlan } from "../../../plan/alerts";
import { scalingInputs } from "../../../plan/dashboards";
import { scalingDashboard } from "../../../lib/dashboards/scaling";
import { planStack } from "../../../plan/stack";
import { WORKER_BEHAVIOR } from "../../../lib/hpa";
import { kedaHpaName } from "../../../lib/scaledObject";

const BACKUP = { postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" } } };
const zero = { minReplicas: 0, maxReplicas: 6, scaleToZero: true };
const prod = (report: Record<string, unknown>) => parseConfig({ ...BACKUP, workers: { report } }, "prod");
const SERVER = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090";
/** The report Deployment's pods (<name>-<template hash>-<suffix>), not sysmanage-worker-report-on-demand's. */
const PODS = "sysmanage-worker-report-[a-z0-9]+-[a-z0-9]+";
const queueTrigger = {
    type: "prometheus",
    name: "queue-length",
    metricType: "AverageValue",
    metadata: {
        serverAddress: SERVER,
        // The adapter's queue_length rule as it answers the HPA's Object metric (selector, then namespace).
        query: 'max(sysmanage_queue_length{queue="report",namespace="sysmanage"}) by (namespace)',
        threshold: "10",
        activationThreshold: "0",
    },
};
const jobTimeTrigger = {
    type: "prometheus",
    name: "processing-time-avg",
    metricType: "Value",
    metadata: {
        serverAddress: SERVER,
        // The adapter's per-pod processing_time_avg over the Deployment's pods, averaged as the HPA averages a Pods metric.
        query:
            `avg(sum(rate(sysmanage_job_duration_seconds_sum{namespace="sysmanage",pod=~"${PODS}"}[5m])) by (pod)` +
            ` / clamp_min(sum(rate(sysmanage_job_duration_seconds_count{namespace="sysmanage",pod=~"${PODS}"}[5m])) by (pod), 0.001))`,
        threshold: "30",
        activationThreshold: "0",
    },
};

describe("scale to zero", () => {
    test("config: a pool at 0 says scaleToZero, and a pool that scales to zero keeps no floor", () => {
        assert.throws(() => prod({ scaleToZero: true }), {
            message:
                "Pulumi.prod.yaml: workers.report.scaleToZero is true, so workers.report.minReplicas (2) must be 0: a pool that scales to zero keeps no floor",
        });
        assert.throws(() => prod({ minReplicas: 0 }), {
            message:
                "Pulumi.prod.yaml: workers.report.minReplicas (0) must be >= 1 unless workers.report.scaleToZero is true: an HPA cannot scale to 0",
        });
    });

    test("the plan: a ScaledObject 0..6 on the queue and the job time, the seed's worker behavior, polled at the scrape interval", () => {
        const report = planStack(prod(zero), "prod").workloads.find((w) => w.key === "worker-report")!;
        assert.deepEqual(report.bounds, { minReplicas: 0, maxReplicas: 6 });
        assert.deepEqual(report.scaledObject, {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "sysmanage-worker-report" },
            minReplicaCount: 0,
            maxReplicaCount: 6,
            // metrics.scrapeInterval's default 15s; the seed's worker scale-down window 600 s.
            pollingInterval: 15,
            cooldownPeriod: 600,
            advanced: { horizontalPodAutoscalerConfig: { behavior: WORKER_BEHAVIOR } },
            triggers: [queueTrigger, jobTimeTrigger],
        });
        // Other pools keep their HPA.
        assert.equal(planStack(prod(zero), "prod").workloads.find((w) => w.key === "worker-queue")!.scaledObject, undefined);
        assert.equal(kedaHpaName("sysmanage-worker-report"), "keda-hpa-sysmanage-worker-report");
    });

    test("a spot pool at 0: all of it on spot, no on-demand floor Deployment, no floor annotation", () => {
        const report = planStack(prod({ ...zero, capacity: "spot" }), "prod").workloads.find((w) => w.key === "worker-report")!;
        assert.deepEqual(report.bounds, { minReplicas: 0, maxReplicas: 6 });
        assert.equal(report.onDemandFloor, undefined);
        assert.equal(report.deploymentAnnotations, undefined);
        // The spot grace period (placement.spotGracePeriodSeconds 90) still applies.
        assert.equal(report.pod.shutdown.terminationGracePeriodSeconds, 90);
        assert.equal(report.scaledObject?.minReplicaCount, 0);
    });

    test("a schedule becomes a trigger: the recorded floor, a replica count (threshold 1)", () => {
        const schedule = { start: 1_764_892_800, stepSeconds: 3600, floors: [0, 3, 3, 0], bands: [], minReplicas: 0 };
        const report = planStack(prod(zero), "prod", { schedules: { "worker-report": schedule } }).workloads.find(
            (w) => w.key === "worker-report",
        )!;
        assert.equal(report.bounds.minReplicas, 0);
        assert.deepEqual(
            report.scaledObject?.triggers.map((t) => t.name),
            ["queue-length", "processing-time-avg", "scheduled-floor"],
        );
        assert.deepEqual(report.scaledObject?.triggers[2], {
            type: "prometheus",
            name: "scheduled-floor",
            metricType: "AverageValue",
            metadata: {
                serverAddress: SERVER,
                query: 'max(sysmanage:scheduled_floor:replicas{workload="sysmanage-worker-report",namespace="sysmanage"}) by (namespace)',
                threshold: "1",
                activationThreshold: "0",
            },
        });
    });
});

describe("the alerts follow KEDA's HPA (keda-hpa-<name>)", () => {
    const cfg = prod(zero);
    const rules = alertsPlan(cfg, planStack(cfg, "prod"))!.groups.flatMap((g) => g.rules);
    const expr = (alert: string) => String(rules.find((r) => r.alert === alert)!.expr);
    const HPAS =
        'horizontalpodautoscaler=~"sysmanage-api|sysmanage-worker-queue|sysmanage-worker-agent|keda-hpa-sysmanage-worker-report|sysmanage-worker-cleanup"';
    const NS = 'namespace="sysmanage"';
    test("a pool at 0 is no metric outage; its Deployment is matched to KEDA's HPA", () => {
        assert.equal(
            expr("SysmanageHpaMetricUnavailable"),
            `kube_horizontalpodautoscaler_status_condition{${NS},${HPAS},condition="ScalingActive",status="false"} == 1` +
                ` unless on (namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_status_current_replicas{${NS}} == 0`,
        );
        assert.equal(
            expr("SysmanageReplicasNotReady"),
            `kube_horizontalpodautoscaler_status_desired_replicas{${NS},${HPAS}} > on (namespace, horizontalpodautoscaler)` +
                ` (label_replace(kube_deployment_status_replicas_available{${NS}}, "horizontalpodautoscaler", "$1", "deployment", "(.*)")` +
                ` or label_replace(kube_deployment_status_replicas_available{${NS}}, "horizontalpodautoscaler", "keda-hpa-$1", "deployment", "(.*)"))`,
        );
    });
    test("KEDA's trigger errors of the pools at 0 alert; a stack without one has no such alert", () => {
        assert.equal(
            expr("SysmanageKedaTriggerErrors"),
            'sum by (exported_namespace, scaledObject) (rate(keda_scaled_object_errors_total{exported_namespace="sysmanage",scaledObject=~"sysmanage-worker-report"}[5m])) > 0',
        );
        const plain = parseConfig(BACKUP, "prod");
        const none = alertsPlan(plain, planStack(plain, "prod"))!.groups.flatMap((g) => g.rules);
        assert.equal(none.filter((r) => r.alert === "SysmanageKedaTriggerErrors").length, 0);
    });
});

test("the scaling dashboard's replicas panel finds KEDA's HPA of the selected workload", () => {
    const cfg = prod(zero);
    const json = JSON.stringify(scalingDashboard(scalingInputs(cfg, planStack(cfg, "prod"))));
    assert.ok(
        json.includes(
            'kube_horizontalpodautoscaler_status_current_replicas{namespace=\\"sysmanage\\",horizontalpodautoscaler=~\\"(keda-hpa-)?$workload\\"}',
        ),
        json,
    );
    const plain = parseConfig(BACKUP, "prod");
    const without = JSON.stringify(scalingDashboard(scalingInputs(plain, planStack(plain, "prod"))));
    assert.ok(
        without.includes(
            'kube_horizontalpodautoscaler_status_current_replicas{namespace=\\"sysmanage\\",horizontalpodautoscaler=\\"$workload\\"}',
        ),
    );
});
