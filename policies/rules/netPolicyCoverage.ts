import { selectorIsEmpty, selectorMatches, type Json } from "../lib/k8s";
import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import type { Indexed, PodGroup } from "../stackIndex";

/** Kinds whose pods are the data tier (reachable only from their clients). */
const DATA_KINDS = ["Cluster", "Pooler", "RedisCluster"];

/** Without policyTypes a NetworkPolicy always governs ingress. */
const governsIngress = (np: Json) => ((np.spec?.policyTypes ?? ["Ingress"]) as string[]).includes("Ingress");

/**
 * A peer names specific clients: a non-empty podSelector, or a non-empty namespaceSelector (an
 * operator's or Prometheus' namespace). Empty selectors, `{}` peers and ipBlocks admit anyone.
 */
const specificPeer = (peer: Json) =>
    peer.ipBlock === undefined &&
    ((peer.podSelector !== undefined && !selectorIsEmpty(peer.podSelector)) ||
        (peer.namespaceSelector !== undefined && !selectorIsEmpty(peer.namespaceSelector)));

/** `net-policy-coverage`: default deny everywhere; data-tier pods reachable only from named clients. */
export const netPolicyCoverage = stackRule<Record<string, never>>(
    {
        name: "net-policy-coverage",
        description:
            "Every workload's pods are selected by a NetworkPolicy governing ingress; database, pooler and Redis pods only admit ingress from named clients (pod or namespace selectors).",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Add a default-deny NetworkPolicy to the namespace; make data-tier ingress rules list the client pods in from[].podSelector.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        const policies = ix.of("NetworkPolicy");
        const selecting = (g: PodGroup): Indexed[] =>
            policies.filter(
                (np) =>
                    np.namespace === g.namespace &&
                    governsIngress(np.props) &&
                    selectorMatches(np.props.spec?.podSelector ?? {}, g.labels!),
            );
        forEachKnown(
            ix.podGroups.filter((g) => g.labels !== undefined),
            (g) => {
                const nps = selecting(g);
                if (nps.length === 0) {
                    report(
                        `${g.desc}: no NetworkPolicy governing ingress selects them; add a default-deny policy to namespace ${g.namespace}.`,
                        g.owner,
                    );
                    return;
                }
                if (!DATA_KINDS.includes(g.owner.kind)) return;
                forEachKnown(nps, (np) => {
                    for (const rule of (np.props.spec?.ingress ?? []) as Json[]) {
                        const from = (rule.from ?? []) as Json[];
                        if (from.length === 0 || !from.every(specificPeer)) {
                            report(
                                `${g.desc}: ${np.id} admits ingress from ${from.length === 0 ? "any source" : "an unrestricted peer (empty selector or ipBlock)"}; restrict from[] to the client pods' (or operator namespace's) labels.`,
                                np,
                            );
                            return;
                        }
                    }
                });
            },
        );
    },
);
