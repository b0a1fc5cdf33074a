/** The placement rules of issue 17 #6: no data tier on spot, an on-demand floor per spot workload, scale to zero with a trigger. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
    hpaMinReplicasHa,
    hpaOneAutoscalerPerTarget,
    hpaOwnsReplicas,
    pdbEvictionPossibleAtMinScale,
    placeDataNotOnSpot,
    placeScaleToZeroHasTrigger,
    placeSpotHasOnDemandFloor,
    wlMinReplicasNonHpa,
} from "../../../policies/rules";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { daemonSet, fixture, messages, mutated, NS, published, type Fixture, type Obj } from "../../support/policy";

const SPOT_AFFINITY = {
    nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] }] }],
        },
    },
};
const SPOT_TOLERATION = { key: "karpenter.sh/capacity-type", operator: "Equal", value: "spot", effect: "NoSchedule" };

/** A copy of the fixture's API Deployment (and its PDB) renamed `name`, its pod spec changed by `change`. */
function workload(name: string, change: (spec: Obj, inputs: Obj) => void): Fixture[] {
    const relabel = (o: Obj) => ({ ...o, "app.kubernetes.io/name": name });
    const [d, b] = ["api-deployment", "api-pdb"].map((n) => structuredClone(fixture().find((f) => f.name === n)!));
    d.name = `${name}-deployment`;
    d.options = {};
    d.inputs.metadata = { ...d.inputs.metadata, name, labels: relabel(d.inputs.metadata.labels) };
    d.inputs.spec.selector.matchLabels = relabel(d.inputs.spec.selector.matchLabels);
    d.inputs.spec.template.metadata.labels = relabel(d.inputs.spec.template.metadata.labels);
    b.name = `${name}-pdb`;
    b.inputs.metadata = { ...b.inputs.metadata, name };
    b.inputs.spec.selector.matchLabels = relabel(b.inputs.spec.selector.matchLabels);
    change(d.inputs.spec.template.spec, d.inputs);
    return [d, b];
}

/** The compliant pair: `burst` on spot (affinity, toleration, 60 s grace, annotated), `floor` pinned to on-demand with 2 replicas. */
function spotPair(): Fixture[] {
    return [
        ...fixture(),
        ...workload("burst", (spec, i) => {
            spec.affinity = SPOT_AFFINITY;
            spec.tolerations = [SPOT_TOLERATION];
            spec.terminationGracePeriodSeconds = 60;
            i.metadata.annotations = { "sysmanage.io/on-demand-floor": "floor" };
        }),
        ...workload("floor", (spec, i) => {
            spec.nodeSelector = { "karpenter.sh/capacity-type": "on-demand" };
            i.spec.replicas = 2;
        }),
    ];
}

const DATA_FIX = "the data tier never runs on spot (a reclaimed node fails over Postgres or Redis): remove it.";

