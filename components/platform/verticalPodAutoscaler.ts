import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "./charts";

export interface VerticalPodAutoscalerArgs {
    /** Namespace of the release. */
    readonly namespace: string;
}

/** The Vertical Pod Autoscaler (recommender, updater, admission controller and its CRDs), pinned. */
export class VerticalPodAutoscaler extends pulumi.ComponentResource {
    /** Depend on this before declaring VerticalPodAutoscaler objects (the CRD comes with it). */
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: VerticalPodAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:platform:VerticalPodAutoscaler", name, {}, opts);
        const pin = CHARTS.verticalPodAutoscaler;
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: "vertical-pod-autoscaler",
                chart: pin.chart,
                version: pin.version,
                repositoryOpts: { repo: pin.repo },
                namespace: args.namespace,
                atomic: true,
                timeout: 600,
                values: {},
            },
            { parent: this },
        );
        this.registerOutputs({ releaseName: this.release.name });
    }
}
