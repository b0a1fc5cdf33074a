/**
 * One container of a pod template, as core validation.go checks it at v1.34.0:
 * validateContainerCommon (name, image, ports, env, mounts, pull policy, resources), the probes and
 * lifecycle handlers, with the API server's defaults applied first (protocol TCP, probe
 * successThreshold 1, terminationGracePeriodSeconds 30, ...). Pure.
 */
import {
    CORE,
    K8S,
    asArr,
    asObj,
    at,
    duplicate,
    entries,
    forbidden,
    int,
    invalid,
    isSet,
    key,
    notFound,
    notSupported,
    required,
    str,
    type Emit,
    type Obj,
} from "./fmt";
import { compare, dns1123Label, portName, portNum, quantity, relaxedEnvVarName, sign } from "./strings";

const QUANTITY_SRC = `${K8S} staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go:154`;

/** What a container check needs from its pod. */
export interface PodScope {
    readonly volumes: ReadonlySet<string>;
    readonly grace: number;
    readonly emit: Emit;
}

/** validateContainerPorts (validation.go:2647-2681). */
function checkPorts(ports: unknown, path: string, emit: Emit): void {
    const names = new Set<string>();
    asArr(ports).forEach((raw, i) => {
        const p = asObj(raw) ?? {};
        const at_ = `${path}[${i}]`;
        const name = str(p.name);
        if (name !== "") {
            const msgs = portName(name);
            msgs.forEach((m) => emit("kube/container-ports", `${at_}.name`, invalid(name, m), at(CORE, 2656)));
            if (!msgs.length && names.has(name)) emit("kube/container-ports", `${at_}.name`, duplicate(name), at(CORE, 2659));
            names.add(name);
        }
        if (int(p.containerPort) === 0) emit("kube/container-ports", `${at_}.containerPort`, required(), at(CORE, 2665));
        else
            for (const m of portNum(int(p.containerPort)))
                emit("kube/container-ports", `${at_}.containerPort`, invalid(p.containerPort, m), at(CORE, 2668));
        if (int(p.hostPort) !== 0)
            for (const m of portNum(int(p.hostPort)))
                emit("kube/container-ports", `${at_}.hostPort`, invalid(p.hostPort, m), at(CORE, 2673));
        if (isSet(p.protocol) && !["SCTP", "TCP", "UDP"].includes(str(p.protocol)))
            emit("kube/container-ports", `${at_}.protocol`, notSupported(p.protocol, ["SCTP", "TCP", "UDP"]), at(CORE, 2679));
    });
}

/** ValidateEnv names (validation.go:2686-2703). */
function checkEnv(env: unknown, path: string, emit: Emit): void {
    asArr(env).forEach((raw, i) => {
        const name = str(asObj(raw)?.name);
        if (name === "") emit("kube/env-var-name", `${path}[${i}].name`, required(), at(CORE, 2692));
        else for (const m of relaxedEnvVarName(name)) emit("kube/env-var-name", `${path}[${i}].name`, invalid(name, m), at(CORE, 2696));
    });
}

/** ValidateVolumeMounts (validation.go:3030-3068). */
function checkMounts(mounts: unknown, path: string, scope: PodScope): void {
    const seen = new Set<string>();
    asArr(mounts).forEach((raw, i) => {
        const m = asObj(raw) ?? {};
        const p = `${path}[${i}]`;
        const name = str(m.name);
        const mountPath = str(m.mountPath);
        if (name === "") scope.emit("kube/volume-mounts", `${p}.name`, required(), at(CORE, 3037));
        if (!scope.volumes.has(name)) scope.emit("kube/volume-mounts", `${p}.name`, notFound(name), at(CORE, 3040));
        if (mountPath === "") scope.emit("kube/volume-mounts", `${p}.mountPath`, required(), at(CORE, 3043));
        if (seen.has(mountPath)) scope.emit("kube/volume-mounts", `${p}.mountPath`, invalid(mountPath, "must be unique"), at(CORE, 3046));
        seen.add(mountPath);
        if (str(m.subPath) !== "" && str(m.subPathExpr) !== "")
            scope.emit(
                "kube/volume-mounts",
                `${p}.subPathExpr`,
                invalid(m.subPathExpr, "subPathExpr and subPath are mutually exclusive"),
                at(CORE, 3064),
            );
    });
}

