/** Every rule passes the compliant fixture, under every environment's config, and under unknown values. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ALL_RULES } from "../../../policies/rules";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { envConfig, fixture, messages } from "../../support/policy";

describe("policy pack: compliant fixture", () => {
    it("has 53 rules with unique ids, descriptions, severities and remediation", () => {
        assert.equal(ALL_RULES.length, 53);
        assert.equal(new Set(ALL_RULES.map((r) => r.name)).size, 53);
        for (const r of ALL_RULES) {
            assert.ok(r.description.length > 20, r.name);
            assert.ok(r.severity, r.name);
            assert.ok((r.remediationSteps ?? "").length > 10, r.name);
            assert.ok(r.configSchema, r.name);
        }
    });
    for (const rule of ALL_RULES) {
        it(`${rule.name} passes the compliant fixture (dev, staging and prod thresholds)`, async () => {
            for (const env of ["dev", "staging", "prod"])
                assert.deepEqual(await messages(rule, fixture(), envConfig(rule.name, env)), [], env);
        });
        it(`${rule.name} treats unknown specs as "cannot check" (no violation, no error)`, async () => {
            const f = fixture().map((r) => (r.inputs.spec ? { ...r, inputs: { ...r.inputs, spec: UNKNOWN } } : r));
            assert.deepEqual(await messages(rule, f), []);
            const g = fixture().map((r) =>
                r.inputs.metadata ? { ...r, inputs: { ...r.inputs, metadata: { ...r.inputs.metadata, name: UNKNOWN } } } : r,
            );
            assert.deepEqual(await messages(rule, g), []);
        });
    }
});
