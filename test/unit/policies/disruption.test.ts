/** Disruption and topology rules: exact messages per failure mode. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kedaValues, prometheusAdapterValues } from "../../../lib/chartValues";
import * as r from "../../../policies/rules";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { envConfig, fixture, messages, mutated, withExtra } from "../../support/policy";

const withoutPdb = (name: string) => fixture().filter((x) => x.name !== name);

describe("pdb-required-for-ha-workloads", () => {
    it("an HA workload without a PDB", async () => {
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, withoutPdb("api-pdb")), [
            "Deployment app/api: runs 3 replicas but no PodDisruptionBudget selects its pods; add one (maxUnavailable: 1) so node drains keep it serving.",
        ]);
    });
    it("below the configured replica count no PDB is needed", async () => {
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, withoutPdb("api-pdb"), { minReplicas: 4 }), []);
    });
});

describe("pdb-required-for-ha-workloads: which pod groups it budgets", () => {
    it("a Pooler an HPA keeps at 2 pods is not a replicated workload: no PDB asked of the stack (the operator's kinds are other rules')", async () => {
        const poolerHpa = {
            type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            name: "pg-rw-hpa",
            inputs: {
                apiVersion: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata: { name: "pg-rw", namespace: "app" },
                spec: {
                    scaleTargetRef: { apiVersion: "postgresql.cnpg.io/v1", kind: "Pooler", name: "pg-rw" },
                    minReplicas: 2,
                    maxReplicas: 4,
                },
            },
        };
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, [...withoutPdb("pg-rw-pdb"), poolerHpa]), []);
    });
    it("a workload whose pod labels are unknown cannot be checked", async () => {
        const f = mutated("api-deployment", (i) => (i.spec.template.metadata.labels = UNKNOWN));
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, f), []);
    });
});

describe("pdb-eviction-possible-at-min-scale", () => {
    it("minAvailable equal to the HPA floor blocks drains", async () => {
        const f = mutated(
            "api-pdb",
            (i) => (i.spec = { minAvailable: 3, selector: i.spec.selector, unhealthyPodEvictionPolicy: "AlwaysAllow" }),
        );
        assert.deepEqual(await messages(r.pdbEvictionPossibleAtMinScale, f), [
            "PodDisruptionBudget app/api: allows no eviction when Deployment app/api run their minimum of 3 pod(s) (minAvailable 3); use maxUnavailable: 1 or a minAvailable below 3, or node drains block.",
        ]);
    });
    it("maxUnavailable 0% blocks; minAvailable 50% of 3 allows one", async () => {
        assert.deepEqual(
            await messages(
                r.pdbEvictionPossibleAtMinScale,
                mutated("api-pdb", (i) => (i.spec.maxUnavailable = "0%")),
            ),
            [
                "PodDisruptionBudget app/api: allows no eviction when Deployment app/api run their minimum of 3 pod(s) (maxUnavailable 0%); use maxUnavailable: 1 or a minAvailable below 3, or node drains block.",
            ],
        );
        const half = mutated("api-pdb", (i) => (i.spec = { minAvailable: "50%", selector: i.spec.selector }));
        assert.deepEqual(await messages(r.pdbEvictionPossibleAtMinScale, half), []);
    });
    it("an unknown HPA floor cannot be checked", async () => {
        const f = mutated("api-pdb", (i) => (i.spec = { minAvailable: 3, selector: i.spec.selector }));
        mutated("api-hpa", (i) => (i.spec.minReplicas = UNKNOWN), f);
        assert.deepEqual(await messages(r.pdbEvictionPossibleAtMinScale, f), []);
    });
});

describe("pdb-selector-hygiene", () => {
    it("both and neither of minAvailable/maxUnavailable", async () => {
        assert.deepEqual(
            await messages(
                r.pdbSelectorHygiene,
                mutated("api-pdb", (i) => (i.spec.minAvailable = 1)),
            ),
            ["PodDisruptionBudget app/api: sets both minAvailable and maxUnavailable; keep exactly one."],
        );
        assert.deepEqual(
            await messages(
                r.pdbSelectorHygiene,
                mutated("api-pdb", (i) => delete i.spec.maxUnavailable),
            ),
            ["PodDisruptionBudget app/api: sets neither minAvailable nor maxUnavailable; set maxUnavailable: 1."],
        );
    });
    it("a selector that matches nothing, or none at all", async () => {
        assert.deepEqual(
            await messages(
                r.pdbSelectorHygiene,
                mutated("api-pdb", (i) => (i.spec.selector.matchLabels["app.kubernetes.io/name"] = "apy")),
            ),
            ["PodDisruptionBudget app/api: selector matches no pods of this stack; set spec.selector to the workload's pod labels."],
        );
        assert.deepEqual(
            await messages(
                r.pdbSelectorHygiene,
                mutated("api-pdb", (i) => delete i.spec.selector),
            ),
            ["PodDisruptionBudget app/api: has no selector; select the workload's pod labels."],
        );
    });
    it("a pod under two PDBs, and a user PDB over CloudNativePG's own", async () => {
        const api = fixture().find((x) => x.name === "api-pdb")!;
        const twin = { ...api, name: "api-pdb-2", inputs: { ...api.inputs, metadata: { ...api.inputs.metadata, name: "api-2" } } };
        assert.deepEqual(await messages(r.pdbSelectorHygiene, withExtra(twin)), [
            "pods of Deployment app/api: are selected by 2 PodDisruptionBudgets (api, api-2); keep one (the eviction API refuses to evict a pod under several PDBs).",
        ]);
        const pgPdb = {
            ...api,
            name: "pg-pdb",
            inputs: {
                ...api.inputs,
                metadata: { name: "pg", namespace: "app" },
                spec: { maxUnavailable: 1, selector: { matchLabels: { "cnpg.io/cluster": "pg" } } },
            },
        };
        assert.deepEqual(await messages(r.pdbSelectorHygiene, withExtra(pgPdb)), [
            "primary pods of Cluster app/pg: are selected by 2 PodDisruptionBudgets (pg-primary (operator), pg); keep one (the eviction API refuses to evict a pod under several PDBs).",
            "replica pods of Cluster app/pg: are selected by 2 PodDisruptionBudgets (pg (operator), pg); keep one (the eviction API refuses to evict a pod under several PDBs).",
        ]);
        const noOperatorPdb = mutated("pg-cluster", (i) => (i.spec.enablePDB = false), withExtra(pgPdb));
        assert.deepEqual(await messages(r.pdbSelectorHygiene, noOperatorPdb), []);
    });
});

describe("pdb-unhealthy-pod-eviction", () => {
    it("unset policy", async () => {
        assert.deepEqual(
            await messages(
                r.pdbUnhealthyPodEviction,
                mutated("api-pdb", (i) => delete i.spec.unhealthyPodEvictionPolicy),
            ),
            [
                "PodDisruptionBudget app/api: unhealthyPodEvictionPolicy is unset (IfHealthyBudget); set it to AlwaysAllow so crash-looping pods do not block node drains.",
            ],
        );
    });
});

describe("topo-spread-zone-and-host", () => {
    const spread = (change: (c: any[]) => void) => mutated("api-deployment", (i) => change(i.spec.template.spec.topologySpreadConstraints));
    it("missing host spread, and a zone spread whose selector misses the pods", async () => {
        assert.deepEqual(
            await messages(
                r.topoSpreadZoneAndHost,
                spread((c) => c.pop()),
            ),
            [
                "Deployment app/api: has no topologySpreadConstraint on kubernetes.io/hostname; add one whose labelSelector matches the pod labels.",
            ],
        );
        assert.deepEqual(
            await messages(
                r.topoSpreadZoneAndHost,
                spread((c) => (c[0].labelSelector = { matchLabels: { app: "api" } })),
            ),
            [
                "Deployment app/api: the topology.kubernetes.io/zone spread constraint's labelSelector does not match the pod template labels; use the workload's selector labels, or the constraint counts no pods.",
            ],
        );
    });
    it("the zone key is configurable", async () => {
        assert.deepEqual(
            await messages(
                r.topoSpreadZoneAndHost,
                fixture(),
                envConfig("topo-spread-zone-and-host", "prod", { zoneKey: "failure-domain/zone" }),
            ),
            [
                "Deployment app/api: has no topologySpreadConstraint on failure-domain/zone; add one whose labelSelector matches the pod labels.",
                "Deployment app/analytics: has no topologySpreadConstraint on failure-domain/zone; add one whose labelSelector matches the pod labels.",
            ],
        );
    });
});

describe("pdb-required-for-ha-workloads on the Deployments a Helm release runs", () => {
    const adapter = (values: object) =>
        withExtra({
            type: "kubernetes:helm.sh/v3:Release",
            name: "prometheus-adapter",
            inputs: { name: "prometheus-adapter", namespace: "monitoring", chart: "prometheus-adapter", version: "5.3.0", values },
        });
    it("prometheus-adapter at 2 replicas without the chart's budget: every custom-metric HPA stops on one drain", async () => {
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, adapter({ replicas: 2 })), [
            "pods of Deployment monitoring/prometheus-adapter (chart prometheus-adapter 5.3.0): runs 2 replicas but no PodDisruptionBudget selects its pods; enable the chart's budget or declare one (maxUnavailable: 1).",
        ]);
    });
    it("the values the program passes enable it; one replica needs none", async () => {
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, adapter(prometheusAdapterValues())), []);
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, adapter({ replicas: 1 })), []);
    });
    it("KEDA: our values' budgets cover its three 2-replica Deployments; without them each is named", async () => {
        const keda = (values: object) =>
            withExtra({
                type: "kubernetes:helm.sh/v3:Release",
                name: "keda",
                inputs: { name: "keda", namespace: "keda", chart: "keda", version: "2.19.0", values },
            });
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, keda(kedaValues())), []);
        const budgetless = { ...kedaValues(), podDisruptionBudget: { operator: null, metricServer: null, webhooks: null } };
        const tail =
            "runs 2 replicas but no PodDisruptionBudget selects its pods; enable the chart's budget or declare one (maxUnavailable: 1).";
        assert.deepEqual(await messages(r.pdbRequiredForHaWorkloads, keda(budgetless)), [
            `pods of Deployment keda/keda-operator (chart keda 2.19.0): ${tail}`,
            `pods of Deployment keda/keda-operator-metrics-apiserver (chart keda 2.19.0): ${tail}`,
            `pods of Deployment keda/keda-admission-webhooks (chart keda 2.19.0): ${tail}`,
        ]);
    });
});
