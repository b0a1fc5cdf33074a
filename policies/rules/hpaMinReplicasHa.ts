import { effectiveHaFloor, ENVIRONMENT_FLOORS } from "../contract";
import { resourceRule, schema } from "../lib/rule";

interface Config {
    floor: number;
    zones: number;
    zoneAware: boolean;
}

/** The pack's defaults are prod's floors. */
const PROD = ENVIRONMENT_FLOORS.prod.ha;

/** `hpa-min-replicas-ha`: the HPA floor survives losing a pod (and, in prod, a zone). */
export const hpaMinReplicasHa = resourceRule<Config>(
    {
        name: "hpa-min-replicas-ha",
        description: "An HPA's minReplicas is at least the environment's HA floor; zone-aware environments need max(floor, zone count).",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Raise spec.minReplicas to the floor the message names.",
        configSchema: {
            properties: {
                floor: schema.int(PROD.floor, "Minimum minReplicas of every HPA (seed: 2).", 1),
                zones: schema.int(PROD.zones, "Availability zones of the cluster.", 1),
                zoneAware: schema.bool(PROD.zoneAware, "Require one pod per zone at the floor: effective floor = max(floor, zones)."),
            },
        },
    },
    (kind) => kind === "HorizontalPodAutoscaler",
    (o, cfg, report) => {
        const min = Number(o.props.spec?.minReplicas ?? 1);
        const floor = effectiveHaFloor(cfg);
        const why = cfg.zoneAware ? `${floor} = max(${cfg.floor}, ${cfg.zones} zones)` : `${floor}`;
        if (min < floor)
            report(
                `${o.id}: minReplicas (${min}) is below the HA floor (${why}); raise spec.minReplicas to ${floor} so losing a pod${cfg.zoneAware ? " or a zone" : ""} keeps the workload serving.`,
            );
    },
);
