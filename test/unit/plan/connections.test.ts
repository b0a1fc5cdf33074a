import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../../config/parse";
import { planStack } from "../../../plan/stack";
import {
    connectedPod,
    passwordKeepers,
    redisCredentialsAnnotations,
    CREDENTIALS_VERSION_ANNOTATION,
    REDIS_CREDENTIALS_VERSION_ANNOTATION,
} from "../../../plan/connections";

/** A valid prod config (prod requires a backup destination) with overrides. */
const prod = (over: Record<string, unknown> = {}) =>
    parseConfig(
        { ...over, postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" }, ...(over.postgres as object) } },
        "prod",
    );

const ref = (name: string, secret: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
const WRITE = ref("SYSMANAGE_DATABASE_WRITE_URL", "sysmanage-write", "uri");
const READ = ref("SYSMANAGE_DATABASE_READ_URL", "sysmanage-read", "uri");
const ANALYTICS = ref("SYSMANAGE_DATABASE_ANALYTICS_URL", "sysmanage-analytics", "uri");
const REDIS = [
    { name: "SYSMANAGE_REDIS_NODES", value: "sysmanage-redis-leader:6379" },
    ref("SYSMANAGE_REDIS_PASSWORD", "sysmanage-redis-auth", "password"),
];
const SESSIONS = [
    { name: "SYSMANAGE_SESSION_REDIS_NODES", value: "sysmanage-redis-sessions-leader:6379" },
    ref("SYSMANAGE_SESSION_REDIS_PASSWORD", "sysmanage-redis-sessions-auth", "password"),
];

describe("connection settings of the workloads", () => {
    test("prod: API and workers write, read and cache, the API alone has the session store; analytics reads the analytics replica only", () => {
        const p = planStack(prod(), "prod");
        assert.deepEqual(p.workloads[0].pod.env, [WRITE, READ, ...REDIS, ...SESSIONS]);
        assert.deepEqual(p.workloads[1].pod.env, [
            { name: "SYSMANAGE_WORKER_POOL", value: "queue" },
            { name: "SYSMANAGE_QUEUE", value: "queue" },
            WRITE,
            READ,
            ...REDIS,
        ]);
        assert.deepEqual(p.analytics!.env, [ANALYTICS]);
        for (const pod of [...p.workloads.map((w) => w.pod), p.analytics!])
            assert.deepEqual(pod.annotations, { [CREDENTIALS_VERSION_ANNOTATION]: "1" }, pod.name);
    });

    test("a disabled tier is not referenced: no Redis settings without Redis (cache and sessions), no URLs without Postgres", () => {
        const noRedis = planStack(prod({ redis: { enabled: false } }), "prod");
        assert.deepEqual(noRedis.workloads[0].pod.env, [WRITE, READ]);
        const noPostgres = planStack(prod({ postgres: { enabled: false } }), "prod");
        assert.deepEqual(noPostgres.workloads[0].pod.env, [...REDIS, ...SESSIONS]);
        const noSessions = planStack(prod({ redis: { sessions: { enabled: false } } }), "prod");
        assert.deepEqual(noSessions.workloads[0].pod.env, [WRITE, READ, ...REDIS]);
        assert.equal(noPostgres.analytics!.env, undefined);
        assert.equal(noPostgres.analytics!.annotations, undefined);
    });

    test("the Redis seed follows network.redisPort; the annotation follows databaseAccess.credentialsVersion", () => {
        const p = planStack(prod({ network: { redisPort: 7000 }, databaseAccess: { credentialsVersion: 7 } }), "prod");
        assert.deepEqual(p.workloads[0].pod.env![2], { name: "SYSMANAGE_REDIS_NODES", value: "sysmanage-redis-leader:7000" });
        assert.equal(p.workloads[0].pod.annotations![CREDENTIALS_VERSION_ANNOTATION], "7");
    });

    test("password keepers: none before the first rotation, the version after", () => {
        assert.equal(passwordKeepers(1), undefined);
        assert.deepEqual(passwordKeepers(2), { credentialsVersion: "2" });
    });

    test("redis.credentialsVersion: no Redis annotation at 1; at 2 on every pod that holds a Redis password, and only there", () => {
        assert.deepEqual(redisCredentialsAnnotations(1), {});
        assert.deepEqual(redisCredentialsAnnotations(2), { "sysmanage.io/redis-credentials-version": "2" });
        assert.equal(REDIS_CREDENTIALS_VERSION_ANNOTATION, "sysmanage.io/redis-credentials-version");
        const p = planStack(prod({ redis: { credentialsVersion: 2 } }), "prod");
        for (const w of p.workloads)
            assert.deepEqual(
                w.pod.annotations,
                { "sysmanage.io/credentials-version": "1", "sysmanage.io/redis-credentials-version": "2" },
                w.pod.name,
            );
        // Analytics has no Redis: a Redis rotation leaves it running.
        assert.deepEqual(p.analytics!.annotations, { "sysmanage.io/credentials-version": "1" });
        // Only Redis connected (no Postgres): the pods still roll with the Redis version.
        const noPostgres = planStack(prod({ postgres: { enabled: false }, redis: { credentialsVersion: 3 } }), "prod");
        assert.equal(noPostgres.workloads[0].pod.annotations!["sysmanage.io/redis-credentials-version"], "3");
        // No Redis: the key rolls nothing.
        const noRedis = planStack(prod({ redis: { enabled: false, credentialsVersion: 2 } }), "prod");
        assert.deepEqual(noRedis.workloads[0].pod.annotations, { "sysmanage.io/credentials-version": "1" });
    });

    test("the two versions are independent: rotating the database roles leaves the Redis annotation out", () => {
        const p = planStack(prod({ databaseAccess: { credentialsVersion: 2 } }), "prod");
        assert.deepEqual(p.workloads[0].pod.annotations, { "sysmanage.io/credentials-version": "2" });
    });

    test("a workload kind without planned connections is refused", () => {
        const data = planStack(prod(), "prod").data;
        assert.throws(
            () => connectedPod({ component: "batch" }, { data, redisPort: 6379, credentialsVersion: 1, redisCredentialsVersion: 1 }),
            /^Error: batch: no connections planned for this workload kind$/,
        );
    });
});
