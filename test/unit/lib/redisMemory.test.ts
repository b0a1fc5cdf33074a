/**
 * Issue 19, findings 1 and 6: the Redis memory model (a container limit that holds maxmemory,
 * fragmentation, a fork's copy-on-write and the replication buffers), the config rule that
 * refuses a ratio it cannot hold, and the directives each key family's trade-off renders.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../../../config";
import { redisConfText } from "../../../lib/data/manifests";
import { largestMaxmemoryRatio, redisConfig, redisMemoryModel, redisMemoryProblem } from "../../../lib/data/redis";
import { replicationBuffers } from "../../../policies/contract/redisMemory";
import { prodRaw } from "../../support/render";

const MiB = 2 ** 20;
const PROD = { memoryLimit: "2Gi", maxmemoryRatio: 0.52, forkCopyFraction: 0.6, replicasPerMaster: 1 };

/** The refusals parseConfig reports for prod with these overrides ([] when it accepts them). */
const refusals = (raw: Record<string, unknown>): string[] => {
    let out: string[] = [];
    assert.doesNotThrow(() => {
        try {
            parseConfig(prodRaw(raw), "prod");
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            out = e.problems;
        }
    });
    return out;
};

describe("Redis memory model", () => {
    test("prod's defaults: 1064 MiB of data, a 60 % fork copy and the buffers fit 2Gi with 31 MiB to spare", () => {
        const m = redisMemoryModel(PROD);
        // (2048 − 64 − 128 − 16) ÷ 1.7 = 1082.35 MiB; 0.52 × 2048 = 1064.96 → 1064 MiB, 0.53 → 1085 (too much).
        assert.equal(largestMaxmemoryRatio(PROD), 0.52);
        assert.deepEqual(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / MiB)])), {
            limit: 2048,
            maxmemory: 1064,
            fragmentation: 106,
            forkCopy: 638,
            backlog: 64,
            replicaBuffers: 128,
            base: 16,
            worstCase: 2017,
            headroom: 31,
            maxMaxmemory: 1082,
        });
    });

    test("today's 0.78 cannot hold a fork (fails on the settings before issue 19): the refusal gives the numbers", () => {
        assert.equal(redisMemoryModel({ ...PROD, maxmemoryRatio: 0.78 }).headroom < 0, true);
        assert.equal(
            redisMemoryProblem({ ...PROD, maxmemoryRatio: 0.78 }),
            "redis.memory (2Gi) cannot hold the worst case of redis.maxmemoryRatio (0.78): maxmemory 1597 MiB + fragmentation 160 MiB + fork copy-on-write 958 MiB (redis.forkCopyFraction 0.6) + replication backlog 64 MiB + replica output buffers 1 × 128 MiB + process 16 MiB = 2923 MiB > 2048 MiB; set redis.maxmemoryRatio <= 0.52 or raise redis.memory",
        );
        assert.equal(redisMemoryProblem(PROD), undefined);
    });

    test("the largest ratio that fits is the one the refusal names; one point above it is refused", () => {
        for (const memoryLimit of ["256Mi", "512Mi", "1Gi", "2Gi", "8Gi"])
            for (const replicasPerMaster of [0, 1, 2]) {
                const maxRatio = largestMaxmemoryRatio({ ...PROD, memoryLimit, replicasPerMaster });
                assert.equal(redisMemoryProblem({ ...PROD, memoryLimit, replicasPerMaster, maxmemoryRatio: maxRatio }), undefined);
                const above = Math.round((maxRatio + 0.01) * 100) / 100;
                assert.match(redisMemoryProblem({ ...PROD, memoryLimit, replicasPerMaster, maxmemoryRatio: above }) ?? "", /cannot hold/);
            }
    });

    test("buffers scale with the limit: backlog 1/32, replica output buffer hard 1/16, soft 1/32", () => {
        assert.deepEqual(replicationBuffers("2Gi"), { backlog: 64 * MiB, replicaHard: 128 * MiB, replicaSoft: 64 * MiB });
        assert.deepEqual(replicationBuffers("256Mi"), { backlog: 8 * MiB, replicaHard: 16 * MiB, replicaSoft: 8 * MiB });
    });
});

