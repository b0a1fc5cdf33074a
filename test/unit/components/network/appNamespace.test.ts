/** AppNamespace: the restricted namespace and its NetworkPolicies, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AppNamespace, type AppNamespaceArgs } from "../../../../components/network/appNamespace";
import { networkPolicies } from "../../../../lib/networkPolicies";
import { construct, named, typesAndNames, valueOf } from "../../../support/components";

const labels = { "app.kubernetes.io/part-of": "sysmanage", "app.kubernetes.io/managed-by": "pulumi" };
const network: AppNamespaceArgs["network"] = {
    apiSelector: { "app.kubernetes.io/name": "sysmanage-api" },
    apiPort: 8000,
    gatewayNamespace: "gateway-system",
    gatewayName: "sysmanage",
    prometheusNamespace: "monitoring",
    prometheusPodLabels: { "app.kubernetes.io/name": "prometheus" },
    metricsPorts: [8000],
    postgresPort: 5432,
    redisPort: 6379,
};
const args: AppNamespaceArgs = { name: "sysmanage-test", labels, network };
const POLICIES = [
    "default-deny-all",
    "allow-dns-egress",
    "allow-gateway-to-api",
    "allow-gateway-proxies",
    "allow-prometheus-scrape",
    "allow-apps-to-data-tier",
];

describe("AppNamespace", () => {
    it("declares the Namespace, then one NetworkPolicy per allowed flow after the default deny", async () => {
        const { self, children } = await construct(AppNamespace, "app", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:network:AppNamespace", "app"]]);
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:core/v1:Namespace", "app-namespace"],
            ...POLICIES.map((p): [string, string] => ["kubernetes:networking.k8s.io/v1:NetworkPolicy", `app-${p}`]),
        ]);
        assert.deepEqual(
            children.map((c) => c.options),
            children.map(() => ({ parent: "app", dependsOn: [], ignoreChanges: [] })),
        );
    });

    it("the Namespace enforces, audits and warns at the restricted Pod Security level", async () => {
        const { component, children } = await construct(AppNamespace, "app", args);
        assert.deepEqual(named(children, "app-namespace").inputs, {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
                name: "sysmanage-test",
                labels: {
                    ...labels,
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/audit-version": "latest",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "pod-security.kubernetes.io/warn-version": "latest",
                },
            },
        });
        assert.equal(await valueOf(component.name), "sysmanage-test");
    });

    it("each NetworkPolicy is the plan's, in the namespace, with the namespace's labels", async () => {
        const { children } = await construct(AppNamespace, "app", args);
        assert.deepEqual(named(children, "app-default-deny-all").inputs, {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "default-deny-all", namespace: "sysmanage-test", labels },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        });
        assert.deepEqual(
            children.slice(1).map((c) => c.inputs),
            networkPolicies(network).map((p) => ({
                apiVersion: "networking.k8s.io/v1",
                kind: "NetworkPolicy",
                metadata: { name: p.name, namespace: "sysmanage-test", labels },
                spec: JSON.parse(JSON.stringify(p.spec)),
            })),
        );
    });

    it("a data tier adds its flows (poolers, Postgres, Redis)", async () => {
        const dataTier = {
            postgres: true,
            redis: "sysmanage-redis",
            cnpgOperatorNamespace: "cnpg-system",
            redisOperatorNamespace: "redis-operator",
        };
        const { children } = await construct(AppNamespace, "app", { ...args, network: { ...network, dataTier } });
        assert.deepEqual(
            children.slice(1).map((c) => c.name),
            [...POLICIES, "allow-cache-clients-to-redis", "allow-poolers", "allow-postgres", "allow-redis"].map((p) => `app-${p}`),
        );
    });
});
