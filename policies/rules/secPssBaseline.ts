import { containersOf, podTemplateOf, WORKLOAD_KINDS, type Json } from "../lib/k8s";
import { resourceRule } from "../lib/rule";
import { forEachKnown } from "../lib/unknown";

/** Capabilities the baseline profile allows to add (Pod Security Standards, baseline). */
export const BASELINE_CAPABILITIES = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];
/** Sysctls the baseline profile allows. */
export const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/** Baseline problems of a pod spec, one phrase each (`hostNetwork: true`, `container app sets privileged: true`). */
export function baselineProblems(spec: Json): string[] {
    const out: string[] = [];
    for (const f of ["hostNetwork", "hostPID", "hostIPC"]) if (spec?.[f] === true) out.push(`${f}: true`);
    if (spec?.securityContext?.seccompProfile?.type === "Unconfined") out.push("seccompProfile Unconfined");
    for (const s of (spec?.securityContext?.sysctls ?? []) as Json[])
        if (!SAFE_SYSCTLS.includes(s.name)) out.push(`unsafe sysctl ${s.name}`);
    if (spec?.securityContext?.windowsOptions?.hostProcess === true) out.push("windowsOptions.hostProcess: true");
    for (const v of (spec?.volumes ?? []) as Json[]) if (v.hostPath) out.push(`volume ${v.name} is a hostPath`);
    forEachKnown(containersOf(spec), ({ name, c }) => {
        const sc = c.securityContext ?? {};
        if (sc.privileged === true) out.push(`container ${name} sets privileged: true`);
        for (const cap of (sc.capabilities?.add ?? []) as string[])
            if (!BASELINE_CAPABILITIES.includes(cap)) out.push(`container ${name} adds capability ${cap}`);
        if (sc.procMount !== undefined && sc.procMount !== "Default") out.push(`container ${name} sets procMount ${sc.procMount}`);
        if (sc.seccompProfile?.type === "Unconfined") out.push(`container ${name} sets seccompProfile Unconfined`);
        if (sc.windowsOptions?.hostProcess === true) out.push(`container ${name} sets windowsOptions.hostProcess: true`);
        for (const p of (c.ports ?? []) as Json[]) if (p.hostPort) out.push(`container ${name} uses hostPort ${p.hostPort}`);
    });
    return out;
}

/** `sec-pss-baseline`: the Pod Security Standards baseline profile. */
export const secPssBaseline = resourceRule<Record<string, never>>(
    {
        name: "sec-pss-baseline",
        description:
            "Pods meet the baseline Pod Security Standard: no host namespaces, privileged containers, extra capabilities, hostPath volumes, hostPorts, unconfined seccomp, unsafe sysctls or unmasked /proc.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps: "Remove the privileged setting the message names.",
        configSchema: { properties: {} },
    },
    (kind) => WORKLOAD_KINDS.includes(kind),
    (o, _cfg, report) => {
        for (const p of baselineProblems(podTemplateOf(o.kind, o.props)?.spec))
            report(`${o.id}: ${p} violates the baseline Pod Security Standard; remove it.`);
    },
);
