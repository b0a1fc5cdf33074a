import { containersOf, podTemplateOf, WORKLOAD_KINDS } from "../lib/k8s";
import { resourceRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** `sec-readonly-rootfs`: an attacker cannot drop binaries into a read-only root filesystem. */
export const secReadonlyRootfs = resourceRule<Record<string, never>>(
    {
        name: "sec-readonly-rootfs",
        description: "Every container runs with a read-only root filesystem.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes.",
        configSchema: { properties: {} },
    },
    (kind) => WORKLOAD_KINDS.includes(kind),
    (o, _cfg, report) => {
        forEachKnown(containersOf(podTemplateOf(o.kind, o.props)?.spec), ({ name, c }) => {
            if (c.securityContext?.readOnlyRootFilesystem !== true)
                report(
                    `${o.id}: container ${name} has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write.`,
                );
        });
    },
);
