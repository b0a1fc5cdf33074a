/**
 * Forecast against reality: the load of a scheduled workload outside the band its forecast
 * published (lib/floorSchedule.ts records it hour by hour) for a sustained time. Above the band,
 * the floor was sized for less than arrives; below it, the floor keeps pods nobody needs. Both
 * say the forecast no longer describes the traffic. Pure.
 */
import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";
import { SCHEDULE_SERIES } from "../floorSchedule";
import { alertRule, type AlertContext } from "./rule";

export interface ForecastBandInput {
    /** The Deployment whose floor is scheduled. */
    readonly workload: string;
    /** The band's metric (the forecast.series key: `requests`, `queueLength`, ...). */
    readonly metric: string;
    /** The PromQL the metric's export is refreshed from (forecast.series.<...>.query): the load as forecast. */
    readonly query: string;
}

export interface ForecastAlertInputs {
    readonly forecastBands: readonly ForecastBandInput[];
}

export function forecastAlerts(ctx: AlertContext, i: ForecastAlertInputs): IRule[] {
    return i.forecastBands.flatMap((b) => {
        const band = (series: string) => `max(${series}{namespace="${ctx.namespace}",workload="${b.workload}",metric="${b.metric}"})`;
        const labels = { workload: b.workload, metric: b.metric };
        return [
            alertRule(ctx, {
                alert: "SysmanageLoadAboveForecast",
                expr: `max(${b.query}) > on () ${band(SCHEDULE_SERIES.upper)}`,
                for: "30m",
                severity: "warning",
                summary: "The load has been above the forecast's band for 30 minutes",
                description: `${b.workload}'s ${b.metric} is {{ $value }}, above the upper band its floor schedule was sized for: the HPA must make up the difference from a lower floor. Refresh the forecast, or look for what changed the traffic.`,
                labels,
            }),
            alertRule(ctx, {
                alert: "SysmanageLoadBelowForecast",
                expr: `max(${b.query}) < on () ${band(SCHEDULE_SERIES.lower)}`,
                for: "2h",
                severity: "warning",
                summary: "The load has been below the forecast's band for 2 hours",
                description: `${b.workload}'s ${b.metric} is {{ $value }}, below the lower band: the scheduled floor keeps pods the traffic does not need. Refresh the forecast, or check whether traffic was lost upstream.`,
                labels,
            }),
        ];
    });
}
