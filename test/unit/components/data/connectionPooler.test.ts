/** ConnectionPooler: a CloudNativePG Pooler, its PDB and PodMonitor, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConnectionPooler, type ConnectionPoolerArgs } from "../../../../components/data/connectionPooler";
import { construct, named, stub, typesAndNames } from "../../../support/components";

const plan: ConnectionPoolerArgs["plan"] = {
    name: "sysmanage-pg-pooler-rw",
    cluster: "sysmanage-pg",
    type: "rw",
    instances: 2,
    poolMode: "transaction",
    parameters: { max_client_conn: "1000", default_pool_size: "20" },
    image: "ghcr.io/cloudnative-pg/pgbouncer:1.24.1",
    cpu: "100m",
    memory: "128Mi",
};
const labels = { "app.kubernetes.io/component": "pooler", "app.kubernetes.io/part-of": "sysmanage" };
const args = (): ConnectionPoolerArgs => ({
    namespace: "sysmanage-test",
    plan,
    labels,
    zones: 3,
    dependsOn: [stub("postgres-cluster")],
    scraping: { monitorLabels: { release: "kube-prometheus-stack" }, scrapeInterval: "15s" },
});
const metadata = {
    name: "sysmanage-pg-pooler-rw",
    namespace: "sysmanage-test",
    labels: { ...labels, "app.kubernetes.io/name": "sysmanage-pg-pooler-rw" },
};
const pods = { "cnpg.io/poolerName": "sysmanage-pg-pooler-rw" };
const resources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "100m", memory: "128Mi" } };

describe("ConnectionPooler", () => {
    it("declares the Pooler, its PDB and a PodMonitor, children of the component", async () => {
        const { self, children } = await construct(ConnectionPooler, "sysmanage-pg-pooler-rw", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:data:ConnectionPooler", "sysmanage-pg-pooler-rw"]]);
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:postgresql.cnpg.io/v1:Pooler", "sysmanage-pg-pooler-rw-pooler"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "sysmanage-pg-pooler-rw-pdb"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "sysmanage-pg-pooler-rw-monitor"],
        ]);
    });

    it("the Pooler waits for the cluster and is replaced, not updated, when its cluster changes (immutable)", async () => {
        const { children } = await construct(ConnectionPooler, "sysmanage-pg-pooler-rw", args);
        assert.deepEqual(named(children, "sysmanage-pg-pooler-rw-pooler"), {
            type: "kubernetes:postgresql.cnpg.io/v1:Pooler",
            name: "sysmanage-pg-pooler-rw-pooler",
            inputs: {
                apiVersion: "postgresql.cnpg.io/v1",
                kind: "Pooler",
                metadata,
                spec: {
                    cluster: { name: "sysmanage-pg" },
                    instances: 2,
                    type: "rw",
                    pgbouncer: { poolMode: "transaction", parameters: { max_client_conn: "1000", default_pool_size: "20" } },
                    template: {
                        metadata: {
                            labels,
                            annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "scratch-data" },
                        },
                        spec: {
                            containers: [{ name: "pgbouncer", image: "ghcr.io/cloudnative-pg/pgbouncer:1.24.1", resources }],
                            priorityClassName: "sysmanage-data",
                            initContainers: [{ name: "bootstrap-controller", resources }],
                            topologySpreadConstraints: [
                                {
                                    maxSkew: 1,
                                    topologyKey: "topology.kubernetes.io/zone",
                                    whenUnsatisfiable: "DoNotSchedule",
                                    labelSelector: { matchLabels: pods },
                                },
                                {
                                    maxSkew: 1,
                                    topologyKey: "kubernetes.io/hostname",
                                    whenUnsatisfiable: "ScheduleAnyway",
                                    labelSelector: { matchLabels: pods },
                                },
                            ],
                        },
                    },
                },
            },
            options: {
                parent: "sysmanage-pg-pooler-rw",
                dependsOn: ["postgres-cluster"],
                ignoreChanges: [],
                replaceOnChanges: ["spec.cluster"],
            },
        });
    });

    it("the PDB keeps all but one PgBouncer pod up; the PodMonitor scrapes their metrics port", async () => {
        const { children } = await construct(ConnectionPooler, "sysmanage-pg-pooler-rw", args);
        const afterPooler = { parent: "sysmanage-pg-pooler-rw", dependsOn: ["sysmanage-pg-pooler-rw-pooler"], ignoreChanges: [] };
        assert.deepEqual(named(children, "sysmanage-pg-pooler-rw-pdb"), {
            type: "kubernetes:policy/v1:PodDisruptionBudget",
            name: "sysmanage-pg-pooler-rw-pdb",
            inputs: {
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata,
                spec: { maxUnavailable: 1, selector: { matchLabels: pods }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            },
            options: afterPooler,
        });
        assert.deepEqual(named(children, "sysmanage-pg-pooler-rw-monitor"), {
            type: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
            name: "sysmanage-pg-pooler-rw-monitor",
            inputs: {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PodMonitor",
                metadata: {
                    name: "sysmanage-pg-pooler-rw-metrics",
                    namespace: "sysmanage-test",
                    labels: { ...labels, release: "kube-prometheus-stack" },
                },
                spec: { selector: { matchLabels: pods }, podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "15s" }] },
            },
            options: afterPooler,
        });
    });

    it("exposes the Service the app dials: the pooler's name", async () => {
        const { component } = await construct(ConnectionPooler, "sysmanage-pg-pooler-rw", args);
        assert.equal(component.serviceName, "sysmanage-pg-pooler-rw");
    });
});
