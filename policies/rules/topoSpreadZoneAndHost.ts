import { plain, podTemplateOf, selectorMatches, type Json, type Labels } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";

interface Config {
    zoneKey: string;
    hostKey: string;
}

/** `topo-spread-zone-and-host`: replicas spread over zones and hosts, counting the right pods. */
export const topoSpreadZoneAndHost = resourceRule<Config>(
    {
        name: "topo-spread-zone-and-host",
        description:
            "Deployments and StatefulSets spread their pods over zones and hosts with topologySpreadConstraints whose labelSelector matches the pod's labels.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Add topologySpreadConstraints on the zone and hostname keys with labelSelector = the workload's selector labels.",
        configSchema: {
            properties: {
                zoneKey: schema.str("topology.kubernetes.io/zone", "Node label of the zone."),
                hostKey: schema.str("kubernetes.io/hostname", "Node label of the host."),
            },
        },
    },
    (kind) => kind === "Deployment" || kind === "StatefulSet",
    (o, cfg, report) => {
        const t = podTemplateOf(o.kind, o.props);
        const labels = plain<Labels>(t?.labels ?? {});
        const constraints = (t?.spec?.topologySpreadConstraints ?? []) as Json[];
        for (const key of [cfg.zoneKey, cfg.hostKey]) {
            const on = constraints.filter((c) => c.topologyKey === key);
            if (on.length === 0)
                report(`${o.id}: has no topologySpreadConstraint on ${key}; add one whose labelSelector matches the pod labels.`);
            else if (!on.some((c) => selectorMatches(c.labelSelector, labels)))
                report(
                    `${o.id}: the ${key} spread constraint's labelSelector does not match the pod template labels; use the workload's selector labels, or the constraint counts no pods.`,
                );
        }
    },
);
