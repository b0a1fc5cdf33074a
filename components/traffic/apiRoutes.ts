import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { apiRouteSpec, type RouteArgs } from "../../lib/traffic";

export interface ApiRoutesArgs extends RouteArgs {
    readonly namespace: pulumi.Input<string>;
    readonly labels: Record<string, string>;
}

/** The local tier: HTTPRoutes from the Gateway's HTTPS listener to the API Service. */
export class ApiRoutes extends pulumi.ComponentResource {
    constructor(name: string, args: ApiRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:traffic:ApiRoutes", name, {}, opts);
        new k8s.apiextensions.CustomResource(
            `${name}-route`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: args.serviceName, namespace: args.namespace, labels: args.labels },
                spec: apiRouteSpec(args),
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
