/**
 * `pool-connection-budget` over stacks with several namespaces, same-named clusters, a Cluster of
 * another API group and the `load == budget` boundary (issue 20). Every number is worked by hand
 * from the fixture: app/pg has max_connections 200, superuser_reserved_connections 3, headroom
 * 10 (budget 187); its poolers pg-rw and pg-ro run 2 pods x (default_pool_size 10 +
 * reserve_pool_size 5) = 30 server connections each.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { poolConnectionBudget as rule } from "../../../policies/rules/poolConnectionBudget";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { copiedIn, published, fixture, messages, mutated, type Fixture, type Obj } from "../../support/policy";

const ADVICE = "lower default_pool_size/max_db_connections or pooler instances, or raise max_connections.";
const over = (cluster: string, load: number, role: string, pools: string, budget: number, max: number, reserved: number, headroom = 10) =>
    `Cluster ${cluster}: poolers at their maximum open up to ${load} server connections to ${role} (${pools}), above the budget of ${budget} (max_connections ${max} - superuser_reserved_connections ${reserved} - headroom ${headroom}); ${ADVICE}`;
const noCluster = (pooler: string, target: string, ns: string) =>
    `Pooler ${pooler}: spec.cluster.name ${target} names no Cluster in namespace ${ns} of this stack; fix it or declare the Cluster.`;

const params = (i: Obj) => i.spec.postgresql.parameters as Record<string, string>;
const withConnections = (max: string, reserved = "3") =>
    mutated("pg-cluster", (i) => Object.assign(params(i), { max_connections: max, superuser_reserved_connections: reserved }));

describe("pool-connection-budget: the boundary", () => {
    it("a load equal to the budget fits; one connection less of budget does not", async () => {
        // 43 - 3 - 10 = 30 = 2 pods x 15 on each role.
        assert.deepEqual(await messages(rule, withConnections("43")), []);
        // 42 - 3 - 10 = 29 < 30.
        assert.deepEqual(await messages(rule, withConnections("42")), [
            over("app/pg", 30, "the primary", "pg-rw: 2 pods x 15", 29, 42, 3),
            over("app/pg", 30, "each replica", "pg-ro: 2 pods x 15", 29, 42, 3),
        ]);
    });
    it("superuser_reserved_connections is subtracted, and so is the configured headroom", async () => {
        // 45 - 5 - 10 = 30: fits; with headroom 11, 29 does not.
        assert.deepEqual(await messages(rule, withConnections("45", "5")), []);
        assert.deepEqual(await messages(rule, withConnections("45", "5"), { headroom: 11, dbUserPairs: 1 }), [
            over("app/pg", 30, "the primary", "pg-rw: 2 pods x 15", 29, 45, 5, 11),
            over("app/pg", 30, "each replica", "pg-ro: 2 pods x 15", 29, 45, 5, 11),
        ]);
    });
    it("every pooler reaching a role adds to it, listed in the breakdown", async () => {
        // A third pooler, type unset (rw), one pod (instances unset), max_db_connections 158:
        // the primary carries 30 + 158 = 188 > 187; the replicas still 30.
        const batch: Fixture = copiedIn("app", "pg-rw-pooler", (i) => {
            i.metadata.name = "pg-batch";
            delete i.spec.type;
            delete i.spec.instances;
            i.spec.pgbouncer.parameters = { max_db_connections: "158" };
        });
        assert.deepEqual(await messages(rule, [...fixture(), batch]), [
            over("app/pg", 188, "the primary", "pg-rw: 2 pods x 15, pg-batch: 1 pods x 158", 187, 200, 3),
        ]);
        // 157: 187 exactly.
        batch.inputs.spec.pgbouncer.parameters.max_db_connections = "157";
        assert.deepEqual(await messages(rule, [...fixture(), batch]), []);
    });
});

describe("pool-connection-budget: namespaces, clusters and API groups", () => {
    it("same-named clusters in two namespaces each count only the poolers of their own namespace", async () => {
        // b/pg: max_connections 100 (budget 87); b/pg-rw at 3 pods x 15 = 45 fits, b/pg-ro at 6 x 15 = 90 does not.
        // app/pg keeps 30 per role (budget 187); summed across namespaces the replicas would carry 120.
        const b = [
            copiedIn("b", "pg-cluster", (i) => (params(i).max_connections = "100")),
            copiedIn("b", "pg-rw-pooler", (i) => (i.spec.instances = 3)),
            copiedIn("b", "pg-ro-pooler", (i) => (i.spec.instances = 6)),
        ];
        assert.deepEqual(await messages(rule, [...fixture(), ...b]), [over("b/pg", 90, "each replica", "pg-ro: 6 pods x 15", 87, 100, 3)]);
    });
    it("a pooler naming a cluster that exists only in another namespace names no Cluster", async () => {
        const orphan = copiedIn("c", "pg-rw-pooler");
        const elsewhere = copiedIn("app", "pg-ro-pooler", (i) => {
            i.metadata.name = "pg-other";
            i.spec.cluster.name = "other";
        });
        const other = copiedIn("b", "pg-cluster", (i) => (i.metadata.name = "other"));
        assert.deepEqual(await messages(rule, [...fixture(), other, orphan, elsewhere]), [
            noCluster("c/pg-rw", "pg", "c"),
            noCluster("app/pg-other", "other", "app"),
        ]);
    });
    it("a Cluster of another API group (Cluster API) is neither budgeted nor a pooler's target", async () => {
        // As a CloudNativePG Cluster its budget, 40 - 3 - 10 = 27, would refuse the pooler's 30.
        const capi = copiedIn("capi", "pg-cluster", (i) => (params(i).max_connections = "40"));
        capi.type = "kubernetes:cluster.x-k8s.io/v1beta1:Cluster";
        capi.inputs.apiVersion = "cluster.x-k8s.io/v1beta1";
        const pooler = copiedIn("capi", "pg-rw-pooler");
        assert.deepEqual(await messages(rule, [...fixture(), capi, pooler]), [noCluster("capi/pg-rw", "pg", "capi")]);
        // The same object as a CloudNativePG Cluster: the pooler finds it and its 30 exceed 27.
        const cnpg = copiedIn("capi", "pg-cluster", (i) => (params(i).max_connections = "40"));
        assert.deepEqual(await messages(rule, [...fixture(), cnpg, pooler]), [
            over("capi/pg", 30, "the primary", "pg-rw: 2 pods x 15", 27, 40, 3),
        ]);
    });
    it("a pooler without spec.cluster names no Cluster; none is reported while an object's identity is unknown", async () => {
        const bare = mutated("pg-rw-pooler", (i) => delete i.spec.cluster);
        assert.deepEqual(await messages(rule, bare), [noCluster("app/pg-rw", "undefined", "app")]);
        // A Cluster whose name is unknown in preview may be the one the pooler names.
        const unnamed = copiedIn("b", "pg-cluster", (i) => (i.metadata.name = UNKNOWN));
        const pooler = copiedIn("b", "pg-rw-pooler");
        assert.deepEqual(await messages(rule, [...fixture(), unnamed, pooler]), []);
        assert.deepEqual(await messages(rule, [...fixture(), pooler]), [noCluster("b/pg-rw", "pg", "b")]);
    });
    it("an unknown pooler field skips its cluster's budget, not the other clusters'", async () => {
        const b = [
            copiedIn("b", "pg-cluster", (i) => (params(i).max_connections = "40")),
            copiedIn("b", "pg-rw-pooler", (i) => (i.spec.instances = UNKNOWN)),
            copiedIn("b", "pg-ro-pooler", (i) => (i.spec.instances = 9)),
        ];
        // app/pg at 13 rw pods: 195 > 187. b/pg (budget 27, ro 135) cannot be checked.
        const f = mutated("pg-rw-pooler", (i) => (i.spec.instances = 13), [...fixture(), ...b]);
        assert.deepEqual(await messages(rule, f), [over("app/pg", 195, "the primary", "pg-rw: 13 pods x 15", 187, 200, 3)]);
    });
});

describe("pool-connection-budget: what the pack publishes", () => {
    it("its name, level, severity, remediation, the catalogue's description and its config schema", () => {
        assert.deepEqual(published(rule), {
            name: "pool-connection-budget",
            enforcementLevel: "mandatory",
            severity: "high",
            remediationSteps: "Lower default_pool_size / max_db_connections or pooler instances, or raise the cluster's max_connections.",
            inCatalogue: true,
        });
        assert.deepEqual(rule.configSchema, {
            properties: {
                headroom: {
                    type: "integer",
                    minimum: 0,
                    default: 10,
                    description: "Connections kept free for administration, replication and migrations.",
                },
                dbUserPairs: {
                    type: "integer",
                    minimum: 1,
                    default: 1,
                    description: "Database/user pairs each pooler serves (a pool per pair).",
                },
            },
        });
    });
    it("a pack config without its keys gets headroom 10 and one db/user pair", async () => {
        assert.deepEqual(await messages(rule, withConnections("43"), {}), []);
        assert.deepEqual(await messages(rule, withConnections("42"), {}), [
            over("app/pg", 30, "the primary", "pg-rw: 2 pods x 15", 29, 42, 3),
            over("app/pg", 30, "each replica", "pg-ro: 2 pods x 15", 29, 42, 3),
        ]);
    });
    it("a Pooler without a spec names no Cluster", async () => {
        const bare = copiedIn("app", "pg-rw-pooler", (i) => delete i.spec);
        assert.deepEqual(await messages(rule, [...fixture(), bare]), [noCluster("app/pg-rw", "undefined", "app")]);
    });
});
