/** API-server validation port (kubernetes v1.34.0): each rule refuses a breaking object and admits a passing one. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kubeApi } from "../../../admission/kubeApi";
import type { AdmissionContext, Manifest } from "../../../admission/types";
import { compare, quantity } from "../../../admission/kubeApi/strings";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are mutated freely, field by field
type Json = Record<string, any>;
const ctx: AdmissionContext = { objects: [], namespaceLabels: () => undefined };
const REFUSED = "the API server refuses it: ";

const labels = { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "prod" };
const meta = (name: string, more: Json = {}) => ({ name, namespace: "app", labels: { ...labels }, ...more });

function deployment(): Json {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta("api"),
        spec: {
            replicas: 3,
            revisionHistoryLimit: 5,
            selector: { matchLabels: { ...labels } },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
            template: {
                metadata: { labels: { ...labels, "app.kubernetes.io/version": "2.4.1" } },
                spec: {
                    terminationGracePeriodSeconds: 45,
                    serviceAccountName: "api",
                    containers: [
                        {
                            name: "app",
                            image: "ghcr.io/sysmanage/api:2.4.1",
                            env: [{ name: "SYSMANAGE_MODE", value: "api" }],
                            ports: [{ name: "http", containerPort: 8000, protocol: "TCP" }],
                            resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
                            livenessProbe: { httpGet: { path: "/health/live", port: "http" }, periodSeconds: 10 },
                            readinessProbe: { httpGet: { path: "/health/ready", port: "http" }, periodSeconds: 5 },
                            startupProbe: { httpGet: { path: "/health/live", port: 8000 }, failureThreshold: 30 },
                            lifecycle: { preStop: { sleep: { seconds: 10 } } },
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                        },
                    ],
                    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
                    topologySpreadConstraints: [
                        {
                            maxSkew: 1,
                            topologyKey: "topology.kubernetes.io/zone",
                            whenUnsatisfiable: "DoNotSchedule",
                            labelSelector: { matchLabels: { ...labels } },
                            matchLabelKeys: ["pod-template-hash"],
                        },
                    ],
                },
            },
        },
    };
}
const statefulSet = (): Json => {
    const d = deployment();
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: meta("cache"),
        spec: { ...d.spec, strategy: undefined, serviceName: "cache" },
    };
};
const service = (): Json => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: meta("api"),
    spec: { type: "ClusterIP", selector: { ...labels }, ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }] },
});
const hpa = (): Json => ({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta("api"),
    spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
        minReplicas: 3,
        maxReplicas: 50,
        metrics: [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
            { type: "Pods", pods: { metric: { name: "http_requests_per_second" }, target: { type: "AverageValue", averageValue: "100" } } },
        ],
        behavior: {
            scaleUp: {
                stabilizationWindowSeconds: 60,
                selectPolicy: "Max",
                policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
            },
            scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] },
        },
    },
});
const pdb = (): Json => ({
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta("api"),
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...labels } }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
});
const netpol = (): Json => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta("allow-api"),
    spec: {
        podSelector: { matchLabels: { ...labels } },
        ingress: [
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } } }],
                ports: [{ port: 8000, protocol: "TCP" }],
            },
        ],
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 5432, endPort: 5440 }] }],
        policyTypes: ["Ingress", "Egress"],
    },
});
const secret = (): Json => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta("db"),
    type: "Opaque",
    stringData: { username: "app", password: "x" },
});
const configMap = (): Json => ({ apiVersion: "v1", kind: "ConfigMap", metadata: meta("conf"), data: { "redis.conf": "maxmemory 1mb" } });
const priorityClass = (): Json => ({
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name: "sysmanage-data" },
    value: 1000000,
    globalDefault: false,
    preemptionPolicy: "PreemptLowerPriority",
});
const namespace = (): Json => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "app", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
});

/** A fixture changed by `patch`. */
function edit(make: () => Json, patch: (o: Json) => void): Json {
    const o = make();
    patch(o);
    return o;
}
const app = (patch: (c: Json, spec: Json) => void) =>
    edit(deployment, (d) => patch(d.spec.template.spec.containers[0], d.spec.template.spec));

/** [rule, path, message] of every violation. */
const found = (o: Json): [string, string, string][] =>
    kubeApi.check(o as Manifest, ctx).map((v) => [v.rule, v.path, v.message.replace(REFUSED, "")]);

interface Case {
    readonly name: string;
    readonly bad: Json;
    readonly expect: [string, string, string][];
    readonly good: Json;
}

const C = "spec.template.spec.containers[0]";
const DNS_LABEL =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name' or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QNAME =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName' or 'my.name' or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const DNS1035 =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name' or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue' or 'my_value' or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name' or 'KEY_NAME' or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const PORT_RANGE = "must be between 1 and 65535, inclusive";

