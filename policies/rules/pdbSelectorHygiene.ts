import { selectorIsEmpty, selectorMatches } from "../lib/k8s";
import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** `pdb-selector-hygiene`: one budget field, a selector that matches, one PDB per pod. */
export const pdbSelectorHygiene = stackRule<Record<string, never>>(
    {
        name: "pdb-selector-hygiene",
        description:
            "Every PodDisruptionBudget sets exactly one of minAvailable/maxUnavailable and a selector that matches pods of this stack, and no pod is under two PDBs (counting the ones CloudNativePG and the Redis operator create).",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Keep one of minAvailable/maxUnavailable; select the workload's pod labels; remove PDBs that overlap (also with operator-created ones).",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        forEachKnown(ix.of("PodDisruptionBudget"), (pdb) => {
            const spec = pdb.props.spec ?? {};
            const hasMin = spec.minAvailable !== undefined;
            const hasMax = spec.maxUnavailable !== undefined;
            if (hasMin && hasMax) report(`${pdb.id}: sets both minAvailable and maxUnavailable; keep exactly one.`, pdb);
            if (!hasMin && !hasMax) report(`${pdb.id}: sets neither minAvailable nor maxUnavailable; set maxUnavailable: 1.`, pdb);
            const sel = spec.selector;
            // The stack's pods: its pod groups, and the pods its Helm releases deploy.
            const pods = [
                ...ix.podGroups.filter((g) => g.namespace === pdb.namespace),
                ...ix.pods.filter(({ pod, owner }) => owner.kind === "Release" && pod.namespace === pdb.namespace).map(({ pod }) => pod),
            ];
            if (sel === undefined || sel === null || selectorIsEmpty(sel))
                report(`${pdb.id}: has ${sel ? "an empty" : "no"} selector; select the workload's pod labels.`, pdb);
            else if (
                !pods.some((g) => g.labels && selectorMatches(sel, g.labels)) &&
                !pods.some((g) => g.labels === undefined) &&
                ix.unresolved.length === 0
            )
                report(`${pdb.id}: selector matches no pods of this stack; set spec.selector to the workload's pod labels.`, pdb);
        });
        for (const g of ix.podGroups) {
            const user = ix.pdbsSelecting(g);
            if (user.length + g.operatorPdbs.length < 2) continue;
            const names = [...g.operatorPdbs.map((n) => `${n} (operator)`), ...user.map((p) => p.name)];
            report(
                `${g.desc}: are selected by ${names.length} PodDisruptionBudgets (${names.join(", ")}); keep one (the eviction API refuses to evict a pod under several PDBs).`,
                user[user.length - 1],
            );
        }
    },
);
