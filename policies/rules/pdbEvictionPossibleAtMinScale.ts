import { resolveIntOrPercent, selectorMatches } from "../lib/k8s";
import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/**
 * Evictions a PDB allows when `pods` healthy pods run: minAvailable rounds up, maxUnavailable
 * rounds up, as the disruption controller computes them.
 */
export function allowedDisruptions(spec: { minAvailable?: unknown; maxUnavailable?: unknown }, pods: number): number {
    if (spec.minAvailable !== undefined) return pods - resolveIntOrPercent(spec.minAvailable, pods, true);
    if (spec.maxUnavailable !== undefined) return Math.min(pods, resolveIntOrPercent(spec.maxUnavailable, pods, true));
    return pods; // neither set: pdb-selector-hygiene reports it
}

/** `pdb-eviction-possible-at-min-scale`: at the HPA's floor a drain can still evict one pod. */
export const pdbEvictionPossibleAtMinScale = stackRule<Record<string, never>>(
    {
        name: "pdb-eviction-possible-at-min-scale",
        description:
            "At the workloads' minimum scale (HPA minReplicas or spec.replicas) every PodDisruptionBudget allows at least one eviction; minAvailable equal to the minimum blocks node drains.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Use maxUnavailable: 1, or a minAvailable below the workload's minimum replicas.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        forEachKnown(ix.of("PodDisruptionBudget"), (pdb) => {
            const spec = pdb.props.spec ?? {};
            const selector = spec.selector;
            const groups = ix.podGroups.filter(
                (g) =>
                    g.namespace === pdb.namespace &&
                    g.labels &&
                    selectorMatches(selector, g.labels) &&
                    g.owner.kind !== "Cluster" &&
                    g.owner.kind !== "RedisCluster",
            );
            if (groups.length === 0) return;
            let pods = 0;
            for (const g of groups) {
                const n = g.owner.kind === "Pooler" ? Number(g.owner.props.spec?.instances ?? 1) : ix.floorReplicas(g.owner);
                if (n === undefined) return; // cannot check
                pods += n;
            }
            // At 0 pods (a pool KEDA scaled to zero) there is nothing to evict, so nothing holds up a drain.
            if (pods === 0) return;
            const field = spec.minAvailable !== undefined ? `minAvailable ${spec.minAvailable}` : `maxUnavailable ${spec.maxUnavailable}`;
            if (allowedDisruptions(spec, pods) < 1)
                report(
                    `${pdb.id}: allows no eviction when ${groups.map((g) => g.owner.id).join(", ")} run their minimum of ${pods} pod(s) (${field}); use maxUnavailable: 1 or a minAvailable below ${pods}, or node drains block.`,
                    pdb,
                );
        });
    },
);
