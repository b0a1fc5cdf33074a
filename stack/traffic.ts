/** Load-balancer tiers: global DNS → the regional Gateway → local routes to the API. */
import type * as pulumi from "@pulumi/pulumi";
import { ApiRoutes, GlobalDns, RegionalGateway } from "../components";
import type { AppConfig } from "../config/schema";
import type { StackPlan } from "../plan/stack";

export function declareTraffic(
    cfg: AppConfig,
    plan: StackPlan,
    namespace: pulumi.Input<string>,
    opts: pulumi.ComponentResourceOptions,
): void {
    const { labels, gatewayName } = plan;
    const g = cfg.gateway;
    if (cfg.dns.enabled) {
        // Each region's stack publishes only its own record set (its ExternalDNS owns it); the
        // other entries of dns.regions are the same hostname's other record sets.
        const dns = { hostname: g.hostname, routing: cfg.dns.routing, ttl: cfg.dns.ttl, regions: plan.dnsRegions };
        new GlobalDns("global-dns", { namespace, labels, ...dns }, opts);
    }
    new RegionalGateway(
        "regional-gateway",
        {
            namespace,
            labels,
            gatewayName,
            region: cfg.cluster.region,
            className: g.className,
            hostname: g.hostname,
            tlsSecretName: g.tlsSecretName,
        },
        opts,
    );
    const api = plan.workloads[0].pod;
    new ApiRoutes(
        "api-routes",
        {
            namespace,
            labels,
            gatewayName,
            hostname: g.hostname,
            serviceName: api.name,
            servicePort: api.port,
            requestTimeout: g.requestTimeout,
        },
        opts,
    );
}
