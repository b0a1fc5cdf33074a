import { containersOf, podTemplateOf, type Json } from "../lib/k8s";
import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** Resources an HPA's utilization metrics divide by (Resource and ContainerResource metrics). */
export function utilizationResources(hpaSpec: Json): { resource: string; container?: string }[] {
    const out: { resource: string; container?: string }[] = [];
    for (const m of (hpaSpec?.metrics ?? []) as Json[]) {
        if (m.type === "Resource" && m.resource?.target?.type === "Utilization") out.push({ resource: String(m.resource.name) });
        if (m.type === "ContainerResource" && m.containerResource?.target?.type === "Utilization")
            out.push({ resource: String(m.containerResource.name), container: String(m.containerResource.container) });
    }
    return out;
}

/** `hpa-target-requests-set`: utilization is usage / request; without a request the HPA does nothing. */
export const hpaTargetRequestsSet = stackRule<Record<string, never>>(
    {
        name: "hpa-target-requests-set",
        description: "Every container of an HPA's target requests each resource the HPA's utilization metrics divide by.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Set resources.requests for that resource on every container of the target (sidecars included).",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        forEachKnown(ix.of("HorizontalPodAutoscaler"), (h) => {
            const ref = h.props.spec?.scaleTargetRef;
            const w = ix.target(h.namespace, String(ref?.kind), String(ref?.name));
            if (!w) return; // hpa-target-resolves reports it
            const containers = containersOf(podTemplateOf(w.kind, w.props)?.spec).filter((c) => !c.init);
            for (const u of utilizationResources(h.props.spec)) {
                forEachKnown(containers, ({ name, c }) => {
                    if (u.container !== undefined && u.container !== name) return;
                    if (c.resources?.requests?.[u.resource] === undefined)
                        report(
                            `${h.id}: scales on ${u.resource} utilization but container ${name} of ${w.id} requests no ${u.resource}; set resources.requests.${u.resource} on every container (utilization is usage / request, so the HPA does nothing otherwise).`,
                            h,
                        );
                });
            }
        });
    },
);
