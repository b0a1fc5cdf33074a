/**
 * The pods the five pinned Helm charts (components/platform/charts.ts) deploy, modelled from each
 * chart's templates at its pinned version: the chart's default values deep-merged with the values
 * we pass (Helm's coalesce), rendered only for what shapes a pod (images, replicas, resources,
 * security contexts, probes, ports, volumes, service account and token, scheduling, labels and
 * annotations). Container args/env and the `checksum/*` pod annotations are not modelled.
 * Defaults are our own small constants citing values.yaml at the tag, not a copy of it.
 */
import type { Json } from "../k8s";
import { KEDA } from "./kedaChart";
import type { ModelledPod } from "./types";

/** A Helm release as the program declares it (the inputs of a helm.v3.Release). */
export interface ChartRelease {
    readonly chart: string;
    readonly version: string;
    readonly namespace: string;
    readonly name: string;
    readonly values: Json;
}

/** A modelled pod and the workload that runs it (replicas as the chart renders them, 1 for Jobs). */
export interface ChartPod extends ModelledPod {
    readonly workload: { readonly kind: "Deployment" | "Job"; readonly name: string; readonly replicas: number };
}

/** A PodDisruptionBudget a chart creates from its values. */
export interface ChartPdb {
    readonly namespace: string;
    readonly name: string;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly minAvailable?: number | string;
    readonly maxUnavailable?: number | string;
    /** Only prometheus-adapter's PDB can set it; unset means the API default IfHealthyBudget. */
    readonly unhealthyPodEvictionPolicy?: string;
}

export type Values = Record<string, Json>;
export type Labels = Record<string, string>;
const isMap = (v: Json): v is Values => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Helm's coalesce of user values over chart defaults (helm v3.21.4 pkg/chartutil/coalesce.go:278):
 * maps merge key by key, lists and scalars replace, a user `null` removes the default (:304).
 */
export function helmMerge(defaults: Json, overrides: Json): Json {
    if (overrides === undefined) return defaults;
    if (!isMap(overrides) || !isMap(defaults)) return overrides;
    const out: Values = { ...defaults };
    for (const [k, v] of Object.entries(overrides)) {
        if (v === null) delete out[k];
        else out[k] = helmMerge(out[k], v);
    }
    return out;
}

/** Go template truth (`if`, `with`, sprig `default`): false, 0, "", nil, empty list or map are false. */
export function truthy(v: Json): boolean {
    if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
    if (Array.isArray(v)) return v.length > 0;
    return isMap(v) ? Object.keys(v).length > 0 : true;
}
/** sprig `default`: `v` when truthy, else `fallback`. */
export const or = (v: Json, fallback: Json): Json => (truthy(v) ? v : fallback);
/** `{{- with v }} key: v {{- end }}`. */
export const withKey = (key: string, v: Json): Values => (truthy(v) ? { [key]: v } : {});
const trunc63 = (s: string): string => (s.length > 63 ? s.slice(0, 63) : s).replace(/-$/, "");
export const strings = (m: Json): Labels => Object.fromEntries(Object.entries(isMap(m) ? m : {}).map(([k, v]) => [k, String(v)]));

/** The `<chart>.name` helper every chart here shares: nameOverride or the chart name. */
const chartName = (chart: string, v: Values): string => trunc63(String(or(v.nameOverride, chart)));
/** The `<chart>.fullname` helper: fullnameOverride, else the release name when it contains the name, else `release-name`. */
function fullname(r: ChartRelease, chart: string, v: Values): string {
    if (truthy(v.fullnameOverride)) return trunc63(String(v.fullnameOverride));
    const name = String(or(v.nameOverride, chart));
    return trunc63(r.name.includes(name) ? r.name : `${r.name}-${name}`);
}
const httpProbe = (path: string, port: string, scheme: string, extra: Values): Values => ({ httpGet: { path, port, scheme }, ...extra });

export interface ChartModel {
    readonly chart: string;
    readonly version: string;
    readonly appVersion: string;
    /** `<repo> <tag or commit> <chart dir>` the model follows. */
    readonly at: string;
    readonly defaults: Values;
    pods(r: ChartRelease, v: Values, m: ChartModel): ChartPod[];
    pdbs(r: ChartRelease, v: Values, m: ChartModel): ChartPdb[];
}

