/** Workload rules: exact messages per failure mode. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as r from "../../../policies/rules";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { envConfig, fixture, messages, mutated, withExtra, type Fixture } from "../../support/policy";

const API = "Deployment app/api";
const app = (change: (c: any, spec: any, i: any) => void) =>
    mutated("api-deployment", (i) => change(i.spec.template.spec.containers[0], i.spec.template.spec, i));

describe("wl-min-replicas-non-hpa", () => {
    it("a workload without an HPA below the floor; dev accepts 1", async () => {
        const f = () => mutated("analytics-deployment", (i) => (i.spec.replicas = 1));
        assert.deepEqual(await messages(r.wlMinReplicasNonHpa, f()), [
            "Deployment app/analytics: runs 1 replica(s) without an HPA, below 2; set spec.replicas to 2 or more.",
        ]);
        assert.deepEqual(await messages(r.wlMinReplicasNonHpa, f(), envConfig("wl-min-replicas-non-hpa", "dev")), []);
    });
});

describe("wl-min-replicas-non-hpa: replicated kinds only", () => {
    it("a DaemonSet or a Job (no spec.replicas) is not held to the floor; a 1-replica Deployment is", async () => {
        const meta = (name: string) => ({ name, namespace: "app" });
        const pod = { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c", image: "x:1" }] } };
        const f: Fixture[] = [
            {
                type: "kubernetes:apps/v1:DaemonSet",
                name: "agent",
                inputs: {
                    apiVersion: "apps/v1",
                    kind: "DaemonSet",
                    metadata: meta("agent"),
                    spec: { selector: { matchLabels: { app: "x" } }, template: pod },
                },
            },
            {
                type: "kubernetes:batch/v1:Job",
                name: "once",
                inputs: { apiVersion: "batch/v1", kind: "Job", metadata: meta("once"), spec: { template: pod } },
            },
            {
                type: "kubernetes:apps/v1:Deployment",
                name: "web",
                inputs: {
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    metadata: meta("web"),
                    spec: { selector: { matchLabels: { app: "x" } }, template: pod },
                },
            },
        ];
        assert.deepEqual(await messages(r.wlMinReplicasNonHpa, f), [
            "Deployment app/web: runs 1 replica(s) without an HPA, below 2; set spec.replicas to 2 or more.",
        ]);
    });
});

describe("wl-resource-requests", () => {
    it("missing cpu and memory requests", async () => {
        assert.deepEqual(
            await messages(
                r.wlResourceRequests,
                app((c) => delete c.resources.requests),
            ),
            [
                `${API}: container app requests no cpu; set resources.requests.cpu (the scheduler and the HPA use it).`,
                `${API}: container app requests no memory; set resources.requests.memory (the scheduler and the HPA use it).`,
            ],
        );
    });
    it("an unknown container is skipped, the others still checked", async () => {
        const f = app((c, spec) => {
            delete c.resources.requests.cpu;
            spec.containers.push(UNKNOWN);
        });
        assert.deepEqual(await messages(r.wlResourceRequests, f), [
            `${API}: container app requests no cpu; set resources.requests.cpu (the scheduler and the HPA use it).`,
        ]);
    });
});

describe("wl-resource-limits", () => {
    it("no memory limit, limit below request, cpu limit when required", async () => {
        assert.deepEqual(
            await messages(
                r.wlResourceLimits,
                app((c) => delete c.resources.limits.memory),
            ),
            [`${API}: container app has no memory limit; set resources.limits.memory (without one a pod can exhaust its node's memory).`],
        );
        assert.deepEqual(
            await messages(
                r.wlResourceLimits,
                app((c) => (c.resources.limits.memory = "256Mi")),
            ),
            [`${API}: container app memory limit (256Mi) is below its request (512Mi); raise the limit to at least the request.`],
        );
        // The pods the operators build count too: the fixture's Cluster and RedisCluster set no CPU
        // limit (its Poolers do).
        assert.deepEqual(await messages(r.wlResourceLimits, fixture(), { requireCpuLimit: true }), [
            `${API}: container app has no cpu limit; set resources.limits.cpu.`,
            "Deployment app/analytics: container app has no cpu limit; set resources.limits.cpu.",
            "primary instance pod (pg-1) of Cluster app/pg: container postgres has no cpu limit; set resources.limits.cpu.",
            "primary instance pod (pg-1) of Cluster app/pg: container bootstrap-controller has no cpu limit; set resources.limits.cpu.",
            "replica instance pods (2) of Cluster app/pg: container postgres has no cpu limit; set resources.limits.cpu.",
            "replica instance pods (2) of Cluster app/pg: container bootstrap-controller has no cpu limit; set resources.limits.cpu.",
            "leader pods of RedisCluster app/redis (StatefulSet redis-leader, redis-operator v0.26.0): container redis-leader has no cpu limit; set resources.limits.cpu.",
            "follower pods of RedisCluster app/redis (StatefulSet redis-follower, redis-operator v0.26.0): container redis-follower has no cpu limit; set resources.limits.cpu.",
        ]);
    });
});

describe("wl-probes", () => {
    it("no readiness behind a Service, no liveness, liveness identical to readiness", async () => {
        assert.deepEqual(
            await messages(
                r.wlProbes,
                app((c) => delete c.readinessProbe),
            ),
            [`${API}: container app has no readinessProbe but Service app/api routes to it; add one so traffic only reaches ready pods.`],
        );
        assert.deepEqual(
            await messages(
                r.wlProbes,
                app((c) => delete c.livenessProbe),
            ),
            [`${API}: container app has no livenessProbe; add one so a hung process is restarted.`],
        );
        assert.deepEqual(
            await messages(
                r.wlProbes,
                app((c) => (c.livenessProbe = { ...c.readinessProbe })),
            ),
            [
                `${API}: container app livenessProbe is identical to its readinessProbe; point liveness at a cheaper endpoint (a slow dependency would otherwise restart every pod).`,
            ],
        );
    });
    it("readiness is not required where no Service routes; liveness is configurable", async () => {
        const f = () => mutated("analytics-deployment", (i) => delete i.spec.template.spec.containers[0].readinessProbe);
        assert.deepEqual(await messages(r.wlProbes, f()), []);
        const noLive = () => app((c) => delete c.livenessProbe);
        assert.deepEqual(await messages(r.wlProbes, noLive(), { requireLiveness: false }), []);
    });
});

describe("wl-graceful-shutdown", () => {
    it("no preStop hook, and a sleep as long as the grace period", async () => {
        assert.deepEqual(
            await messages(
                r.wlGracefulShutdown,
                app((c) => delete c.lifecycle),
            ),
            [`${API}: container app has no preStop hook; add lifecycle.preStop (a short sleep) so endpoints drop the pod before SIGTERM.`],
        );
        assert.deepEqual(
            await messages(
                r.wlGracefulShutdown,
                app((c) => (c.lifecycle.preStop.sleep.seconds = 30)),
            ),
            [
                `${API}: container app preStop sleep (30s) is not shorter than terminationGracePeriodSeconds (30s); lengthen the grace period or shorten the sleep, or the pod is killed before it drains.`,
            ],
        );
        assert.deepEqual(
            await messages(
                r.wlGracefulShutdown,
                app((c) => delete c.lifecycle),
                { requirePreStop: false },
            ),
            [],
        );
    });
});

describe("wl-rollout-safety", () => {
    it("Recreate, all pods unavailable, a rollout that cannot progress", async () => {
        assert.deepEqual(
            await messages(
                r.wlRolloutSafety,
                mutated("api-deployment", (i) => (i.spec.strategy = { type: "Recreate" })),
            ),
            [`${API}: uses the Recreate strategy, which takes every pod down at once; use RollingUpdate.`],
        );
        assert.deepEqual(
            await messages(
                r.wlRolloutSafety,
                mutated("api-deployment", (i) => (i.spec.strategy.rollingUpdate.maxUnavailable = "100%")),
            ),
            [`${API}: rollingUpdate.maxUnavailable (100%) lets a rollout take down all 3 pod(s); set maxUnavailable: 0 with a maxSurge.`],
        );
        assert.deepEqual(
            await messages(
                r.wlRolloutSafety,
                mutated("api-deployment", (i) => (i.spec.strategy.rollingUpdate.maxSurge = 0)),
            ),
            [`${API}: rollingUpdate has maxSurge and maxUnavailable both 0, so a rollout cannot progress; set maxSurge: 1.`],
        );
    });
});

describe("wl-image-pinned", () => {
    it("latest, untagged, and tag-only in prod (digest required) but not staging", async () => {
        assert.deepEqual(
            await messages(
                r.wlImagePinned,
                app((c) => (c.image = "ghcr.io/sysmanage/api:latest")),
            ),
            [`${API}: container app image ghcr.io/sysmanage/api:latest is not pinned; use a version tag (not latest) or a sha256 digest.`],
        );
        assert.deepEqual(
            await messages(
                r.wlImagePinned,
                app((c) => (c.image = "ghcr.io/sysmanage/api")),
            ),
            [`${API}: container app image ghcr.io/sysmanage/api is not pinned; use a version tag (not latest) or a sha256 digest.`],
        );
        const tag = () => app((c) => (c.image = "ghcr.io/sysmanage/api:2.4.1"));
        assert.deepEqual(await messages(r.wlImagePinned, tag()), [
            `${API}: container app image ghcr.io/sysmanage/api:2.4.1 is pinned by tag, not digest; pin it as name@sha256:<digest> so every node runs the same bytes.`,
        ]);
        assert.deepEqual(await messages(r.wlImagePinned, tag(), envConfig("wl-image-pinned", "staging")), []);
    });
});

describe("wl-priority-class", () => {
    it("none, and one not in the allowed list", async () => {
        assert.deepEqual(
            await messages(
                r.wlPriorityClass,
                app((_c, spec) => delete spec.priorityClassName),
            ),
            [`${API}: sets no priorityClassName; assign one so the scheduler preempts less important pods first.`],
        );
        assert.deepEqual(
            await messages(
                r.wlPriorityClass,
                app(() => undefined),
                { allowed: ["critical", "batch"] },
            ),
            [
                `${API}: priorityClassName sysmanage-api is not one of critical, batch; use one of them.`,
                "Deployment app/analytics: priorityClassName sysmanage-batch is not one of critical, batch; use one of them.",
            ],
        );
    });
    it("prod allows the stack's classes only", async () => {
        assert.deepEqual(
            await messages(
                r.wlPriorityClass,
                app((_c, spec) => (spec.priorityClassName = "system-cluster-critical")),
            ),
            [
                `${API}: priorityClassName system-cluster-critical is not one of sysmanage-data, sysmanage-api, sysmanage-workers, sysmanage-batch; use one of them.`,
            ],
        );
    });
});

describe("wl-no-bare-pods", () => {
    it("a bare Pod", async () => {
        const pod: Fixture = {
            type: "kubernetes:core/v1:Pod",
            name: "debug",
            inputs: { apiVersion: "v1", kind: "Pod", metadata: { name: "debug", namespace: "app" }, spec: { containers: [] } },
        };
        assert.deepEqual(await messages(r.wlNoBarePods, withExtra(pod)), [
            "Pod app/debug: is a bare Pod; run it under a Deployment, StatefulSet or Job so it is recreated when its node goes away.",
        ]);
    });
});

describe("meta-stable-apis-and-labels", () => {
    it("a removed API version", async () => {
        const f = mutated("api-pdb", (i, fx) => {
            fx.type = "kubernetes:policy/v1beta1:PodDisruptionBudget";
            i.apiVersion = "policy/v1beta1";
        });
        assert.deepEqual(await messages(r.metaStableApisAndLabels, f), [
            "PodDisruptionBudget app/api: uses policy/v1beta1, which is deprecated or removed; migrate to policy/v1.",
        ]);
    });
    it("missing recommended labels on the object and its pod template", async () => {
        const f = mutated("api-deployment", (i) => {
            delete i.metadata.labels["app.kubernetes.io/part-of"];
            delete i.spec.template.metadata.labels["app.kubernetes.io/managed-by"];
        });
        assert.deepEqual(await messages(r.metaStableApisAndLabels, f), [
            `${API}: is missing label(s) app.kubernetes.io/part-of; add the recommended app.kubernetes.io labels (tools and dashboards group objects by them).`,
            `${API}: pod template is missing label(s) app.kubernetes.io/managed-by; add them to spec.template.metadata.labels.`,
        ]);
        assert.deepEqual(await messages(r.metaStableApisAndLabels, f, { requiredLabels: ["app.kubernetes.io/name"] }), []);
    });
});

describe("wl-evictable-local-volumes", () => {
    it("an emptyDir the annotation does not name, in a template and in the pods an operator builds", async () => {
        assert.deepEqual(
            await messages(
                r.wlEvictableLocalVolumes,
                app((_c, spec) => spec.volumes.push({ name: "cache", emptyDir: {} })),
            ),
            [
                `${API}: emptyDir volume(s) cache are not in the cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes annotation; Cluster Autoscaler will not scale in a node that runs them. Add "tmp,cache".`,
            ],
        );
        // CloudNativePG's instance pods carry scratch-data and shm; without the inherited annotation both are named.
        assert.deepEqual(
            await messages(
                r.wlEvictableLocalVolumes,
                mutated("pg-cluster", (i) => delete i.spec.inheritedMetadata),
            ),
            ["primary instance pod (pg-1)", "replica instance pods (2)"].map(
                (p) =>
                    `${p} of Cluster app/pg: emptyDir volume(s) scratch-data, shm are not in the cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes annotation; Cluster Autoscaler will not scale in a node that runs them. Add "scratch-data,shm".`,
            ),
        );
    });
    it("safe-to-evict: true covers every volume; the compliant fixture passes", async () => {
        const f = mutated("api-deployment", (i) => {
            i.spec.template.metadata.annotations = { "cluster-autoscaler.kubernetes.io/safe-to-evict": "true" };
            i.spec.template.spec.volumes.push({ name: "cache", emptyDir: {} });
        });
        assert.deepEqual(await messages(r.wlEvictableLocalVolumes, f), []);
        assert.deepEqual(await messages(r.wlEvictableLocalVolumes, fixture()), []);
    });
});
