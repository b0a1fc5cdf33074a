import type { Json } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    utilizationMin: number;
    utilizationMax: number;
    requireBehavior: boolean;
    minScaleDownStabilizationSeconds: number;
    maxScaleDownPercentPerMinute: number;
}

/** `hpa-metrics-and-behavior`: explicit metrics, sane utilization targets, a bounded scale-down. */
export const hpaMetricsAndBehavior = resourceRule<Config>(
    {
        name: "hpa-metrics-and-behavior",
        description:
            "HPA metrics are declared explicitly, utilization targets are within range, and (where required) scale-down has a stabilization window and a bounded policy.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "List spec.metrics, keep utilization targets within the configured range, and set spec.behavior.scaleDown with a stabilization window and Percent/Pods policies.",
        configSchema: {
            properties: {
                utilizationMin: schema.int(50, "Lowest utilization target in % (lower wastes capacity).", 1),
                utilizationMax: schema.int(90, "Highest utilization target in % (higher leaves no headroom while scaling).", 1),
                requireBehavior: schema.bool(true, "Require spec.behavior.scaleDown with a window and bounded policies."),
                minScaleDownStabilizationSeconds: schema.int(300, "Shortest scale-down stabilization window (seed: API 300 s)."),
                maxScaleDownPercentPerMinute: schema.int(
                    50,
                    "Most pods, in % per minute, one scale-down Percent policy may remove (seed: 50).",
                    1,
                ),
            },
        },
    },
    (kind) => kind === "HorizontalPodAutoscaler",
    (o, cfg, report) => {
        const spec = o.props.spec;
        const metrics = (spec?.metrics ?? []) as Json[];
        if (metrics.length === 0) report(`${o.id}: declares no metrics (the implicit default is 80% CPU); list spec.metrics explicitly.`);
        forEachKnown(metrics, (m) => {
            const r = m.type === "Resource" ? m.resource : m.type === "ContainerResource" ? m.containerResource : undefined;
            if (r?.target?.type !== "Utilization") return;
            const v = Number(r.target.averageUtilization);
            if (!(v >= cfg.utilizationMin && v <= cfg.utilizationMax))
                report(
                    `${o.id}: ${r.name} utilization target ${v}% is outside ${cfg.utilizationMin}..${cfg.utilizationMax}%; pick a target in range (too low wastes capacity, too high leaves no headroom to scale).`,
                );
        });
        if (!cfg.requireBehavior) return;
        const down = spec?.behavior?.scaleDown;
        const window = down?.stabilizationWindowSeconds;
        if (window === undefined || Number(window) < cfg.minScaleDownStabilizationSeconds)
            report(
                `${o.id}: scale-down stabilization window (${window === undefined ? "unset" : `${window}s`}) is below ${cfg.minScaleDownStabilizationSeconds}s; set spec.behavior.scaleDown.stabilizationWindowSeconds to at least ${cfg.minScaleDownStabilizationSeconds}.`,
            );
        if (down?.selectPolicy === "Disabled") return;
        const policies = (down?.policies ?? []) as Json[];
        if (policies.length === 0)
            report(`${o.id}: scale-down is unbounded (no spec.behavior.scaleDown.policies); add a Percent or Pods policy.`);
        forEachKnown(policies, (p) => {
            if (p.type !== "Percent") return;
            const perMinute = (Number(p.value) * 60) / Number(p.periodSeconds);
            if (perMinute > cfg.maxScaleDownPercentPerMinute)
                report(
                    `${o.id}: scale-down policy Percent ${p.value}/${p.periodSeconds}s removes up to ${Math.round(perMinute)}% a minute, above ${cfg.maxScaleDownPercentPerMinute}%; lower value or lengthen periodSeconds.`,
                );
        });
    },
);
