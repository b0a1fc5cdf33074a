import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import type { RecordingRuleSpec } from "../../lib/floorSchedule";
import { podMonitorSpec, serviceMonitorSpec } from "../../lib/monitors";
import { hpaSpec, utilizationResources, type ReplicaBounds, type ScalingMetric } from "../../lib/hpa";
import { SCALED_OBJECT_API_VERSION, type ScaledObjectSpec } from "../../lib/scaledObject";
import { deploymentSpec, disruptionBudget, selectorLabels, standardLabels, type PodArgs } from "../../lib/workload";

export interface ScalableServiceArgs {
    /** Namespace of every child (pass the Namespace's name output so it is created first). */
    readonly namespace: pulumi.Input<string>;
    /** Pod shape: identity, image, port, resources, probes, shutdown, zones. `serviceAccountName` is set here. */
    readonly pod: Omit<PodArgs, "serviceAccountName">;
    /** HPA bounds. An input of the component so the forecasting step can size them. */
    readonly bounds: ReplicaBounds;
    /** What the HPA scales on. */
    readonly metrics: readonly ScalingMetric[];
    /** HPA scale-up/scale-down behavior. */
    readonly behavior: HorizontalPodAutoscalerBehavior;
    /**
     * Create a ClusterIP Service on the pod's http port (for workloads that receive traffic).
     * @default false
     */
    readonly exposeService?: boolean;
    /**
     * How Prometheus finds the pods: a ServiceMonitor on the Service, or a PodMonitor.
     * @default "service" when exposeService, otherwise "pod"
     */
    readonly monitor?: "service" | "pod";
    /** Labels on the monitor object so the Prometheus instance selects it. */
    readonly monitorLabels: Record<string, string>;
    /** Scrape interval, e.g. `15s`. */
    readonly scrapeInterval: string;
    /** Extra annotations on the HPA (the forecasting step records its inputs here). */
    readonly hpaAnnotations?: Record<string, string>;
    /** The forecast's floor schedule as recording rules: a PrometheusRule `<name>-schedule` beside the HPA. */
    readonly scheduleRules?: RecordingRuleSpec;
    /**
     * The Secrets the pod reads by `secretKeyRef`: the Deployment waits for them, so on a
     * credential rotation the new password is in its Secret before the pods roll onto it.
     * @default none
     */
    readonly secrets?: pulumi.Resource[];
    /**
     * A spot pool's floor (issue 17 #2): a Deployment of `replicas` pods pinned to on-demand nodes,
     * with its own PDB and PodMonitor, beside the spot Deployment the HPA scales.
     * @default none
     */
    readonly onDemandFloor?: { readonly replicas: number; readonly pod: Omit<PodArgs, "serviceAccountName"> };
    /** Annotations of the Deployment (a spot burst names its on-demand floor). @default none */
    readonly deploymentAnnotations?: Record<string, string>;
    /**
     * A pool that scales to zero (issue 17 #4): a KEDA ScaledObject in place of the HPA (KEDA
     * creates `keda-hpa-<name>`; a second HPA on the Deployment would fight it). It carries
     * `hpaAnnotations`. @default none: an HPA from bounds, metrics and behavior
     */
    readonly scaledObject?: ScaledObjectSpec;
    /** What the ScaledObject waits for (KEDA's release: its CRD). @default none */
    readonly scaledObjectDependsOn?: pulumi.Resource[];
}

/**
 * An autoscaled workload: ServiceAccount, Deployment, optional Service, HPA (autoscaling/v2),
 * PodDisruptionBudget, a Prometheus monitor and, when the forecast schedules its floor, the
 * schedule's PrometheusRule. The HPA owns the replica count; a pool that scales to zero has a
 * KEDA ScaledObject instead (KEDA's HPA then owns it).
 */
export class ScalableService extends pulumi.ComponentResource {
    public readonly deploymentName: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string> | undefined;
    public readonly minReplicas: number;
    public readonly maxReplicas: number;

