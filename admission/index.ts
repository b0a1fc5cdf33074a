/**
 * The admission check: what a real cluster applies to our objects beyond the JSON schemas, ported
 * from the upstream source at the versions the program pins, so that a render that passes is a
 * set of objects the API server, Pod Security Admission and the operators' webhooks admit.
 * Pure: plain objects in, violations out.
 */
import { cnpg, cnpgWarnings } from "./cnpg";
import { karpenter } from "./karpenter";
import { keda } from "./keda";
import { kubeApi } from "./kubeApi";
import { podSecurity } from "./podSecurity";
import { redisOperator } from "./redisOperator";
import type { AdmissionContext, AdmissionModule, Manifest, RuleInfo, Violation } from "./types";
import { vpa } from "./vpa";

export type { Manifest, Violation } from "./types";

/** Every module, in the order a request meets them: API validation, Pod Security, webhooks. */
export const ADMISSION_MODULES: Readonly<Record<string, AdmissionModule>> = {
    kubeApi,
    podSecurity,
    cnpg,
    redisOperator,
    vpa,
    keda,
    karpenter,
};

/** The catalogue of ported rules (for the docs and the closing note). */
export function admissionRules(): RuleInfo[] {
    return Object.values(ADMISSION_MODULES).flatMap((m) => [...m.rules]);
}

function context(objects: readonly Manifest[]): AdmissionContext {
    const namespaces = new Map<string, Record<string, string>>();
    for (const o of objects) if (o.kind === "Namespace" && o.metadata?.name) namespaces.set(o.metadata.name, o.metadata.labels ?? {});
    return { objects, namespaceLabels: (ns) => namespaces.get(ns) };
}

/** Every violation of every object of a stack, in object order. */
export function admit(objects: readonly Manifest[]): Violation[] {
    const ctx = context(objects);
    return objects.flatMap((o) => Object.values(ADMISSION_MODULES).flatMap((m) => m.check(o, ctx)));
}

/** What the webhooks would answer with a warning (deprecations): the object is admitted. */
export function admissionWarnings(objects: readonly Manifest[]): string[] {
    return objects.flatMap((o) =>
        cnpgWarnings(o).map((w) => `${String(o.kind)} ${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}: ${w}`),
    );
}

/** One violation as the render prints it: the object, the rule and where, what, the fix, the source. */
export function formatViolation(v: Violation): string {
    return `${v.object}: ${v.path}: ${v.message} [${v.rule}]\n    fix: ${v.fix}\n    upstream: ${v.source}`;
}
