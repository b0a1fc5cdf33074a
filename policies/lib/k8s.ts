/**
 * Plain Kubernetes helpers shared by the rules: type tokens, pod specs of workloads, label
 * selectors and quantities. No Pulumi objects here, only the props the engine passes.
 */

import { quantityValue } from "../contract";
import { known } from "./unknown";

/** Loosely typed Kubernetes JSON (the engine's props are untyped). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export type Labels = Record<string, string>;

/** Pulumi type tokens of the kinds the rules look at. */
export const T = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    service: "kubernetes:core/v1:Service",
    pod: "kubernetes:core/v1:Pod",
    configMap: "kubernetes:core/v1:ConfigMap",
    secret: "kubernetes:core/v1:Secret",
    namespace: "kubernetes:core/v1:Namespace",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    vpa: "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler",
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    pgCluster: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    pooler: "kubernetes:postgresql.cnpg.io/v1:Pooler",
    redisCluster: "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisCluster",
} as const;

/** `kubernetes:apps/v1:Deployment` -> `{ apiVersion: "apps/v1", kind: "Deployment" }`; core is `v1`. */
export function parseToken(type: string): { apiVersion: string; kind: string } | undefined {
    const m = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
    if (!m) return undefined;
    const [group, version] = m[1].includes("/") ? m[1].split("/", 2) : ["core", m[1]];
    return { apiVersion: group === "core" ? version : `${group}/${version}`, kind: m[2] };
}

/** Kinds that run pods from a template (plus bare Pods). */
export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod"];
/** Long-running workloads (probes, shutdown, spread, budgets apply). */
export const SERVING_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"];
/** Kinds with a `replicas` field an HPA can own. */
export const REPLICATED_KINDS = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"];

/** The pod template of a workload (or the pod itself), with its labels and spec. */
export function podTemplateOf(kind: string, props: Json): { labels: Json; spec: Json } | undefined {
    if (kind === "Pod") return { labels: props?.metadata?.labels, spec: props?.spec };
    if (kind === "CronJob") {
        const t = props?.spec?.jobTemplate?.spec?.template;
        return t ? { labels: t.metadata?.labels, spec: t.spec } : undefined;
    }
    if (!WORKLOAD_KINDS.includes(kind)) return undefined;
    const t = props?.spec?.template;
    return t ? { labels: t.metadata?.labels, spec: t.spec } : undefined;
}

export interface NamedContainer {
    readonly name: string;
    readonly c: Json;
    readonly init: boolean;
}

/**
 * Containers then init containers of a pod spec (sidecars declared as init containers
 * included). A container that is unknown in preview is left out: the others are still checked.
 */
export function containersOf(spec: Json): NamedContainer[] {
    const list = (xs: Json, init: boolean): NamedContainer[] => {
        if (!Array.isArray(xs)) return [];
        const out: NamedContainer[] = [];
        for (let i = 0; i < xs.length; i++) {
            const c = known(() => ({ name: String(xs[i]?.name), c: xs[i], init }));
            if (c) out.push(c);
        }
        return out;
    };
    return [...list(spec?.containers, false), ...list(spec?.initContainers, true)];
}

/** A deep plain copy (reads every field, so an unknown value anywhere throws). */
export function plain<T = Json>(v: Json): T {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map((x: Json) => plain(x)) as T;
    const out: Record<string, Json> = {};
    for (const k of Object.keys(v)) out[k] = plain(v[k]);
    return out as T;
}

/** Label-selector semantics of `matchLabels` + `matchExpressions`; an empty selector matches all. */
export function selectorMatches(selector: Json, labels: Labels): boolean {
    if (selector === undefined || selector === null) return false;
    for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Labels)) if (labels[k] !== v) return false;
    for (const e of (selector.matchExpressions ?? []) as Json[]) {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        const values: string[] = e.values ?? [];
        switch (e.operator) {
            case "In":
                if (!has || !values.includes(labels[e.key])) return false;
                break;
            case "NotIn":
                if (has && values.includes(labels[e.key])) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                return false;
        }
    }
    return true;
}

/** True when a selector has no terms (it selects everything). */
export function selectorIsEmpty(selector: Json): boolean {
    return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

/** `{a: "1", b: "2"}` -> `a=1,b=2` for messages. */
export function formatLabels(labels: Labels | undefined): string {
    return Object.entries(labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

/**
 * A Kubernetes quantity in base units (`500m` -> 0.5, `1Gi` -> 1073741824, `1e3` -> 1000); NaN
 * when invalid. Surrounding spaces are dropped, as the API server's JSON decoding does.
 */
export function parseQuantity(q: unknown): number {
    if (typeof q === "number") return q;
    if (typeof q !== "string") return NaN;
    return quantityValue(q.trim());
}

/** CPU cores for messages: `68.5`, `0.25`. */
export const formatCpu = (cores: number): string => String(Math.round(cores * 1000) / 1000);
/** Bytes for messages in Gi or Mi: `104.5Gi`, `512Mi`. */
export function formatMemory(bytes: number): string {
    if (bytes >= 2 ** 30) return `${Math.round((bytes / 2 ** 30) * 100) / 100}Gi`;
    return `${Math.round((bytes / 2 ** 20) * 100) / 100}Mi`;
}

/**
 * An int-or-percent (`maxUnavailable: "25%"`, `maxSurge: 1`) resolved against a pod count.
 * Kubernetes rounds surge up and unavailability down for Deployments; PDBs round up.
 */
export function resolveIntOrPercent(v: unknown, total: number, roundUp: boolean): number {
    if (typeof v === "number") return v;
    if (typeof v === "string" && /^[0-9]+%$/.test(v)) {
        const x = (parseInt(v, 10) * total) / 100;
        return roundUp ? Math.ceil(x) : Math.floor(x);
    }
    if (typeof v === "string" && /^[0-9]+$/.test(v)) return parseInt(v, 10);
    return NaN;
}

/** `Kind namespace/name`, the way messages name an object. */
export const describe = (kind: string, namespace: string, name: string): string => `${kind} ${namespace}/${name}`;
