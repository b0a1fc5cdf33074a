/**
 * keda 2.19.0 (kedacore/charts v2.19.0 keda): the operator, metrics apiserver and admission
 * webhooks Deployments (templates/{manager,metrics-server,webhooks}/deployment.yaml) and their
 * PodDisruptionBudgets. As for the other charts, container args/env are not modelled; the helpers
 * (charts.ts) are only called from inside pods()/pdbs(), so the two files' import cycle is inert.
 */
import type { Json } from "../k8s";
import {
    or,
    pod,
    truthy,
    withKey,
    type ChartModel,
    type ChartPdb,
    type ChartPod,
    type ChartRelease,
    type Labels,
    type Values,
} from "./charts";

/** The values keys each Deployment reads (they differ per component in the chart). */
interface KedaComponent {
    readonly template: string;
    /** operator / metricsServer / webhooks: replicaCount, probes, affinity, dnsConfig, dnsPolicy, useHostNetwork. */
    readonly own: string;
    /** securityContext.*, podSecurityContext.*, resources.*, serviceAccount.*, podDisruptionBudget.*. */
    readonly sc: string;
    /** podLabels.*, podAnnotations.*. */
    readonly pod: string;
    /** image.*, volumes.*. */
    readonly image: string;
    /** topologySpreadConstraints.*. */
    readonly spread: string;
}
const OPERATOR: KedaComponent = {
    template: "manager/deployment.yaml",
    own: "operator",
    sc: "operator",
    pod: "keda",
    image: "keda",
    spread: "operator",
};
const METRICS: KedaComponent = {
    template: "metrics-server/deployment.yaml",
    own: "metricsServer",
    sc: "metricServer",
    pod: "metricsAdapter",
    image: "metricsApiServer",
    spread: "metricsServer",
};
const WEBHOOKS: KedaComponent = {
    template: "webhooks/deployment.yaml",
    own: "webhooks",
    sc: "webhooks",
    pod: "webhooks",
    image: "webhooks",
    spread: "webhooks",
};

const RESTRICTED = {
    capabilities: { drop: ["ALL"] },
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    seccompProfile: { type: "RuntimeDefault" },
};
const probes = (l: number, r: number) => ({
    livenessProbe: { initialDelaySeconds: l, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 },
    readinessProbe: { initialDelaySeconds: r, periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 },
});
const image = (repository: string) => ({ registry: "ghcr.io", repository: `kedacore/${repository}`, tag: "" });
const perComponent = (v: Json): Values => ({ operator: v, metricServer: v, webhooks: v });
const KEDA_DEFAULTS: Values = {
    global: { image: { registry: null }, dnsConfig: {} }, // values.yaml:5-10
    image: {
        keda: image("keda"),
        metricsApiServer: image("keda-metrics-apiserver"),
        webhooks: image("keda-admission-webhooks"),
        pullPolicy: "Always",
    }, // :22-45
    imagePullSecrets: [], // :66
    operator: {
        name: "keda-operator",
        replicaCount: 1,
        dnsConfig: {},
        dnsPolicy: "ClusterFirst",
        useHostNetwork: false,
        affinity: {},
        extraContainers: [],
        extraInitContainers: [],
        ...probes(25, 20),
    }, // :86-148
    metricsServer: { replicaCount: 1, dnsPolicy: "ClusterFirst", dnsConfig: {}, useHostNetwork: false, affinity: {}, ...probes(5, 5) }, // :150-192
    webhooks: {
        enabled: true,
        port: "",
        healthProbePort: 8081,
        dnsConfig: {},
        useHostNetwork: false,
        name: "keda-admission-webhooks",
        replicaCount: 1,
        affinity: {},
        ...probes(25, 20),
    }, // :194-240
    podDisruptionBudget: perComponent({}), // :264-279
    additionalLabels: {}, // :281
    additionalAnnotations: {}, // :286
    podAnnotations: { keda: {}, metricsAdapter: {}, webhooks: {} }, // :290-296
    podLabels: { keda: {}, metricsAdapter: {}, webhooks: {} }, // :297-303
    serviceAccount: {
        operator: { name: "keda-operator", automountServiceAccountToken: true },
        metricServer: { name: "keda-metrics-server", automountServiceAccountToken: true },
        webhooks: { name: "keda-webhook", automountServiceAccountToken: true },
    }, // :327-354
    podIdentity: { azureWorkload: { enabled: false }, gcp: { enabled: false } }, // :357-393
    grpcTLSCertsSecret: "", // :400
    hashiCorpVaultTLS: "", // :405
    securityContext: perComponent(RESTRICTED), // :449-479
    podSecurityContext: perComponent({ runAsNonRoot: true }), // :483-506
    service: { portHttpsTarget: 6443 }, // :514
    resources: perComponent({ limits: { cpu: 1, memory: "1000Mi" }, requests: { cpu: "100m", memory: "100Mi" } }), // :523-547
    nodeSelector: {}, // :549
    tolerations: [], // :551
    hostAliases: [], // :553
    topologySpreadConstraints: { operator: [], metricsServer: [], webhooks: [] }, // :555-561
    affinity: {}, // :564
    priorityClassName: "", // :578
    volumes: { keda: {}, metricsApiServer: {}, webhooks: {} }, // :625-643
    prometheus: {
        metricServer: {
            enabled: false,
            port: 8080,
            portName: "metrics",
            serviceMonitor: { enabled: false },
            podMonitor: { enabled: false },
        },
        operator: { enabled: false, port: 8080 },
        webhooks: { enabled: false, port: 8080 },
    }, // :644-824
    certificates: { autoGenerated: true, secretName: "kedaorg-certs", mountPath: "/certs", certManager: { enabled: false } }, // :833-843
    customManagedBy: "", // :914
    enableServiceLinks: true, // :918
};

