/** Compute tier: the API and each worker pool scale horizontally; analytics vertically. */
import type * as pulumi from "@pulumi/pulumi";
import { AnalyticsService, ScalableService } from "../components";
import type { AppConfig } from "../config/schema";
import type { StackPlan } from "../plan/stack";
import type { PodArgs } from "../lib/workload";
import type { CredentialSecrets } from "./dataTier";
import type { Platform } from "./platform";

/** The declared Secrets a pod references by `secretKeyRef`, in the order of its env, then the ConfigMaps it mounts. */
const secretsOf = (pod: Pick<PodArgs, "env" | "configMaps">, secrets: CredentialSecrets): pulumi.Resource[] => [
    ...new Set([
        ...(pod.env ?? []).flatMap((e) => secrets.get(e.valueFrom?.secretKeyRef?.name ?? "") ?? []),
        ...(pod.configMaps ?? []).flatMap((m) => secrets.get(m.configMap) ?? []),
    ]),
];

export function declareCompute(
    cfg: AppConfig,
    plan: StackPlan,
    namespace: pulumi.Input<string>,
    platform: Pick<Platform, "vpa" | "keda">,
    secrets: CredentialSecrets,
    opts: pulumi.ComponentResourceOptions,
): void {
    const scraping = { monitorLabels: cfg.metrics.monitorLabels, scrapeInterval: cfg.metrics.scrapeInterval };
    for (const w of plan.workloads) {
        const { pod, bounds, metrics, behavior, exposeService, scheduleRules } = w;
        new ScalableService(
            w.key,
            {
                namespace,
                pod,
                bounds,
                metrics,
                behavior,
                exposeService,
                hpaAnnotations: w.annotations,
                scheduleRules,
                secrets: secretsOf(pod, secrets),
                onDemandFloor: w.onDemandFloor,
                deploymentAnnotations: w.deploymentAnnotations,
                scaledObject: w.scaledObject,
                scaledObjectDependsOn: platform.keda ? [platform.keda.release] : [],
                ...scraping,
            },
            opts,
        );
    }
    if (plan.analytics) {
        const v = cfg.analytics.vpa;
        new AnalyticsService(
            "analytics",
            {
                namespace,
                pod: plan.analytics,
                replicas: cfg.analytics.replicas,
                vpa: {
                    updateMode: v.updateMode,
                    minAllowed: { cpu: v.minCpu, memory: v.minMemory },
                    maxAllowed: { cpu: v.maxCpu, memory: v.maxMemory },
                },
                ...scraping,
                vpaDependsOn: platform.vpa ? [platform.vpa.release] : [],
                secrets: secretsOf(plan.analytics, secrets),
            },
            opts,
        );
    }
}
