import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { CHARTS } from "../../../../components/platform/charts";
import {
    chartPodDisruptionBudgets,
    chartPods,
    chartValues,
    helmMerge,
    isModelledChart,
    truthy,
    type ChartPod,
    type ChartRelease,
} from "../../../../policies/lib/operatorPods/charts";

const cnpg = (values: object = {}): ChartRelease => ({
    chart: "cloudnative-pg",
    version: "0.29.0",
    namespace: "cnpg-system",
    name: "cnpg",
    values,
});
const redis = (values: object = {}): ChartRelease => ({
    chart: "redis-operator",
    version: "0.26.0",
    namespace: "redis-operator",
    name: "redis-operator",
    values,
});
const adapter = (values: object = {}): ChartRelease => ({
    chart: "prometheus-adapter",
    version: "5.3.0",
    namespace: "monitoring",
    name: "prometheus-adapter",
    values,
});
const vpa = (values: object = {}): ChartRelease => ({
    chart: "vertical-pod-autoscaler",
    version: "0.11.0",
    namespace: "kube-system",
    name: "vertical-pod-autoscaler",
    values,
});
const only = (pods: ChartPod[]): ChartPod => {
    assert.equal(pods.length, 1);
    return pods[0];
};
const container = (p: ChartPod, i = 0) => p.spec.containers[i];

describe("Helm semantics", () => {
    test("helmMerge: maps merge, lists and scalars replace, null removes a default", () => {
        const d = { a: { x: 1, y: 2 }, l: [1, 2], s: "d", gone: { k: 1 } };
        assert.deepEqual(helmMerge(d, { a: { y: 3, z: 4 }, l: [9], s: "u", gone: null }), { a: { x: 1, y: 3, z: 4 }, l: [9], s: "u" });
        assert.deepEqual(d, { a: { x: 1, y: 2 }, l: [1, 2], s: "d", gone: { k: 1 } }, "defaults are not mutated");
        assert.deepEqual(helmMerge(d, undefined), d);
    });
    test("a returned pod shares nothing with the chart defaults", () => {
        container(chartPods(cnpg())[0]).securityContext.runAsUser = 0;
        assert.equal(container(chartPods(cnpg())[0]).securityContext.runAsUser, 10001);
    });
    test("truthy follows Go templates", () => {
        assert.deepEqual([false, 0, "", null, undefined, [], {}].map(truthy), [false, false, false, false, false, false, false]);
        assert.deepEqual([true, 1, "x", [0], { a: 0 }].map(truthy), [true, true, true, true, true]);
    });
    test("every chart the program pins is modelled; others give [] and false", () => {
        for (const pin of Object.values(CHARTS)) assert.equal(isModelledChart(pin.chart, pin.version), true, pin.chart);
        assert.equal(isModelledChart("keda", "2.18.0"), false);
        assert.equal(isModelledChart("cloudnative-pg", "0.28.0"), false);
        assert.equal(isModelledChart("ingress-nginx", "4.0.0"), false);
        const other = { ...cnpg(), version: "0.28.0" };
        assert.deepEqual(chartPods(other), []);
        assert.deepEqual(chartPodDisruptionBudgets(other), []);
        assert.equal(chartValues(other), undefined);
    });
});

