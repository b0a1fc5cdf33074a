/**
 * The annotation keys the program writes and the policy pack reads, with the format of their
 * values: one home, so a key renamed on one side cannot leave the other side reading nothing.
 * Pure: no Pulumi, no imports.
 */

/** The prefix every forecast annotation starts with. */
export const FORECAST_ANNOTATION_PREFIX = "sysmanage.io/forecast-";

/**
 * The HPA annotations of the forecasting step (`forecast/stack.ts` writes them; the rules
 * `forecast-fresh` and `forecast-change-bounded` read them). The times are ISO 8601 with a zone
 * (`parseIsoTime`); the previous bounds are `min..max`.
 */
export const FORECAST_ANNOTATIONS = {
    generatedAt: "sysmanage.io/forecast-generated-at",
    dataEnd: "sysmanage.io/forecast-data-end",
    model: "sysmanage.io/forecast-model",
    inputsHash: "sysmanage.io/forecast-inputs-hash",
    previousBounds: "sysmanage.io/forecast-previous-bounds",
    /** `"true"`: a change of maxReplicas beyond `forecast-change-bounded`'s factor is intended. */
    acknowledged: "sysmanage.io/forecast-change-acknowledged",
} as const;

/** HPA bounds as the annotations and `forecast.acknowledge` write them: `min..max`. */
export const formatBounds = (b: { readonly minReplicas: number; readonly maxReplicas: number }): string =>
    `${b.minReplicas}..${b.maxReplicas}`;

/** `min..max` as bounds; undefined when the text is not of that form. */
export function parseBounds(v: string): { minReplicas: number; maxReplicas: number } | undefined {
    const m = /^([0-9]{1,10})\.\.([0-9]{1,10})$/.exec(v);
    return m ? { minReplicas: Number(m[1]), maxReplicas: Number(m[2]) } : undefined;
}

/** Why a `min..max` text (`forecast.acknowledge`) is refused, or undefined. */
export function boundsTextError(v: string): string | undefined {
    const b = parseBounds(v);
    if (!b) return 'must be bounds written "min..max" (e.g. "3..12")';
    if (b.minReplicas < 1 || b.minReplicas > b.maxReplicas) return "must have 1 <= min <= max";
    return undefined;
}

/** True when an HPA carries any forecast annotation (a forecast is configured for it). */
export const hasForecast = (annotations: Record<string, string>): boolean =>
    Object.keys(annotations).some((k) => k.startsWith(FORECAST_ANNOTATION_PREFIX));

/** A strict ISO 8601 date-time with a zone (`2026-11-20T00:00:00Z`), as the forecast annotations carry it; NaN otherwise. */
export function parseIsoTime(v: string | undefined): number {
    if (v === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return NaN;
    return Date.parse(v);
}

/**
 * The annotation Cluster Autoscaler reads before draining a node whose pod has emptyDir volumes
 * (its FAQ: "What types of pods can prevent CA from removing a node?"): the volumes whose
 * contents may go. The program sets it; the rule `wl-evictable-local-volumes` checks it.
 */
export const SAFE_TO_EVICT_LOCAL_VOLUMES = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";

/** `{ <SAFE_TO_EVICT_LOCAL_VOLUMES>: "a,b" }` for the emptyDir volumes `a` and `b`. */
export const safeToEvict = (...volumes: string[]): Record<string, string> => ({ [SAFE_TO_EVICT_LOCAL_VOLUMES]: volumes.join(",") });

/**
 * The memory model's assumptions on a CloudNativePG Cluster that its objects do not show
 * (`plan/dataTier.ts` writes them; the rule `pg-memory-bounded` reads them): how many backends
 * may run queries at once on one instance (it checks the number covers the poolers' server
 * connections) and how many sort/hash nodes a query may run.
 */
export const PG_MEMORY_ANNOTATIONS = {
    activeBackends: "sysmanage.io/active-backends",
    queryMemoryNodes: "sysmanage.io/query-memory-nodes",
} as const;

/**
 * The HPA annotation of a workload whose floor the forecast schedules (plan/stack.ts writes it;
 * the `forecast-schedule-*` rules read it): `{"start":"<ISO>","stepSeconds":3600,"floors":[...]}`,
 * the same floors the schedule's PrometheusRule records.
 */
export const FLOOR_SCHEDULE_ANNOTATION = "sysmanage.io/floor-schedule";

export interface FloorScheduleText {
    /** Unix seconds. */
    readonly start: number;
    readonly stepSeconds: number;
    readonly floors: readonly number[];
}

export const formatFloorSchedule = (s: FloorScheduleText): string =>
    JSON.stringify({ start: new Date(s.start * 1000).toISOString(), stepSeconds: s.stepSeconds, floors: s.floors });

/** The annotation's schedule, or why it cannot be read. */
export function parseFloorSchedule(v: string): FloorScheduleText | string {
    let o: unknown;
    try {
        o = JSON.parse(v);
    } catch {
        return "is not JSON";
    }
    const r = o as { start?: unknown; stepSeconds?: unknown; floors?: unknown };
    const start = typeof r.start === "string" ? Date.parse(r.start) / 1000 : NaN;
    if (!Number.isFinite(start)) return "has no ISO 8601 start";
    if (!Number.isInteger(r.stepSeconds) || (r.stepSeconds as number) <= 0) return "has no positive whole stepSeconds";
    if (!Array.isArray(r.floors) || r.floors.length === 0 || !r.floors.every((f) => Number.isInteger(f) && f >= 0))
        return "has no floors (a non-empty list of whole replica counts)";
    return { start, stepSeconds: r.stepSeconds as number, floors: r.floors as number[] };
}