const CASES: Case[] = [
    // ---- metadata and selectors ----
    {
        name: "kube/object-name: Service names are DNS-1035 labels",
        bad: edit(service, (o) => (o.metadata.name = "9api")),
        expect: [["kube/object-name", "metadata.name", `metadata.name: Invalid value: "9api": ${DNS1035}`]],
        good: service(),
    },
    {
        name: "kube/object-name: Namespace names are DNS-1123 labels",
        bad: edit(namespace, (o) => (o.metadata.name = "my.app")),
        expect: [["kube/object-name", "metadata.name", 'metadata.name: Invalid value: "my.app": must not contain dots']],
        good: edit(namespace, (o) => (o.metadata.name = "my-app")),
    },
    {
        name: "kube/object-namespace: namespaced kinds need one, Namespaces have none",
        bad: edit(secret, (o) => delete o.metadata.namespace),
        expect: [["kube/object-namespace", "metadata.namespace", "metadata.namespace: Required value"]],
        good: secret(),
    },
    {
        name: "kube/object-namespace: a Namespace may not have a namespace",
        bad: edit(namespace, (o) => (o.metadata.namespace = "default")),
        expect: [["kube/object-namespace", "metadata.namespace", "metadata.namespace: Forbidden: not allowed on this type"]],
        good: namespace(),
    },
    {
        name: "kube/labels: qualified-name keys and label values",
        bad: edit(configMap, (o) => (o.metadata.labels = { "-bad": "ok", tier: "bad value!" })),
        expect: [
            ["kube/labels", "metadata.labels", `metadata.labels: Invalid value: "-bad": ${QNAME}`],
            ["kube/labels", "metadata.labels", `metadata.labels: Invalid value: "bad value!": ${LABEL_VALUE}`],
        ],
        good: edit(configMap, (o) => (o.metadata.labels = { "example.com/Tier": "my_value.1" })),
    },
    {
        name: "kube/annotations: keys are qualified names, whatever their case",
        bad: edit(configMap, (o) => (o.metadata.annotations = { "Bad Key": "x" })),
        expect: [["kube/annotations", "metadata.annotations", `metadata.annotations: Invalid value: "Bad Key": ${QNAME}`]],
        good: edit(configMap, (o) => (o.metadata.annotations = { "Example.com/Note": "x" })),
    },
    {
        name: "kube/annotations: 256 KiB in all",
        bad: edit(configMap, (o) => (o.metadata.annotations = { note: "x".repeat(262141) })),
        expect: [["kube/annotations", "metadata.annotations", "metadata.annotations: Too long: may not be more than 262144 bytes"]],
        good: edit(configMap, (o) => (o.metadata.annotations = { note: "x".repeat(262140) })),
    },
    {
        name: "kube/label-selector: operators and their values",
        bad: edit(pdb, (o) => {
            o.spec.selector.matchExpressions = [
                { key: "tier", operator: "In", values: [] },
                { key: "x", operator: "Exists", values: ["a"] },
                { key: "y", operator: "Has" },
            ];
        }),
        expect: [
            [
                "kube/label-selector",
                "spec.selector.matchExpressions[0].values",
                "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            ],
            [
                "kube/label-selector",
                "spec.selector.matchExpressions[1].values",
                "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ],
            [
                "kube/label-selector",
                "spec.selector.matchExpressions[2].operator",
                'spec.selector.matchExpressions[2].operator: Invalid value: "Has": not a valid selector operator',
            ],
        ],
        good: edit(pdb, (o) => (o.spec.selector.matchExpressions = [{ key: "tier", operator: "NotIn", values: ["cache"] }])),
    },
    // ---- Deployment / StatefulSet ----
    {
        name: "kube/workload-selector: the selector matches the template labels",
        bad: edit(deployment, (o) => (o.spec.selector.matchLabels["app.kubernetes.io/name"] = "worker")),
        expect: [
            [
                "kube/workload-selector",
                "spec.template.metadata.labels",
                'spec.template.metadata.labels: Invalid value: {"app.kubernetes.io/instance":"prod","app.kubernetes.io/name":"api","app.kubernetes.io/version":"2.4.1"}: `selector` does not match template `labels`',
            ],
        ],
        good: edit(
            deployment,
            (o) => (o.spec.selector = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["api", "web"] }] }),
        ),
    },
    {
        name: "kube/workload-selector: an empty selector is refused",
        bad: edit(deployment, (o) => (o.spec.selector = {})),
        expect: [["kube/workload-selector", "spec.selector", "spec.selector: Invalid value: {}: empty selector is invalid for deployment"]],
        good: deployment(),
    },
    {
        name: "kube/workload-restart-policy: Always only, no activeDeadlineSeconds",
        bad: edit(deployment, (o) => Object.assign(o.spec.template.spec, { restartPolicy: "OnFailure", activeDeadlineSeconds: 60 })),
        expect: [
            [
                "kube/workload-restart-policy",
                "spec.template.spec.restartPolicy",
                'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
            ],
            [
                "kube/workload-restart-policy",
                "spec.template.spec.activeDeadlineSeconds",
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
            ],
        ],
        good: edit(deployment, (o) => (o.spec.template.spec.restartPolicy = "Always")),
    },
    {
        name: "kube/workload-counts: non-negative counts, progress deadline after minReadySeconds",
        bad: edit(deployment, (o) => Object.assign(o.spec, { revisionHistoryLimit: -1, minReadySeconds: 10, progressDeadlineSeconds: 5 })),
        expect: [
            [
                "kube/workload-counts",
                "spec.revisionHistoryLimit",
                "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
            ],
            [
                "kube/workload-counts",
                "spec.progressDeadlineSeconds",
                "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds",
            ],
        ],
        good: edit(deployment, (o) => Object.assign(o.spec, { revisionHistoryLimit: 0, minReadySeconds: 10, progressDeadlineSeconds: 11 })),
    },
    {
        name: "kube/deployment-strategy: maxSurge and maxUnavailable not both 0",
        bad: edit(deployment, (o) => (o.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: "0%" })),
        expect: [
            [
                "kube/deployment-strategy",
                "spec.strategy.rollingUpdate.maxUnavailable",
                'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
            ],
        ],
        good: edit(deployment, (o) => (o.spec.strategy.rollingUpdate = { maxSurge: 1, maxUnavailable: "0%" })),
    },
    {
        name: "kube/deployment-strategy: int or percent, maxUnavailable at most 100%",
        bad: edit(deployment, (o) => (o.spec.strategy.rollingUpdate = { maxSurge: "x", maxUnavailable: "150%" })),
        expect: [
            [
                "kube/deployment-strategy",
                "spec.strategy.rollingUpdate.maxUnavailable",
                'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
            ],
            [
                "kube/deployment-strategy",
                "spec.strategy.rollingUpdate.maxSurge",
                "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"x\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%' or '93%', regex used for validation is '[0-9]+%')",
            ],
        ],
        good: edit(deployment, (o) => (o.spec.strategy.rollingUpdate = { maxSurge: "200%", maxUnavailable: "100%" })),
    },
    {
        name: "kube/deployment-strategy: Recreate takes no rollingUpdate",
        bad: edit(deployment, (o) => (o.spec.strategy.type = "Recreate")),
        expect: [
            [
                "kube/deployment-strategy",
                "spec.strategy.rollingUpdate",
                "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
            ],
        ],
        good: edit(deployment, (o) => (o.spec.strategy = { type: "Recreate" })),
    },
    {
        name: "kube/statefulset-policies: podManagementPolicy and updateStrategy",
        bad: edit(statefulSet, (o) =>
            Object.assign(o.spec, { podManagementPolicy: "Random", updateStrategy: { type: "OnDelete", rollingUpdate: { partition: 1 } } }),
        ),
        expect: [
            [
                "kube/statefulset-policies",
                "spec.podManagementPolicy",
                "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
            ],
            [
                "kube/statefulset-policies",
                "spec.updateStrategy.rollingUpdate",
                "spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'",
            ],
        ],
        good: edit(statefulSet, (o) =>
            Object.assign(o.spec, {
                podManagementPolicy: "Parallel",
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } },
            }),
        ),
    },
    // ---- pod template ----
    {
        name: "kube/pod-containers: at least one container, no ephemeral containers",
        bad: edit(deployment, (o) =>
            Object.assign(o.spec.template.spec, { containers: [], ephemeralContainers: [{ name: "debug", image: "busybox" }] }),
        ),
        expect: [
            ["kube/pod-containers", "spec.template.spec.containers", "spec.template.spec.containers: Required value"],
            [
                "kube/pod-containers",
                "spec.template.spec.ephemeralContainers",
                "spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template",
            ],
        ],
        good: deployment(),
    },
    {
        name: "kube/container-name: DNS labels, unique across containers and init containers",
        bad: app((c, spec) => {
            spec.containers.push({ ...c, name: "App_1", ports: [] });
            spec.initContainers = [{ name: "app", image: "init:1" }];
        }),
        expect: [
            [
                "kube/container-name",
                `spec.template.spec.containers[1].name`,
                `spec.template.spec.containers[1].name: Invalid value: "App_1": ${DNS_LABEL}`,
            ],
            [
                "kube/container-name",
                "spec.template.spec.initContainers[0].name",
                'spec.template.spec.initContainers[0].name: Duplicate value: "app"',
            ],
        ],
        good: app((c, spec) => {
            spec.containers.push({ ...c, name: "sidecar", ports: [] });
            spec.initContainers = [{ name: "migrate", image: "init:1" }];
        }),
    },
    {
        name: "kube/container-name: no two containers share a name",
        bad: app((c, spec) => spec.containers.push({ ...c, ports: [] })),
        expect: [
            [
                "kube/container-name",
                "spec.template.spec.containers[1].name",
                'spec.template.spec.containers[1].name: Duplicate value: "app"',
            ],
        ],
        good: deployment(),
    },
    {
        name: "kube/container-image: required",
        bad: app((c) => (c.image = "")),
        expect: [["kube/container-image", `${C}.image`, `${C}.image: Required value`]],
        good: deployment(),
    },
    {
        name: "kube/container-ports: numbers, unique names, protocols",
        bad: app(
            (c) =>
                (c.ports = [
                    { name: "http", containerPort: 70000, protocol: "HTTP" },
                    { name: "http" },
                    { containerPort: 9090, hostPort: -1 },
                ]),
        ),
        expect: [
            ["kube/container-ports", `${C}.ports[0].containerPort`, `${C}.ports[0].containerPort: Invalid value: 70000: ${PORT_RANGE}`],
            [
                "kube/container-ports",
                `${C}.ports[0].protocol`,
                `${C}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`,
            ],
            ["kube/container-ports", `${C}.ports[1].name`, `${C}.ports[1].name: Duplicate value: "http"`],
            ["kube/container-ports", `${C}.ports[1].containerPort`, `${C}.ports[1].containerPort: Required value`],
            ["kube/container-ports", `${C}.ports[2].hostPort`, `${C}.ports[2].hostPort: Invalid value: -1: ${PORT_RANGE}`],
        ],
        good: app(
            (c) =>
                (c.ports = [
                    { name: "http", containerPort: 8000 },
                    { name: "metrics", containerPort: 9090, protocol: "UDP" },
                ]),
        ),
    },
    {
        name: "kube/container-ports: port names are IANA service names",
        bad: app((c) => (c.ports = [{ name: "-http--1234567890-", containerPort: 8000 }])),
        expect: [
            [
                "kube/container-ports",
                `${C}.ports[0].name`,
                `${C}.ports[0].name: Invalid value: "-http--1234567890-": must be no more than 15 characters`,
            ],
            [
                "kube/container-ports",
                `${C}.ports[0].name`,
                `${C}.ports[0].name: Invalid value: "-http--1234567890-": must not contain consecutive hyphens`,
            ],
            [
                "kube/container-ports",
                `${C}.ports[0].name`,
                `${C}.ports[0].name: Invalid value: "-http--1234567890-": must not begin or end with a hyphen`,
            ],
        ],
        good: app((c) => (c.ports = [{ name: "http-2", containerPort: 8000 }])),
    },
    {
        name: "kube/env-var-name: non-empty printable ASCII without '='",
        bad: app((c) => (c.env = [{ name: "" }, { name: "A=B" }])),
        expect: [
            ["kube/env-var-name", `${C}.env[0].name`, `${C}.env[0].name: Required value`],
            [
                "kube/env-var-name",
                `${C}.env[1].name`,
                `${C}.env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
            ],
        ],
        good: app((c) => (c.env = [{ name: "1st.var-name!" }])),
    },
    {
        name: "kube/volumes: unique DNS-label names, exactly one source",
        bad: edit(deployment, (o) =>
            o.spec.template.spec.volumes.push({ name: "tmp", emptyDir: {}, configMap: { name: "c" } }, { name: "data" }),
        ),
        expect: [
            [
                "kube/volumes",
                "spec.template.spec.volumes[1].configMap",
                "spec.template.spec.volumes[1].configMap: Forbidden: may not specify more than 1 volume type",
            ],
            ["kube/volumes", "spec.template.spec.volumes[1].name", 'spec.template.spec.volumes[1].name: Duplicate value: "tmp"'],
            ["kube/volumes", "spec.template.spec.volumes[2]", "spec.template.spec.volumes[2]: Required value: must specify a volume type"],
        ],
        good: edit(deployment, (o) => o.spec.template.spec.volumes.push({ name: "config", configMap: { name: "c" } })),
    },
    {
        name: "kube/volume-mounts: declared volumes, unique paths, subPath xor subPathExpr",
        bad: app(
            (c) =>
                (c.volumeMounts = [
                    { name: "cache", mountPath: "/tmp" },
                    { name: "tmp", mountPath: "/tmp", subPath: "a", subPathExpr: "$(X)" },
                ]),
        ),
        expect: [
            ["kube/volume-mounts", `${C}.volumeMounts[0].name`, `${C}.volumeMounts[0].name: Not found: "cache"`],
            [
                "kube/volume-mounts",
                `${C}.volumeMounts[1].mountPath`,
                `${C}.volumeMounts[1].mountPath: Invalid value: "/tmp": must be unique`,
            ],
            [
                "kube/volume-mounts",
                `${C}.volumeMounts[1].subPathExpr`,
                `${C}.volumeMounts[1].subPathExpr: Invalid value: "$(X)": subPathExpr and subPath are mutually exclusive`,
            ],
        ],
        good: app(
            (c) =>
                (c.volumeMounts = [
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "tmp", mountPath: "/var/cache", subPath: "cache" },
                ]),
        ),
    },
    {
        name: "kube/resources: requests <= limits, quantities >= 0",
        bad: app(
            (c) => (c.resources = { requests: { cpu: "2", memory: "-1Gi", "hugepages-2Mi": "2Mi" }, limits: { cpu: "1", memory: "lots" } }),
        ),
        expect: [
            [
                "kube/resources",
                `${C}.resources.limits.memory`,
                `${C}.resources.limits[memory]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
            ],
            [
                "kube/resources",
                `${C}.resources.requests`,
                `${C}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`,
            ],
            [
                "kube/resources",
                `${C}.resources.requests.memory`,
                `${C}.resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0`,
            ],
            [
                "kube/resources",
                `${C}.resources.limits`,
                `${C}.resources.limits: Required value: Limit must be set for non overcommitable resources`,
            ],
        ],
        good: app(
            (c) =>
                (c.resources = {
                    requests: { cpu: "1", memory: "1Gi", "hugepages-2Mi": "2Mi" },
                    limits: { cpu: "1000m", "hugepages-2Mi": "2Mi" },
                }),
        ),
    },
    {
        name: "kube/probe-handler: exactly one handler, valid ports",
        bad: app((c) => {
            c.livenessProbe = { exec: { command: ["true"] }, httpGet: { path: "/", port: 8000 } };
            c.readinessProbe = {};
            c.startupProbe = { tcpSocket: { port: 0 } };
        }),
        expect: [
            [
                "kube/probe-handler",
                `${C}.livenessProbe.httpGet`,
                `${C}.livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type`,
            ],
            ["kube/probe-handler", `${C}.readinessProbe`, `${C}.readinessProbe: Required value: must specify a handler type`],
            ["kube/probe-handler", `${C}.startupProbe.tcpSocket.port`, `${C}.startupProbe.tcpSocket.port: Invalid value: 0: ${PORT_RANGE}`],
        ],
        good: app((c) => {
            c.livenessProbe = { exec: { command: ["true"] } };
            c.readinessProbe = { grpc: { port: 9090 } };
            c.startupProbe = { tcpSocket: { port: "http" } };
        }),
    },
    {
        name: "kube/probe-numbers: non-negative, no grace period on readiness",
        bad: app((c) => {
            c.livenessProbe.periodSeconds = -1;
            c.readinessProbe.terminationGracePeriodSeconds = 5;
        }),
        expect: [
            [
                "kube/probe-numbers",
                `${C}.livenessProbe.periodSeconds`,
                `${C}.livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0`,
            ],
            [
                "kube/probe-numbers",
                `${C}.readinessProbe.terminationGracePeriodSeconds`,
                `${C}.readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes`,
            ],
        ],
        good: app((c) => (c.livenessProbe.terminationGracePeriodSeconds = 5)),
    },
    {
        name: "kube/probe-success-threshold: 1 for liveness and startup probes",
        bad: app((c) => (c.livenessProbe.successThreshold = 2)),
        expect: [
            [
                "kube/probe-success-threshold",
                `${C}.livenessProbe.successThreshold`,
                `${C}.livenessProbe.successThreshold: Invalid value: 2: must be 1`,
            ],
        ],
        good: app((c) => (c.readinessProbe.successThreshold = 2)),
    },
    {
        name: "kube/lifecycle-sleep: within terminationGracePeriodSeconds",
        bad: app((c) => (c.lifecycle.preStop.sleep.seconds = 60)),
        expect: [
            [
                "kube/lifecycle-sleep",
                `${C}.lifecycle.preStop.sleep`,
                `${C}.lifecycle.preStop.sleep: Invalid value: 60: must be non-negative and less than terminationGracePeriodSeconds (45)`,
            ],
        ],
        good: app((c) => (c.lifecycle.preStop.sleep.seconds = 0)),
    },
    {
        name: "kube/init-container-probes: only sidecars may have probes",
        bad: edit(
            deployment,
            (o) =>
                (o.spec.template.spec.initContainers = [{ name: "migrate", image: "m", readinessProbe: { exec: { command: ["true"] } } }]),
        ),
        expect: [
            [
                "kube/init-container-probes",
                "spec.template.spec.initContainers[0].readinessProbe",
                "spec.template.spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
            ],
        ],
        good: edit(
            deployment,
            (o) =>
                (o.spec.template.spec.initContainers = [
                    { name: "proxy", image: "p", restartPolicy: "Always", readinessProbe: { exec: { command: ["true"] } } },
                ]),
        ),
    },
    {
        name: "kube/container-restart-policy: init containers only, Always only",
        bad: edit(deployment, (o) => {
            o.spec.template.spec.containers[0].restartPolicy = "Always";
            o.spec.template.spec.initContainers = [{ name: "migrate", image: "m", restartPolicy: "OnFailure" }];
        }),
        expect: [
            [
                "kube/container-restart-policy",
                `${C}.restartPolicy`,
                `${C}.restartPolicy: Forbidden: may not be set for non-init containers`,
            ],
            [
                "kube/container-restart-policy",
                "spec.template.spec.initContainers[0].restartPolicy",
                'spec.template.spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
            ],
        ],
        good: edit(deployment, (o) => (o.spec.template.spec.initContainers = [{ name: "proxy", image: "p", restartPolicy: "Always" }])),
    },
    {
        name: "kube/container-policies: imagePullPolicy and terminationMessagePolicy",
        bad: app((c) => Object.assign(c, { imagePullPolicy: "Sometimes", terminationMessagePolicy: "Stdout" })),
        expect: [
            [
                "kube/container-policies",
                `${C}.terminationMessagePolicy`,
                `${C}.terminationMessagePolicy: Unsupported value: "Stdout": supported values: "File", "FallbackToLogsOnError"`,
            ],
            [
                "kube/container-policies",
                `${C}.imagePullPolicy`,
                `${C}.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`,
            ],
        ],
        good: app((c) => Object.assign(c, { imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "FallbackToLogsOnError" })),
    },
    {
        name: "kube/pod-restart-policy: a known policy",
        bad: edit(deployment, (o) => (o.spec.template.spec.restartPolicy = "Sometimes")),
        expect: [
            [
                "kube/workload-restart-policy",
                "spec.template.spec.restartPolicy",
                'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always"',
            ],
            [
                "kube/pod-restart-policy",
                "spec.template.spec.restartPolicy",
                'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
            ],
        ],
        good: deployment(),
    },
    {
        name: "kube/topology-spread: skew, key, action, minDomains",
        bad: edit(deployment, (o) =>
            Object.assign(o.spec.template.spec.topologySpreadConstraints[0], {
                maxSkew: 0,
                topologyKey: "",
                whenUnsatisfiable: "Maybe",
                minDomains: 2,
            }),
        ),
        expect: [
            [
                "kube/topology-spread",
                "spec.template.spec.topologySpreadConstraints[0].maxSkew",
                "spec.template.spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
            ],
            [
                "kube/topology-spread",
                "spec.template.spec.topologySpreadConstraints[0].topologyKey",
                "spec.template.spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty",
            ],
            [
                "kube/topology-spread",
                "spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable",
                'spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
            ],
            [
                "kube/topology-spread",
                "spec.template.spec.topologySpreadConstraints[0].minDomains",
                "spec.template.spec.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not Maybe",
            ],
        ],
        good: edit(deployment, (o) => (o.spec.template.spec.topologySpreadConstraints[0].minDomains = 2)),
    },
    {
        name: "kube/topology-spread: no repeated pair, matchLabelKeys need a selector",
        bad: edit(deployment, (o) => {
            const [tsc] = o.spec.template.spec.topologySpreadConstraints;
            o.spec.template.spec.topologySpreadConstraints.push({ ...tsc, labelSelector: undefined });
        }),
        expect: [
            [
                "kube/topology-spread",
                "spec.template.spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}",
                'spec.template.spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{topology.kubernetes.io/zone, DoNotSchedule}"',
            ],
            [
                "kube/topology-spread",
                "spec.template.spec.topologySpreadConstraints[1].matchLabelKeys",
                "spec.template.spec.topologySpreadConstraints[1].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set",
            ],
        ],
        good: edit(deployment, (o) => {
            const [tsc] = o.spec.template.spec.topologySpreadConstraints;
            o.spec.template.spec.topologySpreadConstraints.push({ ...tsc, topologyKey: "kubernetes.io/hostname" });
        }),
    },
    {
        name: "kube/pod-names: serviceAccountName and priorityClassName are DNS subdomains",
        bad: edit(deployment, (o) => (o.spec.template.spec.serviceAccountName = "Api_SA")),
        expect: [
            [
                "kube/pod-names",
                "spec.template.spec.serviceAccountName",
                `spec.template.spec.serviceAccountName: Invalid value: "Api_SA": ${SUBDOMAIN}`,
            ],
        ],
        good: edit(deployment, (o) => (o.spec.template.spec.priorityClassName = "sysmanage.high")),
    },
    // ---- Service ----
    {
        name: "kube/service-ports: named when several, valid targetPort, no duplicate port",
        bad: edit(service, (o) => o.spec.ports.push({ port: 8000, targetPort: "HTTP" })),
        expect: [
            ["kube/service-ports", "spec.ports[1].name", "spec.ports[1].name: Required value"],
            [
                "kube/service-ports",
                "spec.ports[1].targetPort",
                'spec.ports[1].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
            ],
            [
                "kube/service-ports",
                "spec.ports[1].targetPort",
                'spec.ports[1].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)',
            ],
            ["kube/service-ports", "spec.ports[1]", 'spec.ports[1]: Duplicate value: {"port":8000,"protocol":"TCP"}'],
        ],
        good: edit(service, (o) => o.spec.ports.push({ name: "metrics", port: 8000, targetPort: 9090, protocol: "UDP" })),
    },
    {
        name: "kube/service-ports: at least one, in range",
        bad: edit(service, (o) => (o.spec.ports = [{ name: "http", port: 0, targetPort: 70000 }])),
        expect: [
            ["kube/service-ports", "spec.ports[0].port", `spec.ports[0].port: Invalid value: 0: ${PORT_RANGE}`],
            ["kube/service-ports", "spec.ports[0].targetPort", `spec.ports[0].targetPort: Invalid value: 70000: ${PORT_RANGE}`],
        ],
        good: edit(service, (o) => (o.spec.ports = [{ port: 80 }])),
    },
    {
        name: "kube/service-type: type-specific fields",
        bad: edit(service, (o) => {
            o.spec.ports[0].nodePort = 30080;
            Object.assign(o.spec, {
                sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
                externalTrafficPolicy: "Local",
                allocateLoadBalancerNodePorts: true,
            });
        }),
        expect: [
            [
                "kube/service-type",
                "spec.ports[0].nodePort",
                "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
            ],
            [
                "kube/service-type",
                "spec.sessionAffinityConfig",
                "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None",
            ],
            [
                "kube/service-type",
                "spec.allocateLoadBalancerNodePorts",
                "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
            ],
            [
                "kube/service-type",
                "spec.externalTrafficPolicy",
                'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
            ],
        ],
        good: edit(service, (o) => {
            o.spec.ports[0].nodePort = 30080;
            Object.assign(o.spec, { type: "LoadBalancer", externalTrafficPolicy: "Local", allocateLoadBalancerNodePorts: true });
        }),
    },
    {
        name: "kube/service-type: a known type",
        bad: edit(service, (o) => (o.spec.type = "Internal")),
        expect: [
            [
                "kube/service-type",
                "spec.type",
                'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
            ],
        ],
        good: edit(service, (o) => (o.spec = { type: "ExternalName", externalName: "db.example.com" })),
    },
    // ---- Secret / ConfigMap ----
    {
        name: "kube/data-keys: Secret keys (stringData included) are config keys",
        bad: edit(secret, (o) => (o.stringData["bad key"] = "x")),
        expect: [["kube/data-keys", "data.bad key", `data[bad key]: Invalid value: "bad key": ${CONFIG_KEY}`]],
        good: edit(secret, (o) => (o.data = { "tls.ca-bundle_1": Buffer.from("x").toString("base64") })),
    },
    {
        name: "kube/data-keys: a ConfigMap key is not in both data and binaryData; 1 MiB",
        bad: edit(configMap, (o) => {
            o.binaryData = { "redis.conf": "eA==" };
            o.data.big = "x".repeat(1024 * 1024);
        }),
        expect: [
            ["kube/data-keys", "data.redis.conf", 'data[redis.conf]: Invalid value: "redis.conf": duplicate of key present in binaryData'],
            ["kube/data-keys", "(root)", "Too long: may not be more than 1048576 bytes"],
        ],
        good: edit(configMap, (o) => (o.binaryData = { "blob.bin": "eA==" })),
    },
    {
        name: "kube/secret-type-keys: a TLS Secret has tls.crt and tls.key",
        bad: edit(secret, (o) => Object.assign(o, { type: "kubernetes.io/tls", stringData: { "tls.crt": "c" } })),
        expect: [["kube/secret-type-keys", "data.tls.key", "data[tls.key]: Required value"]],
        good: edit(secret, (o) => Object.assign(o, { type: "kubernetes.io/basic-auth", stringData: { password: "p" } })),
    },
    // ---- HorizontalPodAutoscaler ----
    {
        name: "kube/hpa-replicas: minReplicas >= 1, maxReplicas >= 1",
        bad: edit(hpa, (o) => Object.assign(o.spec, { minReplicas: 0, maxReplicas: 0 })),
        expect: [
            ["kube/hpa-replicas", "spec.minReplicas", "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1"],
            ["kube/hpa-replicas", "spec.maxReplicas", "spec.maxReplicas: Invalid value: 0: must be greater than 0"],
        ],
        good: edit(hpa, (o) => Object.assign(o.spec, { minReplicas: 1, maxReplicas: 1 })),
    },
    {
        name: "kube/hpa-replicas: maxReplicas >= minReplicas",
        bad: edit(hpa, (o) => Object.assign(o.spec, { minReplicas: 5, maxReplicas: 3 })),
        expect: [
            ["kube/hpa-replicas", "spec.maxReplicas", "spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`"],
        ],
        good: edit(hpa, (o) => delete o.spec.minReplicas),
    },
    {
        name: "kube/hpa-scale-target-ref: kind and name are path segments",
        bad: edit(hpa, (o) => Object.assign(o.spec.scaleTargetRef, { kind: "apps/Deployment", name: "" })),
        expect: [
            [
                "kube/hpa-scale-target-ref",
                "spec.scaleTargetRef.kind",
                "spec.scaleTargetRef.kind: Invalid value: \"apps/Deployment\": may not contain '/'",
            ],
            ["kube/hpa-scale-target-ref", "spec.scaleTargetRef.name", "spec.scaleTargetRef.name: Required value"],
        ],
        good: edit(hpa, (o) => Object.assign(o.spec.scaleTargetRef, { kind: "StatefulSet", name: "cache" })),
    },
    {
        name: "kube/hpa-scale-target-ref: apiVersion names an API group, but for a ReplicationController",
        bad: edit(hpa, (o) => (o.spec.scaleTargetRef.apiVersion = "v1")),
        expect: [
            [
                "kube/hpa-scale-target-ref",
                "spec.scaleTargetRef.apiVersion",
                'spec.scaleTargetRef.apiVersion: Invalid value: "v1": apiVersion must specify API group',
            ],
        ],
        good: edit(hpa, (o) => Object.assign(o.spec.scaleTargetRef, { apiVersion: "v1", kind: "ReplicationController" })),
    },
    {
        name: "kube/hpa-described-object: an Object metric's describedObject, and its target value",
        bad: edit(hpa, (o) =>
            o.spec.metrics.push({
                type: "Object",
                object: {
                    describedObject: { apiVersion: "a/b/c", name: "app/x" },
                    metric: { name: "queue_length" },
                    target: { type: "AverageValue" },
                },
            }),
        ),
        expect: [
            [
                "kube/hpa-described-object",
                "spec.metrics[2].object.describedObject.kind",
                "spec.metrics[2].object.describedObject.kind: Required value",
            ],
            [
                "kube/hpa-described-object",
                "spec.metrics[2].object.describedObject.name",
                "spec.metrics[2].object.describedObject.name: Invalid value: \"app/x\": may not contain '/'",
            ],
            [
                "kube/hpa-described-object",
                "spec.metrics[2].object.describedObject.apiVersion",
                'spec.metrics[2].object.describedObject.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
            ],
            [
                "kube/hpa-metric-target",
                "spec.metrics[2].object.target.averageValue",
                "spec.metrics[2].object.target.averageValue: Required value: must set either a target value or averageValue",
            ],
        ],
        // The program's queue metric: a core-group Namespace (no API group needed), AverageValue.
        good: edit(hpa, (o) =>
            o.spec.metrics.push({
                type: "Object",
                object: {
                    describedObject: { apiVersion: "v1", kind: "Namespace", name: "app" },
                    metric: { name: "queue_length", selector: { matchLabels: { queue: "report" } } },
                    target: { type: "AverageValue", averageValue: "10" },
                },
            }),
        ),
    },
    {
        name: "kube/hpa-metric-source: the type's source field, and only it",
        bad: edit(hpa, (o) => {
            o.spec.metrics[0].type = "Pods";
            o.spec.metrics[0].pods = o.spec.metrics[1].pods;
            o.spec.metrics[1].type = "Resource";
        }),
        expect: [
            [
                "kube/hpa-metric-source",
                "spec.metrics[0].resource",
                "spec.metrics[0].resource: Forbidden: must populate the given metric source only",
            ],
            [
                "kube/hpa-metric-source",
                "spec.metrics[1].resource",
                "spec.metrics[1].resource: Required value: must populate information for the given metric source",
            ],
        ],
        good: hpa(),
    },
    {
        name: "kube/hpa-metric-source: a supported type",
        bad: edit(hpa, (o) => (o.spec.metrics[0].type = "Custom")),
        expect: [
            [
                "kube/hpa-metric-source",
                "spec.metrics[0].type",
                'spec.metrics[0].type: Unsupported value: "Custom": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
            ],
            [
                "kube/hpa-metric-source",
                "spec.metrics[0].type",
                'spec.metrics[0].type: Unsupported value: "Custom": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
            ],
        ],
        good: edit(
            hpa,
            (o) =>
                (o.spec.metrics = [
                    { type: "External", external: { metric: { name: "queue_depth" }, target: { type: "Value", value: "30" } } },
                ]),
        ),
    },
    {
        name: "kube/hpa-metric-target: positive targets, the value each source needs",
        bad: edit(hpa, (o) => {
            o.spec.metrics[0].resource.target = { type: "Percent", averageUtilization: 0 };
            o.spec.metrics[1].pods.target = { type: "Value", value: "0" };
        }),
        expect: [
            [
                "kube/hpa-metric-target",
                "spec.metrics[0].resource.target.type",
                'spec.metrics[0].resource.target.type: Invalid value: "Percent": must be either Utilization, Value, or AverageValue',
            ],
            [
                "kube/hpa-metric-target",
                "spec.metrics[0].resource.target.averageUtilization",
                "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
            ],
            [
                "kube/hpa-metric-target",
                "spec.metrics[1].pods.target.value",
                'spec.metrics[1].pods.target.value: Invalid value: "0": must be positive',
            ],
            [
                "kube/hpa-metric-target",
                "spec.metrics[1].pods.target.averageValue",
                "spec.metrics[1].pods.target.averageValue: Required value: must specify a positive target averageValue",
            ],
        ],
        good: edit(hpa, (o) => (o.spec.metrics[0].resource.target = { type: "AverageValue", averageValue: "500m" })),
    },
    {
        name: "kube/hpa-behavior: windows, policies, periods",
        bad: edit(hpa, (o) => {
            Object.assign(o.spec.behavior.scaleUp, {
                stabilizationWindowSeconds: 4000,
                selectPolicy: "Any",
                policies: [{ type: "Pods", value: 0, periodSeconds: 1801 }],
            });
            o.spec.behavior.scaleDown.policies = [];
        }),
        expect: [
            [
                "kube/hpa-behavior",
                "spec.behavior.scaleUp.stabilizationWindowSeconds",
                "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600",
            ],
            [
                "kube/hpa-behavior",
                "spec.behavior.scaleUp.selectPolicy",
                'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Any": supported values: "Disabled", "Max", "Min"',
            ],
            [
                "kube/hpa-behavior",
                "spec.behavior.scaleUp.policies[0].value",
                "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
            ],
            [
                "kube/hpa-behavior",
                "spec.behavior.scaleUp.policies[0].periodSeconds",
                "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800",
            ],
            [
                "kube/hpa-behavior",
                "spec.behavior.scaleDown.policies",
                "spec.behavior.scaleDown.policies: Required value: must specify at least one Policy",
            ],
        ],
        good: edit(hpa, (o) => {
            Object.assign(o.spec.behavior.scaleUp, {
                stabilizationWindowSeconds: 3600,
                selectPolicy: "Disabled",
                policies: [{ type: "Pods", value: 1, periodSeconds: 1800 }],
            });
            delete o.spec.behavior.scaleDown.policies;
        }),
    },
    // ---- PodDisruptionBudget ----
    {
        name: "kube/pdb-bounds: not both bounds, percentages <= 100%",
        bad: edit(pdb, (o) => Object.assign(o.spec, { minAvailable: "50%", maxUnavailable: "150%" })),
        expect: [
            [
                "kube/pdb-bounds",
                "spec",
                'spec: Invalid value: {"maxUnavailable":"150%","minAvailable":"50%","selector":{"matchLabels":{"app.kubernetes.io/instance":"prod","app.kubernetes.io/name":"api"}},"unhealthyPodEvictionPolicy":"AlwaysAllow"}: minAvailable and maxUnavailable cannot be both set',
            ],
            ["kube/pdb-bounds", "spec.maxUnavailable", 'spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%'],
        ],
        good: edit(pdb, (o) => Object.assign(o.spec, { maxUnavailable: undefined, minAvailable: "100%" })),
    },
    {
        name: "kube/pdb-bounds: an integer bound is >= 0",
        bad: edit(pdb, (o) => (o.spec.maxUnavailable = -1)),
        expect: [["kube/pdb-bounds", "spec.maxUnavailable", "spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"]],
        good: edit(pdb, (o) => (o.spec.maxUnavailable = 0)),
    },
    {
        name: "kube/pdb-unhealthy-pod-eviction-policy: IfHealthyBudget or AlwaysAllow",
        bad: edit(pdb, (o) => (o.spec.unhealthyPodEvictionPolicy = "Never")),
        expect: [
            [
                "kube/pdb-unhealthy-pod-eviction-policy",
                "spec.unhealthyPodEvictionPolicy",
                'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
            ],
        ],
        good: edit(pdb, (o) => (o.spec.unhealthyPodEvictionPolicy = "IfHealthyBudget")),
    },
    // ---- NetworkPolicy ----
    {
        name: "kube/netpol-ports: protocol, port, endPort",
        bad: edit(
            netpol,
            (o) =>
                (o.spec.ingress[0].ports = [
                    { protocol: "ICMP", port: 0 },
                    { port: "http", endPort: 90 },
                    { endPort: 90 },
                    { port: 5432, endPort: 5000 },
                ]),
        ),
        expect: [
            [
                "kube/netpol-ports",
                "spec.ingress[0].ports[0].protocol",
                'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
            ],
            ["kube/netpol-ports", "spec.ingress[0].ports[0].port", `spec.ingress[0].ports[0].port: Invalid value: 0: ${PORT_RANGE}`],
            [
                "kube/netpol-ports",
                "spec.ingress[0].ports[1].endPort",
                "spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
            ],
            [
                "kube/netpol-ports",
                "spec.ingress[0].ports[2].endPort",
                "spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is not specified",
            ],
            [
                "kube/netpol-ports",
                "spec.ingress[0].ports[3].endPort",
                "spec.ingress[0].ports[3].endPort: Invalid value: 5432: must be greater than or equal to `port`",
            ],
        ],
        good: edit(
            netpol,
            (o) => (o.spec.ingress[0].ports = [{ protocol: "SCTP", port: "http" }, { port: 5432, endPort: 5432 }, { protocol: "UDP" }]),
        ),
    },
    {
        name: "kube/netpol-peers: a peer, ipBlock alone",
        bad: edit(netpol, (o) => {
            o.spec.ingress[0].from = [{}];
            o.spec.egress[0].to[0].podSelector = {};
        }),
        expect: [
            ["kube/netpol-peers", "spec.ingress[0].from[0]", "spec.ingress[0].from[0]: Required value: must specify a peer"],
            ["kube/netpol-peers", "spec.egress[0].to[0]", "spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer"],
        ],
        good: edit(netpol, (o) => (o.spec.ingress[0].from = [{ podSelector: {}, namespaceSelector: { matchLabels: { team: "a" } } }])),
    },
    {
        name: "kube/netpol-ipblock: CIDRs, except strictly inside",
        bad: edit(netpol, (o) => {
            o.spec.egress[0].to = [
                { ipBlock: { cidr: "10.0.0.0/16", except: ["10.1.0.0/24", "10.0.0.0/16", "bogus"] } },
                { ipBlock: { cidr: "10.0.0.0/33" } },
            ];
        }),
        expect: [
            [
                "kube/netpol-ipblock",
                "spec.egress[0].to[0].ipBlock.except[0]",
                'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
            ],
            [
                "kube/netpol-ipblock",
                "spec.egress[0].to[0].ipBlock.except[1]",
                'spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`',
            ],
            [
                "kube/netpol-ipblock",
                "spec.egress[0].to[0].ipBlock.except[2]",
                'spec.egress[0].to[0].ipBlock.except[2]: Invalid value: "bogus": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
            ],
            [
                "kube/netpol-ipblock",
                "spec.egress[0].to[1].ipBlock.cidr",
                'spec.egress[0].to[1].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
            ],
        ],
        good: edit(netpol, (o) => {
            o.spec.egress[0].to = [
                { ipBlock: { cidr: "fd00::/8", except: ["fd12:3456::/32"] } },
                { ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } },
            ];
        }),
    },
    {
        name: "kube/netpol-policy-types: Ingress and Egress, at most two",
        bad: edit(netpol, (o) => (o.spec.policyTypes = ["Ingress", "Both"])),
        expect: [
            [
                "kube/netpol-policy-types",
                "spec.policyTypes[1]",
                'spec.policyTypes[1]: Unsupported value: "Both": supported values: "Ingress", "Egress"',
            ],
        ],
        good: edit(netpol, (o) => (o.spec.policyTypes = ["Egress"])),
    },
    {
        name: "kube/netpol-policy-types: no more than two",
        bad: edit(netpol, (o) => (o.spec.policyTypes = ["Ingress", "Egress", "Ingress"])),
        expect: [
            [
                "kube/netpol-policy-types",
                "spec.policyTypes",
                'spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes',
            ],
        ],
        good: netpol(),
    },
];

