/**
 * The stack's PriorityClass objects (issue 17 #2), from the contract's table. Pure: plain objects
 * in the `kubernetes-types` shape, no Pulumi.
 */
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { OVERPROVISIONING_CLASS, PRIORITY_CLASSES, PRIORITY_TIERS, type PriorityClassSpec, type PriorityTier } from "../policies/contract";
import { MANAGED_BY, PART_OF } from "./workload";

/** What a class is for: a tier, or the overprovisioning placeholders (issue 17 #4). */
export type PriorityClassRole = PriorityTier | "overprovisioning";

/** A PriorityClass with its role (the component names its child after it). */
export type PriorityClassManifest = PriorityClass & { readonly tier: PriorityClassRole; readonly metadata: { readonly name: string } };

function manifest(tier: PriorityClassRole, c: PriorityClassSpec): PriorityClassManifest {
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
}

/**
 * One PriorityClass per tier, most critical first, and the placeholders' class last when the
 * stack overprovisions (only then: an unused class is clutter). Cluster-scoped; never the default.
 */
export function priorityClasses(overprovisioning = false): PriorityClassManifest[] {
    const tiers = PRIORITY_TIERS.map((tier) => manifest(tier, PRIORITY_CLASSES[tier]));
    return overprovisioning ? [...tiers, manifest("overprovisioning", OVERPROVISIONING_CLASS)] : tiers;
}
