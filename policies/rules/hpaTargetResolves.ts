import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** `hpa-target-resolves`: autoscaling/v2, and scaleTargetRef names a workload of this stack. */
export const hpaTargetResolves = stackRule<Record<string, never>>(
    {
        name: "hpa-target-resolves",
        description: "Every HPA is autoscaling/v2 and its scaleTargetRef names a workload declared in this stack.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Declare the HPA as autoscaling/v2 and point spec.scaleTargetRef at the workload's kind and name.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        forEachKnown(ix.of("HorizontalPodAutoscaler"), (h) => {
            if (h.apiVersion !== "autoscaling/v2")
                report(
                    `${h.id}: uses ${h.apiVersion}; declare it as autoscaling/v2 (v1 has no custom metrics or behavior, v2beta2 was removed in Kubernetes 1.26).`,
                    h,
                );
            const ref = h.props.spec?.scaleTargetRef;
            const kind = String(ref?.kind);
            const name = String(ref?.name);
            // A workload whose name is unknown in preview might be the target: cannot check.
            if (!ix.target(h.namespace, kind, name) && ix.unresolved.length === 0)
                report(
                    `${h.id}: scaleTargetRef ${kind}/${name} names no workload in namespace ${h.namespace} of this stack; fix spec.scaleTargetRef or declare the workload.`,
                    h,
                );
        });
    },
);
