/**
 * Replays load through a HorizontalPodAutoscaler as Kubernetes implements it (the controller's
 * `reconcileAutoscaler` and `normalizeDesiredReplicasWithBehaviors`): a sync every 15 s, tolerance
 * 0.1, `ceil(current × metric / target)` per metric, the max over metrics, scale-up/down
 * stabilization windows, the behavior's Percent/Pods policies per period with `selectPolicy`, a
 * pod readiness delay, all clamped to [min, max]. Pure: same input, same result.
 *
 * The metric a pod reports is the load averaged over the current replicas (what an Object
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

/** A replay's input, checked and resolved (the `validate` step): what the tick loop reads. */
class ReplayPlan {
    /** The bounds, as segments sorted by `from`. */
    readonly segments: readonly BoundsSegment[];
    /** Load per metric and bucket, typed so that the hot loop's element access stays monomorphic. */
    readonly loads: readonly Float64Array[];
    readonly capacityPerPod: readonly number[];
    /** capacity × target per metric: what one pod serves at the HPA's target. */
    readonly perPod: readonly number[];
    readonly start: number;
    /** Seconds per load bucket. */
    readonly step: number;
    /** Seconds per tick: the sync period, or the bucket when buckets are shorter (the HPA then sees the mean). */
    readonly dt: number;
    /** Ticks per sync. */
    readonly syncEvery: number;
    readonly nTicks: number;
    /** Ticks per load bucket when quiet stretches may be counted at once (fast-forward), else 0. */
    readonly ticksPerBucket: number;
    /** A proposal within this fraction of the current count keeps it. */
    readonly tolerance: number;
    /** Seconds from a pod's creation to ready. */
    readonly readinessDelay: number;
    /** The behavior's rules, up and down, with Kubernetes' defaults for what it leaves out. */
    readonly up: Rules;
    readonly down: Rules;
    /** The longest policy period: scale changes older than it no longer limit anything. */
    readonly maxPeriod: number;
    readonly scoreFrom: number;
    readonly recordEvents: boolean;
    readonly recordTrajectory: boolean;
    readonly controller?: Controller;
    readonly initialReplicas?: number;

    /** Checks the input (bounds, metrics, behavior) and resolves its defaults. */
    constructor(input: ReplayInput) {
        this.up = rules(input.behavior?.scaleUp, true);
        this.down = rules(input.behavior?.scaleDown, false);
        this.segments = Array.isArray(input.bounds)
            ? (input.bounds as readonly BoundsSegment[])
            : [{ from: -Infinity, ...(input.bounds as { minReplicas: number; maxReplicas: number }) }];
        if (this.segments.length === 0) throw new Error("replay: bounds needs at least one segment");
        for (const s of this.segments)
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
        const sync = input.syncSeconds ?? 15;
        this.start = input.start;
        this.step = input.step;
        this.dt = Math.min(sync, input.step);
        this.syncEvery = Math.max(1, Math.round(sync / this.dt));
        this.nTicks = Math.floor((nBuckets * input.step) / this.dt);
        this.ticksPerBucket = (input.fastForward ?? true) && Number.isInteger(input.step / this.dt) ? input.step / this.dt : 0;
        this.tolerance = input.tolerance ?? 0.1;
        this.readinessDelay = input.readinessDelaySeconds ?? 60;
        this.maxPeriod = Math.max(...this.up.policies.map((p) => p.periodSeconds), ...this.down.policies.map((p) => p.periodSeconds), 0);
        this.loads = ms.map((m) => (m.load instanceof Float64Array ? m.load : Float64Array.from(m.load)));
        this.capacityPerPod = ms.map((m) => m.capacityPerPod);
        this.perPod = ms.map((m) => m.capacityPerPod * m.targetUtilization);
        this.scoreFrom = input.scoreFrom ?? -Infinity;
        this.recordEvents = input.recordEvents ?? true;
        this.recordTrajectory = input.recordTrajectory ?? false;
        this.controller = input.controller;
        this.initialReplicas = input.initialReplicas;
    }
}

