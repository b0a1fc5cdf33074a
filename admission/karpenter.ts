/**
 * The CEL rules (`x-kubernetes-validations`) of Karpenter 1.12.0's NodePool CRD, which the API
 * server evaluates on every create and update; JSON Schema (the render's ajv validation) cannot
 * run them. Ported from kubernetes-sigs/karpenter tag v1.12.0, pkg/apis/crds/karpenter.sh_nodepools.yaml
 * (vendored byte for byte in crds/karpenter/). Karpenter 1.x has no validating webhook: these
 * and the schema are all the API server checks.
 *
 * Left out, as they compare with the stored object (transition rules, `oldSelf`): nodeClassRef's
 * group and kind are immutable (lines 269, 271), a NodePool does not switch between static and
 * dynamic (452). The controller's own `RuntimeValidate` (pkg/apis/v1/nodepool_validation.go) runs
 * after admission and only marks the NodePool not ready; it is not ported.
 *
 * Where a CEL expression fails to evaluate (`int()` of a value that is no integer, `values` absent)
 * the API server refuses the object with an evaluation error; here the rule's message stands for it.
 */
import { objectRef, type AdmissionModule, type Manifest, type RuleInfo, type Violation } from "./types";

const SRC = "kubernetes-sigs/karpenter v1.12.0 pkg/apis/crds/karpenter.sh_nodepools.yaml";
const FIX = "lib/karpenter.ts nodePool (config placement.karpenter.*)";

type Rule = RuleInfo & { readonly message: string };
const r = (id: string, line: number, message: string, description = message): Rule => ({
    id,
    description,
    source: `${SRC}:${line}`,
    message,
});

const DOMAIN = 'label domain "karpenter.sh" is restricted';
const NODEPOOL = 'label "karpenter.sh/nodepool" is restricted';
const HOSTNAME = 'label "kubernetes.io/hostname" is restricted';
const RULES: readonly Rule[] = [
    r("karpenter/budget-schedule-with-duration", 142, "'schedule' must be set with 'duration'"),
    r("karpenter/labels-domain", 219, DOMAIN, "template labels: no karpenter.sh domain but capacity-type and nodepool"),
    r("karpenter/labels-nodepool", 221, NODEPOOL, "template labels: no karpenter.sh/nodepool"),
    r("karpenter/labels-hostname", 223, HOSTNAME, "template labels: no kubernetes.io/hostname"),
    r("karpenter/node-class-group", 249, "group may not be empty", "nodeClassRef.group is not empty"),
    r("karpenter/node-class-kind", 255, "kind may not be empty", "nodeClassRef.kind is not empty"),
    r("karpenter/node-class-name", 261, "name may not be empty", "nodeClassRef.name is not empty"),
    r("karpenter/requirement-domain", 286, DOMAIN, "requirement keys: no karpenter.sh domain but capacity-type and nodepool"),
    r("karpenter/requirement-nodepool", 288, NODEPOOL, "requirement keys: no karpenter.sh/nodepool"),
    r("karpenter/requirement-hostname", 290, HOSTNAME, "requirement keys: no kubernetes.io/hostname"),
    r("karpenter/requirement-in-values", 333, "requirements with operator 'In' must have a value defined"),
    r("karpenter/requirement-numeric", 335, "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value"),
    r(
        "karpenter/requirement-min-values",
        337,
        "requirements with 'minValues' must have at least that many values specified in the 'values' field",
    ),
    r("karpenter/static-limits", 454, "only 'limits.nodes' is supported on static NodePools"),
    r("karpenter/static-weight", 456, "'weight' is not supported on static NodePools"),
];
const BY_ID = new Map(RULES.map((x) => [x.id, x]));

type Obj = Readonly<Record<string, unknown>>;
const asObj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const asArr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const has = (o: Obj, k: string) => o[k] !== undefined && o[k] !== null;

type Emit = (id: string, path: string, type: "object" | "array" | "string") => void;

