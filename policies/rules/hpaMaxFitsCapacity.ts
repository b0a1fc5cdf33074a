import { containersOf, formatCpu, formatMemory, parseQuantity, podTemplateOf, resolveIntOrPercent, type Json } from "../lib/k8s";
import { schema, stackRule } from "../lib/rule";
import { known } from "../lib/unknown";
import { poolerMaxInstances, type Indexed, type StackIndex } from "../stackIndex";
import { vpaMaxAllowed } from "./vpaHpaNoResourceOverlap";

interface Config {
    cpu: string;
    memory: string;
    includeSurge: boolean;
}

type Requests = { cpu: number; memory: number };

/** Effective pod requests: max(sum of containers, largest init container), as the scheduler computes. */
export function podRequests(spec: Json, override?: (container: string, r: "cpu" | "memory") => number | undefined): Requests {
    const req = (c: Json, r: "cpu" | "memory") => override?.(String(c.name), r) ?? (parseQuantity(c.resources?.requests?.[r]) || 0);
    const all = containersOf(spec);
    const sum = (r: "cpu" | "memory") => all.filter((c) => !c.init).reduce((s, { c }) => s + req(c, r), 0);
    const init = (r: "cpu" | "memory") => Math.max(0, ...all.filter((c) => c.init).map(({ c }) => req(c, r)));
    return { cpu: Math.max(sum("cpu"), init("cpu")), memory: Math.max(sum("memory"), init("memory")) };
}

/** Kinds whose pods count against the namespace (DaemonSets and Jobs are sized elsewhere). */
const SIZED_KINDS = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Pod", "Cluster", "Pooler", "RedisCluster"];

/** Pods and per-pod requests of one declared object (of SIZED_KINDS) at its maximum scale. */
function demand(ix: StackIndex, o: Indexed, includeSurge: boolean): { pods: number; per: Requests } {
    const s = o.props.spec;
    if (!["Cluster", "Pooler", "RedisCluster"].includes(o.kind)) {
        const max = ix.ceilingReplicas(o) ?? 1;
        const rolling = o.kind === "Deployment" && s?.strategy?.type !== "Recreate";
        // maxSurge defaults to 25% and rounds up (a rollout at max briefly runs max + surge pods).
        const surge = includeSurge && rolling ? resolveIntOrPercent(s?.strategy?.rollingUpdate?.maxSurge ?? "25%", max, true) : 0;
        const vpa = ix.vpasByTarget.get(`${o.namespace}/${o.kind}/${o.name}`)?.[0];
        // A VPA may raise requests up to its maxAllowed: size for that.
        const per = podRequests(podTemplateOf(o.kind, o.props)?.spec, vpa ? (c, r) => vpaMaxAllowed(vpa.props.spec, c, r) : undefined);
        return { pods: o.kind === "Pod" ? 1 : max + surge, per };
    }
    if (o.kind === "Cluster") {
        const r = s?.resources?.requests ?? {};
        return { pods: Number(s?.instances ?? 1), per: { cpu: parseQuantity(r.cpu) || 0, memory: parseQuantity(r.memory) || 0 } };
    }
    if (o.kind === "Pooler") return { pods: poolerMaxInstances(ix, o), per: podRequests(s?.template?.spec) };
    const size = Number(s?.clusterSize ?? 0);
    const pods = Number(s?.redisLeader?.replicas ?? size) + Number(s?.redisFollower?.replicas ?? size);
    const r = (s?.redisLeader?.resources ?? s?.resources ?? s?.kubernetesConfig?.resources)?.requests ?? {};
    return { pods, per: { cpu: parseQuantity(r.cpu) || 0, memory: parseQuantity(r.memory) || 0 } };
}

/** `hpa-max-fits-capacity`: every workload at its max (+ rollout surge) fits the namespace quota or budget. */
export const hpaMaxFitsCapacity = stackRule<Config>(
    {
        name: "hpa-max-fits-capacity",
        description:
            "At maximum scale (HPA maxReplicas, rollout surge, VPA maxAllowed, data-tier pods) a namespace's pod requests fit its ResourceQuota or the configured capacity budget.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Lower maxReplicas or per-pod requests, or raise the ResourceQuota / capacity budget (and the cluster behind it).",
        configSchema: {
            properties: {
                cpu: schema.quantity("64", "CPU the namespace may request when it has no ResourceQuota."),
                memory: schema.quantity("128Gi", "Memory the namespace may request when it has no ResourceQuota."),
                includeSurge: schema.bool(true, "Count the Deployment rollout surge on top of maxReplicas."),
            },
        },
    },
    (ix, cfg, report) => {
        const totals = new Map<string, Requests>();
        const uncertain = new Set<string>();
        for (const o of ix.all) {
            if (!SIZED_KINDS.includes(o.kind)) continue;
            const d = known(() => demand(ix, o, cfg.includeSurge));
            if (d === undefined) {
                // An unknown field makes this namespace's total a lower bound: cannot check it.
                uncertain.add(o.namespace);
                continue;
            }
            const t = totals.get(o.namespace) ?? { cpu: 0, memory: 0 };
            totals.set(o.namespace, { cpu: t.cpu + d.pods * d.per.cpu, memory: t.memory + d.pods * d.per.memory });
        }
        for (const [ns, t] of totals) {
            if (uncertain.has(ns)) continue;
            const quota = ix.of("ResourceQuota").find((q) => q.namespace === ns);
            const hard = quota ? known(() => quota.props.spec?.hard ?? {}) : undefined;
            const budget = {
                cpu: parseQuantity(hard ? (hard["requests.cpu"] ?? hard.cpu) : cfg.cpu),
                memory: parseQuantity(hard ? (hard["requests.memory"] ?? hard.memory) : cfg.memory),
            };
            const source = quota ? quota.id : "capacity budget";
            if (t.cpu > budget.cpu || t.memory > budget.memory)
                report(
                    `namespace ${ns}: at maximum scale (HPA maxReplicas + rollout surge) the pods request ${formatCpu(t.cpu)} CPU and ${formatMemory(t.memory)} memory, above the ${source} (${formatCpu(budget.cpu)} CPU, ${formatMemory(budget.memory)} memory); lower maxReplicas or raise the budget.`,
                    quota,
                );
        }
    },
);