/**
 * Replays `input` through the HPA in three steps: the input checked and resolved (`ReplayPlan`),
 * the tick loop (`HpaReplay.loop`), and the score of the ticks it replayed (`HpaReplay.result`).
 */
export function replay(input: ReplayInput): ReplayResult {
    const run = new HpaReplay(input);
    run.loop();
    return run.result();
}

/**
 * The recommendations of one stabilization window, one per sync: a monotonic deque in a ring
 * buffer gives the lowest of the up window (`sign` 1) or the highest of the down window (`sign`
 * -1, stored negated) in O(1) amortized per sync.
 */
class RecommendationWindow {
    private readonly time: Float64Array;
    /** sign × recommendation, rising from front to back. */
    private readonly key: Float64Array;
    private head = 0;
    private len = 0;

    constructor(
        private readonly size: number,
        private readonly sign: 1 | -1,
        private readonly seconds: number,
    ) {
        this.time = new Float64Array(size);
        this.key = new Float64Array(size);
    }

    /** Adds the recommendation `r` made at `t`, drops what left the window, and returns the window's lowest (highest). */
    push(t: number, r: number): number {
        const { key, time, size } = this;
        const k = this.sign * r;
        let head = this.head;
        let len = this.len;
        while (len > 0 && key[(head + len - 1) % size] >= k) len--;
        time[(head + len) % size] = t;
        key[(head + len) % size] = k;
        len++;
        const from = t - this.seconds;
        while (len > 1 && !(time[head] > from)) {
            head = (head + 1) % size;
            len--;
        }
        this.head = head;
        this.len = len;
        return this.sign * key[head];
    }

    /**
     * Until when the window keeps `current` while a recommendation beyond it repeats: the newest
     * entry that is `current` or short of it expires then (entries rise front to back).
     */
    holdsUntil(current: number): number {
        let j = 0;
        while (j + 1 < this.len && this.key[(this.head + j + 1) % this.size] <= this.sign * current) j++;
        return this.time[(this.head + j) % this.size] + this.seconds;
    }

    /** Dates the newest entry `t`: the same recommendation pushed at each skipped sync, only the newest stays. */
    retime(t: number): void {
        this.time[(this.head + this.len - 1) % this.size] = t;
    }
}

/** The replay's state and its tick loop (`loop`), scored as it goes (`score`, `result`). */
class HpaReplay extends ReplayPlan {
    private current: number;
    /** The bounds segment in force. */
    private seg = 0;
    /** Pods created and not ready yet, sorted by readyAt. */
    private readonly pending: { readyAt: number; n: number }[] = [];
    private pendingCount = 0;
    private readonly low: RecommendationWindow;
    private readonly high: RecommendationWindow;
    private ups: Change[] = [];
    private downs: Change[] = [];
    private readonly events: ScaleEvent[] = [];
    private eventCount = 0;
    /** The last sync's metrics, and how many of them had no data. */
    private readonly syncLoads: number[];
    private invalid = 0;
    /** Whether the last sync's proposal exceeded maxReplicas. */
    // Stryker disable next-line BooleanLiteral: the sync of tick 0 sets capNow before the first score reads it.
    private capNow = false;
    private steps = 0;
    // The score: sums over scored ticks, and the trajectory when recorded.
    private ticks = 0;
    private replicaTicks = 0;
    private oracleTicks = 0;
    private underTicks = 0;
    private capTicks = 0;
    private shortfallTicks = 0;
    private readonly trajectory?: { time: Float64Array; replicas: Int32Array; ready: Int32Array; need: Float64Array };

