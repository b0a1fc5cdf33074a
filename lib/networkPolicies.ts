/**
 * Pure builders for the namespace's NetworkPolicies: deny everything, then allow exactly the
 * flows the architecture has.
 */
import type { NetworkPolicySpec } from "kubernetes-types/networking/v1";

export interface NetworkPlan {
    /** Pod labels of the API. */
    readonly apiSelector: Record<string, string>;
    readonly apiPort: number;
    /** Namespace of the gateway controller (and of its data plane, for shared gateways). */
    readonly gatewayNamespace: string;
    /** Name of our Gateway: implementations that deploy proxies per Gateway (Istio, Envoy Gateway in
     * namespace mode) run them in the Gateway's namespace labelled with this name. */
    readonly gatewayName: string;
    /** Namespace of Prometheus. */
    readonly prometheusNamespace: string;
    /** Labels of the Prometheus pods (nothing else in their namespace may scrape). */
    readonly prometheusPodLabels: Record<string, string>;
    /** Ports Prometheus scrapes (the workloads' http ports). */
    readonly metricsPorts: readonly number[];
    readonly postgresPort: number;
    readonly redisPort: number;
}

export interface NamedPolicy {
    readonly name: string;
    readonly spec: NetworkPolicySpec;
}

const nsSelector = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });
const tcp = (port: number) => ({ protocol: "TCP", port });
const uniq = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** Component labels of the data tier's pods (set by the data-tier components). */
export const DATA_TIER_COMPONENTS = ["database", "pooler", "cache"];
/** Application components that talk to the data tier. */
export const DATA_CLIENT_COMPONENTS = ["api", "worker", "analytics"];

/** Label Gateway API implementations put on the proxies they deploy for a Gateway. */
export const gatewayPods = (gatewayName: string) => ({ "gateway.networking.k8s.io/gateway-name": gatewayName });

export function networkPolicies(p: NetworkPlan): NamedPolicy[] {
    return [
        { name: "default-deny-all", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
        {
            name: "allow-dns-egress",
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [{ namespaceSelector: nsSelector("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
            },
        },
        {
            name: "allow-gateway-to-api",
            spec: {
                podSelector: { matchLabels: p.apiSelector },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [{ namespaceSelector: nsSelector(p.gatewayNamespace) }, { podSelector: { matchLabels: gatewayPods(p.gatewayName) } }],
                        ports: [tcp(p.apiPort)],
                    },
                ],
            },
        },
        {
            // Per-Gateway proxies in this namespace: reachable from clients (the load balancer),
            // may reach the API and their control plane, nothing else.
            name: "allow-gateway-proxies",
            spec: {
                podSelector: { matchLabels: gatewayPods(p.gatewayName) },
                policyTypes: ["Ingress", "Egress"],
                ingress: [{}],
                egress: [
                    { to: [{ podSelector: { matchLabels: p.apiSelector } }], ports: [tcp(p.apiPort)] },
                    { to: [{ namespaceSelector: nsSelector(p.gatewayNamespace) }] },
                ],
            },
        },
        {
            name: "allow-prometheus-scrape",
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/part-of": "sysmanage" } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [{ namespaceSelector: nsSelector(p.prometheusNamespace), podSelector: { matchLabels: p.prometheusPodLabels } }],
                        ports: uniq(p.metricsPorts).map(tcp),
                    },
                ],
            },
        },
        {
            name: "allow-apps-to-data-tier",
            spec: {
                podSelector: { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: DATA_CLIENT_COMPONENTS }] },
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [{ podSelector: { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: DATA_TIER_COMPONENTS }] } }],
                        ports: uniq([p.postgresPort, p.redisPort]).map(tcp),
                    },
                ],
            },
        },
    ];
}
