import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { operatorPodMonitorSpec } from "../../lib/monitors";

/** How Prometheus finds the data tier's metrics: the labels it selects monitors by, and the interval. */
export interface Scraping {
    readonly monitorLabels: Record<string, string>;
    readonly scrapeInterval: string;
}

/**
 * A PodMonitor `<name>-metrics` for pods an operator runs, on their named metrics port. Named
 * apart from the operator's own monitor, so switching from its deprecated switch to ours never
 * has two owners of one object.
 */
export function operatorPodMonitor(
    resourceName: string,
    a: {
        readonly name: string;
        readonly namespace: pulumi.Input<string>;
        readonly labels: Record<string, string>;
        readonly selector: Parameters<typeof operatorPodMonitorSpec>[0];
        readonly port: string;
        readonly scraping: Scraping;
    },
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        resourceName,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { name: `${a.name}-metrics`, namespace: a.namespace, labels: { ...a.labels, ...a.scraping.monitorLabels } },
            spec: operatorPodMonitorSpec(a.selector, a.port, a.scraping.scrapeInterval),
        },
        opts,
    );
}
