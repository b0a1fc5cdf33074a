import { parseQuantity, type Json } from "../lib/k8s";
import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";
import { utilizationResources } from "./hpaTargetRequestsSet";

/** VPA modes that change the requests of running (or re-created) pods. */
export const UPDATING_MODES = ["Auto", "Recreate", "InPlaceOrRecreate"];

/** The update mode of a VPA spec; the VPA defaults to Auto (now an alias of Recreate). */
export const vpaMode = (spec: Json): string => String(spec?.updatePolicy?.updateMode ?? "Auto");

/** Resources a VPA controls for some container (container policies default to cpu and memory). */
export function vpaControlledResources(spec: Json): string[] {
    const policies = (spec?.resourcePolicy?.containerPolicies ?? []) as Json[];
    if (policies.length === 0) return ["cpu", "memory"];
    const out = new Set<string>();
    for (const p of policies) if (p.mode !== "Off") for (const r of (p.controlledResources ?? ["cpu", "memory"]) as string[]) out.add(r);
    return [...out];
}

/** maxAllowed of a resource for a container (its own policy, else the `*` policy), in base units. */
export function vpaMaxAllowed(spec: Json, container: string, r: "cpu" | "memory"): number | undefined {
    const policies = (spec?.resourcePolicy?.containerPolicies ?? []) as Json[];
    const p = policies.find((x) => x.containerName === container) ?? policies.find((x) => x.containerName === "*");
    const v = parseQuantity(p?.maxAllowed?.[r]);
    return Number.isNaN(v) ? undefined : v;
}

/** `vpa-hpa-no-resource-overlap`: a VPA raising requests lowers the utilization an HPA scales on. */
export const vpaHpaNoResourceOverlap = stackRule<Record<string, never>>(
    {
        name: "vpa-hpa-no-resource-overlap",
        description: "No VPA in an updating mode controls a resource that an HPA on the same workload scales on by utilization.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Exclude the resource from the VPA's controlledResources, set its updateMode to Off/Initial, or scale the HPA on another metric.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        for (const [key, vpas] of ix.vpasByTarget) {
            const hpas = ix.hpasByTarget.get(key) ?? [];
            if (hpas.length === 0) continue;
            const [ns, kind, name] = key.split("/");
            forEachKnown(vpas, (v) => {
                const mode = vpaMode(v.props.spec);
                if (!UPDATING_MODES.includes(mode)) return;
                const controlled = vpaControlledResources(v.props.spec);
                forEachKnown(hpas, (h) => {
                    for (const r of new Set(utilizationResources(h.props.spec).map((u) => u.resource)))
                        if (controlled.includes(r))
                            report(
                                `${v.id}: updates ${r} requests of ${kind} ${ns}/${name} (mode ${mode}) while HorizontalPodAutoscaler ${ns}/${h.name} scales on ${r} utilization; exclude ${r} from the VPA's controlledResources, use updateMode Off, or scale the HPA on another metric.`,
                                v,
                            );
                });
            });
        }
    },
);
