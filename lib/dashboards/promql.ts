/**
 * PromQL shapes the dashboards share. Pure.
 *
 * A panel shows the workload the `workload` variable selects, but each workload's query differs
 * (its own series, its own target from the plan): every workload's expression is labelled with
 * `workload="<name>"`, the union is kept only for the selected one. Grafana interpolates
 * `$workload` before Prometheus parses the string.
 */

/** One workload's expression in a `perWorkload` union. */
export interface WorkloadExpr {
    readonly workload: string;
    readonly expr: string;
}

export const WORKLOAD_VARIABLE = "workload";

const withWorkload = (expr: string, workload: string) => `label_replace(${expr}, "workload", "${workload}", "", "")`;

/** The union of the workloads' expressions, each labelled, filtered to the selected workload. */
export function perWorkload(entries: readonly WorkloadExpr[]): string {
    const union = entries.map((e) => withWorkload(e.expr, e.workload)).join(" or ");
    return `(${union}) and on (workload) ${withWorkload("vector(1)", `$${WORKLOAD_VARIABLE}`)}`;
}

/**
 * The same quantity from whichever exporter runs: CloudNativePG's `cnpg_*` first, then the
 * community exporters' names (as the alert rules accept both, lib/alerts/dataTier.ts).
 */
export const eitherExporter = (exprs: readonly string[]): string => exprs.join(" or ");

/** A selector's matchers: `namespace="ns",pod=~"re"`. */
export const matchers = (m: Readonly<Record<string, string>>, regex: Readonly<Record<string, string>> = {}): string =>
    [...Object.entries(m).map(([k, v]) => `${k}="${v}"`), ...Object.entries(regex).map(([k, v]) => `${k}=~"${v}"`)].join(",");

/** A Deployment's pods: `<name>-<pod-template-hash>-<suffix>`, not another Deployment's whose name extends it. */
export const deploymentPods = (name: string): string => `${name}-[a-z0-9]+-[a-z0-9]+`;

/** A CloudNativePG cluster's instance pods (`<cluster>-<n>`), not its poolers or another cluster's. */
export const instancePods = (cluster: string): string => `${cluster}-[0-9]+`;

/** A RedisCluster's pods (`<name>-leader-<n>`, `<name>-follower-<n>`), not the session store's. */
export const redisPods = (name: string): string => `${name}-(leader|follower)-[0-9]+`;
