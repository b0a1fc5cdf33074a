/**
 * Pod Security Admission as Kubernetes v1.34.0 evaluates it, for the `baseline` and `restricted`
 * levels at version `latest`: a port of every check in
 * staging/src/k8s.io/pod-security-admission/policy/check_*.go (read at the `v0.34.0` tag of the
 * published k8s.io/pod-security-admission, which is that folder at kubernetes v1.34.0).
 *
 * Messages are the upstream `ForbiddenReason (ForbiddenDetail)`, so they read like the API
 * server's answer. Pure: no I/O, imports nothing outside policies/ (the policy pack uses it too).
 */
import type { Json } from "./k8s";
import * as c from "./podSecurityChecks";

/** A level a namespace can enforce. */
export type PodSecurityLevelName = "privileged" | "baseline" | "restricted";

/** One failed check: its upstream id, the upstream reason and detail, and where it comes from. */
export interface PodSecurityProblem {
    readonly check: string;
    readonly message: string;
    readonly source: string;
}

const PSA = "kubernetes v1.34.0 staging/src/k8s.io/pod-security-admission";
const src = (file: string, line: number): string => `${PSA}/policy/${file}:${line}`;

/** One PSA check: its upstream id, level, source line and the ported function. */
export interface PodSecurityCheck {
    readonly id: string;
    readonly level: "baseline" | "restricted";
    readonly source: string;
    /** Baseline checks this restricted check replaces (registry.go: OverrideCheckIDs). */
    readonly overrides?: readonly string[];
    readonly run: (meta: Json, spec: Json) => c.CheckOutcome;
}

/** Every check PSA v1.34.0 runs at version `latest`, with the line of the versioned check it follows. */
export const PSA_CHECKS: readonly PodSecurityCheck[] = [
    { id: "appArmorProfile", level: "baseline", source: src("check_appArmorProfile.go", 83), run: c.appArmor },
    { id: "capabilities_baseline", level: "baseline", source: src("check_capabilities_baseline.go", 79), run: c.capabilitiesBaseline },
    { id: "hostNamespaces", level: "baseline", source: src("check_hostNamespaces.go", 58), run: c.hostNamespaces },
    { id: "hostPathVolumes", level: "baseline", source: src("check_hostPathVolumes.go", 58), run: c.hostPathVolumes },
    { id: "hostPorts", level: "baseline", source: src("check_hostPorts.go", 60), run: c.hostPorts },
    { id: "hostProbesAndHostLifecycle", level: "baseline", source: src("check_hostProbesAndhostLifecycle.go", 86), run: c.hostProbes },
    { id: "privileged", level: "baseline", source: src("check_privileged.go", 56), run: c.privileged },
    { id: "procMount", level: "baseline", source: src("check_procMount.go", 63), run: c.procMount },
    { id: "seLinuxOptions", level: "baseline", source: src("check_seLinuxOptions.go", 86), run: c.seLinuxOptions },
    { id: "seccompProfile_baseline", level: "baseline", source: src("check_seccompProfile_baseline.go", 121), run: c.seccompBaseline },
    { id: "sysctls", level: "baseline", source: src("check_sysctls.go", 120), run: c.sysctls },
    { id: "windowsHostProcess", level: "baseline", source: src("check_windowsHostProcess.go", 59), run: c.windowsHostProcess },
    {
        id: "allowPrivilegeEscalation",
        level: "restricted",
        source: src("check_allowPrivilegeEscalation.go", 86),
        run: c.allowPrivilegeEscalation,
    },
    {
        id: "capabilities_restricted",
        level: "restricted",
        source: src("check_capabilities_restricted.go", 138),
        overrides: ["capabilities_baseline"],
        run: c.capabilitiesRestricted,
    },
    {
        id: "restrictedVolumes",
        level: "restricted",
        source: src("check_restrictedVolumes.go", 88),
        overrides: ["hostPathVolumes"],
        run: c.restrictedVolumes,
    },
    { id: "runAsNonRoot", level: "restricted", source: src("check_runAsNonRoot.go", 61), run: c.runAsNonRoot },
    { id: "runAsUser", level: "restricted", source: src("check_runAsUser.go", 62), run: c.runAsUser },
    {
        id: "seccompProfile_restricted",
        level: "restricted",
        source: src("check_seccompProfile_restricted.go", 148),
        overrides: ["seccompProfile_baseline"],
        run: c.seccompRestricted,
    },
];

/** The checks a level runs, in PSA's order: baseline ids sorted, then restricted ids sorted (registry.go:160-162). */
export function checksFor(level: "baseline" | "restricted"): readonly PodSecurityCheck[] {
    const byId = (a: PodSecurityCheck, b: PodSecurityCheck): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const baseline = PSA_CHECKS.filter((c) => c.level === "baseline").sort(byId);
    if (level === "baseline") return baseline;
    const restricted = PSA_CHECKS.filter((c) => c.level === "restricted").sort(byId);
    const overridden = new Set(restricted.flatMap((c) => c.overrides ?? []));
    return [...baseline.filter((c) => !overridden.has(c.id)), ...restricted];
}

/**
 * What Pod Security Admission (v1.34.0, version `latest`) forbids in a pod at `level`: one entry
 * per failed check, `message` being `reason (detail)` as the API server prints it.
 */
export function podSecurityProblems(level: "baseline" | "restricted", metadata: Json, spec: Json): PodSecurityProblem[] {
    const out: PodSecurityProblem[] = [];
    for (const c of checksFor(level)) {
        const r = c.run(metadata, spec);
        if (r) out.push({ check: c.id, message: r.detail ? `${r.reason} (${r.detail})` : r.reason, source: c.source });
    }
    return out;
}

/** The whole denial as the admission plugin words it (admission/admission.go:481). */
export function podSecurityDenial(level: PodSecurityLevelName, version: string, problems: readonly PodSecurityProblem[]): string {
    return `violates PodSecurity "${level}:${version}": ${problems.map((p) => p.message).join(", ")}`;
}

const LEVELS: readonly string[] = ["privileged", "baseline", "restricted"];

/**
 * The enforce level and version of a namespace from its labels (api/helpers.go PolicyToEvaluate):
 * no label is `privileged`; an unparsable level is `restricted` and an unparsable version `latest`.
 */
export function podSecurityLevel(nsLabels: Readonly<Record<string, string>> | undefined): { level: PodSecurityLevelName; version: string } {
    const level = nsLabels?.["pod-security.kubernetes.io/enforce"];
    const version = nsLabels?.["pod-security.kubernetes.io/enforce-version"];
    return {
        level: level === undefined ? "privileged" : LEVELS.includes(level) ? (level as PodSecurityLevelName) : "restricted",
        version: version !== undefined && /^v1\.(0|[1-9][0-9]*)$/.test(version) ? version : "latest",
    };
}
