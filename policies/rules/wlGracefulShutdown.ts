import { containersOf, podTemplateOf, SERVING_KINDS } from "../lib/k8s";
import { resourceRule, schema } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import { isPlaceholder } from "../lib/placeholder";

interface Config {
    requirePreStop: boolean;
}

/** `wl-graceful-shutdown`: endpoints drop a pod before SIGTERM, and the sleep fits the grace period. */
export const wlGracefulShutdown = resourceRule<Config>(
    {
        name: "wl-graceful-shutdown",
        description: "Long-running containers have a preStop hook, and a preStop sleep is shorter than terminationGracePeriodSeconds.",
        enforcementLevel: "mandatory",
        severity: "low",
        remediationSteps: "Add lifecycle.preStop (sleep a few seconds) and keep it shorter than terminationGracePeriodSeconds.",
        configSchema: { properties: { requirePreStop: schema.bool(true, "Require a preStop hook on every container.") } },
    },
    (kind) => SERVING_KINDS.includes(kind),
    (o, cfg, report) => {
        // A preempted placeholder must free its room at once (grace 0): it has no endpoints to drop.
        if (isPlaceholder(o.kind, o.props)) return;
        const spec = podTemplateOf(o.kind, o.props)?.spec;
        const grace = Number(spec?.terminationGracePeriodSeconds ?? 30); // the API default
        forEachKnown(
            containersOf(spec).filter((c) => !c.init),
            ({ name, c }) => {
                const preStop = c.lifecycle?.preStop;
                if (!preStop) {
                    if (cfg.requirePreStop)
                        report(
                            `${o.id}: container ${name} has no preStop hook; add lifecycle.preStop (a short sleep) so endpoints drop the pod before SIGTERM.`,
                        );
                    return;
                }
                const sleep = preStop.sleep?.seconds;
                if (sleep !== undefined && Number(sleep) >= grace)
                    report(
                        `${o.id}: container ${name} preStop sleep (${sleep}s) is not shorter than terminationGracePeriodSeconds (${grace}s); lengthen the grace period or shorten the sleep, or the pod is killed before it drains.`,
                    );
            },
        );
    },
);
