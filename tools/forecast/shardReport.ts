/**
 * The forecast report's section on shards (issue 18 #4): each shard's storage and peak load, their
 * growth, and when the next shard is needed (forecast/shardCapacity.ts). Pure: returns lines.
 */
import type { ShardCapacityPlan } from "../../forecast/shardCapacity";

const GiB = 2 ** 30;
const date = (t: number | null) => (t === null ? "not within the horizon" : new Date(t * 1000).toISOString().slice(0, 10));

export function shardCapacitySection(p: ShardCapacityPlan): string[] {
    const l = p.limits;
    const pct = `${Math.round(l.threshold * 100)} %`;
    const out = [
        "### Shards",
        "",
        `Capacity per shard: ${(l.storageBytes / GiB).toFixed(0)} GiB of storage, ${l.qps} queries/s; the next shard is needed when either reaches ${pct} (horizon ${l.horizonDays} days from ${date(p.now)}).`,
        "",
        `| shard | storage now | growth per day | storage reaches ${pct} | peak queries/s now | growth per day | peak reaches ${pct} |`,
        "|---|---|---|---|---|---|---|",
    ];
    for (const s of p.shards)
        out.push(
            `| ${s.shard} | ${(s.storageNow / GiB).toFixed(1)} GiB | ${(s.storagePerDay / GiB).toFixed(2)} GiB | ${date(s.storageAt)} | ${s.peakQpsNow.toFixed(0)} | ${s.peakQpsPerDay.toFixed(1)} | ${date(s.qpsAt)} |`,
        );
    const n = p.shards.length;
    out.push(
        "",
        p.nextShardAt === null
            ? `Next shard: not needed within ${l.horizonDays} days (${p.reason}).`
            : `**Next shard needed by ${date(p.nextShardAt)}**: ${p.reason}. Going from ${n} to ${n + 1} shards moves ${n > 0 ? `1/${n + 1}` : "all"} of the buckets (docs/sharding.md, resharding).`,
        "",
    );
    return out;
}
