/**
 * Service (core validation.go validateService / validateServicePort, 6303-6553) and NetworkPolicy
 * (networking validation.go ValidateNetworkPolicySpec, ValidateNetworkPolicyPort,
 * ValidateNetworkPolicyPeer, ValidateIPBlock) at v1.34.0. Service defaults (type ClusterIP,
 * protocol TCP, sessionAffinity None, targetPort = port) are applied first; StrictIPCIDRValidation
 * is off at 1.34, so CIDRs are parsed the lenient way. Pure.
 */
import {
    CORE,
    NETWORKING,
    asArr,
    asObj,
    at,
    duplicate,
    forbidden,
    int,
    invalid,
    isSet,
    notSupported,
    required,
    str,
    type Emit,
    type Obj,
} from "./fmt";
import { checkLabels, checkSelector } from "./meta";
import { dns1123Label, network, parseCidr, portName, portNum, qualifiedName } from "./strings";

const c = (line: number): string => at(CORE, line);
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** validateServicePort (6513-6553). */
function checkServicePort(p: Obj, path: string, many: boolean, names: Set<string>, emit: Emit): void {
    const name = str(p.name);
    if (many && name === "") emit("kube/service-ports", `${path}.name`, required(), c(6517));
    else if (name !== "") {
        for (const m of dns1123Label(name)) emit("kube/service-ports", `${path}.name`, invalid(name, m), c(6519));
        if (names.has(name)) emit("kube/service-ports", `${path}.name`, duplicate(name), c(6521));
        names.add(name);
    }
    for (const m of portNum(int(p.port))) emit("kube/service-ports", `${path}.port`, invalid(int(p.port), m), c(6528));
    if (isSet(p.protocol) && !PROTOCOLS.includes(str(p.protocol)))
        emit("kube/service-ports", `${path}.protocol`, notSupported(p.protocol, PROTOCOLS), c(6534));
    const target = p.targetPort ?? p.port;
    if (typeof target === "number")
        for (const m of portNum(target)) emit("kube/service-ports", `${path}.targetPort`, invalid(target, m), c(3406));
    else for (const m of portName(str(target))) emit("kube/service-ports", `${path}.targetPort`, invalid(str(target), m), c(3410));
    if (isSet(p.appProtocol))
        for (const m of qualifiedName(str(p.appProtocol)))
            emit("kube/service-ports", `${path}.appProtocol`, invalid(p.appProtocol, m), c(6540));
}

/** validateService (6303-6511), the parts that apply to a Service as we declare it. */
export function checkService(o: Obj, emit: Emit): void {
    const spec = asObj(o.spec) ?? {};
    const type = str(spec.type ?? "ClusterIP");
    const ports = asArr(spec.ports).map((p) => asObj(p) ?? {});
    if (!ports.length && spec.clusterIP !== "None" && type !== "ExternalName")
        emit("kube/service-ports", "spec.ports", required(), c(6321));
    const names = new Set<string>();
    ports.forEach((p, i) => checkServicePort(p, `spec.ports[${i}]`, ports.length > 1, names, emit));
    const seen = new Set<string>();
    ports.forEach((p, i) => {
        const k = `${str(p.protocol ?? "TCP")}/${int(p.port)}`;
        if (seen.has(k))
            emit("kube/service-ports", `spec.ports[${i}]`, duplicate({ port: int(p.port), protocol: str(p.protocol ?? "TCP") }), c(6445));
        seen.add(k);
    });
    if (isSet(spec.selector)) checkLabels(spec.selector, "spec.selector", "kube/labels", emit);
    const types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if (!types.includes(type)) emit("kube/service-type", "spec.type", notSupported(type, types), c(6405));
    if (type === "ClusterIP")
        ports.forEach((p, i) => {
            if (int(p.nodePort) !== 0)
                emit("kube/service-type", `spec.ports[${i}].nodePort`, forbidden("may not be used when `type` is 'ClusterIP'"), c(6413));
        });
    if (type === "ExternalName" && str(spec.externalName) === "") emit("kube/service-type", "spec.externalName", required(), c(6351));
    const affinity = str(spec.sessionAffinity ?? "None");
    if (!["ClientIP", "None"].includes(affinity))
        emit("kube/service-type", "spec.sessionAffinity", notSupported(affinity, ["ClientIP", "None"]), c(6369));
    if (affinity === "None" && isSet(spec.sessionAffinityConfig))
        emit("kube/service-type", "spec.sessionAffinityConfig", forbidden("must not be set when session affinity is None"), c(6376));
    if (asArr(spec.loadBalancerSourceRanges).length && type !== "LoadBalancer")
        emit("kube/service-type", "spec.LoadBalancerSourceRanges", forbidden("may only be used when `type` is 'LoadBalancer'"), c(6457));
    if (isSet(spec.allocateLoadBalancerNodePorts) && type !== "LoadBalancer")
        emit(
            "kube/service-type",
            "spec.allocateLoadBalancerNodePorts",
            forbidden("may only be used when `type` is 'LoadBalancer'"),
            c(6491),
        );
    if (isSet(spec.externalTrafficPolicy) && type !== "NodePort" && type !== "LoadBalancer" && !asArr(spec.externalIPs).length)
        emit(
            "kube/service-type",
            "spec.externalTrafficPolicy",
            invalid(spec.externalTrafficPolicy, "may only be set for externally-accessible services"),
            c(6564),
        );
    if (isSet(spec.internalTrafficPolicy) && !["Cluster", "Local"].includes(str(spec.internalTrafficPolicy)))
        emit("kube/service-type", "spec.internalTrafficPolicy", notSupported(spec.internalTrafficPolicy, ["Cluster", "Local"]), c(6621));
}

