/**
 * Pure builders for the three load-balancer tiers: the regional Gateway, the local HTTPRoutes
 * to the API, and the global DNS records across regions (ExternalDNS DNSEndpoint).
 * Gateway API specs are typed with the model package's interfaces, so TypeScript rejects a
 * misspelt field at compile time (the package ships no schema to check unknown fields at run time).
 */
import type { IDNSEndpoint } from "../generated/crds/externaldns.k8s.io/v1alpha1/DNSEndpoint";
import type { IGatewaySpec } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewaySpec";
import type { IHTTPRouteSpec } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRouteSpec";

export const HEALTH_PATHS = ["/health", "/health/ready", "/health/live"] as const;

export interface GatewayArgs {
    readonly className: string;
    readonly hostname: string;
    readonly tlsSecretName: string;
}

/** HTTPS terminates here with the referenced certificate; port 80 exists only to redirect. */
export function gatewaySpec(a: GatewayArgs): IGatewaySpec {
    return {
        gatewayClassName: a.className,
        listeners: [
            {
                name: "https",
                hostname: a.hostname,
                port: 443,
                protocol: "HTTPS",
                tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: a.tlsSecretName }] },
                allowedRoutes: { namespaces: { from: "Same" } },
            },
            {
                name: "http",
                hostname: a.hostname,
                port: 80,
                protocol: "HTTP",
                allowedRoutes: { namespaces: { from: "Same" } },
            },
        ],
    };
}

export interface RouteArgs {
    readonly gatewayName: string;
    readonly hostname: string;
    readonly serviceName: string;
    readonly servicePort: number;
    readonly requestTimeout: string;
}

/** API traffic and the health endpoints, on the HTTPS listener only. */
export function apiRouteSpec(a: RouteArgs): IHTTPRouteSpec {
    const backendRefs = [{ kind: "Service", name: a.serviceName, port: a.servicePort }];
    return {
        parentRefs: [{ name: a.gatewayName, sectionName: "https" }],
        hostnames: [a.hostname],
        rules: [
            {
                // Health endpoints get their own rule so load-balancer checks never hit the
                // API's request timeout budget and stay reachable for external monitors.
                matches: HEALTH_PATHS.map((value) => ({ path: { type: "Exact", value }, method: "GET" })),
                backendRefs,
                timeouts: { request: "5s" },
            },
            {
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs,
                timeouts: { request: a.requestTimeout },
            },
        ],
    };
}

/** Plain HTTP only redirects to HTTPS. */
export function redirectRouteSpec(a: Pick<RouteArgs, "gatewayName" | "hostname">): IHTTPRouteSpec {
    return {
        parentRefs: [{ name: a.gatewayName, sectionName: "http" }],
        hostnames: [a.hostname],
        rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    };
}

export interface DnsRegion {
    readonly name: string;
    readonly target: string;
    readonly weight: number;
    readonly geo: string;
    readonly healthCheckId: string;
}

export interface DnsArgs {
    readonly hostname: string;
    readonly routing: "weighted" | "geo";
    readonly ttl: number;
    readonly regions: readonly DnsRegion[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * One record set per region under the same name, told apart by `setIdentifier`, with the
 * routing policy as provider-specific properties (Route 53 names; ExternalDNS `--source=crd`).
 */
export function dnsEndpointSpec(a: DnsArgs): IDNSEndpoint["spec"] {
    return {
        endpoints: a.regions.map((r) => {
            const providerSpecific =
                a.routing === "weighted"
                    ? [{ name: "aws/weight", value: String(r.weight) }]
                    : r.geo === "*"
                      ? [{ name: "aws/geolocation-country-code", value: "*" }]
                      : [{ name: "aws/geolocation-continent-code", value: r.geo }];
            if (r.healthCheckId) providerSpecific.push({ name: "aws/health-check-id", value: r.healthCheckId });
            return {
                dnsName: a.hostname,
                recordType: IPV4.test(r.target) ? "A" : "CNAME",
                targets: [r.target],
                recordTTL: a.ttl,
                setIdentifier: r.name,
                providerSpecific,
            };
        }),
    };
}
