/** The API-server validation port (kubernetes v1.34.0) over every stack's rendered objects; the rules themselves are tested in test/unit/admission/kubeApi.test.ts. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kubeApi } from "../../../admission/kubeApi";
import type { Manifest } from "../../../admission/types";
import { objectsOf, STACKS } from "../../support/render";

describe("kubeApi on the rendered stacks", () => {
    for (const stack of STACKS)
        it(`${stack}: the API server accepts every built-in object`, async () => {
            const objects = await objectsOf(stack);
            const violations = objects.flatMap((o) =>
                kubeApi.check(o as Manifest, { objects: objects as Manifest[], namespaceLabels: () => undefined }),
            );
            assert.deepEqual(violations, []);
            assert.ok(
                objects.filter((o) =>
                    ["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"].includes(String(o.kind)),
                ).length >= 20,
            );
        });
});
