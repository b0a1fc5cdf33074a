import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { poolerSpec } from "../../lib/data/manifests";
import type { PoolerPlan } from "../../plan/dataTier";
import { operatorPodMonitor, type Scraping } from "./podMonitor";

export interface ConnectionPoolerArgs {
    readonly namespace: pulumi.Input<string>;
    readonly plan: PoolerPlan;
    readonly labels: Record<string, string>;
    readonly zones: number;
    /** The Cluster it pools for (and the operator). */
    readonly dependsOn: pulumi.Resource[];
    /** Scraping of PgBouncer's metrics (port `metrics`, 9127). */
    readonly scraping: Scraping;
}

/**
 * A CloudNativePG Pooler (PgBouncer pods behind a Service named after the pooler, which the
 * app dials) with a PodDisruptionBudget that keeps all but one pod up during drains.
 */
export class ConnectionPooler extends pulumi.ComponentResource {
    public readonly serviceName: string;

    constructor(name: string, args: ConnectionPoolerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:data:ConnectionPooler", name, {}, opts);
        const meta = {
            name: args.plan.name,
            namespace: args.namespace,
            labels: { ...args.labels, "app.kubernetes.io/name": args.plan.name },
        };
        const pooler = new k8s.apiextensions.CustomResource(
            `${name}-pooler`,
            { apiVersion: "postgresql.cnpg.io/v1", kind: "Pooler", metadata: meta, spec: poolerSpec(args.plan, args.labels, args.zones) },
            // The operator's CEL rule makes spec.cluster immutable: replace instead of a failing update.
            { parent: this, dependsOn: args.dependsOn, replaceOnChanges: ["spec.cluster"] },
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            {
                metadata: meta,
                spec: {
                    maxUnavailable: 1,
                    selector: { matchLabels: { "cnpg.io/poolerName": args.plan.name } },
                    unhealthyPodEvictionPolicy: "AlwaysAllow",
                },
            },
            { parent: this, dependsOn: [pooler] },
        );
        operatorPodMonitor(
            `${name}-monitor`,
            {
                name: args.plan.name,
                namespace: args.namespace,
                labels: args.labels,
                selector: { matchLabels: { "cnpg.io/poolerName": args.plan.name } },
                port: "metrics",
                scraping: args.scraping,
            },
            { parent: this, dependsOn: [pooler] },
        );
        this.serviceName = args.plan.name;
        this.registerOutputs({ serviceName: this.serviceName });
    }
}
