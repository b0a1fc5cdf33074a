/** Pod Security Admission (v1.34.0 port) over every stack's pod templates; the checks themselves are tested in test/unit/admission/podSecurity.test.ts. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { podSecurityLevel, podSecurityProblems } from "../../../policies/lib/podSecurity";
import { objectsOf, STACKS } from "../../support/render";

describe("the stacks' pod templates at their namespace's enforce level", () => {
    for (const stack of STACKS)
        it(`${stack}: every Deployment/StatefulSet template passes`, async () => {
            const objects = await objectsOf(stack);
            const labels = new Map(objects.filter((o) => o.kind === "Namespace").map((o) => [o.metadata.name, o.metadata.labels]));
            const templates = objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
            assert.ok(templates.length >= 6);
            for (const o of templates) {
                const { level } = podSecurityLevel(labels.get(o.metadata.namespace));
                assert.equal(level, "restricted", `${o.metadata.name}`);
                assert.deepEqual(
                    podSecurityProblems(level, o.spec.template.metadata, o.spec.template.spec),
                    [],
                    `${o.kind} ${o.metadata.name}`,
                );
            }
        });
});
