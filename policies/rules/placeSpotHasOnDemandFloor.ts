import { ON_DEMAND_FLOOR_ANNOTATION, SPOT_NOTICE_SECONDS } from "../contract";
import { REPLICATED_KINDS } from "../lib/k8s";
import { pinnedTo, spotSelection, spotToleration } from "../lib/placement";
import { schema, stackRule, type StackReport } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import { targetKey, type Indexed, type PodGroup, type StackIndex } from "../stackIndex";
import { SPOT_CONFIG_SCHEMA, type SpotConfig } from "./placeDataNotOnSpot";

interface Config extends SpotConfig {
    onDemandLabels: string[];
    minFloorReplicas: number;
    maxGraceSeconds: number;
}

/** How a workload's pods reach spot nodes, or undefined (a pod pinned to on-demand may tolerate the taint harmlessly). */
function onSpot(spec: unknown, cfg: Config): string | undefined {
    const selected = spotSelection(spec, cfg.spotLabels);
    if (selected) return selected;
    return pinnedTo(spec, cfg.onDemandLabels) ? undefined : spotToleration(spec, cfg.spotTaintKey, cfg.spotTaintValue);
}

/** The on-demand Deployment the spot workload names, checked: pinned to on-demand, and at least the configured floor. */
function checkFloor(ix: StackIndex, w: Indexed, how: string, cfg: Config, report: StackReport): void {
    // A pool KEDA scales to zero keeps no floor anywhere (place-scale-to-zero-has-trigger checks what wakes it).
    if (ix.scaledObjectsByTarget.has(targetKey(w.namespace, w.kind, w.name)) && ix.floorReplicas(w) === 0) return;
    const floorName: unknown = w.props.metadata?.annotations?.[ON_DEMAND_FLOOR_ANNOTATION];
    if (typeof floorName !== "string" || floorName === "") {
        report(
            `${w.id}: runs on spot (${how}) with no on-demand floor; annotate it ${ON_DEMAND_FLOOR_ANNOTATION} with the Deployment that keeps its minimum on on-demand nodes.`,
            w,
        );
        return;
    }
    const floor = ix.target(w.namespace, "Deployment", floorName);
    if (!floor) {
        if (ix.unresolved.length === 0)
            report(
                `${w.id}: its on-demand floor Deployment ${w.namespace}/${floorName} is not in the stack; declare it or fix ${ON_DEMAND_FLOOR_ANNOTATION}.`,
                w,
            );
        return;
    }
    if (!pinnedTo(floor.props.spec?.template?.spec, cfg.onDemandLabels))
        report(
            `${floor.id}, the on-demand floor of ${w.id}, is not pinned to on-demand nodes; give it a nodeSelector or a required node affinity on one of ${cfg.onDemandLabels.join(", ")}.`,
            floor,
        );
    const n = ix.floorReplicas(floor);
    if (n !== undefined && n < cfg.minFloorReplicas)
        report(
            `${floor.id}, the on-demand floor of ${w.id}, runs ${n} replicas at its floor; keep at least ${cfg.minFloorReplicas}.`,
            floor,
        );
}

function checkSpotWorkload(ix: StackIndex, g: PodGroup, how: string, cfg: Config, report: StackReport): void {
    const w = g.owner;
    if (ix.pdbsSelecting(g).length === 0 && ix.unresolved.length === 0)
        report(
            `${w.id}: runs on spot (${how}) but no PodDisruptionBudget selects its pods; add one (maxUnavailable: 1) so an interrupted node drains them one at a time.`,
            w,
        );
    // Stryker disable next-line OptionalChaining: onSpot read this pod spec first and found it on spot, so it is there
    const grace = Number(w.props.spec?.template?.spec?.terminationGracePeriodSeconds ?? 30);
    if (grace > cfg.maxGraceSeconds)
        report(
            `${w.id}: runs on spot with terminationGracePeriodSeconds ${grace}; a spot node goes ${SPOT_NOTICE_SECONDS}s after its notice, so keep it at most ${cfg.maxGraceSeconds}s or jobs are killed mid-way.`,
            w,
        );
    checkFloor(ix, w, how, cfg, report);
}

/** `place-spot-has-on-demand-floor`: a spot workload keeps a floor on on-demand nodes, a PDB, and a grace period inside the notice. */
export const placeSpotHasOnDemandFloor = stackRule<Config>(
    {
        name: "place-spot-has-on-demand-floor",
        description:
            "Every workload whose pods may run on spot has a PDB, a grace period inside the interruption notice, and an on-demand floor Deployment (pinned to on-demand, at least the configured replicas), unless a KEDA ScaledObject scales it to zero (no floor to keep).",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Annotate the spot workload sysmanage.io/on-demand-floor with a Deployment pinned to on-demand nodes, add a PDB, and keep terminationGracePeriodSeconds inside the notice.",
        configSchema: {
            properties: {
                ...SPOT_CONFIG_SCHEMA,
                onDemandLabels: schema.strings(
                    ["karpenter.sh/capacity-type=on-demand", "eks.amazonaws.com/capacityType=ON_DEMAND"],
                    "Node labels (`key=value`) that mark on-demand nodes.",
                ),
                minFloorReplicas: schema.int(1, "Replicas the on-demand floor keeps at least.", 1),
                maxGraceSeconds: schema.int(90, "Largest terminationGracePeriodSeconds of a spot pod (AWS notice: 120 s).", 1),
            },
        },
    },
    (ix, cfg, report) => {
        forEachKnown(
            ix.podGroups.filter((g) => REPLICATED_KINDS.includes(g.owner.kind)),
            (g) => {
                const how = onSpot(g.owner.props.spec?.template?.spec, cfg);
                if (how) checkSpotWorkload(ix, g, how, cfg, report);
            },
        );
    },
);
