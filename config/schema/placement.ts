/** Placement by capacity type (issue 17 #2): how the program tells spot from on-demand nodes. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { grammar, int, labelValue, optional } from "../primitives";

/** `HH:MM`, 00:00 to 24:00. */
const hhmm = () =>
    grammar((v) => (/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/.test(v) ? undefined : "must be a time of day HH:MM (00:00 to 24:00)"));

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
        workingHours: z
            .strictObject({
                enabled: z
                    .boolean()
                    .default(false)
                    .describe("Scale the API and the worker pools down to minReplicas below outside working hours."),
                days: z.array(int(0, 6)).min(1).default([1, 2, 3, 4, 5]).describe("Working days, 0 = Sunday (PromQL day_of_week)."),
                start: hhmm().default("08:00").describe("Start of the working hours, local time (HH:MM)."),
                end: hhmm().default("19:00").describe("End of the working hours, local time (HH:MM, after start; the end is outside)."),
                utcOffsetMinutes: int(-720, 840)
                    .default(0)
                    .describe(
                        "Local time less UTC in minutes (CET 60). Prometheus knows no time zones: a fixed offset, so daylight saving time moves the window by an hour.",
                    ),
                minReplicas: int(1, 1000)
                    .default(1)
                    .describe("HPA minReplicas outside working hours (an HPA cannot go to 0 without the alpha HPAScaleToZero gate)."),
            })
            .prefault({})
            .describe(
                "Working hours (issue 17 #4): inside them a recorded floor (the scheduled_floor Object metric) holds each HPA's usual minReplicas, outside them minReplicas is the value here.",
            ),
        overprovision: z
            .strictObject({
                enabled: z
                    .boolean()
                    .default(false)
                    .describe(
                        "Keep headroom for fast scale-up: placeholder pause pods at the lowest priority (sysmanage-overprovisioning, -10) that any real pod preempts.",
                    ),
                pods: int(0, 1000)
                    .optional()
                    .describe(
                        "Fixed number of placeholder pods; unset: the forecast's burst headroom for the API (docs/placement.md), one per zone without a forecast schedule.",
                    ),
                cpu: optional((v) => g.positiveQuantityError(v, "cpu"))
                    .default("")
                    .describe("CPU each placeholder holds (requests = limits); empty: the API pod's CPU request."),
                memory: optional((v) => g.positiveQuantityError(v, "bytes"))
                    .default("")
                    .describe("Memory each placeholder holds (requests = limits); empty: the API pod's memory request."),
            })
            .prefault({})
            .describe(
                "Overprovisioning (issue 17 #4): room held for API pods by placeholders, so a scale-up does not wait for a new node.",
            ),
    })
    .prefault({})
    .describe(
        "Placement by capacity type: spot pools (workers.<pool>.capacity) run their burst on spot and their minimum on on-demand nodes.",
    );
