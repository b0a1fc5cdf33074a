/** Cross-field rules of the traffic tier: the DNS regions, and the routing policy over them. */
import type { AppConfig } from "../schema";
import type { Show } from "./rule";

/** Region names are unique, and this stack's region is one of them. */
export function regionProblems(c: AppConfig, show: Show): string[] {
    const out: string[] = [];
    const names = c.dns.regions.map((r) => r.name);
    names.forEach((n, i) => {
        if (names.indexOf(n) !== i) out.push(`dns.regions[${i}].name (${show(n, "dns")}) must be unique`);
    });
    if (c.dns.enabled && !names.includes(c.cluster.region))
        out.push(`cluster.region (${show(c.cluster.region, "cluster")}) must be one of dns.regions[].name (${show(names, "dns")})`);
    return out;
}

/** Weighted routing needs a region with weight; geo routing needs a default location. */
export function routingProblems(c: AppConfig, show: Show): string[] {
    const out: string[] = [];
    if (c.dns.routing === "weighted" && c.dns.regions.every((r) => r.weight === 0))
        out.push(`dns.regions[].weight (all 0) must leave at least one region with weight > 0`);
    if (c.dns.routing === "geo" && !c.dns.regions.some((r) => r.geo === "*"))
        out.push(
            `dns.regions[].geo (${show(
                c.dns.regions.map((r) => r.geo),
                "dns",
            )}) must include one default location "*" for geo routing`,
        );
    return out;
}
