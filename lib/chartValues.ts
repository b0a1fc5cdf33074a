/**
 * The Helm values that make the operators and the adapter production pods: requests (no
 * BestEffort), the restricted Pod Security profile, two replicas where one pod down stops a
 * control loop (the operators lead-elect), spread over zones and hosts, disruption budgets, and
 * the annotation Cluster Autoscaler needs to drain a node whose pod has an emptyDir. Keys are
 * those of each chart at its pinned version (policies/lib/operatorPods/charts.ts models them;
 * its tests and the policy pack check the pods that come out). Pure data.
 */

/** The restricted Pod Security profile for a container, read-only root included. */
export const RESTRICTED_SECURITY_CONTEXT = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
} as const;

import { priorityClassOf, safeToEvict } from "../policies/contract";
import { chartImageTag } from "./images";

/** Image digests by `<image>:<tag>` (stack config `images.digests`). */
type Digests = Readonly<Record<string, string>>;

/** The images each chart runs by default at its pinned version (repository and tag). */
export const CHART_IMAGES = {
    cnpgOperator: { repository: "ghcr.io/cloudnative-pg/cloudnative-pg", tag: "1.30.0" },
    redisOperator: { repository: "quay.io/opstree/redis-operator", tag: "v0.26.0" },
    prometheusAdapter: { repository: "registry.k8s.io/prometheus-adapter/prometheus-adapter", tag: "v0.12.0" },
    vpaAdmissionController: { repository: "registry.k8s.io/autoscaling/vpa-admission-controller", tag: "1.7.1" },
    vpaRecommender: { repository: "registry.k8s.io/autoscaling/vpa-recommender", tag: "1.7.1" },
    vpaUpdater: { repository: "registry.k8s.io/autoscaling/vpa-updater", tag: "1.7.1" },
    vpaCertGen: { repository: "registry.k8s.io/ingress-nginx/kube-webhook-certgen", tag: "v20231011-8b53cabe0" },
    kedaOperator: { repository: "ghcr.io/kedacore/keda", tag: "2.19.0" },
    kedaMetricsApiServer: { repository: "ghcr.io/kedacore/keda-metrics-apiserver", tag: "2.19.0" },
    kedaWebhooks: { repository: "ghcr.io/kedacore/keda-admission-webhooks", tag: "2.19.0" },
} as const;

/** The tag value that pins a chart image by digest, when the config lists its digest; else undefined (the chart's default). */
function pinnedTag(image: { repository: string; tag: string }, digests: Digests): string | undefined {
    const tag = chartImageTag(image.repository, image.tag, digests);
    return tag === image.tag ? undefined : tag;
}

const guaranteedMemory = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { memory } });

/** Zone and host spread for a chart's pods (the charts copy the list as is, so the selector is explicit). */
export function chartSpread(matchLabels: Record<string, string>) {
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels },
    }));
}

/** Pod labels of the CloudNativePG operator (chart cloudnative-pg 0.29.0, release `cnpg`). */
export const CNPG_OPERATOR_LABELS = { "app.kubernetes.io/name": "cloudnative-pg", "app.kubernetes.io/instance": "cnpg" };
/** Pod labels of the redis-operator (chart 0.26.0). */
export const REDIS_OPERATOR_LABELS = { name: "redis-operator" };

/** cloudnative-pg 0.29.0: its webhooks refuse every Cluster/Pooler change while the operator is down. */
export function cnpgOperatorValues(digests: Digests = {}) {
    const tag = pinnedTag(CHART_IMAGES.cnpgOperator, digests);
    return {
        replicaCount: 2,
        resources: guaranteedMemory("100m", "256Mi"),
        topologySpreadConstraints: chartSpread(CNPG_OPERATOR_LABELS),
        podAnnotations: safeToEvict("scratch-data"),
        // Failover and every Cluster/Pooler change go through it: the data tier's class (values.yaml:144).
        priorityClassName: priorityClassOf("data"),
        // Also OPERATOR_IMAGE_NAME: the bootstrap-controller of every instance and pooler pod.
        ...(tag ? { image: { tag } } : {}),
    };
}

/** redis-operator 0.26.0: its distroless image runs as 65532; the chart sets no security context. */
export function redisOperatorValues(digests: Digests = {}) {
    const imageTag = pinnedTag(CHART_IMAGES.redisOperator, digests);
    return {
        replicas: 2,
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        securityContext: RESTRICTED_SECURITY_CONTEXT,
        // It heals the Redis clusters (slots, failed nodes): the data tier's class (values.yaml:111).
        priorityClassName: priorityClassOf("data"),
        // The chart has no topologySpreadConstraints value: spread by anti-affinity.
        affinity: {
            podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map(
                    (topologyKey, i) => ({
                        weight: 100 - i * 50,
                        podAffinityTerm: { topologyKey, labelSelector: { matchLabels: REDIS_OPERATOR_LABELS } },
                    }),
                ),
            },
        },
        ...(imageTag ? { redisOperator: { imageTag } } : {}),
    };
}

