/** Placement by capacity type (issue 17 #2): how the program tells spot from on-demand nodes. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { grammar, int, labelValue, optional } from "../primitives";

/** `HH:MM`, 00:00 to 24:00. */
const hhmm = () =>
    grammar((v) => (/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/.test(v) ? undefined : "must be a time of day HH:MM (00:00 to 24:00)"));

/** A Karpenter duration (`30s`, `10m`, `720h`, `1h30m`), as the NodePool CRD's pattern reads it. */
const duration = (never: boolean) =>
    grammar((v) =>
        /^([0-9]+(s|m|h))+$/.test(v) || (never && v === "Never")
            ? undefined
            : `must be a duration of s, m and h units (30s, 10m, 720h)${never ? " or Never" : ""}`,
    );

/** `placement.karpenter`: the NodePools the program declares, one per capacity type the stack uses. */
const karpenter = z
    .strictObject({
        enabled: z
            .boolean()
            .default(false)
            .describe(
                "Declare Karpenter NodePools (karpenter.sh/v1): <namespace>-on-demand always, <namespace>-spot (with the spot taint) when a worker pool runs on spot. Needs Karpenter and the NodeClass below in the cluster.",
            ),
        nodeClassRef: z
            .strictObject({
                group: grammar(g.dnsSubdomainError).default("karpenter.k8s.aws").describe("API group of the NodeClass."),
                kind: grammar((v) => (/^[A-Z][A-Za-z0-9]{0,62}$/.test(v) ? undefined : "must be a Kind (CamelCase, at most 63 characters)"))
                    .default("EC2NodeClass")
                    .describe("Kind of the NodeClass (AWS: EC2NodeClass)."),
                name: grammar(g.dnsSubdomainError).default("default").describe("Name of the NodeClass."),
            })
            .prefault({})
            .describe(
                "The cloud's NodeClass both NodePools launch nodes from (AMI, subnets, security groups): a prerequisite, not declared by the program.",
            ),
        architectures: z
            .array(z.enum(["amd64", "arm64"]))
            .min(1)
            .default(["amd64"])
            .describe("CPU architectures of the nodes (kubernetes.io/arch): those the images are built for."),
        instanceCategories: z
            .array(grammar((v) => (/^[a-z]$/.test(v) ? undefined : "must be one lower-case letter (c, m, r, ...)")))
            .default([])
            .describe(
                "AWS instance categories the nodes may be (karpenter.k8s.aws/instance-category, e.g. c, m, r); empty: any. Needs nodeClassRef.group karpenter.k8s.aws.",
            ),
        consolidateAfter: duration(true)
            .default("10m")
            .describe(
                "How long a node stays empty or underutilized before Karpenter consolidates it: at least the HPAs' longest scale-down window (workers, 600 s), so a load that returns finds the node still up.",
            ),
        expireAfter: duration(true)
            .default("720h")
            .describe("Node lifetime before Karpenter replaces it (rolls AMI and kernel updates; Karpenter's default, 30 days)."),
        terminationGracePeriod: optional((v) => (/^([0-9]+(s|m|h))+$/.test(v) ? undefined : "must be a duration (48h)"))
            .default("")
            .describe(
                "How long a draining node waits for PDBs before its pods are deleted anyway; empty: it waits for ever (an expired node holding a Postgres primary stays until the switchover).",
            ),
        limitsHeadroomPercent: int(0, 400)
            .default(25)
            .describe(
                "Each NodePool's cpu/memory limit is what the stack's pods on it request at maximum scale (HPA maxReplicas + rollout surge, the data tier) plus this share for daemonsets, system reserve and bin-packing.",
            ),
    })
    .prefault({})
    .describe(
        "Karpenter NodePools per capacity type (issue 17 #2): requirements, limits from the stack's maximum scale, disruption that respects the PDBs.",
    );

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
        karpenter,
    })
    .prefault({})
    .describe(
        "Placement by capacity type: spot pools (workers.<pool>.capacity) run their burst on spot and their minimum on on-demand nodes.",
    );
