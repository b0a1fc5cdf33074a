/** Dashboards: the Grafana dashboards of the stack's scaling and data tier, as ConfigMaps Grafana's sidecar loads. */
import type * as pulumi from "@pulumi/pulumi";
import { Dashboards } from "../components";
import type { AppConfig } from "../config/schema";
import { dashboardsPlan } from "../plan/dashboards";
import type { StackPlan } from "../plan/stack";

export function declareDashboards(
    cfg: AppConfig,
    plan: StackPlan,
    namespace: pulumi.Input<string>,
    opts: pulumi.ComponentResourceOptions,
): void {
    const spec = dashboardsPlan(cfg, plan);
    // In another namespace (Grafana's), the ConfigMaps need not wait for the app namespace.
    if (spec) new Dashboards("dashboards", { ...spec, namespace: cfg.metrics.dashboardNamespace ? spec.namespace : namespace }, opts);
}
