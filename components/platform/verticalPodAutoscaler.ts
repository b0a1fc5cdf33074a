import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { vpaValues } from "../../lib/chartValues";
import { CHARTS, pinnedRelease } from "./charts";

export interface VerticalPodAutoscalerArgs {
    /** Namespace of the release. */
    readonly namespace: string;
    /** Image digests by `<image>:<tag>` (config images.digests). */
    readonly imageDigests: Readonly<Record<string, string>>;
}

/** The Vertical Pod Autoscaler (recommender, updater, admission controller and its CRDs), pinned. */
export class VerticalPodAutoscaler extends pulumi.ComponentResource {
    /** Depend on this before declaring VerticalPodAutoscaler objects (the CRD comes with it). */
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: VerticalPodAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:platform:VerticalPodAutoscaler", name, {}, opts);
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            pinnedRelease(CHARTS.verticalPodAutoscaler, "vertical-pod-autoscaler", args.namespace, vpaValues(args.imageDigests)),
            { parent: this },
        );
        this.registerOutputs({ releaseName: this.release.name });
    }
}
