import { effectiveHaFloor, ENVIRONMENT_FLOORS, ON_DEMAND_FLOOR_ANNOTATION, WORKING_HOURS_FLOOR_ANNOTATION } from "../contract";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown, known } from "../lib/unknown";
import type { Indexed, StackIndex } from "../stackIndex";

interface Config {
    floor: number;
    zones: number;
    zoneAware: boolean;
    workingHoursFloor: boolean;
}

/** The pack's defaults are prod's floors. */
const PROD = ENVIRONMENT_FLOORS.prod.ha;

/**
 * The on-demand floor Deployment of an HPA's spot target (issue 17 #2) and its replicas: they
 * count towards the pool's HA floor, since they run beside the burst whatever the spot market does.
 */
function onDemandFloor(ix: StackIndex, hpa: Indexed): { readonly id: string; readonly replicas: number } | undefined {
    const ref = hpa.props.spec?.scaleTargetRef;
    const target = ix.target(hpa.namespace, String(ref?.kind), String(ref?.name));
    const name: unknown = target?.props.metadata?.annotations?.[ON_DEMAND_FLOOR_ANNOTATION];
    const floor = typeof name === "string" ? ix.target(hpa.namespace, "Deployment", name) : undefined;
    const replicas = floor && known(() => Number(floor.props.spec?.replicas ?? 1));
    return floor && replicas !== undefined ? { id: floor.id, replicas } : undefined;
}

/** `hpa-min-replicas-ha`: the HPA floor survives losing a pod (and, in prod, a zone). */
export const hpaMinReplicasHa = stackRule<Config>(
    {
        name: "hpa-min-replicas-ha",
        description:
            "An HPA's minReplicas (plus the replicas of its target's on-demand floor Deployment) is at least the environment's HA floor; zone-aware environments need max(floor, zone count).",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Raise spec.minReplicas (or the on-demand floor's replicas) to the floor the message names.",
        configSchema: {
            properties: {
                floor: schema.int(PROD.floor, "Minimum minReplicas of every HPA (seed: 2).", 1),
                zones: schema.int(PROD.zones, "Availability zones of the cluster.", 1),
                zoneAware: schema.bool(PROD.zoneAware, "Require one pod per zone at the floor: effective floor = max(floor, zones)."),
                workingHoursFloor: schema.bool(
                    false,
                    "Accept an off-hours minReplicas when the HPA's sysmanage.io/working-hours-floor (held inside working hours) meets the floor.",
                ),
            },
        },
    },
    (ix, cfg, report) => {
        const floor = effectiveHaFloor(cfg);
        const why = cfg.zoneAware ? `${floor} = max(${cfg.floor}, ${cfg.zones} zones)` : `${floor}`;
        forEachKnown(ix.of("HorizontalPodAutoscaler"), (o) => {
            const declared = Number(o.props.spec?.minReplicas ?? 1);
            const inHours = Number(o.props.metadata?.annotations?.[WORKING_HOURS_FLOOR_ANNOTATION]);
            const min = cfg.workingHoursFloor && inHours > declared ? inHours : declared;
            const od = onDemandFloor(ix, o);
            if (min + (od?.replicas ?? 0) >= floor) return;
            const has = od
                ? `minReplicas (${min}) plus the ${od.replicas} replica(s) of its on-demand floor ${od.id}`
                : `minReplicas (${min})`;
            report(
                `${o.id}: ${has} is below the HA floor (${why}); raise ${od ? "the on-demand floor's replicas" : "spec.minReplicas"} to ${floor - (od ? min : 0)} so losing a pod${cfg.zoneAware ? " or a zone" : ""} keeps the workload serving.`,
                o,
            );
        });
    },
);
