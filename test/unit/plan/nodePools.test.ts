/** Karpenter NodePools in the plan (issue 17 #2): which pools, and their limits from the stack at maximum scale, worked by hand. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { maxDemand, nodePoolsPlan } from "../../../plan/placement";
import { planStack } from "../../../plan/stack";
import { nodePool } from "../../../lib/karpenter";

/**
 * prod with only the API (schema defaults: 3..50, 500m and 512Mi) and the report pool on spot
 * (2..20, 250m and 256Mi); no data tier, no analytics.
 */
const small = (over: Record<string, unknown> = {}, karpenter: Record<string, unknown> = { enabled: true }) =>
    parseConfig(
        {
            postgres: { enabled: false },
            redis: { enabled: false },
            analytics: { enabled: false },
            workers: { queue: { enabled: false }, agent: { enabled: false }, cleanup: { enabled: false }, report: { capacity: "spot" } },
            placement: { karpenter },
            ...over,
        },
        "prod",
    );

describe("maxDemand: the stack's requests at maximum scale by capacity type", () => {
    test("API 50 + 13 surge = 63 × 500m/512Mi; report floor 2 + 1 on on-demand, burst 18 + 5 on spot × 250m/256Mi", () => {
        // on-demand: 63 × 0.5 + 3 × 0.25 = 32.25 cores, the same in GiB; spot: 23 × 0.25 = 5.75.
        assert.deepEqual(maxDemand(small(), "prod"), { "on-demand": { vcpu: 32.25, gib: 32.25 }, spot: { vcpu: 5.75, gib: 5.75 } });
    });
    test("placeholders (4 + 1 surge × 1 core, 1Gi) count on on-demand", () => {
        const d = maxDemand(small(), "prod", { replicas: 4, cpu: "1", memory: "1Gi" });
        assert.deepEqual(d["on-demand"], { vcpu: 37.25, gib: 37.25 });
    });
    test("analytics at its VPA's maxAllowed (2 + 1 surge × 4 cores, 16Gi), at its requests when the VPA is Off", () => {
        const on = maxDemand(small({ analytics: { enabled: true } }), "prod")["on-demand"];
        assert.deepEqual(on, { vcpu: 32.25 + 12, gib: 32.25 + 48 });
        const off = maxDemand(small({ analytics: { enabled: true, vpa: { updateMode: "Off" } } }), "prod")["on-demand"];
        // 3 × 500m, 3 × 1Gi.
        assert.deepEqual(off, { vcpu: 32.25 + 1.5, gib: 32.25 + 3 });
    });
});

describe("nodePoolsPlan", () => {
    test("off: no NodePools", () => {
        assert.deepEqual(nodePoolsPlan(small({}, { enabled: false }), "prod", {}), []);
    });
    test("a stack without spot: the on-demand pool only, every pod counted there", () => {
        const c = small({ workers: { queue: { enabled: false }, agent: { enabled: false }, cleanup: { enabled: false } } });
        const pools = nodePoolsPlan(c, "prod", {});
        // API 63 × 0.5 + report 25 × 0.25 (20 + 5 surge) = 37.75; × 1.25 = 47.1875 -> 48.
        assert.deepEqual(
            pools.map((p) => [p.name, p.capacity, p.limits, p.spotTaint]),
            [["sysmanage-on-demand", "on-demand", { cpu: 48, memoryGiB: 48 }, undefined]],
        );
    });
    test("with spot: both pools, limits = demand × 1.25 rounded up, the spot taint on the spot pool, the stack's zones", () => {
        const labels = { "sysmanage.io/environment": "prod" };
        const [od, spot] = nodePoolsPlan(small(), "prod", labels);
        // 32.25 × 1.25 = 40.3125 -> 41; 5.75 × 1.25 = 7.1875 -> 8.
        assert.deepEqual(od, {
            name: "sysmanage-on-demand",
            capacity: "on-demand",
            labels,
            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
            architectures: ["amd64"],
            zones: ["zone-a", "zone-b", "zone-c"],
            instanceCategories: [],
            limits: { cpu: 41, memoryGiB: 41 },
            consolidateAfter: "10m",
            expireAfter: "720h",
            disruptNodes: 1,
        });
        assert.deepEqual(spot.limits, { cpu: 8, memoryGiB: 8 });
        assert.deepEqual(spot.spotTaint, { key: "karpenter.sh/capacity-type", value: "spot", effect: "NoSchedule" });
    });
    test("headroom 0 and the config's keys pass through; the namespace names the pools", () => {
        const c = small(
            { namespace: "sm" },
            { enabled: true, limitsHeadroomPercent: 0, terminationGracePeriod: "48h", expireAfter: "Never", consolidateAfter: "30s" },
        );
        const [od, spot] = nodePoolsPlan(c, "prod", {});
        assert.deepEqual(
            [od.name, od.limits, spot.name, spot.limits, od.terminationGracePeriod, od.expireAfter, od.consolidateAfter],
            ["sm-on-demand", { cpu: 33, memoryGiB: 33 }, "sm-spot", { cpu: 6, memoryGiB: 6 }, "48h", "Never", "30s"],
        );
    });
    test("planStack carries them, with the stack's labels and the placeholders' room", () => {
        const c = small({
            placement: { karpenter: { enabled: true }, overprovision: { enabled: true, pods: 4, cpu: "1", memory: "1Gi" } },
        });
        const p = planStack(c, "prod");
        assert.deepEqual(
            p.nodePools.map((x) => [x.name, x.limits]),
            [
                // (32.25 + 5) × 1.25 = 46.5625 -> 47.
                ["sysmanage-on-demand", { cpu: 47, memoryGiB: 47 }],
                ["sysmanage-spot", { cpu: 8, memoryGiB: 8 }],
            ],
        );
        assert.equal(p.nodePools[0].labels, p.labels);
    });
});