/** `if .Values.<key>.<c> … else .Values.<key>` (the else renders the whole map, sub-keys included). */
const ownOrAll = (v: Values, key: string, c: string): Json => (truthy(v[key]?.[c]) ? v[key][c] : v[key]);
const probe = (path: string, port: Json, scheme: string | undefined, p: Values): Values => ({
    httpGet: { path, port, ...(scheme ? { scheme } : {}) },
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
    successThreshold: p.successThreshold,
});
const tcp = (containerPort: Json, name: Json): Values => ({ containerPort, name, protocol: "TCP" });

/** What differs between the three Deployments: name, probes, ports, the operator's extras. */
function componentParts(v: Values, c: KedaComponent) {
    const op = String(v.operator.name);
    const o = v[c.own];
    const prom = v.prometheus;
    if (c === OPERATOR)
        return {
            name: op,
            probes: {
                livenessProbe: probe("/healthz", 8081, undefined, o.livenessProbe),
                readinessProbe: probe("/readyz", 8081, undefined, o.readinessProbe),
            }, // :117-134
            ports: [...(truthy(prom.operator?.enabled) ? [tcp(prom.operator.port, "metrics")] : []), tcp(9666, "metricsservice")], // :135-143
        };
    if (c === METRICS) {
        const https = v.service.portHttpsTarget;
        return {
            name: `${op}-metrics-apiserver`,
            probes: {
                livenessProbe: probe("/healthz", https, "HTTPS", o.livenessProbe),
                readinessProbe: probe("/readyz", https, "HTTPS", o.readinessProbe),
            }, // :78-97
            ports: [tcp(https, "https"), tcp(prom.metricServer.port, prom.metricServer.portName)], // :143-149
        };
    }
    const health = o.healthProbePort;
    return {
        name: String(o.name),
        probes: {
            livenessProbe: probe("/healthz", health, undefined, o.livenessProbe),
            readinessProbe: probe("/readyz", health, undefined, o.readinessProbe),
        }, // :95-112
        ports: [tcp(or(o.port, 9443), "http"), ...(truthy(prom.webhooks?.enabled) ? [tcp(prom.webhooks.port, "metrics")] : [])], // :113-121
    };
}

