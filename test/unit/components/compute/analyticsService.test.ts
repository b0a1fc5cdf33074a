/** AnalyticsService: a Deployment sized by a VPA (no HPA), recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AnalyticsService, type AnalyticsServiceArgs } from "../../../../components/compute/analyticsService";
import { podTemplate } from "../../../../lib/workload";
import { construct, named, stub, typesAndNames, valueOf } from "../../../support/components";

const pod: AnalyticsServiceArgs["pod"] = {
    name: "sysmanage-analytics",
    component: "analytics",
    instance: "test",
    image: "ghcr.io/sysmanage/sysmanage-analytics:2.4.1",
    port: 8000,
    resources: { cpuRequest: "500m", memoryRequest: "1Gi", memoryLimit: "2Gi", cpuLimit: "" },
    probes: { startupFailureThreshold: 30, readinessPeriodSeconds: 5, livenessPeriodSeconds: 10 },
    shutdown: { terminationGracePeriodSeconds: 45, preStopSleepSeconds: 10 },
    zones: ["a"],
};

const args: AnalyticsServiceArgs = {
    namespace: "sysmanage-test",
    pod,
    replicas: 2,
    vpa: { updateMode: "Recreate", minAllowed: { cpu: "500m", memory: "1Gi" }, maxAllowed: { cpu: "4", memory: "16Gi" } },
    monitorLabels: { release: "kube-prometheus-stack" },
    scrapeInterval: "30s",
};

const labels = {
    "app.kubernetes.io/name": "sysmanage-analytics",
    "app.kubernetes.io/instance": "test",
    "app.kubernetes.io/component": "analytics",
    "app.kubernetes.io/part-of": "sysmanage",
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/version": "2.4.1",
};
const selector = { "app.kubernetes.io/name": "sysmanage-analytics", "app.kubernetes.io/instance": "test" };
const metadata = { name: "sysmanage-analytics", namespace: "sysmanage-test", labels };
const child = { parent: "analytics", dependsOn: [], ignoreChanges: [] };

describe("AnalyticsService", () => {
    it("declares a ServiceAccount, Deployment, VPA, PDB and PodMonitor, and no HPA", async () => {
        const { self, children } = await construct(AnalyticsService, "analytics", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:compute:AnalyticsService", "analytics"]]);
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:core/v1:ServiceAccount", "analytics-sa"],
            ["kubernetes:apps/v1:Deployment", "analytics-deployment"],
            ["kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler", "analytics-vpa"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "analytics-pdb"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "analytics-monitor"],
        ]);
    });

    it("the Deployment keeps its fixed replicas (nothing else owns them) and runs the container the VPA sizes", async () => {
        const { children } = await construct(AnalyticsService, "analytics", args);
        const deployment = named(children, "analytics-deployment");
        assert.deepEqual(deployment.options, { parent: "analytics", dependsOn: ["analytics-sa"], ignoreChanges: [] });
        const template = podTemplate({ ...pod, containerName: "analytics", serviceAccountName: "sysmanage-analytics" });
        assert.deepEqual(deployment.inputs, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata,
            spec: {
                replicas: 2,
                revisionHistoryLimit: 5,
                selector: { matchLabels: selector },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                template: JSON.parse(JSON.stringify(template)),
            },
        });
        const spec = deployment.inputs.spec.template.spec;
        assert.deepEqual(
            [spec.serviceAccountName, spec.containers.map((c: { name: string }) => c.name), spec.containers[0].resources],
            ["sysmanage-analytics", ["analytics"], { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } }],
        );
    });

    it("the Deployment waits for the Secrets its pods read", async () => {
        const { children } = await construct(AnalyticsService, "analytics", () => ({
            ...args,
            secrets: [stub("db-roles-sysmanage_analytics-secret")],
        }));
        assert.deepEqual(named(children, "analytics-deployment").options, {
            parent: "analytics",
            dependsOn: ["analytics-sa", "db-roles-sysmanage_analytics-secret"],
            ignoreChanges: [],
        });
    });

    it("the VPA targets the Deployment's container within the bounds, after the Deployment and the VPA release", async () => {
        const { children } = await construct(AnalyticsService, "analytics", () => ({ ...args, vpaDependsOn: [stub("vpa-release")] }));
        assert.deepEqual(named(children, "analytics-vpa"), {
            type: "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler",
            name: "analytics-vpa",
            inputs: {
                apiVersion: "autoscaling.k8s.io/v1",
                kind: "VerticalPodAutoscaler",
                metadata,
                spec: {
                    targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "sysmanage-analytics" },
                    updatePolicy: { updateMode: "Recreate" },
                    resourcePolicy: {
                        containerPolicies: [
                            {
                                containerName: "analytics",
                                minAllowed: { cpu: "500m", memory: "1Gi" },
                                maxAllowed: { cpu: "4", memory: "16Gi" },
                                controlledResources: ["cpu", "memory"],
                                controlledValues: "RequestsAndLimits",
                            },
                        ],
                    },
                },
            },
            options: { parent: "analytics", dependsOn: ["analytics-deployment", "vpa-release"], ignoreChanges: [] },
        });
    });

    it("one replica: the VPA updater may still evict it (minReplicas 1)", async () => {
        const { children } = await construct(AnalyticsService, "analytics", { ...args, replicas: 1 });
        assert.deepEqual(named(children, "analytics-vpa").inputs.spec.updatePolicy, { updateMode: "Recreate", minReplicas: 1 });
        assert.equal(named(children, "analytics-deployment").inputs.spec.replicas, 1);
    });

    it("the ServiceAccount mounts no token; the PDB and PodMonitor select the pods", async () => {
        const { children } = await construct(AnalyticsService, "analytics", args);
        assert.deepEqual(named(children, "analytics-sa"), {
            type: "kubernetes:core/v1:ServiceAccount",
            name: "analytics-sa",
            inputs: { apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: false },
            options: child,
        });
        assert.deepEqual(named(children, "analytics-pdb").inputs.spec, {
            maxUnavailable: 1,
            selector: { matchLabels: selector },
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
        assert.deepEqual(named(children, "analytics-monitor"), {
            type: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
            name: "analytics-monitor",
            inputs: {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PodMonitor",
                metadata: { ...metadata, labels: { ...labels, release: "kube-prometheus-stack" } },
                spec: { selector: { matchLabels: selector }, podMetricsEndpoints: [{ port: "http", path: "/metrics", interval: "30s" }] },
            },
            options: child,
        });
    });

    it("exposes the Deployment's name", async () => {
        const { component } = await construct(AnalyticsService, "analytics", args);
        assert.equal(await valueOf(component.deploymentName), "sysmanage-analytics");
    });

    it("refuses fewer than one replica, naming the workload and the value", async () => {
        await assert.rejects(construct(AnalyticsService, "analytics", { ...args, replicas: 0 }), {
            message: "sysmanage-analytics: replicas (0) must be >= 1",
        });
    });
});
