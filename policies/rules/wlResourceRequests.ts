import { containersOf, podTemplateOf, WORKLOAD_KINDS } from "../lib/k8s";
import { resourceRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** `wl-resource-requests`: the scheduler and the HPA need CPU and memory requests. */
export const wlResourceRequests = resourceRule<Record<string, never>>(
    {
        name: "wl-resource-requests",
        description: "Every container (init containers included) requests CPU and memory.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Set resources.requests.cpu and resources.requests.memory on every container.",
        configSchema: { properties: {} },
    },
    (kind) => WORKLOAD_KINDS.includes(kind),
    (o, _cfg, report) => {
        forEachKnown(containersOf(podTemplateOf(o.kind, o.props)?.spec), ({ name, c }) => {
            for (const r of ["cpu", "memory"])
                if (c.resources?.requests?.[r] === undefined)
                    report(`${o.id}: container ${name} requests no ${r}; set resources.requests.${r} (the scheduler and the HPA use it).`);
        });
    },
);
