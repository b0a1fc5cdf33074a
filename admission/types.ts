/**
 * What the admission check reports and what each ported rule sees. Pure: no Pulumi, no I/O.
 *
 * A rule is a port of one check that a real cluster applies beyond the JSON schemas (the API
 * server's validation, Pod Security Admission, an operator's validating webhook), read from the
 * upstream source at the version the program pins; `source` cites that file and line.
 */

/** A rendered Kubernetes object (plain JSON, as written to the YAML files). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests of many kinds; rules guard every access
export type Manifest = Record<string, any> & {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

export interface Violation {
    /** `apiVersion kind namespace/name` of the object refused. */
    readonly object: string;
    /** The ported rule's id, e.g. `cnpg/cluster-wal-size-order`. */
    readonly rule: string;
    /** Dotted path of the offending field (`spec.postgresql.parameters.min_wal_size`), or `(root)`. */
    readonly path: string;
    /** What a real cluster would answer, in our words. */
    readonly message: string;
    /** How to fix it in this program (config key or code). */
    readonly fix: string;
    /** Upstream file and line at the pinned tag, e.g. `cloudnative-pg v1.30.0 internal/webhook/v1/cluster_webhook.go:1234`. */
    readonly source: string;
}

export interface AdmissionContext {
    /** Every object of the stack (to resolve references: namespaces, clusters, secrets, targets). */
    readonly objects: readonly Manifest[];
    /** Labels of a namespace declared by the stack; `undefined` when the stack does not declare it. */
    namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
}

/** One ported rule: its id, what it checks, and where upstream it comes from. */
export interface RuleInfo {
    readonly id: string;
    readonly description: string;
    readonly source: string;
}

/** A module of ported rules: the catalogue, and a check of one object in its stack. */
export interface AdmissionModule {
    readonly rules: readonly RuleInfo[];
    check(o: Manifest, ctx: AdmissionContext): Violation[];
}

/** `apiVersion kind namespace/name`, the object id used in every message. */
export function objectRef(o: Manifest): string {
    const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : "";
    return `${String(o.apiVersion)} ${String(o.kind)} ${ns}${o.metadata?.name ?? "(no name)"}`;
}
