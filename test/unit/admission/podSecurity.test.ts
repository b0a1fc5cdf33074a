/** Pod Security Admission v1.34.0 port: each check breaks and passes with the exact upstream message. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checksFor, podSecurityDenial, podSecurityLevel, podSecurityProblems } from "../../../policies/lib/podSecurity";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are mutated freely, field by field
type Json = Record<string, any>;

/** A pod spec that meets the restricted level, changed by `patch`. */
function pod(patch: (spec: Json, app: Json) => void = () => undefined): Json {
    const app: Json = {
        name: "app",
        image: "app:1",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
    const spec: Json = { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [app] };
    patch(spec, app);
    return spec;
}
const messages = (level: "baseline" | "restricted", spec: Json, meta: Json = {}): string[] =>
    podSecurityProblems(level, meta, spec).map((p) => `${p.check}: ${p.message}`);

interface Case {
    readonly check: string;
    readonly level: "baseline" | "restricted";
    readonly bad: Json;
    readonly meta?: Json;
    readonly message: string;
    readonly good: Json;
}

const CASES: Case[] = [
    {
        check: "hostNamespaces",
        level: "baseline",
        bad: pod((s) => Object.assign(s, { hostNetwork: true, hostPID: true })),
        message: "host namespaces (hostNetwork=true, hostPID=true)",
        good: pod((s) => Object.assign(s, { hostNetwork: false })),
    },
    {
        check: "privileged",
        level: "baseline",
        bad: pod((s, a) => {
            a.securityContext.privileged = true;
            s.initContainers = [{ name: "init", image: "i", securityContext: { privileged: true } }];
        }),
        message: 'privileged (containers "init", "app" must not set securityContext.privileged=true)',
        good: pod((_s, a) => (a.securityContext.privileged = false)),
    },
    {
        check: "capabilities_baseline",
        level: "baseline",
        bad: pod((_s, a) => (a.securityContext.capabilities.add = ["SYS_TIME", "NET_ADMIN", "CHOWN"])),
        message: 'non-default capabilities (container "app" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)',
        good: pod((_s, a) => (a.securityContext.capabilities.add = ["CHOWN", "NET_BIND_SERVICE"])),
    },
    {
        check: "hostPathVolumes",
        level: "baseline",
        bad: pod((s) => (s.volumes = [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }])),
        message: 'hostPath volumes (volume "docker")',
        good: pod((s) => (s.volumes = [{ name: "tmp", emptyDir: {} }])),
    },
    {
        check: "hostPorts",
        level: "baseline",
        bad: pod(
            (_s, a) =>
                (a.ports = [
                    { containerPort: 8080, hostPort: 8080 },
                    { containerPort: 80, hostPort: 80 },
                ]),
        ),
        message: 'hostPort (container "app" uses hostPorts 80, 8080)',
        good: pod((_s, a) => (a.ports = [{ containerPort: 8080 }])),
    },
    {
        check: "appArmorProfile",
        level: "baseline",
        bad: pod((s) => (s.securityContext.appArmorProfile = { type: "Unconfined" })),
        meta: { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } },
        message:
            'forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
        good: pod((_s, a) => (a.securityContext.appArmorProfile = { type: "Localhost", localhostProfile: "p" })),
    },
    {
        check: "seLinuxOptions",
        level: "baseline",
        bad: pod((_s, a) => (a.securityContext.seLinuxOptions = { type: "spc_t", user: "root" })),
        message: 'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)',
        good: pod((_s, a) => (a.securityContext.seLinuxOptions = { type: "container_engine_t", level: "s0:c1" })),
    },
    {
        check: "procMount",
        level: "baseline",
        bad: pod((_s, a) => (a.securityContext.procMount = "Unmasked")),
        message: 'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
        good: pod((_s, a) => (a.securityContext.procMount = "Default")),
    },
    {
        check: "seccompProfile_baseline",
        level: "baseline",
        bad: pod((_s, a) => (a.securityContext.seccompProfile = { type: "Unconfined" })),
        message: 'seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
        good: pod((s) => delete s.securityContext.seccompProfile),
    },
    {
        check: "sysctls",
        level: "baseline",
        bad: pod(
            (s) =>
                (s.securityContext.sysctls = [
                    { name: "kernel.msgmax", value: "1" },
                    { name: "net.core.somaxconn", value: "1" },
                ]),
        ),
        message: "forbidden sysctls (kernel.msgmax, net.core.somaxconn)",
        good: pod((s) => (s.securityContext.sysctls = [{ name: "net.ipv4.tcp_rmem", value: "4096 87380 6291456" }])),
    },
    {
        check: "windowsHostProcess",
        level: "baseline",
        bad: pod((s) => (s.securityContext.windowsOptions = { hostProcess: true })),
        message: "hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)",
        good: pod((s) => (s.securityContext.windowsOptions = { hostProcess: false })),
    },
    {
        check: "hostProbesAndHostLifecycle",
        level: "baseline",
        bad: pod((_s, a) => {
            a.livenessProbe = { httpGet: { host: "10.0.0.1", path: "/", port: 80 } };
            a.lifecycle = { preStop: { tcpSocket: { host: "example.com", port: 80 } } };
        }),
        message: 'probe or lifecycle host (container "app" uses probe or lifecycle hosts "10.0.0.1", "example.com")',
        good: pod((_s, a) => (a.livenessProbe = { httpGet: { path: "/", port: 80 } })),
    },
    {
        check: "allowPrivilegeEscalation",
        level: "restricted",
        bad: pod(
            (s) =>
                (s.containers = [
                    ...s.containers,
                    { name: "redis-exporter", image: "e", securityContext: { capabilities: { drop: ["ALL"] } } },
                ]),
        ),
        message: 'allowPrivilegeEscalation != false (container "redis-exporter" must set securityContext.allowPrivilegeEscalation=false)',
        good: pod(),
    },
    {
        check: "capabilities_restricted",
        level: "restricted",
        bad: pod((_s, a) => (a.securityContext.capabilities = { add: ["NET_RAW"] })),
        message:
            'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "NET_RAW" in securityContext.capabilities.add)',
        good: pod((_s, a) => (a.securityContext.capabilities.add = ["NET_BIND_SERVICE"])),
    },
    {
        check: "restrictedVolumes",
        level: "restricted",
        bad: pod(
            (s) =>
                (s.volumes = [
                    { name: "h", hostPath: { path: "/" } },
                    { name: "n", nfs: { server: "s", path: "/" } },
                    { name: "t", emptyDir: {} },
                ]),
        ),
        message: 'restricted volume types (volumes "h", "n" use restricted volume types "hostPath", "nfs")',
        good: pod(
            (s) =>
                (s.volumes = [
                    { name: "t", emptyDir: {} },
                    { name: "c", configMap: { name: "c" } },
                    { name: "p", projected: { sources: [] } },
                ]),
        ),
    },
    {
        check: "runAsNonRoot",
        level: "restricted",
        bad: pod((s) => delete s.securityContext.runAsNonRoot),
        message: 'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
        good: pod((s, a) => {
            delete s.securityContext.runAsNonRoot;
            a.securityContext.runAsNonRoot = true;
        }),
    },
    {
        check: "runAsUser",
        level: "restricted",
        bad: pod((s) => (s.securityContext.runAsUser = 0)),
        message: "runAsUser=0 (pod must not set runAsUser=0)",
        good: pod((s) => (s.securityContext.runAsUser = 10001)),
    },
    {
        check: "seccompProfile_restricted",
        level: "restricted",
        bad: pod((s) => delete s.securityContext.seccompProfile),
        message: 'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
        good: pod((s, a) => {
            delete s.securityContext.seccompProfile;
            a.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
        }),
    },
];

