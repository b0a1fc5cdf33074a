import type { ResourceValidationPolicy } from "@pulumi/policy";
import { FORECAST_ANNOTATIONS, hasForecast, parseIsoTime } from "../contract";
import { plain } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";

interface Config {
    maxDataAgeHours: number;
}

const REQUIRED = [
    FORECAST_ANNOTATIONS.generatedAt,
    FORECAST_ANNOTATIONS.dataEnd,
    FORECAST_ANNOTATIONS.model,
    FORECAST_ANNOTATIONS.inputsHash,
];

/**
 * `forecast-fresh`, with the clock injectable for tests: HPA bounds that come from a forecast
 * come from recent metrics. HPAs without forecast annotations are skipped.
 */
export function makeForecastFresh(now: () => number = Date.now): ResourceValidationPolicy {
    return resourceRule<Config>(
        {
            name: "forecast-fresh",
            description:
                "HPA bounds written by the forecasting step come from metrics no older than the configured age, and record their model and inputs; HPAs without a forecast are skipped.",
            enforcementLevel: "mandatory",
            severity: "medium",
            remediationSteps: "Re-run the forecasting step (npm run forecast) on fresh metrics and commit its output.",
            configSchema: {
                properties: { maxDataAgeHours: schema.int(168, "Oldest acceptable newest data point, in hours (default one week).", 1) },
            },
        },
        (kind) => kind === "HorizontalPodAutoscaler",
        (o, cfg, report) => {
            const a = plain<Record<string, string>>(o.props.metadata?.annotations ?? {});
            if (!hasForecast(a)) return;
            const missing = REQUIRED.filter((k) => a[k] === undefined);
            if (missing.length > 0) {
                report(
                    `${o.id}: forecast annotation(s) ${missing.join(", ")} are missing; re-run the forecasting step so the bounds record their inputs.`,
                );
                return;
            }
            const generated = parseIsoTime(a[FORECAST_ANNOTATIONS.generatedAt]);
            const dataEnd = parseIsoTime(a[FORECAST_ANNOTATIONS.dataEnd]);
            for (const [k, t] of [
                [FORECAST_ANNOTATIONS.generatedAt, generated],
                [FORECAST_ANNOTATIONS.dataEnd, dataEnd],
            ] as const)
                if (Number.isNaN(t)) report(`${o.id}: ${k} (${a[k]}) is not an ISO 8601 time; re-run the forecasting step.`);
            if (Number.isNaN(generated) || Number.isNaN(dataEnd)) return;
            if (dataEnd > generated)
                report(
                    `${o.id}: ${FORECAST_ANNOTATIONS.dataEnd} (${a[FORECAST_ANNOTATIONS.dataEnd]}) is after ${FORECAST_ANNOTATIONS.generatedAt} (${a[FORECAST_ANNOTATIONS.generatedAt]}); re-run the forecasting step.`,
                );
            const ageHours = Math.floor((now() - dataEnd) / 3_600_000);
            if (ageHours > cfg.maxDataAgeHours)
                report(
                    `${o.id}: bounds come from metrics ending ${a[FORECAST_ANNOTATIONS.dataEnd]} (${ageHours} h old, max ${cfg.maxDataAgeHours} h); re-run the forecast on fresh metrics.`,
                );
        },
    );
}

/** `forecast-fresh` on the wall clock. */
export const forecastFresh = makeForecastFresh();
