/**
 * Pure builders for the pieces every workload shares: labels, the pod template (probes,
 * security, spread, graceful shutdown) and the disruption budget. Plain data in, plain
 * Kubernetes objects out: no Pulumi here, so tests and policies can call them directly.
 */
import { safeToEvict } from "../policies/contract";
import type {
    Affinity,
    PodTemplateSpec,
    Container,
    EnvVar,
    SecurityContext,
    Toleration,
    TopologySpreadConstraint,
} from "kubernetes-types/core/v1";
import type { PodDisruptionBudgetSpec } from "kubernetes-types/policy/v1";
import type { DeploymentSpec } from "kubernetes-types/apps/v1";

export const PART_OF = "sysmanage";
export const MANAGED_BY = "pulumi";
/** Non-root UID/GID every container runs as (the images are built for it). */
export const RUN_AS = 10001;

export interface WorkloadIdentity {
    /** Kubernetes name of the workload, e.g. `sysmanage-api`. */
    readonly name: string;
    /** `app.kubernetes.io/component`: api, worker, analytics. */
    readonly component: string;
    /** `app.kubernetes.io/instance`: the stack. */
    readonly instance: string;
    /** Image reference; its tag becomes `app.kubernetes.io/version`. */
    readonly image: string;
}

/** The labels that select a workload's pods: stable for the workload's life. */
export function selectorLabels(id: Pick<WorkloadIdentity, "name" | "instance">): Record<string, string> {
    return { "app.kubernetes.io/name": id.name, "app.kubernetes.io/instance": id.instance };
}

/** The tag (or digest prefix) of an image, usable as a label value. */
export function imageVersion(image: string): string {
    const at = image.indexOf("@");
    if (at >= 0)
        return image
            .slice(at + 1)
            .replace(":", "-")
            .slice(0, 63);
    const last = image.slice(image.lastIndexOf("/") + 1);
    return last.includes(":") ? last.slice(last.indexOf(":") + 1).slice(0, 63) : "unversioned";
}

/** All recommended `app.kubernetes.io/*` labels. */
export function standardLabels(id: WorkloadIdentity): Record<string, string> {
    return {
        ...selectorLabels(id),
        "app.kubernetes.io/component": id.component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/version": imageVersion(id.image),
    };
}

export interface PodArgs extends WorkloadIdentity {
    readonly port: number;
    readonly serviceAccountName: string;
    readonly resources: { cpuRequest: string; memoryRequest: string; memoryLimit: string; cpuLimit: string };
    readonly probes: { startupFailureThreshold: number; readinessPeriodSeconds: number; livenessPeriodSeconds: number };
    readonly shutdown: { terminationGracePeriodSeconds: number; preStopSleepSeconds: number };
    readonly zones: readonly string[];
    /** Environment in order: plain values and `secretKeyRef`s (plan/connections.ts builds the data tier's). */
    readonly env?: readonly EnvVar[];
    /** Pod-template annotations (a change rolls the pods: the credentials version). */
    readonly annotations?: Readonly<Record<string, string>>;
    /** Name of the container (the VPA's containerPolicies refer to it). */
    readonly containerName?: string;
    /** The pod's PriorityClass (policies/contract/scheduling.ts); none when omitted. */
    readonly priorityClassName?: string;
    /** Node affinity and tolerations by capacity type (lib/placement.ts); none when omitted. */
    readonly placement?: { readonly affinity?: Affinity; readonly tolerations?: readonly Toleration[] };
    /** ConfigMaps mounted read-only as directories (the shard map: plan/connections.ts). */
    readonly configMaps?: readonly { readonly name: string; readonly configMap: string; readonly mountPath: string }[];
}

/** Zone and host spread. Zone spread is hard when there is more than one zone. */
export function topologySpread(args: Pick<PodArgs, "name" | "instance" | "zones">): TopologySpreadConstraint[] {
    const labelSelector = { matchLabels: selectorLabels(args) };
    // pod-template-hash spreads each rollout's pods, not old and new together (KEP-3243).
    const matchLabelKeys = ["pod-template-hash"];
    return [
        {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: args.zones.length > 1 ? "DoNotSchedule" : "ScheduleAnyway",
            labelSelector,
            matchLabelKeys,
        },
        { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector, matchLabelKeys },
    ];
}