describe("place-data-not-on-spot", () => {
    it("a Postgres Cluster whose affinity tolerates the spot taint", async () => {
        const f = mutated("pg-cluster", (i) => (i.spec.affinity = { ...i.spec.affinity, tolerations: [SPOT_TOLERATION] }));
        assert.deepEqual(await messages(placeDataNotOnSpot, f), [
            `Cluster app/pg: its instance pods may run on spot nodes (a toleration of the spot taint karpenter.sh/capacity-type=spot); ${DATA_FIX}`,
        ]);
    });
    it("a Pooler that selects EKS spot nodes, and a Redis follower with a preferred spot term", async () => {
        const f = mutated("pg-rw-pooler", (i) => (i.spec.template.spec.nodeSelector = { "eks.amazonaws.com/capacityType": "SPOT" }));
        mutated(
            "redis-cluster",
            (i) =>
                (i.spec.redisFollower.affinity = {
                    nodeAffinity: {
                        preferredDuringSchedulingIgnoredDuringExecution: [
                            {
                                weight: 1,
                                preference: {
                                    matchExpressions: [
                                        { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand", "spot"] },
                                    ],
                                },
                            },
                        ],
                    },
                }),
            f,
        );
        assert.deepEqual(await messages(placeDataNotOnSpot, f), [
            `Pooler app/pg-rw: its pods may run on spot nodes (nodeSelector eks.amazonaws.com/capacityType=SPOT); ${DATA_FIX}`,
            `RedisCluster app/redis: its follower pods may run on spot nodes (preferred node affinity karpenter.sh/capacity-type In [on-demand, spot]); ${DATA_FIX}`,
        ]);
    });
    it("a toleration of every taint lets a Redis leader onto spot; an on-demand selector does not", async () => {
        const f = mutated("redis-cluster", (i) => (i.spec.redisLeader.tolerations = [{ operator: "Exists" }]));
        mutated(
            "pg-cluster",
            (i) => (i.spec.affinity = { ...i.spec.affinity, nodeSelector: { "karpenter.sh/capacity-type": "on-demand" } }),
            f,
        );
        assert.deepEqual(await messages(placeDataNotOnSpot, f), [
            `RedisCluster app/redis: its leader pods may run on spot nodes (a toleration of every taint (operator Exists, no key)); ${DATA_FIX}`,
        ]);
    });
    it("another taint key through the rule's config", async () => {
        const f = mutated(
            "pg-cluster",
            (i) => (i.spec.affinity = { ...i.spec.affinity, tolerations: [{ key: "spot", operator: "Exists" }] }),
        );
        assert.deepEqual(await messages(placeDataNotOnSpot, f), []);
        assert.deepEqual(await messages(placeDataNotOnSpot, f, { spotTaintKey: "spot", spotTaintValue: "true", spotLabels: [] }), [
            `Cluster app/pg: its instance pods may run on spot nodes (a toleration of the spot taint spot); ${DATA_FIX}`,
        ]);
    });
});

describe("place-spot-has-on-demand-floor", () => {
    const HOW = "required node affinity karpenter.sh/capacity-type In [spot]";
    it("passes the compliant spot pair", async () => {
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, spotPair()), []);
    });
    it("a spot workload without an on-demand floor, a PDB, or with a grace period past the notice", async () => {
        const f = spotPair().filter((r) => r.name !== "burst-pdb");
        mutated(
            "burst-deployment",
            (i) => {
                delete i.metadata.annotations;
                i.spec.template.spec.terminationGracePeriodSeconds = 120;
            },
            f,
        );
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f), [
            `Deployment app/burst: runs on spot (${HOW}) but no PodDisruptionBudget selects its pods; add one (maxUnavailable: 1) so an interrupted node drains them one at a time.`,
            "Deployment app/burst: runs on spot with terminationGracePeriodSeconds 120; a spot node goes 120s after its notice, so keep it at most 90s or jobs are killed mid-way.",
            `Deployment app/burst: runs on spot (${HOW}) with no on-demand floor; annotate it sysmanage.io/on-demand-floor with the Deployment that keeps its minimum on on-demand nodes.`,
        ]);
    });
    it("a floor that is missing, not pinned to on-demand, or at zero replicas", async () => {
        const missing = mutated("burst-deployment", (i) => (i.metadata.annotations["sysmanage.io/on-demand-floor"] = "gone"), spotPair());
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, missing), [
            "Deployment app/burst: its on-demand floor Deployment app/gone is not in the stack; declare it or fix sysmanage.io/on-demand-floor.",
        ]);
        const f = mutated(
            "floor-deployment",
            (i) => {
                i.spec.template.spec.nodeSelector = { "karpenter.sh/capacity-type": "reserved" };
                i.spec.replicas = 0;
            },
            spotPair(),
        );
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f), [
            "Deployment app/floor, the on-demand floor of Deployment app/burst, is not pinned to on-demand nodes; give it a nodeSelector or a required node affinity on one of karpenter.sh/capacity-type=on-demand, eks.amazonaws.com/capacityType=ON_DEMAND.",
            "Deployment app/floor, the on-demand floor of Deployment app/burst, runs 0 replicas at its floor; keep at least 1.",
        ]);
    });
    it("a toleration alone puts a pod on spot, unless it is pinned to on-demand", async () => {
        const f = mutated(
            "api-deployment",
            (i) => (i.spec.template.spec.tolerations = [{ key: "karpenter.sh/capacity-type", operator: "Exists" }]),
        );
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f), [
            "Deployment app/api: runs on spot (a toleration of the spot taint karpenter.sh/capacity-type) with no on-demand floor; annotate it sysmanage.io/on-demand-floor with the Deployment that keeps its minimum on on-demand nodes.",
        ]);
        mutated("api-deployment", (i) => (i.spec.template.spec.nodeSelector = { "karpenter.sh/capacity-type": "on-demand" }), f);
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f), []);
    });
});