    constructor(input: ReplayInput) {
        super(input);
        const dqSize = Math.ceil(Math.max(this.up.window, this.down.window) / this.dt) + 2;
        this.low = new RecommendationWindow(dqSize, 1, this.up.window);
        this.high = new RecommendationWindow(dqSize, -1, this.down.window);
        // Stryker disable next-line ArrayDeclaration: the propose(0) below sets every element, so the array has its length before anything reads it.
        this.syncLoads = new Array<number>(this.loads.length);
        if (this.recordTrajectory) {
            const n = this.nTicks;
            this.trajectory = {
                time: new Float64Array(n),
                replicas: new Int32Array(n),
                ready: new Int32Array(n),
                need: new Float64Array(n),
            };
        }
        // Replicas at the start, all ready: the first tick's proposal from none, within the bounds, unless given.
        const b0 = this.boundsAt(this.start);
        this.current = 0;
        const first = this.propose(0);
        this.current = this.initialReplicas ?? Math.min(b0.maxReplicas, Math.max(b0.minReplicas, first));
    }

    /**
     * Every tick: a sync every `syncEvery` ticks, pods becoming ready, the score. Fast-forward:
     * when a sync keeps the replica count (the stabilized recommendation equals it), every later
     * sync in the same load bucket proposes the same and keeps it too, until the windows stop
     * holding the count, a pod becomes ready, or the bounds or the scoring start change; those
     * ticks score the same and are counted at once (`span` ticks). Tested equal to the
     * tick-by-tick replay.
     */
    loop(): void {
        const { nTicks, start, dt, syncEvery, scoreFrom, segments, pending } = this;
        let steps = 0;
        for (let k = 0, span = 1; k < nTicks; k += span) {
            steps++;
            const t = start + k * dt;
            // Stryker disable next-line ArithmeticOperator: `this.seg - 1 < segments.length` is always true, and boundsAt returns the segment in force when no next one starts.
            const b = this.seg + 1 < segments.length ? this.boundsAt(t) : segments[this.seg];
            span = k % syncEvery === 0 ? this.sync(k, t, b) : 1;
            while (pending.length && pending[0].readyAt <= t) {
                this.pendingCount -= pending[0].n;
                pending.shift();
            }
            if (t >= scoreFrom) this.score(k, t, span);
        }
        this.steps = steps;
    }

    private boundsAt(t: number): BoundsSegment {
        const segs = this.segments;
        while (this.seg + 1 < segs.length && segs[this.seg + 1].from <= t) this.seg++;
        return segs[this.seg];
    }

    /** What metric `i` reports at the sync of tick `k`: the mean of its buckets over the sync period. */
    private syncLoad(i: number, k: number): number {
        const load = this.loads[i];
        // Stryker disable next-line ArithmeticOperator: propose calls syncLoad only when syncEvery > 1 (it reads the bucket itself), so this return is never reached.
        if (this.syncEvery === 1) return load[Math.floor((k * this.dt) / this.step)];
        let s = 0;
        let n = 0;
        for (let j = Math.max(0, k - this.syncEvery + 1); j <= k; j++) {
            const x = load[Math.floor((j * this.dt) / this.step)];
            if (Number.isFinite(x)) {
                s += x;
                n++;
            }
        }
        return n ? s / n : NaN;
    }

    /** One sync of the HPA at tick `k`; returns the ticks it stands for (more than 1 when fast-forwarded). */
    private sync(k: number, t: number, b: BoundsSegment): number {
        const current = this.current;
        const proposal = this.propose(k);
        this.capNow = proposal > b.maxReplicas;
        let span = 1;
        let desired: number;
        if (current > b.maxReplicas) desired = b.maxReplicas;
        else if (current < b.minReplicas) desired = b.minReplicas;
        else if (this.controller) desired = this.control(t, b);
        else if (this.invalid === this.syncLoads.length || (this.invalid > 0 && proposal < current)) {
            // As the controller does: with every metric missing, or some missing and the rest
            // proposing fewer pods, the sync fails. Nothing scales and the stabilization
            // windows record nothing (a scrape gap never scales a workload down).
            desired = current;
        } else {
            // Stabilization: the lowest recommendation of the up window, the highest of the down window.
            const upRec = this.low.push(t, proposal);
            const downRec = this.high.push(t, proposal);
            const rec = Math.min(Math.max(current, upRec), downRec);
            span = this.quietSpan(k, t, b, rec, proposal);
            desired = this.limited(t, b, rec);
        }
        if (desired !== current) this.scale(t, desired);
        return span;
    }

