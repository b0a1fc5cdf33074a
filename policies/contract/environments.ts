/**
 * The floors each environment holds the stack to, in one place: the policy pack enforces them
 * (`policies/config/<environment>.json` states them for `--policy-pack-config`; a test proves the
 * files agree with this table) and the program sizes to them (the forecast never sets an HPA's
 * minReplicas below `haFloor(environment)`). Pure: no Pulumi, no imports.
 */

/** The environments a stack can be (`environment` in the stack config). */
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** How many replicas an HPA keeps at least (policy `hpa-min-replicas-ha`). */
export interface HaFloor {
    /** Fewest replicas, so losing one pod keeps the workload serving. */
    readonly floor: number;
    /** Availability zones of the environment's clusters. */
    readonly zones: number;
    /** One pod per zone at the floor too: the floor is max(floor, zones). */
    readonly zoneAware: boolean;
}

/** The floors of one environment, each named after the policy setting that enforces it. */
export interface EnvironmentFloors {
    /** `hpa-min-replicas-ha`: floor, zones, zoneAware. */
    readonly ha: HaFloor;
    /** `pool-pooler-ha-and-mode.minInstances`: pods of each PgBouncer pooler. */
    readonly poolerInstances: number;
    /** `redis-cluster-topology.minReplicasPerMaster`: replicas of each Redis master. */
    readonly redisReplicasPerMaster: number;
    /** `pg-cluster-ha-and-drainable.requireBackup`: the Postgres cluster backs up to an object store. */
    readonly postgresBackup: boolean;
}

/**
 * dev runs one of everything in one zone; staging has prod's shape (three zones, two of each) at a
 * smaller size; prod also keeps one pod per zone (seed: floor 2, three zones).
 */
export const ENVIRONMENT_FLOORS: Readonly<Record<Environment, EnvironmentFloors>> = {
    dev: { ha: { floor: 1, zones: 1, zoneAware: false }, poolerInstances: 1, redisReplicasPerMaster: 0, postgresBackup: false },
    staging: { ha: { floor: 2, zones: 3, zoneAware: false }, poolerInstances: 2, redisReplicasPerMaster: 1, postgresBackup: false },
    prod: { ha: { floor: 2, zones: 3, zoneAware: true }, poolerInstances: 2, redisReplicasPerMaster: 1, postgresBackup: true },
};

/** The minReplicas an HA floor asks of every HPA: max(floor, zones) when zone-aware, else floor. */
export const effectiveHaFloor = (f: HaFloor): number => (f.zoneAware ? Math.max(f.floor, f.zones) : f.floor);

/** The HA floor of an environment's HPAs: dev 1, staging 2, prod 3 (one pod per zone). */
export const haFloor = (environment: Environment): number => effectiveHaFloor(ENVIRONMENT_FLOORS[environment].ha);
