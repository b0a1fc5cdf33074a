/**
 * The check functions of Pod Security Admission v1.34.0 (version `latest`), one per
 * staging/src/k8s.io/pod-security-admission/policy/check_*.go, each returning the upstream
 * ForbiddenReason and ForbiddenDetail, or undefined when the pod passes. podSecurity.ts registers
 * them and orders them as PSA does. Pure; imports nothing outside policies/.
 */
import type { Json } from "./k8s";

/** A failed check's reason and detail (policy/checks.go CheckResult); undefined when allowed. */
export type CheckOutcome = { reason: string; detail: string } | undefined;
type Result = CheckOutcome;

// ---- helpers (policy/helpers.go, policy/visitor.go) -----------------------------------------

const joinQuote = (xs: readonly string[]): string => (xs.length ? `"${xs.join('", "')}"` : "");
const plural = (one: string, many: string, n: number): string => (n === 1 ? one : many);
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);
const named = (one: string, many: string, names: readonly string[]): string => `${plural(one, many, names.length)} ${joinQuote(names)}`;

/** Init containers, then containers, then ephemeral containers (visitor.go:27). */
function containers(spec: Json): Json[] {
    return [...arr(spec?.initContainers), ...arr(spec?.containers), ...arr(spec?.ephemeralContainers)];
}
const nameOf = (c: Json): string => String(c?.name ?? "");
const isWindows = (spec: Json): boolean => spec?.os?.name === "windows";

/** Containers for which `bad` holds, by name. */
const badNames = (spec: Json, bad: (c: Json) => boolean): string[] => containers(spec).filter(bad).map(nameOf);

/** "pod and containers "a", "b"" from who set a bad value. */
function setters(podBad: boolean, bad: readonly string[]): string[] {
    const out = podBad ? ["pod"] : [];
    if (bad.length) out.push(named("container", "containers", bad));
    return out;
}

// ---- baseline checks --------------------------------------------------------------------------

const CAPS_BASELINE = new Set(
    "AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT".split(" "),
);
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const SYSCTLS = new Set(
    (
        "kernel.shm_rmid_forced net.ipv4.ip_local_port_range net.ipv4.tcp_syncookies net.ipv4.ping_group_range " +
        "net.ipv4.ip_unprivileged_port_start net.ipv4.ip_local_reserved_ports net.ipv4.tcp_keepalive_time " +
        "net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_intvl net.ipv4.tcp_keepalive_probes net.ipv4.tcp_rmem net.ipv4.tcp_wmem"
    ).split(" "),
);
const SECCOMP_OK = (t: unknown): boolean => t === "Localhost" || t === "RuntimeDefault";
const APPARMOR_OK = (t: unknown): boolean => t === "RuntimeDefault" || t === "Localhost";
const APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** appArmorProfile: AppArmor profile types RuntimeDefault/Localhost only, beta annotations runtime/default or localhost/* (check_appArmorProfile.go). */
export function appArmor(meta: Json, spec: Json): Result {
    const values = new Set<string>();
    const podProfile = spec?.securityContext?.appArmorProfile;
    const podBad = podProfile != null && !APPARMOR_OK(podProfile.type);
    if (podBad) values.add(String(podProfile.type ?? ""));
    const bad = badNames(spec, (c) => {
        const p = c?.securityContext?.appArmorProfile;
        if (p == null || APPARMOR_OK(p.type)) return false;
        values.add(String(p.type ?? ""));
        return true;
    });
    const who = setters(podBad, bad);
    const annotations = Object.entries((meta?.annotations ?? {}) as Record<string, string>)
        .filter(([k, v]) => k.startsWith(APPARMOR_PREFIX) && !(v === "" || v === "runtime/default" || v.startsWith("localhost/")))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .sort();
    const list = [...sorted(values), ...annotations];
    if (annotations.length) who.push(plural("annotation", "annotations", annotations.length));
    if (!who.length) return undefined;
    const reason = plural("forbidden AppArmor profile", "forbidden AppArmor profiles", list.length);
    return { reason, detail: `${who.join(" and ")} must not set AppArmor profile type to ${joinQuote(list)}` };
}

