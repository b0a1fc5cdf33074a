/**
 * Overprovisioning placeholders (issue 17 #4): pause pods that hold room and are preempted first.
 * The rules that protect serving pods (probes, preStop, disruption budgets, the tier classes)
 * have nothing to protect there; they skip a placeholder, and only one that carries both the
 * role label and the overprovisioning class (contract `isPlaceholderPod`): a label alone exempts
 * nothing, and the class makes the pod the first one evicted, so no real workload gains by it.
 */
import { isPlaceholderPod } from "../contract";
import { podTemplateOf, type Json } from "./k8s";
import { known } from "./unknown";

/** True when the workload's pods are placeholders; an unknown label or class (preview) is not. */
export function isPlaceholder(kind: string, props: Json): boolean {
    return (
        known(() => {
            const t = podTemplateOf(kind, props);
            return t !== undefined && isPlaceholderPod(t.labels ?? undefined, t.spec?.priorityClassName);
        }) ?? false
    );
}
