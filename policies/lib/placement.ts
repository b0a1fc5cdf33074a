/**
 * How a pod spec reaches spot or on-demand nodes (issue 17 #2): its nodeSelector, its node
 * affinity and its tolerations, read against `key=value` node labels. Pure, for the `place-*` rules.
 */
import type { Json } from "./k8s";

/** `key=value` strings as pairs (a label without `=` matches the empty value). */
const pairs = (labels: readonly string[]): [string, string][] =>
    labels.map((l) => (l.includes("=") ? [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] : [l, ""]));

type Term = { readonly how: string; readonly expressions: Json[] };

/** The node-affinity terms of a pod spec, required then preferred. */
function affinityTerms(spec: Json): Term[] {
    const na = spec?.affinity?.nodeAffinity;
    const required: Json[] = na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    const preferred: Json[] = (na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: Json) => p?.preference);
    return [
        ...required.map((t) => ({ how: "required", expressions: t?.matchExpressions ?? [] })),
        ...preferred.map((t) => ({ how: "preferred", expressions: t?.matchExpressions ?? [] })),
    ];
}

/** How the pod asks for spot nodes (`nodeSelector k=v`, `required node affinity k In [..]`), or undefined. */
export function spotSelection(spec: Json, spotLabels: readonly string[]): string | undefined {
    for (const [k, v] of pairs(spotLabels)) {
        if (spec?.nodeSelector?.[k] === v) return `nodeSelector ${k}=${v}`;
        for (const t of affinityTerms(spec))
            for (const e of t.expressions)
                if (e?.key === k && e?.operator === "In" && (e.values ?? []).includes(v))
                    return `${t.how} node affinity ${k} In [${(e.values as string[]).join(", ")}]`;
    }
    return undefined;
}

/** The toleration that lets the pod onto tainted spot nodes (`key` or one without key that tolerates everything), or undefined. */
export function spotToleration(spec: Json, taintKey: string, taintValue: string): string | undefined {
    for (const t of (spec?.tolerations ?? []) as Json[]) {
        if ((t?.key ?? "") === "" && t?.operator === "Exists") return "a toleration of every taint (operator Exists, no key)";
        if (t?.key === taintKey && (t.operator === "Exists" || (t.value ?? "") === taintValue))
            return `a toleration of the spot taint ${taintKey}${t.operator === "Exists" ? "" : `=${taintValue}`}`;
    }
    return undefined;
}

/** True when every node the pod may run on carries one of `onDemandLabels`: by nodeSelector, or in every required term. */
export function pinnedTo(spec: Json, onDemandLabels: readonly string[]): boolean {
    const p = pairs(onDemandLabels);
    if (p.some(([k, v]) => spec?.nodeSelector?.[k] === v)) return true;
    const required = affinityTerms(spec).filter((t) => t.how === "required");
    const pins = (e: Json) =>
        e?.operator === "In" &&
        Array.isArray(e.values) &&
        e.values.length > 0 &&
        e.values.every((v: string) => p.some(([k, x]) => k === e.key && x === v));
    return required.length > 0 && required.every((t) => t.expressions.some(pins));
}

/** The scheduling fields of the pods a data-tier custom resource makes, per role (the operators copy them onto the pods). */
export function dataTierPlacements(kind: string, props: Json): { readonly role: string; readonly spec: Json }[] {
    if (kind === "Cluster") {
        const a = props?.spec?.affinity ?? {};
        return [
            {
                role: "instance pods",
                spec: { nodeSelector: a.nodeSelector, tolerations: a.tolerations, affinity: { nodeAffinity: a.nodeAffinity } },
            },
        ];
    }
    if (kind === "Pooler") return [{ role: "pods", spec: props?.spec?.template?.spec ?? {} }];
    if (kind === "RedisCluster")
        return (["redisLeader", "redisFollower"] as const).map((r) => ({
            role: `${r === "redisLeader" ? "leader" : "follower"} pods`,
            spec: props?.spec?.[r] ?? {},
        }));
    return [];
}
