/**
 * The whole stack as plain data: every decision the entry point used to make inline (labels,
 * names, which region publishes DNS, the workloads with their sized bounds, the data tier, the
 * namespace's network plan, the role → pooler map). The `declare…` functions in stack/ turn it
 * into resources; unit tests check it without the Pulumi runtime.
 */
import type { AppConfig } from "../config/schema";
import type { FloorSchedule } from "../forecast/schedule";
import { scheduledFloorMetric, scheduleRuleSpec, type RecordingRuleSpec } from "../lib/floorSchedule";
import { FLOOR_SCHEDULE_ANNOTATION, formatFloorSchedule } from "../policies/contract";
import { dataTierPlan, DATABASE, type DataTierPlan } from "./dataTier";
import { nextShardCount } from "../lib/data/redis";
import { pinImage } from "../lib/images";
import { OPERATOR_METRICS_PORTS } from "../lib/monitors";
import type { NetworkPlan } from "../lib/networkPolicies";
import { analyticsPod, apiPlan, workerPlans, type AutoscaledPlan } from "./workloads";
import { asConfigError } from "./errors";
import { nodePoolsPlan, placed } from "./placement";
import type { NodePoolArgs } from "../lib/karpenter";
import { overprovisionPlan, type HeadroomVerdict, type OverprovisionPlan } from "./overprovision";
import { offHours } from "./workingHours";
import { scaledToZero } from "./scaleToZero";
import type { ScaledObjectSpec } from "../lib/scaledObject";
import { connectedPod, type ConnectionInputs } from "./connections";
import { componentLabels, stackLabels, type Labels } from "./labels";
import { deployedSharding, shardingPlan, type ShardingPlan } from "./sharding";

/** A horizontally scaled workload: its plan, the forecast's annotations for its HPA, and its floor schedule. */
export interface WorkloadPlan extends AutoscaledPlan {
    readonly annotations?: Readonly<Record<string, string>>;
    /** The recording rules of the forecast's floor schedule (the HPA then also scales on `scheduled_floor`). */
    readonly scheduleRules?: RecordingRuleSpec;
    /** A pool that scales to zero: the KEDA ScaledObject that replaces its HPA (plan/scaleToZero.ts). */
    readonly scaledObject?: ScaledObjectSpec;
}

/** What the forecasting step adds to the plan besides config values. */
export interface PlanInputs {
    /** HPA annotations per workload key (`api`, `worker-queue`, ...) from the forecast. */
    readonly annotations?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** Redis masters of the stack's last deployment (shards move one per update from there). */
    readonly deployedRedisMasters?: number;
    /** The forecast's floor schedule per workload key. */
    readonly schedules?: Readonly<Record<string, FloorSchedule>>;
    /** Per scheduled workload key, whether its band's headroom pays in the replay (the API's sizes the placeholders). */
    readonly headroom?: Readonly<Record<string, HeadroomVerdict>>;
    /** The stack's last `sharding` output as read (a map changes only as a planned move from the deployed one). */
    readonly deployedSharding?: unknown;
}

export interface StackPlan {
    readonly stack: string;
    readonly labels: Labels;
    /** The Gateway's name (the network policies admit its data plane by it). */
    readonly gatewayName: string;
    /** The record sets this stack publishes: only its own region's (its ExternalDNS owns them). */
    readonly dnsRegions: AppConfig["dns"]["regions"];
    readonly network: NetworkPlan;
    /** The API first, then each enabled worker pool. */
    readonly workloads: readonly WorkloadPlan[];
    readonly analytics?: ReturnType<typeof analyticsPod>;
    /** Overprovisioning placeholders for the API (issue 17 #4); none when off. */
    readonly overprovision?: OverprovisionPlan;
    /** Karpenter NodePools per capacity type (placement.karpenter); empty when off. */
    readonly nodePools: readonly NodePoolArgs[];
    readonly data: DataTierPlan;
    /** The shard clusters and the map they publish; undefined when sharding is off. */
    readonly sharding?: ShardingPlan;
    /** Labels of the data tier's objects by component. */
    readonly dataLabels: Readonly<Record<"database" | "pooler" | "cache", Labels>>;
    /** Pinned images of the data tier. */
    readonly images: { readonly postgres: string; readonly redis: string; readonly redisExporter: string };
    /** The Secret of the managed Postgres admin role. */
    readonly pgAdminSecret: string;
    readonly database: string;
}

/**
 * A workload with its floor schedule: the HPA also scales on `scheduled_floor`, the schedule's
 * rules are declared beside it, and the HPA records the schedule for the policy pack.
 */
function scheduled(w: WorkloadPlan, namespace: string, pool: FloorSchedule | undefined): WorkloadPlan {
    if (!pool) return w;
    // A spot burst schedules what the pool's floor leaves above its on-demand floor (at least its own 1).
    const schedule = w.onDemandFloor ? lessFloor(pool, w.onDemandFloor.replicas) : pool;
    const workload = w.pod.name;
    // While a schedule runs, minReplicas is its lowest floor (the configured static minimum):
    // the busy hours' pods come from the schedule, and quiet hours give them back. When the
    // schedule expires, this minimum is what remains.
    const minReplicas = Math.min(w.bounds.minReplicas, schedule.minReplicas ?? w.bounds.minReplicas);
    return {
        ...w,
        bounds: { ...w.bounds, minReplicas },
        metrics: [...w.metrics, scheduledFloorMetric(namespace, workload)],
        annotations: { ...w.annotations, [FLOOR_SCHEDULE_ANNOTATION]: formatFloorSchedule(schedule) },
        scheduleRules: scheduleRuleSpec({ namespace, workload, minReplicas, schedule }),
    };
}

