import { KARPENTER_CAPACITY_TYPE, SPOT_NODE_LABELS } from "../contract";
import { dataTierPlacements, spotSelection, spotToleration } from "../lib/placement";
import { resourceRule, schema } from "../lib/rule";

export interface SpotConfig {
    spotLabels: string[];
    spotTaintKey: string;
    spotTaintValue: string;
}

/** The thresholds every `place-*` rule shares: how a pod reaches spot nodes. */
export const SPOT_CONFIG_SCHEMA = {
    spotLabels: schema.strings([...SPOT_NODE_LABELS], "Node labels (`key=value`) that mark spot nodes."),
    spotTaintKey: schema.str(KARPENTER_CAPACITY_TYPE, "Key of the taint spot nodes carry."),
    spotTaintValue: schema.str("spot", "Value of the taint spot nodes carry."),
};

const DATA_KINDS: Readonly<Record<string, string>> = {
    Cluster: "postgresql.cnpg.io/",
    Pooler: "postgresql.cnpg.io/",
    RedisCluster: "redis.redis.opstreelabs.in/",
};

/** `place-data-not-on-spot`: a reclaimed spot node would fail over Postgres or Redis, or drop a pooler's connections. */
export const placeDataNotOnSpot = resourceRule<SpotConfig>(
    {
        name: "place-data-not-on-spot",
        description: "No data-tier pod (Postgres Cluster, Pooler, Redis) selects spot nodes or tolerates the spot taint.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Remove spot node selectors, spot node-affinity terms and spot tolerations from the data tier's custom resources.",
        configSchema: { properties: SPOT_CONFIG_SCHEMA },
    },
    (kind, apiVersion) => DATA_KINDS[kind] !== undefined && apiVersion.startsWith(DATA_KINDS[kind]),
    (o, cfg, report) => {
        for (const { role, spec } of dataTierPlacements(o.kind, o.props)) {
            const how = spotSelection(spec, cfg.spotLabels) ?? spotToleration(spec, cfg.spotTaintKey, cfg.spotTaintValue);
            if (how)
                report(
                    `${o.id}: its ${role} may run on spot nodes (${how}); the data tier never runs on spot (a reclaimed node fails over Postgres or Redis): remove it.`,
                );
        }
    },
);
