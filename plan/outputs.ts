/**
 * The stack's outputs as plain data: what `pulumi stack output` shows, and what the next
 * preview reads back (`previousOutput("dataTier")`: the deployed Redis masters).
 */
import type { ProgramForecast } from "../forecast/program";
import type { FloorSchedule } from "../forecast/schedule";
import type { PostgresMemoryModel } from "../policies/contract/postgresMemory";
import type { RedisMemoryModel } from "../policies/contract/redisMemory";
import type { StackCost } from "./cost";
import type { HeadroomVerdict } from "./overprovision";
import { shardingOutputs, type ShardingOutputs } from "./sharding";
import type { StackPlan } from "./stack";

export interface DataTierOutputs {
    readonly postgres: {
        readonly instances: number;
        readonly analyticsReplica: boolean;
        /** Pooler name → instances. */
        readonly poolers: Readonly<Record<string, number>>;
        readonly budgets: readonly { readonly target: string; readonly available: number; readonly used: number }[];
        /** Per cluster, each instance's memory at its worst moment in MiB (issue 19): what it is made of, against the limit. */
        readonly memoryMiB: Readonly<Record<string, PostgresMemoryMiB>>;
    } | null;
    readonly redis: {
        readonly masters: number;
        readonly replicasPerMaster: number;
        /** Each node's memory at its worst moment, in MiB (issue 19): what it is made of, against the limit. */
        readonly memoryMiB: Readonly<
            Record<"limit" | "maxmemory" | "fragmentation" | "forkCopy" | "backlog" | "replicaBuffers" | "process" | "worstCase", number>
        >;
    } | null;
    /** The session store (`noeviction`, its own memory), like the cache; null when off. */
    readonly sessions: DataTierOutputs["redis"];
}

export type PostgresMemoryMiB = Readonly<
    Record<"limit" | "budget" | "shared" | "connections" | "queries" | "maintenance" | "autovacuum" | "process" | "worstCase", number>
>;

export interface ForecastOutputs {
    readonly exportsDir: string;
    readonly inputsHash: string;
    readonly dataTierInputsHash: string;
    /** Per workload: the bounds it had, the ones it gets and the model that sized them. */
    readonly workloads: Readonly<Record<string, { readonly current: unknown; readonly proposed: unknown; readonly model: string }>>;
    /** Every sized data-tier count with the rule that decided it (or why the configured one was kept). */
    readonly dataTier: Readonly<Record<string, unknown>>;
    readonly warnings: readonly string[];
    /** The floor schedules deployed, per workload key: the next preview reads them back (hysteresis). */
    readonly schedules: Readonly<Record<string, FloorSchedule>>;
    /** Per scheduled workload key, its band's headroom priced in the replay (the API's sizes the placeholders). */
    readonly headroom: Readonly<Record<string, HeadroomVerdict>>;
}

export interface StackOutputs {
    readonly environment: string;
    readonly namespace: string;
    readonly hostname: string;
    /** Deployment name → the HPA's bounds. */
    readonly autoscaling: Readonly<Record<string, { readonly minReplicas: number; readonly maxReplicas: number }>>;
    /** Helm chart → pinned version. */
    readonly charts: Readonly<Record<string, string>>;
    readonly forecast: ForecastOutputs | null;
    readonly dataTier: DataTierOutputs;
    /** Monthly cost per tier now and as proposed, and the reserved floor's commitment (plain numbers, `currency`). */
    readonly cost: CostOutputs;
    /** The published shard map and the shard clusters (null when sharding is off): the next update checks its map change against it. */
    readonly sharding: ShardingOutputs | null;
}

/** The cost model's figures without the per-workload floors (the forecast report lists those). */
export type CostOutputs = Omit<StackCost, "reserved"> & { readonly reserved: Omit<StackCost["reserved"], "floors"> };

