/** Cross-field rules of the cluster tier: its zones, and what rendering to a directory rules out. */
import type { AppConfig } from "../schema";
import type { Show } from "./rule";

/** Each zone listed once. */
export function zoneProblems(c: AppConfig, show: Show): string[] {
    return new Set(c.zones).size !== c.zones.length ? [`zones (${show(c.zones, "zones")}) must not repeat a zone`] : [];
}

/** Rendering to YAML rules out Helm releases and a database connection. */
export function renderToDirectoryProblems(c: AppConfig, show: Show): string[] {
    const out: string[] = [];
    if (!c.cluster.renderYamlToDirectory) return out;
    const dir = show(c.cluster.renderYamlToDirectory, "cluster");
    const on = (
        [
            ["metrics.installAdapter", c.metrics.installAdapter],
            ["metrics.installVpa", c.metrics.installVpa],
            ["postgres.installOperator", c.postgres.enabled && c.postgres.installOperator],
            ["redis.installOperator", c.redis.enabled && c.redis.installOperator],
        ] as const
    ).filter(([, v]) => v);
    if (on.length)
        out.push(
            `cluster.renderYamlToDirectory (${dir}) needs ${on.map(([k]) => k).join(", ")} false (Helm releases cannot be rendered to YAML)`,
        );
    if (c.postgres.enabled && c.databaseAccess.manageRoles)
        out.push(`cluster.renderYamlToDirectory (${dir}) needs databaseAccess.manageRoles false (there is no database to connect to)`);
    return out;
}
