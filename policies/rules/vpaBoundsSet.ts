import { formatCpu, formatMemory, parseQuantity, type Json } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import { vpaMode } from "./vpaHpaNoResourceOverlap";

interface Config {
    nodeCpu: string;
    nodeMemory: string;
}

/** `vpa-bounds-set`: recommendations are clamped to [minAllowed, maxAllowed] and fit a node. */
export const vpaBoundsSet = resourceRule<Config>(
    {
        name: "vpa-bounds-set",
        description:
            "Every VPA container policy sets minAllowed and maxAllowed for each controlled resource, with maxAllowed within node allocatable.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Set resourcePolicy.containerPolicies[].minAllowed and maxAllowed for cpu and memory, maxAllowed at or below a node's allocatable.",
        configSchema: {
            properties: {
                nodeCpu: schema.quantity("4", "Allocatable CPU of the largest node a pod may land on."),
                nodeMemory: schema.quantity("16Gi", "Allocatable memory of the largest node a pod may land on."),
            },
        },
    },
    (kind) => kind === "VerticalPodAutoscaler",
    (o, cfg, report) => {
        if (vpaMode(o.props.spec) === "Off") return;
        const policies = (o.props.spec?.resourcePolicy?.containerPolicies ?? []) as Json[];
        if (policies.length === 0)
            report(
                `${o.id}: has no resourcePolicy.containerPolicies; set minAllowed and maxAllowed per container so recommendations stay schedulable.`,
            );
        const alloc: Record<string, number> = { cpu: parseQuantity(cfg.nodeCpu), memory: parseQuantity(cfg.nodeMemory) };
        const fmt = (r: string, v: number) => (r === "cpu" ? formatCpu(v) : formatMemory(v));
        forEachKnown(policies, (p) => {
            if (p.mode === "Off") return;
            for (const r of (p.controlledResources ?? ["cpu", "memory"]) as string[]) {
                if (p.minAllowed?.[r] === undefined)
                    report(
                        `${o.id}: container ${p.containerName} has no minAllowed.${r}; set it (a too-small recommendation can starve the pod).`,
                    );
                const max = p.maxAllowed?.[r];
                if (max === undefined)
                    report(
                        `${o.id}: container ${p.containerName} has no maxAllowed.${r}; set it at or below node allocatable (${fmt(r, alloc[r])}).`,
                    );
                else if (r in alloc && parseQuantity(max) > alloc[r])
                    report(
                        `${o.id}: container ${p.containerName} maxAllowed.${r} (${max}) exceeds node allocatable ${r} (${fmt(r, alloc[r])}); lower it, or the recommended pods cannot be scheduled.`,
                    );
            }
        });
    },
);
