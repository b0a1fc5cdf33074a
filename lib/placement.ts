/**
 * Node affinity and tolerations by capacity type (issue 17 #2), pure. A spot pool's burst
 * requires spot nodes and tolerates their taint; its on-demand floor and, in a stack that uses
 * spot, the API require on-demand nodes, so neither lands on spot when the spot nodes carry no
 * taint. The data tier gets neither: without the toleration it stays off tainted spot nodes, and
 * the pack (place-data-not-on-spot) refuses any spot selection or toleration on it.
 */
import type { Affinity, Toleration } from "kubernetes-types/core/v1";
import { capacityValue } from "../policies/contract";

export type Capacity = "spot" | "on-demand";

export interface PlacementSettings {
    /** The node label that tells spot from on-demand (`karpenter.sh/capacity-type`). */
    readonly capacityTypeLabel: string;
    /** The taint of the spot nodes. */
    readonly spotTaint: { readonly key: string; readonly value: string; readonly effect: Toleration["effect"] };
}

/** Required node affinity on one capacity type (a required term: the scheduler never bends it). */
export function capacityAffinity(s: PlacementSettings, capacity: Capacity): Affinity {
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                    {
                        matchExpressions: [
                            { key: s.capacityTypeLabel, operator: "In", values: [capacityValue(s.capacityTypeLabel, capacity)] },
                        ],
                    },
                ],
            },
        },
    };
}

/** The pod placement of a capacity type: spot adds the toleration of the spot taint. */
export function capacityPlacement(s: PlacementSettings, capacity: Capacity): { affinity: Affinity; tolerations?: Toleration[] } {
    const affinity = capacityAffinity(s, capacity);
    if (capacity === "on-demand") return { affinity };
    return { affinity, tolerations: [{ key: s.spotTaint.key, operator: "Equal", value: s.spotTaint.value, effect: s.spotTaint.effect }] };
}
