/**
 * Deployment and StatefulSet specs as apps validation.go checks them at v1.34.0
 * (ValidateDeploymentSpec, ValidateDeploymentStrategy, ValidateRollingUpdateDeployment,
 * ValidatePodTemplateSpecForReplicaSet, ValidateStatefulSetSpec), with the apps/v1 defaults
 * applied first (strategy RollingUpdate 25%/25%, restartPolicy Always, progressDeadlineSeconds 600).
 * The Deployment's pod template goes through core ValidatePodTemplateSpec (pod.ts); a StatefulSet's
 * only has its labels and annotations checked (ValidatePodTemplateSpecForStatefulSet leaves the
 * pod spec to a TODO). Pure.
 */
import { APPS, asObj, at, forbidden, int, invalid, isSet, notSupported, required, str, type Emit, type Obj } from "./fmt";
import { checkAnnotations, checkLabels, checkSelector, selectorEmpty, selectorMatches } from "./meta";
import { checkPodTemplate } from "./pod";
import { percent } from "./strings";

const fn = (name: string): string => at(APPS, name);

/** ValidatePositiveIntOrPercent + IsNotMoreThan100Percent (int >= 0, or `N%` with N <= 100). */
export function checkIntOrPercent(v: unknown, path: string, rule: string, emit: Emit, limit100 = true): void {
    if (typeof v === "number") {
        if (v < 0) emit(rule, path, invalid(v, "must be greater than or equal to 0"), fn("ValidatePositiveIntOrPercent"));
    } else if (typeof v === "string") {
        for (const m of percent(v)) emit(rule, path, invalid(v, m), fn("ValidatePositiveIntOrPercent"));
        if (limit100 && /^[0-9]+%$/.test(v) && parseInt(v, 10) > 100)
            emit(rule, path, invalid(v, "must not be greater than 100%"), fn("IsNotMoreThan100Percent"));
    } else emit(rule, path, invalid(v, "must be an integer or percentage (e.g '5%')"), fn("ValidatePositiveIntOrPercent"));
}

/** 0 for `0` and `0%`, else the number (getIntOrPercentValue). */
const intOrPercentValue = (v: unknown): number => (typeof v === "number" ? v : parseInt(str(v), 10));

/** Selector required, valid, non-empty and matching the template labels; template restartPolicy Always. */
function checkSelectorAndTemplate(spec: Obj, kind: string, emit: Emit): void {
    const tpl = asObj(spec.template) ?? {};
    const labels = asObj(asObj(tpl.metadata)?.labels) ?? {};
    if (!isSet(spec.selector)) emit("kube/workload-selector", "spec.selector", required(), fn(`Validate${kind}Spec`));
    else {
        checkSelector(spec.selector, "spec.selector", emit);
        if (selectorEmpty(spec.selector))
            emit(
                "kube/workload-selector",
                "spec.selector",
                invalid(spec.selector, `empty selector is invalid for ${kind.toLowerCase()}`),
                fn(`Validate${kind}Spec`),
            );
        else if (!selectorMatches(spec.selector, labels))
            emit(
                "kube/workload-selector",
                "spec.template.metadata.labels",
                invalid(labels, "`selector` does not match template `labels`"),
                fn(kind === "Deployment" ? "ValidatePodTemplateSpecForReplicaSet" : "ValidatePodTemplateSpecForStatefulSet"),
            );
    }
    const podSpec = asObj(tpl.spec) ?? {};
    const rp = podSpec.restartPolicy ?? "Always";
    if (rp !== "Always")
        emit("kube/workload-restart-policy", "spec.template.spec.restartPolicy", notSupported(rp, ["Always"]), fn(`Validate${kind}Spec`));
    if (isSet(podSpec.activeDeadlineSeconds))
        emit(
            "kube/workload-restart-policy",
            "spec.template.spec.activeDeadlineSeconds",
            forbidden(`activeDeadlineSeconds in ${kind === "Deployment" ? "ReplicaSet" : "StatefulSet"} is not Supported`),
            fn(kind === "Deployment" ? "ValidatePodTemplateSpecForReplicaSet" : "ValidateStatefulSetSpec"),
        );
}

/** Replica and history counts that must not be negative. */
function checkCounts(spec: Obj, kind: string, emit: Emit): void {
    for (const f of ["replicas", "minReadySeconds", "revisionHistoryLimit"])
        if (int(spec[f]) < 0)
            emit("kube/workload-counts", `spec.${f}`, invalid(spec[f], "must be greater than or equal to 0"), fn(`Validate${kind}Spec`));
}