describe("the pools match the pods (what a pack rule would check on a hand-made stack)", () => {
    test("every spot pod's affinity value and toleration are a spot pool's requirement and taint; every on-demand pod has its pool", () => {
        const p = planStack(small(), "prod");
        const pools = p.nodePools.map((a) => nodePool(a));
        const poolFor = (value: string) =>
            pools.find((x) =>
                x.spec.template.spec.requirements.some((r) => r.key === "karpenter.sh/capacity-type" && r.values?.[0] === value),
            );
        const pods = p.workloads.flatMap((w) => [w.pod, ...(w.onDemandFloor ? [w.onDemandFloor.pod] : [])]);
        assert.equal(pods.length, 3);
        for (const pod of pods) {
            const term = pod.placement?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0];
            const value = term?.matchExpressions?.[0].values?.[0] ?? "";
            const pool = poolFor(value);
            assert.ok(pool, `${pod.name}: no NodePool for ${value}`);
            const taints = pool.spec.template.spec.taints ?? [];
            assert.deepEqual(
                taints.map(({ key, value: v, effect }) => ({ key, operator: "Equal", value: v, effect })),
                pod.placement?.tolerations ?? [],
                pod.name,
            );
        }
    });
});

describe("config rules", () => {
    test("Karpenter needs its own capacity label; instance categories need the AWS NodeClass", () => {
        assert.throws(
            () =>
                small({
                    placement: {
                        capacityTypeLabel: "eks.amazonaws.com/capacityType",
                        karpenter: {
                            enabled: true,
                            instanceCategories: ["c"],
                            nodeClassRef: { group: "karpenter.azure.com", kind: "AKSNodeClass" },
                        },
                    },
                }),
            (e: Error) => {
                assert.match(
                    e.message,
                    /placement\.karpenter\.enabled needs placement\.capacityTypeLabel karpenter\.sh\/capacity-type \(the label Karpenter puts on its nodes\), not eks\.amazonaws\.com\/capacityType/,
                );
                assert.match(
                    e.message,
                    /placement\.karpenter\.instanceCategories is an AWS requirement \(karpenter\.k8s\.aws\/instance-category\): it needs placement\.karpenter\.nodeClassRef\.group karpenter\.k8s\.aws, not karpenter\.azure\.com/,
                );
                return true;
            },
        );
    });
    test("durations in Karpenter's grammar", () => {
        assert.throws(() => small({}, { enabled: true, consolidateAfter: "5 min" }), /must be a duration of s, m and h units/);
        assert.throws(() => small({}, { enabled: true, terminationGracePeriod: "Never" }), /must be a duration \(48h\), or empty/);
        assert.throws(() => small({}, { enabled: true, instanceCategories: ["C"] }), /must be one lower-case letter/);
    });
});
