/**
 * What a stack runs, as the cost model prices it: each kind of pod with its requests (every
 * container's, sidecars and exporters included) and how many run, grouped by tier. Read from the
 * plan the components are built from, so the price follows what is declared. Pure.
 */
import type { AppConfig } from "../../config/schema";
import { EXPORTER_RESOURCES } from "../../lib/data/manifests";
import { quantityValue } from "../../policies/contract";
import { dataTierPlan, type RedisPlan } from "../dataTier";
import type { FloorSchedule } from "../../forecast/schedule";
import { overprovisionPlan, type HeadroomVerdict } from "../overprovision";
import { analyticsPod, apiPlan, workerPlans } from "../workloads";

/** The tiers a stack's cost is told by, in the order the summary and the report list them. */
export const COST_TIERS = ["api", "workers", "analytics", "postgres", "poolers", "redis"] as const;
export type CostTier = (typeof COST_TIERS)[number];

/** How many pods of a kind run: the mean over the month, and when it varies, how often each count is reached. */
export interface Replicas {
    readonly mean: number;
    /** Share of the time with at least n pods, n = 0 .. the most; absent: `mean` pods all the time. */
    readonly atLeast?: readonly number[];
}

/** One kind of pod: its requests per pod (all containers) and how many run. */
export interface CostItem extends Replicas {
    readonly tier: CostTier;
    /** The workload key (`api`, `worker-queue`), cluster or pooler name. */
    readonly name: string;
    /** CPU requests per pod, in cores. */
    readonly vcpu: number;
    /** Memory requests per pod, in GiB. */
    readonly gib: number;
    /** Runs on spot capacity (a spot pool's burst): priced at the spot price, never reserved. */
    readonly spot?: boolean;
}

/** How many pods of an autoscaled workload run, given its key and the HPA's minReplicas. */
export type ReplicasOf = (key: string, minReplicas: number) => Replicas;

const GiB = 2 ** 30;
const cores = (q: string) => quantityValue(q);
const gib = (q: string) => quantityValue(q) / GiB;

/** The API's floor schedule and its headroom verdict, when the forecast sized the API: they size the placeholders. */
export interface ApiBand {
    readonly schedule?: FloorSchedule;
    readonly verdict?: HeadroomVerdict;
}

/** The stack's pods by tier, the autoscaled ones counted by `replicasOf`, the rest as declared. */
export function costItems(c: AppConfig, stack: string, replicasOf: ReplicasOf, apiBand: ApiBand = {}): CostItem[] {
    const autoscaled = [apiPlan(c, stack), ...workerPlans(c, stack)].flatMap((w): CostItem[] => {
        const r = w.pod.resources;
        const tier = w.key === "api" ? "api" : "workers";
        const item: CostItem = {
            tier,
            name: w.key,
            vcpu: cores(r.cpuRequest),
            gib: gib(r.memoryRequest),
            ...replicasOf(w.key, w.bounds.minReplicas),
        };
        return w.capacity === "spot" ? spotSplit(item, w.bounds.minReplicas) : [item];
    });
    const analytics = c.analytics.enabled ? [analyticsItem(c, stack)] : [];
    return [...autoscaled, ...placeholderItems(c, apiBand), ...analytics, ...dataItems(c)];
}

/**
 * The overprovisioning placeholders hold room for API pods, so they are the API tier's cost,
 * counted as the program declares them (`overprovisionPlan`): from the API's band where it pays.
 */
function placeholderItems(c: AppConfig, band: ApiBand): CostItem[] {
    const o = overprovisionPlan(c, band.schedule, undefined, band.verdict);
    return o ? [{ tier: "api", name: "overprovisioning", vcpu: cores(o.cpu), gib: gib(o.memory), mean: o.replicas }] : [];
}

/**
 * A spot pool (plan/placement.ts): its minReplicas run on demand in the floor Deployment all the
 * time, and the pool's other pods on spot, at least the burst HPA's one.
 */
export function spotSplit(item: CostItem, minReplicas: number): CostItem[] {
    const { atLeast: _, ...size } = item;
    // A spot pool that scales to zero (minReplicas 0) has no floor: all of it on spot, as replayed.
    if (minReplicas === 0) return [{ ...item, spot: true }];
    return [
        { ...size, name: `${item.name}-on-demand`, mean: minReplicas },
        { ...size, mean: Math.max(1, item.mean - minReplicas), spot: true },
    ];
}

// The VPA resizes the analytics pods; the declared requests are what the cost model knows.
function analyticsItem(c: AppConfig, stack: string): CostItem {
    const r = analyticsPod(c, stack).resources;
    return { tier: "analytics", name: "analytics", vcpu: cores(r.cpuRequest), gib: gib(r.memoryRequest), mean: c.analytics.replicas };
}

/**
 * Postgres instances (the primary, its replicas, the analytics replica cluster, the shard
 * clusters), the poolers (the shards' too), the Redis nodes with their exporter.
 */
function dataItems(c: AppConfig): CostItem[] {
    const d = dataTierPlan(c);
    const pg = d.postgres;
    const shards = pg?.shards ?? [];
    const clusters = pg ? [pg.main, ...(pg.analytics ? [pg.analytics] : []), ...shards.map((s) => s.cluster)] : [];
    const exporter = EXPORTER_RESOURCES.requests;
    const redis = (r: RedisPlan): CostItem => ({
        tier: "redis",
        name: r.name,
        vcpu: cores(r.cpu) + cores(exporter.cpu),
        gib: gib(r.memoryLimit) + gib(exporter.memory),
        mean: r.masters * (1 + r.replicasPerMaster),
    });
    return [
        ...clusters.map((p): CostItem => ({ tier: "postgres", name: p.name, vcpu: cores(p.cpu), gib: gib(p.memory), mean: p.instances })),
        ...[...(pg?.poolers ?? []), ...shards.map((s) => s.pooler)].map((p): CostItem => ({
            tier: "poolers",
            name: p.name,
            vcpu: cores(p.cpu),
            gib: gib(p.memory),
            mean: p.instances,
        })),
        ...[d.redis, d.sessions].flatMap((r) => (r ? [redis(r)] : [])),
    ];
}
