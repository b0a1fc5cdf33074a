/** Security rules: exact messages per failure mode. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as r from "../../../policies/rules";
import { UNKNOWN } from "../../../policies/lib/unknown";
import { kedaValues, redisOperatorValues } from "../../../lib/chartValues";
import { messages, mutated, withExtra, type Fixture } from "../../support/policy";

const API = "Deployment app/api";
const app = (change: (c: any, spec: any) => void) =>
    mutated("api-deployment", (i) => change(i.spec.template.spec.containers[0], i.spec.template.spec));

describe("sec-pss-baseline", () => {
    it("host namespaces, privileged, extra capabilities, hostPath, hostPort", async () => {
        const f = app((c, spec) => {
            spec.hostNetwork = true;
            spec.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } });
            c.securityContext.privileged = true;
            c.securityContext.capabilities.add = ["NET_ADMIN", "CHOWN"];
            c.ports[0].hostPort = 80;
        });
        // Pod Security Admission's own wording (reason and detail), in its check order.
        const v = "violates the baseline Pod Security Standard; remove it.";
        assert.deepEqual(await messages(r.secPssBaseline, f), [
            `${API}: non-default capabilities (container "app" must not include "NET_ADMIN" in securityContext.capabilities.add) ${v}`,
            `${API}: host namespaces (hostNetwork=true) ${v}`,
            `${API}: hostPath volumes (volume "docker") ${v}`,
            `${API}: hostPort (container "app" uses hostPort 80) ${v}`,
            `${API}: privileged (container "app" must not set securityContext.privileged=true) ${v}`,
        ]);
    });
    it("unconfined seccomp and unsafe sysctls", async () => {
        const f = app((c, spec) => {
            spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }];
            c.securityContext.seccompProfile = { type: "Unconfined" };
        });
        const v = "violates the baseline Pod Security Standard; remove it.";
        assert.deepEqual(await messages(r.secPssBaseline, f), [
            `${API}: seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined") ${v}`,
            `${API}: forbidden sysctls (kernel.msgmax) ${v}`,
        ]);
    });
});

describe("sec-pss-restricted", () => {
    it("escalation, root, seccomp, capabilities, volume types", async () => {
        const f = app((c, spec) => {
            c.securityContext = { capabilities: { add: ["SYS_TIME"] } };
            spec.securityContext = {};
            spec.volumes.push({ name: "nfs", nfs: { server: "x", path: "/" } });
        });
        const why = "(restricted Pod Security Standard).";
        assert.deepEqual(await messages(r.secPssRestricted, f), [
            `${API}: allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false) ${why}`,
            `${API}: unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "SYS_TIME" in securityContext.capabilities.add) ${why}`,
            `${API}: restricted volume types (volume "nfs" uses restricted volume type "nfs") ${why}`,
            `${API}: runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true) ${why}`,
            `${API}: seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost") ${why}`,
        ]);
    });
    it("runAsUser 0 on the pod", async () => {
        assert.deepEqual(
            await messages(
                r.secPssRestricted,
                app((_c, spec) => (spec.securityContext.runAsUser = 0)),
            ),
            [`${API}: runAsUser=0 (pod must not set runAsUser=0) (restricted Pod Security Standard).`],
        );
    });
});

describe("sec-readonly-rootfs", () => {
    it("a writable root filesystem", async () => {
        assert.deepEqual(
            await messages(
                r.secReadonlyRootfs,
                app((c) => (c.securityContext.readOnlyRootFilesystem = false)),
            ),
            [
                `${API}: container app has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write.`,
            ],
        );
    });
});

describe("sec-credential-exposure", () => {
    it("secret-named env literal, credentials in a URL, and env from a Secret is fine", async () => {
        const f = app((c) =>
            c.env.push(
                { name: "DB_PASSWORD", value: "hunter2" },
                { name: "DATABASE_URL", value: "postgres://app:s3cret@pg-rw:5432/app" },
                { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "api", key: "token" } } },
            ),
        );
        assert.deepEqual(await messages(r.secCredentialExposure, f), [
            `${API}: container app env DB_PASSWORD holds a secret-looking literal; move it to a Secret and use valueFrom.secretKeyRef.`,
            `${API}: container app env DATABASE_URL holds a secret-looking literal; move it to a Secret and use valueFrom.secretKeyRef.`,
        ]);
    });
    it("a ConfigMap with a password, and the key-name pattern is configurable", async () => {
        const f = mutated("redis-config", (i) => (i.data["users.acl"] = "requirepass hunter2\n"));
        assert.deepEqual(await messages(r.secCredentialExposure, f), [
            "ConfigMap app/redis-config: key users.acl holds a secret-looking value; move it to a Secret.",
        ]);
        const g = app((c) => c.env.push({ name: "SESSION_SALT", value: "abc" }));
        assert.deepEqual(await messages(r.secCredentialExposure, g, { secretNamePattern: "SALT", allowTokenMount: [] }), [
            `${API}: container app env SESSION_SALT holds a secret-looking literal; move it to a Secret and use valueFrom.secretKeyRef.`,
        ]);
    });
    it("a mounted service account token: pod setting, then ServiceAccount, then default", async () => {
        const f = () => app((_c, spec) => delete spec.automountServiceAccountToken);
        assert.deepEqual(await messages(r.secCredentialExposure, f()), []); // ServiceAccount api has it false
        const noSa = f().filter((x) => x.name !== "api-sa");
        assert.deepEqual(await messages(r.secCredentialExposure, noSa), [
            `${API}: mounts a service account token (automountServiceAccountToken is not false on the pod or ServiceAccount api); set it to false, or list the workload in allowTokenMount if it calls the Kubernetes API.`,
        ]);
        assert.deepEqual(await messages(r.secCredentialExposure, noSa, { allowTokenMount: ["app/api"] }), []);
    });
    it("an unknown env value is skipped, the others still checked", async () => {
        const f = app((c) => c.env.push({ name: "X_TOKEN", value: UNKNOWN }, { name: "Y_TOKEN", value: "abc" }));
        assert.deepEqual(await messages(r.secCredentialExposure, f), [
            `${API}: container app env Y_TOKEN holds a secret-looking literal; move it to a Secret and use valueFrom.secretKeyRef.`,
        ]);
    });
});

const service = (name: string, spec: object): Fixture => ({
    type: "kubernetes:core/v1:Service",
    name: `${name}-svc`,
    inputs: { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "app" }, spec },
});

describe("net-exposure-controls", () => {
    it("NodePort, LoadBalancer not allowed, externalIPs", async () => {
        assert.deepEqual(
            await messages(
                r.netExposureControls,
                mutated("api-service", (i) => (i.spec.type = "NodePort")),
            ),
            ["Service app/api: is of type NodePort, which opens a port on every node; use ClusterIP behind the Gateway."],
        );
        const lb = () => mutated("api-service", (i) => Object.assign(i.spec, { type: "LoadBalancer", externalIPs: ["1.2.3.4"] }));
        assert.deepEqual(await messages(r.netExposureControls, lb()), [
            "Service app/api: is of type LoadBalancer but not in allowLoadBalancer; expose it through the Gateway or list it in the policy config.",
            "Service app/api: sets externalIPs (1.2.3.4); remove them (CVE-2020-8554: they can intercept cluster traffic).",
        ]);
        assert.deepEqual(await messages(r.netExposureControls, lb(), { allowLoadBalancer: ["app/api"] }), [
            "Service app/api: sets externalIPs (1.2.3.4); remove them (CVE-2020-8554: they can intercept cluster traffic).",
        ]);
    });
    it("works on an extra Service too", async () => {
        assert.deepEqual(await messages(r.netExposureControls, withExtra(service("x", { type: "NodePort", selector: { a: "b" } }))), [
            "Service app/x: is of type NodePort, which opens a port on every node; use ClusterIP behind the Gateway.",
        ]);
    });
});

describe("pod-level rules see the pods the operators and charts build", () => {
    const redisExporter = (securityContext: object) =>
        mutated("redis-cluster", (i) => {
            i.spec.redisExporter = {
                enabled: true,
                image: `quay.io/opstree/redis-exporter:v1.44.0@sha256:${"b".repeat(64)}`,
                securityContext,
            };
        });
    it("a privileged redis-exporter sidecar with SYS_ADMIN: baseline violations on both roles' pods", async () => {
        const f = redisExporter({ privileged: true, capabilities: { add: ["SYS_ADMIN"] } });
        const v = "violates the baseline Pod Security Standard; remove it.";
        const pods = (role: string) => `${role} pods of RedisCluster app/redis (StatefulSet redis-${role}, redis-operator v0.26.0)`;
        assert.deepEqual(await messages(r.secPssBaseline, f), [
            `${pods("leader")}: non-default capabilities (container "redis-exporter" must not include "SYS_ADMIN" in securityContext.capabilities.add) ${v}`,
            `${pods("leader")}: privileged (container "redis-exporter" must not set securityContext.privileged=true) ${v}`,
            `${pods("follower")}: non-default capabilities (container "redis-exporter" must not include "SYS_ADMIN" in securityContext.capabilities.add) ${v}`,
            `${pods("follower")}: privileged (container "redis-exporter" must not set securityContext.privileged=true) ${v}`,
        ]);
    });
    it("an exporter with no securityContext (the operator copies none): restricted violations", async () => {
        const found = await messages(r.secPssRestricted, redisExporter({}));
        const checks = (role: string) =>
            ["allowPrivilegeEscalation != false", "unrestricted capabilities", "runAsNonRoot != true", "seccompProfile"].map(
                (c) => `${role} pods of RedisCluster app/redis (StatefulSet redis-${role}, redis-operator v0.26.0): ${c} (`,
            );
        assert.deepEqual(
            found.map((m) => m.slice(0, m.indexOf("(", m.indexOf("): ") + 3) + 1)),
            [...checks("leader"), ...checks("follower")],
        );
        assert.ok(found.every((m) => m.includes('container "redis-exporter"')));
    });
    it("pgbouncer:latest in a Pooler is not pinned; its privileged flag is replaced by the operator's context", async () => {
        const f = mutated("pg-rw-pooler", (i) => {
            i.spec.template.spec.containers[0].image = "pgbouncer:latest";
            i.spec.template.spec.containers[0].securityContext = { privileged: true };
        });
        assert.deepEqual(await messages(r.wlImagePinned, f), [
            "pods of Pooler app/pg-rw (Deployment app/pg-rw, 2 replicas): container pgbouncer image pgbouncer:latest is not pinned; use a version tag (not latest) or a sha256 digest.",
        ]);
        // CloudNativePG 1.30 overwrites the pgbouncer container's securityContext with its own restricted one.
        assert.deepEqual(await messages(r.secPssBaseline, f), []);
    });
    it("a Helm release's pods: redis-operator with the chart's defaults fails restricted; our values pass", async () => {
        const release = (values: object) => ({
            type: "kubernetes:helm.sh/v3:Release",
            name: "redis-operator",
            inputs: { name: "redis-operator", namespace: "redis-operator", chart: "redis-operator", version: "0.26.0", values },
        });
        const found = await messages(r.secPssRestricted, withExtra(release({})));
        assert.deepEqual(
            found.map((m) => m.slice(0, m.indexOf("("))),
            [
                "pods of Deployment redis-operator/redis-operator ",
                "pods of Deployment redis-operator/redis-operator ",
                "pods of Deployment redis-operator/redis-operator ",
                "pods of Deployment redis-operator/redis-operator ",
            ],
        );
        assert.deepEqual(await messages(r.secPssRestricted, withExtra(release(redisOperatorValues()))), []);
    });
    it("KEDA's release: our values pass restricted; dropping the operator's runAsNonRoot is refused", async () => {
        const release = (values: object) => ({
            type: "kubernetes:helm.sh/v3:Release",
            name: "keda",
            inputs: { name: "keda", namespace: "keda", chart: "keda", version: "2.19.0", values },
        });
        assert.deepEqual(await messages(r.secPssRestricted, withExtra(release(kedaValues()))), []);
        const fault = release({ ...kedaValues(), podSecurityContext: { operator: null } });
        assert.deepEqual(await messages(r.secPssRestricted, withExtra(fault)), [
            'pods of Deployment keda/keda-operator (chart keda 2.19.0): runAsNonRoot != true (pod or container "keda-operator" must set securityContext.runAsNonRoot=true) (restricted Pod Security Standard).',
        ]);
    });
});
