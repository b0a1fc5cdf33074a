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
            "An HPA's (or a KEDA ScaledObject's) target either omits spec.replicas or lists spec.replicas in its ignoreChanges resource option, so Pulumi and the HPA don't fight over it.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Add ignoreChanges: [\"spec.replicas\"] to the workload's own resource options (a component's ignoreChanges does not reach its children), or omit spec.replicas.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        const autoscaled = new Map<string, string>();
        for (const [key, hpas] of ix.hpasByTarget) autoscaled.set(key, `HorizontalPodAutoscaler ${key.split("/")[0]}/${hpas[0].name}`);
        for (const [key, so] of ix.scaledObjectsByTarget)
            if (!autoscaled.has(key)) autoscaled.set(key, `ScaledObject ${key.split("/")[0]}/${so[0].name}`);
        for (const [key, by] of autoscaled) {
            const [ns, kind, name] = key.split("/");
            const w = ix.target(ns, kind, name);
            if (!w) continue;
            forEachKnown([w], () => {
                const replicas = w.props.spec?.replicas;
                if (replicas === undefined || ignoresReplicas(w.opts.ignoreChanges)) return;
                report(
                    `${w.id}: sets spec.replicas (${replicas}) while ${by} scales it; add ignoreChanges: ["spec.replicas"] to its resource options or omit spec.replicas, so Pulumi does not reset the HPA's count on every update.`,
                    w,
                );
            });
        }
    },
);
