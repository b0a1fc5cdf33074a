import { stackRule } from "../lib/rule";

/** `hpa-one-autoscaler-per-target`: two HPAs on one workload fight over its replica count. */
export const hpaOneAutoscalerPerTarget = stackRule<Record<string, never>>(
    {
        name: "hpa-one-autoscaler-per-target",
        description: "At most one HorizontalPodAutoscaler or KEDA ScaledObject targets each workload.",
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
        // KEDA scales a ScaledObject's target through its own HPA keda-hpa-<name>: a declared HPA on
        // the same target is a second autoscaler (KEDA's webhook refuses it too).
        for (const [target, scaled] of ix.scaledObjectsByTarget) {
            const [, kind, name] = target.split("/");
            const others = [
                ...(ix.hpasByTarget.get(target) ?? []).map((h) => `HorizontalPodAutoscaler ${h.name}`),
                ...scaled.map((o) => `ScaledObject ${o.name}`),
            ];
            if (others.length < 2) continue;
            for (const o of scaled)
                report(
                    `${o.id}: ${kind} ${o.namespace}/${name} is scaled by ${others.filter((x) => x !== `ScaledObject ${o.name}`).join(", ")} as well; KEDA scales it through its own HPA keda-hpa-${o.name}, so keep one autoscaler per workload.`,
                    o,
                );
        }
    },
);
