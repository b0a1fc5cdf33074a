/** VerticalPodAutoscaler: the pinned VPA release, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { VerticalPodAutoscaler } from "../../../../components/platform/verticalPodAutoscaler";
import { vpaValues } from "../../../../lib/chartValues";
import { construct, resourceName, typesAndNames } from "../../../support/components";

const DIGEST = "sha256:9c7b0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e2f4a6b8c";
const args = { namespace: "kube-system", imageDigests: { "registry.k8s.io/autoscaling/vpa-recommender:1.7.1": DIGEST } };

describe("VerticalPodAutoscaler", () => {
    it("declares one pinned, atomic release of the VPA chart with the program's values, child of the component", async () => {
        const { self, children } = await construct(VerticalPodAutoscaler, "vpa", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:platform:VerticalPodAutoscaler", "vpa"]]);
        assert.deepEqual(children, [
            {
                type: "kubernetes:helm.sh/v3:Release",
                name: "vpa-release",
                inputs: {
                    name: "vertical-pod-autoscaler",
                    chart: "vertical-pod-autoscaler",
                    version: "0.11.0",
                    repositoryOpts: { repo: "https://kubernetes.github.io/autoscaler" },
                    namespace: "kube-system",
                    atomic: true,
                    timeout: 600,
                    // Added by @pulumi/kubernetes's Release.
                    compat: "true",
                    values: JSON.parse(JSON.stringify(vpaValues(args.imageDigests))),
                },
                options: { parent: "vpa", dependsOn: [], ignoreChanges: [] },
            },
        ]);
        // Only the listed image is pinned; the others keep the chart's tag.
        const values = children[0].inputs.values;
        assert.deepEqual([values.recommender.image, values.updater.image], [{ tag: `1.7.1@${DIGEST}` }, undefined]);
    });

    it("exposes the release, which VerticalPodAutoscaler objects wait for (it installs the CRD)", async () => {
        const { component } = await construct(VerticalPodAutoscaler, "vpa", args);
        assert.equal(resourceName(component.release), "vpa-release");
    });
});
