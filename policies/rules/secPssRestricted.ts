import { containersOf, podTemplateOf, WORKLOAD_KINDS, type Json } from "../lib/k8s";
import { resourceRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** Volume types the restricted profile allows. */
export const RESTRICTED_VOLUMES = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/** `sec-pss-restricted`: the Pod Security Standards restricted profile (the namespace enforces it). */
export const secPssRestricted = resourceRule<Record<string, never>>(
    {
        name: "sec-pss-restricted",
        description:
            "Pods meet the restricted Pod Security Standard: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault/Localhost seccomp, restricted volume types.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault; use only allowed volume types.",
        configSchema: { properties: {} },
    },
    (kind) => WORKLOAD_KINDS.includes(kind),
    (o, _cfg, report) => {
        const spec = podTemplateOf(o.kind, o.props)?.spec;
        const pod = spec?.securityContext ?? {};
        const bad = (what: string) => report(`${o.id}: ${what} (restricted Pod Security Standard).`);
        forEachKnown((spec?.volumes ?? []) as Json[], (v) => {
            const type = Object.keys(v).find((k) => k !== "name");
            if (type && !RESTRICTED_VOLUMES.includes(type))
                bad(`volume ${v.name} is of type ${type}; use one of ${RESTRICTED_VOLUMES.join(", ")}`);
        });
        if (pod.runAsUser === 0) bad("pod securityContext sets runAsUser: 0; run as a non-zero UID");
        forEachKnown(containersOf(spec), ({ name, c }) => {
            const sc = c.securityContext ?? {};
            if (sc.allowPrivilegeEscalation !== false) bad(`container ${name} does not set allowPrivilegeEscalation: false; set it`);
            if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true)
                bad(`container ${name} does not run as non-root; set runAsNonRoot: true on the pod or the container`);
            if (sc.runAsUser === 0) bad(`container ${name} sets runAsUser: 0; run as a non-zero UID`);
            const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
            if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
                bad(
                    `container ${name} has seccompProfile ${seccomp ?? "unset"}; set seccompProfile.type: RuntimeDefault on the pod or the container`,
                );
            const drop = (sc.capabilities?.drop ?? []) as string[];
            if (!drop.includes("ALL")) bad(`container ${name} does not drop ALL capabilities; set capabilities.drop: [ALL]`);
            for (const cap of (sc.capabilities?.add ?? []) as string[])
                if (cap !== "NET_BIND_SERVICE") bad(`container ${name} adds capability ${cap}; only NET_BIND_SERVICE may be added`);
        });
    },
);
