import type { Json } from "../lib/k8s";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    externalGateways: string[];
}

/** `net-routes-resolve`: an HTTPRoute's parents and backends exist and their ports match. */
export const netRoutesResolve = stackRule<Config>(
    {
        name: "net-routes-resolve",
        description:
            "HTTPRoute parentRefs name a Gateway (and listener) of this stack that admits the route, and backendRefs name Services of this stack on one of their ports.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Fix the parentRef/backendRef name, sectionName or port, or declare the Gateway/Service.",
        configSchema: {
            properties: {
                externalGateways: schema.strings([], "Gateways (namespace/name) managed outside this stack that routes may attach to."),
            },
        },
    },
    (ix, cfg, report) => {
        if (ix.unresolved.length > 0) return; // a Gateway or Service with an unknown name: cannot check
        const gateways = ix.of("Gateway");
        const services = ix.of("Service");
        forEachKnown(ix.of("HTTPRoute"), (r) => {
            forEachKnown((r.props.spec?.parentRefs ?? []) as Json[], (ref) => {
                if ((ref.kind ?? "Gateway") !== "Gateway") return;
                const ns = String(ref.namespace ?? r.namespace);
                const gw = gateways.find((g) => g.namespace === ns && g.name === ref.name);
                if (!gw) {
                    if (!cfg.externalGateways.includes(`${ns}/${ref.name}`))
                        report(
                            `${r.id}: parentRef Gateway ${ns}/${ref.name} is not declared in this stack; fix parentRefs or declare the Gateway.`,
                            r,
                        );
                    return;
                }
                const listeners = ((gw.props.spec?.listeners ?? []) as Json[]).filter(
                    (l) => (ref.sectionName === undefined || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port),
                );
                if (listeners.length === 0) {
                    const which = [
                        ref.sectionName !== undefined ? `sectionName ${ref.sectionName}` : "",
                        ref.port !== undefined ? `port ${ref.port}` : "",
                    ]
                        .filter(Boolean)
                        .join(" and ");
                    report(
                        `${r.id}: parentRef ${which} matches no listener of ${gw.id}; use one of its listeners (${((gw.props.spec?.listeners ?? []) as Json[]).map((l) => `${l.name}:${l.port}`).join(", ")}).`,
                        r,
                    );
                    return;
                }
                // allowedRoutes.namespaces.from defaults to Same.
                if (ns !== r.namespace && listeners.every((l) => (l.allowedRoutes?.namespaces?.from ?? "Same") === "Same"))
                    report(
                        `${r.id}: ${gw.id} only admits routes from namespace ${ns}; move the route or set allowedRoutes on the listener.`,
                        r,
                    );
            });
            forEachKnown((r.props.spec?.rules ?? []) as Json[], (rule) => {
                forEachKnown((rule.backendRefs ?? []) as Json[], (b) => {
                    if ((b.kind ?? "Service") !== "Service" || (b.group ?? "") !== "") return;
                    const ns = String(b.namespace ?? r.namespace);
                    const svc = services.find((s) => s.namespace === ns && s.name === b.name);
                    if (!svc) {
                        report(
                            `${r.id}: backendRef Service ${ns}/${b.name} is not declared in this stack; fix the backendRef or declare the Service.`,
                            r,
                        );
                        return;
                    }
                    const ports = ((svc.props.spec?.ports ?? []) as Json[]).map((p) => Number(p.port));
                    if (b.port === undefined)
                        report(`${r.id}: backendRef Service ${ns}/${b.name} has no port; set port to one of ${ports.join(", ")}.`, r);
                    else if (!ports.includes(Number(b.port)))
                        report(
                            `${r.id}: backendRef Service ${ns}/${b.name} port ${b.port} is not a port of the Service (${ports.join(", ")}); fix the port.`,
                            r,
                        );
                });
            });
        });
    },
);
