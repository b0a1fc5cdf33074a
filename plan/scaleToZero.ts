/**
 * Scale to zero (issue 17 #4), pure: a pool with `workers.<pool>.scaleToZero` gets a KEDA
 * ScaledObject (lib/scaledObject.ts) in place of its HPA. Its bounds are the plan's: min 0 by
 * config, max the HPA's (forecast-sized when the forecast sizes it), and its triggers are the HPA's
 * metrics: the queue, the job time, and the floor schedule when the forecast made one.
 *
 * Polling: KEDA checks the triggers of a pool at 0 every pollingInterval; a check more often
 * than Prometheus scrapes sees nothing new, so it is the scrape interval (15 s). Cooldown: the
 * last pod goes after every trigger has been inactive this long; the seed's worker scale-down
 * window (600 s: jobs are long) is the same judgement, so a queue that refills within ten minutes
 * does not pay a cold start again.
 */
import type { AppConfig } from "../config/schema";
import { goDurationSeconds } from "../policies/contract";
import { scaledObjectSpec } from "../lib/scaledObject";
import type { WorkloadPlan } from "./stack";

/** The workload with its ScaledObject when it scales to zero; unchanged otherwise. */
export function scaledToZero(w: WorkloadPlan, cfg: AppConfig): WorkloadPlan {
    if (!w.scaleToZero) return w;
    const m = cfg.metrics;
    return {
        ...w,
        scaledObject: scaledObjectSpec({
            name: w.pod.name,
            namespace: cfg.namespace,
            maxReplicas: w.bounds.maxReplicas,
            // The HPA's metrics, with the floor schedule's when the forecast made one (plan/stack.ts scheduled).
            metrics: w.metrics,
            prometheusUrl: m.prometheusUrl,
            prometheusPort: m.prometheusPort,
            behavior: w.behavior,
            // The schema admits only whole seconds or minutes (scrapeIntervalError).
            pollingIntervalSeconds: goDurationSeconds(m.scrapeInterval)!,
            cooldownSeconds: w.behavior.scaleDown!.stabilizationWindowSeconds!,
        }),
    };
}