describe("config rule: redis memory", () => {
    test("a ratio the limit cannot hold is refused with the numbers", () => {
        assert.deepEqual(refusals({ redis: { maxmemoryRatio: 0.78 } }), [
            "Pulumi.prod.yaml: redis.memory (2Gi) cannot hold the worst case of redis.maxmemoryRatio (0.78): maxmemory 1597 MiB + fragmentation 160 MiB + fork copy-on-write 958 MiB (redis.forkCopyFraction 0.6) + replication backlog 64 MiB + replica output buffers 1 × 128 MiB + process 16 MiB = 2923 MiB > 2048 MiB; set redis.maxmemoryRatio <= 0.52 or raise redis.memory",
            // The session store (1Gi) runs with the same ratio, and is held to the same model.
            "Pulumi.prod.yaml: redis.sessions.memory (1Gi) cannot hold the worst case of redis.maxmemoryRatio (0.78): maxmemory 798 MiB + fragmentation 80 MiB + fork copy-on-write 479 MiB (redis.forkCopyFraction 0.6) + replication backlog 32 MiB + replica output buffers 1 × 64 MiB + process 16 MiB = 1469 MiB > 1024 MiB; set redis.maxmemoryRatio <= 0.52 or raise redis.sessions.memory",
        ]);
    });
    test("a session store too small for the ratio is refused by its own key; a disabled one is not checked", () => {
        assert.deepEqual(refusals({ redis: { sessions: { memory: "512Mi" } } }), [
            "Pulumi.prod.yaml: redis.sessions.memory (512Mi) cannot hold the worst case of redis.maxmemoryRatio (0.52): maxmemory 266 MiB + fragmentation 27 MiB + fork copy-on-write 160 MiB (redis.forkCopyFraction 0.6) + replication backlog 16 MiB + replica output buffers 1 × 32 MiB + process 16 MiB = 516 MiB > 512 MiB; set redis.maxmemoryRatio <= 0.51 or raise redis.sessions.memory",
        ]);
        assert.deepEqual(refusals({ redis: { sessions: { enabled: false, memory: "512Mi" } } }), []);
    });
    test("the defaults hold; a disabled Redis is not checked", () => {
        assert.deepEqual(refusals({}), []);
        assert.deepEqual(refusals({ redis: { enabled: false, maxmemoryRatio: 0.9 } }), []);
    });
});

describe("rendered directives (findings 1 and 6)", () => {
    test("2Gi, volatile-lru: the exact redis.conf lines", () => {
        const lines = redisConfText(redisConfig({ memoryLimit: "2Gi", maxmemoryRatio: 0.52, evictionPolicy: "volatile-lru" })).split("\n");
        assert.deepEqual(lines, [
            "maxmemory 1064mb",
            "maxmemory-policy volatile-lru",
            "cluster-node-timeout 5000",
            "cluster-require-full-coverage no",
            "cluster-allow-reads-when-down no",
            // A replica cut off for more than 10 × 5 s (+ the ping period) does not win a failover.
            "cluster-replica-validity-factor 10",
            // No save points: no periodic fork (and it clears the operator image's own).
            'save ""',
            "appendonly no",
            "repl-diskless-sync yes",
            `repl-backlog-size ${64 * MiB}`,
            `client-output-buffer-limit normal 0 0 0 slave ${128 * MiB} ${64 * MiB} 60 pubsub 33554432 8388608 60`,
            "lazyfree-lazy-eviction yes",
            "lazyfree-lazy-expire yes",
            "tcp-keepalive 60",
            "",
        ]);
    });

    test('the ConfigMap writes `save ""` (a bare `save` does not parse)', () => {
        assert.equal(redisConfText({ save: "", appendonly: "no" }), 'save ""\nappendonly no\n');
    });
});
