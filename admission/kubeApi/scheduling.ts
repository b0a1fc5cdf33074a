/**
 * PriorityClass: pkg/apis/scheduling/validation ValidatePriorityClass (the value ceiling of user
 * classes, the reserved `system-` prefix, the preemption policy via core ValidatePreemptionPolicy)
 * and the Priority admission plugin's one-default rule (plugin/pkg/admission/priority/admission.go
 * validatePriorityClass), the last over the stack's classes (a cluster's own default is not in
 * the render: the plugin would refuse ours too if it sets one). Pure.
 */
import { CORE, K8S, at, forbidden, isSet, notSupported, required, str, type Emit, type Obj } from "./fmt";

const SCHEDULING = `${K8S} pkg/apis/scheduling/validation/validation.go`;
const PRIORITY_PLUGIN = `${K8S} plugin/pkg/admission/priority/admission.go`;

/** pkg/apis/scheduling/types.go: the ceiling of user classes and the two built-in system classes. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
const SYSTEM_PREFIX = "system-";
const SYSTEM_CLASSES: Readonly<Record<string, number>> = { "system-cluster-critical": 2000000000, "system-node-critical": 2000001000 };
// In ValidatePreemptionPolicy's order; unset is defaulted to PreemptLowerPriority before validation.
const PREEMPTION_POLICIES = ["PreemptLowerPriority", "Never"];

/** The API group/version a PriorityClass must have to be checked here. */
const isPriorityClass = (o: Obj): boolean => o.kind === "PriorityClass" && o.apiVersion === "scheduling.k8s.io/v1";

/** ValidatePriorityClass beyond the name (meta.ts checks that), and one globalDefault per stack. */
export function checkPriorityClass(o: Obj, emit: Emit, stack: readonly Obj[]): void {
    const name = str((o.metadata as Obj | undefined)?.name);
    const value = typeof o.value === "number" ? o.value : 0;
    if (name.startsWith(SYSTEM_PREFIX)) {
        // Only the built-in classes, with their own value and never as the default (IsKnownSystemPriorityClass).
        if (SYSTEM_CLASSES[name] !== value || o.globalDefault === true)
            emit(
                "kube/priority-class-value",
                "metadata.name",
                forbidden(`priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only`),
                at(SCHEDULING, "ValidatePriorityClass"),
            );
    } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
        emit(
            "kube/priority-class-value",
            "value",
            forbidden(`maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`),
            at(SCHEDULING, "ValidatePriorityClass"),
        );
    }
    const policy = o.preemptionPolicy;
    const where = at(CORE, "ValidatePreemptionPolicy");
    if (policy === "") emit("kube/priority-class-preemption", "preemptionPolicy", required(), where);
    else if (isSet(policy) && !PREEMPTION_POLICIES.includes(str(policy)))
        emit("kube/priority-class-preemption", "preemptionPolicy", notSupported(policy, PREEMPTION_POLICIES), where);
    if (o.globalDefault === true) {
        const first = stack.find((p) => isPriorityClass(p) && p.globalDefault === true);
        const firstName = str((first?.metadata as Obj | undefined)?.name);
        if (first && first !== o)
            emit(
                "kube/priority-class-global-default",
                "globalDefault",
                forbidden(`PriorityClass ${firstName} is already marked as default. Only one default can exist`),
                at(PRIORITY_PLUGIN, "validatePriorityClass"),
            );
    }
}
