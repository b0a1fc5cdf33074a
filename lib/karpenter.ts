/**
 * Karpenter NodePools by capacity type (issue 17 #2), pure: one pool launches on-demand nodes,
 * one (when a worker pool runs on spot) spot nodes carrying the spot taint the spot pods
 * tolerate. Typed by `@kubernetes-models/karpenter` (karpenter.sh/v1 as in Karpenter 1.12.0), so
 * a field the API does not have fails the typecheck; the render validates the result against the
 * upstream CRD and its CEL rules (admission/karpenter.ts).
 */
import type { INodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";
import { KARPENTER_CAPACITY_TYPE } from "../policies/contract";
import type { Capacity } from "./placement";

/** Where the NodeClass is (cloud-specific: AWS `karpenter.k8s.aws` `EC2NodeClass`). */
export interface NodeClassRef {
    readonly group: string;
    readonly kind: string;
    readonly name: string;
}

export interface NodePoolArgs {
    readonly name: string;
    readonly capacity: Capacity;
    readonly labels: Readonly<Record<string, string>>;
    readonly nodeClassRef: NodeClassRef;
    readonly architectures: readonly string[];
    /** `topology.kubernetes.io/zone` values: the zones the stack spreads over. */
    readonly zones: readonly string[];
    /** AWS instance categories (`karpenter.k8s.aws/instance-category`); empty: any. */
    readonly instanceCategories: readonly string[];
    /** The spot nodes' taint (spot pool only). */
    readonly spotTaint?: { readonly key: string; readonly value: string; readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" };
    /** Whole cores and whole GiB the pool's nodes may add up to. */
    readonly limits: { readonly cpu: number; readonly memoryGiB: number };
    readonly consolidateAfter: string;
    readonly expireAfter: string;
    readonly terminationGracePeriod?: string;
    /** Nodes disrupted at once for Underutilized and Drifted (the PDBs' maxUnavailable). */
    readonly disruptNodes: number;
}

export const INSTANCE_CATEGORY_LABEL = "karpenter.k8s.aws/instance-category";

type Requirement = INodePool["spec"]["template"]["spec"]["requirements"][number];
const isIn = (key: string, values: readonly string[]): Requirement => ({ key, operator: "In", values: [...values] });

/**
 * The object's labels the nodes carry too: not those under kubernetes.io or k8s.io, which the
 * NodeRestriction admission plugin keeps a kubelet from setting on its own Node.
 */
export const nodeLabels = (labels: Readonly<Record<string, string>>): Record<string, string> =>
    Object.fromEntries(Object.entries(labels).filter(([k]) => !/(^|\.)(kubernetes\.io|k8s\.io)\//.test(k)));

/** One NodePool (karpenter.sh/v1). */
export function nodePool(a: NodePoolArgs): INodePool {
    const requirements = [
        isIn(KARPENTER_CAPACITY_TYPE, [a.capacity]),
        isIn("kubernetes.io/arch", a.architectures),
        isIn("kubernetes.io/os", ["linux"]),
        isIn("topology.kubernetes.io/zone", a.zones),
        ...(a.instanceCategories.length ? [isIn(INSTANCE_CATEGORY_LABEL, a.instanceCategories)] : []),
    ];
    return {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: a.name, labels: { ...a.labels } },
        spec: {
            template: {
                metadata: { labels: nodeLabels(a.labels) },
                spec: {
                    nodeClassRef: { ...a.nodeClassRef },
                    requirements,
                    ...(a.spotTaint ? { taints: [{ ...a.spotTaint }] } : {}),
                    expireAfter: a.expireAfter,
                    ...(a.terminationGracePeriod ? { terminationGracePeriod: a.terminationGracePeriod } : {}),
                },
            },
            limits: { cpu: String(a.limits.cpu), memory: `${a.limits.memoryGiB}Gi` },
            disruption: {
                consolidationPolicy: "WhenEmptyOrUnderutilized",
                consolidateAfter: a.consolidateAfter,
                // Moving pods off an underutilized or drifted node evicts them: as many nodes at once
                // as the PDBs let go. An empty node holds no pod a PDB protects: all may go at once.
                budgets: [
                    { nodes: String(a.disruptNodes), reasons: ["Underutilized", "Drifted"] },
                    { nodes: "100%", reasons: ["Empty"] },
                ],
            },
        },
    };
}