/** The pool's schedule less an on-demand floor of `n` pods, each slot at least 1 (the burst HPA's minimum). */
function lessFloor(s: FloorSchedule, n: number): FloorSchedule {
    const less = (v: number) => Math.max(1, v - n);
    return { ...s, floors: s.floors.map(less), ...(s.minReplicas === undefined ? {} : { minReplicas: less(s.minReplicas) }) };
}

/** The Secret that holds the managed Postgres admin role's password. */
export const PG_ADMIN_SECRET = "sysmanage-pg-admin";

/** The stack as plain data, from the final config (forecast applied). Throws ConfigErrors naming the stack file. */
export function planStack(cfg: AppConfig, stack: string, inputs: PlanInputs = {}): StackPlan {
    const data = asConfigError(stack, () => dataTierPlan(cfg));
    // Resharding moves slots while the cluster serves: one shard per update, checked against
    // what is deployed, unless explicitly allowed (also when the forecast chose the count).
    if (data.redis) {
        const masters = data.redis.masters;
        asConfigError(stack, () => nextShardCount(inputs.deployedRedisMasters ?? 0, masters, cfg.redis.allowShardJump));
    }
    const sharding = asConfigError(stack, () => shardingPlan(cfg, data, deployedSharding(inputs.deployedSharding)));
    const labels = stackLabels(cfg.environment, cfg.cluster.name);
    const conn: ConnectionInputs = {
        sharding,
        data,
        redisPort: cfg.network.redisPort,
        credentialsVersion: cfg.databaseAccess.credentialsVersion,
        redisCredentialsVersion: cfg.redis.credentialsVersion,
    };
    const workloads = [apiPlan(cfg, stack), ...workerPlans(cfg, stack)].map((p) =>
        scaledToZero(
            offHours(
                scheduled(
                    placed({ ...p, pod: connectedPod(p.pod, conn), annotations: inputs.annotations?.[p.key] }, cfg),
                    cfg.namespace,
                    inputs.schedules?.[p.key],
                ),
                cfg,
            ),
            cfg,
        ),
    );
    const gatewayName = `sysmanage-${cfg.cluster.region}`;
    const digests = cfg.images.digests;
    const overprovision = overprovisionPlan(cfg, inputs.schedules?.api, workloads[0].pod.placement?.affinity, inputs.headroom?.api);
    return {
        stack,
        labels,
        gatewayName,
        dnsRegions: cfg.dns.regions.filter((r) => r.name === cfg.cluster.region),
        network: networkPlan(cfg, stack, workloads, data, gatewayName),
        workloads,
        analytics: cfg.analytics.enabled ? connectedPod(analyticsPod(cfg, stack), conn) : undefined,
        overprovision,
        nodePools: nodePoolsPlan(cfg, stack, labels, overprovision),
        data,
        sharding,
        dataLabels: {
            database: componentLabels(labels, "database", stack),
            pooler: componentLabels(labels, "pooler", stack),
            cache: componentLabels(labels, "cache", stack),
        },
        images: {
            postgres: pinImage(cfg.postgres.image, digests),
            redis: pinImage(cfg.redis.image, digests),
            redisExporter: pinImage(cfg.redis.exporterImage, digests),
        },
        pgAdminSecret: PG_ADMIN_SECRET,
        database: DATABASE,
    };
}

/** The namespace's flows: who reaches the API, what Prometheus scrapes, the data tier's ports. */
function networkPlan(
    cfg: AppConfig,
    stack: string,
    workloads: readonly WorkloadPlan[],
    data: DataTierPlan,
    gatewayName: string,
): NetworkPlan {
    const api = workloads[0];
    return {
        apiSelector: { "app.kubernetes.io/name": api.pod.name, "app.kubernetes.io/instance": stack },
        apiPort: api.pod.port,
        gatewayNamespace: cfg.gateway.controllerNamespace,
        gatewayName,
        prometheusNamespace: cfg.metrics.prometheusNamespace,
        prometheusPodLabels: cfg.metrics.prometheusPodLabels,
        metricsPorts: [
            ...workloads.map((w) => w.pod.port),
            ...(cfg.analytics.enabled ? [cfg.analytics.port] : []),
            ...(data.postgres ? [OPERATOR_METRICS_PORTS.cnpgInstance, OPERATOR_METRICS_PORTS.cnpgPooler] : []),
            ...(data.redis ? [OPERATOR_METRICS_PORTS.redisExporter] : []),
        ],
        postgresPort: cfg.network.postgresPort,
        redisPort: cfg.network.redisPort,
        dataTier: {
            postgres: data.postgres !== undefined,
            redis: data.redis?.name,
            redisSessions: data.sessions?.name,
            cnpgOperatorNamespace: cfg.postgres.operatorNamespace,
            redisOperatorNamespace: cfg.redis.operatorNamespace,
        },
    };
}

/**
 * The pooler Service each login role connects through: write → the primary's pooler, read →
 * the replicas' (or any instance's), analytics → the analytics replica's (the read pooler when
 * there is none).
 */
export function roleEndpoints(data: NonNullable<DataTierPlan["postgres"]>): Record<string, string> {
    const of = (cluster: string, types: readonly string[]) =>
        data.poolers.find((p) => p.cluster === cluster && types.includes(p.type))?.name;
    const main = data.main.name;
    const write = of(main, ["rw"]);
    const read = of(main, ["ro", "r"]);
    const analytics = data.analytics ? of(data.analytics.name, ["rw", "ro", "r"]) : undefined;
    const via = { write, read, analytics: analytics ?? read };
    return Object.fromEntries(data.privileges.roles.map((r) => [r.role, via[r.via]!]));
}
