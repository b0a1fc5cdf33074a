/**
 * One pass over the stack's resources that every stack rule shares: Kubernetes objects by kind,
 * workloads by namespace/kind/name with their pod-template labels, HPAs and VPAs by target,
 * PDBs, Services, routes, Postgres clusters, poolers, Redis, and the pods the operators create
 * (with the PDBs they create for them).
 *
 * Values unknown during preview are handled per resource: an object whose name is unknown is
 * listed in `unresolved` (lookups that miss then say "cannot check"), and a workload whose
 * labels are unknown has `labels: undefined`.
 */
import type { PolicyResource, PolicyResourceOptions } from "@pulumi/policy";
import { containersOf, plain, podTemplateOf, selectorMatches, WORKLOAD_KINDS, describe, type Json, type Labels } from "./lib/k8s";
import { k8sObject, type K8sObject } from "./lib/object";
import { podsOf, type StackPod } from "./lib/pods";
import { known } from "./lib/unknown";

/** An indexed Kubernetes object with the resource it came from. */
export interface Indexed extends K8sObject {
    readonly urn: string;
    readonly opts: PolicyResourceOptions;
}

/** Pods that share labels: a workload's, or a role of an operator-managed cluster. */
export interface PodGroup {
    readonly namespace: string;
    /** Pod labels; `undefined` when unknown in preview. */
    readonly labels: Labels | undefined;
    /** For messages: `pods of Deployment ns/x`, `primary pods of Cluster ns/db`. */
    readonly desc: string;
    /** The declared object the pods come from. */
    readonly owner: Indexed;
    /** PDBs the operator creates for these pods (CloudNativePG, Redis operator). */
    readonly operatorPdbs: readonly string[];
    /** Container ports (name and number); `undefined` for operator pods (not declared here). */
    readonly ports: readonly { readonly name?: string; readonly port: number }[] | undefined;
}

export interface StackIndex {
    /** Every Kubernetes object whose identity is known. */
    readonly all: readonly Indexed[];
    /** Kubernetes resources whose name or namespace is unknown in preview. */
    readonly unresolved: readonly PolicyResource[];
    /** Objects of one kind. */
    of(kind: string): readonly Indexed[];
    /** Workloads (pod templates and bare Pods). */
    readonly workloads: readonly Indexed[];
    /** Helm releases (name and namespace from their inputs). */
    readonly releases: readonly Indexed[];
    /**
     * Every pod the stack causes to run, with the object it comes from: workloads' templates and
     * the pods the operators and pinned charts build (`lib/pods.ts`); a source whose pods depend
     * on values unknown in preview is left out.
     */
    readonly pods: readonly { readonly pod: StackPod; readonly owner: Indexed }[];
    /** A workload or Pooler an HPA/VPA may target, by namespace, kind and name. */
    target(namespace: string, kind: string, name: string): Indexed | undefined;
    /** HPAs by `namespace/kind/name` of their scale target. */
    readonly hpasByTarget: ReadonlyMap<string, readonly Indexed[]>;
    /** VPAs by `namespace/kind/name` of their target. */
    readonly vpasByTarget: ReadonlyMap<string, readonly Indexed[]>;
    /** KEDA ScaledObjects (keda.sh) by `namespace/kind/name` of their scale target (kind defaults to Deployment). */
    readonly scaledObjectsByTarget: ReadonlyMap<string, readonly Indexed[]>;
    /** Pod-template labels of a workload (`undefined` when unknown). */
    podLabels(w: Indexed): Labels | undefined;
    /** All pod groups: workloads' and operator-managed ones. */
    readonly podGroups: readonly PodGroup[];
    /** User-declared PDBs whose selector matches a pod group (unknown selectors never match). */
    pdbsSelecting(g: PodGroup): Indexed[];
    /**
     * Replicas a workload runs at its floor: the HPA's minReplicas, else a ScaledObject's
     * minReplicaCount (KEDA's default 0), else spec.replicas (default 1).
     */
    floorReplicas(w: Indexed): number | undefined;
    /** Replicas at the ceiling: the HPA's maxReplicas, else a ScaledObject's maxReplicaCount (KEDA's default 100), else spec.replicas (default 1). */
    ceilingReplicas(w: Indexed): number | undefined;
}

export const targetKey = (namespace: string, kind: string, name: string): string => `${namespace}/${kind}/${name}`;

const cache = new WeakMap<readonly PolicyResource[], StackIndex>();

/** Builds (once per resource list) the index of a stack. */
export function indexStack(resources: readonly PolicyResource[]): StackIndex {
    let ix = cache.get(resources);
    if (!ix) {
        ix = build(resources);
        cache.set(resources, ix);
    }
    return ix;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
}

