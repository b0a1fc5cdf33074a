import { containersOf, type Json } from "../lib/k8s";
import { podSubject } from "../lib/pods";
import { schema, stackRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

interface Config {
    secretNamePattern: string;
    allowTokenMount: string[];
}

/** Values that are credentials whatever their key is called. */
export const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
    /\bgh[pousr]_[A-Za-z0-9]{36}\b/, // GitHub token
    /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack token
    /[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:[^@/\s]+@/i, // credentials in a URL
    /^\s*(requirepass|masterauth)\s+\S+/im, // redis.conf
    /\bpassword\s*[=:]\s*\S+/i,
];

/** `sec-credential-exposure`: secrets live in Secrets, and pods get an API token only when they need one. */
export const secCredentialExposure = stackRule<Config>(
    {
        name: "sec-credential-exposure",
        description:
            "No secret-looking literals in container env or ConfigMaps, and no service account token mounted unless the workload is allowed to call the Kubernetes API.",
        enforcementLevel: "mandatory",
        severity: "high",
        remediationSteps:
            "Move credentials to a Secret (env valueFrom.secretKeyRef); set automountServiceAccountToken: false on the pod or its ServiceAccount.",
        configSchema: {
            properties: {
                secretNamePattern: schema.str(
                    "(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY)",
                    "Case-insensitive regular expression of env and ConfigMap key names that hold credentials.",
                ),
                allowTokenMount: schema.strings([], "Workloads (namespace/name) that may mount a service account token."),
            },
        },
    },
    (ix, cfg, report) => {
        const secretName = new RegExp(cfg.secretNamePattern, "i");
        const looksSecret = (key: string, value: string) =>
            (secretName.test(key) && value !== "") || SECRET_VALUE_PATTERNS.some((p) => p.test(value));
        const accounts = ix.of("ServiceAccount");
        forEachKnown(ix.pods, ({ pod, owner: w }) => {
            const who = podSubject(pod, w);
            forEachKnown(containersOf(pod.spec), ({ name, c }) => {
                forEachKnown((c.env ?? []) as Json[], (e) => {
                    if (typeof e.value === "string" && looksSecret(String(e.name), e.value))
                        report(
                            `${who}: container ${name} env ${e.name} holds a secret-looking literal; move it to a Secret and use valueFrom.secretKeyRef.`,
                            w,
                        );
                });
            });
            // Operators and charts whose pods are API clients (instance managers, controllers) need the token.
            if (pod.callsApi || cfg.allowTokenMount.includes(`${w.namespace}/${w.name}`)) return;
            const saName = String(pod.spec?.serviceAccountName ?? "default");
            const sa = accounts.find((a) => a.namespace === pod.namespace && a.name === saName);
            // The pod's setting wins; unset, the ServiceAccount's applies; unset there too, the token is mounted.
            const mounted = pod.spec?.automountServiceAccountToken ?? sa?.props.automountServiceAccountToken ?? true;
            if (mounted !== false)
                report(
                    `${who}: mounts a service account token (automountServiceAccountToken is not false on the pod or ServiceAccount ${saName}); set it to false, or list the workload in allowTokenMount if it calls the Kubernetes API.`,
                    w,
                );
        });
        forEachKnown(ix.of("ConfigMap"), (cm) => {
            for (const [k, v] of Object.entries((cm.props.data ?? {}) as Record<string, string>))
                if (looksSecret(k, String(v))) report(`${cm.id}: key ${k} holds a secret-looking value; move it to a Secret.`, cm);
        });
    },
);
