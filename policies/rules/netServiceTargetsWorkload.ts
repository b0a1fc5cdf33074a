import { formatLabels, plain, selectorMatches, type Json, type Labels } from "../lib/k8s";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    allowSelectorless: string[];
}

/** `net-service-targets-workload`: a Service selects pods of this stack on ports they expose. */
export const netServiceTargetsWorkload = stackRule<Config>(
    {
        name: "net-service-targets-workload",
        description:
            "Every Service (except ExternalName) selects pods of this stack, and each targetPort is a port those containers expose.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps: "Set spec.selector to the workload's pod labels and targetPort to a container port name or number.",
        configSchema: {
            properties: {
                allowSelectorless: schema.strings([], "Services (namespace/name) that have no selector on purpose (manual Endpoints)."),
            },
        },
    },
    (ix, cfg, report) => {
        forEachKnown(ix.of("Service"), (s) => {
            if (s.props.spec?.type === "ExternalName" || cfg.allowSelectorless.includes(`${s.namespace}/${s.name}`)) return;
            const selector = plain<Labels | undefined>(s.props.spec?.selector);
            if (!selector || Object.keys(selector).length === 0) {
                report(`${s.id}: has no selector; select the workload's pod labels (or list it in allowSelectorless).`, s);
                return;
            }
            const groups = ix.podGroups.filter((g) => g.namespace === s.namespace);
            if (groups.some((g) => g.labels === undefined) || ix.unresolved.length > 0) return; // cannot check
            const matched = groups.filter((g) => selectorMatches({ matchLabels: selector }, g.labels!));
            if (matched.length === 0) {
                report(`${s.id}: selector ${formatLabels(selector)} matches no pods of this stack; fix spec.selector.`, s);
                return;
            }
            forEachKnown((s.props.spec?.ports ?? []) as Json[], (p) => {
                const target = p.targetPort ?? p.port;
                const exposed = matched.some(
                    (g) =>
                        g.ports === undefined ||
                        g.ports.some((cp) => (typeof target === "number" ? cp.port === target : cp.name === target)),
                );
                if (!exposed)
                    report(
                        `${s.id}: port ${p.name ?? p.port} targets ${target}, which no selected container exposes; set targetPort to a container port name or number.`,
                        s,
                    );
            });
        });
    },
);
