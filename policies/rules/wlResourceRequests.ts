import { containersOf } from "../lib/k8s";
import { podSubject } from "../lib/pods";
import { podRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** `wl-resource-requests`: the scheduler and the HPA need CPU and memory requests. */
export const wlResourceRequests = podRule<Record<string, never>>(
    {
        name: "wl-resource-requests",
        description: "Every container (init containers included) requests CPU and memory.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Set resources.requests.cpu and resources.requests.memory on every container.",
        configSchema: { properties: {} },
    },
    (pod, o, _cfg, report) => {
        forEachKnown(containersOf(pod.spec), ({ name, c }) => {
            for (const r of ["cpu", "memory"])
                if (c.resources?.requests?.[r] === undefined)
                    report(
                        `${podSubject(pod, o)}: container ${name} requests no ${r}; set resources.requests.${r} (the scheduler and the HPA use it).`,
                    );
        });
    },
);
