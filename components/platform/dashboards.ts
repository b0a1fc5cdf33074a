import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface DashboardsArgs {
    readonly namespace: pulumi.Input<string>;
    /** The stack's labels and those Grafana's sidecar selects ConfigMaps by (metrics.dashboardLabels). */
    readonly labels: Readonly<Record<string, string>>;
    /** The folder annotation, when a folder is configured (metrics.dashboardFolder). */
    readonly annotations: Readonly<Record<string, string>>;
    /** One ConfigMap per dashboard: its name and the dashboard's JSON (lib/dashboards). */
    readonly files: readonly { readonly name: string; readonly json: string }[];
}

/**
 * The stack's Grafana dashboards, one ConfigMap each, named after the dashboard (the sidecar
 * writes its data key `<name>.json` into Grafana's dashboards directory).
 */
export class Dashboards extends pulumi.ComponentResource {
    constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:platform:Dashboards", name, {}, opts);
        for (const f of args.files)
            new k8s.core.v1.ConfigMap(
                `${name}-${f.name}`,
                {
                    metadata: { name: f.name, namespace: args.namespace, labels: { ...args.labels }, annotations: { ...args.annotations } },
                    data: { [`${f.name}.json`]: f.json },
                },
                { parent: this },
            );
        this.registerOutputs({});
    }
}