/** capabilities_baseline: no capability added beyond the default set (check_capabilities_baseline.go). */
export function capabilitiesBaseline(_m: Json, spec: Json): Result {
    const caps: string[] = [];
    const bad = badNames(spec, (c) => {
        const add = arr(c?.securityContext?.capabilities?.add).map(String);
        const extra = add.filter((x) => !CAPS_BASELINE.has(x));
        caps.push(...extra);
        return extra.length > 0;
    });
    if (!bad.length) return undefined;
    const detail = `${named("container", "containers", bad)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`;
    return { reason: "non-default capabilities", detail };
}

/** hostNamespaces: no hostNetwork, hostPID, hostIPC (check_hostNamespaces.go). */
export function hostNamespaces(_m: Json, spec: Json): Result {
    const on = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => spec?.[k] === true).map((k) => `${k}=true`);
    return on.length ? { reason: "host namespaces", detail: on.join(", ") } : undefined;
}

/** hostPathVolumes: no hostPath volume (check_hostPathVolumes.go). */
export function hostPathVolumes(_m: Json, spec: Json): Result {
    const vols = arr(spec?.volumes)
        .filter((v) => v?.hostPath != null)
        .map(nameOf);
    return vols.length ? { reason: "hostPath volumes", detail: named("volume", "volumes", vols) } : undefined;
}

/** hostPorts: no container port with a hostPort (check_hostPorts.go). */
export function hostPorts(_m: Json, spec: Json): Result {
    const ports: string[] = [];
    const bad = badNames(spec, (c) => {
        const hp = arr(c?.ports)
            .filter((p) => p?.hostPort != null && p.hostPort !== 0)
            .map((p) => String(p.hostPort));
        ports.push(...hp);
        return hp.length > 0;
    });
    if (!bad.length) return undefined;
    const list = sorted(ports);
    const detail = `${named("container", "containers", bad)} ${plural("uses", "use", bad.length)} ${plural("hostPort", "hostPorts", list.length)} ${list.join(", ")}`;
    return { reason: "hostPort", detail };
}

/** Hosts set on probes and lifecycle handlers (httpGet.host, tcpSocket.host). */
const hostsOf = (h: Json): string[] => [h?.httpGet?.host, h?.tcpSocket?.host].filter((x): x is string => typeof x === "string" && x !== "");

/** hostProbesAndHostLifecycle: no host on httpGet/tcpSocket probes and hooks (check_hostProbesAndhostLifecycle.go, new at 1.34). */
export function hostProbes(_m: Json, spec: Json): Result {
    const hosts: string[] = [];
    const bad = badNames(spec, (c) => {
        const found = [c?.livenessProbe, c?.readinessProbe, c?.startupProbe, c?.lifecycle?.postStart, c?.lifecycle?.preStop].flatMap(
            hostsOf,
        );
        hosts.push(...found);
        return found.length > 0;
    });
    if (!bad.length) return undefined;
    const names = sorted(bad);
    const list = sorted(hosts);
    const detail = `${named("container", "containers", names)} ${plural("uses", "use", names.length)} ${plural("probe or lifecycle host", "probe or lifecycle hosts", list.length)} ${joinQuote(list)}`;
    return { reason: "probe or lifecycle host", detail };
}

/** privileged: no privileged container (check_privileged.go). */
export function privileged(_m: Json, spec: Json): Result {
    const bad = badNames(spec, (c) => c?.securityContext?.privileged === true);
    return bad.length
        ? { reason: "privileged", detail: `${named("container", "containers", bad)} must not set securityContext.privileged=true` }
        : undefined;
}

/** procMount: procMount unset or Default (check_procMount.go). */
export function procMount(_m: Json, spec: Json): Result {
    const types: string[] = [];
    const bad = badNames(spec, (c) => {
        const pm = c?.securityContext?.procMount;
        if (pm == null || pm === "Default") return false;
        types.push(String(pm));
        return true;
    });
    if (!bad.length) return undefined;
    return {
        reason: "procMount",
        detail: `${named("container", "containers", bad)} must not set securityContext.procMount to ${joinQuote(sorted(types))}`,
    };
}

