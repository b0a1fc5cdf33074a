/** The cost model's config (issue 17): its defaults, and each wrong value as the exact line the user sees. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../../../config";

function problems(cost: unknown): string[] {
    try {
        parseConfig({ environment: "dev", cost }, "dev");
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.problems;
    }
    return [];
}

describe("cost config", () => {
    test("defaults: USD, the documented example prices, 730 hours, a floor busy 90 % of the hours", () => {
        assert.deepEqual(parseConfig({ environment: "dev" }, "dev").cost, {
            currency: "USD",
            prices: {
                onDemand: { vcpuHour: 0.031611, gibHour: 0.004237 },
                spot: { vcpuHour: 0.009483, gibHour: 0.001271 },
                reserved: { vcpuHour: 0.019915, gibHour: 0.002669 },
            },
            hoursPerMonth: 730,
            reserved: { coverage: 0.9 },
        });
    });

    test("a stack sets what differs: EUR prices, the rest default", () => {
        const c = parseConfig({ environment: "dev", cost: { currency: "EUR", prices: { onDemand: { vcpuHour: 0.05 } } } }, "dev").cost;
        assert.deepEqual([c.currency, c.prices.onDemand, c.prices.spot.vcpuHour], ["EUR", { vcpuHour: 0.05, gibHour: 0.004237 }, 0.009483]);
    });

    test("the currency is an ISO 4217 code", () => {
        assert.deepEqual(problems({ currency: "usd" }), [
            'Pulumi.dev.yaml: cost.currency ("usd") must be an ISO 4217 currency code in capitals, such as USD, EUR or GBP',
        ]);
        assert.deepEqual(problems({ currency: "XYZ" }), [
            'Pulumi.dev.yaml: cost.currency ("XYZ") must be an ISO 4217 currency code in capitals, such as USD, EUR or GBP',
        ]);
    });

    test("prices are > 0 and finite, hours a month's, the coverage a share in (0, 1]", () => {
        assert.deepEqual(problems({ prices: { onDemand: { gibHour: 0 }, spot: { vcpuHour: -1 } } }), [
            "Pulumi.dev.yaml: cost.prices.onDemand.gibHour (0) must be > 0",
            "Pulumi.dev.yaml: cost.prices.spot.vcpuHour (-1) must be > 0",
        ]);
        assert.deepEqual(problems({ prices: { reserved: { vcpuHour: Infinity } } }), [
            "Pulumi.dev.yaml: cost.prices.reserved.vcpuHour (Infinity) must be a finite number",
        ]);
        assert.deepEqual(problems({ hoursPerMonth: 800 }), ["Pulumi.dev.yaml: cost.hoursPerMonth (800) must be <= 744"]);
        assert.deepEqual(problems({ reserved: { coverage: 0 } }), ["Pulumi.dev.yaml: cost.reserved.coverage (0) must be > 0"]);
        assert.deepEqual(problems({ reserved: { coverage: 1.5 } }), ["Pulumi.dev.yaml: cost.reserved.coverage (1.5) must be <= 1"]);
    });

    test("spot and reserved at most on-demand, unit by unit", () => {
        assert.deepEqual(
            problems({
                prices: {
                    onDemand: { vcpuHour: 0.04, gibHour: 0.005 },
                    spot: { vcpuHour: 0.05, gibHour: 0.001 },
                    reserved: { vcpuHour: 0.03, gibHour: 0.006 },
                },
            }),
            [
                "Pulumi.dev.yaml: cost.prices.spot.vcpuHour (0.05) must be <= cost.prices.onDemand.vcpuHour (0.04): spot capacity is a discount on on-demand capacity",
                "Pulumi.dev.yaml: cost.prices.reserved.gibHour (0.006) must be <= cost.prices.onDemand.gibHour (0.005): reserved capacity is a discount on on-demand capacity",
            ],
        );
        // Equal is allowed (no discount).
        assert.deepEqual(problems({ prices: { onDemand: { vcpuHour: 0.04 }, spot: { vcpuHour: 0.04 } } }), []);
    });
});
