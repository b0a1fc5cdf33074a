import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { clusterSpec, scheduledBackupSpec, type ClusterArgs } from "../../lib/data/manifests";
import { PG_MEMORY_ANNOTATIONS } from "../../policies/contract";
import { operatorPodMonitor, type Scraping } from "./podMonitor";

export interface PostgresClusterArgs extends ClusterArgs {
    readonly namespace: pulumi.Input<string>;
    /** Cron of the ScheduledBackup (only with `backup`). */
    readonly backupSchedule?: string;
    /** The operator release(s): the Cluster is created only after them. */
    readonly operatorReady: pulumi.Resource[];
    /** Other resources the Cluster must wait for (Secrets it references, the main cluster). */
    readonly dependsOn?: pulumi.Resource[];
    /** Scraping of the instances' metrics (port `metrics`, 9187). */
    readonly scraping: Scraping;
}

/**
 * A CloudNativePG Cluster (and its ScheduledBackup when backups are configured). Pulumi waits
 * for the Cluster's Ready condition, so dependants (roles, poolers) see a running database.
 */
export class PostgresCluster extends pulumi.ComponentResource {
    public readonly clusterName: string;
    public readonly cluster: k8s.apiextensions.CustomResource;
    /** Password of the managed admin role (secret output), when `adminRole` is set. */
    public readonly adminPassword: pulumi.Output<string> | undefined;

    constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:data:PostgresCluster", name, {}, opts);
        const { namespace, backupSchedule, operatorReady, dependsOn, scraping, ...spec } = args;
        this.clusterName = args.plan.name;
        const deps = [...operatorReady, ...(dependsOn ?? [])];
        if (args.adminRole) {
            // The operator creates this role (CREATEROLE, not superuser) and keeps its password
            // in sync with the Secret; role management connects as it.
            const password = new random.RandomPassword(`${name}-admin-password`, { length: 40, special: false }, { parent: this });
            deps.push(
                new k8s.core.v1.Secret(
                    `${name}-admin-secret`,
                    {
                        metadata: { name: args.adminRole.passwordSecret, namespace, labels: { ...args.labels, "cnpg.io/reload": "true" } },
                        type: "kubernetes.io/basic-auth",
                        stringData: { username: args.adminRole.name, password: password.result },
                    },
                    { parent: this },
                ),
            );
            this.adminPassword = password.result;
        }
        this.cluster = new k8s.apiextensions.CustomResource(
            `${name}-cluster`,
            {
                apiVersion: "postgresql.cnpg.io/v1",
                kind: "Cluster",
                metadata: {
                    name: args.plan.name,
                    namespace,
                    labels: args.labels,
                    annotations: {
                        // pulumi-kubernetes waits for this condition before the resource counts as created.
                        "pulumi.com/waitFor": "condition=Ready",
                        "pulumi.com/timeoutSeconds": "1800",
                        // What the memory model assumed (the pack's pg-memory-bounded checks the parameters with it).
                        [PG_MEMORY_ANNOTATIONS.activeBackends]: String(args.plan.memoryModel.activeBackends),
                        [PG_MEMORY_ANNOTATIONS.queryMemoryNodes]: String(args.plan.memoryModel.nodesPerQuery),
                    },
                },
                spec: clusterSpec(spec),
            },
            { parent: this, dependsOn: deps },
        );
        if (args.backup && backupSchedule && "initdb" in args.bootstrap) {
            new k8s.apiextensions.CustomResource(
                `${name}-scheduled-backup`,
                {
                    apiVersion: "postgresql.cnpg.io/v1",
                    kind: "ScheduledBackup",
                    metadata: { name: `${args.plan.name}-daily`, namespace, labels: args.labels },
                    spec: scheduledBackupSpec(args.plan.name, backupSchedule),
                },
                { parent: this, dependsOn: [this.cluster], replaceOnChanges: ["spec.cluster"] },
            );
        }
        operatorPodMonitor(
            `${name}-monitor`,
            {
                name: args.plan.name,
                namespace,
                labels: args.labels,
                selector: { matchLabels: { "cnpg.io/cluster": args.plan.name, "cnpg.io/podRole": "instance" } },
                port: "metrics",
                scraping,
            },
            { parent: this, dependsOn: [this.cluster] },
        );
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