/** The pod-level labels (keda.labels, _helpers.tpl:13-32, plus the component's). */
function kedaLabels(r: ChartRelease, v: Values, m: ChartModel, c: KedaComponent, name: string): Labels {
    const op = String(v.operator.name);
    return {
        app: name,
        ...(c === METRICS ? {} : { name }),
        "app.kubernetes.io/name": name,
        "helm.sh/chart": `${m.chart}-${m.version}`,
        "app.kubernetes.io/component": "operator",
        "app.kubernetes.io/managed-by": String(or(v.customManagedBy, "Helm")),
        "app.kubernetes.io/part-of": op,
        "app.kubernetes.io/version": m.appVersion,
        "app.kubernetes.io/instance": r.name,
        ...v.additionalLabels,
        ...v.podLabels?.[c.pod],
        ...(c === OPERATOR && truthy(v.podIdentity?.azureWorkload?.enabled) ? { "azure.workload.identity/use": "true" } : {}),
    };
}

function kedaAnnotations(v: Values, c: KedaComponent): Values {
    const ms = v.prometheus.metricServer;
    const scrape = c === METRICS && truthy(ms.enabled) && !(truthy(ms.podMonitor?.enabled) || truthy(ms.serviceMonitor?.enabled));
    return {
        ...(c === METRICS ? v.additionalAnnotations : v.podAnnotations?.[c.pod]),
        ...(scrape ? { "prometheus.io/scrape": "true", "prometheus.io/port": String(ms.port) } : {}),
        ...(c === METRICS ? v.podAnnotations?.[c.pod] : v.additionalAnnotations),
    }; // manager :38-46, metrics-server :33-45
}

function kedaVolumes(v: Values, c: KedaComponent) {
    const cert = v.certificates;
    const extra = v.volumes?.[c.image] ?? {};
    const secrets =
        c === WEBHOOKS
            ? []
            : [
                  ...(truthy(v.grpcTLSCertsSecret)
                      ? [{ name: "grpc-certs", mountPath: "/grpccerts", secretName: v.grpcTLSCertsSecret }]
                      : []),
                  ...(truthy(v.hashiCorpVaultTLS)
                      ? [{ name: "hashicorp-vault-certs", mountPath: "/hashicorp-vaultcerts", secretName: v.hashiCorpVaultTLS }]
                      : []),
              ];
    const optional = c === OPERATOR ? { optional: truthy(cert.autoGenerated) && !truthy(cert.certManager?.enabled) } : {};
    return {
        mounts: [
            { mountPath: cert.mountPath, name: "certificates", readOnly: true },
            ...secrets.map((s) => ({ name: s.name, mountPath: s.mountPath })),
            ...(extra.extraVolumeMounts ?? []),
        ],
        volumes: [
            { name: "certificates", secret: { defaultMode: 420, secretName: cert.secretName, ...optional } },
            ...secrets.map((s) => ({ name: s.name, secret: { secretName: s.secretName } })),
            ...(extra.extraVolumes ?? []),
        ],
    };
}

