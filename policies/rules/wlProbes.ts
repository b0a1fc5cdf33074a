import { containersOf, podTemplateOf, SERVING_KINDS, selectorMatches } from "../lib/k8s";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import { isPlaceholder } from "../lib/placeholder";
import { isDeepStrictEqual } from "node:util";

interface Config {
    requireLiveness: boolean;
}

/** `wl-probes`: readiness wherever a Service routes; liveness that is not a copy of readiness. */
export const wlProbes = stackRule<Config>(
    {
        name: "wl-probes",
        description:
            "Containers a Service routes to have a readinessProbe; long-running containers have a livenessProbe that differs from the readinessProbe.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Add a readinessProbe on the ready endpoint and a livenessProbe on a cheaper liveness endpoint.",
        configSchema: {
            properties: { requireLiveness: schema.bool(true, "Require a livenessProbe on every container of long-running workloads.") },
        },
    },
    (ix, cfg, report) => {
        const services = ix.of("Service");
        forEachKnown(
            // A placeholder (pause) serves nothing and never hangs in a way a probe would fix.
            ix.workloads.filter((w) => SERVING_KINDS.includes(w.kind) && !isPlaceholder(w.kind, w.props)),
            (w) => {
                const labels = ix.podLabels(w);
                const svc = labels
                    ? services.find(
                          (s) =>
                              s.namespace === w.namespace &&
                              s.props.spec?.selector &&
                              selectorMatches({ matchLabels: s.props.spec.selector }, labels),
                      )
                    : undefined;
                forEachKnown(
                    containersOf(podTemplateOf(w.kind, w.props)?.spec).filter((c) => !c.init),
                    ({ name, c }) => {
                        if (svc && !c.readinessProbe)
                            report(
                                `${w.id}: container ${name} has no readinessProbe but ${svc.id} routes to it; add one so traffic only reaches ready pods.`,
                                w,
                            );
                        if (cfg.requireLiveness && !c.livenessProbe)
                            report(`${w.id}: container ${name} has no livenessProbe; add one so a hung process is restarted.`, w);
                        if (
                            c.livenessProbe &&
                            c.readinessProbe &&
                            isDeepStrictEqual(JSON.parse(JSON.stringify(c.livenessProbe)), JSON.parse(JSON.stringify(c.readinessProbe)))
                        )
                            report(
                                `${w.id}: container ${name} livenessProbe is identical to its readinessProbe; point liveness at a cheaper endpoint (a slow dependency would otherwise restart every pod).`,
                                w,
                            );
                    },
                );
            },
        );
    },
);