interface PodParts {
    readonly kind: "Deployment" | "Job";
    readonly name: string;
    readonly namespace: string;
    readonly replicas: Json;
    readonly labels: Json;
    readonly annotations: Json;
    readonly spec: Values;
    readonly template: string;
}
export function pod(m: ChartModel, p: PodParts): ChartPod {
    return {
        desc: `pods of ${p.kind} ${p.namespace}/${p.name} (chart ${m.chart} ${m.version})`,
        namespace: p.namespace,
        labels: strings(p.labels),
        annotations: strings(p.annotations),
        spec: p.spec,
        source: `${m.at}/templates/${p.template}`,
        workload: { kind: p.kind, name: p.name, replicas: p.kind === "Job" ? 1 : Number(or(p.replicas, 1)) },
    };
}

const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    seccompProfile: { type: "RuntimeDefault" },
};

/** cloudnative-pg 0.29.0 (cloudnative-pg/charts cloudnative-pg-v0.29.0 charts/cloudnative-pg/values.yaml). */
const CNPG: ChartModel = {
    chart: "cloudnative-pg",
    version: "0.29.0",
    appVersion: "1.30.0",
    at: "cloudnative-pg/charts cloudnative-pg-v0.29.0 charts/cloudnative-pg",
    defaults: {
        replicaCount: 1, // values.yaml:23
        image: { repository: "ghcr.io/cloudnative-pg/cloudnative-pg", pullPolicy: "IfNotPresent", tag: "" }, // :25-29
        nameOverride: "", // :32-34
        fullnameOverride: "",
        namespaceOverride: "",
        imagePullSecrets: [], // :31
        hostNetwork: false, // :36
        dnsPolicy: "", // :37
        webhook: {
            port: 9443,
            livenessProbe: { initialDelaySeconds: 3 },
            readinessProbe: { initialDelaySeconds: 3 },
            startupProbe: { failureThreshold: 6, periodSeconds: 5 },
        }, // :53-67
        serviceAccount: { create: true, name: "" }, // :103-108
        podAnnotations: {}, // :120
        podLabels: {}, // :122
        containerSecurityContext: { ...RESTRICTED_CONTAINER, runAsUser: 10001, runAsGroup: 10001 }, // :125-134
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, // :137-140
        priorityClassName: "", // :144
        resources: {}, // :159
        nodeSelector: {}, // :171
        topologySpreadConstraints: [], // :174
        tolerations: [], // :177
        affinity: {}, // :180
    },
    pods(r, v, m) {
        const name = fullname(r, m.chart, v); // _helpers.tpl:24-35
        const wh = v.webhook;
        const probe = (extra: Values) => httpProbe("/readyz", "webhook-server", "HTTPS", extra);
        const manager = {
            name: "manager",
            image: `${v.image.repository}:${or(v.image.tag, m.appVersion)}`, // deployment.yaml:99
            imagePullPolicy: v.image.pullPolicy,
            livenessProbe: probe(withKey("initialDelaySeconds", wh.livenessProbe?.initialDelaySeconds)), // :101-108
            ports: [
                { containerPort: 8080, name: "metrics", protocol: "TCP" },
                { containerPort: wh.port, name: "webhook-server", protocol: "TCP" },
            ], // :110-116
            readinessProbe: probe(withKey("initialDelaySeconds", wh.readinessProbe?.initialDelaySeconds)), // :117-124
            resources: v.resources, // :125-126, always rendered
            securityContext: v.containerSecurityContext, // :127-128
            startupProbe: probe({
                ...withKey("failureThreshold", wh.startupProbe?.failureThreshold),
                ...withKey("periodSeconds", wh.startupProbe?.periodSeconds),
            }), // :129-139
            volumeMounts: [
                { mountPath: "/controller", name: "scratch-data" },
                { mountPath: "/run/secrets/cnpg.io/webhook", name: "webhook-certificates" },
            ], // :140-144
        };
        const spec = {
            ...withKey("imagePullSecrets", v.imagePullSecrets), // :55-58
            ...withKey("hostNetwork", v.hostNetwork), // :59-61
            ...withKey("dnsPolicy", v.dnsPolicy), // :62-64
            containers: [manager],
            ...withKey("priorityClassName", v.priorityClassName), // :145-147
            securityContext: v.podSecurityContext, // :148-149
            serviceAccountName: v.serviceAccount.create ? or(v.serviceAccount.name, name) : or(v.serviceAccount.name, "default"), // _helpers.tpl:67-73
            terminationGracePeriodSeconds: 10, // :151
            ...withKey("nodeSelector", v.nodeSelector), // :152-155
            ...withKey("topologySpreadConstraints", v.topologySpreadConstraints), // :156-159
            ...withKey("affinity", v.affinity), // :160-163
            ...withKey("tolerations", v.tolerations), // :164-167
            volumes: [
                { emptyDir: {}, name: "scratch-data" },
                { name: "webhook-certificates", secret: { defaultMode: 420, optional: true, secretName: "cnpg-webhook-cert" } },
            ], // :168-175
        };
        const selector = { "app.kubernetes.io/name": chartName(m.chart, v), "app.kubernetes.io/instance": r.name }; // _helpers.tpl:59-62
        const namespace = String(or(v.namespaceOverride, r.namespace)); // _helpers.tpl:4-10
        const labels = { ...selector, ...v.podLabels };
        return [
            pod(m, {
                kind: "Deployment",
                name,
                namespace,
                replicas: v.replicaCount,
                labels,
                annotations: v.podAnnotations,
                spec,
                template: "deployment.yaml",
            }),
        ];
    },
    pdbs: () => [], // the chart has no PodDisruptionBudget template
};

