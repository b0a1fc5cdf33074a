/** Placement by criticality (issue 17 #2): the PriorityClasses every pod of the stack names. */
import type * as pulumi from "@pulumi/pulumi";
import { PriorityClasses } from "../components";
import { priorityClasses } from "../lib/priorityClasses";

export function declareScheduling(opts: pulumi.ComponentResourceOptions): PriorityClasses {
    // Pods that name a class before it exists are refused and retried by their controller (the
    // ReplicaSet controller, the operators): the classes are small and created first in practice.
    return new PriorityClasses("priority", { classes: priorityClasses() }, opts);
}