const PRIORITY_CASES: Case[] = [
    {
        name: "kube/priority-class-value: user classes stop at 1000000000",
        bad: edit(priorityClass, (o) => (o.value = 1000000001)),
        expect: [
            ["kube/priority-class-value", "value", "value: Forbidden: maximum allowed value of a user defined priority is 1000000000"],
        ],
        good: edit(priorityClass, (o) => (o.value = 1000000000)),
    },
    {
        name: "kube/priority-class-value: the system- prefix is the built-in classes' only",
        bad: edit(priorityClass, (o) => (o.metadata.name = "system-sysmanage")),
        expect: [
            [
                "kube/priority-class-value",
                "metadata.name",
                "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only",
            ],
        ],
        good: edit(priorityClass, (o) => ((o.metadata.name = "system-node-critical"), (o.value = 2000001000))),
    },
    {
        name: "kube/priority-class-preemption: PreemptLowerPriority or Never",
        bad: edit(priorityClass, (o) => (o.preemptionPolicy = "PreemptAll")),
        expect: [
            [
                "kube/priority-class-preemption",
                "preemptionPolicy",
                'preemptionPolicy: Unsupported value: "PreemptAll": supported values: "PreemptLowerPriority", "Never"',
            ],
        ],
        good: edit(priorityClass, (o) => (o.preemptionPolicy = "Never")),
    },
    {
        name: "kube/priority-class-preemption: an empty policy is required (unset is defaulted)",
        bad: edit(priorityClass, (o) => (o.preemptionPolicy = "")),
        expect: [["kube/priority-class-preemption", "preemptionPolicy", "preemptionPolicy: Required value"]],
        good: edit(priorityClass, (o) => delete o.preemptionPolicy),
    },
];
CASES.push(...PRIORITY_CASES);