/** seLinuxOptions: only container_* types, no user or role (check_seLinuxOptions.go, 1.31 type list). */
export function seLinuxOptions(_m: Json, spec: Json): Result {
    const types: string[] = [];
    let user = false;
    let role = false;
    const invalid = (o: Json): boolean => {
        const type = String(o?.type ?? "");
        const badType = !SELINUX_TYPES.has(type);
        if (badType) types.push(type);
        if (o?.user) user = true;
        if (o?.role) role = true;
        return badType || Boolean(o?.user) || Boolean(o?.role);
    };
    const podOpts = spec?.securityContext?.seLinuxOptions;
    const podBad = podOpts != null && invalid(podOpts);
    const bad = badNames(spec, (c) => c?.securityContext?.seLinuxOptions != null && invalid(c.securityContext.seLinuxOptions));
    const who = setters(podBad, bad);
    if (!who.length) return undefined;
    const list = sorted(types);
    const data = list.length ? [`${plural("type", "types", list.length)} ${joinQuote(list)}`] : [];
    if (user) data.push("user may not be set");
    if (role) data.push("role may not be set");
    return { reason: "seLinuxOptions", detail: `${who.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}` };
}

/** Explicitly bad seccomp types on the pod and containers; `implicit` lists containers that set none. */
function seccompScan(spec: Json): { podSet: boolean; who: string[]; values: string[]; implicit: string[] } {
    const values: string[] = [];
    const pod = spec?.securityContext?.seccompProfile;
    const podBad = pod != null && !SECCOMP_OK(pod.type);
    if (podBad) values.push(String(pod.type ?? ""));
    const podSet = pod != null && !podBad;
    const implicit: string[] = [];
    const bad = badNames(spec, (c) => {
        const p = c?.securityContext?.seccompProfile;
        if (p == null) {
            if (!podSet) implicit.push(nameOf(c));
            return false;
        }
        if (SECCOMP_OK(p.type)) return false;
        values.push(String(p.type ?? ""));
        return true;
    });
    return { podSet, who: setters(podBad, bad), values: sorted(values), implicit };
}

/** seccompProfile_baseline: seccomp type, when set, RuntimeDefault or Localhost (check_seccompProfile_baseline.go). */
export function seccompBaseline(_m: Json, spec: Json): Result {
    const { who, values } = seccompScan(spec);
    if (!who.length) return undefined;
    return {
        reason: "seccompProfile",
        detail: `${who.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(values)}`,
    };
}

/** sysctls: only the safe sysctls of 1.32+ (check_sysctls.go). */
export function sysctls(_m: Json, spec: Json): Result {
    const bad = arr(spec?.securityContext?.sysctls)
        .map((s) => String(s?.name ?? ""))
        .filter((n) => !SYSCTLS.has(n));
    return bad.length ? { reason: "forbidden sysctls", detail: bad.join(", ") } : undefined;
}

/** windowsHostProcess: no Windows hostProcess (check_windowsHostProcess.go). */
export function windowsHostProcess(_m: Json, spec: Json): Result {
    const bad = badNames(spec, (c) => c?.securityContext?.windowsOptions?.hostProcess === true);
    const who = setters(spec?.securityContext?.windowsOptions?.hostProcess === true, bad);
    if (!who.length) return undefined;
    return { reason: "hostProcess", detail: `${who.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true` };
}

// ---- restricted checks ------------------------------------------------------------------------

/** allowPrivilegeEscalation: every container sets it false; Windows pods exempt (check_allowPrivilegeEscalation.go). */
export function allowPrivilegeEscalation(_m: Json, spec: Json): Result {
    if (isWindows(spec)) return undefined;
    const bad = badNames(spec, (c) => c?.securityContext?.allowPrivilegeEscalation !== false);
    if (!bad.length) return undefined;
    return {
        reason: "allowPrivilegeEscalation != false",
        detail: `${named("container", "containers", bad)} must set securityContext.allowPrivilegeEscalation=false`,
    };
}

