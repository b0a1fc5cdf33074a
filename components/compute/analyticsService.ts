import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podMonitorSpec } from "../../lib/monitors";
import { vpaSpec, type VpaArgs } from "../../lib/vpa";
import { disruptionBudget, podTemplate, selectorLabels, standardLabels, type PodArgs } from "../../lib/workload";

export interface AnalyticsServiceArgs {
    /** Namespace of every child. */
    readonly namespace: pulumi.Input<string>;
    /** Pod shape; `serviceAccountName` and `containerName` are set here. */
    readonly pod: Omit<PodArgs, "serviceAccountName" | "containerName">;
    /** Fixed replica count: the VPA sizes the pods, nothing scales their number. */
    readonly replicas: number;
    /** VPA update mode and bounds. */
    readonly vpa: Omit<VpaArgs, "deploymentName" | "containerName" | "replicas">;
    /** Labels on the PodMonitor so Prometheus selects it. */
    readonly monitorLabels: Record<string, string>;
    /** Scrape interval, e.g. `15s`. */
    readonly scrapeInterval: string;
    /** Resources that must exist first (the VPA release that installs the CRD). */
    readonly vpaDependsOn?: pulumi.Resource[];
    /**
     * The Secrets the pod reads by `secretKeyRef`: the Deployment waits for them, so on a
     * credential rotation the new password is in its Secret before the pods roll onto it.
     * @default none
     */
    readonly secrets?: pulumi.Resource[];
}

const CONTAINER = "analytics";

/**
 * The analytics tier: a Deployment sized vertically by a VerticalPodAutoscaler on CPU and
 * memory. There is deliberately no HPA on CPU or memory: the two would fight over the same
 * signal (the VPA raises requests, which lowers utilization, which makes the HPA scale in).
 */
export class AnalyticsService extends pulumi.ComponentResource {
    public readonly deploymentName: pulumi.Output<string>;

    constructor(name: string, args: AnalyticsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:compute:AnalyticsService", name, {}, opts);
        if (args.replicas < 1) throw new Error(`${args.pod.name}: replicas (${args.replicas}) must be >= 1`);
        const p = { ...args.pod, containerName: CONTAINER, serviceAccountName: args.pod.name };
        const labels = standardLabels(p);
        const meta = { name: p.name, namespace: args.namespace, labels };
        const child = { parent: this };

        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta, automountServiceAccountToken: false }, child);
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: meta,
                spec: {
                    replicas: args.replicas,
                    revisionHistoryLimit: 5,
                    selector: { matchLabels: selectorLabels(p) },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                    template: podTemplate(p) as k8s.types.input.core.v1.PodTemplateSpec,
                },
            },
            // The VPA rewrites pod resources at admission, not the Deployment, so no ignoreChanges
            // is needed for them; replicas stay Pulumi's.
            { ...child, dependsOn: [sa, ...(args.secrets ?? [])] },
        );
        new k8s.apiextensions.CustomResource(
            `${name}-vpa`,
            {
                apiVersion: "autoscaling.k8s.io/v1",
                kind: "VerticalPodAutoscaler",
                metadata: meta,
                spec: vpaSpec({ ...args.vpa, deploymentName: p.name, containerName: CONTAINER, replicas: args.replicas }),
            },
            { ...child, dependsOn: [deployment, ...(args.vpaDependsOn ?? [])] },
        );
        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: meta, spec: disruptionBudget(p) }, child);
        new k8s.apiextensions.CustomResource(
            `${name}-monitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PodMonitor",
                metadata: { name: p.name, namespace: args.namespace, labels: { ...labels, ...args.monitorLabels } },
                spec: podMonitorSpec(selectorLabels(p), args.scrapeInterval),
            },
            child,
        );
        this.deploymentName = deployment.metadata.name;
        this.registerOutputs({ deploymentName: this.deploymentName });
    }
}
