/** The Kubernetes provider and the cluster add-ons that make the autoscalers work. */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { Keda, MetricsAdapter, VerticalPodAutoscaler } from "../components";
import { WORKER_POOLS } from "../config/schema";
import type { AppConfig } from "../config/schema";

export interface Platform {
    /** Options every top-level resource takes: the one explicit provider. */
    readonly opts: pulumi.ComponentResourceOptions;
    /** The VPA's release, when this stack installs it (VPA objects wait for its CRDs). */
    readonly vpa?: VerticalPodAutoscaler;
    /** KEDA's release, when this stack installs it (ScaledObjects wait for its CRD and webhook). */
    readonly keda?: Keda;
}

/** True when an enabled worker pool scales to zero (it needs KEDA). */
export const stackScalesToZero = (cfg: AppConfig): boolean =>
    WORKER_POOLS.some((p) => cfg.workers[p].enabled && cfg.workers[p].scaleToZero);

export function declarePlatform(cfg: AppConfig): Platform {
    // One explicit provider from the start: switching providers later would replace everything.
    const provider = new k8s.Provider("kubernetes", {
        context: cfg.cluster.kubeContext || undefined,
        renderYamlToDirectory: cfg.cluster.renderYamlToDirectory || undefined,
    });
    const opts = { providers: { kubernetes: provider } };
    const m = cfg.metrics;
    const digests = cfg.images.digests;
    if (m.installAdapter) {
        new MetricsAdapter(
            "metrics-adapter",
            { namespace: m.adapterNamespace, prometheusUrl: m.prometheusUrl, prometheusPort: m.prometheusPort, imageDigests: digests },
            opts,
        );
    }
    const vpa = m.installVpa ? new VerticalPodAutoscaler("vpa", { namespace: m.vpaNamespace, imageDigests: digests }, opts) : undefined;
    const keda =
        m.installKeda && stackScalesToZero(cfg)
            ? new Keda(
                  "keda",
                  {
                      namespace: m.kedaNamespace,
                      imageDigests: digests,
                      monitoring: { labels: m.monitorLabels, interval: m.scrapeInterval },
                  },
                  opts,
              )
            : undefined;
    return { opts, vpa, keda };
}
