/** Keda: the pinned KEDA release with its operator metrics scraped, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Keda } from "../../../../components/platform/keda";
import { construct, resourceName, typesAndNames } from "../../../support/components";

const args = { namespace: "keda", imageDigests: {}, monitoring: { labels: { release: "prom" }, interval: "30s" } };

describe("Keda", () => {
    it("declares one pinned, atomic release of the KEDA chart: two replicas and a PDB each, the operator's PodMonitor labelled for our Prometheus", async () => {
        const { self, children } = await construct(Keda, "keda", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:platform:Keda", "keda"]]);
        assert.deepEqual(children, [
            {
                type: "kubernetes:helm.sh/v3:Release",
                name: "keda-release",
                inputs: {
                    name: "keda",
                    chart: "keda",
                    version: "2.19.0",
                    repositoryOpts: { repo: "https://kedacore.github.io/charts" },
                    namespace: "keda",
                    atomic: true,
                    timeout: 600,
                    // Added by @pulumi/kubernetes's Release.
                    compat: "true",
                    values: {
                        // No digest listed: the chart's tags.
                        image: { keda: {}, metricsApiServer: {}, webhooks: {} },
                        operator: { replicaCount: 2 },
                        metricsServer: { replicaCount: 2 },
                        webhooks: { replicaCount: 2 },
                        podDisruptionBudget: {
                            operator: { maxUnavailable: 1 },
                            metricServer: { maxUnavailable: 1 },
                            webhooks: { maxUnavailable: 1 },
                        },
                        prometheus: {
                            operator: {
                                enabled: true,
                                podMonitor: { enabled: true, interval: "30s", additionalLabels: { release: "prom" } },
                            },
                        },
                    },
                },
                options: { parent: "keda", dependsOn: [], ignoreChanges: [] },
            },
        ]);
    });

    it("pins each KEDA image listed by digest as <tag>@<digest>, leaving the others to the chart's tags", async () => {
        const digest = `sha256:${"4".repeat(64)}`;
        const imageDigests = { "ghcr.io/kedacore/keda-metrics-apiserver:2.19.0": digest };
        const { children } = await construct(Keda, "keda", { ...args, imageDigests });
        const values = children[0].inputs.values as Record<string, unknown>;
        assert.deepEqual(values.image, { keda: {}, metricsApiServer: { tag: `2.19.0@${digest}` }, webhooks: {} });
    });

    it("exposes the release, which ScaledObjects wait for (it installs the CRD and the webhook)", async () => {
        const { component } = await construct(Keda, "keda", args);
        assert.equal(resourceName(component.release), "keda-release");
    });
});
