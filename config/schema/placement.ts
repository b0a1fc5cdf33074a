/** Placement by capacity type (issue 17 #2): how the program tells spot from on-demand nodes. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { grammar, int, labelValue } from "../primitives";

/** `placement`: the node label, the spot taint and the spot pods' grace period. */
export const placement = z
    .strictObject({
        capacityTypeLabel: grammar(g.labelKeyError)
            .default(g.KARPENTER_CAPACITY_TYPE)
            .describe(
                "Node label that tells spot from on-demand nodes (Karpenter: karpenter.sh/capacity-type; EKS managed node groups: eks.amazonaws.com/capacityType, whose values are SPOT and ON_DEMAND).",
            ),
        spotTaint: z
            .strictObject({
                key: grammar(g.labelKeyError).default(g.KARPENTER_CAPACITY_TYPE).describe("Taint key of the spot nodes."),
                value: labelValue().default("spot").describe("Taint value of the spot nodes."),
                effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).default("NoSchedule").describe("Taint effect."),
            })
            .prefault({})
            .describe(
                "The taint the cluster puts on spot nodes (a Karpenter NodePool's spec.template.spec.taints): only spot pools tolerate it, so the API and the data tier stay off spot.",
            ),
        spotGracePeriodSeconds: int(1, g.SPOT_NOTICE_SECONDS)
            .default(90)
            .describe(
                "terminationGracePeriodSeconds of spot pods, at most the pool's own: inside AWS's 120 s interruption notice, with time left for the drain to start (policy place-spot-has-on-demand-floor).",
            ),
    })
    .prefault({})
    .describe(
        "Placement by capacity type: spot pools (workers.<pool>.capacity) run their burst on spot and their minimum on on-demand nodes.",
    );
