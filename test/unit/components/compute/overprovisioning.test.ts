/** Overprovisioning (issue 17 #4): the placeholder Deployment, recorded under the mock runtime and asserted exactly. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Overprovisioning } from "../../../../components/compute/overprovisioning";
import { construct, stub, typesAndNames } from "../../../support/components";

const PAUSE = "registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a";
const labels = {
    "app.kubernetes.io/name": "sysmanage-overprovisioning",
    "app.kubernetes.io/instance": "test",
    "app.kubernetes.io/component": "overprovisioning",
    "app.kubernetes.io/part-of": "sysmanage",
    "app.kubernetes.io/managed-by": "pulumi",
    // A label value holds 63 characters: "sha256-" and the digest's first 56.
    "app.kubernetes.io/version": "sha256-ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae",
    "sysmanage.io/role": "placeholder",
};
const selector = { "app.kubernetes.io/name": "sysmanage-overprovisioning", "app.kubernetes.io/instance": "test" };
const spread = (topologyKey: string, whenUnsatisfiable: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: selector },
    matchLabelKeys: ["pod-template-hash"],
});

describe("Overprovisioning", () => {
    it("one Deployment of restricted pause pods at the placeholders' class, requests = limits, grace 0, after the class", async () => {
        const { self, children } = await construct(Overprovisioning, "overprovisioning", () => ({
            namespace: "sysmanage-test",
            instance: "test",
            replicas: 3,
            cpu: "500m",
            memory: "512Mi",
            zones: ["a", "b"],
            priorityClass: stub("priority-overprovisioning"),
        }));
        assert.deepEqual(typesAndNames([self, ...children]), [
            ["sysmanage:compute:Overprovisioning", "overprovisioning"],
            ["kubernetes:apps/v1:Deployment", "overprovisioning"],
        ]);
        const [d] = children;
        assert.deepEqual(d.options, { parent: "overprovisioning", dependsOn: ["priority-overprovisioning"], ignoreChanges: [] });
        const room = { cpu: "500m", memory: "512Mi" };
        assert.deepEqual(d.inputs, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "sysmanage-overprovisioning", namespace: "sysmanage-test", labels },
            spec: {
                replicas: 3,
                revisionHistoryLimit: 2,
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels },
                    spec: {
                        priorityClassName: "sysmanage-overprovisioning",
                        terminationGracePeriodSeconds: 0,
                        automountServiceAccountToken: false,
                        enableServiceLinks: false,
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: 65535,
                            runAsGroup: 65535,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        topologySpreadConstraints: [
                            spread("topology.kubernetes.io/zone", "DoNotSchedule"),
                            spread("kubernetes.io/hostname", "ScheduleAnyway"),
                        ],
                        containers: [
                            {
                                name: "pause",
                                image: PAUSE,
                                imagePullPolicy: "IfNotPresent",
                                resources: { requests: room, limits: room },
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    readOnlyRootFilesystem: true,
                                    runAsNonRoot: true,
                                    capabilities: { drop: ["ALL"] },
                                    seccompProfile: { type: "RuntimeDefault" },
                                },
                            },
                        ],
                    },
                },
            },
        });
    });
});
