/**
 * A pod that an operator or a Helm chart will create from what the stack declares, modelled at
 * the version the program pins, so that pod-level checks (Pod Security, resources, images,
 * service-account tokens, eviction) see every pod the stack causes to run, not only the pod
 * templates it writes itself. Pure data: no Pulumi, no I/O.
 */
import type { Json } from "../k8s";

export interface ModelledPod {
    /** For messages: `instance pods of Cluster sysmanage/sysmanage-pg`, `pods of Deployment cnpg-system/cnpg-cloudnative-pg (chart cloudnative-pg 0.29.0)`. */
    readonly desc: string;
    /** Namespace the pods run in. */
    readonly namespace: string;
    /** Pod labels as the operator/chart sets them. */
    readonly labels: Readonly<Record<string, string>>;
    /** Pod annotations as the operator/chart sets them. */
    readonly annotations: Readonly<Record<string, string>>;
    /** The pod spec (a core/v1 PodSpec) the operator/chart builds, with our overrides applied as it applies them. */
    readonly spec: Json;
    /** Upstream files the model follows, at the pinned tag (`cloudnative-pg v1.30.0 pkg/specs/pods.go`). */
    readonly source: string;
}
