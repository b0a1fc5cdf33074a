import { stackRule } from "../lib/rule";

/** `hpa-one-autoscaler-per-target`: two HPAs on one workload fight over its replica count. */
export const hpaOneAutoscalerPerTarget = stackRule<Record<string, never>>(
    {
        name: "hpa-one-autoscaler-per-target",
        description: "At most one HorizontalPodAutoscaler targets each workload.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Merge the HPAs' metrics into one HPA per workload.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        for (const [target, hpas] of ix.hpasByTarget) {
            if (hpas.length < 2) continue;
            const [, kind, name] = target.split("/");
            for (const h of hpas) {
                const others = hpas
                    .filter((x) => x !== h)
                    .map((x) => x.name)
                    .join(", ");
                report(
                    `${h.id}: ${kind} ${h.namespace}/${name} is also scaled by HorizontalPodAutoscaler ${others}; keep one HPA per workload (two HPAs fight and the replica count flaps).`,
                    h,
                );
            }
        }
    },
);