/** ValidateDeploymentStrategy + ValidateRollingUpdateDeployment. */
function checkStrategy(strategy: Obj, emit: Emit): void {
    const type = strategy.type ?? "RollingUpdate";
    const ru = asObj(strategy.rollingUpdate);
    if (type === "Recreate") {
        if (ru)
            emit(
                "kube/deployment-strategy",
                "spec.strategy.rollingUpdate",
                forbidden("may not be specified when strategy `type` is 'Recreate'"),
                fn("ValidateDeploymentStrategy"),
            );
        return;
    }
    if (type !== "RollingUpdate")
        return emit(
            "kube/deployment-strategy",
            "spec.strategy",
            notSupported(strategy, ["Recreate", "RollingUpdate"]),
            fn("ValidateDeploymentStrategy"),
        );
    const maxUnavailable = ru?.maxUnavailable ?? "25%";
    const maxSurge = ru?.maxSurge ?? "25%";
    checkIntOrPercent(maxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable", "kube/deployment-strategy", emit);
    checkIntOrPercent(maxSurge, "spec.strategy.rollingUpdate.maxSurge", "kube/deployment-strategy", emit, false);
    if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0)
        emit(
            "kube/deployment-strategy",
            "spec.strategy.rollingUpdate.maxUnavailable",
            invalid(maxUnavailable, "may not be 0 when `maxSurge` is 0"),
            fn("ValidateRollingUpdateDeployment"),
        );
}

/** ValidateDeploymentSpec. */
export function checkDeployment(o: Obj, emit: Emit): void {
    const spec = asObj(o.spec) ?? {};
    checkCounts(spec, "Deployment", emit);
    checkSelectorAndTemplate(spec, "Deployment", emit);
    checkPodTemplate(spec.template, "spec.template", emit);
    checkStrategy(asObj(spec.strategy) ?? {}, emit);
    const pds = spec.progressDeadlineSeconds ?? 600;
    if (int(pds) < 0)
        emit(
            "kube/workload-counts",
            "spec.progressDeadlineSeconds",
            invalid(pds, "must be greater than or equal to 0"),
            fn("ValidateDeploymentSpec"),
        );
    if (int(pds) <= int(spec.minReadySeconds))
        emit(
            "kube/workload-counts",
            "spec.progressDeadlineSeconds",
            invalid(pds, "must be greater than minReadySeconds"),
            fn("ValidateDeploymentSpec"),
        );
}

/** ValidateStatefulSetSpec (policies, selector, template labels; the pod spec is not validated there). */
export function checkStatefulSet(o: Obj, emit: Emit): void {
    const spec = asObj(o.spec) ?? {};
    const pmp = spec.podManagementPolicy ?? "OrderedReady";
    if (pmp !== "OrderedReady" && pmp !== "Parallel")
        emit(
            "kube/statefulset-policies",
            "spec.podManagementPolicy",
            invalid(pmp, "must be 'OrderedReady' or 'Parallel'"),
            fn("ValidateStatefulSetSpec"),
        );
    const us = asObj(spec.updateStrategy) ?? {};
    const type = us.type ?? "RollingUpdate";
    const ru = asObj(us.rollingUpdate);
    if (type === "OnDelete" && ru)
        emit(
            "kube/statefulset-policies",
            "spec.updateStrategy.rollingUpdate",
            invalid(ru, "only allowed for updateStrategy 'RollingUpdate'"),
            fn("ValidateStatefulSetSpec"),
        );
    else if (type === "RollingUpdate" && int(ru?.partition) < 0)
        emit(
            "kube/statefulset-policies",
            "spec.updateStrategy.rollingUpdate.partition",
            invalid(ru?.partition, "must be greater than or equal to 0"),
            fn("ValidateStatefulSetSpec"),
        );
    else if (type !== "OnDelete" && type !== "RollingUpdate")
        emit(
            "kube/statefulset-policies",
            "spec.updateStrategy",
            invalid(us, "must be 'RollingUpdate' or 'OnDelete'"),
            fn("ValidateStatefulSetSpec"),
        );
    checkCounts(spec, "StatefulSet", emit);
    checkSelectorAndTemplate(spec, "StatefulSet", emit);
    const meta = asObj(asObj(spec.template)?.metadata) ?? {};
    checkLabels(meta.labels, "spec.template.labels", "kube/labels", emit);
    checkAnnotations(meta.annotations, "spec.template.annotations", emit);
}
