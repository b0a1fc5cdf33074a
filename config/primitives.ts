/**
 * The zod building blocks of the config schema: every string is checked by the grammar of what it
 * becomes (a DNS-1123 label or subdomain, a label key or value, a positive quantity, an image
 * reference, ...). The grammars live in the policy pack's contract, shared with the forecast and
 * the pack, so the program and the pack can never disagree on what a value means.
 */
import { z } from "zod";
import * as g from "../policies/contract";

/** A check of a grammar: undefined when the string is in it, else the rule it breaks. */
export type GrammarCheck = (v: string) => string | undefined;

/** A string in a grammar of the contract: the check's rule is the message. */
export const grammar = (check: GrammarCheck) =>
    z.string().superRefine((v, ctx) => {
        const e = check(v);
        if (e !== undefined) ctx.addIssue({ code: "custom", message: e });
    });
/** Empty, or a string in the grammar. */
export const optional = (check: GrammarCheck) =>
    grammar((v) => {
        const e = v === "" ? undefined : check(v);
        return e === undefined ? undefined : `${e}, or empty`;
    });
/** A DNS-1123 label (namespaces, region names). */
export const label = () => grammar(g.dnsLabelError);
/** A DNS-1123 subdomain (object names such as Secrets and classes). */
export const subdomain = () => grammar(g.dnsSubdomainError);
/** A non-empty Kubernetes label value. */
export const labelValue = () => grammar((v) => g.labelValueError(v, true));
/** A CPU quantity > 0, to the millicore. */
export const cpu = () => grammar((v) => g.positiveQuantityError(v, "cpu"));
/** A byte quantity > 0, whole bytes. */
export const bytes = () => grammar((v) => g.positiveQuantityError(v, "bytes"));
/** An image pinned by a version tag or a sha256 digest. */
export const image = () => grammar(g.pinnedImageError);
/** Printable text of at most `max` characters. */
export const text = (max: number) => grammar((v) => g.textError(v, max));
/** An integer in [min, max]. */
export const int = (min: number, max: number) => z.number().int({ message: "must be an integer" }).min(min).max(max);
/** A TCP port. */
export const port = () => int(1, 65535);
/** Labels as a map: each key a label key, each value a label value. */
export const labels = () =>
    z.record(
        grammar(g.labelKeyError),
        grammar((v) => g.labelValueError(v)),
    );

/** A pod's requests and limits, with the workload's defaults. */
export const resources = (d: { cpuRequest: string; memoryRequest: string; memoryLimit: string }) =>
    z
        .strictObject({
            cpuRequest: cpu().default(d.cpuRequest).describe("CPU request per pod (an HPA CPU utilization target divides by it)."),
            memoryRequest: bytes()
                .default(d.memoryRequest)
                .describe("Memory request per pod (an HPA memory utilization target divides by it)."),
            memoryLimit: bytes().default(d.memoryLimit).describe("Memory limit per pod (must be >= memoryRequest)."),
            cpuLimit: optional((v) => g.positiveQuantityError(v, "cpu"))
                .default("")
                .describe("CPU limit per pod; empty for none (CPU limits throttle latency-sensitive pods)."),
        })
        .prefault({});

/** A pod's probe timings, with the workload's startup allowance. */
export const probes = (d: { startupFailureThreshold: number }) =>
    z
        .strictObject({
            startupFailureThreshold: int(0, 1000)
                .default(d.startupFailureThreshold)
                .describe("Startup probe attempts (every 5 s) before the pod is restarted; 0 disables the startup probe."),
            readinessPeriodSeconds: int(1, 300).default(5).describe("Readiness probe period on /health/ready."),
            livenessPeriodSeconds: int(1, 300).default(10).describe("Liveness probe period on /health/live."),
        })
        .prefault({});

/** A pod's graceful shutdown, with the workload's grace period and preStop sleep. */
export const shutdown = (d: { grace: number; preStop: number }) =>
    z
        .strictObject({
            terminationGracePeriodSeconds: int(1, 3600)
                .default(d.grace)
                .describe("Seconds a pod gets to finish in-flight work after SIGTERM."),
            preStopSleepSeconds: int(0, 600)
                .default(d.preStop)
                .describe("Seconds the preStop hook waits so load balancers stop routing first (< grace period)."),
        })
        .prefault({});

/** The worker pools, in the order every per-pool map lists them. */
export const WORKER_POOLS = ["queue", "agent", "report", "cleanup"] as const;
export type WorkerPoolName = (typeof WORKER_POOLS)[number];

/** An object with one entry per worker pool, in WORKER_POOLS order, each made by `make`. */
export const perPool = <T extends z.ZodType>(make: (pool: WorkerPoolName) => T) =>
    z.strictObject({ queue: make("queue"), agent: make("agent"), report: make("report"), cleanup: make("cleanup") });