describe("cloudnative-pg 0.29.0", () => {
    test("defaults: one manager pod, restricted security contexts, no resources, an emptyDir, no PDB", () => {
        const p = only(chartPods(cnpg()));
        assert.equal(p.desc, "pods of Deployment cnpg-system/cnpg-cloudnative-pg (chart cloudnative-pg 0.29.0)");
        assert.deepEqual(p.workload, { kind: "Deployment", name: "cnpg-cloudnative-pg", replicas: 1 });
        assert.deepEqual(p.labels, { "app.kubernetes.io/name": "cloudnative-pg", "app.kubernetes.io/instance": "cnpg" });
        assert.deepEqual(p.annotations, {});
        assert.equal(p.source, "cloudnative-pg/charts cloudnative-pg-v0.29.0 charts/cloudnative-pg/templates/deployment.yaml");
        assert.equal(container(p).image, "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0");
        assert.deepEqual(container(p).resources, {});
        assert.deepEqual(container(p).securityContext, {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            seccompProfile: { type: "RuntimeDefault" },
            runAsUser: 10001,
            runAsGroup: 10001,
        });
        assert.deepEqual(p.spec.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        assert.equal(p.spec.serviceAccountName, "cnpg-cloudnative-pg");
        assert.equal(p.spec.automountServiceAccountToken, undefined);
        assert.equal(p.spec.topologySpreadConstraints, undefined);
        assert.deepEqual(p.spec.volumes[0], { emptyDir: {}, name: "scratch-data" });
        assert.deepEqual(container(p).startupProbe, {
            httpGet: { path: "/readyz", port: "webhook-server", scheme: "HTTPS" },
            failureThreshold: 6,
            periodSeconds: 5,
        });
        assert.deepEqual(chartPodDisruptionBudgets(cnpg()), []);
    });
    test("overrides land where deployment.yaml puts them", () => {
        const resources = { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "200Mi" } };
        const tsc = [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }];
        const p = only(
            chartPods(
                cnpg({
                    replicaCount: 2,
                    resources,
                    image: { tag: "1.30.0@sha256:abc" },
                    containerSecurityContext: { runAsUser: 2000 },
                    podSecurityContext: { seccompProfile: null },
                    topologySpreadConstraints: tsc,
                    priorityClassName: "system-cluster-critical",
                    podAnnotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "scratch-data" },
                    fullnameOverride: "cnpg-operator",
                }),
            ),
        );
        assert.deepEqual(p.workload, { kind: "Deployment", name: "cnpg-operator", replicas: 2 });
        assert.deepEqual(container(p).resources, resources);
        assert.equal(container(p).image, "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0@sha256:abc");
        assert.equal(container(p).securityContext.runAsUser, 2000);
        assert.equal(container(p).securityContext.allowPrivilegeEscalation, false, "maps merge with the chart default");
        assert.deepEqual(p.spec.securityContext, { runAsNonRoot: true }, "null removes the default");
        assert.deepEqual(p.spec.topologySpreadConstraints, tsc);
        assert.equal(p.spec.priorityClassName, "system-cluster-critical");
        assert.deepEqual(p.annotations, { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "scratch-data" });
    });
});

describe("redis-operator 0.26.0", () => {
    test("defaults: Guaranteed 500m/500Mi, empty security contexts, token mounted, v-prefixed tag", () => {
        const p = only(chartPods(redis()));
        assert.equal(p.desc, "pods of Deployment redis-operator/redis-operator (chart redis-operator 0.26.0)");
        assert.deepEqual(p.workload, { kind: "Deployment", name: "redis-operator", replicas: 1 });
        assert.deepEqual(p.labels, { name: "redis-operator" });
        assert.equal(container(p).image, "quay.io/opstree/redis-operator:v0.26.0");
        assert.equal(container(p).imagePullPolicy, "Always");
        assert.deepEqual(container(p).resources, { limits: { cpu: "500m", memory: "500Mi" }, requests: { cpu: "500m", memory: "500Mi" } });
        assert.deepEqual(container(p).securityContext, {});
        assert.deepEqual(p.spec.securityContext, {});
        assert.equal(p.spec.automountServiceAccountToken, true);
        assert.equal(p.spec.serviceAccountName, "redis-operator");
        assert.equal(p.spec.volumes, undefined);
        assert.deepEqual(
            container(p).ports.map((x: { name: string; containerPort: number }) => `${x.name}:${x.containerPort}`),
            ["probe:8081", "metrics:8080"],
        );
        assert.deepEqual(chartPodDisruptionBudgets(redis()), []);
    });
    test("overrides: securityContext to the container, podSecurityContext to the pod, resources replaced per key, webhook adds the cert volume", () => {
        const sc = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true };
        const p = only(
            chartPods(
                redis({
                    securityContext: sc,
                    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
                    resources: { limits: { cpu: null } },
                    redisOperator: { imageTag: "v0.26.0@sha256:def", webhook: true, podAnnotations: { a: "b" } },
                    replicas: 2,
                }),
            ),
        );
        assert.deepEqual(container(p).securityContext, sc);
        assert.deepEqual(p.spec.securityContext, { seccompProfile: { type: "RuntimeDefault" } });
        assert.deepEqual(container(p).resources, { limits: { memory: "500Mi" }, requests: { cpu: "500m", memory: "500Mi" } });
        assert.equal(container(p).image, "quay.io/opstree/redis-operator:v0.26.0@sha256:def");
        assert.deepEqual(p.spec.volumes, [{ name: "cert", secret: { defaultMode: 420, secretName: "webhook-server-cert" } }]);
        assert.deepEqual(p.annotations, { a: "b" });
        assert.equal(p.workload.replicas, 2);
    });
    test("resources: {} merges into the default (Helm), only null drops the block (operator-deployment.yaml:127)", () => {
        assert.deepEqual(container(only(chartPods(redis({ resources: {} })))).resources.requests, { cpu: "500m", memory: "500Mi" });
        assert.equal(container(only(chartPods(redis({ resources: null })))).resources, undefined);
    });
});

