import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** `vpa-target-resolves-unique`: a VPA's targetRef names a workload here, and only one VPA per workload. */
export const vpaTargetResolvesUnique = stackRule<Record<string, never>>(
    {
        name: "vpa-target-resolves-unique",
        description: "Every VerticalPodAutoscaler's targetRef names a workload declared in this stack, and no workload has two VPAs.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Point spec.targetRef at the workload's kind and name; keep one VPA per workload.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        forEachKnown(ix.of("VerticalPodAutoscaler"), (v) => {
            const kind = String(v.props.spec?.targetRef?.kind);
            const name = String(v.props.spec?.targetRef?.name);
            if (!ix.target(v.namespace, kind, name) && ix.unresolved.length === 0)
                report(
                    `${v.id}: targetRef ${kind}/${name} names no workload in namespace ${v.namespace} of this stack; fix spec.targetRef or declare the workload.`,
                    v,
                );
            const others = (ix.vpasByTarget.get(`${v.namespace}/${kind}/${name}`) ?? []).filter((x) => x !== v);
            if (others.length > 0)
                report(
                    `${v.id}: ${kind} ${v.namespace}/${name} is also managed by VerticalPodAutoscaler ${others.map((x) => x.name).join(", ")}; keep one VPA per workload.`,
                    v,
                );
        });
    },
);