describe("place-spot-has-on-demand-floor: edges", () => {
    const HOW = "required node affinity karpenter.sh/capacity-type In [spot]";
    const noFloor = (id: string) =>
        `${id}: runs on spot (${HOW}) with no on-demand floor; annotate it sysmanage.io/on-demand-floor with the Deployment that keeps its minimum on on-demand nodes.`;
    const noPdb = (id: string) =>
        `${id}: runs on spot (${HOW}) but no PodDisruptionBudget selects its pods; add one (maxUnavailable: 1) so an interrupted node drains them one at a time.`;
    const NOT_PINNED =
        "Deployment app/floor, the on-demand floor of Deployment app/burst, is not pinned to on-demand nodes; give it a nodeSelector or a required node affinity on one of karpenter.sh/capacity-type=on-demand, eks.amazonaws.com/capacityType=ON_DEMAND.";
    const burst = (change: (i: Obj) => void, f = spotPair()) => mutated("burst-deployment", change, f);
    const floor = (change: (i: Obj) => void, f = spotPair()) => mutated("floor-deployment", change, f);
    it("an empty floor annotation names no floor", async () => {
        const f = burst((i) => (i.metadata.annotations["sysmanage.io/on-demand-floor"] = ""));
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f), [noFloor("Deployment app/burst")]);
    });
    it("a spot workload without metadata (namespace default, no name) has no PDB and no floor", async () => {
        const f = burst((i) => delete i.metadata);
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f), [noPdb("Deployment default/"), noFloor("Deployment default/")]);
    });
    it("a missing floor and a missing PDB cannot be checked while a resource's name is unknown (preview)", async () => {
        const f = burst((i) => (i.metadata.annotations["sysmanage.io/on-demand-floor"] = "gone")).filter((r) => r.name !== "burst-pdb");
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f), [
            noPdb("Deployment app/burst"),
            "Deployment app/burst: its on-demand floor Deployment app/gone is not in the stack; declare it or fix sysmanage.io/on-demand-floor.",
        ]);
        mutated("analytics-deployment", (i) => (i.metadata.name = UNKNOWN), f);
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f), []);
    });
    it("a floor with no spec, or no pod template, is not pinned (and runs the default 1 replica)", async () => {
        assert.deepEqual(
            await messages(
                placeSpotHasOnDemandFloor,
                floor((i) => delete i.spec),
            ),
            [NOT_PINNED],
        );
        assert.deepEqual(
            await messages(
                placeSpotHasOnDemandFloor,
                floor((i) => (i.spec = { replicas: 2 })),
            ),
            [NOT_PINNED],
        );
    });
    it("a floor at exactly the configured minimum passes, one replica below it does not", async () => {
        assert.deepEqual(
            await messages(
                placeSpotHasOnDemandFloor,
                floor((i) => (i.spec.replicas = 1)),
            ),
            [],
        );
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, spotPair(), { minFloorReplicas: 2 }), []);
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, spotPair(), { minFloorReplicas: 3 }), [
            "Deployment app/floor, the on-demand floor of Deployment app/burst, runs 2 replicas at its floor; keep at least 3.",
        ]);
    });
    it("a grace period of exactly the maximum (90 s) passes, 91 s does not", async () => {
        const grace = (s: number) => burst((i) => (i.spec.template.spec.terminationGracePeriodSeconds = s));
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, grace(90)), []);
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, grace(91)), [
            "Deployment app/burst: runs on spot with terminationGracePeriodSeconds 91; a spot node goes 120s after its notice, so keep it at most 90s or jobs are killed mid-way.",
        ]);
    });
    it("a DaemonSet tolerating every taint has no replicas to keep on on-demand nodes", async () => {
        const agent = daemonSet("agent", {}, { tolerations: [{ operator: "Exists" }] });
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, [...spotPair(), agent]), []);
    });
    it("a Deployment without a spec, or without a pod template, asks for no node", async () => {
        const f = (spec: Obj | undefined) => mutated("analytics-deployment", (i) => (i.spec = spec), spotPair());
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f(undefined)), []);
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, f({ replicas: 1 })), []);
    });
});

