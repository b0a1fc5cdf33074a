import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IPrometheusRuleSpec } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRuleSpec";

export interface AlertRulesArgs {
    readonly namespace: pulumi.Input<string>;
    readonly labels: Record<string, string>;
    /** The labels the Prometheus selects rules by (metrics.monitorLabels). */
    readonly monitorLabels: Record<string, string>;
    readonly spec: IPrometheusRuleSpec;
}

/** The stack's alerts as one PrometheusRule `sysmanage-alerts` (lib/alerts). */
export class AlertRules extends pulumi.ComponentResource {
    constructor(name: string, args: AlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:platform:AlertRules", name, {}, opts);
        new k8s.apiextensions.CustomResource(
            `${name}-rule`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: { name: "sysmanage-alerts", namespace: args.namespace, labels: { ...args.labels, ...args.monitorLabels } },
                spec: args.spec,
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
