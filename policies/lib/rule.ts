/**
 * Small helpers that turn a rule's check into a @pulumi/policy policy: config defaults from the
 * rule's `configSchema`, the object's identity, and "cannot check" on values unknown in preview.
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { POSITIVE_QUANTITY_PATTERN } from "../contract";
import { parseToken } from "./k8s";
import { k8sObject, type K8sObject } from "./object";
import type { StackPod } from "./pods";
import { known } from "./unknown";
import { indexStack, type StackIndex } from "../stackIndex";

export type { K8sObject };

/** What every rule declares besides its check. */
export interface RuleMeta {
    /** Rule id from issue 5, e.g. `hpa-bounds-valid`. */
    readonly name: string;
    readonly description: string;
    /** Level when the pack config does not set one: the production level. */
    readonly enforcementLevel: EnforcementLevel;
    readonly severity: Severity;
    /** What to do about a violation (each message also says it for its case). */
    readonly remediationSteps: string;
    /** Thresholds; every property has a `default`. */
    readonly configSchema: PolicyConfigSchema;
}

/** The schema's defaults overlaid with the pack config of this rule (what the CLI passes). */
export function configOf<C>(schema: PolicyConfigSchema, given: object): C {
    const defaults = Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, (s as { default?: unknown }).default]));
    return { ...defaults, ...given } as C;
}

/** A resource-level check: called once per matching object with its config and a reporter. */
export type ObjectCheck<C> = (o: K8sObject, cfg: C, report: (message: string) => void, args: ResourceValidationArgs) => void;

/**
 * A `validateResource` policy for the Kubernetes kinds `kinds` accepts. An unknown value read
 * by the check means "cannot check this resource": no violation, no error.
 */
export function resourceRule<C>(
    meta: RuleMeta,
    kinds: (kind: string, apiVersion: string) => boolean,
    check: ObjectCheck<C>,
): ResourceValidationPolicy {
    return {
        ...meta,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const t = parseToken(args.type);
            if (!t || !kinds(t.kind, t.apiVersion)) return;
            const o = k8sObject(args.type, args.props);
            if (!o) return;
            const cfg = configOf<C>(meta.configSchema, args.getConfig());
            known(() => check(o, cfg, (m) => reportViolation(m), args));
        },
    };
}

/** A pod-level check: called once per pod a resource causes to run (`lib/pods.ts`). */
export type PodCheck<C> = (pod: StackPod, o: K8sObject, cfg: C, report: (message: string) => void) => void;

/**
 * A policy over every pod the stack causes to run (the stack index's `pods`): a workload's
 * template, and the pods an operator or a pinned Helm chart builds from a custom resource or a
 * release, modelled with what they take from the rest of the stack (the operator image the
 * release runs). Each pod is checked on its own: a value unknown in one does not hide the others;
 * a violation is reported on the resource the pod comes from.
 */
export function podRule<C>(meta: RuleMeta, check: PodCheck<C>): StackValidationPolicy {
    return stackRule<C>(meta, (ix, cfg, report) => {
        for (const { pod, owner } of ix.pods) known(() => check(pod, owner, cfg, (m) => report(m, owner)));
    });
}

/** Reports a message against a resource of the stack (its URN), or the stack when omitted. */
export type StackReport = (message: string, on?: { readonly urn: string }) => void;

/** A stack-level check over the stack index (built once per resource list). */
export type StackCheck<C> = (ix: StackIndex, cfg: C, report: StackReport, args: StackValidationArgs) => void;

/** A `validateStack` policy. The check guards its own per-resource work with `forEachKnown`. */
export function stackRule<C>(meta: RuleMeta, check: StackCheck<C>): StackValidationPolicy {
    return {
        ...meta,
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const ix = indexStack(args.resources);
            const cfg = configOf<C>(meta.configSchema, args.getConfig());
            check(ix, cfg, (m, on) => reportViolation(m, on?.urn), args);
        },
    };
}

/** JSON-schema helpers for configSchema properties (each with a default). */
export const schema = {
    int: (d: number, description: string, minimum = 0) => ({ type: "integer" as const, minimum, default: d, description }),
    num: (d: number, description: string, minimum = 0) => ({ type: "number" as const, minimum, default: d, description }),
    bool: (d: boolean, description: string) => ({ type: "boolean" as const, default: d, description }),
    str: (d: string, description: string, pattern?: string) => ({
        type: "string" as const,
        default: d,
        description,
        ...(pattern ? { pattern } : {}),
    }),
    strings: (d: string[], description: string) => ({
        type: "array" as const,
        items: { type: "string" as const },
        default: d,
        description,
    }),
    /** A Kubernetes quantity > 0 such as `4`, `500m`, `16Gi` (the grammar of `contract/grammar.ts`). */
    quantity: (d: string, description: string) => ({
        type: "string" as const,
        pattern: POSITIVE_QUANTITY_PATTERN,
        default: d,
        description,
    }),
};
