import { podTemplateOf, WORKLOAD_KINDS } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";
import { OVERPROVISIONING_CLASS } from "../contract";
import { isPlaceholder } from "../lib/placeholder";

interface Config {
    allowed: string[];
}

/** `wl-priority-class`: under pressure the scheduler preempts the least important pods first. */
export const wlPriorityClass = resourceRule<Config>(
    {
        name: "wl-priority-class",
        description: "Workloads set a priorityClassName (one of the allowed ones, when a list is configured).",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps: "Set spec.template.spec.priorityClassName to one of the cluster's PriorityClasses.",
        configSchema: { properties: { allowed: schema.strings([], "Allowed PriorityClass names; empty accepts any.") } },
    },
    (kind) => WORKLOAD_KINDS.includes(kind),
    (o, cfg, report) => {
        const pc = podTemplateOf(o.kind, o.props)?.spec?.priorityClassName;
        // The placeholders' class is theirs alone: a real workload with it is preempted by anything.
        if (isPlaceholder(o.kind, o.props)) return;
        if (pc === OVERPROVISIONING_CLASS.name)
            report(
                `${o.id}: priorityClassName ${pc} is reserved for overprovisioning placeholders (label sysmanage.io/role: placeholder); any pod preempts it. Use its tier's class.`,
            );
        else if (pc === undefined)
            report(`${o.id}: sets no priorityClassName; assign one so the scheduler preempts less important pods first.`);
        else if (cfg.allowed.length > 0 && !cfg.allowed.includes(pc))
            report(`${o.id}: priorityClassName ${pc} is not one of ${cfg.allowed.join(", ")}; use one of them.`);
    },
);