describe("place-spot-has-on-demand-floor: what the pack publishes", () => {
    it("its name, level, severity, remediation, the catalogue's description and its config schema", () => {
        assert.deepEqual(published(placeSpotHasOnDemandFloor), {
            name: "place-spot-has-on-demand-floor",
            enforcementLevel: "mandatory",
            severity: "medium",
            remediationSteps:
                "Annotate the spot workload sysmanage.io/on-demand-floor with a Deployment pinned to on-demand nodes, add a PDB, and keep terminationGracePeriodSeconds inside the notice.",
            inCatalogue: true,
        });
        const strings = (d: string[], description: string) => ({ type: "array", items: { type: "string" }, default: d, description });
        assert.deepEqual(placeSpotHasOnDemandFloor.configSchema, {
            properties: {
                spotLabels: strings(
                    ["karpenter.sh/capacity-type=spot", "eks.amazonaws.com/capacityType=SPOT", "cloud.google.com/gke-spot=true"],
                    "Node labels (`key=value`) that mark spot nodes.",
                ),
                spotTaintKey: { type: "string", default: "karpenter.sh/capacity-type", description: "Key of the taint spot nodes carry." },
                spotTaintValue: { type: "string", default: "spot", description: "Value of the taint spot nodes carry." },
                onDemandLabels: strings(
                    ["karpenter.sh/capacity-type=on-demand", "eks.amazonaws.com/capacityType=ON_DEMAND"],
                    "Node labels (`key=value`) that mark on-demand nodes.",
                ),
                minFloorReplicas: { type: "integer", minimum: 1, default: 1, description: "Replicas the on-demand floor keeps at least." },
                maxGraceSeconds: {
                    type: "integer",
                    minimum: 1,
                    default: 90,
                    description: "Largest terminationGracePeriodSeconds of a spot pod (AWS notice: 120 s).",
                },
            },
        });
    });
});

describe("place-scale-to-zero-has-trigger", () => {
    const wake = (type: string) => ({
        type,
        external: { metric: { name: "queue_length" }, target: { type: "AverageValue", averageValue: "10" } },
    });
    const scaledObject = (name: string, spec: Obj): Fixture => ({
        type: "kubernetes:keda.sh/v1alpha1:ScaledObject",
        name: `${name}-so`,
        inputs: { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name, namespace: NS }, spec },
    });
    it("an HPA at minReplicas 0 with only a CPU metric; with an External metric, or an Object metric of the namespace, it may", async () => {
        const f = mutated("api-hpa", (i) => (i.spec.minReplicas = 0));
        assert.deepEqual(await messages(placeScaleToZeroHasTrigger, f), [
            "HorizontalPodAutoscaler app/api: minReplicas 0 but it scales only on Resource; with no pod left nothing measures, so nothing wakes it: add an External or Object metric (the queue length), or keep minReplicas at 1 or more.",
        ]);
        const queue = mutated("api-hpa", (i) => i.spec.metrics.push(wake("External")), structuredClone(f));
        assert.deepEqual(await messages(placeScaleToZeroHasTrigger, queue), []);
        // The program's queue metric (lib/hpa.ts): the namespace's queue_length, per pod.
        const objectMetric = {
            type: "Object",
            object: {
                describedObject: { apiVersion: "v1", kind: "Namespace", name: NS },
                metric: { name: "queue_length", selector: { matchLabels: { queue: "report" } } },
                target: { type: "AverageValue", averageValue: "10" },
            },
        };
        mutated("api-hpa", (i) => i.spec.metrics.push(objectMetric), f);
        assert.deepEqual(await messages(placeScaleToZeroHasTrigger, f), []);
    });
    it("a ScaledObject at zero (KEDA's default) on CPU only; a queue trigger wakes it", async () => {
        const target = { scaleTargetRef: { name: "analytics" } };
        const cpuOnly = [
            ...fixture(),
            scaledObject("analytics", { ...target, triggers: [{ type: "cpu", metricType: "Utilization", metadata: { value: "70" } }] }),
        ];
        assert.deepEqual(await messages(placeScaleToZeroHasTrigger, cpuOnly), [
            "ScaledObject app/analytics: scales to zero (minReplicaCount 0) but its triggers (cpu) need a running pod; add an event trigger (the queue), or set minReplicaCount to 1 or more.",
        ]);
        const queue = [
            ...fixture(),
            scaledObject("analytics", { ...target, triggers: [{ type: "redis", metadata: { listName: "report" } }] }),
        ];
        assert.deepEqual(await messages(placeScaleToZeroHasTrigger, queue), []);
        const floor = [...fixture(), scaledObject("analytics", { ...target, minReplicaCount: 1, triggers: [] })];
        assert.deepEqual(await messages(placeScaleToZeroHasTrigger, floor), []);
    });
    it("a Deployment at replicas 0 that nothing scales; a ScaledObject on it is its trigger", async () => {
        const f = mutated("analytics-deployment", (i) => (i.spec.replicas = 0));
        assert.deepEqual(await messages(placeScaleToZeroHasTrigger, f), [
            "Deployment app/analytics: declares replicas 0 and no autoscaler targets it, so nothing brings it back; add a ScaledObject with an event trigger, or remove the workload.",
        ]);
        f.push(
            scaledObject("analytics", {
                scaleTargetRef: { name: "analytics" },
                triggers: [{ type: "redis", metadata: { listName: "report" } }],
            }),
        );
        assert.deepEqual(await messages(placeScaleToZeroHasTrigger, f), []);
    });
});