/** Resources that may not be overcommitted (hugepages-*, extended resources): request must equal limit. */
const overcommitAllowed = (name: string): boolean =>
    !name.startsWith("hugepages-") && (!name.includes("/") || name.includes("kubernetes.io/"));
const QUANTITY_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/** validateResourceRequirements quantities and request <= limit (validation.go:7521-7569, 7810). */
function checkResources(res: unknown, path: string, emit: Emit): void {
    const r = asObj(res) ?? {};
    const limits = asObj(r.limits) ?? {};
    const lists: [string, Obj][] = [
        ["limits", limits],
        ["requests", asObj(r.requests) ?? {}],
    ];
    for (const [list, values] of lists)
        for (const [name, raw] of entries(values)) {
            const q = quantity(raw);
            const p = key(`${path}.${list}`, name);
            if (!q) emit("kube/resources", p, invalid(raw, `quantities must match the regular expression '${QUANTITY_RE}'`), QUANTITY_SRC);
            else if (sign(q) < 0) emit("kube/resources", p, invalid(str(raw), "must be greater than or equal to 0"), at(CORE, 7810));
            if (list === "limits" || !q) continue;
            if (!(name in limits)) {
                if (!overcommitAllowed(name))
                    emit(
                        "kube/resources",
                        `${path}.limits`,
                        required("Limit must be set for non overcommitable resources"),
                        at(CORE, 7568),
                    );
                continue;
            }
            const lim = quantity(limits[name]);
            if (!lim) continue;
            if (!overcommitAllowed(name) && compare(q, lim) !== 0)
                emit(
                    "kube/resources",
                    `${path}.requests`,
                    invalid(str(raw), `must be equal to ${name} limit of ${str(limits[name])}`),
                    at(CORE, 7563),
                );
            else if (compare(q, lim) > 0)
                emit(
                    "kube/resources",
                    `${path}.requests`,
                    invalid(str(raw), `must be less than or equal to ${name} limit of ${str(limits[name])}`),
                    at(CORE, 7565),
                );
        }
}

/** ValidatePortNumOrName (validation.go:3402-3415). */
function checkPortRef(port: unknown, path: string, rule: string, emit: Emit): void {
    if (typeof port === "number") for (const m of portNum(port)) emit(rule, path, invalid(port, m), at(CORE, 3406));
    else for (const m of portName(str(port))) emit(rule, path, invalid(str(port), m), at(CORE, 3410));
}

const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc", "sleep"] as const;

/** validateHandler: exactly one handler type, each valid (validation.go:3424-3469). */
function checkHandler(h: Obj, path: string, allowed: readonly string[], scope: PodScope): void {
    const set = HANDLERS.filter((k) => allowed.includes(k) && isSet(h[k]));
    if (!set.length) return scope.emit("kube/probe-handler", path, required("must specify a handler type"), at(CORE, 3468));
    for (const extra of set.slice(1))
        scope.emit("kube/probe-handler", `${path}.${extra}`, forbidden("may not specify more than 1 handler type"), at(CORE, 3429));
    const [kind] = set;
    const v = asObj(h[kind]) ?? {};
    const p = `${path}.${kind}`;
    if (kind === "exec" && !asArr(v.command).length) scope.emit("kube/probe-handler", `${p}.command`, required(), at(CORE, 3378));
    if (kind === "httpGet" || kind === "tcpSocket") checkPortRef(v.port, `${p}.port`, "kube/probe-handler", scope.emit);
    if (kind === "httpGet" && isSet(v.scheme) && !["HTTP", "HTTPS"].includes(str(v.scheme)))
        scope.emit("kube/probe-handler", `${p}.scheme`, notSupported(v.scheme, ["HTTP", "HTTPS"]), at(CORE, 3392));
    if (kind === "grpc") checkPortRef(int(v.port), `${p}.port`, "kube/probe-handler", scope.emit);
    const secs = int(v.seconds);
    if (kind === "sleep" && (secs < 0 || secs > scope.grace))
        scope.emit(
            "kube/lifecycle-sleep",
            p,
            invalid(secs, `must be non-negative and less than terminationGracePeriodSeconds (${scope.grace})`),
            at(CORE, 3304),
        );
}

const PROBE_HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"];