/**
 * redis-operator 0.26.0: OT-CONTAINER-KIT/redis-operator at 2eb86e18f7c6 ("update version to 0.26.0",
 * the commit whose charts/redis-operator/Chart.yaml says 0.26.0; the repo's v0.26.0 tag still has 0.25.0).
 */
const REDIS: ChartModel = {
    chart: "redis-operator",
    version: "0.26.0",
    appVersion: "0.26.0",
    at: "OT-CONTAINER-KIT/redis-operator 2eb86e18f7c6 charts/redis-operator",
    defaults: {
        redisOperator: {
            name: "redis-operator", // values.yaml:3
            imageName: "quay.io/opstree/redis-operator", // :4
            imageTag: "", // :6
            imagePullPolicy: "Always", // :11
            imagePullSecrets: [], // :12
            podAnnotations: {}, // :23
            podLabels: {}, // :25
            webhook: false, // :39
            automountServiceAccountToken: true, // :40
            pprof: { enabled: false, bindAddress: ":6060" }, // :43-47
            metrics: { enabled: true, bindAddress: ":8080" }, // :50-54
        },
        resources: { limits: { cpu: "500m", memory: "500Mi" }, requests: { cpu: "500m", memory: "500Mi" } }, // :56-62
        replicas: 1, // :64
        serviceAccountName: "redis-operator", // :74
        certificate: { secretName: "webhook-server-cert" }, // :85
        certmanager: { enabled: false }, // :107
        priorityClassName: "", // :111
        nodeSelector: {}, // :112
        tolerations: [], // :114
        affinity: {}, // :115
        podSecurityContext: {}, // :117
        securityContext: {}, // :120
    },
    pods(r, v, m) {
        const ro = v.redisOperator;
        const port = (bind: Json, name: string) => ({ containerPort: Number(/:([0-9]+)/.exec(String(bind))?.[1]), name, protocol: "TCP" });
        const container = {
            name: ro.name, // operator-deployment.yaml:38
            securityContext: v.securityContext, // :39-40
            image: `${ro.imageName}:${or(ro.imageTag, `v${m.appVersion}`)}`, // :41
            imagePullPolicy: ro.imagePullPolicy, // :42
            livenessProbe: { httpGet: { path: "/healthz", port: "probe" } }, // :43-46
            readinessProbe: { httpGet: { path: "/readyz", port: "probe" } }, // :47-50
            ports: [
                { containerPort: 8081, name: "probe", protocol: "TCP" },
                ...(truthy(ro.metrics?.enabled) ? [port(ro.metrics.bindAddress, "metrics")] : []),
                ...(truthy(ro.pprof?.enabled) ? [port(ro.pprof.bindAddress, "pprof")] : []),
                ...(truthy(ro.webhook) ? [{ containerPort: 9443, name: "webhook-server", protocol: "TCP" }] : []),
            ], // :74-91
            ...(truthy(ro.webhook)
                ? { volumeMounts: [{ mountPath: "/tmp/k8s-webhook-server/serving-certs", name: "cert", readOnly: true }] }
                : {}), // :92-95
            ...withKey("resources", v.resources), // :127-129
        };
        const spec = {
            automountServiceAccountToken: ro.automountServiceAccountToken, // :30, always rendered
            ...withKey("imagePullSecrets", ro.imagePullSecrets), // :31-34
            securityContext: v.podSecurityContext, // :35-36
            containers: [container],
            ...withKey("nodeSelector", v.nodeSelector), // :130-132
            ...withKey("priorityClassName", v.priorityClassName), // :133-135
            ...withKey("affinity", v.affinity), // :136-138
            ...withKey("tolerations", v.tolerations), // :139-141
            serviceAccountName: v.serviceAccountName, // :142-143
            serviceAccount: v.serviceAccountName,
            ...(truthy(ro.webhook)
                ? { volumes: [{ name: "cert", secret: { defaultMode: 420, secretName: v.certificate?.secretName } }] }
                : {}), // :144-150
        };
        const annotations = {
            ...(truthy(v.certmanager?.enabled) ? { "cert-manager.io/inject-ca-from": `${r.namespace}/${v.certificate?.name}` } : {}),
            ...ro.podAnnotations,
        }; // :16-24
        const labels = { name: ro.name, ...ro.podLabels }; // :25-28, _helpers.tpl:32-34
        return [
            pod(m, {
                kind: "Deployment",
                name: ro.name,
                namespace: r.namespace,
                replicas: v.replicas,
                labels,
                annotations,
                spec,
                template: "operator-deployment.yaml",
            }),
        ];
    },
    pdbs: () => [], // the chart has no PodDisruptionBudget template
};

