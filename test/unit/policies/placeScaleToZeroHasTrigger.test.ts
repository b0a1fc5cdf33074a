/** place-scale-to-zero-has-trigger's edges: lists in its messages, absent fields, foreign ScaledObjects, kinds without replicas. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { placeScaleToZeroHasTrigger as rule } from "../../../policies/rules";
import { daemonSet, fixture, messages, mutated, NS, published, type Fixture, type Obj } from "../../support/policy";

const HPA_FIX =
    "with no pod left nothing measures, so nothing wakes it: add an External or Object metric (the queue length), or keep minReplicas at 1 or more.";
const hpaAtZero = (on: string) => `HorizontalPodAutoscaler app/api: minReplicas 0 but it scales only on ${on}; ${HPA_FIX}`;
const soAtZero = (name: string, triggers: string) =>
    `ScaledObject app/${name}: scales to zero (minReplicaCount 0) but its triggers (${triggers}) need a running pod; add an event trigger (the queue), or set minReplicaCount to 1 or more.`;

/** A ScaledObject `name` in the fixture's namespace, of API `apiVersion`, with `spec` (none when undefined). */
const scaledObject = (name: string, spec: Obj | undefined, apiVersion = "keda.sh/v1alpha1"): Fixture => ({
    type: `kubernetes:${apiVersion}:ScaledObject`,
    name: `${name}-so`,
    inputs: { apiVersion, kind: "ScaledObject", metadata: { name, namespace: NS }, ...(spec === undefined ? {} : { spec }) },
});
const target = { scaleTargetRef: { name: "analytics" } };
const CPU = { type: "cpu", metricType: "Utilization", metadata: { value: "70" } };
const MEMORY = { type: "memory", metricType: "Utilization", metadata: { value: "80" } };
const QUEUE = { type: "redis", metadata: { listName: "report" } };

describe("place-scale-to-zero-has-trigger: an HPA at minReplicas 0", () => {
    const hpa = (spec: Obj) => mutated("api-hpa", (i) => (i.spec = { ...i.spec, ...spec }));
    const pods = { type: "Pods", pods: { metric: { name: "rps" }, target: { type: "AverageValue", averageValue: "5" } } };
    it("names every metric it scales on, or `no metric`", async () => {
        const resource = fixture().find((r) => r.name === "api-hpa")!.inputs.spec.metrics[0];
        assert.deepEqual(await messages(rule, hpa({ minReplicas: 0, metrics: [resource, pods] })), [hpaAtZero("Resource, Pods")]);
        assert.deepEqual(await messages(rule, hpa({ minReplicas: 0, metrics: undefined })), [hpaAtZero("no metric")]);
        // A null entry has no type: String(undefined).
        assert.deepEqual(await messages(rule, hpa({ minReplicas: 0, metrics: [null] })), [hpaAtZero("undefined")]);
    });
    it("an HPA without a spec, or with minReplicas null, is at the API's default 1", async () => {
        assert.deepEqual(
            await messages(
                rule,
                mutated("api-hpa", (i) => delete i.spec),
            ),
            [],
        );
        // Number(null) would be 0: the default must come first.
        assert.deepEqual(await messages(rule, hpa({ minReplicas: null })), []);
    });
});

describe("place-scale-to-zero-has-trigger: a KEDA ScaledObject at zero", () => {
    const so = (spec: Obj | undefined, apiVersion?: string) => messages(rule, [...fixture(), scaledObject("analytics", spec, apiVersion)]);
    it("memory, like cpu, needs a running pod; both are listed", async () => {
        assert.deepEqual(await so({ ...target, triggers: [MEMORY] }), [soAtZero("analytics", "memory")]);
        assert.deepEqual(await so({ ...target, triggers: [CPU, MEMORY] }), [soAtZero("analytics", "cpu, memory")]);
    });
    it("one event trigger beside cpu wakes it", async () => {
        assert.deepEqual(await so({ ...target, triggers: [CPU, QUEUE] }), []);
    });
    it("no trigger at all (empty, absent, or no spec) is `none`", async () => {
        assert.deepEqual(await so({ ...target, triggers: [] }), [soAtZero("analytics", "none")]);
        assert.deepEqual(await so(target), [soAtZero("analytics", "none")]);
        assert.deepEqual(await so(undefined), [soAtZero("analytics", "none")]);
        // A null trigger has no type ("undefined"), not cpu or memory: the rule leaves it to KEDA, which refuses it.
        assert.deepEqual(await so({ ...target, triggers: [null] }), []);
    });
    it("a ScaledObject of another API group than keda.sh is not KEDA's", async () => {
        assert.deepEqual(await so({ ...target, triggers: [CPU] }, "autoscaling.example.com/v1"), []);
        // Nor does it count as the autoscaler of a workload at replicas 0.
        const f = mutated("analytics-deployment", (i) => (i.spec.replicas = 0));
        f.push(scaledObject("analytics", { ...target, triggers: [QUEUE] }, "autoscaling.example.com/v1"));
        assert.deepEqual(await messages(rule, f), [
            "Deployment app/analytics: declares replicas 0 and no autoscaler targets it, so nothing brings it back; add a ScaledObject with an event trigger, or remove the workload.",
        ]);
    });
});

describe("place-scale-to-zero-has-trigger: workloads at replicas 0", () => {
    it("a kind without replicas (a DaemonSet with a stray replicas 0) and a Deployment without a spec are not flagged", async () => {
        const agent = daemonSet("agent", { replicas: 0 });
        assert.deepEqual(await messages(rule, [...fixture(), agent]), []);
        assert.deepEqual(
            await messages(
                rule,
                mutated("analytics-deployment", (i) => delete i.spec),
            ),
            [],
        );
    });
});

describe("place-scale-to-zero-has-trigger: what the pack publishes", () => {
    it("its name, level, severity, remediation, the catalogue's description and its config schema", () => {
        assert.deepEqual(published(rule), {
            name: "place-scale-to-zero-has-trigger",
            enforcementLevel: "mandatory",
            severity: "medium",
            remediationSteps:
                "Scale to zero with an event source (KEDA ScaledObject on the queue, or an HPA Object or External metric of the queue), or keep one replica.",
            inCatalogue: true,
        });
        assert.deepEqual(rule.configSchema, { properties: {} });
    });
});