describe("kubeApi: one globalDefault PriorityClass per stack (the Priority admission plugin)", () => {
    const first = edit(priorityClass, (o) => ((o.metadata.name = "first"), (o.globalDefault = true)));
    const second = edit(priorityClass, (o) => ((o.metadata.name = "second"), (o.globalDefault = true)));
    const inStack: AdmissionContext = { objects: [first, second] as Manifest[], namespaceLabels: () => undefined };
    const check = (o: Json) => kubeApi.check(o as Manifest, inStack).map((v) => [v.rule, v.path, v.message.replace(REFUSED, ""), v.source]);

    it("refuses the second default and admits the first", () => {
        assert.deepEqual(check(second), [
            [
                "kube/priority-class-global-default",
                "globalDefault",
                "globalDefault: Forbidden: PriorityClass first is already marked as default. Only one default can exist",
                "kubernetes v1.34.0 plugin/pkg/admission/priority/admission.go (validatePriorityClass)",
            ],
        ]);
        assert.deepEqual(check(first), []);
    });

    it("a lone default, and classes that are not defaults, pass", () => {
        const lone: AdmissionContext = { objects: [first, priorityClass()] as Manifest[], namespaceLabels: () => undefined };
        assert.deepEqual(kubeApi.check(first as Manifest, lone), []);
        assert.deepEqual(kubeApi.check(priorityClass() as Manifest, lone), []);
    });
});

