/**
 * Replays load through a HorizontalPodAutoscaler as Kubernetes implements it (the controller's
 * `reconcileAutoscaler` and `normalizeDesiredReplicasWithBehaviors`): a sync every 15 s, tolerance
 * 0.1, `ceil(current × metric / target)` per metric, the max over metrics, scale-up/down
 * stabilization windows, the behavior's Percent/Pods policies per period with `selectPolicy`, a
 * pod readiness delay, all clamped to [min, max]. Pure: same input, same result.
 *
 * The metric a pod reports is the load averaged over the current replicas (what an External
 * AverageValue metric divides by, and what a Pods metric converges to once new pods serve), so
 * outside the tolerance the proposal is `ceil(load / (capacity × target))`.
 */
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from "kubernetes-types/autoscaling/v2";

export interface ReplayMetric {
    readonly name: string;
    /** Total load on the workload per grid bucket (e.g. req/s); NaN is a gap: the tick is not scored. */
    readonly load: ArrayLike<number>;
    /** What one ready pod serves at 100 %: load above ready × capacity is under-provisioning. */
    readonly capacityPerPod: number;
    /** HPA target as a fraction of the capacity (0.7 for a 70 % utilization target). */
    readonly targetUtilization: number;
}

export interface BoundsSegment {
    /** Unix seconds from which these bounds apply (until the next segment). */
    readonly from: number;
    readonly minReplicas: number;
    readonly maxReplicas: number;
}

/** What a custom controller sees at each sync (used to replay the seed's weighted blend). */
export interface ControllerState {
    readonly t: number;
    readonly current: number;
    readonly ready: number;
    /** Load per metric at this sync (NaN for gaps). */
    readonly loads: readonly number[];
    readonly minReplicas: number;
    readonly maxReplicas: number;
}
/** Returns the replica count to set (the simulator clamps it to the bounds). */
export type Controller = (s: ControllerState) => number;

export interface ReplayInput {
    /** Unix seconds of the first bucket of every metric's `load`. */
    readonly start: number;
    /** Seconds per load bucket. */
    readonly step: number;
    readonly metrics: readonly ReplayMetric[];
    /** Fixed bounds, or segments sorted by `from` (one preview a day changes them). */
    readonly bounds: { readonly minReplicas: number; readonly maxReplicas: number } | readonly BoundsSegment[];
    /** autoscaling/v2 behavior; Kubernetes defaults for what is missing. */
    readonly behavior?: HorizontalPodAutoscalerBehavior;
    /** @default 15 */
    readonly syncSeconds?: number;
    /** @default 0.1 */
    readonly tolerance?: number;
    /** Seconds from a pod's creation to ready. @default 60 */
    readonly readinessDelaySeconds?: number;
    /** Replicas at the start, all ready. @default the first tick's proposal clamped to the bounds */
    readonly initialReplicas?: number;
    /** Only ticks at or after this time are scored (the state before it is warm-up). */
    readonly scoreFrom?: number;
    /** Replace the HPA's decision (stabilization and policies) by this controller. */
    readonly controller?: Controller;
    /** Keep the list of scale events. @default true */
    readonly recordEvents?: boolean;
    /** Count quiet stretches at once (see the loop); `false` replays every tick (tests compare both). @default true */
    readonly fastForward?: boolean;
    /** Keep the per-tick trajectory of the scored ticks (for `floorCurve`). @default false */
    readonly recordTrajectory?: boolean;
}

/** Per scored tick: replicas, ready pods, and the pods the load needs at 100 % (max over metrics). */
export interface Trajectory {
    /** Unix seconds of each scored tick. */
    readonly time: Float64Array;
    readonly replicas: Int32Array;
    readonly ready: Int32Array;
    readonly need: Float64Array;
    /** Σ ceil(load / (capacity × target)) over the scored ticks. */
    readonly oracleTicks: number;
}

export interface ScaleEvent {
    readonly t: number;
    readonly from: number;
    readonly to: number;
}

