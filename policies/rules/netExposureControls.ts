import { resourceRule, schema } from "../lib/rule";

interface Config {
    allowLoadBalancer: string[];
}

/** `net-exposure-controls`: traffic enters through the Gateway, not node ports or stray load balancers. */
export const netExposureControls = resourceRule<Config>(
    {
        name: "net-exposure-controls",
        description: "No NodePort Services, no externalIPs, and LoadBalancer Services only where allowed.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Use ClusterIP Services behind the Gateway; list intended LoadBalancers in allowLoadBalancer.",
        configSchema: {
            properties: { allowLoadBalancer: schema.strings([], "Services (namespace/name) allowed to be of type LoadBalancer.") },
        },
    },
    (kind) => kind === "Service",
    (o, cfg, report) => {
        const type = o.props.spec?.type ?? "ClusterIP";
        if (type === "NodePort")
            report(`${o.id}: is of type NodePort, which opens a port on every node; use ClusterIP behind the Gateway.`);
        if (type === "LoadBalancer" && !cfg.allowLoadBalancer.includes(`${o.namespace}/${o.name}`))
            report(
                `${o.id}: is of type LoadBalancer but not in allowLoadBalancer; expose it through the Gateway or list it in the policy config.`,
            );
        const ips = (o.props.spec?.externalIPs ?? []) as string[];
        if (ips.length > 0)
            report(`${o.id}: sets externalIPs (${ips.join(", ")}); remove them (CVE-2020-8554: they can intercept cluster traffic).`);
    },
);
