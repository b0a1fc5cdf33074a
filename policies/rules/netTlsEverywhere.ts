import type { Json } from "../lib/k8s";
import { stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** True when every rule of a route only redirects to https. */
const onlyRedirectsToHttps = (route: Json): boolean =>
    ((route.spec?.rules ?? []) as Json[]).every(
        (rule) =>
            ((rule.backendRefs ?? []) as Json[]).length === 0 &&
            ((rule.filters ?? []) as Json[]).some((f) => f.type === "RequestRedirect" && f.requestRedirect?.scheme === "https"),
    );

/** `net-tls-everywhere`: traffic from outside is encrypted; plain HTTP only redirects. */
export const netTlsEverywhere = stackRule<Record<string, never>>(
    {
        name: "net-tls-everywhere",
        description:
            "Gateway HTTPS/TLS listeners terminate with a certificate; plain-HTTP listeners only carry routes that redirect to https; Ingresses set tls.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps: "Give HTTPS listeners tls.certificateRefs; attach only a RequestRedirect (scheme https) route to HTTP listeners.",
        configSchema: { properties: {} },
    },
    (ix, _cfg, report) => {
        const routes = ix.of("HTTPRoute");
        forEachKnown(ix.of("Gateway"), (gw) => {
            forEachKnown((gw.props.spec?.listeners ?? []) as Json[], (l) => {
                if (
                    (l.protocol === "HTTPS" || l.protocol === "TLS") &&
                    (l.tls?.mode ?? "Terminate") === "Terminate" &&
                    ((l.tls?.certificateRefs ?? []) as Json[]).length === 0
                )
                    report(
                        `${gw.id}: listener ${l.name} (${l.protocol}) has no tls.certificateRefs; reference the certificate Secret.`,
                        gw,
                    );
                if (l.protocol !== "HTTP") return;
                forEachKnown(routes, (r) => {
                    const attached = ((r.props.spec?.parentRefs ?? []) as Json[]).some(
                        (p) =>
                            (p.kind ?? "Gateway") === "Gateway" &&
                            p.name === gw.name &&
                            String(p.namespace ?? r.namespace) === gw.namespace &&
                            (p.sectionName === undefined || p.sectionName === l.name) &&
                            (p.port === undefined || p.port === l.port),
                    );
                    if (attached && !onlyRedirectsToHttps(r.props))
                        report(
                            `${gw.id}: listener ${l.name} serves plain HTTP to ${r.id}; attach only a RequestRedirect (scheme https) route to HTTP listeners.`,
                            r,
                        );
                });
            });
        });
        forEachKnown(ix.of("Ingress"), (ing) => {
            if (((ing.props.spec?.tls ?? []) as Json[]).length === 0)
                report(`${ing.id}: has no spec.tls; terminate TLS with a certificate Secret.`, ing);
        });
    },
);
