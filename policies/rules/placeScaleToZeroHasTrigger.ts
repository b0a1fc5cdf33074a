import { REPLICATED_KINDS } from "../lib/k8s";
import { stackRule, type StackReport } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import { targetKey, type StackIndex } from "../stackIndex";

/** HPA metric types that have a value with no pod running (HPAScaleToZero wakes only on these). */
const WAKING_METRICS = ["External", "Object"];
/** KEDA triggers that need a running pod to measure (KEDA's docs: they cannot scale from zero). */
const POD_TRIGGERS = ["cpu", "memory"];

function checkHpas(ix: StackIndex, report: StackReport): void {
    forEachKnown(ix.of("HorizontalPodAutoscaler"), (h) => {
        if (Number(h.props.spec?.minReplicas ?? 1) !== 0) return;
        const types: string[] = ((h.props.spec?.metrics ?? []) as { type?: string }[]).map((m) => String(m?.type));
        if (!types.some((t) => WAKING_METRICS.includes(t)))
            report(
                `${h.id}: minReplicas 0 but it scales only on ${types.length ? types.join(", ") : "no metric"}; with no pod left nothing measures, so nothing wakes it: add an External or Object metric (the queue length), or keep minReplicas at 1 or more.`,
                h,
            );
    });
}

function checkScaledObjects(ix: StackIndex, report: StackReport): Set<string> {
    const targets = new Set<string>();
    forEachKnown(
        ix.of("ScaledObject").filter((s) => s.apiVersion.startsWith("keda.sh/")),
        (s) => {
            const ref = s.props.spec?.scaleTargetRef ?? {};
            targets.add(targetKey(s.namespace, String(ref.kind ?? "Deployment"), String(ref.name)));
            // KEDA's default minReplicaCount is 0.
            const min = Number(s.props.spec?.minReplicaCount ?? 0);
            const triggers: string[] = ((s.props.spec?.triggers ?? []) as { type?: string }[]).map((t) => String(t?.type));
            if (min === 0 && !triggers.some((t) => !POD_TRIGGERS.includes(t)))
                report(
                    `${s.id}: scales to zero (minReplicaCount 0) but its triggers (${triggers.join(", ") || "none"}) need a running pod; add an event trigger (the queue), or set minReplicaCount to 1 or more.`,
                    s,
                );
        },
    );
    return targets;
}

/** `place-scale-to-zero-has-trigger`: a workload that may reach zero pods has something that brings the first one back. */
export const placeScaleToZeroHasTrigger = stackRule<Record<string, never>>(
    {
        name: "place-scale-to-zero-has-trigger",
        description:
            "A workload scales to zero only where a trigger can wake it: an HPA at minReplicas 0 has an External or Object metric, a KEDA ScaledObject at 0 an event trigger, and no workload sits at replicas 0 without an autoscaler.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Scale to zero with an event source (KEDA ScaledObject on the queue, or an HPA Object or External metric of the queue), or keep one replica.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        checkHpas(ix, report);
        const scaled = checkScaledObjects(ix, report);
        forEachKnown(
            ix.workloads.filter((w) => REPLICATED_KINDS.includes(w.kind)),
            (w) => {
                const key = targetKey(w.namespace, w.kind, w.name);
                if (w.props.spec?.replicas === 0 && !ix.hpasByTarget.has(key) && !scaled.has(key))
                    report(
                        `${w.id}: declares replicas 0 and no autoscaler targets it, so nothing brings it back; add a ScaledObject with an event trigger, or remove the workload.`,
                        w,
                    );
            },
        );
    },
);