describe("Pod Security Admission checks (latest)", () => {
    for (const c of CASES)
        it(`${c.check}: refuses the breaking pod, admits the passing one`, () => {
            assert.deepEqual(messages(c.level, c.bad, c.meta), [`${c.check}: ${c.message}`]);
            assert.deepEqual(messages(c.level, c.good), []);
        });

    it("every check is covered, and sources cite the check file", () => {
        assert.deepEqual(
            checksFor("restricted")
                .map((c) => c.id)
                .concat(["capabilities_baseline", "hostPathVolumes", "seccompProfile_baseline"])
                .sort(),
            CASES.map((c) => c.check).sort(),
        );
        const [p] = podSecurityProblems("baseline", {}, CASES[0].bad);
        assert.equal(p.source, "kubernetes v1.34.0 staging/src/k8s.io/pod-security-admission/policy/check_hostNamespaces.go:58");
    });

    it("restricted replaces the baseline capabilities, hostPath and seccomp checks", () => {
        const spec = pod((s, a) => {
            s.volumes = [{ name: "h", hostPath: { path: "/" } }];
            a.securityContext.capabilities.add = ["SYS_ADMIN"];
            a.securityContext.seccompProfile = { type: "Unconfined" };
        });
        assert.deepEqual(messages("restricted", spec), [
            'capabilities_restricted: unrestricted capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
            'restrictedVolumes: restricted volume types (volume "h" uses restricted volume type "hostPath")',
            'seccompProfile_restricted: seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
        ]);
        assert.deepEqual(messages("baseline", spec), [
            'capabilities_baseline: non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
            'hostPathVolumes: hostPath volumes (volume "h")',
            'seccompProfile_baseline: seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
        ]);
    });

    it("counts init and ephemeral containers, in that order before containers", () => {
        const spec = pod((s) => {
            s.initContainers = [{ name: "init", image: "i" }];
            s.ephemeralContainers = [{ name: "debug", image: "d" }];
        });
        assert.deepEqual(messages("restricted", spec), [
            'allowPrivilegeEscalation: allowPrivilegeEscalation != false (containers "init", "debug" must set securityContext.allowPrivilegeEscalation=false)',
            'capabilities_restricted: unrestricted capabilities (containers "init", "debug" must set securityContext.capabilities.drop=["ALL"])',
        ]);
    });

    it("Windows pods are exempt from the restricted escalation, capabilities and seccomp checks", () => {
        const spec = { os: { name: "windows" }, securityContext: { runAsNonRoot: true }, containers: [{ name: "w", image: "w" }] };
        assert.deepEqual(messages("restricted", spec), []);
        assert.equal(messages("restricted", { ...spec, os: { name: "linux" } }).length, 3);
    });

    it("words the whole denial like the admission plugin", () => {
        const problems = podSecurityProblems(
            "restricted",
            {},
            pod((s) => (s.securityContext.runAsUser = 0)),
        );
        assert.equal(
            podSecurityDenial("restricted", "latest", problems),
            'violates PodSecurity "restricted:latest": runAsUser=0 (pod must not set runAsUser=0)',
        );
    });
});

describe("podSecurityLevel", () => {
    it("reads the enforce label and version, defaulting to privileged and latest", () => {
        assert.deepEqual(podSecurityLevel(undefined), { level: "privileged", version: "latest" });
        assert.deepEqual(podSecurityLevel({ "pod-security.kubernetes.io/warn": "restricted" }), { level: "privileged", version: "latest" });
        assert.deepEqual(
            podSecurityLevel({ "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.29" }),
            { level: "baseline", version: "v1.29" },
        );
    });
    it("an unparsable level is restricted and an unparsable version latest", () => {
        assert.deepEqual(
            podSecurityLevel({ "pod-security.kubernetes.io/enforce": "strict", "pod-security.kubernetes.io/enforce-version": "1.29" }),
            { level: "restricted", version: "latest" },
        );
    });
});