/** The Kubernetes objects of a stack by kind, its Helm releases, and the resources whose identity is unknown in preview. */
function collect(resources: readonly PolicyResource[]) {
    const all: Indexed[] = [];
    const unresolved: PolicyResource[] = [];
    const byKind = new Map<string, Indexed[]>();
    const releases: Indexed[] = [];
    for (const r of resources) {
        if (!r.type.startsWith("kubernetes:")) continue;
        if (r.type.startsWith("kubernetes:helm.sh/")) {
            const rel = k8sObject(r.type, r.props);
            if (rel) releases.push({ ...rel, urn: r.urn, opts: r.opts });
            continue;
        }
        const o = k8sObject(r.type, r.props);
        if (!o) {
            if (!r.type.startsWith("pulumi:")) unresolved.push(r);
            continue;
        }
        const x: Indexed = { ...o, urn: r.urn, opts: r.opts };
        all.push(x);
        push(byKind, o.kind, x);
    }
    return { all, unresolved, of: (kind: string): Indexed[] => byKind.get(kind) ?? [], releases };
}

/** A workload's pods as a group: its pod-template labels and the container ports it declares. */
function workloadPodGroup(w: Indexed, labels: Labels | undefined): PodGroup {
    return {
        namespace: w.namespace,
        labels,
        desc: `pods of ${w.id}`,
        owner: w,
        operatorPdbs: [],
        ports: known(() =>
            containersOf(podTemplateOf(w.kind, w.props)?.spec).flatMap(({ c }) =>
                ((c.ports ?? []) as Json[]).map((p) => ({ name: p.name as string | undefined, port: Number(p.containerPort) })),
            ),
        ),
    };
}

/** The pods of the owners (workloads and operator-managed objects) and of the Helm releases; sources unknown in preview are left out. */
function stackPods(owners: readonly Indexed[], releases: readonly Indexed[]): StackIndex["pods"] {
    const releasePods = releases.flatMap(
        (owner) => known(() => podsOf(owner.kind, owner.namespace, owner.id, owner.props).map((pod) => ({ pod, owner }))) ?? [],
    );
    // The operator image as the stack's cloudnative-pg release runs it (a digest set in its values included).
    const cnpgOperatorImage = releasePods
        .filter(({ owner }) => known(() => String(owner.props.chart)) === "cloudnative-pg")
        .flatMap(({ pod }) => (pod.spec?.containers ?? []) as { name?: string; image?: string }[])
        .find((c) => c.name === "manager")?.image;
    return [
        ...owners.flatMap(
            (owner) =>
                known(() =>
                    podsOf(owner.kind, owner.namespace, owner.id, owner.props, { cnpgOperatorImage }).map((pod) => ({ pod, owner })),
                ) ?? [],
        ),
        ...releasePods,
    ];
}

function build(resources: readonly PolicyResource[]): StackIndex {
    const { all, unresolved, of, releases } = collect(resources);
    const workloads = all.filter((o) => WORKLOAD_KINDS.includes(o.kind));
    const targets = new Map<string, Indexed>();
    for (const o of [...workloads, ...of("Pooler")]) targets.set(targetKey(o.namespace, o.kind, o.name), o);

    const labelsOf = new Map<Indexed, Labels | undefined>();
    for (const w of workloads)
        labelsOf.set(
            w,
            known(() => plain<Labels>(podTemplateOf(w.kind, w.props)?.labels ?? {})),
        );

    const byTarget = (kind: string, field: "scaleTargetRef" | "targetRef", objects = of(kind), defaultKind?: string) => {
        const m = new Map<string, Indexed[]>();
        for (const a of objects) {
            const ref = known(() => ({
                kind: String(a.props.spec?.[field]?.kind ?? defaultKind),
                name: String(a.props.spec?.[field]?.name),
            }));
            if (ref) push(m, targetKey(a.namespace, ref.kind, ref.name), a);
        }
        return m;
    };
    const hpasByTarget = byTarget("HorizontalPodAutoscaler", "scaleTargetRef");
    const vpasByTarget = byTarget("VerticalPodAutoscaler", "targetRef");
    const scaledObjectsByTarget = byTarget(
        "ScaledObject",
        "scaleTargetRef",
        of("ScaledObject").filter((o) => o.apiVersion.startsWith("keda.sh/")),
        "Deployment",
    );
    const hpaOf = (w: Indexed) => hpasByTarget.get(targetKey(w.namespace, w.kind, w.name))?.[0];
    const scaledObjectOf = (w: Indexed) => scaledObjectsByTarget.get(targetKey(w.namespace, w.kind, w.name))?.[0];

    const podGroups: PodGroup[] = [
        ...workloads.map((w) => workloadPodGroup(w, labelsOf.get(w))),
        ...operatorPodGroups(of("Cluster"), of("Pooler"), of("RedisCluster")),
    ];

    const pdbs = of("PodDisruptionBudget");
    const pdbSelectors = new Map<Indexed, Json>(pdbs.map((p) => [p, known(() => plain(p.props.spec?.selector ?? null))]));

    return {
        all,
        unresolved,
        of,
        workloads,
        releases,
        pods: stackPods([...workloads, ...of("Cluster"), ...of("Pooler"), ...of("RedisCluster")], releases),
        target: (ns, kind, name) => targets.get(targetKey(ns, kind, name)),
        hpasByTarget,
        vpasByTarget,
        scaledObjectsByTarget,
        podLabels: (w) => labelsOf.get(w),
        podGroups,
        pdbsSelecting: (g) =>
            g.labels === undefined
                ? []
                : pdbs.filter((p) => p.namespace === g.namespace && pdbSelectors.get(p) && selectorMatches(pdbSelectors.get(p), g.labels!)),
        floorReplicas: (w) => {
            const h = hpaOf(w);
            const so = h ? undefined : scaledObjectOf(w);
            return known(() =>
                Number(h ? (h.props.spec?.minReplicas ?? 1) : so ? (so.props.spec?.minReplicaCount ?? 0) : (w.props.spec?.replicas ?? 1)),
            );
        },
        ceilingReplicas: (w) => {
            const h = hpaOf(w);
            const so = h ? undefined : scaledObjectOf(w);
            return known(() =>
                Number(h ? h.props.spec?.maxReplicas : so ? (so.props.spec?.maxReplicaCount ?? 100) : (w.props.spec?.replicas ?? 1)),
            );
        },
    };
}

