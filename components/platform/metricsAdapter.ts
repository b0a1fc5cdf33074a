import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { prometheusAdapterValues } from "../../lib/chartValues";
import { customRules, namespaceRules } from "../../lib/metricsRules";
import { CHARTS, pinnedRelease } from "./charts";

export interface MetricsAdapterArgs {
    /** Namespace of the release (usually Prometheus's). */
    readonly namespace: string;
    /** Prometheus base URL (scheme and host). */
    readonly prometheusUrl: string;
    readonly prometheusPort: number;
    /** Image digests by `<image>:<tag>` (config images.digests). */
    readonly imageDigests: Readonly<Record<string, string>>;
}

/**
 * prometheus-adapter, pinned, with the rules that derive the HPAs' Pods and Object metrics
 * from the series the application exports. No external rules: external.metrics.k8s.io is KEDA's. Two replicas: when the adapter is down every HPA
 * that uses a custom metric stops scaling.
 */
export class MetricsAdapter extends pulumi.ComponentResource {
    public readonly releaseName: pulumi.Output<string>;

    constructor(name: string, args: MetricsAdapterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:platform:MetricsAdapter", name, {}, opts);
        const release = new k8s.helm.v3.Release(
            `${name}-release`,
            pinnedRelease(CHARTS.prometheusAdapter, "prometheus-adapter", args.namespace, {
                ...prometheusAdapterValues(args.imageDigests),
                prometheus: { url: args.prometheusUrl, port: args.prometheusPort, path: "" },
                // Only our rules: the default container rules would add hundreds of unused metrics.
                // No external rules: chart 5.3.0 then renders no v1beta1.external.metrics.k8s.io APIService
                // and no external-metrics ClusterRole/Binding (templates/external-metrics-*.yaml test
                // `.Values.rules.external`), so KEDA's metrics server can own that APIService.
                rules: { default: false, custom: [...customRules(), ...namespaceRules()], external: [] },
            }),
            { parent: this },
        );
        this.releaseName = release.name;
        this.registerOutputs({ releaseName: this.releaseName });
    }
}
