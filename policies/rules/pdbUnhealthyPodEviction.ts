import { resourceRule } from "../lib/rule";

/** `pdb-unhealthy-pod-eviction`: crash-looping pods must not hold a drain hostage. */
export const pdbUnhealthyPodEviction = resourceRule<Record<string, never>>(
    {
        name: "pdb-unhealthy-pod-eviction",
        description: "PodDisruptionBudgets set unhealthyPodEvictionPolicy: AlwaysAllow.",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps: "Set spec.unhealthyPodEvictionPolicy: AlwaysAllow.",
        configSchema: { properties: {} },
    },
    (kind) => kind === "PodDisruptionBudget",
    (o, _cfg, report) => {
        const v = o.props.spec?.unhealthyPodEvictionPolicy;
        if (v !== "AlwaysAllow")
            report(
                `${o.id}: unhealthyPodEvictionPolicy is ${v ?? "unset (IfHealthyBudget)"}; set it to AlwaysAllow so crash-looping pods do not block node drains.`,
            );
    },
);
