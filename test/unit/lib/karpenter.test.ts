/** The NodePool builder (issue 17 #2): the exact object, valid for @kubernetes-models/karpenter (karpenter.sh/v1, Karpenter 1.12.0). */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { nodeLabels, nodePool, type NodePoolArgs } from "../../../lib/karpenter";

const ARGS: NodePoolArgs = {
    name: "sysmanage-spot",
    capacity: "spot",
    labels: { "app.kubernetes.io/part-of": "sysmanage", "sysmanage.io/environment": "prod" },
    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
    architectures: ["amd64", "arm64"],
    zones: ["us-east-1a", "us-east-1b"],
    instanceCategories: ["c", "m"],
    spotTaint: { key: "karpenter.sh/capacity-type", value: "spot", effect: "NoSchedule" },
    limits: { cpu: 14, memoryGiB: 20 },
    consolidateAfter: "10m",
    expireAfter: "720h",
    terminationGracePeriod: "48h",
    disruptNodes: 1,
};

describe("nodePool", () => {
    test("a spot pool: capacity, arch, os, zone and category requirements, the spot taint, limits, disruption", () => {
        assert.deepEqual(nodePool(ARGS), {
            apiVersion: "karpenter.sh/v1",
            kind: "NodePool",
            metadata: { name: "sysmanage-spot", labels: ARGS.labels },
            spec: {
                template: {
                    // kubernetes.io labels stay on the NodePool: a kubelet may not set them on its Node.
                    metadata: { labels: { "sysmanage.io/environment": "prod" } },
                    spec: {
                        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
                        requirements: [
                            { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] },
                            { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
                            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                            { key: "topology.kubernetes.io/zone", operator: "In", values: ["us-east-1a", "us-east-1b"] },
                            { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m"] },
                        ],
                        taints: [{ key: "karpenter.sh/capacity-type", value: "spot", effect: "NoSchedule" }],
                        expireAfter: "720h",
                        terminationGracePeriod: "48h",
                    },
                },
                limits: { cpu: "14", memory: "20Gi" },
                disruption: {
                    consolidationPolicy: "WhenEmptyOrUnderutilized",
                    consolidateAfter: "10m",
                    budgets: [
                        { nodes: "1", reasons: ["Underutilized", "Drifted"] },
                        { nodes: "100%", reasons: ["Empty"] },
                    ],
                },
            },
        });
    });
    test("an on-demand pool: no taint, no category requirement, no terminationGracePeriod", () => {
        const { spotTaint: _t, terminationGracePeriod: _g, ...rest } = ARGS;
        const spec = nodePool({ ...rest, capacity: "on-demand", instanceCategories: [] }).spec.template.spec;
        assert.deepEqual(Object.keys(spec), ["nodeClassRef", "requirements", "expireAfter"]);
        assert.deepEqual(spec.requirements[0], { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
        assert.equal(spec.requirements.length, 4);
    });
    test("valid for the model package; a fault it refuses", async () => {
        // The class's declared type omits the base Model's validate(), which it has at run time.
        type Ctor = new (data: unknown) => { validate(): void };
        const NodePool = (await import("@kubernetes-models/karpenter/karpenter.sh/v1/NodePool")).NodePool as unknown as Ctor;
        assert.doesNotThrow(() => new NodePool(nodePool(ARGS)).validate());
        const bad = nodePool({ ...ARGS, consolidateAfter: "10 minutes" });
        assert.throws(() => new NodePool(bad).validate(), /consolidateAfter/);
    });
    test("nodeLabels keeps no kubernetes.io or k8s.io key (subdomains too)", () => {
        assert.deepEqual(
            nodeLabels({ "app.kubernetes.io/name": "a", "k8s.io/x": "b", "node.k8s.io/y": "c", "sysmanage.io/cluster": "d", plain: "e" }),
            { "sysmanage.io/cluster": "d", plain: "e" },
        );
    });
});
