import { resourceRule, schema } from "../lib/rule";

interface Config {
    allowInert: boolean;
}

/** `hpa-bounds-valid`: minReplicas >= 1, maxReplicas >= 1, min <= max; min = max is an inert HPA. */
export const hpaBoundsValid = resourceRule<Config>(
    {
        name: "hpa-bounds-valid",
        description:
            "HorizontalPodAutoscaler bounds are valid: minReplicas >= 1, maxReplicas >= 1, minReplicas <= maxReplicas, and not equal (an inert HPA).",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Set spec.minReplicas >= 1 and spec.maxReplicas > spec.minReplicas; remove an HPA whose bounds are equal.",
        configSchema: { properties: { allowInert: schema.bool(false, "Accept minReplicas = maxReplicas (an HPA that never scales).") } },
    },
    (kind) => kind === "HorizontalPodAutoscaler",
    (o, cfg, report) => {
        // The API server defaults minReplicas to 1.
        const min = Number(o.props.spec?.minReplicas ?? 1);
        const max = Number(o.props.spec?.maxReplicas);
        if (min < 1) report(`${o.id}: minReplicas (${min}) must be >= 1; set spec.minReplicas to 1 or more.`);
        if (!(max >= 1)) report(`${o.id}: maxReplicas (${o.props.spec?.maxReplicas}) must be >= 1; set spec.maxReplicas to 1 or more.`);
        if (min > max)
            report(`${o.id}: minReplicas (${min}) must be <= maxReplicas (${max}); lower spec.minReplicas or raise spec.maxReplicas.`);
        if (min === max && !cfg.allowInert)
            report(
                `${o.id}: minReplicas equals maxReplicas (${min}), so the HPA is inert; widen the range, or remove the HPA and set the workload's replicas.`,
            );
    },
);
