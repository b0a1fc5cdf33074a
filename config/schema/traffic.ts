/** The traffic tier of the config: the regional Gateway, the global DNS records and the ports NetworkPolicies open. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { grammar, int, label, port, subdomain } from "../primitives";

/** `gateway`: the regional Gateway and the API's HTTPRoute. */
export const gateway = z
    .strictObject({
        className: subdomain().default("istio").describe("GatewayClass of the regional Gateway."),
        hostname: grammar((v) => g.hostnameError(v, { wildcard: true }))
            .default("api.sysmanage.example.com")
            .describe("Public hostname of the API."),
        tlsSecretName: subdomain()
            .default("sysmanage-api-tls")
            .describe("Secret holding the TLS certificate of the HTTPS listener (e.g. issued by cert-manager)."),
        controllerNamespace: label()
            .default("istio-system")
            .describe("Namespace of the gateway controller and its shared proxies; allowed to reach the API."),
        requestTimeout: grammar(g.gatewayDurationError).default("30s").describe("HTTPRoute request timeout for API traffic."),
    })
    .prefault({})
    .describe("Regional (Gateway) and local (HTTPRoute) load-balancer tiers.");

/** `dns`: the global records that route between regions. */
export const dns = z
    .strictObject({
        enabled: z.boolean().default(true).describe("Declare the global DNS records (ExternalDNS DNSEndpoint)."),
        routing: z.enum(["weighted", "geo"]).default("weighted").describe("Global routing policy across regions."),
        ttl: int(5, 86400).default(60).describe("TTL of the global records in seconds."),
        regions: z
            .array(
                z.strictObject({
                    name: label().describe("Region name (matches cluster.region of that region's stack)."),
                    target: grammar(g.dnsTargetError).describe("Load-balancer hostname or IPv4 of that region's Gateway."),
                    weight: int(0, 255).default(100).describe("Weight for weighted routing (0 drains the region)."),
                    geo: z
                        .string()
                        .regex(/^([A-Z]{2}|\*)$/, { message: "must be a continent code (e.g. NA, EU) or *" })
                        .default("*")
                        .describe("Continent code for geo routing; * is the default location."),
                    healthCheckId: grammar(g.providerIdError)
                        .default("")
                        .describe("DNS-provider health check id for this region (optional)."),
                }),
            )
            .min(1)
            .default([{ name: "us-east-1", target: "sysmanage-us-east-1.lb.example.com", weight: 100, geo: "*", healthCheckId: "" }])
            .describe("Regions serving the public hostname; adding a region is adding an entry."),
    })
    .prefault({})
    .describe("Global load-balancer tier (DNS).");

/** `network`: the data-tier ports the NetworkPolicies open. */
export const network = z
    .strictObject({
        postgresPort: port().default(5432).describe("Port of the Postgres poolers and clusters the apps may reach."),
        redisPort: port().default(6379).describe("Port of Redis the apps may reach."),
    })
    .prefault({})
    .describe("Ports the NetworkPolicies open toward the data tier.");
