import { containersOf } from "../lib/k8s";
import { podSubject } from "../lib/pods";
import { podRule, schema } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** `sec-readonly-rootfs`: an attacker cannot drop binaries into a read-only root filesystem. */
interface Config {
    allowWritableRoot: string[];
}

export const secReadonlyRootfs = podRule<Config>(
    {
        name: "sec-readonly-rootfs",
        description: "Every container runs with a read-only root filesystem.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes.",
        configSchema: {
            properties: {
                allowWritableRoot: schema.strings(
                    [],
                    "Containers whose image must write to its root filesystem, as <Kind>/<name>/<container> of the declared object (container * for all), each with its reason in policies/README.md.",
                ),
            },
        },
    },
    (pod, o, cfg, report) => {
        forEachKnown(containersOf(pod.spec), ({ name, c }) => {
            const allowed = cfg.allowWritableRoot.some((e) => e === `${o.kind}/${o.name}/${name}` || e === `${o.kind}/${o.name}/*`);
            if (c.securityContext?.readOnlyRootFilesystem !== true && !allowed)
                report(
                    `${podSubject(pod, o)}: container ${name} has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write.`,
                );
        });
    },
);