/** A Pooler's most pods: the maxReplicas of an HPA on it (Poolers have a scale subresource), else spec.instances (default 1). */
export function poolerMaxInstances(ix: StackIndex, p: Indexed): number {
    const h = ix.hpasByTarget.get(targetKey(p.namespace, "Pooler", p.name))?.[0];
    return Number(h ? h.props.spec?.maxReplicas : (p.props.spec?.instances ?? 1));
}

/**
 * The pods CloudNativePG and the Redis operator create, with the labels they put on them
 * (CNPG: `cnpg.io/cluster`, `cnpg.io/podRole` instance|pooler, `cnpg.io/instanceRole`,
 * `cnpg.io/poolerName`; Redis: `app: <name>-leader|follower`, `role`, `redis_setup_type`) and
 * the PDBs they create: CNPG `<cluster>-primary` and `<cluster>` (replicas) unless
 * `spec.enablePDB: false`; the Redis operator `<name>-leader`/`-follower` when `pdb.enabled`.
 */
function operatorPodGroups(clusters: readonly Indexed[], poolers: readonly Indexed[], redis: readonly Indexed[]): PodGroup[] {
    const groups: PodGroup[] = [];
    for (const c of clusters) {
        const g = known(() => {
            const base = { "cnpg.io/cluster": c.name, ...plain<Labels>(c.props.spec?.inheritedMetadata?.labels ?? {}) };
            const pdb = c.props.spec?.enablePDB !== false;
            const instances = Number(c.props.spec?.instances ?? 1);
            const role = (r: "primary" | "replica", pdbName: string): PodGroup => ({
                namespace: c.namespace,
                labels: { ...base, "cnpg.io/podRole": "instance", "cnpg.io/instanceRole": r, role: r },
                desc: `${r} pods of ${c.id}`,
                owner: c,
                operatorPdbs: pdb ? [pdbName] : [],
                ports: undefined,
            });
            return instances > 1 ? [role("primary", `${c.name}-primary`), role("replica", c.name)] : [role("primary", `${c.name}-primary`)];
        });
        groups.push(
            ...(g ?? [
                { namespace: c.namespace, labels: undefined, desc: `pods of ${c.id}`, owner: c, operatorPdbs: [], ports: undefined },
            ]),
        );
    }
    for (const p of poolers) {
        groups.push({
            namespace: p.namespace,
            labels: known(() => ({
                ...plain<Labels>(p.props.spec?.template?.metadata?.labels ?? {}),
                "cnpg.io/poolerName": p.name,
                "cnpg.io/podRole": "pooler",
            })),
            desc: `pods of ${p.id}`,
            owner: p,
            operatorPdbs: [],
            ports: [{ name: "pgbouncer", port: 5432 }],
        });
    }
    for (const r of redis) {
        for (const role of ["leader", "follower"] as const) {
            const spec = role === "leader" ? "redisLeader" : "redisFollower";
            groups.push({
                namespace: r.namespace,
                labels: { app: `${r.name}-${role}`, redis_setup_type: "cluster", role },
                desc: `${role} pods of ${describe(r.kind, r.namespace, r.name)}`,
                owner: r,
                operatorPdbs: known(() => r.props.spec?.[spec]?.pdb?.enabled === true) ? [`${r.name}-${role}`] : [],
                ports: [{ name: "redis-client", port: 6379 }],
            });
        }
    }
    return groups;
}
