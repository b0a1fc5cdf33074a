/** Pure builder for the analytics VerticalPodAutoscaler (autoscaling.k8s.io/v1). */

export interface VpaArgs {
    readonly deploymentName: string;
    readonly containerName: string;
    /** `Auto` is deprecated since VPA 1.5; `Recreate` is its exact equivalent. */
    readonly updateMode: "InPlaceOrRecreate" | "Recreate" | "Initial" | "Off";
    readonly minAllowed: { readonly cpu: string; readonly memory: string };
    readonly maxAllowed: { readonly cpu: string; readonly memory: string };
}

export function vpaSpec(a: VpaArgs): Record<string, unknown> {
    return {
        targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: a.deploymentName },
        updatePolicy: { updateMode: a.updateMode },
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
