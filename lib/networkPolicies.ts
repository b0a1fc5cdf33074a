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
    /** The data tier's pods, when the stack declares them. */
    readonly dataTier?: {
        readonly postgres: boolean;
        /** Name of the RedisCluster (its pods are labelled `app: <name>-leader|follower`). */
        readonly redis?: string;
        /** Name of the session store's RedisCluster (the API's only). */
        readonly redisSessions?: string;
        readonly cnpgOperatorNamespace: string;
        readonly redisOperatorNamespace: string;
    };
}

export interface NamedPolicy {
    readonly name: string;
    readonly spec: NetworkPolicySpec;
}

const nsSelector = (ns: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns } });
const tcp = (port: number) => ({ protocol: "TCP", port });
const uniq = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** Application components that talk to the data tier. */
export const DATA_CLIENT_COMPONENTS = ["api", "worker", "analytics"];
/** Components that may use Redis. */
export const CACHE_CLIENT_COMPONENTS = ["api", "worker"];
/** Components that may use the session store (only the API logs users in). */
export const SESSION_CLIENT_COMPONENTS = ["api"];

const POOLER_PODS = { matchLabels: { "cnpg.io/podRole": "pooler" } };
const POSTGRES_PODS = { matchLabels: { "cnpg.io/podRole": "instance" } };
const redisPods = (name: string) => ({
    matchExpressions: [{ key: "app", operator: "In", values: [`${name}-leader`, `${name}-follower`] }],
});
const components = (values: string[]) => ({ matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values }] });
/** The Kubernetes API and object stores, which the operators' instance managers and backups reach. */
const HTTPS_OUT = { ports: [tcp(443), tcp(6443)] };

/** Data-tier flows: Postgres only from poolers, replicas and the operator; poolers only from the
 * apps; Redis only from the API and workers (and itself, for the cluster bus). */
export function dataTierPolicies(p: NetworkPlan): NamedPolicy[] {
    const d = p.dataTier;
    if (!d) return [];
    const prom = { namespaceSelector: nsSelector(p.prometheusNamespace), podSelector: { matchLabels: p.prometheusPodLabels } };
    const out: NamedPolicy[] = [];
    if (d.postgres) {
        out.push({
            name: "allow-poolers",
            spec: {
                podSelector: POOLER_PODS,
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    { from: [{ podSelector: components(DATA_CLIENT_COMPONENTS) }], ports: [tcp(p.postgresPort)] },
                    { from: [prom], ports: [tcp(9127)] },
                ],
                egress: [{ to: [{ podSelector: POSTGRES_PODS }], ports: [tcp(5432)] }, HTTPS_OUT],
            },
        });
        out.push({
            name: "allow-postgres",
            spec: {
                podSelector: POSTGRES_PODS,
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    { from: [{ podSelector: POOLER_PODS }, { podSelector: POSTGRES_PODS }], ports: [tcp(5432)] },
                    { from: [{ namespaceSelector: nsSelector(d.cnpgOperatorNamespace) }], ports: [tcp(5432), tcp(8000)] },
                    { from: [prom], ports: [tcp(9187)] },
                ],
                egress: [{ to: [{ podSelector: POSTGRES_PODS }], ports: [tcp(5432)] }, HTTPS_OUT],
            },
        });
    }
    if (d.redis) out.push(redisPolicy("allow-redis", d.redis, CACHE_CLIENT_COMPONENTS, p, prom));
    if (d.redisSessions) out.push(redisPolicy("allow-redis-sessions", d.redisSessions, SESSION_CLIENT_COMPONENTS, p, prom));
    return out;
}

/** A Redis Cluster's pods: reached by its clients, the operator and Prometheus; its bus only among themselves. */
function redisPolicy(name: string, cluster: string, clients: string[], p: NetworkPlan, prom: object): NamedPolicy {
    const bus = [tcp(p.redisPort), tcp(p.redisPort + 10000)];
    return {
        name,
        spec: {
            podSelector: redisPods(cluster),
            policyTypes: ["Ingress", "Egress"],
            ingress: [
                { from: [{ podSelector: components(clients) }], ports: [tcp(p.redisPort)] },
                { from: [{ podSelector: redisPods(cluster) }], ports: bus },
                { from: [{ namespaceSelector: nsSelector(p.dataTier!.redisOperatorNamespace) }], ports: [tcp(p.redisPort)] },
                { from: [prom], ports: [tcp(9121)] },
            ],
            egress: [{ to: [{ podSelector: redisPods(cluster) }], ports: bus }],
        },
    };
}

/** Label Gateway API implementations put on the proxies they deploy for a Gateway. */
export const gatewayPods = (gatewayName: string) => ({ "gateway.networking.k8s.io/gateway-name": gatewayName });

/** Every policy of the namespace: deny all, then the architecture's flows. */
export function networkPolicies(p: NetworkPlan): NamedPolicy[] {
    return [...basePolicies(), ...gatewayPolicies(p), ...appPolicies(p), ...dataTierPolicies(p)];
}

/** Deny everything; every pod may resolve names. */
function basePolicies(): NamedPolicy[] {
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
    ];
}

/** The Gateway's data plane reaches the API; per-Gateway proxies reach only the API and their control plane. */
function gatewayPolicies(p: NetworkPlan): NamedPolicy[] {
    return [
        {
            name: "allow-gateway-to-api",
            spec: {
                podSelector: { matchLabels: p.apiSelector },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            { namespaceSelector: nsSelector(p.gatewayNamespace) },
                            { podSelector: { matchLabels: gatewayPods(p.gatewayName) } },
                        ],
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
    ];
}

/** Prometheus scrapes the metrics ports; the apps reach the poolers and (API and workers) Redis. */
function appPolicies(p: NetworkPlan): NamedPolicy[] {
    return [
        {
            name: "allow-prometheus-scrape",
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/part-of": "sysmanage" } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [
                            { namespaceSelector: nsSelector(p.prometheusNamespace), podSelector: { matchLabels: p.prometheusPodLabels } },
                        ],
                        ports: uniq(p.metricsPorts).map(tcp),
                    },
                ],
            },
        },
        {
            // Apps reach Postgres only through the poolers.
            name: "allow-apps-to-data-tier",
            spec: {
                podSelector: components(DATA_CLIENT_COMPONENTS),
                policyTypes: ["Egress"],
                egress: [{ to: [{ podSelector: POOLER_PODS }], ports: [tcp(p.postgresPort)] }],
            },
        },
        // Redis: only the API and workers may leave for it, as only they may enter it (allow-redis);
        // analytics has no cache.
        ...(p.dataTier?.redis
            ? [
                  {
                      name: "allow-cache-clients-to-redis",
                      spec: {
                          podSelector: components(CACHE_CLIENT_COMPONENTS),
                          policyTypes: ["Egress"],
                          egress: [{ to: [{ podSelector: redisPods(p.dataTier.redis) }], ports: [tcp(p.redisPort)] }],
                      },
                  },
              ]
            : []),
        ...(p.dataTier?.redisSessions
            ? [
                  {
                      name: "allow-api-to-redis-sessions",
                      spec: {
                          podSelector: components(SESSION_CLIENT_COMPONENTS),
                          policyTypes: ["Egress"],
                          egress: [{ to: [{ podSelector: redisPods(p.dataTier.redisSessions) }], ports: [tcp(p.redisPort)] }],
                      },
                  },
              ]
            : []),
    ];
}
