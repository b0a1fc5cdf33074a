/**
 * The stack's alerting rules, one group per concern, for a PrometheusRule. Every alert has a
 * runbook section in docs/runbooks.md. Pure: the plan builds the inputs.
 */
import type { IPrometheusRuleSpec } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRuleSpec";
import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";
import { autoscalingAlerts, type AutoscalingAlertInputs } from "./autoscaling";
import { dataTierAlerts, type DataTierAlertInputs } from "./dataTier";
import { forecastAlerts, type ForecastAlertInputs } from "./forecast";
import type { AlertContext } from "./rule";

export type { AlertContext } from "./rule";
export { runbookAnchor } from "./rule";

export interface AlertInputs extends AutoscalingAlertInputs, DataTierAlertInputs, ForecastAlertInputs {}

/** A PrometheusRule's spec whose groups and rules are always there (the model's fields are optional). */
export interface AlertRulesSpec extends IPrometheusRuleSpec {
    readonly groups: { name: string; rules: IRule[] }[];
}

export function alertRulesSpec(ctx: AlertContext, i: AlertInputs): AlertRulesSpec {
    const groups = [
        { name: "sysmanage.autoscaling", rules: autoscalingAlerts(ctx, i) },
        { name: "sysmanage.data-tier", rules: dataTierAlerts(ctx, i) },
        { name: "sysmanage.forecast", rules: forecastAlerts(ctx, i) },
    ];
    return { groups: groups.filter((g) => g.rules.length > 0) };
}
