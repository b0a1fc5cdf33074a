import { resourceRule } from "../lib/rule";

/** `wl-no-bare-pods`: a bare Pod is not recreated when its node goes away. */
export const wlNoBarePods = resourceRule<Record<string, never>>(
    {
        name: "wl-no-bare-pods",
        description: "No bare Pods: pods run under a controller (Deployment, StatefulSet, Job, ...).",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Wrap the pod spec in a Deployment, StatefulSet or Job.",
        configSchema: { properties: {} },
    },
    (kind) => kind === "Pod",
    (o, _cfg, report) => {
        report(`${o.id}: is a bare Pod; run it under a Deployment, StatefulSet or Job so it is recreated when its node goes away.`);
    },
);
