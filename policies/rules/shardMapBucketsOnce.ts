import { mapProblems, SHARD_LABEL, SHARD_MAP_CONFIGMAP, SHARD_MAP_KEY, type ShardMap } from "../contract";
import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** `shard-map-buckets-once`: the published shard map puts every bucket on exactly one declared shard cluster (issue 18). */
export const shardMapBucketsOnce = stackRule<Record<string, never>>(
    {
        name: "shard-map-buckets-once",
        description:
            "The shard map ConfigMap (sysmanage-shard-map, key shard-map.json) assigns every bucket exactly once, with the published hash, to a shard that is a declared CloudNativePG Cluster labelled sysmanage.io/shard in its namespace: a bucket on no shard or on two loses or splits rows.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps: "Publish the map the program computes (sharding.shards, sharding.mapShards); never edit the ConfigMap by hand.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        const shards = ix
            .of("Cluster")
            .filter((c) => c.apiVersion === "postgresql.cnpg.io/v1" && c.props.metadata?.labels?.[SHARD_LABEL] !== undefined);
        forEachKnown(
            ix.of("ConfigMap").filter((m) => m.name === SHARD_MAP_CONFIGMAP),
            (m) => {
                const text = m.props.data?.[SHARD_MAP_KEY];
                let map: ShardMap;
                try {
                    map = JSON.parse(String(text)) as ShardMap;
                } catch {
                    return report(`${m.id}: data.${SHARD_MAP_KEY} is not JSON; publish the map the program computes.`, m);
                }
                if (!Array.isArray(map?.shards) || !Array.isArray(map?.ranges))
                    return report(
                        `${m.id}: data.${SHARD_MAP_KEY} has no shards and ranges lists; publish the map the program computes.`,
                        m,
                    );
                for (const p of mapProblems(map)) report(`${m.id}: ${p}.`, m);
                const declared = new Set(shards.filter((c) => c.namespace === m.namespace).map((c) => c.name));
                for (const s of map.shards.filter((x) => !declared.has(x)))
                    report(
                        `${m.id}: shard ${s} is no Cluster labelled ${SHARD_LABEL} in namespace ${m.namespace}; declare the shard cluster before the map puts buckets on it.`,
                        m,
                    );
            },
        );
    },
);
