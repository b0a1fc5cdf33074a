import { SAFE_TO_EVICT_LOCAL_VOLUMES } from "../contract";
import type { Json } from "../lib/k8s";
import { podSubject } from "../lib/pods";
import { podRule } from "../lib/rule";

const SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";

/**
 * `wl-evictable-local-volumes`: Cluster Autoscaler never removes a node that runs a pod with an
 * emptyDir volume unless the pod says the volume's contents may go; scratch space that blocks
 * every scale-in keeps nodes (and their cost) forever.
 */
export const wlEvictableLocalVolumes = podRule<Record<string, never>>(
    {
        name: "wl-evictable-local-volumes",
        description:
            "Pods with emptyDir volumes name them in the cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes annotation, so Cluster Autoscaler can drain their nodes.",
        enforcementLevel: "mandatory",
        severity: "low",
        remediationSteps:
            "Annotate the pod template (or the operator's inherited metadata, or the chart's podAnnotations) with cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes: <volume>,<volume>.",
        configSchema: { properties: {} },
    },
    (pod, o, _cfg, report) => {
        if (pod.annotations[SAFE_TO_EVICT] === "true") return;
        const listed = new Set((pod.annotations[SAFE_TO_EVICT_LOCAL_VOLUMES] ?? "").split(",").map((v) => v.trim()));
        const local = ((pod.spec?.volumes ?? []) as Json[]).filter((v) => v?.emptyDir !== undefined).map((v) => String(v.name));
        const missing = local.filter((v) => !listed.has(v));
        if (missing.length)
            report(
                `${podSubject(pod, o)}: emptyDir volume(s) ${missing.join(", ")} are not in the ${SAFE_TO_EVICT_LOCAL_VOLUMES} annotation; Cluster Autoscaler will not scale in a node that runs them. Add "${local.join(",")}".`,
            );
    },
);
