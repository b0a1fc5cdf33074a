/**
 * Object metadata and label selectors: apimachinery's ValidateObjectMetaAccessor (name per kind,
 * namespace, labels, annotations) and meta/v1 ValidateLabels / ValidateLabelSelector. Pure.
 */
import {
    APPS,
    AUTOSCALING,
    CORE,
    K8S,
    NETWORKING,
    METAV1,
    OBJECTMETA,
    asArr,
    asObj,
    at,
    entries,
    forbidden,
    invalid,
    isSet,
    required,
    str,
    tooLong,
    type Emit,
    type Obj,
} from "./fmt";
import { dns1035Label, dns1123Label, dns1123Subdomain, labelValue, pathSegment, qualifiedName } from "./strings";

/** How a kind's name is validated, and whether it is namespaced. */
interface NameRule {
    readonly check: (name: string) => string[];
    readonly what: string;
    readonly source: string;
    readonly namespaced: boolean;
}
const subdomain = (source: string, namespaced = true): NameRule => ({
    check: dns1123Subdomain,
    what: "a DNS-1123 subdomain",
    source,
    namespaced,
});

/** The name function each kind's validator passes to ValidateObjectMeta. */
export const NAME_RULES: Readonly<Record<string, NameRule>> = {
    Namespace: { check: dns1123Label, what: "a DNS-1123 label", source: at(CORE, 7864), namespaced: false },
    ServiceAccount: subdomain(at(CORE, 7339)),
    Secret: subdomain(at(CORE, 7352)),
    ConfigMap: subdomain(at(CORE, 7455)),
    Service: { check: dns1035Label, what: "a DNS-1035 label", source: at(CORE, 6666), namespaced: true },
    Deployment: subdomain(at(APPS, "ValidateDeployment")),
    StatefulSet: subdomain(at(APPS, "ValidateStatefulSet")),
    HorizontalPodAutoscaler: subdomain(at(AUTOSCALING, 121)),
    NetworkPolicy: subdomain(at(NETWORKING, "ValidateNetworkPolicy")),
    PriorityClass: subdomain(at(`${K8S} pkg/apis/scheduling/validation/validation.go`, "ValidatePriorityClass"), false),
    // ValidatePodDisruptionBudget checks only the spec: the name meets the generic path-segment rule.
    PodDisruptionBudget: { check: pathSegment, what: "a path segment", source: at(OBJECTMETA, 169), namespaced: true },
};

/** meta/v1 ValidateLabels: qualified-name keys, label values (validation.go:113-118). */
export function checkLabels(labels: unknown, path: string, rule: string, emit: Emit): void {
    for (const [k, v] of entries(labels)) {
        for (const m of qualifiedName(k)) emit(rule, path, invalid(k, m), at(METAV1, 106));
        for (const m of labelValue(str(v))) emit(rule, path, invalid(str(v), m), at(METAV1, 117));
    }
}

/** apimachinery ValidateAnnotations: lower-cased qualified-name keys, 256 KiB in all (objectmeta.go:44-54). */
export function checkAnnotations(annotations: unknown, path: string, emit: Emit): void {
    let size = 0;
    for (const [k, v] of entries(annotations)) {
        for (const m of qualifiedName(k.toLowerCase())) emit("kube/annotations", path, invalid(k, m), at(OBJECTMETA, 48));
        size += Buffer.byteLength(k) + Buffer.byteLength(str(v));
    }
    if (size > 256 * 1024) emit("kube/annotations", path, tooLong(256 * 1024), at(OBJECTMETA, 52));
}

/** ValidateObjectMetaAccessor (objectmeta.go:155-191) with the kind's name function. */
export function checkObjectMeta(o: Obj, emit: Emit): void {
    const meta = asObj(o.metadata) ?? {};
    const rule = NAME_RULES[str(o.kind)];
    const name = str(meta.name);
    if (rule) {
        if (name === "") emit("kube/object-name", "metadata.name", required("name or generateName is required"), at(OBJECTMETA, 167));
        else for (const m of rule.check(name)) emit("kube/object-name", "metadata.name", invalid(name, m), rule.source);
        const ns = str(meta.namespace);
        if (rule.namespaced && ns === "") emit("kube/object-namespace", "metadata.namespace", required(), at(OBJECTMETA, 175));
        else if (rule.namespaced)
            for (const m of dns1123Label(ns)) emit("kube/object-namespace", "metadata.namespace", invalid(ns, m), at(OBJECTMETA, 177));
        else if (ns !== "") emit("kube/object-namespace", "metadata.namespace", forbidden("not allowed on this type"), at(OBJECTMETA, 183));
    }
    checkLabels(meta.labels, "metadata.labels", "kube/labels", emit);
    checkAnnotations(meta.annotations, "metadata.annotations", emit);
}

const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"];

/** meta/v1 ValidateLabelSelector (validation.go:62-100), strict label values. */
export function checkSelector(sel: unknown, path: string, emit: Emit): void {
    const s = asObj(sel);
    if (!s) return;
    checkLabels(s.matchLabels, `${path}.matchLabels`, "kube/label-selector", emit);
    asArr(s.matchExpressions).forEach((e, i) => {
        const r = asObj(e) ?? {};
        const p = `${path}.matchExpressions[${i}]`;
        const values = asArr(r.values).map(str);
        const op = str(r.operator);
        if ((op === "In" || op === "NotIn") && values.length === 0)
            emit("kube/label-selector", `${p}.values`, required("must be specified when `operator` is 'In' or 'NotIn'"), at(METAV1, 81));
        else if ((op === "Exists" || op === "DoesNotExist") && values.length > 0)
            emit(
                "kube/label-selector",
                `${p}.values`,
                forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
                at(METAV1, 85),
            );
        else if (!OPERATORS.includes(op))
            emit("kube/label-selector", `${p}.operator`, invalid(op, "not a valid selector operator"), at(METAV1, 89));
        for (const m of qualifiedName(str(r.key))) emit("kube/label-selector", `${p}.key`, invalid(str(r.key), m), at(METAV1, 107));
        values.forEach((v, j) => {
            for (const m of labelValue(v)) emit("kube/label-selector", `${p}.values[${j}]`, invalid(v, m), at(METAV1, 96));
        });
    });
}

/** Label-selector semantics (an empty selector matches everything; unknown operators match nothing). */
export function selectorMatches(sel: unknown, labels: Readonly<Record<string, unknown>>): boolean {
    const s = asObj(sel) ?? {};
    for (const [k, v] of entries(s.matchLabels)) if (labels[k] !== v) return false;
    for (const e of asArr(s.matchExpressions)) {
        const r = asObj(e) ?? {};
        const k = str(r.key);
        const has = isSet(labels[k]);
        const inValues = asArr(r.values).map(str).includes(str(labels[k]));
        const op = str(r.operator);
        if ((op === "In" && !(has && inValues)) || (op === "NotIn" && has && inValues)) return false;
        if ((op === "Exists" && !has) || (op === "DoesNotExist" && has) || !OPERATORS.includes(op)) return false;
    }
    return true;
}

/** True when a selector has neither matchLabels nor matchExpressions. */
export const selectorEmpty = (sel: unknown): boolean =>
    entries(asObj(sel)?.matchLabels).length + asArr(asObj(sel)?.matchExpressions).length === 0;
