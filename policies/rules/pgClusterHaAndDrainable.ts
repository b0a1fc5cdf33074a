import { ENVIRONMENT_FLOORS } from "../contract";
import { plain, selectorMatches, type Json, type Labels } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";

interface Config {
    minInstances: number;
    minReplicaClusterInstances: number;
    requireZoneSpread: boolean;
    requireBackup: boolean;
    zoneKey: string;
}

/** `pg-cluster-ha-and-drainable`: CloudNativePG clusters survive a node or zone and never block drains. */
export const pgClusterHaAndDrainable = resourceRule<Config>(
    {
        name: "pg-cluster-ha-and-drainable",
        description:
            "CloudNativePG Clusters run enough instances, a single instance does not block node drains with the operator's PDB, instances use anti-affinity and zone spread, and backups are configured where required (replica clusters are backed up through their source).",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set spec.instances (3 in prod), spec.enablePDB: false for a single instance, keep anti-affinity, spread over zones, configure spec.backup.",
        configSchema: {
            properties: {
                minInstances: schema.int(3, "Fewest instances (a primary and two replicas survive one zone).", 1),
                minReplicaClusterInstances: schema.int(
                    1,
                    "Fewest instances of a replica cluster (spec.replica.enabled: a read-only copy such as an analytics replica; the source cluster carries the HA).",
                    1,
                ),
                requireZoneSpread: schema.bool(true, "Require instances spread over zones."),
                requireBackup: schema.bool(ENVIRONMENT_FLOORS.prod.postgresBackup, "Require spec.backup or a WAL-archiver plugin."),
                zoneKey: schema.str("topology.kubernetes.io/zone", "Node label of the zone."),
            },
        },
    },
    (kind, apiVersion) => kind === "Cluster" && apiVersion === "postgresql.cnpg.io/v1",
    (o, cfg, report) => {
        const s = o.props.spec ?? {};
        const n = Number(s.instances ?? 1);
        // A replica cluster (spec.replica.enabled) copies its source, whose backups and HA hold the data.
        const replicaCluster = s.replica?.enabled === true;
        const floor = replicaCluster ? cfg.minReplicaClusterInstances : cfg.minInstances;
        if (n < floor)
            report(
                `${o.id}: runs ${n} instance(s), below ${floor}; set spec.instances to ${floor} so a primary and its replicas survive losing a node or zone.`,
            );
        // CNPG's primary PDB (minAvailable 1) on a lone instance makes every drain wait forever.
        if (n === 1 && s.enablePDB !== false)
            report(
                `${o.id}: a single instance with the operator's PodDisruptionBudget blocks node drains; set spec.enablePDB: false (or run ${Math.max(2, cfg.minInstances)} instances).`,
            );
        if (n >= 2) {
            if (s.affinity?.enablePodAntiAffinity === false)
                report(
                    `${o.id}: disables pod anti-affinity; remove spec.affinity.enablePodAntiAffinity: false so instances land on different nodes.`,
                );
            const labels: Labels = { "cnpg.io/cluster": o.name, ...plain<Labels>(s.inheritedMetadata?.labels ?? {}) };
            const spread =
                ((s.topologySpreadConstraints ?? []) as Json[]).some(
                    (c) => c.topologyKey === cfg.zoneKey && (c.labelSelector === undefined || selectorMatches(c.labelSelector, labels)),
                ) ||
                (s.affinity?.topologyKey === cfg.zoneKey && s.affinity?.enablePodAntiAffinity !== false);
            if (cfg.requireZoneSpread && !spread)
                report(
                    `${o.id}: instances are not spread across zones; add a topologySpreadConstraint on ${cfg.zoneKey} selecting cnpg.io/cluster=${o.name} (or set spec.affinity.topologyKey to it).`,
                );
        }
        const walArchiver = ((s.plugins ?? []) as Json[]).some((p) => p.isWALArchiver === true && p.enabled !== false);
        if (cfg.requireBackup && !replicaCluster && !s.backup?.barmanObjectStore && !s.backup?.volumeSnapshot && !walArchiver)
            report(`${o.id}: has no backup configured; set spec.backup (barmanObjectStore or volumeSnapshot) or a WAL-archiver plugin.`);
    },
);
