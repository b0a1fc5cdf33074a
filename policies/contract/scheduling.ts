/**
 * The stack's PriorityClasses (issue 17 #2, placement by criticality): one home for their names
 * and values, shared by the program (lib/priorityClasses.ts declares them, the pod builders set
 * `priorityClassName`) and the pack (`wl-priority-class`, `wl-priority-order`). Pure: no imports.
 *
 * Values: kube-scheduler preempts the lowest value first and queues the highest first. Ours sit far
 * below the API server's ceiling for user classes (HighestUserDefinablePriority, 1000000000) and
 * the system classes (system-cluster-critical 2000000000, system-node-critical 2000001000), so
 * DNS, CNI and kube-proxy always win; they are spaced by 100000 or more so a platform team can slot
 * its own classes (monitoring, ingress) between ours; all are above 0 (pods without a class, and
 * the overprovisioning placeholders of issue 17 #4, which take a negative value).
 */

/** The tiers, most critical first. */
export const PRIORITY_TIERS = ["data", "api", "workers", "batch"] as const;
export type PriorityTier = (typeof PRIORITY_TIERS)[number];

export interface PriorityClassSpec {
    readonly name: string;
    readonly value: number;
    /** `PreemptLowerPriority` evicts lower pods to make room; `Never` waits in the queue (KEP-902). */
    readonly preemptionPolicy: "PreemptLowerPriority" | "Never";
    readonly description: string;
}

export const PRIORITY_CLASSES: Readonly<Record<PriorityTier, PriorityClassSpec>> = {
    // Everything depends on it, and a Postgres or Redis pod is the costliest to move (volume
    // re-attach, failover, resync): preempted last, and it may preempt anything of ours below.
    data: {
        name: "sysmanage-data",
        value: 1000000,
        preemptionPolicy: "PreemptLowerPriority",
        description: "SysManage data tier: Postgres instances, PgBouncer poolers, Redis nodes. Preempted last.",
    },
    // Serves users; useless without the data tier, so just below it.
    api: {
        name: "sysmanage-api",
        value: 900000,
        preemptionPolicy: "PreemptLowerPriority",
        description: "SysManage API: serves users; below the data tier it depends on.",
    },
    // Queues absorb a delay; they may still evict analytics to drain a backlog.
    workers: {
        name: "sysmanage-workers",
        value: 500000,
        preemptionPolicy: "PreemptLowerPriority",
        description: "SysManage queue workers: a backlog waits in the queue; below the API and the data tier.",
    },
    // Analytics and batch wait for capacity rather than evict anyone (ours or other tenants').
    batch: {
        name: "sysmanage-batch",
        value: 100000,
        preemptionPolicy: "Never",
        description: "SysManage analytics and batch: waits for capacity, never preempts; evicted first.",
    },
};

/** The tier of a workload by its `app.kubernetes.io/component` label (lib/workload.ts). */
export const COMPONENT_TIER: Readonly<Record<string, PriorityTier>> = { api: "api", worker: "workers", analytics: "batch" };

/** The tier of the pods an operator builds from these custom resources. */
export const OPERATOR_KIND_TIER: Readonly<Record<string, PriorityTier>> = { Cluster: "data", Pooler: "data", RedisCluster: "data" };

/** The class name of a tier. */
export const priorityClassOf = (tier: PriorityTier): string => PRIORITY_CLASSES[tier].name;

/**
 * The overprovisioning placeholders' class (issue 17 #4): below every pod of ours and below 0, so
 * any real pod that finds no room preempts a placeholder, and the cluster autoscaler adds a node
 * for the evicted placeholder while the real pod already runs. `Never`: a placeholder waits for
 * room, it evicts nobody. Not a tier: no real workload may use it (`wl-priority-class`).
 */
export const OVERPROVISIONING_CLASS: PriorityClassSpec = {
    name: "sysmanage-overprovisioning",
    value: -10,
    preemptionPolicy: "Never",
    description: "SysManage overprovisioning placeholders (pause pods): preempted by any real pod; never preempts.",
};

/** The label that marks a placeholder pod; the pack's exemptions also require the class. */
export const ROLE_LABEL = "sysmanage.io/role";
export const PLACEHOLDER_ROLE = "placeholder";

/**
 * A placeholder pod: the label AND the overprovisioning class. Both, so a real workload cannot
 * opt out of the probe and disruption-budget rules by a label alone: with the class it would be
 * the first pod preempted, which is what a placeholder is for.
 */
export function isPlaceholderPod(labels: Readonly<Record<string, string>> | undefined, priorityClassName: unknown): boolean {
    return labels?.[ROLE_LABEL] === PLACEHOLDER_ROLE && priorityClassName === OVERPROVISIONING_CLASS.name;
}