/** prometheus-adapter 5.3.0 (prometheus-community/helm-charts prometheus-adapter-5.3.0 charts/prometheus-adapter/values.yaml). */
const ADAPTER: ChartModel = {
    chart: "prometheus-adapter",
    version: "5.3.0",
    appVersion: "v0.12.0",
    at: "prometheus-community/helm-charts prometheus-adapter-5.3.0 charts/prometheus-adapter",
    defaults: {
        affinity: {}, // values.yaml:1
        topologySpreadConstraints: [], // :3
        image: {
            repository: "registry.k8s.io/prometheus-adapter/prometheus-adapter",
            tag: "",
            pullPolicy: "IfNotPresent",
            pullSecrets: [],
        }, // :11-16
        listenPort: 6443, // :23
        nodeSelector: {}, // :25
        priorityClassName: "", // :27
        customAnnotations: {}, // :33
        customLabels: {}, // :37
        replicas: 1, // :47
        podSecurityContext: { fsGroup: 10001 }, // :51-52
        securityContext: { ...RESTRICTED_CONTAINER, runAsNonRoot: true, runAsUser: 10001 }, // :56-64
        automountServiceAccountToken: true, // :77
        serviceAccount: { create: true, name: null }, // :79-90
        resources: {}, // :104
        livenessProbe: httpProbe("/healthz", "https", "HTTPS", { initialDelaySeconds: 30, timeoutSeconds: 5 }), // :114-120
        readinessProbe: httpProbe("/healthz", "https", "HTTPS", { initialDelaySeconds: 30, timeoutSeconds: 5 }), // :123-129
        startupProbe: {}, // :133
        tls: { enable: false }, // :210-211
        extraContainers: [], // :236
        extraVolumes: [], // :239
        extraVolumeMounts: [], // :250
        tolerations: [], // :257
        podLabels: {}, // :260
        podAnnotations: {}, // :263
        hostNetwork: { enabled: false }, // :268-274
        podDisruptionBudget: { enabled: false, minAvailable: null, maxUnavailable: 1 }, // :286-293
        certManager: { enabled: false }, // :295-296
    },
    pods(r, v, m) {
        const name = fullname(r, m.chart, v); // _helpers.tpl:14-25
        const servingCert = truthy(v.tls?.enable) || truthy(v.certManager?.enabled);
        const container = {
            name: m.chart, // deployment.yaml:54
            image: `${v.image.repository}:${or(v.image.tag, m.appVersion)}`, // :55
            imagePullPolicy: v.image.pullPolicy, // :56
            ports: [{ containerPort: v.listenPort, name: "https" }], // :76-78
            ...withKey("livenessProbe", v.livenessProbe), // :79-82
            ...withKey("readinessProbe", v.readinessProbe), // :83-86
            ...withKey("startupProbe", v.startupProbe), // :87-90
            ...withKey("resources", v.resources), // :91-94
            ...withKey("securityContext", v.securityContext), // :95-98
            volumeMounts: [
                ...(v.extraVolumeMounts ?? []),
                { mountPath: "/etc/adapter/", name: "config", readOnly: true },
                { mountPath: "/tmp", name: "tmp" },
                ...(servingCert ? [{ mountPath: "/var/run/serving-cert", name: "volume-serving-cert", readOnly: true }] : []),
            ], // :99-112
        };
        const sa = v.serviceAccount?.create ? or(v.serviceAccount?.name, name) : or(v.serviceAccount?.name, "default"); // _helpers.tpl:69-75
        const spec = {
            automountServiceAccountToken: v.automountServiceAccountToken, // :41
            serviceAccountName: sa, // :42
            ...(truthy(v.hostNetwork?.enabled) ? { hostNetwork: true } : {}), // :43-45
            ...withKey("dnsPolicy", v.dnsPolicy), // :46-48
            ...withKey("dnsConfig", v.dnsConfig), // :49-52
            containers: [container, ...(v.extraContainers ?? [])], // :53-115
            nodeSelector: v.nodeSelector, // :116-117
            affinity: v.affinity, // :118-119
            topologySpreadConstraints: v.topologySpreadConstraints, // :120-121
            ...withKey("priorityClassName", v.priorityClassName), // :122-124
            ...withKey("securityContext", v.podSecurityContext), // :125-128
            tolerations: v.tolerations, // :129-130
            ...(truthy(v.image.pullSecrets) ? { imagePullSecrets: (v.image.pullSecrets as Json[]).map((n) => ({ name: n })) } : {}), // :131-136
            volumes: [
                ...(v.extraVolumes ?? []),
                { name: "config", configMap: { name: or(v.rules?.existing, name) } },
                { name: "tmp", emptyDir: {} },
                ...(servingCert ? [{ name: "volume-serving-cert", secret: { secretName: name } }] : []),
            ], // :137-150
        };
        const selector = adapterSelector(r, v, m);
        const labels = {
            "helm.sh/chart": `${m.chart}-${m.version}`,
            "app.kubernetes.io/managed-by": "Helm",
            "app.kubernetes.io/component": "metrics",
            "app.kubernetes.io/part-of": chartName(m.chart, v),
            ...selector,
            "app.kubernetes.io/version": m.appVersion,
            ...v.customLabels,
            ...v.podLabels,
        }; // deployment.yaml:26-30, _helpers.tpl:44-56
        const annotations = { ...v.podAnnotations, ...v.customAnnotations }; // :32-39
        const namespace = String(or(v.namespaceOverride, r.namespace)); // _helpers.tpl:30-32
        return [
            pod(m, { kind: "Deployment", name, namespace, replicas: v.replicas, labels, annotations, spec, template: "deployment.yaml" }),
        ];
    },
    pdbs(r, v, m) {
        const b = v.podDisruptionBudget;
        if (!truthy(b?.enabled)) return []; // pdb.yaml:1
        return [
            {
                namespace: String(or(v.namespaceOverride, r.namespace)),
                name: fullname(r, m.chart, v),
                selector: { matchLabels: adapterSelector(r, v, m) }, // pdb.yaml:25-27
                ...withKey("minAvailable", b.minAvailable), // :15-17
                ...withKey("maxUnavailable", b.maxUnavailable), // :18-20
                ...withKey("unhealthyPodEvictionPolicy", b.unhealthyPodEvictionPolicy), // :21-23
            },
        ];
    },
};
/** prometheus-adapter _helpers.tpl:61-64. */
const adapterSelector = (r: ChartRelease, v: Values, m: ChartModel): Labels => ({
    "app.kubernetes.io/name": chartName(m.chart, v),
    "app.kubernetes.io/instance": r.name,
});