describe("kubeApi: each rule refuses a breaking object and admits a passing one", () => {
    for (const c of CASES)
        it(c.name, () => {
            assert.deepEqual(found(c.bad), c.expect);
            assert.deepEqual(found(c.good), []);
        });

    it("every rule of the catalogue has a case, and every case names a catalogue rule", () => {
        const ids = kubeApi.rules.map((r) => r.id).sort();
        // The one-default rule needs two objects in the stack: its own suite above.
        const covered = [...CASES.flatMap((c) => c.expect.map(([rule]) => rule)), "kube/priority-class-global-default"];
        assert.deepEqual([...new Set(covered)].sort(), ids);
        assert.equal(ids.length, 47);
    });

    it("violations carry the object, the upstream line and a fix", () => {
        const [v] = kubeApi.check(edit(hpa, (o) => (o.spec.maxReplicas = 0)) as Manifest, ctx);
        assert.deepEqual(v, {
            object: "autoscaling/v2 HorizontalPodAutoscaler app/api",
            rule: "kube/hpa-replicas",
            path: "spec.maxReplicas",
            message: "the API server refuses it: spec.maxReplicas: Invalid value: 0: must be greater than 0",
            fix: "lib/hpa.ts hpaSpec/metricSpec/API_BEHAVIOR/WORKER_BEHAVIOR (config <service>.autoscaling)",
            source: "kubernetes v1.34.0 pkg/apis/autoscaling/validation/validation.go:63",
        });
    });

    it("a reference's errors cite their own lines: a bad name 96, a missing kind 85, the apiVersion 100", () => {
        const bad = edit(hpa, (o) =>
            o.spec.metrics.push({
                type: "Object",
                object: {
                    describedObject: { apiVersion: "a/b/c", name: "app/x" },
                    metric: { name: "q" },
                    target: { type: "Value", value: "1" },
                },
            }),
        );
        const lines = kubeApi.check(bad as Manifest, ctx).map((v) => [v.path, v.source.replace(/^.*validation\.go:/, "")]);
        assert.deepEqual(lines, [
            ["spec.metrics[2].object.describedObject.kind", "85"],
            ["spec.metrics[2].object.describedObject.name", "96"],
            ["spec.metrics[2].object.describedObject.apiVersion", "100"],
        ]);
    });

    it("leaves custom resources and other API groups alone", () => {
        assert.deepEqual(found({ apiVersion: "serving.knative.dev/v1", kind: "Service", metadata: { name: "9" }, spec: {} }), []);
        assert.deepEqual(found({ apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", metadata: { name: "Bad_Name" }, spec: {} }), []);
    });
});

describe("quantities with hostile exponents", () => {
    it("an exponent beyond int32 is not a quantity (strconv.ParseInt(e, 10, 32)); a huge int32 one saturates, fast", () => {
        const started = process.hrtime.bigint();
        assert.equal(quantity("1e2147483648"), undefined);
        assert.equal(quantity("1e-2147483649"), undefined);
        assert.equal(quantity("1e99999999999999999999"), undefined);
        const big = quantity("1e999999999")!;
        const bigger = quantity("2e2147483647")!;
        assert.equal(compare(big, quantity("1e4096")!), 0);
        assert.equal(compare(bigger, big), 1);
        assert.equal(compare(quantity("1e-999999999")!, quantity("0")!), 1);
        assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 500, "hostile exponents cost milliseconds");
    });
});
