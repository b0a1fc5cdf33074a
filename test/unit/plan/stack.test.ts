import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../config/errors";
import { parseConfig } from "../../../config/parse";
import { planStack, roleEndpoints, PG_ADMIN_SECRET } from "../../../plan/stack";
import { componentLabels, stackLabels } from "../../../plan/labels";

/** A valid prod config (prod requires a backup destination) with overrides. */
const prod = (over: Record<string, unknown> = {}) =>
    parseConfig(
        { ...over, postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" }, ...(over.postgres as object) } },
        "prod",
    );

describe("planStack", () => {
    test("labels: the stack's on every object, the data tier's with component and instance", () => {
        const p = planStack(prod({ cluster: { name: "c1", region: "us-east-1" } }), "prod");
        assert.deepEqual(p.labels, {
            "app.kubernetes.io/part-of": "sysmanage",
            "app.kubernetes.io/managed-by": "pulumi",
            "sysmanage.io/environment": "prod",
            "sysmanage.io/cluster": "c1",
        });
        assert.deepEqual(p.dataLabels.pooler, {
            ...p.labels,
            "app.kubernetes.io/component": "pooler",
            "app.kubernetes.io/instance": "prod",
        });
        assert.deepEqual(componentLabels(stackLabels("dev", "k"), "cache", "dev")["app.kubernetes.io/component"], "cache");
        assert.equal(p.gatewayName, "sysmanage-us-east-1");
    });

    test("each region's stack publishes only its own DNS record set", () => {
        const regions = [
            { name: "us-east-1", target: "a.example.com", weight: 50 },
            { name: "eu-west-1", target: "b.example.com", weight: 50 },
        ];
        const p = planStack(prod({ cluster: { name: "c", region: "eu-west-1" }, dns: { routing: "weighted", regions } }), "prod");
        assert.deepEqual(
            p.dnsRegions.map((r) => r.name),
            ["eu-west-1"],
        );
    });

    test("workloads: the API first, then the enabled worker pools, each with its config key and the forecast's annotations", () => {
        const p = planStack(prod({ workers: { report: { enabled: false } } }), "prod", { annotations: { api: { a: "1" } } });
        assert.deepEqual(
            p.workloads.map((w) => [w.key, w.configKey, w.pod.name]),
            [
                ["api", "api", "sysmanage-api"],
                ["worker-queue", "workers.queue", "sysmanage-worker-queue"],
                ["worker-agent", "workers.agent", "sysmanage-worker-agent"],
                ["worker-cleanup", "workers.cleanup", "sysmanage-worker-cleanup"],
            ],
        );
        assert.deepEqual(p.workloads[0].annotations, { a: "1" });
        assert.equal(p.workloads[1].annotations, undefined);
    });

    test("network: Prometheus scrapes the workloads' ports and the data tier's exporters", () => {
        const p = planStack(prod(), "prod");
        assert.deepEqual(p.network.apiSelector, { "app.kubernetes.io/name": "sysmanage-api", "app.kubernetes.io/instance": "prod" });
        assert.deepEqual(p.network.metricsPorts.slice(-3), [9187, 9127, 9121]);
        assert.equal(p.network.dataTier!.redis, "sysmanage-redis");
        assert.equal(p.network.dataTier!.redisSessions, "sysmanage-redis-sessions");
        const bare = planStack(prod({ postgres: { enabled: false }, redis: { enabled: false } }), "prod");
        assert.ok(!bare.network.metricsPorts.some((x) => [9187, 9127, 9121].includes(x)));
        assert.deepEqual(bare.network.dataTier, {
            postgres: false,
            redis: undefined,
            redisSessions: undefined,
            cnpgOperatorNamespace: bare.network.dataTier!.cnpgOperatorNamespace,
            redisOperatorNamespace: bare.network.dataTier!.redisOperatorNamespace,
        });
    });

    test("roles connect through their pooler: write → -rw, read → -ro, analytics → the analytics replica's", () => {
        const p = planStack(prod(), "prod");
        assert.deepEqual(roleEndpoints(p.data.postgres!), {
            sysmanage_write: "sysmanage-pg-pooler-rw",
            sysmanage_read: "sysmanage-pg-pooler-ro",
            sysmanage_analytics: "sysmanage-pg-analytics-pooler-ro",
        });
        assert.equal(p.pgAdminSecret, PG_ADMIN_SECRET);
    });

    test("pooler.readFallback: none keeps reads on the replicas (-ro); primary lets them reach any instance (-r), counted in the primary's budget", () => {
        /** Each pooler as "name type default+reserve", each budget as "target used/available". */
        const summary = (pg: NonNullable<ReturnType<typeof planStack>["data"]["postgres"]>) => ({
            pools: pg.poolers.map((p) => `${p.name} ${p.type} ${p.parameters.default_pool_size}+${p.parameters.reserve_pool_size}`),
            budgets: pg.budgets.map((b) => `${b.target} ${b.used}/${b.available}`),
        });
        assert.deepEqual(summary(planStack(prod(), "prod").data.postgres!), {
            pools: ["sysmanage-pg-pooler-rw rw 3+3", "sysmanage-pg-pooler-ro ro 3+3", "sysmanage-pg-analytics-pooler-ro rw 9+9"],
            budgets: ["sysmanage-pg primary 18/267", "sysmanage-pg replica 18/267", "sysmanage-pg-analytics 36/267"],
        });
        const primary = planStack(prod({ pooler: { readFallback: "primary" } }), "prod").data.postgres!;
        assert.deepEqual(roleEndpoints(primary).sysmanage_read, "sysmanage-pg-pooler-r");
        // 2 vCPU × 4 + 1 = 9 active backends on the primary, shared by 3 write + 3 read pods: ceil(9 / 6) = 2 each,
        // and as much again in reserve (6 pods × 4 = 24); each replica sees the 3 read pods with those pools (3 × 4 = 12).
        assert.deepEqual(summary(primary), {
            pools: ["sysmanage-pg-pooler-rw rw 2+2", "sysmanage-pg-pooler-r r 2+2", "sysmanage-pg-analytics-pooler-ro rw 9+9"],
            budgets: ["sysmanage-pg primary 24/267", "sysmanage-pg replica 12/267", "sysmanage-pg-analytics 36/267"],
        });
    });

    test("pooler.readFallback primary: the read pooler's pods count against the primary's budget, and a config that cannot fit is refused", () => {
        const pods = { writeInstances: 7, readInstances: 7 };
        assert.doesNotThrow(() => planStack(prod({ pooler: pods }), "prod"));
        assert.throws(
            () => planStack(prod({ pooler: { ...pods, readFallback: "primary" } }), "prod"),
            (e: Error) =>
                e.message.endsWith(
                    "connection budget of sysmanage-pg primary: 14 pooler pods × at least 20 server connections (min_pool_size 10 + reserve_pool_size 10) = 280 > 267 available (max_connections 300 − superuser_reserved 3 − system 10 − headroom 20); raise max_connections or lower the pooler instances",
                ),
        );
    });

    test("with no replicas reads go to any instance (-r), and with no analytics replica analytics reads there too", () => {
        const p = planStack(prod({ postgres: { replicas: 0, analytics: { enabled: false } } }), "prod");
        assert.deepEqual(roleEndpoints(p.data.postgres!), {
            sysmanage_write: "sysmanage-pg-pooler-rw",
            sysmanage_read: "sysmanage-pg-pooler-r",
            sysmanage_analytics: "sysmanage-pg-pooler-r",
        });
    });

    test("a shard jump against the deployed masters is a ConfigError naming the stack file", () => {
        const c = prod({ redis: { masters: 6 } });
        assert.throws(
            () => planStack(c, "prod", { deployedRedisMasters: 3 }),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.message ===
                    "Pulumi.prod.yaml: redis.masters: changing from 3 to 6 masters moves 3 shards in one update; change by one per update or set redis.allowShardJump: true",
        );
        assert.equal(planStack(c, "prod", { deployedRedisMasters: 5 }).data.redis!.masters, 6);
        assert.equal(
            planStack(prod({ redis: { masters: 6, allowShardJump: true } }), "prod", { deployedRedisMasters: 3 }).data.redis!.masters,
            6,
        );
    });

    test("a connection budget that does not fit is a ConfigError naming the stack file", () => {
        assert.throws(
            () => planStack(prod({ postgres: { maxConnections: 20 } }), "prod"),
            (e: unknown) => e instanceof ConfigError && e.message.startsWith("Pulumi.prod.yaml: "),
        );
    });
});
