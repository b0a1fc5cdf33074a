/** MetricsAdapter: the pinned prometheus-adapter release with our rules only, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MetricsAdapter } from "../../../../components/platform/metricsAdapter";
import { prometheusAdapterValues } from "../../../../lib/chartValues";
import { customRules, namespaceRules } from "../../../../lib/metricsRules";
import { construct, typesAndNames, valueOf } from "../../../support/components";

const DIGEST = "sha256:7a5f8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2e4f6a";
const args = {
    namespace: "monitoring",
    prometheusUrl: "http://prometheus.monitoring.svc",
    prometheusPort: 9090,
    imageDigests: { "registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0": DIGEST },
};

describe("MetricsAdapter", () => {
    it("declares one pinned, atomic release of prometheus-adapter, child of the component", async () => {
        const { self, children } = await construct(MetricsAdapter, "metrics-adapter", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:platform:MetricsAdapter", "metrics-adapter"]]);
        assert.deepEqual(typesAndNames(children), [["kubernetes:helm.sh/v3:Release", "metrics-adapter-release"]]);
        const { values, ...release } = children[0].inputs;
        assert.deepEqual(release, {
            name: "prometheus-adapter",
            chart: "prometheus-adapter",
            version: "5.3.0",
            repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
            namespace: "monitoring",
            atomic: true,
            timeout: 600,
            // Added by @pulumi/kubernetes's Release.
            compat: "true",
        });
        assert.deepEqual(children[0].options, { parent: "metrics-adapter", dependsOn: [], ignoreChanges: [] });
        assert.equal(values.image.tag, `v0.12.0@${DIGEST}`);
    });

    it("values: the production pod settings, the Prometheus to query, our custom rules and no external ones (external.metrics.k8s.io is KEDA's)", async () => {
        const { children } = await construct(MetricsAdapter, "metrics-adapter", args);
        assert.deepEqual(
            children[0].inputs.values,
            JSON.parse(
                JSON.stringify({
                    ...prometheusAdapterValues(args.imageDigests),
                    prometheus: { url: "http://prometheus.monitoring.svc", port: 9090, path: "" },
                    rules: { default: false, custom: [...customRules(), ...namespaceRules()], external: [] },
                }),
            ),
        );
        assert.equal(children[0].inputs.values.replicas, 2);
        // chart 5.3.0 renders the external APIService and its RBAC only when rules.external is non-empty.
        assert.deepEqual(children[0].inputs.values.rules.external, []);
    });

    it("exposes the release's name", async () => {
        const { component } = await construct(MetricsAdapter, "metrics-adapter", args);
        assert.equal(await valueOf(component.releaseName), "prometheus-adapter");
    });
});