/** VPA chart 0.11.0 (kubernetes/autoscaler vertical-pod-autoscaler-chart-0.11.0 vertical-pod-autoscaler/charts/vertical-pod-autoscaler). */
const VPA_AT = "kubernetes/autoscaler vertical-pod-autoscaler-chart-0.11.0 vertical-pod-autoscaler/charts/vertical-pod-autoscaler";
type VpaComponent = "admissionController" | "recommender" | "updater";
const VPA_COMPONENT: Record<VpaComponent, { label: string; port: Values[] }> = {
    admissionController: {
        label: "admission-controller",
        port: [
            { containerPort: 8000, protocol: "TCP" },
            { containerPort: 8944, name: "prometheus", protocol: "TCP" },
        ], // admission-controller-deployment.yaml:89-94
    },
    recommender: { label: "recommender", port: [{ name: "prometheus", containerPort: 8942, protocol: "TCP" }] }, // recommender-deployment.yaml:80-83
    updater: { label: "updater", port: [{ name: "prometheus", containerPort: 8943 }] }, // updater-deployment.yaml:80-82
};
/** The keys values.yaml gives each of the three components (admissionController :25-228, recommender :230-328, updater :330-424). */
const vpaComponentDefaults = (c: VpaComponent, image: string): Values => ({
    enabled: true,
    image: { repository: `registry.k8s.io/autoscaling/${image}`, tag: null, pullPolicy: "IfNotPresent" },
    replicas: 2,
    podLabels: {},
    podAnnotations: {},
    resources: {},
    nodeSelector: {},
    affinity: {
        podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
                {
                    weight: 100,
                    podAffinityTerm: {
                        labelSelector: {
                            matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: [VPA_COMPONENT[c].label] }],
                        },
                        topologyKey: "kubernetes.io/hostname",
                    },
                },
            ],
        },
    },
    tolerations: [],
    podDisruptionBudget: { enabled: true, minAvailable: 1, maxUnavailable: null },
    priorityClassName: null,
});
const VPA: ChartModel = {
    chart: "vertical-pod-autoscaler",
    version: "0.11.0",
    appVersion: "1.7.1",
    at: VPA_AT,
    defaults: {
        imagePullSecrets: [], // values.yaml:2
        commonLabels: {}, // :11
        podSecurityContext: { runAsNonRoot: true, runAsUser: 65534 }, // :19-21
        containerSecurityContext: {}, // :23
        admissionController: {
            ...vpaComponentDefaults("admissionController", "vpa-admission-controller"),
            hostNetwork: false, // :107
            certGen: {
                enabled: true,
                image: {
                    repository: "registry.k8s.io/ingress-nginx/kube-webhook-certgen",
                    tag: "v20231011-8b53cabe0",
                    pullPolicy: "IfNotPresent",
                },
                resources: {},
                podSecurityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                nodeSelector: {},
                tolerations: [],
                affinity: {},
            }, // :109-137
            certManager: { enabled: false }, // :143
            tls: { secretName: "vpa-tls-certs" }, // :193
            volumes: [
                {
                    name: "tls-certs",
                    secret: {
                        defaultMode: 420,
                        secretName: "vpa-tls-certs",
                        items: [
                            { key: "ca", path: "caCert.pem" },
                            { key: "cert", path: "serverCert.pem" },
                            { key: "key", path: "serverKey.pem" },
                        ],
                    },
                },
            ], // :198-209
            volumeMounts: [{ name: "tls-certs", mountPath: "/etc/tls-certs", readOnly: true }], // :211-214
        },
        recommender: vpaComponentDefaults("recommender", "vpa-recommender"),
        updater: vpaComponentDefaults("updater", "vpa-updater"),
    },
    pods(r, v, m) {
        const base = fullname(r, m.chart, v); // _helpers.tpl:8-19
        const out: ChartPod[] = [];
        for (const c of Object.keys(VPA_COMPONENT) as VpaComponent[]) if (truthy(v[c]?.enabled)) out.push(vpaDeployment(r, v, m, base, c));
        const ac = v.admissionController;
        if (truthy(ac?.enabled) && truthy(ac.certGen?.enabled))
            for (const job of ["create", "patch"]) out.push(vpaCertGen(r, v, m, base, job));
        return out;
    },
    pdbs(r, v, m) {
        const base = fullname(r, m.chart, v);
        return (Object.keys(VPA_COMPONENT) as VpaComponent[])
            .filter((c) => truthy(v[c]?.enabled) && truthy(v[c].podDisruptionBudget?.enabled))
            .map((c) => {
                const { minAvailable: min, maxUnavailable: max } = v[c].podDisruptionBudget;
                // admission-controller-pdb.yaml:16-21 renders each only without the other; recommender-pdb.yaml:13-18 and updater-pdb.yaml:16-21 render both.
                const one = c === "admissionController";
                return {
                    namespace: r.namespace,
                    name: `${base}-${VPA_COMPONENT[c].label}`,
                    selector: { matchLabels: vpaSelector(r, v, m, VPA_COMPONENT[c].label) },
                    ...(one && truthy(max) ? {} : withKey("minAvailable", min)),
                    ...(one && truthy(min) ? {} : withKey("maxUnavailable", max)),
                };
            });
    },
};
/** _helpers.tpl:37-40 plus the component (:56-59, :129-132, :170-173). */
const vpaSelector = (r: ChartRelease, v: Values, m: ChartModel, component: string): Labels => ({
    "app.kubernetes.io/name": chartName(m.chart, v),
    "app.kubernetes.io/instance": r.name,
    "app.kubernetes.io/component": component,
});
const vpaProbe = (initial: boolean): Values =>
    httpProbe("/health-check", "prometheus", "HTTP", {
        ...(initial ? { initialDelaySeconds: 5 } : {}),
        periodSeconds: 10,
        failureThreshold: 3,
    });

