/**
 * HorizontalPodAutoscaler (autoscaling/v2) as autoscaling validation.go checks it at v1.34.0:
 * replica bounds, scaleTargetRef, each metric's source and target, and behavior rules. Gates at
 * their 1.34 defaults: HPAScaleToZero off (minReplicas lower bound 1), HPAConfigurableTolerance
 * off (the registry drops `tolerance` before validation). The v2 defaults fill in omitted behavior
 * rules, so only an explicit empty `policies: []` reaches the "at least one Policy" check. The
 * apiVersion of a reference is checked with the create-time options of the registry
 * (pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go validationOptionsForHorizontalPodAutoscaler):
 * scaleTargetRef needs an API group (except a ReplicationController), an Object metric's
 * describedObject may have none (`v1` Namespace). Pure.
 */
import { AUTOSCALING, asArr, asObj, at, forbidden, int, invalid, isSet, notSupported, required, str, type Emit, type Obj } from "./fmt";
import { pathSegment, quantity, sign } from "./strings";

const src = (line: number): string => at(AUTOSCALING, line);
const SOURCES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
/** Source field per type, in the order validateMetricSpec looks at them (only the first present is validated). */
const FIELD: Readonly<Record<string, string>> = {
    Object: "object",
    External: "external",
    Pods: "pods",
    Resource: "resource",
    ContainerResource: "containerResource",
};

/** validateMetricTarget (441-467): a known type, positive value/averageValue, averageUtilization >= 1. */
function checkTarget(t: Obj, path: string, emit: Emit): void {
    const type = str(t.type);
    if (type === "") emit("kube/hpa-metric-target", `${path}.type`, required("must specify a metric target type"), src(445));
    if (!["Utilization", "Value", "AverageValue"].includes(type))
        emit("kube/hpa-metric-target", `${path}.type`, invalid(type, "must be either Utilization, Value, or AverageValue"), src(451));
    for (const [f, line] of [
        ["value", 455],
        ["averageValue", 459],
    ] as const) {
        if (!isSet(t[f])) continue;
        const q = quantity(t[f]);
        if (!q || sign(q) !== 1) emit("kube/hpa-metric-target", `${path}.${f}`, invalid(t[f], "must be positive"), src(line));
    }
    if (isSet(t.averageUtilization) && int(t.averageUtilization) < 1)
        emit("kube/hpa-metric-target", `${path}.averageUtilization`, invalid(t.averageUtilization, "must be greater than 0"), src(463));
}

/** ValidateAPIVersion's error, through ParseGroupVersion (apimachinery pkg/runtime/schema/group_version.go:211). */
function apiVersionError(apiVersion: string, allowEmptyGroup: boolean): string | undefined {
    const parts = apiVersion.split("/");
    // "" and "/" parse as the empty GroupVersion; "v1" as group "", version "v1".
    if (parts.length > 2) return `unexpected GroupVersion string: ${apiVersion}`;
    const group = parts.length === 2 ? parts[0] : "";
    return group === "" && !allowEmptyGroup ? "apiVersion must specify API group" : undefined;
}

/** ValidateCrossVersionObjectReference + ValidateAPIVersion (82-116): kind and name set path segments, apiVersion parses. */
function checkRef(ref: Obj, path: string, allowEmptyGroup: boolean, rule: string, emit: Emit): void {
    for (const [f, line] of [
        ["kind", 85],
        ["name", 93],
    ] as const) {
        const v = str(ref[f]);
        if (v === "") emit(rule, `${path}.${f}`, required(), src(line));
        else for (const m of pathSegment(v)) emit(rule, `${path}.${f}`, invalid(v, m), src(line + 3));
    }
    const apiVersion = str(ref.apiVersion);
    const err = apiVersionError(apiVersion, allowEmptyGroup);
    if (err) emit(rule, `${path}.apiVersion`, invalid(apiVersion, err), src(100));
}

/** validateMetricIdentifier (469-479). */
function checkMetricName(m: unknown, path: string, emit: Emit): void {
    const name = str(asObj(m)?.name);
    if (name === "") emit("kube/hpa-metric-target", `${path}.name`, required("must specify a metric name"), src(473));
    else for (const msg of pathSegment(name)) emit("kube/hpa-metric-target", `${path}.name`, invalid(name, msg), src(476));
}

/** The per-source checks (validateObjectSource ... validateResourceSource, 350-439). */
function checkSource(kind: string, s: Obj, path: string, emit: Emit): void {
    const t = asObj(s.target) ?? {};
    const tp = `${path}.target`;
    if (kind === "Object") checkRef(asObj(s.describedObject) ?? {}, `${path}.describedObject`, true, "kube/hpa-described-object", emit);
    if (kind !== "Resource" && kind !== "ContainerResource") checkMetricName(s.metric, `${path}.metric`, emit);
    checkTarget(t, tp, emit);
    const has = (f: string): boolean => isSet(t[f]);
    if (kind === "Object" && !has("value") && !has("averageValue"))
        emit("kube/hpa-metric-target", `${tp}.averageValue`, required("must set either a target value or averageValue"), src(357));
    if (kind === "External" && !has("value") && !has("averageValue"))
        emit(
            "kube/hpa-metric-target",
            `${tp}.averageValue`,
            required("must set either a target value for metric or a per-pod target"),
            src(370),
        );
    if (kind === "External" && has("value") && has("averageValue"))
        emit(
            "kube/hpa-metric-target",
            `${tp}.value`,
            forbidden("may not set both a target value for metric and a per-pod target"),
            src(374),
        );
    if (kind === "Pods" && !has("averageValue"))
        emit("kube/hpa-metric-target", `${tp}.averageValue`, required("must specify a positive target averageValue"), src(387));
    if (kind === "Resource" || kind === "ContainerResource") {
        const c = kind === "Resource";
        if (str(s.name) === "")
            emit("kube/hpa-metric-target", `${path}.name`, required("must specify a resource name"), src(c ? 425 : 397));
        if (!c && str(s.container) === "")
            emit("kube/hpa-metric-target", `${path}.container`, required("must specify a container"), src(403));
        if (!has("averageUtilization") && !has("averageValue"))
            emit(
                "kube/hpa-metric-target",
                `${tp}.averageUtilization`,
                required("must set either a target raw value or a target utilization"),
                src(c ? 431 : 411),
            );
        if (has("averageUtilization") && has("averageValue"))
            emit(
                "kube/hpa-metric-target",
                `${tp}.averageValue`,
                forbidden("may not set both a target raw value and a target utilization"),
                src(c ? 435 : 415),
            );
    }
}

