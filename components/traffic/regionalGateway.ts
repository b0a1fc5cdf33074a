import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gatewaySpec, redirectRouteSpec, type GatewayArgs } from "../../lib/traffic";

export interface RegionalGatewayArgs extends GatewayArgs {
    readonly namespace: pulumi.Input<string>;
    /** Gateway name; one Gateway per cluster/region. */
    readonly gatewayName: string;
    readonly region: string;
    readonly labels: Record<string, string>;
}

/** The regional tier: this cluster's Gateway (HTTPS with a certificate, HTTP only redirects). */
export class RegionalGateway extends pulumi.ComponentResource {
    public readonly gatewayName: string;

    constructor(name: string, args: RegionalGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:traffic:RegionalGateway", name, {}, opts);
        const labels = { ...args.labels, "topology.kubernetes.io/region": args.region };
        const gateway = new k8s.apiextensions.CustomResource(
            `${name}-gateway`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "Gateway",
                metadata: { name: args.gatewayName, namespace: args.namespace, labels },
                spec: gatewaySpec(args),
            },
            { parent: this },
        );
        new k8s.apiextensions.CustomResource(
            `${name}-https-redirect`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: `${args.gatewayName}-https-redirect`, namespace: args.namespace, labels },
                spec: redirectRouteSpec({ gatewayName: args.gatewayName, hostname: args.hostname }),
            },
            { parent: this, dependsOn: [gateway] },
        );
        this.gatewayName = args.gatewayName;
        this.registerOutputs({ gatewayName: this.gatewayName });
    }
}