/** prometheus-adapter 5.3.0 labels (release `prometheus-adapter`). */
export const ADAPTER_LABELS = { "app.kubernetes.io/name": "prometheus-adapter", "app.kubernetes.io/instance": "prometheus-adapter" };

/** prometheus-adapter 5.3.0: every HPA with a Pods or Object metric stops scaling while it is down. */
export function prometheusAdapterValues(digests: Digests = {}) {
    const tag = pinnedTag(CHART_IMAGES.prometheusAdapter, digests);
    return {
        replicas: 2,
        resources: guaranteedMemory("100m", "256Mi"),
        podDisruptionBudget: { enabled: true, maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        topologySpreadConstraints: chartSpread(ADAPTER_LABELS),
        podAnnotations: safeToEvict("tmp"),
        // The API's HPA reads its Pods metrics through it: the API's class (values.yaml:27).
        priorityClassName: priorityClassOf("api"),
        ...(tag ? { image: { tag } } : {}),
    };
}

/** vertical-pod-autoscaler chart 0.11.0: three components and the webhook certificate jobs. */
export function vpaValues(digests: Digests = {}) {
    const tags = {
        admissionController: pinnedTag(CHART_IMAGES.vpaAdmissionController, digests),
        recommender: pinnedTag(CHART_IMAGES.vpaRecommender, digests),
        updater: pinnedTag(CHART_IMAGES.vpaUpdater, digests),
        certGen: pinnedTag(CHART_IMAGES.vpaCertGen, digests),
    };
    const component = (cpu: string, memory: string, tag?: string) => ({
        resources: guaranteedMemory(cpu, memory),
        ...(tag ? { image: { tag } } : {}),
    });
    return {
        podSecurityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: RESTRICTED_SECURITY_CONTEXT,
        admissionController: {
            ...component("50m", "128Mi", tags.admissionController),
            certGen: { resources: guaranteedMemory("10m", "64Mi"), ...(tags.certGen ? { image: { tag: tags.certGen } } : {}) },
        },
        // The recommender holds every pod's usage history: the largest of the three.
        recommender: component("100m", "512Mi", tags.recommender),
        updater: component("50m", "128Mi", tags.updater),
    };
}

/**
 * keda 2.19.0 (values.yaml at the chart's tag): its pods already run the restricted profile with
 * requests (100m, 100Mi); the pack checks that on the pods modelled in
 * policies/lib/operatorPods/kedaChart.ts. Two replicas of each: the operator is what scales a pool from 0 (one
 * down, a queued message waits for its restart), the metrics server serves KEDA's HPAs their
 * metrics, the webhook admits ScaledObjects; the chart's PDBs keep one of each through a drain.
 * The chart composes `<registry>/<repository>:<tag>`, the tag pinned by digest when listed.
 * `monitoring`: the operator's Prometheus metrics on (port 8080, `metrics`) and the chart's
 * PodMonitor labelled for our Prometheus, so the SysmanageKedaTriggerErrors alert sees
 * `keda_scaled_object_errors_total`.
 */
export function kedaValues(
    digests: Digests = {},
    monitoring?: { readonly labels: Readonly<Record<string, string>>; readonly interval: string },
) {
    const tag = (image: { repository: string; tag: string }) => {
        const t = pinnedTag(image, digests);
        return t ? { tag: t } : {};
    };
    const two = { replicaCount: 2 };
    return {
        image: {
            keda: tag(CHART_IMAGES.kedaOperator),
            metricsApiServer: tag(CHART_IMAGES.kedaMetricsApiServer),
            webhooks: tag(CHART_IMAGES.kedaWebhooks),
        },
        operator: two,
        metricsServer: two,
        webhooks: two,
        podDisruptionBudget: { operator: { maxUnavailable: 1 }, metricServer: { maxUnavailable: 1 }, webhooks: { maxUnavailable: 1 } },
        ...(monitoring
            ? {
                  prometheus: {
                      operator: {
                          enabled: true,
                          podMonitor: { enabled: true, interval: monitoring.interval, additionalLabels: { ...monitoring.labels } },
                      },
                  },
              }
            : {}),
    };
}
