import { resolveIntOrPercent } from "../lib/k8s";
import { resourceRule } from "../lib/rule";

/** `wl-rollout-safety`: a rollout never takes every pod down at once. */
export const wlRolloutSafety = resourceRule<Record<string, never>>(
    {
        name: "wl-rollout-safety",
        description:
            "Deployments roll out with RollingUpdate and a maxUnavailable that keeps pods serving; StatefulSets use RollingUpdate.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Use strategy RollingUpdate with maxUnavailable: 0 and a maxSurge (StatefulSets: updateStrategy RollingUpdate).",
        configSchema: { properties: {} },
    },
    (kind) => kind === "Deployment" || kind === "StatefulSet",
    (o, _cfg, report) => {
        const spec = o.props.spec;
        if (o.kind === "StatefulSet") {
            if (spec?.updateStrategy?.type === "OnDelete")
                report(`${o.id}: uses the OnDelete update strategy, so changes never roll out by themselves; use RollingUpdate.`);
            return;
        }
        if (spec?.strategy?.type === "Recreate") {
            report(`${o.id}: uses the Recreate strategy, which takes every pod down at once; use RollingUpdate.`);
            return;
        }
        const replicas = Number(spec?.replicas ?? 1);
        const ru = spec?.strategy?.rollingUpdate ?? {};
        // maxUnavailable defaults to 25% and rounds down; maxSurge defaults to 25% and rounds up.
        const unavailable = resolveIntOrPercent(ru.maxUnavailable ?? "25%", replicas, false);
        const surge = resolveIntOrPercent(ru.maxSurge ?? "25%", replicas, true);
        if (unavailable >= replicas)
            report(
                `${o.id}: rollingUpdate.maxUnavailable (${ru.maxUnavailable}) lets a rollout take down all ${replicas} pod(s); set maxUnavailable: 0 with a maxSurge.`,
            );
        if (unavailable === 0 && surge === 0)
            report(`${o.id}: rollingUpdate has maxSurge and maxUnavailable both 0, so a rollout cannot progress; set maxSurge: 1.`);
    },
);