describe("hpa-min-replicas-ha counts the on-demand floor of a spot target", () => {
    /** The spot pair with an HPA on the burst at minReplicas `min`, the floor at `floor` replicas. */
    function scaledPair(min: number, floor: number): Fixture[] {
        const f = spotPair();
        const hpa = structuredClone(f.find((r) => r.name === "api-hpa")!);
        hpa.name = "burst-hpa";
        hpa.inputs.metadata = { ...hpa.inputs.metadata, name: "burst" };
        hpa.inputs.spec = {
            ...hpa.inputs.spec,
            minReplicas: min,
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "burst" },
        };
        mutated("floor-deployment", (i) => (i.spec.replicas = floor), f);
        return [...f, hpa];
    }
    it("1 on spot + 2 on-demand meets prod's 3; 1 + 1 does not", async () => {
        assert.deepEqual(await messages(hpaMinReplicasHa, scaledPair(1, 2)), []);
        assert.deepEqual(await messages(hpaMinReplicasHa, scaledPair(1, 1)), [
            "HorizontalPodAutoscaler app/burst: minReplicas (1) plus the 1 replica(s) of its on-demand floor Deployment app/floor is below the HA floor (3 = max(2, 3 zones)); raise the on-demand floor's replicas to 2 so losing a pod or a zone keeps the workload serving.",
        ]);
    });
});

describe("hpa-min-replicas-ha and a working-hours floor (issue 17 #4)", () => {
    const offHours = mutated("api-hpa", (i) => {
        i.spec.minReplicas = 1;
        i.metadata.annotations = { "sysmanage.io/working-hours-floor": "3" };
    });
    it("accepts an off-hours minimum when the environment allows it and the floor held in hours meets the HA floor", async () => {
        assert.deepEqual(await messages(hpaMinReplicasHa, offHours, { floor: 2, zones: 3, zoneAware: true, workingHoursFloor: true }), []);
    });
    it("refuses it where the environment does not (prod's default)", async () => {
        assert.deepEqual(await messages(hpaMinReplicasHa, offHours), [
            "HorizontalPodAutoscaler app/api: minReplicas (1) is below the HA floor (3 = max(2, 3 zones)); raise spec.minReplicas to 3 so losing a pod or a zone keeps the workload serving.",
        ]);
    });
});

