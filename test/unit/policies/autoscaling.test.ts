/** Autoscaling rules: one mutation of the compliant fixture per failure mode, exact messages. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as r from "../../../policies/rules";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { envConfig, fixture, messages, mutated, withExtra, type Fixture } from "../../support/policy";

const HPA = "HorizontalPodAutoscaler app/api";
const hpa = (change: (i: any) => void) => mutated("api-hpa", change);

describe("hpa-bounds-valid", () => {
    it("minReplicas 0, maxReplicas 0 and min > max", async () => {
        assert.deepEqual(
            await messages(
                r.hpaBoundsValid,
                hpa((i) => Object.assign(i.spec, { minReplicas: 0, maxReplicas: 0 })),
            ),
            [
                `${HPA}: minReplicas (0) must be >= 1; set spec.minReplicas to 1 or more.`,
                `${HPA}: maxReplicas (0) must be >= 1; set spec.maxReplicas to 1 or more.`,
                `${HPA}: minReplicas equals maxReplicas (0), so the HPA is inert; widen the range, or remove the HPA and set the workload's replicas.`,
            ],
        );
        assert.deepEqual(
            await messages(
                r.hpaBoundsValid,
                hpa((i) => (i.spec.minReplicas = 12)),
            ),
            [`${HPA}: minReplicas (12) must be <= maxReplicas (10); lower spec.minReplicas or raise spec.maxReplicas.`],
        );
    });
    it("min = max is an inert HPA unless allowInert", async () => {
        const f = () => hpa((i) => (i.spec.minReplicas = 10));
        assert.deepEqual(await messages(r.hpaBoundsValid, f()), [
            `${HPA}: minReplicas equals maxReplicas (10), so the HPA is inert; widen the range, or remove the HPA and set the workload's replicas.`,
        ]);
        assert.deepEqual(await messages(r.hpaBoundsValid, f(), { allowInert: true }), []);
    });
    it("an unknown maxReplicas cannot be checked", async () => {
        assert.deepEqual(
            await messages(
                r.hpaBoundsValid,
                hpa((i) => (i.spec.maxReplicas = UNKNOWN)),
            ),
            [],
        );
    });
});

describe("hpa-min-replicas-ha", () => {
    it("prod floor is max(2, zones); dev floor 1; staging floor 2", async () => {
        const two = () => hpa((i) => (i.spec.minReplicas = 2));
        assert.deepEqual(await messages(r.hpaMinReplicasHa, two()), [
            `${HPA}: minReplicas (2) is below the HA floor (3 = max(2, 3 zones)); raise spec.minReplicas to 3 so losing a pod or a zone keeps the workload serving.`,
        ]);
        assert.deepEqual(await messages(r.hpaMinReplicasHa, two(), envConfig("hpa-min-replicas-ha", "staging")), []);
        const one = () => hpa((i) => (i.spec.minReplicas = 1));
        assert.deepEqual(await messages(r.hpaMinReplicasHa, one(), envConfig("hpa-min-replicas-ha", "dev")), []);
        assert.deepEqual(await messages(r.hpaMinReplicasHa, one(), envConfig("hpa-min-replicas-ha", "staging")), [
            `${HPA}: minReplicas (1) is below the HA floor (2); raise spec.minReplicas to 2 so losing a pod keeps the workload serving.`,
        ]);
        assert.deepEqual(
            await messages(
                r.hpaMinReplicasHa,
                hpa((i) => (i.spec.minReplicas = 3)),
                envConfig("hpa-min-replicas-ha", "prod", { zones: 5 }),
            ),
            [
                `${HPA}: minReplicas (3) is below the HA floor (5 = max(2, 5 zones)); raise spec.minReplicas to 5 so losing a pod or a zone keeps the workload serving.`,
            ],
        );
    });
});

describe("hpa-target-resolves", () => {
    it("a target that is not declared, and a non-v2 HPA", async () => {
        assert.deepEqual(
            await messages(
                r.hpaTargetResolves,
                hpa((i) => (i.spec.scaleTargetRef.name = "apii")),
            ),
            [
                `${HPA}: scaleTargetRef Deployment/apii names no workload in namespace app of this stack; fix spec.scaleTargetRef or declare the workload.`,
            ],
        );
        const v1 = mutated("api-hpa", (i, f) => {
            f.type = "kubernetes:autoscaling/v1:HorizontalPodAutoscaler";
            i.apiVersion = "autoscaling/v1";
        });
        assert.deepEqual(await messages(r.hpaTargetResolves, v1), [
            `${HPA}: uses autoscaling/v1; declare it as autoscaling/v2 (v1 has no custom metrics or behavior, v2beta2 was removed in Kubernetes 1.26).`,
        ]);
    });
    it("a workload whose name is unknown in preview makes a miss uncheckable", async () => {
        const f = mutated("api-hpa", (i) => (i.spec.scaleTargetRef.name = "apii"));
        mutated("analytics-deployment", (i) => (i.metadata.name = UNKNOWN), f);
        assert.deepEqual(await messages(r.hpaTargetResolves, f), []);
    });
});

const secondHpa = (): Fixture => {
    const h = fixture().find((x) => x.name === "api-hpa")!;
    return { ...h, name: "api-hpa-2", inputs: { ...h.inputs, metadata: { ...h.inputs.metadata, name: "api-2" } } };
};

describe("hpa-one-autoscaler-per-target", () => {
    it("two HPAs on one Deployment are both reported", async () => {
        assert.deepEqual(await messages(r.hpaOneAutoscalerPerTarget, withExtra(secondHpa())), [
            `${HPA}: Deployment app/api is also scaled by HorizontalPodAutoscaler api-2; keep one HPA per workload (two HPAs fight and the replica count flaps).`,
            `HorizontalPodAutoscaler app/api-2: Deployment app/api is also scaled by HorizontalPodAutoscaler api; keep one HPA per workload (two HPAs fight and the replica count flaps).`,
        ]);
    });
    it("an HPA whose target is unknown is not counted", async () => {
        const h = secondHpa();
        h.inputs.spec = { ...h.inputs.spec, scaleTargetRef: UNKNOWN };
        assert.deepEqual(await messages(r.hpaOneAutoscalerPerTarget, withExtra(h)), []);
    });
});

describe("hpa-target-requests-set", () => {
    it("a container without the cpu request the HPA divides by", async () => {
        const f = mutated("api-deployment", (i) => delete i.spec.template.spec.containers[0].resources.requests.cpu);
        assert.deepEqual(await messages(r.hpaTargetRequestsSet, f), [
            `${HPA}: scales on cpu utilization but container app of Deployment app/api requests no cpu; set resources.requests.cpu on every container (utilization is usage / request, so the HPA does nothing otherwise).`,
        ]);
    });
    it("a sidecar without memory request under a memory metric; an unknown sidecar is skipped", async () => {
        const f = mutated("api-deployment", (i) => {
            const side = { name: "proxy", image: "envoy:1.30", resources: { requests: { cpu: "100m" } } };
            i.spec.template.spec.containers.push(side, { name: "other", image: "x:1", resources: UNKNOWN });
        });
        mutated(
            "api-hpa",
            (i) =>
                i.spec.metrics.push({
                    type: "Resource",
                    resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
                }),
            f,
        );
        assert.deepEqual(await messages(r.hpaTargetRequestsSet, f), [
            `${HPA}: scales on memory utilization but container proxy of Deployment app/api requests no memory; set resources.requests.memory on every container (utilization is usage / request, so the HPA does nothing otherwise).`,
        ]);
    });
});

describe("hpa-metrics-and-behavior", () => {
    it("no metrics", async () => {
        assert.deepEqual(
            await messages(
                r.hpaMetricsAndBehavior,
                hpa((i) => delete i.spec.metrics),
            ),
            [`${HPA}: declares no metrics (the implicit default is 80% CPU); list spec.metrics explicitly.`],
        );
    });
    it("utilization target out of range (and the range is configurable)", async () => {
        const f = () => hpa((i) => (i.spec.metrics[0].resource.target.averageUtilization = 95));
        assert.deepEqual(await messages(r.hpaMetricsAndBehavior, f()), [
            `${HPA}: cpu utilization target 95% is outside 50..90%; pick a target in range (too low wastes capacity, too high leaves no headroom to scale).`,
        ]);
        assert.deepEqual(
            await messages(r.hpaMetricsAndBehavior, f(), envConfig("hpa-metrics-and-behavior", "prod", { utilizationMax: 95 })),
            [],
        );
    });
    it("scale-down window too short, unbounded, and too steep in prod; not required in dev", async () => {
        assert.deepEqual(
            await messages(
                r.hpaMetricsAndBehavior,
                hpa((i) => (i.spec.behavior.scaleDown = {})),
            ),
            [
                `${HPA}: scale-down stabilization window (unset) is below 300s; set spec.behavior.scaleDown.stabilizationWindowSeconds to at least 300.`,
                `${HPA}: scale-down is unbounded (no spec.behavior.scaleDown.policies); add a Percent or Pods policy.`,
            ],
        );
        const steep = () =>
            hpa(
                (i) =>
                    (i.spec.behavior.scaleDown = {
                        stabilizationWindowSeconds: 60,
                        policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
                    }),
            );
        assert.deepEqual(await messages(r.hpaMetricsAndBehavior, steep()), [
            `${HPA}: scale-down stabilization window (60s) is below 300s; set spec.behavior.scaleDown.stabilizationWindowSeconds to at least 300.`,
            `${HPA}: scale-down policy Percent 100/15s removes up to 400% a minute, above 50%; lower value or lengthen periodSeconds.`,
        ]);
        assert.deepEqual(await messages(r.hpaMetricsAndBehavior, steep(), envConfig("hpa-metrics-and-behavior", "dev")), []);
    });
});

describe("hpa-owns-replicas", () => {
    it("reads ignoreChanges from the resource options", async () => {
        const f = mutated("api-deployment", (_i, fx) => (fx.options = { parent: "api" }));
        assert.deepEqual(await messages(r.hpaOwnsReplicas, f), [
            `Deployment app/api: sets spec.replicas (3) while HorizontalPodAutoscaler app/api scales it; add ignoreChanges: ["spec.replicas"] to its resource options or omit spec.replicas, so Pulumi does not reset the HPA's count on every update.`,
        ]);
        const omitted = mutated("api-deployment", (i, fx) => {
            fx.options = {};
            delete i.spec.replicas;
        });
        assert.deepEqual(await messages(r.hpaOwnsReplicas, omitted), []);
    });
    it("the component's ignoreChanges does not count (it does not reach children)", async () => {
        const f = mutated("api-deployment", (_i, fx) => (fx.options = { parent: "api" }));
        mutated("api", (_i, fx) => (fx.options = { ignoreChanges: ["spec.replicas"] }), f);
        assert.equal((await messages(r.hpaOwnsReplicas, f)).length, 1);
    });
});

describe("hpa-max-fits-capacity", () => {
    it("reports the namespace total above the budget, and uses a ResourceQuota when there is one", async () => {
        const f = () => hpa((i) => (i.spec.maxReplicas = 100));
        assert.deepEqual(await messages(r.hpaMaxFitsCapacity, f(), envConfig("hpa-max-fits-capacity", "dev")), [
            "namespace app: at maximum scale (HPA maxReplicas + rollout surge) the pods request 60.5 CPU and 72.5Gi memory, above the capacity budget (16 CPU, 32Gi memory); lower maxReplicas or raise the budget.",
        ]);
        assert.deepEqual(await messages(r.hpaMaxFitsCapacity, f()), []); // prod budget: 128 CPU, 256Gi
        const quota: Fixture = {
            type: "kubernetes:core/v1:ResourceQuota",
            name: "quota",
            inputs: {
                apiVersion: "v1",
                kind: "ResourceQuota",
                metadata: { name: "quota", namespace: "app" },
                spec: { hard: { "requests.cpu": "40", "requests.memory": "64Gi" } },
            },
        };
        assert.deepEqual(await messages(r.hpaMaxFitsCapacity, [...f(), quota]), [
            "namespace app: at maximum scale (HPA maxReplicas + rollout surge) the pods request 60.5 CPU and 72.5Gi memory, above the ResourceQuota app/quota (40 CPU, 64Gi memory); lower maxReplicas or raise the budget.",
        ]);
    });
    it("surge counts unless includeSurge is off; an unknown replica count skips the namespace", async () => {
        const f = () => hpa((i) => (i.spec.maxReplicas = 20));
        // The poolers' pgbouncer pods count too (4 × 250m, 4 × 256Mi).
        const cfg = envConfig("hpa-max-fits-capacity", "dev", { cpu: "20", memory: "33Gi" });
        assert.deepEqual(await messages(r.hpaMaxFitsCapacity, f(), cfg), [
            "namespace app: at maximum scale (HPA maxReplicas + rollout surge) the pods request 20.5 CPU and 32.5Gi memory, above the capacity budget (20 CPU, 33Gi memory); lower maxReplicas or raise the budget.",
        ]);
        assert.deepEqual(await messages(r.hpaMaxFitsCapacity, f(), { ...cfg, includeSurge: false }), []);
        assert.deepEqual(
            await messages(
                r.hpaMaxFitsCapacity,
                hpa((i) => (i.spec.maxReplicas = UNKNOWN)),
                cfg,
            ),
            [],
        );
    });
});

describe("vpa-hpa-no-resource-overlap", () => {
    const hpaOnAnalytics = (): Fixture => {
        const h = fixture().find((x) => x.name === "api-hpa")!;
        return {
            ...h,
            name: "analytics-hpa",
            inputs: {
                ...h.inputs,
                metadata: { name: "analytics", namespace: "app" },
                spec: { ...h.inputs.spec, scaleTargetRef: { kind: "Deployment", name: "analytics" } },
            },
        };
    };
    it("an updating VPA and a CPU-utilization HPA on the same workload", async () => {
        assert.deepEqual(await messages(r.vpaHpaNoResourceOverlap, withExtra(hpaOnAnalytics())), [
            "VerticalPodAutoscaler app/analytics: updates cpu requests of Deployment app/analytics (mode Recreate) while HorizontalPodAutoscaler app/analytics scales on cpu utilization; exclude cpu from the VPA's controlledResources, use updateMode Off, or scale the HPA on another metric.",
        ]);
    });
    it("no overlap when the VPA is Off or controls only memory", async () => {
        const off = mutated("analytics-vpa", (i) => (i.spec.updatePolicy.updateMode = "Off"), withExtra(hpaOnAnalytics()));
        assert.deepEqual(await messages(r.vpaHpaNoResourceOverlap, off), []);
        const mem = mutated(
            "analytics-vpa",
            (i) => (i.spec.resourcePolicy.containerPolicies[0].controlledResources = ["memory"]),
            withExtra(hpaOnAnalytics()),
        );
        assert.deepEqual(await messages(r.vpaHpaNoResourceOverlap, mem), []);
    });
});

describe("vpa-target-resolves-unique", () => {
    it("a VPA on a missing workload, and two VPAs on one workload", async () => {
        assert.deepEqual(
            await messages(
                r.vpaTargetResolvesUnique,
                mutated("analytics-vpa", (i) => (i.spec.targetRef.name = "nope")),
            ),
            [
                "VerticalPodAutoscaler app/analytics: targetRef Deployment/nope names no workload in namespace app of this stack; fix spec.targetRef or declare the workload.",
            ],
        );
        const v = fixture().find((x) => x.name === "analytics-vpa")!;
        const second = { ...v, name: "analytics-vpa-2", inputs: { ...v.inputs, metadata: { name: "analytics-2", namespace: "app" } } };
        assert.deepEqual(await messages(r.vpaTargetResolvesUnique, withExtra(second)), [
            "VerticalPodAutoscaler app/analytics: Deployment app/analytics is also managed by VerticalPodAutoscaler analytics-2; keep one VPA per workload.",
            "VerticalPodAutoscaler app/analytics-2: Deployment app/analytics is also managed by VerticalPodAutoscaler analytics; keep one VPA per workload.",
        ]);
    });
});

describe("vpa-bounds-set", () => {
    const vpa = (change: (p: any) => void) => mutated("analytics-vpa", (i) => change(i.spec.resourcePolicy.containerPolicies[0]));
    it("missing minAllowed/maxAllowed, and maxAllowed above node allocatable", async () => {
        assert.deepEqual(
            await messages(
                r.vpaBoundsSet,
                vpa((p) => (delete p.minAllowed.cpu, delete p.maxAllowed.memory)),
            ),
            [
                "VerticalPodAutoscaler app/analytics: container app has no minAllowed.cpu; set it (a too-small recommendation can starve the pod).",
                "VerticalPodAutoscaler app/analytics: container app has no maxAllowed.memory; set it at or below node allocatable (29Gi).",
            ],
        );
        assert.deepEqual(
            await messages(
                r.vpaBoundsSet,
                vpa((p) => (p.maxAllowed.cpu = "8")),
            ),
            [
                "VerticalPodAutoscaler app/analytics: container app maxAllowed.cpu (8) exceeds node allocatable cpu (7.91); lower it, or the recommended pods cannot be scheduled.",
            ],
        );
        assert.deepEqual(
            await messages(
                r.vpaBoundsSet,
                vpa((p) => (p.maxAllowed.cpu = "8")),
                { nodeCpu: "16" },
            ),
            [],
        );
    });
    it("no container policies at all", async () => {
        assert.deepEqual(
            await messages(
                r.vpaBoundsSet,
                mutated("analytics-vpa", (i) => delete i.spec.resourcePolicy),
            ),
            [
                "VerticalPodAutoscaler app/analytics: has no resourcePolicy.containerPolicies; set minAllowed and maxAllowed per container so recommendations stay schedulable.",
            ],
        );
    });
});
