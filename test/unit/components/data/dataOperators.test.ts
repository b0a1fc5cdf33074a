/** DataOperators: the CloudNativePG and redis-operator releases with their PDBs, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DataOperators } from "../../../../components/data/dataOperators";
import { redisOperatorValues } from "../../../../lib/chartValues";
import { construct, named, resourceName, typesAndNames } from "../../../support/components";

const CNPG_DIGEST = "sha256:a2701eb97cdd2a34b1fdb2cb51987f544b706e40bec72ae7146cd8580efefebb";
const args = {
    cnpgNamespace: "cnpg-system",
    redisNamespace: "redis-operator",
    imageDigests: { "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0": CNPG_DIGEST },
};
const operatorLabels = (name: string) => ({
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/part-of": "sysmanage",
    "app.kubernetes.io/managed-by": "pulumi",
});
const cnpgPods = { "app.kubernetes.io/name": "cloudnative-pg", "app.kubernetes.io/instance": "cnpg" };
const spread = (topologyKey: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: cnpgPods },
});

describe("DataOperators", () => {
    it("declares both operators' releases, each with a PDB, children of the component", async () => {
        const { self, children } = await construct(DataOperators, "data-operators", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:data:DataOperators", "data-operators"]]);
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:helm.sh/v3:Release", "data-operators-cnpg"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "data-operators-cnpg-pdb"],
            ["kubernetes:helm.sh/v3:Release", "data-operators-redis-operator"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "data-operators-redis-operator-pdb"],
        ]);
    });

    it("the CloudNativePG release: pinned chart, atomic, its namespace created, the operator image pinned by digest", async () => {
        const { children } = await construct(DataOperators, "data-operators", args);
        assert.deepEqual(named(children, "data-operators-cnpg"), {
            type: "kubernetes:helm.sh/v3:Release",
            name: "data-operators-cnpg",
            inputs: {
                name: "cnpg",
                chart: "cloudnative-pg",
                version: "0.29.0",
                repositoryOpts: { repo: "https://cloudnative-pg.github.io/charts" },
                namespace: "cnpg-system",
                atomic: true,
                timeout: 600,
                createNamespace: true,
                // Added by @pulumi/kubernetes's Release.
                compat: "true",
                values: {
                    replicaCount: 2,
                    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } },
                    topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
                    podAnnotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "scratch-data" },
                    priorityClassName: "sysmanage-data",
                    image: { tag: `1.30.0@${CNPG_DIGEST}` },
                },
            },
            options: { parent: "data-operators", dependsOn: [], ignoreChanges: [] },
        });
    });

    it("the redis-operator release: pinned chart with the program's values (no digest listed: the chart's tag)", async () => {
        const { children } = await construct(DataOperators, "data-operators", args);
        const release = named(children, "data-operators-redis-operator");
        assert.deepEqual(release.inputs, {
            name: "redis-operator",
            chart: "redis-operator",
            version: "0.26.0",
            repositoryOpts: { repo: "https://ot-container-kit.github.io/helm-charts" },
            namespace: "redis-operator",
            atomic: true,
            timeout: 600,
            createNamespace: true,
            compat: "true",
            values: redisOperatorValues({}),
        });
        assert.equal(release.inputs.values.redisOperator, undefined);
    });

    it("each PDB keeps one of the operator's two pods up, after its release", async () => {
        const { children } = await construct(DataOperators, "data-operators", args);
        assert.deepEqual(named(children, "data-operators-cnpg-pdb"), {
            type: "kubernetes:policy/v1:PodDisruptionBudget",
            name: "data-operators-cnpg-pdb",
            inputs: {
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata: { name: "cnpg-cloudnative-pg", namespace: "cnpg-system", labels: operatorLabels("cnpg-cloudnative-pg") },
                spec: { maxUnavailable: 1, selector: { matchLabels: cnpgPods }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            },
            options: { parent: "data-operators", dependsOn: ["data-operators-cnpg"], ignoreChanges: [] },
        });
        assert.deepEqual(named(children, "data-operators-redis-operator-pdb"), {
            type: "kubernetes:policy/v1:PodDisruptionBudget",
            name: "data-operators-redis-operator-pdb",
            inputs: {
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata: { name: "redis-operator", namespace: "redis-operator", labels: operatorLabels("redis-operator") },
                spec: {
                    maxUnavailable: 1,
                    selector: { matchLabels: { name: "redis-operator" } },
                    unhealthyPodEvictionPolicy: "AlwaysAllow",
                },
            },
            options: { parent: "data-operators", dependsOn: ["data-operators-redis-operator"], ignoreChanges: [] },
        });
    });

    it("what the clusters must depend on: each operator's release", async () => {
        const { component } = await construct(DataOperators, "data-operators", args);
        assert.deepEqual(
            [component.postgresReady, component.redisReady].map((rs) => rs.map(resourceName)),
            [["data-operators-cnpg"], ["data-operators-redis-operator"]],
        );
    });

    it("an operator without a namespace is not installed, and nothing waits for it", async () => {
        const { component, children } = await construct(DataOperators, "data-operators", {
            cnpgNamespace: "cnpg-system",
            imageDigests: {},
        });
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:helm.sh/v3:Release", "data-operators-cnpg"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "data-operators-cnpg-pdb"],
        ]);
        assert.deepEqual([component.postgresReady.length, component.redisReady], [1, []]);
        const none = await construct(DataOperators, "data-operators", { imageDigests: {} });
        assert.deepEqual([none.children, none.component.postgresReady, none.component.redisReady], [[], [], []]);
    });
});
