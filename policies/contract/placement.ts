/**
 * Placement by capacity type (issue 17 #2): the node label that tells spot from on-demand nodes,
 * the taint spot nodes may carry, and the annotation that ties a spot workload to its on-demand
 * floor. Shared by the program (lib/placement.ts builds the affinity and tolerations) and the pack
 * (`place-data-not-on-spot`, `place-spot-has-on-demand-floor`). Pure: no imports.
 *
 * Why two Deployments per spot-tolerant pool, not one with a topology spread over the capacity
 * type: Karpenter's documented split (a `capacity-spread` label or a spread on
 * `karpenter.sh/capacity-type`) balances a ratio of pods between capacity types, and a pod that
 * tolerates both lands wherever the scheduler finds room; neither keeps N pods on on-demand. A
 * Deployment whose required node affinity is on-demand keeps exactly its replicas there, whatever
 * the spot market does.
 */

/** Karpenter's well-known label (values `spot`, `on-demand`, `reserved`). */
export const KARPENTER_CAPACITY_TYPE = "karpenter.sh/capacity-type";

/** Node labels and their spot value, as the common provisioners set them. */
export const SPOT_NODE_LABELS: readonly string[] = [
    `${KARPENTER_CAPACITY_TYPE}=spot`,
    "eks.amazonaws.com/capacityType=SPOT",
    "cloud.google.com/gke-spot=true",
];

/** The annotation of a spot workload naming the Deployment (same namespace) that is its on-demand floor. */
export const ON_DEMAND_FLOOR_ANNOTATION = "sysmanage.io/on-demand-floor";

/**
 * The annotation of an HPA whose minReplicas is an off-hours minimum: the floor a recorded rule
 * holds inside working hours (issue 17 #4; plan/workingHours.ts).
 */
export const WORKING_HOURS_FLOOR_ANNOTATION = "sysmanage.io/working-hours-floor";

/** AWS gives a spot instance two minutes' notice before it reclaims it. */
export const SPOT_NOTICE_SECONDS = 120;

/** The value of a capacity-type label meaning spot or on-demand, per label key (EKS spells them in capitals). */
export function capacityValue(labelKey: string, capacity: "spot" | "on-demand"): string {
    if (labelKey === "eks.amazonaws.com/capacityType") return capacity === "spot" ? "SPOT" : "ON_DEMAND";
    return capacity;
}
