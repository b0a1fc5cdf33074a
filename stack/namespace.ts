/** The application namespace with its labels and network policies. */
import type * as pulumi from "@pulumi/pulumi";
import { AppNamespace } from "../components";
import type { StackPlan } from "../plan/stack";

export function declareNamespace(name: string, plan: StackPlan, opts: pulumi.ComponentResourceOptions): AppNamespace {
    return new AppNamespace("app", { name, labels: plan.labels, network: plan.network }, opts);
}
