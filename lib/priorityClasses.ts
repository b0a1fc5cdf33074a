/**
 * The stack's PriorityClass objects (issue 17 #2), from the contract's table. Pure: plain objects
 * in the `kubernetes-types` shape, no Pulumi.
 */
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { PRIORITY_CLASSES, PRIORITY_TIERS, type PriorityTier } from "../policies/contract";
import { MANAGED_BY, PART_OF } from "./workload";

/** A PriorityClass with its tier (the component names its child after it). */
export type PriorityClassManifest = PriorityClass & { readonly tier: PriorityTier; readonly metadata: { readonly name: string } };

/** One PriorityClass per tier, most critical first. Cluster-scoped; never the cluster's default. */
export function priorityClasses(): PriorityClassManifest[] {
    return PRIORITY_TIERS.map((tier) => {
        const c = PRIORITY_CLASSES[tier];
        return {
            tier,
            apiVersion: "scheduling.k8s.io/v1",
            kind: "PriorityClass",
            // Pods name it: a fixed name, not an auto-name.
            metadata: { name: c.name, labels: { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": MANAGED_BY } },
            value: c.value,
            // Other tenants' pods without a class keep priority 0: ours must not become their default.
            globalDefault: false,
            preemptionPolicy: c.preemptionPolicy,
            description: c.description,
        };
    });
}
