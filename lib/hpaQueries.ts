/**
 * What an HPA metric reads, in PromQL: the prometheus-adapter rule that serves it
 * (lib/metricsRules.ts), filled in as the adapter fills it. One home for everything that must read
 * what the HPA reads: the dashboards (lib/dashboards/hpaMetrics.ts) and KEDA's triggers for a pool
 * that scales to zero (lib/scaledObject.ts), so neither re-writes a rule's query. Pure.
 */
import { customRules, namespaceRules, type AdapterRule } from "./metricsRules";
import { deploymentPods, matchers } from "./dashboards/promql";

/** The adapter rule's metricsQuery with its template filled in (the adapter's own substitution). */
export function adapterQuery(rules: readonly AdapterRule[], name: string, labelMatchers: string, groupBy: string): string {
    const rule = rules.find((r) => r.name.as === name);
    if (!rule) throw new Error(`no adapter rule serves the HPA metric ${name}`);
    const series = rule.seriesQuery.slice(0, rule.seriesQuery.indexOf("{"));
    return rule.metricsQuery
        .replaceAll("<<.Series>>", series)
        .replaceAll("<<.LabelMatchers>>", labelMatchers)
        .replaceAll("<<.GroupBy>>", groupBy);
}

/**
 * A `Pods` metric as the HPA compares it with its AverageValue target: the adapter's per-pod value
 * for each of the Deployment's pods, averaged over them (one value).
 */
export function podsMetricQuery(name: string, namespace: string, deployment: string): string {
    return `avg(${adapterQuery(customRules(), name, matchers({ namespace }, { pod: deploymentPods(deployment) }), "pod")})`;
}

/**
 * An `Object` metric of the namespace as the adapter answers the HPA (one value, labelled with the
 * namespace): the metric selector's matchers sorted by key (ASCII keys: the default sort is Go's
 * byte order), then the namespace's; grouped by namespace (prometheus-adapter v0.12.0
 * pkg/naming/metrics_query.go Build).
 */
export function namespaceMetricQuery(name: string, selector: Readonly<Record<string, string>>, namespace: string): string {
    const sorted = Object.fromEntries(
        Object.keys(selector)
            .sort()
            .map((k) => [k, selector[k]]),
    );
    return adapterQuery(namespaceRules(), name, matchers({ ...sorted, namespace }), "namespace");
}