    /** The HPA's proposal at the sync of tick `k`: the max over metrics with data (`syncLoads`, `invalid` set). */
    private propose(k: number): number {
        const current = this.current;
        let proposal = -1;
        let invalid = 0;
        const bucket = Math.floor((k * this.dt) / this.step);
        for (let i = 0; i < this.loads.length; i++) {
            const x = this.syncEvery === 1 ? this.loads[i][bucket] : this.syncLoad(i, k);
            this.syncLoads[i] = x;
            if (x === x && x !== Infinity) {
                const ratio = x / Math.max(current, 1) / this.perPod[i];
                const r = current > 0 && Math.abs(ratio - 1) <= this.tolerance ? current : ceilEps(ratio * Math.max(current, 1));
                if (r > proposal) proposal = r;
            } else invalid++;
        }
        this.invalid = invalid;
        return proposal < 0 ? current : proposal;
    }

    /** A custom controller's count, rounded and within the bounds. */
    private control(t: number, b: BoundsSegment): number {
        const current = this.current;
        const state = {
            t,
            current,
            ready: current - this.pendingCount,
            loads: [...this.syncLoads],
            minReplicas: b.minReplicas,
            maxReplicas: b.maxReplicas,
        };
        return Math.min(b.maxReplicas, Math.max(b.minReplicas, Math.round(this.controller!(state))));
    }

    /**
     * The ticks this sync stands for: 1, or, when the recommendation keeps the count (it is the
     * count, or pushes against a bound the count sits on), up to the end of the load bucket, the
     * windows' hold, the next ready pod, the next bounds segment or the scoring start.
     */
    private quietSpan(k: number, t: number, b: BoundsSegment, rec: number, proposal: number): number {
        const current = this.current;
        const kept = rec === current || (rec < current && current === b.minReplicas) || (rec > current && current === b.maxReplicas);
        if (!kept || this.syncEvery !== 1 || this.ticksPerBucket < 2) return 1;
        let last = Math.min(this.nTicks - 1, (Math.floor(k / this.ticksPerBucket) + 1) * this.ticksPerBucket - 1);
        let until = Infinity;
        // The same proposal repeats: above the count the up window keeps the count until its
        // newest entry at or below it expires, below it the down window likewise. A kept
        // recommendation other than the count is past a bound, clamped back to it at every sync.
        if (rec === current && proposal > current) until = this.low.holdsUntil(current);
        else if (rec === current && proposal < current) until = this.high.holdsUntil(current);
        if (this.pending.length) until = Math.min(until, this.pending[0].readyAt);
        if (this.seg + 1 < this.segments.length) until = Math.min(until, this.segments[this.seg + 1].from);
        if (t < this.scoreFrom) until = Math.min(until, this.scoreFrom);
        if (until !== Infinity) last = Math.min(last, Math.ceil((until - this.start) / this.dt) - 1);
        if (last <= k) return 1;
        const tLast = this.start + last * this.dt;
        this.low.retime(tLast);
        this.high.retime(tLast);
        return last - k + 1;
    }

    /** The recommendation within the bounds and the behavior's scale-up / scale-down policies. */
    private limited(t: number, b: BoundsSegment, rec: number): number {
        const current = this.current;
        if (rec > current) return Math.min(rec, b.maxReplicas, Math.max(current, scaleUpLimit(current, this.ups, this.downs, this.up, t)));
        if (rec < current)
            return Math.max(rec, b.minReplicas, Math.min(current, scaleDownLimit(current, this.ups, this.downs, this.down, t)));
        return rec;
    }