// ---- NetworkPolicy --------------------------------------------------------------------------

const n = (fn: string): string => at(NETWORKING, fn);

/** ValidateNetworkPolicyPort: protocol, port number or name, endPort only with a numeric port >= it. */
function checkNpPort(p: Obj, path: string, emit: Emit): void {
    if (isSet(p.protocol) && !["TCP", "UDP", "SCTP"].includes(str(p.protocol)))
        emit("kube/netpol-ports", `${path}.protocol`, notSupported(p.protocol, ["TCP", "UDP", "SCTP"]), n("ValidateNetworkPolicyPort"));
    const port = p.port;
    const end = p.endPort;
    if (typeof port === "number") {
        for (const m of portNum(port)) emit("kube/netpol-ports", `${path}.port`, invalid(port, m), n("ValidateNetworkPolicyPort"));
        if (isSet(end) && int(end) < port)
            emit(
                "kube/netpol-ports",
                `${path}.endPort`,
                invalid(port, "must be greater than or equal to `port`"),
                n("ValidateNetworkPolicyPort"),
            );
        if (isSet(end))
            for (const m of portNum(int(end)))
                emit("kube/netpol-ports", `${path}.endPort`, invalid(end, m), n("ValidateNetworkPolicyPort"));
    } else if (isSet(port)) {
        if (isSet(end))
            emit(
                "kube/netpol-ports",
                `${path}.endPort`,
                invalid(end, "may not be specified when `port` is non-numeric"),
                n("ValidateNetworkPolicyPort"),
            );
        for (const m of portName(str(port)))
            emit("kube/netpol-ports", `${path}.port`, invalid(str(port), m), n("ValidateNetworkPolicyPort"));
    } else if (isSet(end))
        emit(
            "kube/netpol-ports",
            `${path}.endPort`,
            invalid(end, "may not be specified when `port` is not specified"),
            n("ValidateNetworkPolicyPort"),
        );
}

/** ValidateIPBlock: a valid cidr; each except valid and a strict subset of it. */
function checkIpBlock(b: Obj, path: string, emit: Emit): void {
    const cidr = str(b.cidr);
    const bad = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
    if (cidr === "") return emit("kube/netpol-ipblock", `${path}.cidr`, required(), n("ValidateIPBlock"));
    const outer = parseCidr(cidr);
    if (!outer) return emit("kube/netpol-ipblock", `${path}.cidr`, invalid(cidr, bad), n("ValidateIPBlock"));
    asArr(b.except).forEach((raw, i) => {
        const e = str(raw);
        const inner = parseCidr(e);
        if (!inner) return emit("kube/netpol-ipblock", `${path}.except[${i}]`, invalid(e, bad), n("ValidateIPBlock"));
        const contained = inner.bits === outer.bits && network({ ...inner, prefix: outer.prefix }) === network(outer);
        if (!contained || outer.prefix >= inner.prefix)
            emit("kube/netpol-ipblock", `${path}.except[${i}]`, invalid(e, "must be a strict subset of `cidr`"), n("ValidateIPBlock"));
    });
}

/** ValidateNetworkPolicyPeer: exactly one kind of peer when ipBlock is used, at least one always. */
function checkPeer(p: Obj, path: string, emit: Emit): void {
    const kinds = ["podSelector", "namespaceSelector", "ipBlock"].filter((k) => isSet(p[k]));
    if (isSet(p.podSelector)) checkSelector(p.podSelector, `${path}.podSelector`, emit);
    if (isSet(p.namespaceSelector)) checkSelector(p.namespaceSelector, `${path}.namespaceSelector`, emit);
    if (isSet(p.ipBlock)) checkIpBlock(asObj(p.ipBlock) ?? {}, `${path}.ipBlock`, emit);
    if (!kinds.length) emit("kube/netpol-peers", path, required("must specify a peer"), n("ValidateNetworkPolicyPeer"));
    else if (kinds.length > 1 && isSet(p.ipBlock))
        emit("kube/netpol-peers", path, forbidden("may not specify both ipBlock and another peer"), n("ValidateNetworkPolicyPeer"));
}

/** ValidateNetworkPolicySpec: podSelector, ingress/egress ports and peers, policyTypes. */
export function checkNetworkPolicy(o: Obj, emit: Emit): void {
    const spec = asObj(o.spec) ?? {};
    checkSelector(spec.podSelector, "spec.podSelector", emit);
    for (const [dir, peers] of [
        ["ingress", "from"],
        ["egress", "to"],
    ] as const)
        asArr(spec[dir]).forEach((raw, i) => {
            const rule = asObj(raw) ?? {};
            const rp = `spec.${dir}[${i}]`;
            asArr(rule.ports).forEach((p, j) => checkNpPort(asObj(p) ?? {}, `${rp}.ports[${j}]`, emit));
            asArr(rule[peers]).forEach((p, j) => checkPeer(asObj(p) ?? {}, `${rp}.${peers}[${j}]`, emit));
        });
    const types = asArr(spec.policyTypes).map(str);
    if (types.length > 2)
        return emit(
            "kube/netpol-policy-types",
            "spec.policyTypes",
            invalid(types, "may not specify more than two policyTypes"),
            n("ValidateNetworkPolicySpec"),
        );
    types.forEach((t, i) => {
        if (t !== "Ingress" && t !== "Egress")
            emit(
                "kube/netpol-policy-types",
                `spec.policyTypes[${i}]`,
                notSupported(t, ["Ingress", "Egress"]),
                n("ValidateNetworkPolicySpec"),
            );
    });
}
