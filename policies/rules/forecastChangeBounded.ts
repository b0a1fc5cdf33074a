import { FORECAST_ANNOTATIONS, formatBounds, parseBounds } from "../contract";
import { plain } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";

interface Config {
    maxFactor: number;
}

/** `forecast-change-bounded`: one preview never moves maxReplicas by more than a factor unless acknowledged. */
export const forecastChangeBounded = resourceRule<Config>(
    {
        name: "forecast-change-bounded",
        description:
            'A forecast changes an HPA\'s maxReplicas (against sysmanage.io/forecast-previous-bounds) by at most the configured factor, unless sysmanage.io/forecast-change-acknowledged is "true".',
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            'Review the forecast; acknowledge an intended jump in the stack config (forecast.acknowledge.<workload>: "<min>..<max>", the proposed bounds) so the forecasting step writes sysmanage.io/forecast-change-acknowledged: "true".',
        configSchema: {
            properties: { maxFactor: schema.num(2, "Largest allowed ratio between new and previous maxReplicas (either direction).", 1) },
        },
    },
    (kind) => kind === "HorizontalPodAutoscaler",
    (o, cfg, report) => {
        const a = plain<Record<string, string>>(o.props.metadata?.annotations ?? {});
        const prev = a[FORECAST_ANNOTATIONS.previousBounds];
        if (prev === undefined || a[FORECAST_ANNOTATIONS.acknowledged] === "true") return;
        const previous = parseBounds(prev);
        if (!previous) {
            report(`${o.id}: ${FORECAST_ANNOTATIONS.previousBounds} (${prev}) is not of the form min..max; re-run the forecasting step.`);
            return;
        }
        const before = previous.maxReplicas;
        const after = Number(o.props.spec?.maxReplicas);
        const proposed = formatBounds({ minReplicas: Number(o.props.spec?.minReplicas), maxReplicas: after });
        const ratio = Math.max(after / before, before / after);
        if (ratio > cfg.maxFactor)
            report(
                `${o.id}: maxReplicas changes from ${before} to ${after} (x${Math.round(ratio * 100) / 100}), more than the allowed factor ${cfg.maxFactor}; review the forecast and, if it is right, acknowledge it in the stack config: forecast.acknowledge.<workload>: "${proposed}" (the forecasting step then writes ${FORECAST_ANNOTATIONS.acknowledged}: "true").`,
            );
    },
);