/** `<component>-deployment.yaml`: the three deployments share a shape (line numbers of the admission controller). */
function vpaDeployment(r: ChartRelease, v: Values, m: ChartModel, base: string, c: VpaComponent): ChartPod {
    const cv = v[c];
    const { label, port } = VPA_COMPONENT[c];
    const name = `${base}-${label}`;
    const ac = c === "admissionController";
    const certManager = ac && truthy(cv.certManager?.enabled);
    const tlsSecret = or(cv.tls?.secretName, `${name}-tls`); // _helpers.tpl:68-74
    const certItems = [
        { key: "ca.crt", path: "caCert.pem" },
        { key: "tls.crt", path: "serverCert.pem" },
        { key: "tls.key", path: "serverKey.pem" },
    ];
    const container = {
        name: label,
        image: `${cv.image.repository}:${or(cv.image.tag, m.appVersion)}`, // :66, _helpers.tpl:61-63
        imagePullPolicy: cv.image.pullPolicy, // :67
        ports: port, // :89-94
        livenessProbe: vpaProbe(true), // :95-102
        readinessProbe: vpaProbe(false), // :103-109
        ...(ac
            ? { volumeMounts: certManager ? [{ name: "tls-certs", mountPath: "/etc/tls-certs", readOnly: true }] : cv.volumeMounts }
            : {}), // :110-117
        ...withKey("resources", cv.resources), // :118-121
        ...withKey("securityContext", v.containerSecurityContext), // :122-125
    };
    const spec = {
        ...withKey("imagePullSecrets", v.imagePullSecrets), // :37-40
        serviceAccountName: name, // :41
        ...withKey("securityContext", v.podSecurityContext), // :42-45
        ...withKey("nodeSelector", cv.nodeSelector), // :46-49
        ...withKey("affinity", cv.affinity), // :50-53
        ...withKey("tolerations", cv.tolerations), // :54-57
        ...withKey("priorityClassName", cv.priorityClassName), // :58-60
        ...(ac && truthy(cv.hostNetwork) ? { hostNetwork: true } : {}), // :61-63
        containers: [container],
        ...(ac
            ? {
                  volumes: certManager
                      ? [{ name: "tls-certs", secret: { defaultMode: 420, secretName: tlsSecret, items: certItems } }]
                      : cv.volumes,
              }
            : {}), // :126-141
    };
    const labels = { ...vpaSelector(r, v, m, label), ...cv.podLabels }; // :27-31
    const template = `${ac ? "admission-controller" : label}-deployment.yaml`;
    return pod(m, {
        kind: "Deployment",
        name,
        namespace: r.namespace,
        replicas: cv.replicas,
        labels,
        annotations: cv.podAnnotations,
        spec,
        template,
    });
}

