/** Alerts: the PrometheusRule of the stack's autoscaling and data-tier alerts (runbooks in docs/runbooks.md). */
import type * as pulumi from "@pulumi/pulumi";
import { AlertRules } from "../components";
import type { AppConfig } from "../config/schema";
import { alertsPlan } from "../plan/alerts";
import type { StackPlan } from "../plan/stack";

export function declareAlerts(
    cfg: AppConfig,
    plan: StackPlan,
    namespace: pulumi.Input<string>,
    opts: pulumi.ComponentResourceOptions,
): void {
    const spec = alertsPlan(cfg, plan);
    if (spec) new AlertRules("alerts", { namespace, labels: plan.labels, monitorLabels: cfg.metrics.monitorLabels, spec }, opts);
}
