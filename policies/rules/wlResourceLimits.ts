import { containersOf, parseQuantity, podTemplateOf, WORKLOAD_KINDS } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    requireCpuLimit: boolean;
}

/** `wl-resource-limits`: a memory limit on every container; CPU limits only where configured. */
export const wlResourceLimits = resourceRule<Config>(
    {
        name: "wl-resource-limits",
        description: "Every container has a memory limit at or above its request (and a CPU limit where required).",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Set resources.limits.memory >= resources.requests.memory on every container.",
        configSchema: {
            properties: {
                // CPU limits throttle latency-sensitive pods; the program sets none by default.
                requireCpuLimit: schema.bool(false, "Also require resources.limits.cpu."),
            },
        },
    },
    (kind) => WORKLOAD_KINDS.includes(kind),
    (o, cfg, report) => {
        forEachKnown(containersOf(podTemplateOf(o.kind, o.props)?.spec), ({ name, c }) => {
            const limit = c.resources?.limits?.memory;
            const request = c.resources?.requests?.memory;
            if (limit === undefined)
                report(
                    `${o.id}: container ${name} has no memory limit; set resources.limits.memory (without one a pod can exhaust its node's memory).`,
                );
            else if (request !== undefined && parseQuantity(limit) < parseQuantity(request))
                report(
                    `${o.id}: container ${name} memory limit (${limit}) is below its request (${request}); raise the limit to at least the request.`,
                );
            if (cfg.requireCpuLimit && c.resources?.limits?.cpu === undefined)
                report(`${o.id}: container ${name} has no cpu limit; set resources.limits.cpu.`);
        });
    },
);
