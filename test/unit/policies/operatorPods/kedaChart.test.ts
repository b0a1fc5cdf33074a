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
    test("webhooks disabled: two Deployments; global PDB bounds apply to each, a component's own win", () => {
        const r = keda({ webhooks: { enabled: false }, podDisruptionBudget: { minAvailable: 1, operator: { minAvailable: 2 } } });
        assert.deepEqual(
            chartPods(r).map((p) => p.workload.name),
            ["keda-operator", "keda-operator-metrics-apiserver"],
        );
        assert.deepEqual(
            chartPodDisruptionBudgets(r).map((b) => [b.name, b.minAvailable]),
            [
                ["keda-operator", 2],
                ["keda-operator-metrics-apiserver", 1],
            ],
        );
    });
});