describe("prometheus-adapter 5.3.0", () => {
    test("defaults: restricted container context, fsGroup pod context, no resources, tmp emptyDir, token mounted, no PDB", () => {
        const p = only(chartPods(adapter()));
        assert.equal(p.desc, "pods of Deployment monitoring/prometheus-adapter (chart prometheus-adapter 5.3.0)");
        assert.deepEqual(p.workload, { kind: "Deployment", name: "prometheus-adapter", replicas: 1 });
        assert.equal(container(p).image, "registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0");
        assert.equal(container(p).resources, undefined);
        assert.deepEqual(container(p).securityContext, {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            seccompProfile: { type: "RuntimeDefault" },
            runAsNonRoot: true,
            runAsUser: 10001,
        });
        assert.deepEqual(p.spec.securityContext, { fsGroup: 10001 });
        assert.equal(p.spec.automountServiceAccountToken, true);
        assert.deepEqual(p.spec.topologySpreadConstraints, []);
        assert.deepEqual(p.spec.volumes, [
            { name: "config", configMap: { name: "prometheus-adapter" } },
            { name: "tmp", emptyDir: {} },
        ]);
        assert.equal(p.labels["app.kubernetes.io/instance"], "prometheus-adapter");
        assert.equal(p.labels["helm.sh/chart"], "prometheus-adapter-5.3.0");
        assert.deepEqual(chartPodDisruptionBudgets(adapter()), []);
    });
    test("overrides: resources and podSecurityContext land in the pod; podDisruptionBudget.enabled creates the PDB", () => {
        const resources = { requests: { cpu: "50m", memory: "128Mi" } };
        const rel = adapter({
            replicas: 2,
            resources,
            podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            automountServiceAccountToken: false,
            podDisruptionBudget: { enabled: true, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            image: { tag: "v0.12.0@sha256:123" },
        });
        const p = only(chartPods(rel));
        assert.deepEqual(container(p).resources, resources);
        assert.deepEqual(p.spec.securityContext, { fsGroup: 10001, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        assert.equal(p.spec.automountServiceAccountToken, false);
        assert.equal(container(p).image, "registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0@sha256:123");
        assert.deepEqual(chartPodDisruptionBudgets(rel), [
            {
                namespace: "monitoring",
                name: "prometheus-adapter",
                selector: {
                    matchLabels: { "app.kubernetes.io/name": "prometheus-adapter", "app.kubernetes.io/instance": "prometheus-adapter" },
                },
                maxUnavailable: 1,
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            },
        ]);
    });
    test("a release name without the chart name prefixes it (_helpers.tpl:19-22)", () => {
        const p = only(chartPods({ ...adapter(), name: "pa" }));
        assert.equal(p.workload.name, "pa-prometheus-adapter");
        assert.equal(p.spec.serviceAccountName, "pa-prometheus-adapter");
    });
});

describe("vertical-pod-autoscaler 0.11.0", () => {
    test("defaults: three 2-replica deployments and two cert Jobs; no resources, no container securityContext, three PDBs", () => {
        const pods = chartPods(vpa());
        assert.deepEqual(
            pods.map((p) => `${p.workload.kind} ${p.workload.name} x${p.workload.replicas}`),
            [
                "Deployment vertical-pod-autoscaler-admission-controller x2",
                "Deployment vertical-pod-autoscaler-recommender x2",
                "Deployment vertical-pod-autoscaler-updater x2",
                "Job vertical-pod-autoscaler-admission-certgen x1",
                "Job vertical-pod-autoscaler-admission-certgen-patch x1",
            ],
        );
        assert.deepEqual(
            pods.map((p) => container(p).image),
            [
                "registry.k8s.io/autoscaling/vpa-admission-controller:1.7.1",
                "registry.k8s.io/autoscaling/vpa-recommender:1.7.1",
                "registry.k8s.io/autoscaling/vpa-updater:1.7.1",
                "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0",
                "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0",
            ],
        );
        for (const p of pods.slice(0, 3)) {
            assert.deepEqual(p.spec.securityContext, { runAsNonRoot: true, runAsUser: 65534 });
            assert.equal(container(p).securityContext, undefined);
            assert.equal(container(p).resources, undefined);
        }
        assert.deepEqual(pods[3].spec.securityContext, {
            runAsNonRoot: true,
            runAsUser: 65534,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepEqual(container(pods[3]).securityContext, {
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
        });
        assert.deepEqual(pods[1].labels, {
            "app.kubernetes.io/name": "vertical-pod-autoscaler",
            "app.kubernetes.io/instance": "vertical-pod-autoscaler",
            "app.kubernetes.io/component": "recommender",
        });
        assert.equal(pods[0].spec.volumes[0].secret.secretName, "vpa-tls-certs");
        assert.deepEqual(
            chartPodDisruptionBudgets(vpa()).map(
                (b) => `${b.name} ${b.selector.matchLabels["app.kubernetes.io/component"]} min=${b.minAvailable}`,
            ),
            [
                "vertical-pod-autoscaler-admission-controller admission-controller min=1",
                "vertical-pod-autoscaler-recommender recommender min=1",
                "vertical-pod-autoscaler-updater updater min=1",
            ],
        );
    });
    test("overrides: containerSecurityContext reaches every deployment container; per-component resources; components can be disabled", () => {
        const csc = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
        const res = { requests: { cpu: "50m", memory: "500Mi" } };
        const pods = chartPods(vpa({ containerSecurityContext: csc, recommender: { resources: res }, updater: { enabled: false } }));
        assert.deepEqual(
            pods.map((p) => p.workload.name),
            [
                "vertical-pod-autoscaler-admission-controller",
                "vertical-pod-autoscaler-recommender",
                "vertical-pod-autoscaler-admission-certgen",
                "vertical-pod-autoscaler-admission-certgen-patch",
            ],
        );
        assert.deepEqual(container(pods[0]).securityContext, csc);
        assert.deepEqual(container(pods[1]).securityContext, csc);
        assert.deepEqual(container(pods[1]).resources, res);
        assert.equal(container(pods[0]).resources, undefined);
        assert.equal(container(pods[2]).securityContext.readOnlyRootFilesystem, true, "cert Jobs keep certGen.securityContext");
        assert.deepEqual(
            chartPodDisruptionBudgets(vpa({ updater: { enabled: false }, admissionController: { enabled: false } })).map((b) => b.name),
            ["vertical-pod-autoscaler-recommender"],
        );
        assert.deepEqual(
            chartPods(vpa({ admissionController: { enabled: false } })).map((p) => p.workload.name),
            ["vertical-pod-autoscaler-recommender", "vertical-pod-autoscaler-updater"],
        );
    });
    test("admission-controller PDB renders maxUnavailable only without minAvailable; certManager swaps the TLS volume", () => {
        const [ac] = chartPodDisruptionBudgets(
            vpa({ admissionController: { podDisruptionBudget: { minAvailable: null, maxUnavailable: 1 } } }),
        );
        assert.equal(ac.minAvailable, undefined);
        assert.equal(ac.maxUnavailable, 1);
        const p = chartPods(
            vpa({ admissionController: { certManager: { enabled: true }, certGen: { enabled: false }, tls: { secretName: "" } } }),
        );
        assert.equal(p.length, 3);
        assert.equal(p[0].spec.volumes[0].secret.secretName, "vertical-pod-autoscaler-admission-controller-tls");
        assert.equal(p[0].spec.volumes[0].secret.items[0].key, "ca.crt");
    });
});
