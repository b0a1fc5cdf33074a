/** The cluster tier of the config: which environment, namespace, zones and cluster a stack deploys to. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { grammar, label, labelValue, optional, text } from "../primitives";

/** `environment`: dev, staging or prod (the policy pack applies the environment's floors). */
export const environment = z.enum(g.ENVIRONMENTS).default("prod").describe("Environment this stack is: dev, staging or prod.");

/** `namespace`: where every application object lives. */
export const namespace = label().default("sysmanage").describe("Namespace every application object lives in.");

/** `zones`: the availability zones pods spread over. */
export const zones = z
    .array(labelValue())
    .min(1)
    .default(["zone-a", "zone-b", "zone-c"])
    .describe("Availability zones of the cluster (topology.kubernetes.io/zone values); zone spread is hard when there are several.");

/** `cluster`: the Kubernetes cluster, its region, and where the provider writes. */
export const cluster = z
    .strictObject({
        name: labelValue()
            .default("sysmanage")
            .describe("Cluster name, set as the sysmanage.io/cluster label on every object the namespace component creates."),
        region: grammar(
            (v) =>
                g.dnsLabelError(v) ??
                (v.length > 53
                    ? "must be at most 53 characters (the Gateway is named sysmanage-<region>, a label value of at most 63)"
                    : undefined),
        )
            .default("us-east-1")
            .describe("Region of this cluster; must be one of dns.regions[].name."),
        kubeContext: text(1000).default("").describe("kubeconfig context for the Kubernetes provider; empty for the current one."),
        renderYamlToDirectory: optional(g.relativePathError)
            .default("")
            .describe("When set, the Kubernetes provider writes manifests to this directory instead of a cluster."),
    })
    .prefault({})
    .describe("The Kubernetes cluster this stack deploys to.");
