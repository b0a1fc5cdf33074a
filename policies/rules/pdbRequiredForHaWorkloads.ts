import { plain, REPLICATED_KINDS, selectorMatches } from "../lib/k8s";
import { chartPodDisruptionBudgets, chartPods, type ChartRelease } from "../lib/operatorPods/charts";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import { isPlaceholder } from "../lib/placeholder";

interface Config {
    minReplicas: number;
}

/** `pdb-required-for-ha-workloads`: a workload meant to stay up during drains has a PDB. */
export const pdbRequiredForHaWorkloads = stackRule<Config>(
    {
        name: "pdb-required-for-ha-workloads",
        description:
            "Every workload that runs at least the configured number of replicas (HPA minReplicas or spec.replicas) has a PodDisruptionBudget selecting its pods.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Add a PodDisruptionBudget with maxUnavailable: 1 and the workload's selector labels.",
        configSchema: { properties: { minReplicas: schema.int(2, "Workloads with at least this many replicas need a PDB.", 1) } },
    },
    (ix, cfg, report) => {
        forEachKnown(
            // Placeholders exist to be evicted: a budget would only hold up drains for pods nobody needs.
            ix.podGroups.filter(
                (g) => REPLICATED_KINDS.includes(g.owner.kind) && g.labels !== undefined && !isPlaceholder(g.owner.kind, g.owner.props),
            ),
            (g) => {
                const n = ix.floorReplicas(g.owner);
                if (n === undefined || n < cfg.minReplicas) return;
                if (ix.pdbsSelecting(g).length === 0 && ix.unresolved.length === 0)
                    report(
                        `${g.owner.id}: runs ${n} replicas but no PodDisruptionBudget selects its pods; add one (maxUnavailable: 1) so node drains keep it serving.`,
                        g.owner,
                    );
            },
        );
        // The Deployments our Helm releases run (the operators, the metrics adapter): a budget from
        // the chart's values or one the stack declares.
        forEachKnown(ix.releases, (rel) => {
            const r = plain<ChartRelease>({
                chart: rel.props.chart,
                version: rel.props.version,
                namespace: rel.props.namespace,
                name: rel.props.name,
                values: rel.props.values ?? {},
            });
            const chartPdbs = chartPodDisruptionBudgets(r);
            const userPdbs = ix.of("PodDisruptionBudget").filter((p) => p.namespace === r.namespace);
            for (const pod of chartPods(r)) {
                if (pod.workload.kind !== "Deployment" || pod.workload.replicas < cfg.minReplicas) continue;
                const covered =
                    chartPdbs.some((b) => b.namespace === pod.namespace && selectorMatches(b.selector, pod.labels)) ||
                    userPdbs.some((p) => selectorMatches(p.props.spec?.selector, pod.labels));
                if (!covered)
                    report(
                        `${pod.desc}: runs ${pod.workload.replicas} replicas but no PodDisruptionBudget selects its pods; enable the chart's budget or declare one (maxUnavailable: 1).`,
                        rel,
                    );
            }
        });
    },
);