/** One of the three Deployments (line numbers of manager/deployment.yaml). */
function kedaDeployment(r: ChartRelease, v: Values, m: ChartModel, c: KedaComponent): ChartPod {
    const o = v[c.own];
    const img = v.image[c.image];
    const parts = componentParts(v, c);
    const registry = or(v.global?.image?.registry, or(img.registry, ""));
    const ref = `${img.repository}:${or(img.tag, m.appVersion)}`;
    const sa = v.serviceAccount?.[c.sc] ?? {};
    const vol = kedaVolumes(v, c);
    const container = {
        name: parts.name, // :65
        securityContext: ownOrAll(v, "securityContext", c.sc), // :66-71
        image: truthy(registry) ? `${registry}/${ref}` : ref, // :72-77
        imagePullPolicy: v.image.pullPolicy, // :116
        ...parts.probes,
        ports: parts.ports,
        volumeMounts: vol.mounts, // :176-190
        resources: ownOrAll(v, "resources", c.sc), // :191-196
    };
    const nodeSelector = {
        "kubernetes.io/os": "linux",
        ...v.nodeSelector,
        ...(truthy(v.podIdentity?.gcp?.enabled) ? { "iam.gke.io/gke-metadata-server-enabled": "true" } : {}),
    };
    const spec = {
        enableServiceLinks: v.enableServiceLinks, // :48
        ...withKey("priorityClassName", v.priorityClassName), // :49-51
        ...withKey("imagePullSecrets", v.imagePullSecrets), // :52-55
        serviceAccountName: or(sa.name, v.serviceAccount?.name), // :56
        automountServiceAccountToken: sa.automountServiceAccountToken ?? v.serviceAccount?.automountServiceAccountToken, // :57
        securityContext: ownOrAll(v, "podSecurityContext", c.sc), // :58-63
        containers: [container, ...(c === OPERATOR ? (o.extraContainers ?? []) : [])], // :64-199
        ...(c === OPERATOR ? withKey("initContainers", o.extraInitContainers) : {}), // :200-203
        volumes: vol.volumes, // :204-222
        nodeSelector, // :223-230
        ...withKey("affinity", or(o.affinity, v.affinity)), // :231-237
        ...withKey("topologySpreadConstraints", v.topologySpreadConstraints?.[c.spread]), // :238-241
        ...withKey("tolerations", v.tolerations), // :242-245
        ...withKey("dnsConfig", or(o.dnsConfig, v.global?.dnsConfig)), // :246-250
        ...(c === WEBHOOKS ? {} : { dnsPolicy: o.dnsPolicy }), // :251 (the webhooks template sets none)
        hostNetwork: o.useHostNetwork, // :252
        ...(c === OPERATOR ? withKey("hostAliases", v.hostAliases) : {}), // :253-256
    };
    return pod(m, {
        kind: "Deployment",
        name: parts.name,
        namespace: r.namespace,
        replicas: o.replicaCount,
        labels: kedaLabels(r, v, m, c, parts.name),
        annotations: kedaAnnotations(v, c),
        spec,
        template: c.template,
    });
}

/**
 * {manager,metrics-server,webhooks}/poddisruptionbudget.yaml: the global bounds, then the component's.
 * A bound set both ways renders the key twice; whether Helm's YAML parse keeps the later one or
 * refuses is not modelled (the model keeps the later one; our values set only the component's).
 */
function kedaPdb(r: ChartRelease, v: Values, c: KedaComponent, name: string): ChartPdb[] {
    const g = v.podDisruptionBudget ?? {};
    const own = g[c.sc];
    if (!(truthy(g.minAvailable) || truthy(g.maxUnavailable) || truthy(own))) return [];
    const bounds = { ...withKey("minAvailable", g.minAvailable), ...withKey("maxUnavailable", g.maxUnavailable) };
    if (truthy(own)) Object.assign(bounds, withKey("minAvailable", own.minAvailable), withKey("maxUnavailable", own.maxUnavailable));
    return [
        {
            namespace: r.namespace,
            name,
            selector: { matchLabels: { app: name } },
            ...(bounds as { minAvailable?: number | string; maxUnavailable?: number | string }),
        },
    ];
}

const components = (v: Values): KedaComponent[] => [OPERATOR, METRICS, ...(truthy(v.webhooks?.enabled) ? [WEBHOOKS] : [])];

export const KEDA: ChartModel = {
    chart: "keda",
    version: "2.19.0",
    appVersion: "2.19.0",
    at: "kedacore/charts v2.19.0 keda",
    defaults: KEDA_DEFAULTS,
    pods: (r, v, m) => components(v).map((c) => kedaDeployment(r, v, m, c)),
    pdbs: (r, v) => components(v).flatMap((c) => kedaPdb(r, v, c, componentParts(v, c).name)),
};