export interface ReplayResult {
    /** Scored ticks (with data). */
    readonly ticks: number;
    readonly replicaHours: number;
    /** Σ ceil(load / (capacity × target)) over ticks, max over metrics. */
    readonly oracleReplicaHours: number;
    /** replicaHours ÷ oracleReplicaHours. */
    readonly ratioToOracle: number;
    /** Fraction of ticks with load > ready pods × capacity (any metric). */
    readonly underProvisionedFraction: number;
    /** Fraction of ticks where the HPA's proposal exceeded maxReplicas. */
    readonly capHitFraction: number;
    /** Σ max(0, load / capacity − ready) in pod-hours. */
    readonly shortfallPodHours: number;
    /** shortfallPodHours ÷ oracleReplicaHours. */
    readonly shortfallRatio: number;
    /** (replicaHours + 10 × shortfallPodHours) ÷ oracleReplicaHours: a missing pod costs ten idle ones. */
    readonly weightedCost: number;
    readonly scaleEventCount: number;
    readonly scaleEvents: readonly ScaleEvent[];
    /** Replicas at the end, for chaining replays. */
    readonly finalReplicas: number;
    /** Loop iterations run: the ticks, less those fast-forwarded. */
    readonly steps: number;
    /** With `recordTrajectory`. */
    readonly trajectory?: Trajectory;
}

/** The weight of a missing pod-hour against an idle one in `weightedCost`. */
export const SHORTFALL_WEIGHT = 10;

export interface Rules {
    readonly window: number;
    readonly select: "Max" | "Min" | "Disabled";
    readonly policies: readonly { readonly type: "Pods" | "Percent"; readonly value: number; readonly periodSeconds: number }[];
}

/** Kubernetes' defaults (pkg/apis/autoscaling/v2 defaults): up 0 s window, max(4 pods, 100 %) per 15 s; down 300 s window, 100 % per 15 s. */
function rules(r: HPAScalingRules | undefined, up: boolean): Rules {
    const defPolicies = up
        ? [
              { type: "Pods" as const, value: 4, periodSeconds: 15 },
              { type: "Percent" as const, value: 100, periodSeconds: 15 },
          ]
        : [{ type: "Percent" as const, value: 100, periodSeconds: 15 }];
    const select = (r?.selectPolicy ?? "Max") as Rules["select"];
    if (select !== "Max" && select !== "Min" && select !== "Disabled")
        throw new Error(`behavior selectPolicy ${JSON.stringify(r?.selectPolicy)} must be Max, Min or Disabled`);
    const policies = (r?.policies ?? defPolicies).map((p): Rules["policies"][number] => {
        if (p.type !== "Pods" && p.type !== "Percent")
            throw new Error(`behavior policy type ${JSON.stringify(p.type)} must be Pods or Percent`);
        if (!(p.value > 0) || !(p.periodSeconds > 0)) throw new Error(`behavior policy ${p.type} needs value > 0 and periodSeconds > 0`);
        return { type: p.type, value: p.value, periodSeconds: p.periodSeconds };
    });
    return { window: r?.stabilizationWindowSeconds ?? (up ? 0 : 300), select, policies };
}

interface Change {
    t: number;
    n: number;
}

function changeInPeriod(events: readonly Change[], now: number, period: number): number {
    let s = 0;
    for (const e of events) if (e.t > now - period) s += e.n;
    return s;
}

