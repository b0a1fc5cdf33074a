/**
 * One alerting rule as prometheus-operator's PrometheusRule carries it, with the runbook link
 * every alert must have (docs/runbooks.md has a section per alert, named after it). Pure.
 */
import type { IRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Rule";

export type Severity = "critical" | "warning";

export interface AlertSpec {
    /** CamelCase, prefixed `Sysmanage`; also the runbook section's title. */
    readonly alert: string;
    readonly expr: string;
    /** How long the condition holds before the alert fires (a Prometheus duration). */
    readonly for: string;
    readonly severity: Severity;
    readonly summary: string;
    /** May use `{{ $labels.x }}` and `{{ $value }}`. */
    readonly description: string;
    /** Labels that tell apart the rules of one alert per object (the cluster, the pooler, the queue). */
    readonly labels?: Readonly<Record<string, string>>;
}

/** Where the runbooks live (config `metrics.runbookBaseUrl`); each alert links to its own anchor. */
export interface AlertContext {
    readonly namespace: string;
    readonly runbookBaseUrl: string;
}

/** The runbook section's anchor: GitHub's slug of the alert's name (lower case). */
export const runbookAnchor = (alert: string): string => alert.toLowerCase();

export function alertRule(ctx: AlertContext, a: AlertSpec): IRule {
    return {
        alert: a.alert,
        expr: a.expr,
        for: a.for,
        labels: { severity: a.severity, namespace: ctx.namespace, ...a.labels },
        annotations: {
            summary: a.summary,
            description: a.description,
            runbook_url: `${ctx.runbookBaseUrl}#${runbookAnchor(a.alert)}`,
        },
    };
}

/** A label matcher for the stack's namespace, for every selector. */
export const inNamespace = (ctx: AlertContext): string => `namespace="${ctx.namespace}"`;
