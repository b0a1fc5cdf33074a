/** Network rules: exact messages per failure mode. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as r from "../../../policies/rules";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { messages, mutated } from "../../support/policy";

describe("net-service-targets-workload", () => {
    it("a selector that matches no pods, no selector, a targetPort nobody exposes", async () => {
        assert.deepEqual(
            await messages(
                r.netServiceTargetsWorkload,
                mutated("api-service", (i) => (i.spec.selector = { "app.kubernetes.io/name": "apy" })),
            ),
            ["Service app/api: selector app.kubernetes.io/name=apy matches no pods of this stack; fix spec.selector."],
        );
        const none = () => mutated("api-service", (i) => delete i.spec.selector);
        assert.deepEqual(await messages(r.netServiceTargetsWorkload, none()), [
            "Service app/api: has no selector; select the workload's pod labels (or list it in allowSelectorless).",
        ]);
        assert.deepEqual(await messages(r.netServiceTargetsWorkload, none(), { allowSelectorless: ["app/api"] }), []);
        assert.deepEqual(
            await messages(
                r.netServiceTargetsWorkload,
                mutated("api-service", (i) => (i.spec.ports[0].targetPort = 9000)),
            ),
            [
                "Service app/api: port http targets 9000, which no selected container exposes; set targetPort to a container port name or number.",
            ],
        );
    });
    it("pods with unknown labels make a miss uncheckable", async () => {
        const f = mutated("api-service", (i) => (i.spec.selector = { "app.kubernetes.io/name": "apy" }));
        mutated("analytics-deployment", (i) => (i.spec.template.metadata.labels = UNKNOWN), f);
        assert.deepEqual(await messages(r.netServiceTargetsWorkload, f), []);
    });
});

describe("net-routes-resolve", () => {
    it("a missing Gateway (unless external), listener and backend", async () => {
        const gw = () => mutated("api-route", (i) => (i.spec.parentRefs[0].name = "other"));
        assert.deepEqual(await messages(r.netRoutesResolve, gw()), [
            "HTTPRoute app/api: parentRef Gateway app/other is not declared in this stack; fix parentRefs or declare the Gateway.",
        ]);
        assert.deepEqual(await messages(r.netRoutesResolve, gw(), { externalGateways: ["app/other"] }), []);
        assert.deepEqual(
            await messages(
                r.netRoutesResolve,
                mutated("api-route", (i) => (i.spec.parentRefs[0].sectionName = "httpz")),
            ),
            [
                "HTTPRoute app/api: parentRef sectionName httpz matches no listener of Gateway app/gw; use one of its listeners (https:443, http:80).",
            ],
        );
        assert.deepEqual(
            await messages(
                r.netRoutesResolve,
                mutated("api-route", (i) => (i.spec.rules[0].backendRefs[0].name = "apx")),
            ),
            ["HTTPRoute app/api: backendRef Service app/apx is not declared in this stack; fix the backendRef or declare the Service."],
        );
    });
    it("backend ports must match, and cross-namespace routes need allowedRoutes", async () => {
        assert.deepEqual(
            await messages(
                r.netRoutesResolve,
                mutated("api-route", (i) => (i.spec.rules[0].backendRefs[0].port = 80)),
            ),
            ["HTTPRoute app/api: backendRef Service app/api port 80 is not a port of the Service (8000); fix the port."],
        );
        const cross = mutated("api-route", (i) => {
            i.metadata.namespace = "other";
            i.spec.parentRefs[0].namespace = "app";
            i.spec.rules[0].backendRefs[0].namespace = "app";
        });
        assert.deepEqual(await messages(r.netRoutesResolve, cross), [
            "HTTPRoute other/api: Gateway app/gw only admits routes from namespace app; move the route or set allowedRoutes on the listener.",
        ]);
    });
});

describe("net-tls-everywhere", () => {
    it("an HTTPS listener without a certificate, and a route serving plain HTTP", async () => {
        assert.deepEqual(
            await messages(
                r.netTlsEverywhere,
                mutated("gateway", (i) => delete i.spec.listeners[0].tls),
            ),
            ["Gateway app/gw: listener https (HTTPS) has no tls.certificateRefs; reference the certificate Secret."],
        );
        assert.deepEqual(
            await messages(
                r.netTlsEverywhere,
                mutated("api-route", (i) => delete i.spec.parentRefs[0].sectionName),
            ),
            [
                "Gateway app/gw: listener http serves plain HTTP to HTTPRoute app/api; attach only a RequestRedirect (scheme https) route to HTTP listeners.",
            ],
        );
    });
});

describe("net-policy-coverage", () => {
    it("no default deny: every pod group is reported", async () => {
        const f = mutated("np-default-deny", (i) => (i.spec.policyTypes = ["Egress"]));
        assert.deepEqual(await messages(r.netPolicyCoverage, f), [
            "pods of Deployment app/api: no NetworkPolicy governing ingress selects them; add a default-deny policy to namespace app.",
            "pods of Deployment app/analytics: no NetworkPolicy governing ingress selects them; add a default-deny policy to namespace app.",
        ]);
    });
    it("data-tier pods open to any source or to an empty selector", async () => {
        assert.deepEqual(
            await messages(
                r.netPolicyCoverage,
                mutated("np-allow-redis", (i) => (i.spec.ingress = [{}])),
            ),
            [
                "leader pods of RedisCluster app/redis: NetworkPolicy app/allow-redis admits ingress from any source; restrict from[] to the client pods' (or operator namespace's) labels.",
                "follower pods of RedisCluster app/redis: NetworkPolicy app/allow-redis admits ingress from any source; restrict from[] to the client pods' (or operator namespace's) labels.",
            ],
        );
        assert.deepEqual(
            await messages(
                r.netPolicyCoverage,
                mutated("np-allow-postgres", (i) => (i.spec.ingress[0].from[1] = { namespaceSelector: {} })),
            ),
            [
                "primary pods of Cluster app/pg: NetworkPolicy app/allow-postgres admits ingress from an unrestricted peer (empty selector or ipBlock); restrict from[] to the client pods' (or operator namespace's) labels.",
                "replica pods of Cluster app/pg: NetworkPolicy app/allow-postgres admits ingress from an unrestricted peer (empty selector or ipBlock); restrict from[] to the client pods' (or operator namespace's) labels.",
            ],
        );
    });
});
