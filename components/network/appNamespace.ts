import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { networkPolicies, type NetworkPlan } from "../../lib/networkPolicies";

export interface AppNamespaceArgs {
    /** Namespace name. */
    readonly name: string;
    /** Labels added to the namespace. */
    readonly labels: Record<string, string>;
    /** The flows to allow after the default deny. */
    readonly network: NetworkPlan;
}

/**
 * The application namespace, enforcing the restricted Pod Security Standard, with default-deny
 * NetworkPolicies and explicit allows.
 */
export class AppNamespace extends pulumi.ComponentResource {
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:network:AppNamespace", name, {}, opts);
        const pss = Object.fromEntries(
            ["enforce", "audit", "warn"].flatMap((m) => [
                [`pod-security.kubernetes.io/${m}`, "restricted"],
                [`pod-security.kubernetes.io/${m}-version`, "latest"],
            ]),
        );
        const ns = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: args.name, labels: { ...args.labels, ...pss } } },
            { parent: this },
        );
        for (const policy of networkPolicies(args.network)) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-${policy.name}`,
                {
                    metadata: { name: policy.name, namespace: ns.metadata.name, labels: args.labels },
                    spec: policy.spec as k8s.types.input.networking.v1.NetworkPolicySpec,
                },
                { parent: this },
            );
        }
        this.name = ns.metadata.name;
        this.registerOutputs({ name: this.name });
    }
}