/** capabilities_restricted: drop ALL, add at most NET_BIND_SERVICE; Windows pods exempt (check_capabilities_restricted.go). */
export function capabilitiesRestricted(_m: Json, spec: Json): Result {
    if (isWindows(spec)) return undefined;
    const caps: string[] = [];
    const noDrop = badNames(spec, (c) => !arr(c?.securityContext?.capabilities?.drop).includes("ALL"));
    const adding = badNames(spec, (c) => {
        const extra = arr(c?.securityContext?.capabilities?.add)
            .map(String)
            .filter((x) => x !== "NET_BIND_SERVICE");
        caps.push(...extra);
        return extra.length > 0;
    });
    const details: string[] = [];
    if (noDrop.length) details.push(`${named("container", "containers", noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
    if (adding.length)
        details.push(
            `${named("container", "containers", adding)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`,
        );
    return details.length ? { reason: "unrestricted capabilities", detail: details.join("; ") } : undefined;
}

const RESTRICTED_OK = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];
const RESTRICTED_BAD = (
    "hostPath gcePersistentDisk awsElasticBlockStore gitRepo nfs iscsi glusterfs rbd flexVolume cinder cephfs flocker fc " +
    "azureFile vsphereVolume quobyte azureDisk photonPersistentDisk portworxVolume scaleIO storageos"
).split(" ");

/** restrictedVolumes: only configMap, csi, downwardAPI, emptyDir, ephemeral, image, PVC, projected, secret volumes (check_restrictedVolumes.go). */
export function restrictedVolumes(_m: Json, spec: Json): Result {
    const names: string[] = [];
    const types: string[] = [];
    for (const v of arr(spec?.volumes)) {
        if (RESTRICTED_OK.some((k) => v?.[k] != null)) continue;
        names.push(nameOf(v));
        types.push(RESTRICTED_BAD.find((k) => v?.[k] != null) ?? "unknown");
    }
    if (!names.length) return undefined;
    const list = sorted(types);
    const detail = `${named("volume", "volumes", names)} ${plural("uses", "use", names.length)} ${plural("restricted volume type", "restricted volume types", list.length)} ${joinQuote(list)}`;
    return { reason: "restricted volume types", detail };
}

/** runAsNonRoot: true on the pod or on every container, false nowhere (check_runAsNonRoot.go). */
export function runAsNonRoot(_m: Json, spec: Json): Result {
    const pod = spec?.securityContext?.runAsNonRoot;
    const implicit: string[] = [];
    const bad = badNames(spec, (c) => {
        const v = c?.securityContext?.runAsNonRoot;
        if (v == null) {
            if (pod !== true) implicit.push(nameOf(c));
            return false;
        }
        return v === false;
    });
    const who = setters(pod === false, bad);
    const reason = "runAsNonRoot != true";
    if (who.length) return { reason, detail: `${who.join(" and ")} must not set securityContext.runAsNonRoot=false` };
    if (implicit.length)
        return { reason, detail: `pod or ${named("container", "containers", implicit)} must set securityContext.runAsNonRoot=true` };
    return undefined;
}

/** runAsUser: never 0 (check_runAsUser.go). */
export function runAsUser(_m: Json, spec: Json): Result {
    const who = setters(
        spec?.securityContext?.runAsUser === 0,
        badNames(spec, (c) => c?.securityContext?.runAsUser === 0),
    );
    return who.length ? { reason: "runAsUser=0", detail: `${who.join(" and ")} must not set runAsUser=0` } : undefined;
}

/** seccompProfile_restricted: RuntimeDefault or Localhost on the pod or every container; Windows pods exempt (check_seccompProfile_restricted.go). */
export function seccompRestricted(_m: Json, spec: Json): Result {
    if (isWindows(spec)) return undefined;
    const { who, values, implicit } = seccompScan(spec);
    if (who.length)
        return {
            reason: "seccompProfile",
            detail: `${who.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(values)}`,
        };
    if (implicit.length)
        return {
            reason: "seccompProfile",
            detail: `pod or ${named("container", "containers", implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        };
    return undefined;
}
