import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** True when ignoreChanges covers `spec.replicas` (the path itself or a parent path). */
export const ignoresReplicas = (ignoreChanges: readonly string[]): boolean =>
    ignoreChanges.some((p) => p === "spec.replicas" || p === "spec" || p === "spec.*" || p === "*");

/** `hpa-owns-replicas`: Pulumi must not reset the count the HPA chose on every update. */
export const hpaOwnsReplicas = stackRule<Record<string, never>>(
    {
        name: "hpa-owns-replicas",
        description:
            "An HPA's target either omits spec.replicas or lists spec.replicas in its ignoreChanges resource option, so Pulumi and the HPA don't fight over it.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Add ignoreChanges: [\"spec.replicas\"] to the workload's own resource options (a component's ignoreChanges does not reach its children), or omit spec.replicas.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        for (const [key, hpas] of ix.hpasByTarget) {
            const [ns, kind, name] = key.split("/");
            const w = ix.target(ns, kind, name);
            if (!w) continue;
            forEachKnown([w], () => {
                const replicas = w.props.spec?.replicas;
                if (replicas === undefined || ignoresReplicas(w.opts.ignoreChanges)) return;
                report(
                    `${w.id}: sets spec.replicas (${replicas}) while HorizontalPodAutoscaler ${ns}/${hpas[0].name} scales it; add ignoreChanges: ["spec.replicas"] to its resource options or omit spec.replicas, so Pulumi does not reset the HPA's count on every update.`,
                    w,
                );
            });
        }
    },
);
