import { SHARD_LABEL } from "../contract";
import { resourceRule, schema } from "../lib/rule";

interface Config {
    minInstances: number;
}

/** `shard-ha-in-prod`: every shard cluster survives a node or zone, as the main cluster must (issue 18). */
export const shardHaInProd = resourceRule<Config>(
    {
        name: "shard-ha-in-prod",
        description:
            "Every shard cluster (a CloudNativePG Cluster labelled sysmanage.io/shard) runs at least minInstances instances: a shard holds rows no other cluster has, so it needs the main cluster's HA (3 in prod, 2 in staging).",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Set sharding.postgres.instances (or postgres.replicas, which it inherits) so each shard runs minInstances instances.",
        configSchema: {
            properties: {
                minInstances: schema.int(3, "Fewest instances of a shard cluster (a primary and two standbys survive one zone).", 1),
            },
        },
    },
    (kind, apiVersion) => kind === "Cluster" && apiVersion === "postgresql.cnpg.io/v1",
    (o, cfg, report) => {
        const shard = o.props.metadata?.labels?.[SHARD_LABEL];
        if (shard === undefined) return;
        const n = Number(o.props.spec?.instances ?? 1);
        if (n < cfg.minInstances)
            report(
                `${o.id}: shard ${shard} runs ${n} instance(s), below ${cfg.minInstances}; set sharding.postgres.instances to ${cfg.minInstances}: its buckets' rows are on no other cluster.`,
            );
    },
);