    /** Sets the replica count: new pods become ready after the delay; unready pods go first, newest first, as the ReplicaSet controller prefers. */
    private scale(t: number, desired: number): void {
        const current = this.current;
        if (desired > current) {
            this.ups.push({ t, n: desired - current });
            this.pending.push({ readyAt: t + this.readinessDelay, n: desired - current });
            this.pendingCount += desired - current;
        } else {
            this.downs.push({ t, n: current - desired });
            let remove = current - desired;
            while (remove > 0 && this.pending.length) {
                const last = this.pending[this.pending.length - 1];
                const r = Math.min(remove, last.n);
                last.n -= r;
                this.pendingCount -= r;
                remove -= r;
                if (last.n === 0) this.pending.pop();
            }
        }
        this.eventCount++;
        if (this.recordEvents) this.events.push({ t, from: current, to: desired });
        this.current = desired;
        const since = t - this.maxPeriod;
        this.ups = this.ups.filter((e) => e.t > since);
        this.downs = this.downs.filter((e) => e.t > since);
    }

    /** Scores tick `k` (and the `span - 1` ticks it stands for) at full resolution; a tick without data is not scored. */
    private score(k: number, t: number, span: number): void {
        const current = this.current;
        const ready = current - this.pendingCount;
        const bk = Math.floor((k * this.dt) / this.step);
        let has = false;
        let oracle = 0;
        let short = 0;
        let under = false;
        let needMax = 0;
        for (let i = 0; i < this.loads.length; i++) {
            const x = this.loads[i][bk];
            if (!(x === x && x !== Infinity)) continue;
            has = true;
            const o = ceilEps(x / this.perPod[i]);
            if (o > oracle) oracle = o;
            const need = x / this.capacityPerPod[i];
            if (need > needMax) needMax = need;
            if (need > ready + 1e-9) {
                under = true;
                if (need - ready > short) short = need - ready;
            }
        }
        if (!has) return;
        const tr = this.trajectory;
        const at = this.ticks;
        if (tr)
            for (let j = 0; j < span; j++) {
                tr.replicas[at + j] = current;
                tr.time[at + j] = t + j * this.dt;
                tr.ready[at + j] = ready;
                tr.need[at + j] = needMax;
            }
        this.ticks = at + span;
        this.replicaTicks += current * span;
        this.oracleTicks += oracle * span;
        this.shortfallTicks += short * span;
        if (under) this.underTicks += span;
        if (this.capNow) this.capTicks += span;
    }

    result(): ReplayResult {
        const h = this.dt / 3600;
        const ticks = this.ticks;
        const replicaHours = this.replicaTicks * h;
        const oracleReplicaHours = this.oracleTicks * h;
        const shortfallPodHours = this.shortfallTicks * h;
        const div = (a: number, b: number) => (b > 0 ? a / b : a > 0 ? Infinity : 0);
        const tr = this.trajectory;
        return {
            ticks,
            replicaHours,
            oracleReplicaHours,
            ratioToOracle: div(replicaHours, oracleReplicaHours),
            underProvisionedFraction: ticks ? this.underTicks / ticks : 0,
            capHitFraction: ticks ? this.capTicks / ticks : 0,
            shortfallPodHours,
            shortfallRatio: div(shortfallPodHours, oracleReplicaHours),
            weightedCost: div(replicaHours + SHORTFALL_WEIGHT * shortfallPodHours, oracleReplicaHours),
            scaleEventCount: this.eventCount,
            scaleEvents: this.events,
            finalReplicas: this.current,
            steps: this.steps,
            trajectory: tr
                ? {
                      time: tr.time.subarray(0, ticks),
                      replicas: tr.replicas.subarray(0, ticks),
                      ready: tr.ready.subarray(0, ticks),
                      need: tr.need.subarray(0, ticks),
                      oracleTicks: this.oracleTicks,
                  }
                : undefined,
        };
    }
}
