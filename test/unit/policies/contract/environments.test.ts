/**
 * The environment floors have one home (policies/contract/environments.ts): the pack configs users
 * pass with --policy-pack-config state them again, so this proves each file agrees with the
 * contract, that the rules' defaults are prod's, and that every stack file runs as many zones as
 * its environment's floor counts and gives the forecast its environment's HA floor.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { readAppConfig } from "../../../../config/stackFile";
import { effectiveHaFloor, ENVIRONMENT_FLOORS, ENVIRONMENTS, haFloor, type Environment } from "../../../../policies/contract";
import { hpaMinReplicasHa } from "../../../../policies/rules/hpaMinReplicasHa";
import { pgClusterHaAndDrainable } from "../../../../policies/rules/pgClusterHaAndDrainable";
import { poolPoolerHaAndMode } from "../../../../policies/rules/poolPoolerHaAndMode";
import { redisClusterTopology } from "../../../../policies/rules/redisClusterTopology";

const ROOT = path.join(__dirname, "..", "..", "..", "..");
type PackConfig = Record<string, Record<string, unknown>>;
const packConfig = (env: string): PackConfig =>
    JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "config", `${env}.json`), "utf8")) as PackConfig;

/** The floors as a pack config file states them, in the contract's shape. */
function floorsOf(c: PackConfig) {
    const ha = c["hpa-min-replicas-ha"];
    return {
        ha: { floor: ha.floor, zones: ha.zones, zoneAware: ha.zoneAware },
        poolerInstances: c["pool-pooler-ha-and-mode"].minInstances,
        redisReplicasPerMaster: c["redis-cluster-topology"].minReplicasPerMaster,
        postgresBackup: c["pg-cluster-ha-and-drainable"].requireBackup,
    };
}

describe("environment floors: the contract is their one home", () => {
    test("there is a pack config for each environment, and no other", () => {
        const files = fs.readdirSync(path.join(ROOT, "policies", "config")).sort();
        assert.deepEqual(
            files,
            [...ENVIRONMENTS].sort().map((e) => `${e}.json`),
        );
    });

    for (const env of ENVIRONMENTS)
        test(`policies/config/${env}.json states the contract's ${env} floors`, () => {
            assert.deepEqual(floorsOf(packConfig(env)), ENVIRONMENT_FLOORS[env]);
        });

    test("the HA floor of each environment: one pod down in staging, one zone down in prod", () => {
        assert.deepEqual(
            ENVIRONMENTS.map((e) => [e, haFloor(e)]),
            [
                ["dev", 1],
                ["staging", 2],
                ["prod", 3],
            ],
        );
        assert.equal(effectiveHaFloor({ floor: 2, zones: 5, zoneAware: true }), 5);
        assert.equal(effectiveHaFloor({ floor: 2, zones: 5, zoneAware: false }), 2);
    });

    test("the rules' defaults (a pack run without a config) are prod's floors", () => {
        const dflt = (rule: { configSchema?: { properties?: Record<string, { default?: unknown }> } }, key: string) =>
            rule.configSchema?.properties?.[key]?.default;
        assert.deepEqual(
            {
                ha: {
                    floor: dflt(hpaMinReplicasHa, "floor"),
                    zones: dflt(hpaMinReplicasHa, "zones"),
                    zoneAware: dflt(hpaMinReplicasHa, "zoneAware"),
                },
                poolerInstances: dflt(poolPoolerHaAndMode, "minInstances"),
                redisReplicasPerMaster: dflt(redisClusterTopology, "minReplicasPerMaster"),
                postgresBackup: dflt(pgClusterHaAndDrainable, "requireBackup"),
            },
            ENVIRONMENT_FLOORS.prod,
        );
    });

    test("every stack file runs as many zones as its environment's floor counts", () => {
        const stacks = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
        assert.deepEqual(stacks.sort(), ["Pulumi.dev.yaml", "Pulumi.local.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"]);
        for (const file of stacks) {
            const config = (parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as { config: Record<string, unknown> }).config;
            const env = (config["sysmanage-scaling:environment"] ?? "prod") as Environment;
            const zones = config["sysmanage-scaling:zones"] as string[];
            assert.equal(zones.length, ENVIRONMENT_FLOORS[env].ha.zones, `${file} (${env})`);
        }
    });

    test("the forecast never sizes an HPA below its environment's HA floor (forecast.policyMinimum's default)", () => {
        const floors = ["dev", "local", "staging", "prod"].map((stack) => {
            const c = readAppConfig(ROOT, stack);
            return [stack, c.environment, c.forecast.policyMinimum, haFloor(c.environment)];
        });
        assert.deepEqual(floors, [
            ["dev", "dev", 1, 1],
            ["local", "dev", 1, 1],
            ["staging", "staging", 2, 2],
            ["prod", "prod", 3, 3],
        ]);
    });
});
