/**
 * Pod Security Admission at each namespace's enforce level, applied to every pod the stack
 * causes to run: the pod templates we write and the pods the operators build from our custom
 * resources (sidecars included), modelled at the pinned versions (`policies/lib/pods.ts`). A
 * template that violates its namespace's level is created, but none of its pods ever is.
 */
import { podsOf } from "../policies/lib/pods";
import { podSecurityDenial, podSecurityLevel, podSecurityProblems, PSA_CHECKS } from "../policies/lib/podSecurity";
import { objectRef, type AdmissionModule, type Manifest, type Violation } from "./types";

const ADMISSION_SOURCE = "kubernetes v1.34.0 staging/src/k8s.io/pod-security-admission/admission/admission.go:481";

export const podSecurity: AdmissionModule = {
    rules: PSA_CHECKS.map((c) => ({
        id: `pod-security/${c.id}`,
        description: `Pod Security Standard ${c.level}: ${c.id}`,
        source: c.source,
    })),
    check(o: Manifest, ctx): Violation[] {
        const ns = o.metadata?.namespace;
        if (!ns || typeof o.kind !== "string") return [];
        const { level, version } = podSecurityLevel(ctx.namespaceLabels(ns));
        if (level === "privileged") return [];
        const out: Violation[] = [];
        for (const pod of podsOf(o.kind, ns, `${o.kind} ${ns}/${o.metadata?.name ?? ""}`, o)) {
            const problems = podSecurityProblems(level, { labels: pod.labels, annotations: pod.annotations }, pod.spec);
            if (!problems.length) continue;
            out.push({
                object: objectRef(o),
                rule: `pod-security/${level}`,
                path: pod.modelledFrom ? "(pods the operator builds)" : "spec.template.spec",
                message: `namespace ${ns} enforces ${level}:${version}; ${pod.desc} ${podSecurityDenial(level, version, problems)}`,
                fix: pod.modelledFrom
                    ? `set the fields the operator copies into these pods (modelled from ${pod.modelledFrom})`
                    : "set the pod and container securityContext the message names",
                source: [ADMISSION_SOURCE, ...problems.map((p) => p.source)].join("; "),
            });
        }
        return out;
    },
};