/** admission-controller-certgen.yaml (`create`, pre-install hook) and -certgen-patch.yaml (`patch`, post-install hook). */
function vpaCertGen(r: ChartRelease, v: Values, m: ChartModel, base: string, job: string): ChartPod {
    const g = v.admissionController.certGen;
    const sa = `${base}-admission-certgen`; // _helpers.tpl:106-108
    const container = {
        name: job,
        image: `${g.image.repository}:${g.image.tag}`, // certgen.yaml:32 (no default tag)
        imagePullPolicy: g.image.pullPolicy,
        ...withKey("resources", g.resources), // :46-49
        ...withKey("securityContext", g.securityContext), // :50-53
    };
    const spec = {
        restartPolicy: "OnFailure", // :21
        serviceAccountName: sa, // :22
        ...withKey("imagePullSecrets", v.imagePullSecrets), // :23-26
        ...withKey("priorityClassName", v.priorityClassName), // :27-29, a top-level key values.yaml does not define
        containers: [container],
        ...withKey("securityContext", g.podSecurityContext), // :54-57
        ...withKey("nodeSelector", g.nodeSelector), // :58-61
        ...withKey("affinity", g.affinity), // :62-65
        ...withKey("tolerations", g.tolerations), // :66-69
    };
    const labels = {
        "helm.sh/chart": `${m.chart}-${m.version}`,
        "app.kubernetes.io/name": chartName(m.chart, v),
        "app.kubernetes.io/instance": r.name,
        "app.kubernetes.io/version": m.appVersion,
        "app.kubernetes.io/managed-by": "Helm",
        ...v.commonLabels,
        "app.kubernetes.io/component": "admission-certgen",
    }; // :18-19, _helpers.tpl:25-35, :110-113
    const name = job === "create" ? sa : `${sa}-patch`;
    const template = job === "create" ? "admission-controller-certgen.yaml" : "admission-controller-certgen-patch.yaml";
    return pod(m, { kind: "Job", name, namespace: r.namespace, replicas: 1, labels, annotations: {}, spec, template });
}

