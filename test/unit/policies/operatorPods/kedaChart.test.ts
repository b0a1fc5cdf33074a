/** keda 2.19.0's modelled pods: expectations read off kedacore/charts v2.19.0 keda/ by hand. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { kedaValues } from "../../../../lib/chartValues";
import { chartPodDisruptionBudgets, chartPods, type ChartPod, type ChartRelease } from "../../../../policies/lib/operatorPods/charts";
import { podSecurityProblems } from "../../../../policies/lib/podSecurity";

const keda = (values: object = {}): ChartRelease => ({ chart: "keda", version: "2.19.0", namespace: "keda", name: "keda", values });
const container = (p: ChartPod) => p.spec.containers[0];
const RESTRICTED_CONTAINER = {
    capabilities: { drop: ["ALL"] },
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    seccompProfile: { type: "RuntimeDefault" },
};
const restricted = (p: ChartPod) => podSecurityProblems("restricted", { labels: p.labels, annotations: p.annotations }, p.spec);

describe("keda 2.19.0", () => {
    test("defaults: operator, metrics apiserver and webhooks, one replica each, restricted, no PDB", () => {
        const pods = chartPods(keda());
        assert.deepEqual(
            pods.map((p) => p.workload),
            [
                { kind: "Deployment", name: "keda-operator", replicas: 1 },
                { kind: "Deployment", name: "keda-operator-metrics-apiserver", replicas: 1 },
                { kind: "Deployment", name: "keda-admission-webhooks", replicas: 1 },
            ],
        );
        assert.deepEqual(
            pods.map((p) => p.source),
            ["manager", "metrics-server", "webhooks"].map((d) => `kedacore/charts v2.19.0 keda/templates/${d}/deployment.yaml`),
        );
        assert.deepEqual(
            pods.map((p) => container(p).image),
            [
                "ghcr.io/kedacore/keda:2.19.0",
                "ghcr.io/kedacore/keda-metrics-apiserver:2.19.0",
                "ghcr.io/kedacore/keda-admission-webhooks:2.19.0",
            ],
        );
        for (const p of pods) {
            assert.deepEqual(p.spec.securityContext, { runAsNonRoot: true }, p.desc);
            assert.deepEqual(container(p).securityContext, RESTRICTED_CONTAINER, p.desc);
            assert.equal(p.spec.hostNetwork, false);
            assert.deepEqual(p.spec.nodeSelector, { "kubernetes.io/os": "linux" });
            assert.deepEqual(container(p).resources, { limits: { cpu: 1, memory: "1000Mi" }, requests: { cpu: "100m", memory: "100Mi" } });
            assert.deepEqual(restricted(p), [], p.desc);
        }
        assert.deepEqual(chartPodDisruptionBudgets(keda()), []);
    });
    test("pod shape: ports, probes, service accounts, the certificate volume, labels", () => {
        const [op, ms, wh] = chartPods(keda());
        assert.deepEqual(
            [op, ms, wh].map((p) => container(p).ports),
            [
                [{ containerPort: 9666, name: "metricsservice", protocol: "TCP" }],
                [
                    { containerPort: 6443, name: "https", protocol: "TCP" },
                    { containerPort: 8080, name: "metrics", protocol: "TCP" },
                ],
                [{ containerPort: 9443, name: "http", protocol: "TCP" }],
            ],
        );
        assert.deepEqual(container(ms).livenessProbe, {
            httpGet: { path: "/healthz", port: 6443, scheme: "HTTPS" },
            initialDelaySeconds: 5,
            periodSeconds: 10,
            timeoutSeconds: 1,
            failureThreshold: 3,
            successThreshold: 1,
        });
        assert.deepEqual(container(wh).readinessProbe.httpGet, { path: "/readyz", port: 8081 });
        assert.deepEqual(
            [op, ms, wh].map((p) => [p.spec.serviceAccountName, p.spec.automountServiceAccountToken, p.spec.dnsPolicy]),
            [
                ["keda-operator", true, "ClusterFirst"],
                ["keda-metrics-server", true, "ClusterFirst"],
                ["keda-webhook", true, undefined],
            ],
        );
        assert.deepEqual(op.spec.volumes, [
            { name: "certificates", secret: { defaultMode: 420, secretName: "kedaorg-certs", optional: true } },
        ]);
        assert.deepEqual(wh.spec.volumes, [{ name: "certificates", secret: { defaultMode: 420, secretName: "kedaorg-certs" } }]);
        assert.deepEqual(container(ms).volumeMounts, [{ mountPath: "/certs", name: "certificates", readOnly: true }]);
        assert.deepEqual(ms.labels, {
            app: "keda-operator-metrics-apiserver",
            "app.kubernetes.io/name": "keda-operator-metrics-apiserver",
            "helm.sh/chart": "keda-2.19.0",
            "app.kubernetes.io/component": "operator",
            "app.kubernetes.io/managed-by": "Helm",
            "app.kubernetes.io/part-of": "keda-operator",
            "app.kubernetes.io/version": "2.19.0",
            "app.kubernetes.io/instance": "keda",
        });
        assert.equal(op.labels.name, "keda-operator");
    });
    test("our values: two replicas each, pinned tags, a maxUnavailable 1 PDB per Deployment, restricted", () => {
        const r = keda(kedaValues());
        const pods = chartPods(r);
        assert.deepEqual(
            pods.map((p) => [p.workload.name, p.workload.replicas, restricted(p)]),
            [
                ["keda-operator", 2, []],
                ["keda-operator-metrics-apiserver", 2, []],
                ["keda-admission-webhooks", 2, []],
            ],
        );
        assert.deepEqual(
            chartPodDisruptionBudgets(r).map((b) => [b.name, b.selector.matchLabels, b.maxUnavailable, b.minAvailable]),
            [
                ["keda-operator", { app: "keda-operator" }, 1, undefined],
                ["keda-operator-metrics-apiserver", { app: "keda-operator-metrics-apiserver" }, 1, undefined],
                ["keda-admission-webhooks", { app: "keda-admission-webhooks" }, 1, undefined],
            ],
        );
    });
    test("our values with monitoring: the operator's metrics port 8080 beside 9666, still restricted; the values a PodMonitor", () => {
        const values = kedaValues({}, { labels: { release: "kube-prometheus-stack" }, interval: "15s" });
        assert.deepEqual(values.prometheus, {
            operator: {
                enabled: true,
                podMonitor: { enabled: true, interval: "15s", additionalLabels: { release: "kube-prometheus-stack" } },
            },
        });
        const [op, ms] = chartPods(keda(values));
        assert.deepEqual(container(op).ports, [
            { containerPort: 8080, name: "metrics", protocol: "TCP" },
            { containerPort: 9666, name: "metricsservice", protocol: "TCP" },
        ]);
        assert.deepEqual([restricted(op), restricted(ms)], [[], []]);
        assert.equal(kedaValues().prometheus, undefined);
    });
    test("an emptied component context falls back to the whole map, which sets nothing on the pod", () => {
        // `podSecurityContext.operator: null` drops the default; the template's else branch renders
        // the parent map (its metricServer/webhooks sub-keys are not pod fields): runAsNonRoot is gone.
        const [op, ms] = chartPods(keda({ podSecurityContext: { operator: null } }));
        assert.deepEqual(op.spec.securityContext, { metricServer: { runAsNonRoot: true }, webhooks: { runAsNonRoot: true } });
        assert.deepEqual(
            restricted(op).map((p) => p.message),
            ['runAsNonRoot != true (pod or container "keda-operator" must set securityContext.runAsNonRoot=true)'],
        );
        assert.deepEqual(restricted(ms), []);
    });
    test("webhooks disabled: two Deployments; a global PDB bound gives each its budget", () => {
        const r = keda({ webhooks: { enabled: false }, podDisruptionBudget: { minAvailable: 1, metricServer: { maxUnavailable: null } } });
        assert.deepEqual(
            chartPods(r).map((p) => p.workload.name),
            ["keda-operator", "keda-operator-metrics-apiserver"],
        );
        assert.deepEqual(
            chartPodDisruptionBudgets(r).map((b) => [b.name, b.minAvailable]),
            [
                ["keda-operator", 1],
                ["keda-operator-metrics-apiserver", 1],
            ],
        );
    });
    test("overrides: registry, metrics ports, labels and annotations, secrets, identity, scheduling", () => {
        const [op, ms, wh] = chartPods(
            keda({
                global: { image: { registry: "mirror.example" }, dnsConfig: { nameservers: ["10.0.0.10"] } },
                prometheus: {
                    operator: { enabled: true, port: 8090 },
                    webhooks: { enabled: true, port: 8091 },
                    metricServer: { enabled: true, port: 8092 },
                },
                podAnnotations: { keda: { a: "op" }, metricsAdapter: { a: "ms" }, webhooks: { a: "wh" } },
                additionalAnnotations: { team: "x" },
                additionalLabels: { tier: "platform" },
                podLabels: { keda: { l: "op" } },
                podIdentity: { azureWorkload: { enabled: true }, gcp: { enabled: true } },
                grpcTLSCertsSecret: "grpc",
                hashiCorpVaultTLS: "vault",
                volumes: { webhooks: { extraVolumes: [{ name: "x", emptyDir: {} }], extraVolumeMounts: [{ name: "x", mountPath: "/x" }] } },
                certificates: { certManager: { enabled: true } },
                operator: { extraContainers: [{ name: "side" }], extraInitContainers: [{ name: "init" }], affinity: { own: 1 } },
                affinity: { all: 1 },
                topologySpreadConstraints: { webhooks: [{ maxSkew: 1 }] },
                tolerations: [{ operator: "Exists" }],
                hostAliases: [{ ip: "10.0.0.1", hostnames: ["h"] }],
                priorityClassName: "platform",
                imagePullSecrets: [{ name: "pull" }],
                serviceAccount: { webhooks: { automountServiceAccountToken: false } },
                nodeSelector: { pool: "system" },
                webhooks: { useHostNetwork: true, port: 9444 },
            }),
        );
        assert.deepEqual(
            [op, ms, wh].map((p) => container(p).image),
            [
                "mirror.example/kedacore/keda:2.19.0",
                "mirror.example/kedacore/keda-metrics-apiserver:2.19.0",
                "mirror.example/kedacore/keda-admission-webhooks:2.19.0",
            ],
        );
        assert.deepEqual(container(op).ports, [
            { containerPort: 8090, name: "metrics", protocol: "TCP" },
            { containerPort: 9666, name: "metricsservice", protocol: "TCP" },
        ]);
        assert.deepEqual(container(wh).ports, [
            { containerPort: 9444, name: "http", protocol: "TCP" },
            { containerPort: 8091, name: "metrics", protocol: "TCP" },
        ]);
        assert.deepEqual(container(ms).ports[1], { containerPort: 8092, name: "metrics", protocol: "TCP" });
        assert.deepEqual(
            [op, ms, wh].map((p) => p.annotations),
            [
                { a: "op", team: "x" },
                { team: "x", "prometheus.io/scrape": "true", "prometheus.io/port": "8092", a: "ms" },
                { a: "wh", team: "x" },
            ],
        );
        assert.deepEqual([op.labels.tier, op.labels.l, op.labels["azure.workload.identity/use"]], ["platform", "op", "true"]);
        assert.deepEqual([wh.labels.tier, wh.labels.l, wh.labels["azure.workload.identity/use"]], ["platform", undefined, undefined]);
        assert.deepEqual(container(op).volumeMounts, [
            { mountPath: "/certs", name: "certificates", readOnly: true },
            { name: "grpc-certs", mountPath: "/grpccerts" },
            { name: "hashicorp-vault-certs", mountPath: "/hashicorp-vaultcerts" },
        ]);
        assert.deepEqual(op.spec.volumes, [
            { name: "certificates", secret: { defaultMode: 420, secretName: "kedaorg-certs", optional: false } },
            { name: "grpc-certs", secret: { secretName: "grpc" } },
            { name: "hashicorp-vault-certs", secret: { secretName: "vault" } },
        ]);
        assert.deepEqual(container(wh).volumeMounts, [
            { mountPath: "/certs", name: "certificates", readOnly: true },
            { name: "x", mountPath: "/x" },
        ]);
        assert.deepEqual(wh.spec.volumes, [
            { name: "certificates", secret: { defaultMode: 420, secretName: "kedaorg-certs" } },
            { name: "x", emptyDir: {} },
        ]);
        assert.deepEqual(
            op.spec.containers.map((c: { name: string }) => c.name),
            ["keda-operator", "side"],
        );
        assert.deepEqual([op.spec.initContainers, ms.spec.initContainers], [[{ name: "init" }], undefined]);
        assert.deepEqual(
            [op, ms, wh].map((p) => [p.spec.affinity, p.spec.topologySpreadConstraints, p.spec.hostAliases, p.spec.hostNetwork]),
            [
                [{ own: 1 }, undefined, [{ ip: "10.0.0.1", hostnames: ["h"] }], false],
                [{ all: 1 }, undefined, undefined, false],
                [{ all: 1 }, [{ maxSkew: 1 }], undefined, true],
            ],
        );
        for (const p of [op, ms, wh]) {
            assert.deepEqual(p.spec.nodeSelector, {
                "kubernetes.io/os": "linux",
                pool: "system",
                "iam.gke.io/gke-metadata-server-enabled": "true",
            });
            assert.deepEqual(p.spec.dnsConfig, { nameservers: ["10.0.0.10"] });
            assert.deepEqual(p.spec.tolerations, [{ operator: "Exists" }]);
            assert.equal(p.spec.priorityClassName, "platform");
            assert.deepEqual(p.spec.imagePullSecrets, [{ name: "pull" }]);
        }
        assert.deepEqual(
            [op, ms, wh].map((p) => p.spec.automountServiceAccountToken),
            [true, true, false],
        );
        // hostNetwork on the webhooks: baseline's host-namespaces check refuses it.
        assert.deepEqual(
            podSecurityProblems("baseline", {}, wh.spec).map((p) => p.message),
            ["host namespaces (hostNetwork=true)"],
        );
    });
});
