import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kedaValues } from "../../lib/chartValues";
import { CHARTS, pinnedRelease } from "./charts";

export interface KedaArgs {
    /** Namespace of the release (config metrics.kedaNamespace). */
    readonly namespace: string;
    /** Image digests by `<image>:<tag>` (config images.digests). */
    readonly imageDigests: Readonly<Record<string, string>>;
    /** The labels our Prometheus selects monitors by and its scrape interval (config metrics.monitorLabels, scrapeInterval). */
    readonly monitoring: { readonly labels: Readonly<Record<string, string>>; readonly interval: string };
}

/**
 * KEDA (operator, metrics server, admission webhook and its CRDs), pinned: it scales the worker
 * pools that scale to zero (issue 17 #4) through their ScaledObjects. Its metrics server owns
 * external.metrics.k8s.io, so the adapter serves the HPAs' queue metrics as Object metrics.
 */
export class Keda extends pulumi.ComponentResource {
    /** Depend on this before declaring ScaledObjects (the CRD and the webhook come with it). */
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: KedaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:platform:Keda", name, {}, opts);
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            pinnedRelease(CHARTS.keda, "keda", args.namespace, kedaValues(args.imageDigests, args.monitoring)),
            { parent: this },
        );
        this.registerOutputs({ releaseName: this.release.name });
    }
}
