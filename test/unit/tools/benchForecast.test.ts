/** The bench CLI's money flags (tools/benchForecast.ts `pricingOf`): defaults, values, refusals. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { EXIT, pricingOf } from "../../../tools/benchForecast";
import { DEFAULT_BENCH_PRICING } from "../../../tools/forecast/benchPrice";
import { CliError } from "../../../tools/cli";

describe("bench:forecast money flags", () => {
    test("no flag: the documented defaults (the config's GCE N2 example prices, the whole burst on spot, 0.2 ÷ 730 a pod-hour, 120 s, seed 1)", () => {
        assert.deepEqual(pricingOf({}), {
            pod: { cpu: 0.5, memoryGiB: 0.5 },
            onDemand: { cpuHour: 0.031611, gibHour: 0.004237 },
            spot: { cpuHour: 0.009483, gibHour: 0.001271 },
            spotSettings: { share: 1, interruptionsPerPodHour: 0.2 / 730, noticeSeconds: 120 },
            seed: 1,
        });
        assert.deepEqual(pricingOf({}), DEFAULT_BENCH_PRICING);
    });

    test("each flag sets its field", () => {
        const p = pricingOf({
            podCpu: "2",
            podMemoryGib: "4",
            spotShare: "0.5",
            spotInterruptionRate: "0.01",
            spotNotice: "30",
            seed: "7",
        });
        assert.deepEqual(p.pod, { cpu: 2, memoryGiB: 4 });
        assert.deepEqual(p.spotSettings, { share: 0.5, interruptionsPerPodHour: 0.01, noticeSeconds: 30 });
        assert.equal(p.seed, 7);
    });

    test("a value that is not a number from 0 (a share above 1, a fractional seed) is a usage error naming the flag", () => {
        const refused = (o: Record<string, string>, message: string) =>
            assert.throws(
                () => pricingOf(o),
                (e: unknown) => e instanceof CliError && e.code === EXIT.usage && e.message === message,
            );
        refused({ priceCpu: "-1" }, '--price-cpu "-1": must be a number from 0');
        refused({ spotShare: "1.5" }, '--spot-share "1.5": must be a number from 0 to 1');
        refused({ podMemoryGib: "lots" }, '--pod-memory-gib "lots": must be a number from 0');
        refused({ seed: "1.5" }, "--seed 1.5: must be a whole number");
    });
});
