/** ApiRoutes: the HTTPRoute from the Gateway's HTTPS listener to the API, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiRoutes } from "../../../../components/traffic/apiRoutes";
import { construct, typesAndNames } from "../../../support/components";

const labels = { "app.kubernetes.io/part-of": "sysmanage" };
const args = {
    namespace: "sysmanage-test",
    labels,
    gatewayName: "sysmanage",
    hostname: "api.example.com",
    serviceName: "sysmanage-api",
    servicePort: 8000,
    requestTimeout: "30s",
};
const backendRefs = [{ kind: "Service", name: "sysmanage-api", port: 8000 }];

describe("ApiRoutes", () => {
    it("declares one HTTPRoute, named after the API Service: health checks with a short timeout, everything else with the API's", async () => {
        const { self, children } = await construct(ApiRoutes, "api-routes", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:traffic:ApiRoutes", "api-routes"]]);
        assert.deepEqual(children, [
            {
                type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
                name: "api-routes-route",
                inputs: {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "HTTPRoute",
                    metadata: { name: "sysmanage-api", namespace: "sysmanage-test", labels },
                    spec: {
                        parentRefs: [{ name: "sysmanage", sectionName: "https" }],
                        hostnames: ["api.example.com"],
                        rules: [
                            {
                                matches: ["/health", "/health/ready", "/health/live"].map((value) => ({
                                    path: { type: "Exact", value },
                                    method: "GET",
                                })),
                                backendRefs,
                                timeouts: { request: "5s" },
                            },
                            { matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs, timeouts: { request: "30s" } },
                        ],
                    },
                },
                options: { parent: "api-routes", dependsOn: [], ignoreChanges: [] },
            },
        ]);
    });
});
