/** place-data-not-on-spot's kinds (by API group) and what it publishes. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { placeDataNotOnSpot as rule } from "../../../policies/rules";
import { messages, mutated, published, type Fixture, type Obj } from "../../support/policy";

const SPOT_TOLERATION = { key: "karpenter.sh/capacity-type", operator: "Equal", value: "spot", effect: "NoSchedule" };

/** The data tier with a spot toleration on each of its pods, every resource moved to API group `group` (its own when undefined). */
function dataOnSpot(group?: string): Fixture[] {
    const f = mutated("pg-cluster", (i) => (i.spec.affinity = { ...i.spec.affinity, tolerations: [SPOT_TOLERATION] }));
    mutated("pg-rw-pooler", (i) => (i.spec.template.spec.tolerations = [SPOT_TOLERATION]), f);
    mutated("redis-cluster", (i) => (i.spec.redisLeader.tolerations = [SPOT_TOLERATION]), f);
    if (group !== undefined)
        for (const name of ["pg-cluster", "pg-rw-pooler", "redis-cluster"])
            mutated(
                name,
                (i: Obj, x) => {
                    i.apiVersion = `${group}/v1`;
                    x.type = `kubernetes:${group}/v1:${i.kind}`;
                },
                f,
            );
    return f;
}

describe("place-data-not-on-spot: the operators' API groups", () => {
    const how = "(a toleration of the spot taint karpenter.sh/capacity-type=spot)";
    const fix = "the data tier never runs on spot (a reclaimed node fails over Postgres or Redis): remove it.";
    it("a Cluster, a Pooler and a RedisCluster of their operators' groups are checked", async () => {
        assert.deepEqual(await messages(rule, dataOnSpot()), [
            `Cluster app/pg: its instance pods may run on spot nodes ${how}; ${fix}`,
            `Pooler app/pg-rw: its pods may run on spot nodes ${how}; ${fix}`,
            `RedisCluster app/redis: its leader pods may run on spot nodes ${how}; ${fix}`,
        ]);
    });
    it("the same kinds of another API group are not the data tier", async () => {
        assert.deepEqual(await messages(rule, dataOnSpot("storage.example.com")), []);
    });
});

describe("place-data-not-on-spot: what the pack publishes", () => {
    it("its name, level, severity, remediation, the catalogue's description and its config schema", () => {
        assert.deepEqual(published(rule), {
            name: "place-data-not-on-spot",
            enforcementLevel: "mandatory",
            severity: "high",
            remediationSteps:
                "Remove spot node selectors, spot node-affinity terms and spot tolerations from the data tier's custom resources.",
            inCatalogue: true,
        });
        assert.deepEqual(rule.configSchema, {
            properties: {
                spotLabels: {
                    type: "array",
                    items: { type: "string" },
                    default: ["karpenter.sh/capacity-type=spot", "eks.amazonaws.com/capacityType=SPOT", "cloud.google.com/gke-spot=true"],
                    description: "Node labels (`key=value`) that mark spot nodes.",
                },
                spotTaintKey: { type: "string", default: "karpenter.sh/capacity-type", description: "Key of the taint spot nodes carry." },
                spotTaintValue: { type: "string", default: "spot", description: "Value of the taint spot nodes carry." },
            },
        });
    });
});
