/** ScalableService: what it declares for one workload, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ScalableService, type ScalableServiceArgs } from "../../../../components/compute/scalableService";
import { API_BEHAVIOR } from "../../../../lib/hpa";
import { construct, named, stub, typesAndNames, valueOf } from "../../../support/components";

const pod: ScalableServiceArgs["pod"] = {
    name: "sysmanage-api",
    component: "api",
    instance: "test",
    image: "ghcr.io/sysmanage/sysmanage-api:2.4.1",
    port: 8000,
    resources: { cpuRequest: "250m", memoryRequest: "256Mi", memoryLimit: "512Mi", cpuLimit: "" },
    probes: { startupFailureThreshold: 30, readinessPeriodSeconds: 5, livenessPeriodSeconds: 10 },
    shutdown: { terminationGracePeriodSeconds: 45, preStopSleepSeconds: 10 },
    zones: ["a", "b"],
};

const args: ScalableServiceArgs = {
    namespace: "sysmanage-test",
    pod,
    bounds: { minReplicas: 2, maxReplicas: 6 },
    metrics: [
        { kind: "cpu", utilization: 70 },
        { kind: "pods", name: "http_requests_per_second", averageValue: "100" },
    ],
    behavior: API_BEHAVIOR,
    exposeService: true,
    monitorLabels: { release: "kube-prometheus-stack" },
    scrapeInterval: "15s",
    hpaAnnotations: { "sysmanage.io/forecast-model": "median-ensemble" },
};

const labels = {
    "app.kubernetes.io/name": "sysmanage-api",
    "app.kubernetes.io/instance": "test",
    "app.kubernetes.io/component": "api",
    "app.kubernetes.io/part-of": "sysmanage",
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/version": "2.4.1",
};
const selector = { "app.kubernetes.io/name": "sysmanage-api", "app.kubernetes.io/instance": "test" };
const metadata = { name: "sysmanage-api", namespace: "sysmanage-test", labels };
const child = { parent: "api", dependsOn: [], ignoreChanges: [] };

describe("ScalableService", () => {
    it("declares a ServiceAccount, Deployment, Service, HPA, PDB and ServiceMonitor, all children of the component", async () => {
        const { self, children } = await construct(ScalableService, "api", args);
        assert.deepEqual(typesAndNames([self]), [["sysmanage:compute:ScalableService", "api"]]);
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:core/v1:ServiceAccount", "api-sa"],
            ["kubernetes:apps/v1:Deployment", "api-deployment"],
            ["kubernetes:core/v1:Service", "api-service"],
            ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "api-pdb"],
            ["kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "api-monitor"],
        ]);
        assert.deepEqual(
            children.map((c) => c.options.parent),
            children.map(() => "api"),
        );
    });

    it("the Deployment waits for the Secrets its pods read (a rotated password is in them before the pods roll)", async () => {
        const { children } = await construct(ScalableService, "api", () => ({
            ...args,
            secrets: [stub("db-roles-sysmanage_write-secret"), stub("redis-auth")],
        }));
        assert.deepEqual(named(children, "api-deployment").options, {
            parent: "api",
            dependsOn: ["api-sa", "db-roles-sysmanage_write-secret", "redis-auth"],
            ignoreChanges: ["spec.replicas"],
        });
    });

    it("the HPA owns the replicas: the Deployment starts at minReplicas and ignores later changes of spec.replicas", async () => {
        const { children } = await construct(ScalableService, "api", args);
        const deployment = named(children, "api-deployment");
        assert.deepEqual(deployment.options, { parent: "api", dependsOn: ["api-sa"], ignoreChanges: ["spec.replicas"] });
        assert.equal(deployment.inputs.spec.replicas, 2);
        const hpa = named(children, "api-hpa");
        assert.deepEqual(hpa.options, { parent: "api", dependsOn: ["api-deployment"], ignoreChanges: [] });
        assert.deepEqual(hpa.inputs, {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: { ...metadata, annotations: { "sysmanage.io/forecast-model": "median-ensemble" } },
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "sysmanage-api" },
                minReplicas: 2,
                maxReplicas: 6,
                metrics: [
                    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                    {
                        type: "Pods",
                        pods: { metric: { name: "http_requests_per_second" }, target: { type: "AverageValue", averageValue: "100" } },
                    },
                ],
                behavior: API_BEHAVIOR,
            },
        });
    });

    it("the Deployment: the pod template with the workload's ServiceAccount, requests the HPA divides by, and spread over zones", async () => {
        const { children } = await construct(ScalableService, "api", args);
        assert.deepEqual(named(children, "api-deployment").inputs, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata,
            spec: {
                replicas: 2,
                revisionHistoryLimit: 5,
                selector: { matchLabels: selector },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
                minReadySeconds: 5,
                template: {
                    metadata: { labels, annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "tmp" } },
                    spec: {
                        serviceAccountName: "sysmanage-api",
                        automountServiceAccountToken: false,
                        terminationGracePeriodSeconds: 45,
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: 10001,
                            runAsGroup: 10001,
                            fsGroup: 10001,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        topologySpreadConstraints: [
                            {
                                maxSkew: 1,
                                topologyKey: "topology.kubernetes.io/zone",
                                whenUnsatisfiable: "DoNotSchedule",
                                labelSelector: { matchLabels: selector },
                                matchLabelKeys: ["pod-template-hash"],
                            },
                            {
                                maxSkew: 1,
                                topologyKey: "kubernetes.io/hostname",
                                whenUnsatisfiable: "ScheduleAnyway",
                                labelSelector: { matchLabels: selector },
                                matchLabelKeys: ["pod-template-hash"],
                            },
                        ],
                        containers: [
                            {
                                name: "app",
                                image: "ghcr.io/sysmanage/sysmanage-api:2.4.1",
                                imagePullPolicy: "IfNotPresent",
                                env: [],
                                ports: [{ name: "http", containerPort: 8000, protocol: "TCP" }],
                                resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    capabilities: { drop: ["ALL"] },
                                    readOnlyRootFilesystem: true,
                                    runAsNonRoot: true,
                                    seccompProfile: { type: "RuntimeDefault" },
                                },
                                startupProbe: {
                                    httpGet: { path: "/health/live", port: "http" },
                                    periodSeconds: 5,
                                    timeoutSeconds: 3,
                                    failureThreshold: 30,
                                },
                                readinessProbe: {
                                    httpGet: { path: "/health/ready", port: "http" },
                                    periodSeconds: 5,
                                    timeoutSeconds: 2,
                                    failureThreshold: 3,
                                },
                                livenessProbe: {
                                    httpGet: { path: "/health/live", port: "http" },
                                    periodSeconds: 10,
                                    timeoutSeconds: 3,
                                    failureThreshold: 3,
                                },
                                lifecycle: { preStop: { sleep: { seconds: 10 } } },
                                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                            },
                        ],
                        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
                    },
                },
            },
        });
    });

    it("the ServiceAccount mounts no token; the Service, PDB and ServiceMonitor select the workload's pods", async () => {
        const { children } = await construct(ScalableService, "api", args);
        assert.deepEqual(named(children, "api-sa"), {
            type: "kubernetes:core/v1:ServiceAccount",
            name: "api-sa",
            inputs: { apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: false },
            options: child,
        });
        assert.deepEqual(named(children, "api-service"), {
            type: "kubernetes:core/v1:Service",
            name: "api-service",
            inputs: {
                apiVersion: "v1",
                kind: "Service",
                metadata,
                spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }] },
            },
            options: child,
        });
        assert.deepEqual(named(children, "api-pdb"), {
            type: "kubernetes:policy/v1:PodDisruptionBudget",
            name: "api-pdb",
            inputs: {
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata,
                spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
            },
            options: child,
        });
        assert.deepEqual(named(children, "api-monitor"), {
            type: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
            name: "api-monitor",
            inputs: {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: { ...metadata, labels: { ...labels, release: "kube-prometheus-stack" } },
                spec: { selector: { matchLabels: selector }, endpoints: [{ port: "http", path: "/metrics", interval: "15s" }] },
            },
            options: child,
        });
    });

    it("exposes the Deployment's and Service's names and the bounds", async () => {
        const { component } = await construct(ScalableService, "api", args);
        assert.equal(await valueOf(component.deploymentName), "sysmanage-api");
        assert.equal(await valueOf(component.serviceName!), "sysmanage-api");
        assert.deepEqual([component.minReplicas, component.maxReplicas], [2, 6]);
    });

    it("a workload without a Service gets a PodMonitor and no serviceName", async () => {
        const { component, children } = await construct(ScalableService, "worker", { ...args, exposeService: undefined });
        assert.deepEqual(typesAndNames(children), [
            ["kubernetes:core/v1:ServiceAccount", "worker-sa"],
            ["kubernetes:apps/v1:Deployment", "worker-deployment"],
            ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "worker-hpa"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "worker-pdb"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "worker-monitor"],
        ]);
        assert.deepEqual(named(children, "worker-monitor").inputs.spec, {
            selector: { matchLabels: selector },
            podMetricsEndpoints: [{ port: "http", path: "/metrics", interval: "15s" }],
        });
        assert.equal(component.serviceName, undefined);
    });

    it("monitor: pod overrides the ServiceMonitor of an exposed workload", async () => {
        const { children } = await construct(ScalableService, "api", { ...args, monitor: "pod" });
        assert.deepEqual(typesAndNames(children).slice(2), [
            ["kubernetes:core/v1:Service", "api-service"],
            ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "api-pdb"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "api-monitor"],
        ]);
    });

    it("a pool that scales to zero: a KEDA ScaledObject (after the Deployment and KEDA's release) in place of the HPA", async () => {
        const spec = {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "sysmanage-api" },
            minReplicaCount: 0,
            maxReplicaCount: 6,
            triggers: [],
        };
        const { children } = await construct(ScalableService, "api", () => ({
            ...args,
            scaledObject: spec,
            scaledObjectDependsOn: [stub("keda-release")],
        }));
        assert.deepEqual(typesAndNames(children).slice(2, 4), [
            ["kubernetes:core/v1:Service", "api-service"],
            ["kubernetes:keda.sh/v1alpha1:ScaledObject", "api-scaledobject"],
        ]);
        const so = named(children, "api-scaledobject");
        assert.deepEqual(so.inputs, {
            apiVersion: "keda.sh/v1alpha1",
            kind: "ScaledObject",
            metadata: { ...metadata, annotations: { "sysmanage.io/forecast-model": "median-ensemble" } },
            spec,
        });
        assert.deepEqual(so.options.dependsOn, ["api-deployment", "keda-release"]);
        assert.equal(children.filter((c) => c.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
    });

    it("refuses a utilization metric on a resource the container does not request", async () => {
        const noCpu = { ...pod, resources: { ...pod.resources, cpuRequest: "" } };
        await assert.rejects(construct(ScalableService, "api", { ...args, pod: noCpu }), {
            message: "sysmanage-api: the HPA scales on cpu utilization, so the container must request cpu",
        });
        const noMemory = { ...pod, resources: { ...pod.resources, memoryRequest: "" } };
        await assert.rejects(
            construct(ScalableService, "api", { ...args, pod: noMemory, metrics: [{ kind: "memory", utilization: 80 }] }),
            { message: "sysmanage-api: the HPA scales on memory utilization, so the container must request memory" },
        );
    });

    it("refuses bounds the HPA cannot have, naming both values, and an HPA without metrics", async () => {
        await assert.rejects(construct(ScalableService, "api", { ...args, bounds: { minReplicas: 7, maxReplicas: 6 } }), {
            message: "sysmanage-api: minReplicas (7) must be <= maxReplicas (6)",
        });
        await assert.rejects(construct(ScalableService, "api", { ...args, bounds: { minReplicas: 0, maxReplicas: 6 } }), {
            message: "sysmanage-api: minReplicas (0) must be >= 1",
        });
        await assert.rejects(construct(ScalableService, "api", { ...args, metrics: [] }), {
            message: "sysmanage-api: an HPA needs at least one metric",
        });
    });
});

describe("ScalableService with an on-demand floor (issue 17 #2)", () => {
    const floorPod = { ...pod, name: "sysmanage-api-on-demand" };
    const floorArgs = (): ScalableServiceArgs => ({
        ...args,
        onDemandFloor: { replicas: 3, pod: floorPod },
        deploymentAnnotations: { "sysmanage.io/on-demand-floor": "sysmanage-api-on-demand" },
        secrets: [stub("redis-auth")],
    });
    const floorSelector = { "app.kubernetes.io/name": "sysmanage-api-on-demand", "app.kubernetes.io/instance": "test" };
    const floorMeta = { name: "sysmanage-api-on-demand", namespace: "sysmanage-test", labels: { ...labels, ...floorSelector } };

    it("adds the floor's Deployment (fixed replicas, the pool's ServiceAccount, no ignoreChanges), PDB and PodMonitor after the pool's children", async () => {
        const { children } = await construct(ScalableService, "api", floorArgs);
        assert.deepEqual(typesAndNames(children).slice(6), [
            ["kubernetes:apps/v1:Deployment", "api-on-demand-deployment"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "api-on-demand-pdb"],
            ["kubernetes:monitoring.coreos.com/v1:PodMonitor", "api-on-demand-monitor"],
        ]);
        const d = named(children, "api-on-demand-deployment");
        assert.deepEqual(d.options, { parent: "api", dependsOn: ["api-sa", "redis-auth"], ignoreChanges: [] });
        assert.deepEqual(d.inputs.metadata, floorMeta);
        assert.equal(d.inputs.spec.replicas, 3);
        assert.deepEqual(d.inputs.spec.selector, { matchLabels: floorSelector });
        assert.equal(d.inputs.spec.template.spec.serviceAccountName, "sysmanage-api");
        assert.deepEqual(named(children, "api-on-demand-pdb").inputs.spec, {
            maxUnavailable: 1,
            selector: { matchLabels: floorSelector },
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
        assert.deepEqual(named(children, "api-on-demand-monitor").inputs.spec.selector, { matchLabels: floorSelector });
        // The HPA's Deployment names its floor.
        assert.deepEqual(named(children, "api-deployment").inputs.metadata.annotations, {
            "sysmanage.io/on-demand-floor": "sysmanage-api-on-demand",
        });
    });
});