/** validateMetricSpec (261-348): a supported type whose source field, and only that one, is set. */
function checkMetric(m: Obj, path: string, emit: Emit): void {
    const type = str(m.type);
    if (type === "") emit("kube/hpa-metric-source", `${path}.type`, required("must specify a metric source type"), src(265));
    const present = Object.entries(FIELD).filter(([, f]) => isSet(m[f]));
    const [first] = present;
    if (first) checkSource(first[0], asObj(m[first[1]]) ?? {}, `${path}.${first[1]}`, emit);
    if (!SOURCES.includes(type)) {
        emit("kube/hpa-metric-source", `${path}.type`, notSupported(type, SOURCES), src(269));
        emit("kube/hpa-metric-source", `${path}.type`, notSupported(type, SOURCES), src(337));
    } else if (!isSet(m[FIELD[type]]))
        emit(
            "kube/hpa-metric-source",
            `${path}.${FIELD[type]}`,
            required("must populate information for the given metric source"),
            src(313),
        );
    if (present.length > 1)
        for (const [, f] of present.filter(([k]) => k !== type))
            emit("kube/hpa-metric-source", `${path}.${f}`, forbidden("must populate the given metric source only"), src(343));
}

/** validateScalingRules + validateScalingPolicy (204-253). */
function checkRules(rules: Obj, path: string, emit: Emit): void {
    const sw = rules.stabilizationWindowSeconds;
    if (isSet(sw) && int(sw) < 0)
        emit("kube/hpa-behavior", `${path}.stabilizationWindowSeconds`, invalid(sw, "must be greater than or equal to zero"), src(208));
    if (isSet(sw) && int(sw) > 3600)
        emit("kube/hpa-behavior", `${path}.stabilizationWindowSeconds`, invalid(sw, "must be less than or equal to 3600"), src(211));
    if (isSet(rules.selectPolicy) && !["Disabled", "Max", "Min"].includes(str(rules.selectPolicy)))
        emit("kube/hpa-behavior", `${path}.selectPolicy`, notSupported(rules.selectPolicy, ["Disabled", "Max", "Min"]), src(215));
    if (Array.isArray(rules.policies) && rules.policies.length === 0)
        emit("kube/hpa-behavior", `${path}.policies`, required("must specify at least one Policy"), src(219));
    asArr(rules.policies).forEach((raw, i) => {
        const p = asObj(raw) ?? {};
        const pp = `${path}.policies[${i}]`;
        if (p.type !== "Pods" && p.type !== "Percent")
            emit("kube/hpa-behavior", `${pp}.type`, notSupported(str(p.type), ["Percent", "Pods"]), src(240));
        if (int(p.value) <= 0) emit("kube/hpa-behavior", `${pp}.value`, invalid(int(p.value), "must be greater than zero"), src(243));
        if (int(p.periodSeconds) <= 0)
            emit("kube/hpa-behavior", `${pp}.periodSeconds`, invalid(int(p.periodSeconds), "must be greater than zero"), src(246));
        if (int(p.periodSeconds) > 1800)
            emit("kube/hpa-behavior", `${pp}.periodSeconds`, invalid(int(p.periodSeconds), "must be less than or equal to 1800"), src(249));
    });
}

/** validateHorizontalPodAutoscalerSpec (55-77). */
export function checkHpa(o: Obj, emit: Emit): void {
    const spec = asObj(o.spec) ?? {};
    const min = spec.minReplicas;
    const max = int(spec.maxReplicas);
    if (isSet(min) && int(min) < 1)
        emit("kube/hpa-replicas", "spec.minReplicas", invalid(int(min), "must be greater than or equal to 1"), src(59));
    if (max < 1) emit("kube/hpa-replicas", "spec.maxReplicas", invalid(max, "must be greater than 0"), src(63));
    if (isSet(min) && max < int(min))
        emit("kube/hpa-replicas", "spec.maxReplicas", invalid(max, "must be greater than or equal to `minReplicas`"), src(66));
    const ref = asObj(spec.scaleTargetRef) ?? {};
    // The only scalable kind of the core API may name no group (strategy.go).
    checkRef(ref, "spec.scaleTargetRef", str(ref.kind) === "ReplicationController", "kube/hpa-scale-target-ref", emit);
    asArr(spec.metrics).forEach((m, i) => checkMetric(asObj(m) ?? {}, `spec.metrics[${i}]`, emit));
    const behavior = asObj(spec.behavior);
    for (const dir of ["scaleUp", "scaleDown"]) {
        const rules = asObj(behavior?.[dir]);
        if (rules) checkRules(rules, `spec.behavior.${dir}`, emit);
    }
}