/** A container's security context under the restricted Pod Security profile, with a read-only root. */
export function restrictedContainer(): SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

export function container(args: PodArgs): Container {
    const http = (path: string) => ({ path, port: "http" });
    const limits: Record<string, string> = { memory: args.resources.memoryLimit };
    if (args.resources.cpuLimit) limits.cpu = args.resources.cpuLimit;
    return {
        name: args.containerName ?? "app",
        image: args.image,
        imagePullPolicy: "IfNotPresent",
        ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }],
        env: [...(args.env ?? [])],
        resources: { requests: { cpu: args.resources.cpuRequest, memory: args.resources.memoryRequest }, limits },
        readinessProbe: {
            httpGet: http("/health/ready"),
            periodSeconds: args.probes.readinessPeriodSeconds,
            timeoutSeconds: 2,
            failureThreshold: 3,
        },
        livenessProbe: {
            httpGet: http("/health/live"),
            periodSeconds: args.probes.livenessPeriodSeconds,
            timeoutSeconds: 3,
            failureThreshold: 3,
        },
        ...(args.probes.startupFailureThreshold > 0
            ? {
                  startupProbe: {
                      httpGet: http("/health/live"),
                      periodSeconds: 5,
                      timeoutSeconds: 3,
                      failureThreshold: args.probes.startupFailureThreshold,
                  },
              }
            : {}),
        // The sleep lets endpoints and load balancers drop the pod before SIGTERM arrives.
        // The sleep action (Kubernetes 1.30+) needs no shell or sleep binary in the image.
        lifecycle: { preStop: { sleep: { seconds: args.shutdown.preStopSleepSeconds } } },
        securityContext: restrictedContainer(),
        volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            ...(args.configMaps ?? []).map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: true })),
        ],
    };
}

/** The pod template: restricted Pod Security profile, probes, spread, graceful shutdown. */
export function podTemplate(args: PodArgs): PodTemplateSpec {
    return {
        // /tmp is scratch: Cluster Autoscaler may drain the node (policy wl-evictable-local-volumes).
        metadata: { labels: standardLabels(args), annotations: { ...safeToEvict("tmp"), ...args.annotations } },
        spec: {
            serviceAccountName: args.serviceAccountName,
            automountServiceAccountToken: false,
            ...(args.priorityClassName ? { priorityClassName: args.priorityClassName } : {}),
            terminationGracePeriodSeconds: args.shutdown.terminationGracePeriodSeconds,
            ...(args.placement?.affinity ? { affinity: args.placement.affinity } : {}),
            ...(args.placement?.tolerations ? { tolerations: [...args.placement.tolerations] } : {}),
            securityContext: {
                runAsNonRoot: true,
                runAsUser: RUN_AS,
                runAsGroup: RUN_AS,
                fsGroup: RUN_AS,
                seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraints: topologySpread(args),
            containers: [container(args)],
            // The root filesystem is read-only; /tmp is the one writable path.
            volumes: [
                { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                ...(args.configMaps ?? []).map((m) => ({ name: m.name, configMap: { name: m.configMap } })),
            ],
        },
    };
}

/**
 * A budget that always allows one voluntary eviction, also at minReplicas (a `minAvailable`
 * equal to the floor would block node drains). Unhealthy pods may always be evicted.
 */
export function disruptionBudget(id: Pick<WorkloadIdentity, "name" | "instance">): PodDisruptionBudgetSpec {
    return {
        maxUnavailable: 1,
        selector: { matchLabels: selectorLabels(id) },
        unhealthyPodEvictionPolicy: "AlwaysAllow",
    };
}

/**
 * A Deployment of `replicas` pods (for an HPA target, its first rollout: the HPA owns the count
 * after it): surge without unavailability, five revisions kept.
 */
export function deploymentSpec(args: PodArgs, replicas: number): DeploymentSpec {
    return {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selectorLabels(args) },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        minReadySeconds: 5,
        template: podTemplate(args),
    };
}
