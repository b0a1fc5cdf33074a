/** The engine-shaped args the harness builds, and the pack run's level resolution. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { StackValidationPolicy } from "@pulumi/policy";
import { resourceArgs, runPack, toPolicyResources } from "../../../policies/harness";
import { isUnknownError, UNKNOWN } from "../../../policies/lib/unknown";
import { hpaBoundsValid, wlPriorityClass } from "../../../policies/rules";
import { fixture, mutated } from "../../support/policy";

describe("policy harness", () => {
    it("builds PolicyResources like the engine: URN with parent types, opts, parent, dependencies", () => {
        const rs = toPolicyResources(
            mutated("api-deployment", (_i, f) => (f.options = { ignoreChanges: ["spec.replicas"], parent: "api", dependsOn: ["api-sa"] })),
            "prod",
        );
        const d = rs.find((r) => r.name === "api-deployment")!;
        assert.equal(
            d.urn,
            "urn:pulumi:prod::sysmanage-scaling::sysmanage:compute:ScalableService$kubernetes:apps/v1:Deployment::api-deployment",
        );
        assert.deepEqual(d.opts, {
            protect: false,
            ignoreChanges: ["spec.replicas"],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            parent: "urn:pulumi:prod::sysmanage-scaling::sysmanage:compute:ScalableService::api",
        });
        assert.equal(d.parent?.name, "api");
        assert.deepEqual(
            d.dependencies.map((x) => x.name),
            ["api-sa"],
        );
        assert.equal(d.isType({ __pulumiType: "kubernetes:apps/v1:Deployment" } as never), true);
        const args = resourceArgs(d, { a: 1 });
        assert.deepEqual(args.getConfig(), { a: 1 });
        assert.equal(args.type, "kubernetes:apps/v1:Deployment");
    });
    it("props sit behind the engine's unknown-checking proxy", () => {
        const [r] = toPolicyResources([{ type: "kubernetes:core/v1:ConfigMap", name: "c", inputs: { data: UNKNOWN } }]);
        assert.throws(
            () => r.props.data,
            (e: unknown) => isUnknownError(e) && /can't be known during preview/.test((e as Error).message),
        );
    });
    it("runs each rule at its configured level; disabled rules do not run", async () => {
        const f = toPolicyResources(mutated("api-hpa", (i) => (i.spec.minReplicas = 0)));
        const rules = [hpaBoundsValid, wlPriorityClass];
        const v = await runPack(rules, f, { "hpa-bounds-valid": "advisory", "wl-priority-class": { enforcementLevel: "disabled" } });
        assert.deepEqual(
            v.map((x) => [x.rule, x.level, x.message]),
            [
                [
                    "hpa-bounds-valid",
                    "advisory",
                    "HorizontalPodAutoscaler app/api: minReplicas (0) must be >= 1; set spec.minReplicas to 1 or more.",
                ],
            ],
        );
        assert.equal(v[0].urn, "urn:pulumi:dev::sysmanage-scaling::kubernetes:autoscaling/v2:HorizontalPodAutoscaler::api-hpa");
        const m = await runPack(rules, toPolicyResources(fixture()), {});
        assert.deepEqual(m, []); // defaults: the rule's own level (mandatory), and a compliant stack
    });
    it("an unknown value escaping a rule becomes the engine's advisory 'can't run'", async () => {
        const careless: StackValidationPolicy = {
            name: "careless",
            description: "reads everything",
            enforcementLevel: "mandatory",
            validateStack: (args) => void JSON.stringify(args.resources.map((r) => r.props)),
        };
        const v = await runPack(
            [careless],
            toPolicyResources([{ type: "kubernetes:core/v1:ConfigMap", name: "c", inputs: { data: UNKNOWN } }]),
        );
        assert.deepEqual(
            v.map((x) => [x.level, x.message]),
            [["advisory", "can't run policy 'careless' during preview: string value at .data can't be known during preview"]],
        );
    });
});
