/** RegionalGateway: this region's Gateway and its HTTP-to-HTTPS redirect, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RegionalGateway } from "../../../../components/traffic/regionalGateway";
import { construct, typesAndNames } from "../../../support/components";

const args = {
    namespace: "sysmanage-test",
    labels: { "app.kubernetes.io/part-of": "sysmanage" },
    gatewayName: "sysmanage",
    region: "eu-west-1",
    className: "istio",
    hostname: "api.example.com",
    tlsSecretName: "api-example-com-tls",
};
const labels = { "app.kubernetes.io/part-of": "sysmanage", "topology.kubernetes.io/region": "eu-west-1" };
const allowedRoutes = { namespaces: { from: "Same" } };

describe("RegionalGateway", () => {
    it("declares the Gateway and, after it, the redirect route, both labelled with the region", async () => {
        const { component, self, children } = await construct(RegionalGateway, "regional-gateway", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:traffic:RegionalGateway", "regional-gateway"]]);
        assert.deepEqual(children, [
            {
                type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
                name: "regional-gateway-gateway",
                inputs: {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "Gateway",
                    metadata: { name: "sysmanage", namespace: "sysmanage-test", labels },
                    spec: {
                        gatewayClassName: "istio",
                        listeners: [
                            {
                                name: "https",
                                hostname: "api.example.com",
                                port: 443,
                                protocol: "HTTPS",
                                tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "api-example-com-tls" }] },
                                allowedRoutes,
                            },
                            { name: "http", hostname: "api.example.com", port: 80, protocol: "HTTP", allowedRoutes },
                        ],
                    },
                },
                options: { parent: "regional-gateway", dependsOn: [], ignoreChanges: [] },
            },
            {
                type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
                name: "regional-gateway-https-redirect",
                inputs: {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "HTTPRoute",
                    metadata: { name: "sysmanage-https-redirect", namespace: "sysmanage-test", labels },
                    spec: {
                        parentRefs: [{ name: "sysmanage", sectionName: "http" }],
                        hostnames: ["api.example.com"],
                        rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
                    },
                },
                options: { parent: "regional-gateway", dependsOn: ["regional-gateway-gateway"], ignoreChanges: [] },
            },
        ]);
        assert.equal(component.gatewayName, "sysmanage");
    });
});
