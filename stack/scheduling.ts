/** Placement by criticality and capacity type (issue 17 #2) and the overprovisioning placeholders (#4). */
import type * as pulumi from "@pulumi/pulumi";
import { NodePools, Overprovisioning, PriorityClasses } from "../components";
import type { AppConfig } from "../config/schema";
import { priorityClasses } from "../lib/priorityClasses";
import { OVERPROVISIONING_CLASS } from "../policies/contract";
import type { StackPlan } from "../plan/stack";

/** The PriorityClasses every pod of the stack names; the placeholders' class only when there are placeholders. */
export function declareScheduling(plan: StackPlan, opts: pulumi.ComponentResourceOptions): PriorityClasses {
    // Pods that name a class before it exists are refused and retried by their controller (the
    // ReplicaSet controller, the operators): the classes are small and created first in practice.
    return new PriorityClasses("priority", { classes: priorityClasses(plan.overprovision !== undefined) }, opts);
}

/** The placeholder Deployment, when the plan has one. */
export function declareOverprovisioning(
    cfg: AppConfig,
    plan: StackPlan,
    namespace: pulumi.Input<string>,
    classes: PriorityClasses,
    opts: pulumi.ComponentResourceOptions,
): Overprovisioning | undefined {
    const o = plan.overprovision;
    if (!o) return undefined;
    return new Overprovisioning(
        "overprovisioning",
        {
            namespace,
            instance: plan.stack,
            replicas: o.replicas,
            cpu: o.cpu,
            memory: o.memory,
            zones: cfg.zones,
            ...(o.affinity ? { affinity: o.affinity } : {}),
            priorityClass: classes.classes[OVERPROVISIONING_CLASS.name],
        },
        opts,
    );
}

/** The Karpenter NodePools, when the plan has them (placement.karpenter.enabled). */
export function declareNodePools(plan: StackPlan, opts: pulumi.ComponentResourceOptions): NodePools | undefined {
    return plan.nodePools.length ? new NodePools("nodepools", { pools: plan.nodePools }, opts) : undefined;
}