export function scaleUpLimit(current: number, ups: readonly Change[], downs: readonly Change[], r: Rules, now: number): number {
    if (r.select === "Disabled") return current;
    let result = r.select === "Min" ? Infinity : -Infinity;
    for (const p of r.policies) {
        const start = current - changeInPeriod(ups, now, p.periodSeconds) + changeInPeriod(downs, now, p.periodSeconds);
        const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
        result = r.select === "Min" ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
}

export function scaleDownLimit(current: number, ups: readonly Change[], downs: readonly Change[], r: Rules, now: number): number {
    if (r.select === "Disabled") return current;
    let result = r.select === "Min" ? -Infinity : Infinity;
    for (const p of r.policies) {
        const start = current - changeInPeriod(ups, now, p.periodSeconds) + changeInPeriod(downs, now, p.periodSeconds);
        const proposed = p.type === "Pods" ? start - p.value : Math.floor(start * (1 - p.value / 100));
        result = r.select === "Min" ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
}

/** ceil that forgives floating-point noise (3.0000000001 → 3). */
const ceilEps = (x: number) => Math.ceil(x - 1e-9);

/** Replicas the HPA proposes for one metric, before stabilization: tolerance, then ceil. */
export function metricProposal(load: number, current: number, capacityPerPod: number, target: number, tolerance: number): number {
    const ratio = load / Math.max(current, 1) / (capacityPerPod * target);
    if (current > 0 && Math.abs(ratio - 1) <= tolerance) return current;
    return ceilEps(ratio * Math.max(current, 1));
}

export function replay(input: ReplayInput): ReplayResult {
    const sync = input.syncSeconds ?? 15;
    const tol = input.tolerance ?? 0.1;
    const delay = input.readinessDelaySeconds ?? 60;
    const up = rules(input.behavior?.scaleUp, true);
    const down = rules(input.behavior?.scaleDown, false);
    const segs: readonly BoundsSegment[] = Array.isArray(input.bounds)
        ? (input.bounds as readonly BoundsSegment[])
        : [{ from: -Infinity, ...(input.bounds as { minReplicas: number; maxReplicas: number }) }];
    if (segs.length === 0) throw new Error("replay: bounds needs at least one segment");
    for (const s of segs)
        if (!(s.minReplicas >= 0) || s.minReplicas > s.maxReplicas)
            throw new Error(`replay: minReplicas (${s.minReplicas}) must be >= 0 and <= maxReplicas (${s.maxReplicas})`);
    const ms = input.metrics;
    if (ms.length === 0) throw new Error("replay: needs at least one metric");
    const nBuckets = ms[0].load.length;
    for (const m of ms) {
        if (m.load.length !== nBuckets)
            throw new Error(`replay: metric ${m.name} has ${m.load.length} buckets, ${ms[0].name} has ${nBuckets}`);
        if (!(m.capacityPerPod > 0) || !(m.targetUtilization > 0))
            throw new Error(`replay: metric ${m.name} needs capacityPerPod > 0 and targetUtilization > 0`);
    }
    // Tick = the sync period, or the bucket when buckets are shorter (the HPA then sees the mean).
    const dt = Math.min(sync, input.step);
    const syncEvery = Math.max(1, Math.round(sync / dt));
    const nTicks = Math.floor((nBuckets * input.step) / dt);
    const scoreFrom = input.scoreFrom ?? -Infinity;
    const recordEvents = input.recordEvents ?? true;
    const trajR = input.recordTrajectory ? new Int32Array(nTicks) : undefined;
    const trajT = input.recordTrajectory ? new Float64Array(nTicks) : undefined;
    const trajReady = input.recordTrajectory ? new Int32Array(nTicks) : undefined;
    const trajNeed = input.recordTrajectory ? new Float64Array(nTicks) : undefined;

    // Typed copies keep the hot loop's element access monomorphic.
    const L = ms.map((m) => (m.load instanceof Float64Array ? m.load : Float64Array.from(m.load)));
    const loadAt = (i: number, tick: number) => L[i][Math.floor((tick * dt) / input.step)];
    /** What metric `i` reports at a sync: the mean of its buckets over the sync period. */
    const syncLoad = (i: number, tick: number) => {
        if (syncEvery === 1) return loadAt(i, tick);
        let s = 0;
        let n = 0;
        for (let k = Math.max(0, tick - syncEvery + 1); k <= tick; k++) {
            const x = loadAt(i, k);
            if (Number.isFinite(x)) {
                s += x;
                n++;
            }
        }
        return n ? s / n : NaN;
    };
    const rawProposal = (loads: readonly number[], current: number) => {
        let p = -1;
        for (let i = 0; i < ms.length; i++) {
            const x = loads[i];
            if (!Number.isFinite(x)) continue;
            p = Math.max(p, metricProposal(x, current, ms[i].capacityPerPod, ms[i].targetUtilization, tol));
        }
        return p < 0 ? current : p;
    };

    let seg = 0;
    const boundsAt = (t: number) => {
        while (seg + 1 < segs.length && segs[seg + 1].from <= t) seg++;
        return segs[seg];
    };

    // State
    const t0 = input.start;
    const b0 = boundsAt(t0);
    const loads0 = ms.map((_, i) => syncLoad(i, 0));
    let current = input.initialReplicas ?? Math.min(b0.maxReplicas, Math.max(b0.minReplicas, rawProposal(loads0, 0)));
    const pending: { readyAt: number; n: number }[] = []; // sorted by readyAt
    let pendingCount = 0;
    // Recommendations of the stabilization windows, one per sync: monotonic deques give the
    // lowest of the up window and the highest of the down window in O(1) amortized per sync.
    const dqSize = Math.ceil(Math.max(up.window, down.window) / Math.min(sync, input.step)) + 2;
    const lowT = new Float64Array(dqSize);
    const lowR = new Float64Array(dqSize);
    const highT = new Float64Array(dqSize);
    const highR = new Float64Array(dqSize);
    let lowHead = 0;
    let lowLen = 0;
    let highHead = 0;
    let highLen = 0;
    let ups: Change[] = [];
    let downs: Change[] = [];
    const maxPeriod = Math.max(...up.policies.map((p) => p.periodSeconds), ...down.policies.map((p) => p.periodSeconds), 0);
    const events: ScaleEvent[] = [];
    let eventCount = 0;

    let ticks = 0;
    let replicaTicks = 0;
    let oracleTicks = 0;
    let underTicks = 0;
    let capTicks = 0;
    let shortfallTicks = 0;
    let capNow = false;
    const nm = ms.length;
    const loads = new Array<number>(nm);
    const caps = ms.map((m) => m.capacityPerPod);
    const perPod = ms.map((m) => m.capacityPerPod * m.targetUtilization);
    const stepSeconds = input.step;
    const controller = input.controller;
    const bucketOf = (tick: number) => Math.floor((tick * dt) / stepSeconds);

    // Fast-forward: when a sync keeps the replica count (the stabilized recommendation equals
    // it), every later sync in the same load bucket proposes the same and keeps it too, until
    // the windows stop holding the count, a pod becomes ready, or the bounds or the scoring
    // start change; those ticks score the same and are counted at once (`span` ticks). The
    // windows then hold the repeated recommendation once, at the last skipped sync, as pushing
    // it at each would leave them. Tested equal to the tick-by-tick replay.
    let steps = 0;
    const ticksPerBucket = (input.fastForward ?? true) && Number.isInteger(stepSeconds / dt) ? stepSeconds / dt : 0;
    for (let k = 0, span = 1; k < nTicks; k += span) {
        span = 1;
        steps++;
        const t = t0 + k * dt;
        const b = seg + 1 < segs.length && segs[seg + 1].from <= t ? boundsAt(t) : segs[seg];
        if (k % syncEvery === 0) {
            let proposal = -1;
            let invalid = 0;
            for (let i = 0; i < nm; i++) {
                const x = syncEvery === 1 ? L[i][bucketOf(k)] : syncLoad(i, k);
                loads[i] = x;
                if (x === x && x !== Infinity) {
                    const ratio = x / Math.max(current, 1) / perPod[i];
                    const p = current > 0 && Math.abs(ratio - 1) <= tol ? current : ceilEps(ratio * Math.max(current, 1));
                    if (p > proposal) proposal = p;
                } else invalid++;
            }
            if (proposal < 0) proposal = current;
            capNow = proposal > b.maxReplicas;
            let desired: number;
            if (current > b.maxReplicas) desired = b.maxReplicas;
            else if (current < b.minReplicas) desired = b.minReplicas;
            else if (!controller && (invalid === nm || (invalid > 0 && proposal < current))) {
                // As the controller does: with every metric missing, or some missing and the rest
                // proposing fewer pods, the sync fails. Nothing scales and the stabilization
                // windows record nothing (a scrape gap never scales a workload down).
                desired = current;
            } else if (controller) {
                const ready = current - pendingCount;
                desired = Math.min(
                    b.maxReplicas,
                    Math.max(
                        b.minReplicas,
                        Math.round(
                            controller({
                                t,
                                current,
                                ready,
                                loads: [...loads],
                                minReplicas: b.minReplicas,
                                maxReplicas: b.maxReplicas,
                            }),
                        ),
                    ),
                );
            } else {
                // Stabilization: the lowest recommendation of the up window, the highest of the down window.
                while (lowLen > 0 && lowR[(lowHead + lowLen - 1) % dqSize] >= proposal) lowLen--;
                lowT[(lowHead + lowLen) % dqSize] = t;
                lowR[(lowHead + lowLen) % dqSize] = proposal;
                lowLen++;
                while (lowLen > 1 && !(lowT[lowHead] > t - up.window)) {
                    lowHead = (lowHead + 1) % dqSize;
                    lowLen--;
                }
                while (highLen > 0 && highR[(highHead + highLen - 1) % dqSize] <= proposal) highLen--;
                highT[(highHead + highLen) % dqSize] = t;
                highR[(highHead + highLen) % dqSize] = proposal;
                highLen++;
                while (highLen > 1 && !(highT[highHead] > t - down.window)) {
                    highHead = (highHead + 1) % dqSize;
                    highLen--;
                }
                const upRec = lowR[lowHead];
                const downRec = highR[highHead];
                let rec = current;
                if (rec < upRec) rec = upRec;
                if (rec > downRec) rec = downRec;
                desired = rec;
                // Kept: the recommendation is the count, or it pushes against a bound the count sits on.
                const kept =
                    rec === current || (rec < current && current === b.minReplicas) || (rec > current && current === b.maxReplicas);
                if (kept && syncEvery === 1 && ticksPerBucket >= 2) {
                    // Nothing changes until the load leaves this bucket, the windows stop holding
                    // current, a pod becomes ready, the bounds or the scoring start.
                    let last = Math.min(nTicks - 1, (Math.floor(k / ticksPerBucket) + 1) * ticksPerBucket - 1);
                    let until = Infinity;
                    // The same recommendation p repeats: with p > current the up window keeps
                    // current until its newest entry ≤ current expires (entries rise front to back);
                    // with p < current the down window until its newest entry ≥ current expires.
                    if (rec !== current) {
                        // At a bound: p is past it on the same side, so every later sync is clamped back to it.
                    } else if (proposal > current) {
                        let j = 0;
                        while (j + 1 < lowLen && lowR[(lowHead + j + 1) % dqSize] <= current) j++;
                        until = lowT[(lowHead + j) % dqSize] + up.window;
                    } else if (proposal < current) {
                        let j = 0;
                        while (j + 1 < highLen && highR[(highHead + j + 1) % dqSize] >= current) j++;
                        until = highT[(highHead + j) % dqSize] + down.window;
                    }
                    if (pending.length) until = Math.min(until, pending[0].readyAt);
                    if (seg + 1 < segs.length) until = Math.min(until, segs[seg + 1].from);
                    if (t < scoreFrom) until = Math.min(until, scoreFrom);
                    if (until !== Infinity) last = Math.min(last, Math.ceil((until - t0) / dt) - 1);
                    if (last > k) {
                        span = last - k + 1;
                        // The same recommendation pushed at each skipped sync: only the newest stays.
                        const tLast = t0 + last * dt;
                        lowT[(lowHead + lowLen - 1) % dqSize] = tLast;
                        highT[(highHead + highLen - 1) % dqSize] = tLast;
                    }
                }
                if (rec > current) {
                    const lim = Math.max(current, scaleUpLimit(current, ups, downs, up, t));
                    desired = Math.min(rec, b.maxReplicas, lim);
                } else if (rec < current) {
                    const lim = Math.min(current, scaleDownLimit(current, ups, downs, down, t));
                    desired = Math.max(rec, b.minReplicas, lim);
                }
            }
            if (desired !== current) {
                if (desired > current) {
                    ups.push({ t, n: desired - current });
                    pending.push({ readyAt: t + delay, n: desired - current });
                    pendingCount += desired - current;
                } else {
                    downs.push({ t, n: current - desired });
                    // Unready pods go first, newest first, as the ReplicaSet controller prefers.
                    let remove = current - desired;
                    while (remove > 0 && pending.length) {
                        const last = pending[pending.length - 1];
                        const r = Math.min(remove, last.n);
                        last.n -= r;
                        pendingCount -= r;
                        remove -= r;
                        if (last.n === 0) pending.pop();
                    }
                }
                eventCount++;
                if (recordEvents) events.push({ t, from: current, to: desired });
                current = desired;
                ups = ups.filter((e) => e.t > t - maxPeriod);
                downs = downs.filter((e) => e.t > t - maxPeriod);
            }
        }
        while (pending.length && pending[0].readyAt <= t) {
            pendingCount -= pending[0].n;
            pending.shift();
        }
        if (t < scoreFrom) continue;
        // Score this tick at full resolution.
        const ready = current - pendingCount;
        const bk = bucketOf(k);
        let has = false;
        let oracle = 0;
        let short = 0;
        let under = false;
        let needMax = 0;
        for (let i = 0; i < nm; i++) {
            const x = L[i][bk];
            if (!(x === x && x !== Infinity)) continue;
            has = true;
            const o = ceilEps(x / perPod[i]);
            if (o > oracle) oracle = o;
            const need = x / caps[i];
            if (need > needMax) needMax = need;
            if (need > ready + 1e-9) {
                under = true;
                if (need - ready > short) short = need - ready;
            }
        }
        if (!has) continue;
        if (trajR)
            for (let j = 0; j < span; j++) {
                trajR[ticks + j] = current;
                trajT![ticks + j] = t + j * dt;
                trajReady![ticks + j] = ready;
                trajNeed![ticks + j] = needMax;
            }
        ticks += span;
        replicaTicks += current * span;
        oracleTicks += oracle * span;
        shortfallTicks += short * span;
        if (under) underTicks += span;
        if (capNow) capTicks += span;
    }
    const h = dt / 3600;
    const replicaHours = replicaTicks * h;
    const oracleReplicaHours = oracleTicks * h;
    const shortfallPodHours = shortfallTicks * h;
    const div = (a: number, b: number) => (b > 0 ? a / b : a > 0 ? Infinity : 0);
    return {
        ticks,
        replicaHours,
        oracleReplicaHours,
        ratioToOracle: div(replicaHours, oracleReplicaHours),
        underProvisionedFraction: ticks ? underTicks / ticks : 0,
        capHitFraction: ticks ? capTicks / ticks : 0,
        shortfallPodHours,
        shortfallRatio: div(shortfallPodHours, oracleReplicaHours),
        weightedCost: div(replicaHours + SHORTFALL_WEIGHT * shortfallPodHours, oracleReplicaHours),
        scaleEventCount: eventCount,
        scaleEvents: events,
        finalReplicas: current,
        steps,
        trajectory: trajR
            ? {
                  time: trajT!.subarray(0, ticks),
                  replicas: trajR.subarray(0, ticks),
                  ready: trajReady!.subarray(0, ticks),
                  need: trajNeed!.subarray(0, ticks),
                  oracleTicks,
              }
            : undefined,
    };
}