/** validateProbe and its liveness/readiness/startup variants (validation.go:3184-3239). */
function checkProbe(which: "livenessProbe" | "readinessProbe" | "startupProbe", probe: unknown, path: string, scope: PodScope): void {
    const pr = asObj(probe);
    if (!pr) return;
    const p = `${path}.${which}`;
    checkHandler(pr, p, PROBE_HANDLERS, scope);
    const lines: Record<string, number> = {
        initialDelaySeconds: 3231,
        timeoutSeconds: 3232,
        periodSeconds: 3233,
        successThreshold: 3234,
        failureThreshold: 3235,
    };
    for (const [f, line] of Object.entries(lines))
        if (int(pr[f]) < 0)
            scope.emit("kube/probe-numbers", `${p}.${f}`, invalid(pr[f], "must be greater than or equal to 0"), at(CORE, line));
    const tgps = pr.terminationGracePeriodSeconds;
    if (isSet(tgps) && int(tgps) <= 0)
        scope.emit("kube/probe-numbers", `${p}.terminationGracePeriodSeconds`, invalid(tgps, "must be greater than 0"), at(CORE, 3237));
    if (which === "readinessProbe" && isSet(tgps))
        scope.emit(
            "kube/probe-numbers",
            `${p}.terminationGracePeriodSeconds`,
            invalid(tgps, "must not be set for readinessProbes"),
            at(CORE, 3205),
        );
    const success = int(pr.successThreshold) === 0 ? 1 : int(pr.successThreshold); // SetDefaults_Probe
    if (which !== "readinessProbe" && success !== 1)
        scope.emit(
            "kube/probe-success-threshold",
            `${p}.successThreshold`,
            invalid(success, "must be 1"),
            at(CORE, which === "livenessProbe" ? 3192 : 3218),
        );
}

/** Probes and lifecycle of a container that may have them (validation.go:3960-3965, 3514-3525). */
export function checkProbesAndLifecycle(c: Obj, path: string, podOs: unknown, scope: PodScope): void {
    const lc = asObj(c.lifecycle);
    for (const hook of ["postStart", "preStop"] as const) {
        const h = asObj(lc?.[hook]);
        if (h) checkHandler(h, `${path}.lifecycle.${hook}`, ["exec", "httpGet", "tcpSocket", "sleep"], scope);
    }
    if (isSet(lc?.stopSignal) && !isSet(asObj(podOs)?.name))
        scope.emit(
            "kube/probe-handler",
            `${path}.lifecycle.stopSignal`,
            forbidden("may not be set for containers with empty `spec.os.name`"),
            at(CORE, 3500),
        );
    for (const which of ["livenessProbe", "readinessProbe", "startupProbe"] as const) checkProbe(which, c[which], path, scope);
}

/** validateContainerCommon (validation.go:3787-3827). */
export function checkContainerCommon(c: Obj, path: string, scope: PodScope): void {
    const { emit } = scope;
    const name = str(c.name);
    if (name === "") emit("kube/container-name", `${path}.name`, required(), at(CORE, 3792));
    else for (const m of dns1123Label(name)) emit("kube/container-name", `${path}.name`, invalid(name, m), at(CORE, 3794));
    if (str(c.image) === "") emit("kube/container-image", `${path}.image`, required(), at(CORE, 3801));
    if (isSet(c.terminationMessagePolicy) && !["File", "FallbackToLogsOnError"].includes(str(c.terminationMessagePolicy)))
        emit(
            "kube/container-policies",
            `${path}.terminationMessagePolicy`,
            notSupported(c.terminationMessagePolicy, ["File", "FallbackToLogsOnError"]),
            at(CORE, 3813),
        );
    checkPorts(c.ports, `${path}.ports`, emit);
    checkEnv(c.env, `${path}.env`, emit);
    checkMounts(c.volumeMounts, `${path}.volumeMounts`, scope);
    if (isSet(c.imagePullPolicy) && !["Always", "IfNotPresent", "Never"].includes(str(c.imagePullPolicy)))
        emit(
            "kube/container-policies",
            `${path}.imagePullPolicy`,
            notSupported(c.imagePullPolicy, ["Always", "IfNotPresent", "Never"]),
            at(CORE, 3542),
        );
    checkResources(c.resources, `${path}.resources`, emit);
}
