import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../config/errors";
import { parseConfig } from "../../../config/parse";
import { withForecast } from "../../../plan/forecast";

const dev = () => parseConfig({ environment: "dev" }, "dev");

describe("withForecast: the forecast's numbers as if the stack file said so", () => {
    test("sets workload bounds and data-tier counts, leaves the rest, and returns a frozen config", () => {
        const c = dev();
        const f = withForecast(
            c,
            { "api.minReplicas": 2, "api.maxReplicas": 7, "workers.queue.maxReplicas": 9, "redis.masters": 4 },
            "dev",
        );
        assert.deepEqual([f.api.minReplicas, f.api.maxReplicas, f.workers.queue.maxReplicas, f.redis.masters], [2, 7, 9, 4]);
        assert.equal(f.workers.queue.minReplicas, c.workers.queue.minReplicas);
        assert.deepEqual({ ...f, api: c.api, workers: c.workers, redis: c.redis }, { ...c });
        assert.ok(Object.isFrozen(f.api));
        // The configured config is not touched.
        assert.notEqual(c.api.maxReplicas, 7);
    });

    test("every config rule runs on the final numbers", () => {
        assert.throws(
            () => withForecast(dev(), { "api.minReplicas": 9, "api.maxReplicas": 5 }, "dev"),
            (e: unknown) => e instanceof ConfigError && e.message.includes("api.minReplicas (9) must be <= api.maxReplicas (5)"),
        );
    });

    test("a key that is not a numeric config key is a bug of the step, named", () => {
        assert.throws(() => withForecast(dev(), { "api.nope.minReplicas": 1 }, "dev"), {
            message: "the forecast set api.nope.minReplicas, which is not a config key",
        });
        assert.throws(() => withForecast(dev(), { "api.image": 1 }, "dev"), {
            message: "the forecast set api.image, which is not a numeric config key",
        });
    });
});