const MODELS: readonly ChartModel[] = [CNPG, REDIS, ADAPTER, VPA, KEDA];
const modelOf = (chart: string, version: string): ChartModel | undefined => MODELS.find((m) => m.chart === chart && m.version === version);

/** True when `chart` at `version` is one this file models (chartPods returns [] for any other). */
export function isModelledChart(chart: string, version: string): boolean {
    return modelOf(chart, version) !== undefined;
}

/** The values the chart renders with: its pod-shaping defaults coalesced with the release's values; undefined for an unmodelled chart. */
export function chartValues(release: ChartRelease): Values | undefined {
    const m = modelOf(release.chart, release.version);
    return m && helmMerge(structuredClone(m.defaults), release.values ?? {});
}

/** The pod templates of the Deployments and Jobs a pinned chart renders for this release ([] for an unmodelled chart). */
export function chartPods(release: ChartRelease): ChartPod[] {
    const m = modelOf(release.chart, release.version);
    const v = chartValues(release);
    return m && v ? m.pods(release, v, m) : [];
}

/** The PodDisruptionBudgets a pinned chart creates for this release ([] for an unmodelled chart). */
export function chartPodDisruptionBudgets(release: ChartRelease): ChartPdb[] {
    const m = modelOf(release.chart, release.version);
    const v = chartValues(release);
    return m && v ? m.pdbs(release, v, m) : [];
}