describe("a KEDA ScaledObject as a workload's autoscaler (issue 17 #4)", () => {
    const queue = [{ type: "prometheus", name: "queue-length", metadata: { query: "q", threshold: "10" } }];
    const scaledObject = (target: string, spec: Obj = {}): Fixture => ({
        type: "kubernetes:keda.sh/v1alpha1:ScaledObject",
        name: `${target}-so`,
        inputs: {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: { name: target, namespace: NS },
            spec: { scaleTargetRef: { name: target }, minReplicaCount: 0, maxReplicaCount: 4, triggers: queue, ...spec },
        },
    });
    /** The spot burst alone (no floor Deployment, no annotation), scaled by a ScaledObject. */
    const burstAtZero = (spec: Obj = {}) =>
        mutated(
            "burst-deployment",
            (i) => {
                delete i.metadata.annotations;
                i.spec.replicas = 0;
            },
            [...spotPair().filter((r) => !r.name.startsWith("floor-")), scaledObject("burst", spec)],
        );
    it("a spot pool KEDA scales to zero keeps no on-demand floor; at minReplicaCount 1 it needs one", async () => {
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, burstAtZero()), []);
        assert.deepEqual(await messages(placeSpotHasOnDemandFloor, burstAtZero({ minReplicaCount: 1 })), [
            "Deployment app/burst: runs on spot (required node affinity karpenter.sh/capacity-type In [spot]) with no on-demand floor; annotate it sysmanage.io/on-demand-floor with the Deployment that keeps its minimum on on-demand nodes.",
        ]);
    });
    it("its PDB at 0 pods holds up no drain; the HA PDB and floor rules read its bounds", async () => {
        const f = mutated("burst-pdb", (i) => (i.spec = { ...i.spec, maxUnavailable: undefined, minAvailable: 1 }), burstAtZero());
        assert.deepEqual(await messages(pdbEvictionPossibleAtMinScale, f), []);
        const one = mutated(
            "burst-pdb",
            (i) => (i.spec = { ...i.spec, maxUnavailable: undefined, minAvailable: 1 }),
            burstAtZero({ minReplicaCount: 1 }),
        );
        assert.deepEqual(await messages(pdbEvictionPossibleAtMinScale, one), [
            "PodDisruptionBudget app/burst: allows no eviction when Deployment app/burst run their minimum of 1 pod(s) (minAvailable 1); use maxUnavailable: 1 or a minAvailable below 1, or node drains block.",
        ]);
        // Replicas 0 under a ScaledObject: not a workload "without an HPA".
        assert.deepEqual(await messages(wlMinReplicasNonHpa, burstAtZero()), []);
    });
    it("an HPA beside the ScaledObject on one target is a second autoscaler", async () => {
        const f = [...fixture(), scaledObject("api")];
        assert.deepEqual(await messages(hpaOneAutoscalerPerTarget, f), [
            "ScaledObject app/api: Deployment app/api is scaled by HorizontalPodAutoscaler api as well; KEDA scales it through its own HPA keda-hpa-api, so keep one autoscaler per workload.",
        ]);
        assert.deepEqual(await messages(hpaOneAutoscalerPerTarget, burstAtZero()), []);
    });
    it("a target under both an HPA and a ScaledObject is named with its HPA", async () => {
        const f = mutated("api-deployment", (_i, d) => (d.options = {}), [...fixture(), scaledObject("api")]);
        assert.deepEqual(await messages(hpaOwnsReplicas, f), [
            'Deployment app/api: sets spec.replicas (3) while HorizontalPodAutoscaler app/api scales it; add ignoreChanges: ["spec.replicas"] to its resource options or omit spec.replicas, so Pulumi does not reset the HPA\'s count on every update.',
        ]);
    });
    it("two ScaledObjects and an HPA on one target: each ScaledObject names the other two", async () => {
        const second = scaledObject("api");
        second.name = "api-b-so";
        second.inputs.metadata.name = "api-b";
        second.inputs.spec.scaleTargetRef = { name: "api" };
        const keep = "so keep one autoscaler per workload.";
        assert.deepEqual(await messages(hpaOneAutoscalerPerTarget, [...fixture(), scaledObject("api"), second]), [
            `ScaledObject app/api: Deployment app/api is scaled by HorizontalPodAutoscaler api, ScaledObject api-b as well; KEDA scales it through its own HPA keda-hpa-api, ${keep}`,
            `ScaledObject app/api-b: Deployment app/api is scaled by HorizontalPodAutoscaler api, ScaledObject api as well; KEDA scales it through its own HPA keda-hpa-api-b, ${keep}`,
        ]);
    });
    it("Pulumi leaves the replicas of a ScaledObject's target to KEDA", async () => {
        assert.deepEqual(await messages(hpaOwnsReplicas, burstAtZero()), [
            'Deployment app/burst: sets spec.replicas (0) while ScaledObject app/burst scales it; add ignoreChanges: ["spec.replicas"] to its resource options or omit spec.replicas, so Pulumi does not reset the HPA\'s count on every update.',
        ]);
        const ignored = mutated("burst-deployment", () => undefined, burstAtZero());
        ignored.find((r) => r.name === "burst-deployment")!.options = { ignoreChanges: ["spec.replicas"] };
        assert.deepEqual(await messages(hpaOwnsReplicas, ignored), []);
    });
});
