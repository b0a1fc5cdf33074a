import { podSecurityProblems, PSA_CHECKS } from "../lib/podSecurity";
import { podSubject } from "../lib/pods";
import { podRule } from "../lib/rule";

/** Checks of the restricted level proper (the baseline ones are sec-pss-baseline's). */
const RESTRICTED_ONLY = new Set(PSA_CHECKS.filter((c) => c.level === "restricted").map((c) => c.id));

/**
 * `sec-pss-restricted`: the Pod Security Standards restricted profile (the namespaces enforce it),
 * on every pod the stack causes to run, sidecars the operators add included.
 */
export const secPssRestricted = podRule<Record<string, never>>(
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
    (pod, o, _cfg, report) => {
        for (const p of podSecurityProblems("restricted", { labels: pod.labels, annotations: pod.annotations }, pod.spec))
            if (RESTRICTED_ONLY.has(p.check)) report(`${podSubject(pod, o)}: ${p.message} (restricted Pod Security Standard).`);
    },
);
