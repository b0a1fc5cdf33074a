import { containersOf, parseQuantity } from "../lib/k8s";
import { podSubject } from "../lib/pods";
import { podRule, schema } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    requireCpuLimit: boolean;
}

/** `wl-resource-limits`: a memory limit on every container; CPU limits only where configured. */
export const wlResourceLimits = podRule<Config>(
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
    (pod, o, cfg, report) => {
        forEachKnown(containersOf(pod.spec), ({ name, c }) => {
            const limit = c.resources?.limits?.memory;
            const request = c.resources?.requests?.memory;
            if (limit === undefined)
                report(
                    `${podSubject(pod, o)}: container ${name} has no memory limit; set resources.limits.memory (without one a pod can exhaust its node's memory).`,
                );
            else if (request !== undefined && parseQuantity(limit) < parseQuantity(request))
                report(
                    `${podSubject(pod, o)}: container ${name} memory limit (${limit}) is below its request (${request}); raise the limit to at least the request.`,
                );
            if (cfg.requireCpuLimit && c.resources?.limits?.cpu === undefined)
                report(`${podSubject(pod, o)}: container ${name} has no cpu limit; set resources.limits.cpu.`);
        });
    },
);
