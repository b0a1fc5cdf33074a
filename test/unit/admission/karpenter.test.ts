/** Karpenter 1.12.0 NodePool CEL rules: a valid NodePool passes, each injected fault is refused with the CRD's message. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { karpenter } from "../../../admission/karpenter";
import type { AdmissionContext, Manifest } from "../../../admission/types";

const ctx: AdmissionContext = { objects: [], namespaceLabels: () => undefined };
const found = (o: Manifest) => karpenter.check(o, ctx).map((v) => [v.rule, v.path, v.message]);
const API = "the API server (NodePool CRD rule) refuses it";

const CLASS = { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "general" };
const REQUIREMENTS = () => [
    { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] },
    { key: "karpenter.k8s.aws/instance-cpu", operator: "Gt", values: ["2"] },
];
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest the tests edit freely
type Pool = Record<string, any>;
const pool = (edit: (p: Pool) => void = () => undefined): Manifest => {
    const p: Pool = {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "pool" },
        spec: {
            template: { metadata: { labels: { team: "a" } }, spec: { nodeClassRef: { ...CLASS }, requirements: REQUIREMENTS() } },
            limits: { cpu: "14", memory: "14Gi" },
            disruption: { consolidateAfter: "10m", budgets: [{ nodes: "1", schedule: "0 9 * * mon-fri", duration: "8h" }] },
        },
    };
    edit(p);
    return p;
};

describe("karpenter NodePool CEL rules", () => {
    test("the catalogue: 15 rules, unique ids, each cited at its line of the v1.12.0 CRD", () => {
        assert.equal(karpenter.rules.length, 15);
        assert.equal(new Set(karpenter.rules.map((r) => r.id)).size, 15);
        for (const r of karpenter.rules)
            assert.match(r.source, /^kubernetes-sigs\/karpenter v1\.12\.0 pkg\/apis\/crds\/karpenter\.sh_nodepools\.yaml:\d+$/, r.id);
    });
    test("a valid NodePool passes; other kinds and versions are not looked at", () => {
        assert.deepEqual(found(pool()), []);
        assert.deepEqual(found({ ...pool(), apiVersion: "karpenter.sh/v1beta1", spec: { replicas: 1, weight: 5 } }), []);
        assert.deepEqual(found({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }), []);
    });
    test("a budget with a schedule and no duration", () => {
        assert.deepEqual(found(pool((p) => delete p.spec.disruption.budgets[0].duration)), [
            [
                "karpenter/budget-schedule-with-duration",
                "spec.disruption.budgets",
                `${API}: spec.disruption.budgets: Invalid value: "array": 'schedule' must be set with 'duration'`,
            ],
        ]);
    });
    test("restricted template labels: the karpenter.sh domain (any prefix ending so), nodepool, hostname", () => {
        const labels = (l: Record<string, string>) => found(pool((p) => Object.assign(p.spec.template.metadata.labels, l)));
        const at = "spec.template.metadata.labels";
        assert.deepEqual(labels({ "karpenter.sh/capacity-type": "spot", "team.notkarpenter.sh/x": "y" }), [
            ["karpenter/labels-domain", at, `${API}: ${at}: Invalid value: "object": label domain "karpenter.sh" is restricted`],
        ]);
        assert.deepEqual(labels({ "karpenter.sh/nodepool": "a", "kubernetes.io/hostname": "h" }), [
            ["karpenter/labels-nodepool", at, `${API}: ${at}: Invalid value: "object": label "karpenter.sh/nodepool" is restricted`],
            ["karpenter/labels-hostname", at, `${API}: ${at}: Invalid value: "object": label "kubernetes.io/hostname" is restricted`],
        ]);
    });
    test("an empty nodeClassRef field", () => {
        assert.deepEqual(found(pool((p) => (p.spec.template.spec.nodeClassRef.kind = ""))), [
            [
                "karpenter/node-class-kind",
                "spec.template.spec.nodeClassRef.kind",
                `${API}: spec.template.spec.nodeClassRef.kind: Invalid value: "string": kind may not be empty`,
            ],
        ]);
        assert.deepEqual(
            found(pool((p) => Object.assign(p.spec.template.spec.nodeClassRef, { group: "", name: "" }))).map((v) => v[0]),
            ["karpenter/node-class-group", "karpenter/node-class-name"],
        );
    });
    test("requirement keys: karpenter.sh domain, nodepool, hostname, each on its key", () => {
        const reqs = (...keys: string[]) =>
            found(pool((p) => p.spec.template.spec.requirements.push(...keys.map((key) => ({ key, operator: "Exists" })))));
        assert.deepEqual(reqs("karpenter.sh/foo", "karpenter.sh/nodepool", "kubernetes.io/hostname"), [
            [
                "karpenter/requirement-domain",
                "spec.template.spec.requirements[2].key",
                `${API}: spec.template.spec.requirements[2].key: Invalid value: "string": label domain "karpenter.sh" is restricted`,
            ],
            [
                "karpenter/requirement-nodepool",
                "spec.template.spec.requirements[3].key",
                `${API}: spec.template.spec.requirements[3].key: Invalid value: "string": label "karpenter.sh/nodepool" is restricted`,
            ],
            [
                "karpenter/requirement-hostname",
                "spec.template.spec.requirements[4].key",
                `${API}: spec.template.spec.requirements[4].key: Invalid value: "string": label "kubernetes.io/hostname" is restricted`,
            ],
        ]);
    });
    test("requirement values: In without values, a numeric operator without one non-negative integer, too few values for minValues", () => {
        const at = "spec.template.spec.requirements";
        const req = (r: Pool) => found(pool((p) => p.spec.template.spec.requirements.push(r)));
        assert.deepEqual(req({ key: "kubernetes.io/arch", operator: "In", values: [] }), [
            [
                "karpenter/requirement-in-values",
                at,
                `${API}: ${at}: Invalid value: "array": requirements with operator 'In' must have a value defined`,
            ],
        ]);
        const numeric = [
            "karpenter/requirement-numeric",
            at,
            `${API}: ${at}: Invalid value: "array": requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value`,
        ];
        assert.deepEqual(req({ key: "karpenter.k8s.aws/instance-cpu", operator: "Lte", values: ["-1"] }), [numeric]);
        assert.deepEqual(req({ key: "karpenter.k8s.aws/instance-cpu", operator: "Lt", values: ["4", "8"] }), [numeric]);
        assert.deepEqual(req({ key: "karpenter.k8s.aws/instance-cpu", operator: "Gte", values: ["x"] }), [numeric]);
        assert.deepEqual(req({ key: "karpenter.k8s.aws/instance-cpu", operator: "Gte", values: ["0"] }), []);
        assert.deepEqual(req({ key: "node.kubernetes.io/instance-type", operator: "In", values: ["a", "b"], minValues: 3 }), [
            [
                "karpenter/requirement-min-values",
                at,
                `${API}: ${at}: Invalid value: "array": requirements with 'minValues' must have at least that many values specified in the 'values' field`,
            ],
        ]);
        assert.deepEqual(req({ key: "node.kubernetes.io/instance-type", operator: "In", values: ["a", "b"], minValues: 2 }), []);
    });
    test("a static NodePool (replicas) takes only limits.nodes and no weight", () => {
        assert.deepEqual(found(pool((p) => Object.assign(p.spec, { replicas: 3, weight: 10 }))), [
            [
                "karpenter/static-limits",
                "spec",
                `${API}: spec: Invalid value: "object": only 'limits.nodes' is supported on static NodePools`,
            ],
            ["karpenter/static-weight", "spec", `${API}: spec: Invalid value: "object": 'weight' is not supported on static NodePools`],
        ]);
        assert.deepEqual(found(pool((p) => Object.assign(p.spec, { replicas: 3, limits: { nodes: "3" } }))), []);
        assert.deepEqual(found(pool((p) => Object.assign(p.spec, { replicas: 3, limits: {} }))), []);
    });
});
