/**
 * Overprovisioning placeholders (issue 17 #4), pure: a Deployment of pause pods at the lowest
 * priority, holding room on the nodes for real pods. When a real pod finds no room the scheduler
 * preempts a placeholder at once (grace 0), the real pod starts on the node that is already up,
 * and the cluster autoscaler adds a node for the pending placeholder in the background: the
 * node's start-up time leaves the scale-up path.
 */
import type { Deployment, DeploymentSpec } from "kubernetes-types/apps/v1";
import type { Affinity } from "kubernetes-types/core/v1";
import { OVERPROVISIONING_CLASS, PLACEHOLDER_ROLE, ROLE_LABEL } from "../policies/contract";
import { restrictedContainer, selectorLabels, standardLabels, topologySpread } from "./workload";

/**
 * registry.k8s.io/pause 3.10, pinned by digest (the same digest several public projects pin;
 * not resolved against the registry here). It sleeps until signalled and writes nothing.
 */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a";
/** The pause image's own user (65535, "nobody"): it needs no other. */
export const PAUSE_UID = 65535;
export const OVERPROVISIONING_NAME = "sysmanage-overprovisioning";

export interface PlaceholderArgs {
    readonly instance: string;
    readonly replicas: number;
    /** Room each placeholder holds: requests = limits (Guaranteed QoS, so the room is exact). */
    readonly cpu: string;
    readonly memory: string;
    readonly zones: readonly string[];
    /** The API's node affinity: the room is held where API pods may run. */
    readonly affinity?: Affinity;
}

/** The placeholder Deployment (the component sets its namespace): no Service, no probes (pause never becomes unready), no PDB (evicting one is the point). */
export function placeholderDeployment(a: PlaceholderArgs): Deployment & { metadata: { name: string }; spec: DeploymentSpec } {
    const id = { name: OVERPROVISIONING_NAME, component: "overprovisioning", instance: a.instance, image: PAUSE_IMAGE };
    const labels = { ...standardLabels(id), [ROLE_LABEL]: PLACEHOLDER_ROLE };
    const room = { cpu: a.cpu, memory: a.memory };
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: OVERPROVISIONING_NAME, labels },
        spec: {
            replicas: a.replicas,
            revisionHistoryLimit: 2,
            selector: { matchLabels: selectorLabels(id) },
            template: {
                metadata: { labels },
                spec: {
                    priorityClassName: OVERPROVISIONING_CLASS.name,
                    // Preempted placeholders must free their room at once.
                    terminationGracePeriodSeconds: 0,
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    ...(a.affinity ? { affinity: a.affinity } : {}),
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: PAUSE_UID,
                        runAsGroup: PAUSE_UID,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    // Room in every zone: a scale-up spreads its pods over the zones too.
                    topologySpreadConstraints: topologySpread({ ...id, zones: a.zones }),
                    containers: [
                        {
                            name: "pause",
                            image: PAUSE_IMAGE,
                            imagePullPolicy: "IfNotPresent",
                            resources: { requests: room, limits: room },
                            securityContext: restrictedContainer(),
                        },
                    ],
                },
            },
        },
    };
}
