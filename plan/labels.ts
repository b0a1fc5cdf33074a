/** The labels every object of the stack carries, and the data tier's per-component labels. */

export type Labels = Readonly<Record<string, string>>;

/** Labels of every object the stack declares. */
export function stackLabels(environment: string, cluster: string): Labels {
    return {
        "app.kubernetes.io/part-of": "sysmanage",
        "app.kubernetes.io/managed-by": "pulumi",
        "sysmanage.io/environment": environment,
        "sysmanage.io/cluster": cluster,
    };
}

/** Labels of a data-tier object: the stack's, plus its component and the stack as instance. */
export function componentLabels(labels: Labels, component: "database" | "pooler" | "cache", instance: string): Labels {
    return { ...labels, "app.kubernetes.io/component": component, "app.kubernetes.io/instance": instance };
}