/** What the stack exports. */
export function stackOutputs(
    plan: StackPlan,
    site: { readonly environment: string; readonly namespace: string; readonly hostname: string },
    charts: Readonly<Record<string, string>>,
    forecast: ProgramForecast | undefined,
    cost: StackCost,
): StackOutputs {
    const pg = plan.data.postgres;
    const redis = plan.data.redis;
    return {
        ...site,
        autoscaling: Object.fromEntries(
            plan.workloads.map((w) => [w.pod.name, { minReplicas: w.bounds.minReplicas, maxReplicas: w.bounds.maxReplicas }]),
        ),
        charts,
        forecast: forecast ? forecastOutputs(forecast) : null,
        dataTier: {
            postgres: pg
                ? {
                      instances: pg.main.instances,
                      analyticsReplica: pg.analytics !== undefined,
                      poolers: Object.fromEntries(pg.poolers.map((p) => [p.name, p.instances])),
                      budgets: [...pg.budgets, ...pg.shards.map((s) => s.budget)].map((b) => ({
                          target: b.target,
                          available: b.available,
                          used: b.used,
                      })),
                      memoryMiB: Object.fromEntries(
                          [pg.main, ...(pg.analytics ? [pg.analytics] : []), ...pg.shards.map((s) => s.cluster)].map((c) => [
                              c.name,
                              postgresMemoryMiB(c.memoryUse),
                          ]),
                      ),
                  }
                : null,
            redis: redisOutputs(redis),
            sessions: redisOutputs(plan.data.sessions),
        },
        cost: costOutputs(cost),
        sharding: shardingOutputs(plan.sharding),
    };
}

function costOutputs(c: StackCost): CostOutputs {
    const { floors: _floors, ...reserved } = c.reserved;
    return { ...c, reserved };
}

const MiB = 1024 * 1024;

function postgresMemoryMiB(m: PostgresMemoryModel): PostgresMemoryMiB {
    const r = (b: number) => Math.round(b / MiB);
    const { limit, budget, shared, connections, queries, maintenance, autovacuum, process, worstCase } = m;
    return {
        limit: r(limit),
        budget: r(budget),
        shared: r(shared),
        connections: r(connections),
        queries: r(queries),
        maintenance: r(maintenance),
        autovacuum: r(autovacuum),
        process: r(process),
        worstCase: r(worstCase),
    };
}

function redisOutputs(r: StackPlan["data"]["redis"]): DataTierOutputs["redis"] {
    return r ? { masters: r.masters, replicasPerMaster: r.replicasPerMaster, memoryMiB: memoryMiB(r.memory) } : null;
}

function memoryMiB(m: RedisMemoryModel): NonNullable<DataTierOutputs["redis"]>["memoryMiB"] {
    const r = (b: number) => Math.round(b / MiB);
    return {
        limit: r(m.limit),
        maxmemory: r(m.maxmemory),
        fragmentation: r(m.fragmentation),
        forkCopy: r(m.forkCopy),
        backlog: r(m.backlog),
        replicaBuffers: r(m.replicaBuffers),
        process: r(m.base),
        worstCase: r(m.worstCase),
    };
}

function forecastOutputs(f: ProgramForecast): ForecastOutputs {
    return {
        exportsDir: f.exportsDir,
        inputsHash: f.result.inputsHash,
        dataTierInputsHash: f.dataTier.inputsHash,
        workloads: Object.fromEntries(
            f.result.workloads.map((w) => [w.name, { current: w.current, proposed: w.proposed, model: w.model }]),
        ),
        dataTier: Object.fromEntries(
            f.dataTier.counts.map((n) => [
                n.key,
                { configured: n.configured, proposed: n.proposed, peaks: n.peaks, model: n.model, rule: n.rule },
            ]),
        ),
        warnings: f.warnings,
        schedules: f.schedules,
        headroom: f.headroom,
    };
}

/**
 * The schedules in the stack's last `forecast` output, each checked for shape: one that is not a
 * schedule (an older program's outputs, a hand edit) is left out, never trusted.
 */
export function deployedFloorSchedules(previous: unknown): Record<string, FloorSchedule> {
    const all = (previous as { schedules?: unknown } | undefined)?.schedules;
    if (!all || typeof all !== "object") return {};
    const whole = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 0);
    return Object.fromEntries(
        Object.entries(all as Record<string, Partial<FloorSchedule>>).filter(
            ([, s]) => !!s && Number.isFinite(s.start) && Number.isInteger(s.stepSeconds) && (s.stepSeconds ?? 0) > 0 && whole(s.floors),
        ),
    ) as Record<string, FloorSchedule>;
}
