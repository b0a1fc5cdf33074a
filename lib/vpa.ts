/** Pure builder for the analytics VerticalPodAutoscaler (autoscaling.k8s.io/v1). */
import type { IVerticalPodAutoscaler } from "../generated/crds/autoscaling.k8s.io/v1/VerticalPodAutoscaler";

export interface VpaArgs {
    readonly deploymentName: string;
    readonly containerName: string;
    /** `Auto` is deprecated since VPA 1.5; `Recreate` is its exact equivalent. */
    readonly updateMode: "InPlaceOrRecreate" | "Recreate" | "Initial" | "Off";
    readonly minAllowed: { readonly cpu: string; readonly memory: string };
    readonly maxAllowed: { readonly cpu: string; readonly memory: string };
    /** Replicas of the target; the updater leaves targets below its --min-replicas (2) alone unless told. */
    readonly replicas: number;
}

export function vpaSpec(a: VpaArgs): IVerticalPodAutoscaler["spec"] {
    return {
        targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: a.deploymentName },
        // A single replica would never be updated under the updater's default floor of 2.
        updatePolicy: a.replicas < 2 ? { updateMode: a.updateMode, minReplicas: 1 } : { updateMode: a.updateMode },
        resourcePolicy: {
            containerPolicies: [
                {
                    containerName: a.containerName,
                    minAllowed: { ...a.minAllowed },
                    maxAllowed: { ...a.maxAllowed },
                    controlledResources: ["cpu", "memory"],
                    // Keep the limit/request ratio, so the memory limit grows with the request.
                    controlledValues: "RequestsAndLimits",
                },
            ],
        },
    };
}
