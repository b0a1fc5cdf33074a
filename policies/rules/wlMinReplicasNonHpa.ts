import { REPLICATED_KINDS } from "../lib/k8s";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    minReplicas: number;
}

/** `wl-min-replicas-non-hpa`: a workload nothing scales must run enough replicas on its own. */
export const wlMinReplicasNonHpa = stackRule<Config>(
    {
        name: "wl-min-replicas-non-hpa",
        description: "Workloads without an HPA (or KEDA ScaledObject) run at least the configured number of replicas.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Raise spec.replicas, or add an HPA whose minReplicas meets the floor.",
        configSchema: { properties: { minReplicas: schema.int(2, "Replica floor of workloads without an HPA.", 1) } },
    },
    (ix, cfg, report) => {
        forEachKnown(
            ix.workloads.filter((w) => {
                const key = `${w.namespace}/${w.kind}/${w.name}`;
                // A ScaledObject's target is scaled by KEDA's HPA (place-scale-to-zero-has-trigger checks its wake-up).
                return REPLICATED_KINDS.includes(w.kind) && !ix.hpasByTarget.has(key) && !ix.scaledObjectsByTarget.has(key);
            }),
            (w) => {
                const n = Number(w.props.spec?.replicas ?? 1);
                if (n < cfg.minReplicas)
                    report(
                        `${w.id}: runs ${n} replica(s) without an HPA, below ${cfg.minReplicas}; set spec.replicas to ${cfg.minReplicas} or more.`,
                        w,
                    );
            },
        );
    },
);
