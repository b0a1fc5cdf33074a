import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { safeToEvict } from "../../policies/contract";
import { redisAuthSecretName, redisClusterSpec, redisConfText, type RedisArgs } from "../../lib/data/manifests";
import { operatorPodMonitor, type Scraping } from "./podMonitor";

export interface RedisClusterArgs extends Omit<RedisArgs, "passwordSecret" | "configMap" | "serviceAccount"> {
    readonly namespace: pulumi.Input<string>;
    readonly name: string;
    readonly labels: Record<string, string>;
    /** redis.conf directives (maxmemory, eviction, cluster timeouts). */
    readonly config: Record<string, string>;
    /** The operator release. */
    readonly operatorReady: pulumi.Resource[];
    /** Scraping of the exporter sidecars (port `redis-exporter`, 9121). */
    readonly scraping: Scraping;
    /**
     * The password's keepers: a change replaces it (a new password in the same Secret).
     * @default none: the password is kept for the life of the stack
     */
    readonly passwordKeepers?: Record<string, string>;
    /**
     * Annotations of the RedisCluster, which the operator copies onto its StatefulSets' pod
     * templates: changing one rolls the Redis pods, which read the Secret when they start.
     * @default none
     */
    readonly podAnnotations?: Record<string, string>;
}

/**
 * A Redis Cluster run by the OT-CONTAINER-KIT redis-operator: masters = shards, replicas per
 * master, AUTH from @pulumi/random, our redis.conf directives through the operator's
 * additional-config ConfigMap, exporter, spread and PDBs.
 */
export class RedisCluster extends pulumi.ComponentResource {
    public readonly passwordSecretName: string;
    /** The AUTH Secret: the clients' Deployments wait for it, so a rotated password is in it before they roll. */
    public readonly passwordSecret: k8s.core.v1.Secret;

    constructor(name: string, args: RedisClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:data:RedisCluster", name, {}, opts);
        const child = { parent: this };
        const password = new random.RandomPassword(
            `${name}-password`,
            { length: 40, special: false, keepers: args.passwordKeepers },
            child,
        );
        this.passwordSecretName = redisAuthSecretName(args.name);
        const secret = new k8s.core.v1.Secret(
            `${name}-auth`,
            {
                metadata: { name: this.passwordSecretName, namespace: args.namespace, labels: args.labels },
                type: "Opaque",
                stringData: { password: password.result },
            },
            child,
        );
        this.passwordSecret = secret;
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            {
                metadata: { name: `${args.name}-config`, namespace: args.namespace, labels: args.labels },
                data: { "redis-additional.conf": redisConfText(args.config) },
            },
            child,
        );
        // Its own ServiceAccount, with no API token in the pods (the default one mounts it).
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            {
                metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
                automountServiceAccountToken: false,
            },
            child,
        );
        const cluster = new k8s.apiextensions.CustomResource(
            `${name}-cluster`,
            {
                apiVersion: "redis.redis.opstreelabs.in/v1beta2",
                kind: "RedisCluster",
                // The operator copies these onto the pods: their `config` emptyDir may go (Cluster Autoscaler),
                // and a new credentials version rolls them (redis-operator v0.26.0, labels.go:101).
                metadata: {
                    name: args.name,
                    namespace: args.namespace,
                    labels: args.labels,
                    annotations: { ...safeToEvict("config"), ...args.podAnnotations },
                },
                spec: redisClusterSpec(args.name, {
                    ...args,
                    passwordSecret: this.passwordSecretName,
                    configMap: `${args.name}-config`,
                    serviceAccount: args.name,
                }),
            },
            { ...child, dependsOn: [...args.operatorReady, secret, configMap, serviceAccount] },
        );
        operatorPodMonitor(
            `${name}-monitor`,
            {
                name: args.name,
                namespace: args.namespace,
                labels: args.labels,
                selector: {
                    matchLabels: { redis_setup_type: "cluster" },
                    matchExpressions: [{ key: "app", operator: "In", values: [`${args.name}-leader`, `${args.name}-follower`] }],
                },
                port: "redis-exporter",
                scraping: args.scraping,
            },
            { ...child, dependsOn: [cluster] },
        );
        this.registerOutputs({ passwordSecretName: this.passwordSecretName });
    }
}