    constructor(name: string, args: ScalableServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sysmanage:compute:ScalableService", name, {}, opts);
        const p = args.pod;
        // Utilization divides by requests: a resource the HPA scales on must be requested.
        for (const r of utilizationResources(args.metrics)) {
            const req = r === "cpu" ? p.resources.cpuRequest : p.resources.memoryRequest;
            if (!req) throw new Error(`${p.name}: the HPA scales on ${r} utilization, so the container must request ${r}`);
        }
        const labels = standardLabels(p);
        const meta = (suffix = "") => ({ name: `${p.name}${suffix}`, namespace: args.namespace, labels });
        const child = { parent: this };

        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta(), automountServiceAccountToken: false }, child);
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { ...meta(), annotations: args.deploymentAnnotations },
                // First rollout starts at the floor; from then on the HPA owns the count.
                spec: deploymentSpec(
                    { ...p, serviceAccountName: p.name },
                    args.bounds.minReplicas,
                ) as k8s.types.input.apps.v1.DeploymentSpec,
            },
            // A component's ignoreChanges does not reach its children (pulumi-kubernetes #2717).
            { ...child, ignoreChanges: ["spec.replicas"], dependsOn: [sa, ...(args.secrets ?? [])] },
        );

        let service: k8s.core.v1.Service | undefined;
        if (args.exposeService) {
            service = new k8s.core.v1.Service(
                `${name}-service`,
                {
                    metadata: meta(),
                    spec: {
                        type: "ClusterIP",
                        selector: selectorLabels(p),
                        ports: [{ name: "http", port: p.port, targetPort: "http", protocol: "TCP" }],
                    },
                },
                child,
            );
        }

        if (args.scaledObject)
            new k8s.apiextensions.CustomResource(
                `${name}-scaledobject`,
                {
                    apiVersion: SCALED_OBJECT_API_VERSION,
                    kind: "ScaledObject",
                    metadata: { ...meta(), annotations: args.hpaAnnotations },
                    spec: args.scaledObject,
                },
                { ...child, dependsOn: [deployment, ...(args.scaledObjectDependsOn ?? [])] },
            );
        else
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                `${name}-hpa`,
                {
                    metadata: { ...meta(), annotations: args.hpaAnnotations },
                    spec: hpaSpec(
                        p.name,
                        args.bounds,
                        args.metrics,
                        args.behavior,
                    ) as k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec,
                },
                { ...child, dependsOn: [deployment] },
            );
        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: meta(), spec: disruptionBudget(p) }, child);

        this.declareMonitoring(name, p.name, labels, args, child);
        if (args.onDemandFloor) this.declareOnDemandFloor(name, args, [sa, ...(args.secrets ?? [])], child);

        this.deploymentName = deployment.metadata.name;
        this.serviceName = service?.metadata.name;
        this.minReplicas = args.bounds.minReplicas;
        this.maxReplicas = args.bounds.maxReplicas;
        this.registerOutputs({ deploymentName: this.deploymentName, serviceName: this.serviceName });
    }

    /**
     * The on-demand floor: a fixed-size Deployment (no HPA: Pulumi owns its replicas), its PDB and
     * its PodMonitor. Its pods run as the pool's ServiceAccount.
     */
    private declareOnDemandFloor(
        name: string,
        args: ScalableServiceArgs,
        dependsOn: pulumi.Resource[],
        child: pulumi.CustomResourceOptions,
    ): void {
        const { replicas, pod } = args.onDemandFloor!;
        const labels = standardLabels(pod);
        const metadata = { name: pod.name, namespace: args.namespace, labels };
        new k8s.apps.v1.Deployment(
            `${name}-on-demand-deployment`,
            {
                metadata,
                spec: deploymentSpec({ ...pod, serviceAccountName: args.pod.name }, replicas) as k8s.types.input.apps.v1.DeploymentSpec,
            },
            { ...child, dependsOn },
        );
        new k8s.policy.v1.PodDisruptionBudget(`${name}-on-demand-pdb`, { metadata, spec: disruptionBudget(pod) }, child);
        new k8s.apiextensions.CustomResource(
            `${name}-on-demand-monitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PodMonitor",
                metadata: { ...metadata, labels: { ...labels, ...args.monitorLabels } },
                spec: podMonitorSpec(selectorLabels(pod), args.scrapeInterval),
            },
            child,
        );
    }

    /** The pods' Prometheus monitor and, when scheduled, the floor schedule's PrometheusRule. */
    private declareMonitoring(
        name: string,
        podName: string,
        labels: Record<string, string>,
        args: ScalableServiceArgs,
        child: pulumi.CustomResourceOptions,
    ): void {
        const monitor = args.monitor ?? (args.exposeService ? "service" : "pod");
        new k8s.apiextensions.CustomResource(
            `${name}-monitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: monitor === "service" ? "ServiceMonitor" : "PodMonitor",
                metadata: { name: podName, namespace: args.namespace, labels: { ...labels, ...args.monitorLabels } },
                spec:
                    monitor === "service"
                        ? serviceMonitorSpec(selectorLabels(args.pod), args.scrapeInterval)
                        : podMonitorSpec(selectorLabels(args.pod), args.scrapeInterval),
            },
            child,
        );

        if (args.scheduleRules)
            new k8s.apiextensions.CustomResource(
                `${name}-schedule`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PrometheusRule",
                    metadata: { name: `${podName}-schedule`, namespace: args.namespace, labels: { ...labels, ...args.monitorLabels } },
                    spec: args.scheduleRules,
                },
                child,
            );
    }
}
