/** The per-environment pack configs: every rule at the level, thresholds valid against each configSchema. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import Ajv from "ajv";
import { ALL_RULES } from "../../../policies/rules";
import { PACK_CONFIG } from "../../support/policy";

/** Issue 5's M/A/D columns for dev/staging/prod. */
const LEVELS: Record<string, string> = {
    "hpa-bounds-valid": "MMM",
    "hpa-min-replicas-ha": "AAM",
    "hpa-target-resolves": "AMM",
    "hpa-one-autoscaler-per-target": "MMM",
    "hpa-target-requests-set": "MMM",
    "hpa-metrics-and-behavior": "AAM",
    "hpa-owns-replicas": "AMM",
    "hpa-max-fits-capacity": "AAM",
    "vpa-hpa-no-resource-overlap": "MMM",
    "vpa-target-resolves-unique": "AMM",
    "vpa-bounds-set": "AAM",
    "pdb-required-for-ha-workloads": "DAM",
    "pdb-eviction-possible-at-min-scale": "AMM",
    "pdb-selector-hygiene": "MMM",
    "pdb-unhealthy-pod-eviction": "DAA",
    "topo-spread-zone-and-host": "DAM",
    "wl-min-replicas-non-hpa": "DAM",
    "wl-resource-requests": "AMM",
    "wl-resource-limits": "AAM",
    "wl-probes": "AMM",
    "wl-graceful-shutdown": "DAM",
    "wl-rollout-safety": "AAM",
    "wl-image-pinned": "AMM",
    // Issue 17 #2: the stack declares its classes, so prod requires one of them on every workload.
    "wl-priority-class": "DAM",
    "wl-priority-order": "AMM",
    "wl-no-bare-pods": "AMM",
    // Added with the pod-aware pack (issue 12): a cost lever, mandatory in prod.
    "wl-evictable-local-volumes": "AAM",
    "meta-stable-apis-and-labels": "AMM",
    "sec-pss-baseline": "MMM",
    "sec-pss-restricted": "AMM",
    "sec-readonly-rootfs": "AAM",
    "sec-credential-exposure": "AMM",
    "net-service-targets-workload": "AMM",
    "net-routes-resolve": "AMM",
    "net-tls-everywhere": "DAM",
    "net-exposure-controls": "AMM",
    "net-policy-coverage": "DAM",
    "pg-cluster-ha-and-drainable": "AMM",
    "pool-connection-budget": "AMM",
    "pool-pooler-ha-and-mode": "DAM",
    "redis-cluster-topology": "AMM",
    // Added with the memory models (issue 19).
    "pg-memory-bounded": "AMM",
    "redis-memory-bounded": "AMM",
    // The shards (issue 18).
    "shard-ha-in-prod": "AMM",
    "shard-map-buckets-once": "AMM",
    "forecast-fresh": "AAM",
    "forecast-change-bounded": "AAM",
    // The floor schedule (issue 16).
    "forecast-schedule-bounded": "AMM",
    "forecast-schedule-current": "AAM",
    "forecast-schedule-not-pinned": "AMM",
    // Issue 17 #6: a data-tier pod on spot and a dead scale-to-zero break every environment; dev may lack an on-demand floor.
    "place-data-not-on-spot": "MMM",
    "place-spot-has-on-demand-floor": "AMM",
    "place-scale-to-zero-has-trigger": "MMM",
};
const WORD: Record<string, string> = { M: "mandatory", A: "advisory", D: "disabled" };
const ENVS = ["dev", "staging", "prod"] as const;

describe("policies/config/*.json", () => {
    it("the rule list matches issue 5's table", () => {
        assert.deepEqual(ALL_RULES.map((r) => r.name).sort(), Object.keys(LEVELS).sort());
    });
    ENVS.forEach((env, col) => {
        it(`${env}.json sets every rule, and only rules, at the issue's level`, () => {
            const cfg = PACK_CONFIG[env];
            assert.deepEqual(Object.keys(cfg).sort(), Object.keys(LEVELS).sort());
            for (const [rule, levels] of Object.entries(LEVELS)) {
                const c = cfg[rule];
                assert.equal(typeof c === "string" ? c : c.enforcementLevel, WORD[levels[col]], `${env} ${rule}`);
            }
        });
        it(`${env}.json validates against every rule's configSchema (ajv, no unknown keys)`, () => {
            const ajv = new Ajv({ strict: true, allErrors: true });
            for (const rule of ALL_RULES) {
                const validate = ajv.compile({
                    type: "object",
                    properties: {
                        ...rule.configSchema!.properties,
                        enforcementLevel: { enum: ["advisory", "mandatory", "remediate", "disabled"] },
                    },
                    required: rule.configSchema!.required ?? [],
                    additionalProperties: false,
                });
                const c = PACK_CONFIG[env][rule.name];
                const value = typeof c === "string" ? { enforcementLevel: c } : c;
                assert.ok(validate(value), `${env} ${rule.name}: ${ajv.errorsText(validate.errors)}`);
            }
        });
    });
    it("every configSchema default validates against its own schema", () => {
        const ajv = new Ajv({ strict: true });
        for (const rule of ALL_RULES)
            for (const [k, s] of Object.entries(rule.configSchema!.properties)) {
                const { default: d, ...rest } = s as { default?: unknown };
                assert.notEqual(d, undefined, `${rule.name}.${k} has a default`);
                assert.ok(ajv.validate(rest, d), `${rule.name}.${k}`);
            }
    });
    it("a misspelt threshold is rejected", () => {
        const ajv = new Ajv({ strict: true });
        const rule = ALL_RULES.find((r) => r.name === "hpa-min-replicas-ha")!;
        const validate = ajv.compile({
            type: "object",
            properties: { ...rule.configSchema!.properties, enforcementLevel: {} },
            additionalProperties: false,
        });
        assert.equal(validate({ enforcementLevel: "mandatory", flor: 2 }), false);
        assert.equal(validate({ enforcementLevel: "mandatory", floor: 0 }), false);
    });
});
