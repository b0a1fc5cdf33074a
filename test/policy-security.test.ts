/** Security rules: exact messages per failure mode. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as r from "../policies/rules";
import { UNKNOWN } from "../policies/lib/unknown";
import { messages, mutated, withExtra, type Fixture } from "./policy-support";

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
        assert.deepEqual(await messages(r.secPssBaseline, f), [
            `${API}: hostNetwork: true violates the baseline Pod Security Standard; remove it.`,
            `${API}: volume docker is a hostPath violates the baseline Pod Security Standard; remove it.`,
            `${API}: container app sets privileged: true violates the baseline Pod Security Standard; remove it.`,
            `${API}: container app adds capability NET_ADMIN violates the baseline Pod Security Standard; remove it.`,
            `${API}: container app uses hostPort 80 violates the baseline Pod Security Standard; remove it.`,
        ]);
    });
    it("unconfined seccomp and unsafe sysctls", async () => {
        const f = app((c, spec) => {
            spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }];
            c.securityContext.seccompProfile = { type: "Unconfined" };
        });
        assert.deepEqual(await messages(r.secPssBaseline, f), [
            `${API}: unsafe sysctl kernel.msgmax violates the baseline Pod Security Standard; remove it.`,
            `${API}: container app sets seccompProfile Unconfined violates the baseline Pod Security Standard; remove it.`,
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
            `${API}: volume nfs is of type nfs; use one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret ${why}`,
            `${API}: container app does not set allowPrivilegeEscalation: false; set it ${why}`,
            `${API}: container app does not run as non-root; set runAsNonRoot: true on the pod or the container ${why}`,
            `${API}: container app has seccompProfile unset; set seccompProfile.type: RuntimeDefault on the pod or the container ${why}`,
            `${API}: container app does not drop ALL capabilities; set capabilities.drop: [ALL] ${why}`,
            `${API}: container app adds capability SYS_TIME; only NET_BIND_SERVICE may be added ${why}`,
        ]);
    });
    it("runAsUser 0 on the pod", async () => {
        assert.deepEqual(
            await messages(
                r.secPssRestricted,
                app((_c, spec) => (spec.securityContext.runAsUser = 0)),
            ),
            [`${API}: pod securityContext sets runAsUser: 0; run as a non-zero UID (restricted Pod Security Standard).`],
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
