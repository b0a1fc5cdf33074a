/**
 * The program's own stacks pass the pack: each stack rendered with the foundation's machinery
 * and run through every rule with its environment's config. Zero mandatory violations;
 * advisories are printed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runPack, toPolicyResources } from "../../../policies/harness";
import { ALL_RULES } from "../../../policies/rules";
import { PACK_CONFIG } from "../../support/policy";
import { rendered } from "../../support/render";

describe("the program's own stacks pass the policy pack", () => {
    for (const stack of ["dev", "staging", "prod"]) {
        it(`${stack}: no mandatory violation under policies/config/${stack}.json`, async () => {
            const r = await rendered(stack);
            const env = String(r.outputs.environment);
            assert.equal(env, stack);
            const violations = await runPack(ALL_RULES, toPolicyResources(r.resources, stack), PACK_CONFIG[env]);
            for (const v of violations.filter((x) => x.level === "advisory")) console.log(`[advisory] ${stack} ${v.rule}: ${v.message}`);
            assert.deepEqual(
                violations.filter((x) => x.level === "mandatory").map((v) => `${v.rule}: ${v.message}`),
                [],
            );
        });
    }
});
