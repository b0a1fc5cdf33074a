/**
 * `pool-pooler-ha-and-mode` at its boundaries, over several namespaces and configs (issue 20).
 * The fixture's clients: the api Deployment (component api, an HPA with maxReplicas 10), 10
 * connections a pod; analytics has no HPA, so it is no client. Poolers pg-rw and pg-ro: 2 pods,
 * max_client_conn 1000, transaction mode, a PDB and a zone spread each.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { poolPoolerHaAndMode as rule } from "../../../policies/rules/poolPoolerHaAndMode";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { copiedIn, envConfig, fixture, messages, mutated, published, type Obj } from "../../support/policy";

const P = "Pooler app/pg-rw";
const cfg = (extra: Record<string, unknown>) => envConfig("pool-pooler-ha-and-mode", "prod", extra);
const rw = (change: (spec: Obj) => void) => mutated("pg-rw-pooler", (i) => change(i.spec));

describe("pool-pooler-ha-and-mode: boundaries", () => {
    it("client capacity equal to the clients at max fits; one connection less does not", async () => {
        // 2 pods x 50 = 100 = api's 10 pods x 10.
        assert.deepEqual(
            await messages(
                rule,
                rw((s) => (s.pgbouncer.parameters.max_client_conn = "50")),
            ),
            [],
        );
        assert.deepEqual(
            await messages(
                rule,
                rw((s) => (s.pgbouncer.parameters.max_client_conn = "49")),
            ),
            [
                `${P}: accepts 98 client connections (2 pods x max_client_conn 49) but its clients at max open up to 100 (api: 10 pods x 10); raise max_client_conn or instances.`,
            ],
        );
    });
    it("max_client_conn defaults to PgBouncer's 100 a pod, instances to 1", async () => {
        // 2 x 100 = 200 against 10 x 21 = 210; pg-ro keeps 2 x 1000.
        const f = rw((s) => delete s.pgbouncer.parameters.max_client_conn);
        assert.deepEqual(await messages(rule, f, cfg({ connectionsPerClientPod: 20 })), []);
        assert.deepEqual(await messages(rule, f, cfg({ connectionsPerClientPod: 21 })), [
            `${P}: accepts 200 client connections (2 pods x max_client_conn 100) but its clients at max open up to 210 (api: 10 pods x 21); raise max_client_conn or instances.`,
        ]);
        assert.deepEqual(
            await messages(
                rule,
                rw((s) => delete s.instances),
            ),
            [`${P}: runs 1 pod(s), below 2; set spec.instances to 2 so a drain or a crash keeps the pool up.`],
        );
        assert.deepEqual(
            await messages(
                rule,
                rw((s) => (s.instances = 3)),
                cfg({ minInstances: 3 }),
            ),
            ["Pooler app/pg-ro: runs 2 pod(s), below 3; set spec.instances to 3 so a drain or a crash keeps the pool up."],
        );
    });
    it("any pool mode but transaction is refused while clients autoscale", async () => {
        assert.deepEqual(
            await messages(
                rule,
                rw((s) => (s.pgbouncer.poolMode = "statement")),
            ),
            [
                `${P}: poolMode is statement while its clients autoscale (api); use transaction mode so scaling out clients does not need a server connection per client.`,
            ],
        );
    });
});

describe("pool-pooler-ha-and-mode: clients, namespaces and config", () => {
    it("a pooler's clients are in its own namespace: one in namespace b has none, and still needs a PDB", async () => {
        const b = copiedIn("b", "pg-rw-pooler", (i) => {
            delete i.spec.pgbouncer.poolMode;
            i.spec.pgbouncer.parameters.max_client_conn = "1";
        });
        assert.deepEqual(await messages(rule, [...fixture(), b]), [
            "Pooler b/pg-rw: no PodDisruptionBudget selects its pods (cnpg.io/poolerName=pg-rw); add one with maxUnavailable: 1.",
        ]);
    });
    it("only the configured components are clients; the zone key is configurable; a pooler without a spec", async () => {
        const session = rw((s) => delete s.pgbouncer.poolMode);
        assert.deepEqual(await messages(rule, session, cfg({ clientComponents: ["worker"] })), []);
        assert.deepEqual(await messages(rule, session, cfg({ clientComponents: ["worker", "api"] })), [
            `${P}: poolMode is session (the default) while its clients autoscale (api); use transaction mode so scaling out clients does not need a server connection per client.`,
        ]);
        assert.deepEqual(await messages(rule, fixture(), cfg({ zoneKey: "kubernetes.io/hostname" })), [
            `${P}: its pods are not spread across zones; add a topologySpreadConstraint on kubernetes.io/hostname to spec.template.spec.`,
            "Pooler app/pg-ro: its pods are not spread across zones; add a topologySpreadConstraint on kubernetes.io/hostname to spec.template.spec.",
        ]);
        assert.deepEqual(await messages(rule, fixture(), cfg({ zoneKey: "kubernetes.io/hostname", requireSpread: false })), []);
        const bare = rw((s) => {
            delete s.template;
            s.instances = 2;
        });
        assert.deepEqual(await messages(rule, bare), [
            `${P}: its pods are not spread across zones; add a topologySpreadConstraint on topology.kubernetes.io/zone to spec.template.spec.`,
        ]);
    });
    it("a pack config without its keys: 2 pods, PDB and zone spread required, api, worker and analytics clients at 10 connections", async () => {
        // Autoscaled clients: api (maxReplicas 10), analytics (4), worker (5): (10 + 4 + 5) x 10 = 190 > 2 x 50.
        const hpa = (name: string, max: number) =>
            copiedIn("app", "api-hpa", (i) => {
                i.metadata.name = name;
                i.spec.scaleTargetRef.name = name;
                i.spec.maxReplicas = max;
            });
        const worker = copiedIn("app", "api-deployment", (i) => {
            i.metadata.name = "worker";
            i.metadata.labels["app.kubernetes.io/component"] = "worker";
            i.spec.template.metadata.labels["app.kubernetes.io/component"] = "worker";
        });
        const f = [...rw((s) => (s.pgbouncer.parameters.max_client_conn = "50")), hpa("analytics", 4), worker, hpa("worker", 5)];
        assert.deepEqual(await messages(rule, f, {}), [
            `${P}: accepts 100 client connections (2 pods x max_client_conn 50) but its clients at max open up to 190 (api: 10 pods, analytics: 4 pods, worker: 5 pods x 10); raise max_client_conn or instances.`,
        ]);
        const session = mutated("pg-rw-pooler", (i) => delete i.spec.pgbouncer.poolMode, f);
        assert.deepEqual(
            (await messages(rule, session, {}))[0],
            `${P}: poolMode is session (the default) while its clients autoscale (api, analytics, worker); use transaction mode so scaling out clients does not need a server connection per client.`,
        );
        const lax = mutated(
            "pg-ro-pooler",
            (i) => (i.spec.instances = 1),
            rw((s) => (s.instances = 1)).filter((x) => x.name !== "pg-rw-pdb"),
        );
        assert.deepEqual(await messages(rule, lax, {}), [
            `${P}: runs 1 pod(s), below 2; set spec.instances to 2 so a drain or a crash keeps the pool up.`,
            `${P}: no PodDisruptionBudget selects its pods (cnpg.io/poolerName=pg-rw); add one with maxUnavailable: 1.`,
            "Pooler app/pg-ro: runs 1 pod(s), below 2; set spec.instances to 2 so a drain or a crash keeps the pool up.",
        ]);
    });
    it("without a pgbouncer section or its parameters: session mode, 100 client connections a pod; clients with unknown labels are none", async () => {
        assert.deepEqual(
            await messages(
                rule,
                rw((s) => delete s.pgbouncer),
            ),
            [
                `${P}: poolMode is session (the default) while its clients autoscale (api); use transaction mode so scaling out clients does not need a server connection per client.`,
            ],
        );
        assert.deepEqual(
            await messages(
                rule,
                rw((s) => delete s.pgbouncer.parameters),
                cfg({ connectionsPerClientPod: 21 }),
            ),
            [
                `${P}: accepts 200 client connections (2 pods x max_client_conn 100) but its clients at max open up to 210 (api: 10 pods x 21); raise max_client_conn or instances.`,
            ],
        );
        const unknownLabels = mutated(
            "api-deployment",
            (i) => (i.spec.template.metadata.labels = UNKNOWN),
            rw((s) => delete s.pgbouncer.poolMode),
        );
        assert.deepEqual(await messages(rule, unknownLabels), []);
    });
    it("what the pack publishes", () => {
        assert.deepEqual(published(rule), {
            name: "pool-pooler-ha-and-mode",
            enforcementLevel: "mandatory",
            severity: "medium",
            remediationSteps:
                "Set spec.instances >= 2, add a PDB and a zone topologySpreadConstraint in spec.template, poolMode transaction, and max_client_conn x instances >= the clients' connections at max.",
            inCatalogue: true,
        });
        assert.deepEqual(rule.configSchema, {
            properties: {
                minInstances: { type: "integer", minimum: 1, default: 2, description: "Fewest PgBouncer pods per pooler." },
                requirePdb: { type: "boolean", default: true, description: "Require a PodDisruptionBudget on the pooler pods." },
                requireSpread: { type: "boolean", default: true, description: "Require a zone topologySpreadConstraint in spec.template." },
                clientComponents: {
                    type: "array",
                    items: { type: "string" },
                    default: ["api", "worker", "analytics"],
                    description: "app.kubernetes.io/component values of the pooler's client workloads.",
                },
                connectionsPerClientPod: {
                    type: "integer",
                    minimum: 1,
                    default: 10,
                    description: "Connections one client pod opens to the pooler (its own pool size).",
                },
                zoneKey: { type: "string", default: "topology.kubernetes.io/zone", description: "Node label of the zone." },
            },
        });
    });
});
