/** A Kubernetes object as the rules see it: identity from the type token and metadata, raw props. */
import { describe, parseToken, type Json } from "./k8s";
import { known } from "./unknown";

export interface K8sObject {
    /** Pulumi type token. */
    readonly type: string;
    readonly apiVersion: string;
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    /** `Kind namespace/name` for messages. */
    readonly id: string;
    /** The engine's props (a proxy that throws on values unknown in preview). */
    readonly props: Json;
}

/**
 * Identity of a Kubernetes resource, or `undefined` when it is not one or its name/namespace is
 * unknown. A missing namespace is `default`, as the API server would apply.
 */
export function k8sObject(type: string, props: Json): K8sObject | undefined {
    const t = parseToken(type);
    if (!t) return undefined;
    // A Helm release names itself and its namespace at the top of its inputs.
    const release = t.kind === "Release" && t.apiVersion.startsWith("helm.sh/");
    return known(() => {
        const namespace = String((release ? props?.namespace : props?.metadata?.namespace) ?? "default");
        const name = String((release ? props?.name : props?.metadata?.name) ?? "");
        return { type, apiVersion: t.apiVersion, kind: t.kind, namespace, name, id: describe(t.kind, namespace, name), props };
    });
}
