import { COMPONENT_TIER, OPERATOR_KIND_TIER, OVERPROVISIONING_CLASS, PRIORITY_CLASSES, type PriorityTier } from "../contract";
import { WORKLOAD_KINDS } from "../lib/k8s";
import { schema, stackRule, type StackReport } from "../lib/rule";
import type { StackIndex } from "../stackIndex";
import { forEachKnown } from "../lib/unknown";

type Config = Record<PriorityTier, string>;

/** Issue 17 #2: the data tier and the API above the workers, the workers above analytics and batch. */
const ABOVE: readonly [PriorityTier, PriorityTier][] = [
    ["data", "workers"],
    ["api", "workers"],
    ["workers", "batch"],
];

const TIER_OF_POD: Readonly<Record<PriorityTier, string>> = {
    data: "data-tier",
    api: "API",
    workers: "worker",
    batch: "analytics/batch",
};

/** The PriorityClasses the stack declares, by name: their values (unknown values left out). */
function declaredClasses(ix: StackIndex): Map<string, number> {
    const out = new Map<string, number>();
    forEachKnown(
        ix.of("PriorityClass").filter((c) => c.apiVersion === "scheduling.k8s.io/v1"),
        (c) => {
            if (typeof c.props.value === "number") out.set(c.name, c.props.value);
        },
    );
    return out;
}

interface TieredPod {
    readonly tier: PriorityTier;
    readonly desc: string;
    readonly pc: unknown;
    readonly owner: { readonly urn: string };
}

/** Every pod of ours with its tier: operator pods are the data tier, workloads go by component label. */
function tieredPods(ix: StackIndex): TieredPod[] {
    const out: TieredPod[] = [];
    // A pod whose class is unknown in preview is left out (cannot check).
    forEachKnown(ix.pods, ({ pod, owner }) => {
        const component = pod.labels["app.kubernetes.io/component"] ?? "";
        const tier = OPERATOR_KIND_TIER[owner.kind] ?? (WORKLOAD_KINDS.includes(owner.kind) ? COMPONENT_TIER[component] : undefined);
        if (tier) out.push({ tier, desc: pod.desc, pc: pod.spec?.priorityClassName, owner });
    });
    return out;
}

function checkOrder(classes: Map<string, number>, cfg: Config, report: StackReport): void {
    for (const [hi, lo] of ABOVE) {
        const h = classes.get(cfg[hi]);
        const l = classes.get(cfg[lo]);
        if (h !== undefined && l !== undefined && h <= l)
            report(
                `PriorityClass ${cfg[hi]} (${h}, the ${hi} tier's) is not above ${cfg[lo]} (${l}, the ${lo} tier's); raise ${cfg[hi]} or lower ${cfg[lo]} (policies/contract/scheduling.ts).`,
            );
    }
    // Placeholders (issue 17 #4) hold room for real pods: every real pod must be able to preempt them.
    const op = classes.get(OVERPROVISIONING_CLASS.name);
    const batch = classes.get(cfg.batch);
    if (op !== undefined && batch !== undefined && op >= batch)
        report(
            `PriorityClass ${OVERPROVISIONING_CLASS.name} (${op}, the placeholders') is not below ${cfg.batch} (${batch}, the batch tier's); lower it, or real pods cannot preempt the placeholders (policies/contract/scheduling.ts).`,
        );
}

/** `wl-priority-order`: each tier's pods use its class, the stack declares it, and the classes keep the order. */
export const wlPriorityOrder = stackRule<Config>(
    {
        name: "wl-priority-order",
        description:
            "Data-tier, API, worker and analytics pods use their tier's PriorityClass, the stack declares each, and the values keep data and API above workers, workers above batch, batch above the overprovisioning placeholders.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Set each pod's priorityClassName to its tier's class and declare the classes with the order of policies/contract/scheduling.ts.",
        configSchema: {
            properties: {
                data: schema.str(PRIORITY_CLASSES.data.name, "Class of Postgres instances, PgBouncer poolers and Redis nodes."),
                api: schema.str(PRIORITY_CLASSES.api.name, "Class of the API pods."),
                workers: schema.str(PRIORITY_CLASSES.workers.name, "Class of the queue workers."),
                batch: schema.str(PRIORITY_CLASSES.batch.name, "Class of analytics and batch pods."),
            },
        },
    },
    (ix, cfg, report) => {
        const classes = declaredClasses(ix);
        const pods = tieredPods(ix);
        // A class whose name or value is unknown in preview might be the missing one: cannot check.
        const complete = ix.unresolved.length === 0 && classes.size === ix.of("PriorityClass").length;
        const missing = new Set<PriorityTier>();
        for (const p of pods) {
            const want = cfg[p.tier];
            if (p.pc !== want) {
                const has = typeof p.pc === "string" ? `priorityClassName ${p.pc}` : "no priorityClassName";
                report(`${p.desc}: ${TIER_OF_POD[p.tier]} pods run with ${has}; set ${want}, the ${p.tier} tier's class.`, p.owner);
            }
            if (complete && !classes.has(want)) missing.add(p.tier);
        }
        for (const tier of missing)
            report(
                `the stack declares no PriorityClass ${cfg[tier]} for its ${TIER_OF_POD[tier]} pods; declare it (lib/priorityClasses.ts), or the API server refuses the pods.`,
            );
        checkOrder(classes, cfg, report);
    },
);