/** The three key rules, as `x.find("^([^/]+)").endsWith("karpenter.sh")` reads them: any prefix ending so. */
function keyRules(key: string, ids: readonly [string, string, string], path: string, type: "object" | "string", emit: Emit): void {
    const prefix = /^([^/]+)/.exec(key)?.[1] ?? "";
    if (!["karpenter.sh/capacity-type", "karpenter.sh/nodepool"].includes(key) && prefix.endsWith("karpenter.sh")) emit(ids[0], path, type);
    if (key === "karpenter.sh/nodepool") emit(ids[1], path, type);
    if (key === "kubernetes.io/hostname") emit(ids[2], path, type);
}

const LABEL_IDS = ["karpenter/labels-domain", "karpenter/labels-nodepool", "karpenter/labels-hostname"] as const;
const KEY_IDS = ["karpenter/requirement-domain", "karpenter/requirement-nodepool", "karpenter/requirement-hostname"] as const;
const NUMERIC = ["Gt", "Lt", "Gte", "Lte"];

function checkRequirements(reqs: readonly unknown[], at: string, emit: Emit): void {
    const all = reqs.map((x) => asObj(x) ?? {});
    all.forEach((x, i) => typeof x.key === "string" && keyRules(x.key, KEY_IDS, `${at}[${i}].key`, "string", emit));
    const values = (x: Obj) => asArr(x.values);
    // Each is one rule over the whole list (`self.all(...)`): reported once, on the list.
    if (all.some((x) => x.operator === "In" && values(x).length === 0)) emit("karpenter/requirement-in-values", at, "array");
    const numeric = (x: Obj) => values(x).length === 1 && /^[+-]?\d+$/.test(String(values(x)[0])) && Number(values(x)[0]) >= 0;
    if (all.some((x) => NUMERIC.includes(String(x.operator)) && !numeric(x))) emit("karpenter/requirement-numeric", at, "array");
    if (all.some((x) => x.operator === "In" && typeof x.minValues === "number" && values(x).length < x.minValues))
        emit("karpenter/requirement-min-values", at, "array");
}

function checkSpec(spec: Obj, emit: Emit): void {
    const budgets = asObj(spec.disruption)?.budgets;
    if (Array.isArray(budgets) && budgets.some((b) => has(asObj(b) ?? {}, "schedule") !== has(asObj(b) ?? {}, "duration")))
        emit("karpenter/budget-schedule-with-duration", "spec.disruption.budgets", "array");
    const template = asObj(spec.template) ?? {};
    const labels = asObj(asObj(template.metadata)?.labels);
    for (const key of Object.keys(labels ?? {})) keyRules(key, LABEL_IDS, "spec.template.metadata.labels", "object", emit);
    const t = asObj(template.spec) ?? {};
    const ref = asObj(t.nodeClassRef);
    for (const f of ["group", "kind", "name"])
        if (ref && ref[f] === "") emit(`karpenter/node-class-${f}`, `spec.template.spec.nodeClassRef.${f}`, "string");
    checkRequirements(asArr(t.requirements), "spec.template.spec.requirements", emit);
    if (has(spec, "replicas")) {
        const limits = Object.keys(asObj(spec.limits) ?? {});
        if (has(spec, "limits") && limits.length > 0 && !(limits.length === 1 && limits[0] === "nodes"))
            emit("karpenter/static-limits", "spec", "object");
        if (has(spec, "weight")) emit("karpenter/static-weight", "spec", "object");
    }
}

/** Karpenter 1.12.0's NodePool CEL rules (create-time). */
export const karpenter: AdmissionModule = {
    rules: RULES.map(({ id, description, source }) => ({ id, description, source })),
    check(o: Manifest): Violation[] {
        if (o.kind !== "NodePool" || o.apiVersion !== "karpenter.sh/v1") return [];
        const out: Violation[] = [];
        const emit: Emit = (id, path, type) => {
            const rule = BY_ID.get(id);
            if (!rule) throw new Error(`karpenter: unknown rule ${id}`);
            // A rule refused twice on one field (two restricted labels) is one message from the API server.
            if (out.some((v) => v.rule === id && v.path === path)) return;
            out.push({
                object: objectRef(o),
                rule: id,
                path,
                message: `the API server (NodePool CRD rule) refuses it: ${path}: Invalid value: "${type}": ${rule.message}`,
                fix: FIX,
                source: rule.source,
            });
        };
        checkSpec(asObj(o.spec) ?? {}, emit);
        return out;
    },
};
