import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceRule, schema } from "../lib/rule";
import { scheduleEndOf, scheduleOf } from "../lib/schedule";

interface Config {
    minRemainingHours: number;
}

/**
 * `forecast-schedule-current`, with the clock injectable for tests: a floor schedule deployed now
 * still has a while to run. An expired one is harmless (the floor falls back to minReplicas by
 * itself), but deploying it means the forecast stopped being refreshed.
 */
export function makeForecastScheduleCurrent(now: () => number = Date.now): ResourceValidationPolicy {
    return resourceRule<Config>(
        {
            name: "forecast-schedule-current",
            description:
                "An HPA's floor schedule (sysmanage.io/floor-schedule) still runs for the configured hours; an expired one means the forecast is not being refreshed.",
            enforcementLevel: "mandatory",
            severity: "medium",
            remediationSteps:
                "Refresh the exports and the schedule (npm run forecast -- --stack <stack> --refresh, or the scheduled forecast-refresh workflow), then preview again.",
            configSchema: {
                properties: { minRemainingHours: schema.int(6, "Hours the schedule must still run when it is deployed.", 0) },
            },
        },
        (kind) => kind === "HorizontalPodAutoscaler",
        (o, cfg, report) => {
            const s = scheduleOf(o, report);
            if (!s) return;
            const end = scheduleEndOf(s);
            const left = Math.floor((end * 1000 - now()) / 3_600_000);
            if (left < cfg.minRemainingHours)
                report(
                    `${o.id}: the floor schedule ends ${new Date(end * 1000).toISOString()} (${left >= 0 ? `in ${left} h` : `${-left} h ago`}, at least ${cfg.minRemainingHours} h wanted); after it the floor is minReplicas again. Refresh the exports and re-run the forecasting step.`,
                );
        },
    );
}

export const forecastScheduleCurrent = makeForecastScheduleCurrent();
