import { plain, podTemplateOf, type Labels, WORKLOAD_KINDS } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";

interface Config {
    requiredLabels: string[];
    labelledKinds: string[];
}

/** Deprecated or removed API versions and what replaces them. */
export const DEPRECATED_APIS: Record<string, string> = {
    "extensions/v1beta1": "apps/v1 / networking.k8s.io/v1",
    "apps/v1beta1": "apps/v1",
    "apps/v1beta2": "apps/v1",
    "policy/v1beta1": "policy/v1",
    "autoscaling/v2beta1": "autoscaling/v2",
    "autoscaling/v2beta2": "autoscaling/v2",
    "batch/v1beta1": "batch/v1",
    "networking.k8s.io/v1beta1": "networking.k8s.io/v1",
    "autoscaling.k8s.io/v1beta2": "autoscaling.k8s.io/v1",
    "gateway.networking.k8s.io/v1beta1": "gateway.networking.k8s.io/v1",
    "monitoring.coreos.com/v1alpha1": "monitoring.coreos.com/v1",
};

/** `meta-stable-apis-and-labels`: no deprecated APIs; recommended labels on workloads and what serves them. */
export const metaStableApisAndLabels = resourceRule<Config>(
    {
        name: "meta-stable-apis-and-labels",
        description:
            "Objects use stable, non-deprecated API versions; workloads, their pod templates and the objects around them carry the recommended app.kubernetes.io labels.",
        enforcementLevel: "mandatory",
        severity: "low",
        remediationSteps: "Move to the replacement API version; add the missing app.kubernetes.io/* labels.",
        configSchema: {
            properties: {
                requiredLabels: schema.strings(
                    ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"],
                    "Labels every object of labelledKinds (and each pod template) must carry.",
                ),
                labelledKinds: schema.strings(
                    [...WORKLOAD_KINDS, "Service", "HorizontalPodAutoscaler", "VerticalPodAutoscaler", "PodDisruptionBudget"],
                    "Kinds that must carry requiredLabels.",
                ),
            },
        },
    },
    () => true,
    (o, cfg, report) => {
        const replacement = DEPRECATED_APIS[o.apiVersion];
        if (replacement) report(`${o.id}: uses ${o.apiVersion}, which is deprecated or removed; migrate to ${replacement}.`);
        if (!cfg.labelledKinds.includes(o.kind)) return;
        const missing = (labels: Labels) => cfg.requiredLabels.filter((l) => labels[l] === undefined);
        const own = missing(plain<Labels>(o.props.metadata?.labels ?? {}));
        if (own.length > 0)
            report(
                `${o.id}: is missing label(s) ${own.join(", ")}; add the recommended app.kubernetes.io labels (tools and dashboards group objects by them).`,
            );
        const t = o.kind === "Pod" ? undefined : podTemplateOf(o.kind, o.props);
        if (t) {
            const inTemplate = missing(plain<Labels>(t.labels ?? {}));
            if (inTemplate.length > 0)
                report(`${o.id}: pod template is missing label(s) ${inTemplate.join(", ")}; add them to spec.template.metadata.labels.`);
        }
    },
);
