import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dnsEndpointSpec, type DnsArgs } from "../../lib/traffic";

export interface GlobalDnsArgs extends DnsArgs {
    readonly namespace: pulumi.Input<string>;
    readonly labels: Record<string, string>;
}

/**
 * The global tier: the public hostname's records across regions, published by ExternalDNS
 * (`--source=crd`). Adding a region is adding an entry to `dns.regions`.
 */
export class GlobalDns extends pulumi.ComponentResource {
    constructor(name: string, args: GlobalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:traffic:GlobalDns", name, {}, opts);
        new k8s.apiextensions.CustomResource(
            `${name}-endpoint`,
            {
                apiVersion: "externaldns.k8s.io/v1alpha1",
                kind: "DNSEndpoint",
                metadata: { name: "sysmanage-global", namespace: args.namespace, labels: args.labels },
                spec: dnsEndpointSpec(args),
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
