/**
 * Helm charts the program installs, pinned by repository and version (nothing floats: a
 * preview of the same commit installs the same thing).
 */
import type * as k8s from "@pulumi/kubernetes";

export interface ChartPin {
    readonly chart: string;
    readonly version: string;
    readonly repo: string;
    /** Version of the software the chart ships (its appVersion). */
    readonly appVersion: string;
}

export const CHARTS = {
    /** Serves custom.metrics.k8s.io from Prometheus (external.metrics.k8s.io is left to KEDA). */
    prometheusAdapter: {
        chart: "prometheus-adapter",
        version: "5.3.0",
        repo: "https://prometheus-community.github.io/helm-charts",
        appVersion: "v0.12.0",
    },
    /** The official chart of kubernetes/autoscaler; 0.11.0 ships VPA 1.7.1 (its CRD vendored in crds/). */
    verticalPodAutoscaler: {
        chart: "vertical-pod-autoscaler",
        version: "0.11.0",
        repo: "https://kubernetes.github.io/autoscaler",
        appVersion: "1.7.1",
    },
    /** Chart 0.29.0 ships CloudNativePG 1.30.0 (its CRDs vendored in crds/). */
    cloudnativePg: {
        chart: "cloudnative-pg",
        version: "0.29.0",
        repo: "https://cloudnative-pg.github.io/charts",
        appVersion: "1.30.0",
    },
    /** Chart 0.26.0 ships redis-operator v0.26.0 (its CRD vendored in crds/). */
    redisOperator: {
        chart: "redis-operator",
        version: "0.26.0",
        repo: "https://ot-container-kit.github.io/helm-charts",
        appVersion: "0.26.0",
    },
    /**
     * Chart 2.19.0 ships KEDA 2.19.0, the newest release `@kubernetes-models/keda` 2.0.0 models (its
     * ScaledObject CRD vendored in crds/); installed when a worker pool scales to zero.
     */
    keda: {
        chart: "keda",
        version: "2.19.0",
        repo: "https://kedacore.github.io/charts",
        appVersion: "2.19.0",
    },
} as const satisfies Record<string, ChartPin>;

/**
 * Release args for a pinned chart: atomic (a failed install or upgrade rolls back) with a
 * timeout long enough for webhooks and CRDs to become ready.
 */
export function pinnedRelease(
    pin: ChartPin,
    releaseName: string,
    namespace: string,
    values: Record<string, unknown>,
): k8s.helm.v3.ReleaseArgs {
    return {
        name: releaseName,
        chart: pin.chart,
        version: pin.version,
        repositoryOpts: { repo: pin.repo },
        namespace,
        atomic: true,
        timeout: 600,
        values,
    };
}
