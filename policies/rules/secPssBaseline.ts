import { podSecurityProblems } from "../lib/podSecurity";
import { podSubject } from "../lib/pods";
import { podRule } from "../lib/rule";

/**
 * `sec-pss-baseline`: the Pod Security Standards baseline profile, on every pod the stack causes
 * to run (operators' and charts' pods included), by the Pod Security Admission checks ported in
 * lib/podSecurity.ts.
 */
export const secPssBaseline = podRule<Record<string, never>>(
    {
        name: "sec-pss-baseline",
        description:
            "Pods meet the baseline Pod Security Standard: no host namespaces, privileged containers, extra capabilities, hostPath volumes, hostPorts, unconfined seccomp, unsafe sysctls or unmasked /proc.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps: "Remove the privileged setting the message names.",
        configSchema: { properties: {} },
    },
    (pod, o, _cfg, report) => {
        for (const p of podSecurityProblems("baseline", { labels: pod.labels, annotations: pod.annotations }, pod.spec))
            report(`${podSubject(pod, o)}: ${p.message} violates the baseline Pod Security Standard; remove it.`);
    },
);
