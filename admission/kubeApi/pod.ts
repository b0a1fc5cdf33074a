/**
 * A workload's pod template as core validation.go checks it at v1.34.0: ValidatePodTemplateSpec
 * (6796) and ValidatePodSpec (4507): volumes, containers and init containers, restart policy,
 * topology spread constraints, service-account and priority-class names. Feature gates at their
 * 1.34 defaults (MatchLabelKeysInPodTopologySpreadSelectorMerge on, ContainerRestartRules off). Pure.
 */
import { checkContainerCommon, checkProbesAndLifecycle, type PodScope } from "./container";
import {
    CORE,
    asArr,
    asObj,
    at,
    duplicate,
    entries,
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
import { checkAnnotations, checkLabels, checkSelector } from "./meta";
import { dns1123Label, dns1123Subdomain, qualifiedName } from "./strings";

/** Volume sources in the order validateVolumeSource (510-769) counts them. */
const VOLUME_TYPES = (
    "emptyDir hostPath gitRepo gcePersistentDisk awsElasticBlockStore secret nfs iscsi glusterfs flocker persistentVolumeClaim rbd " +
    "cinder cephfs quobyte downwardAPI fc flexVolume configMap azureFile vsphereVolume photonPersistentDisk portworxVolume azureDisk " +
    "storageos projected scaleIO csi ephemeral image"
).split(" ");

/** ValidateVolumes: DNS-label unique names, exactly one source each (validation.go:411-444, 767). */
function checkVolumes(volumes: unknown, path: string, emit: Emit): Set<string> {
    const names = new Set<string>();
    asArr(volumes).forEach((raw, i) => {
        const v = asObj(raw) ?? {};
        const p = `${path}[${i}]`;
        const errs: [string, string, string][] = [];
        const types = VOLUME_TYPES.filter((t) => isSet(v[t]));
        if (!types.length) errs.push([p, required("must specify a volume type"), at(CORE, 768)]);
        for (const t of types.slice(1)) errs.push([`${p}.${t}`, forbidden("may not specify more than 1 volume type"), at(CORE, 521)]);
        const name = str(v.name);
        if (name === "") errs.push([`${p}.name`, required(), at(CORE, 432)]);
        else for (const m of dns1123Label(name)) errs.push([`${p}.name`, invalid(name, m), at(CORE, 434)]);
        if (names.has(name)) errs.push([`${p}.name`, duplicate(name), at(CORE, 437)]);
        if (!errs.length) names.add(name);
        for (const [ep, body, src] of errs) emit("kube/volumes", ep, body, src);
    });
    return names;
}

/** validateContainers (3933-3977): at least one, unique names, probes; restartPolicy is for init containers only. */
function checkContainers(spec: Obj, path: string, scope: PodScope): Set<string> {
    const list = asArr(spec.containers);
    if (!list.length) scope.emit("kube/pod-containers", `${path}.containers`, required(), at(CORE, 3937));
    const names = new Set<string>();
    list.forEach((raw, i) => {
        const c = asObj(raw) ?? {};
        const p = `${path}.containers[${i}]`;
        checkContainerCommon(c, p, scope);
        if (names.has(str(c.name))) scope.emit("kube/container-name", `${p}.name`, duplicate(str(c.name)), at(CORE, 3951));
        names.add(str(c.name));
        checkProbesAndLifecycle(c, p, spec.os, scope);
        if (isSet(c.restartPolicy))
            scope.emit(
                "kube/container-restart-policy",
                `${p}.restartPolicy`,
                forbidden("may not be set for non-init containers"),
                at(CORE, 3970),
            );
    });
    return names;
}

/** validateInitContainers (3721-3780): names unique with the regular ones; probes only on sidecars. */
function checkInitContainers(spec: Obj, path: string, names: Set<string>, scope: PodScope): void {
    asArr(spec.initContainers).forEach((raw, i) => {
        const c = asObj(raw) ?? {};
        const p = `${path}.initContainers[${i}]`;
        checkContainerCommon(c, p, scope);
        const sidecar = c.restartPolicy === "Always";
        if (isSet(c.restartPolicy) && !sidecar)
            scope.emit("kube/container-restart-policy", `${p}.restartPolicy`, notSupported(c.restartPolicy, ["Always"]), at(CORE, 3264));
        const name = str(c.name);
        if (names.has(name)) scope.emit("kube/container-name", `${p}.name`, duplicate(name), at(CORE, 3744));
        else if (name !== "") names.add(name);
        if (sidecar) return checkProbesAndLifecycle(c, p, spec.os, scope);
        for (const [f, line] of [
            ["lifecycle", 3764],
            ["livenessProbe", 3767],
            ["readinessProbe", 3770],
            ["startupProbe", 3773],
        ] as const)
            if (isSet(c[f]))
                scope.emit(
                    "kube/init-container-probes",
                    `${p}.${f}`,
                    forbidden("may not be set for init containers without restartPolicy=Always"),
                    at(CORE, line),
                );
    });
}

/** matchLabelKeys under the 1.34 selector-merge validation (ValidateMatchLabelKeysAndMismatchLabelKeys, 8559-8603). */
function checkMatchLabelKeys(keys: readonly string[], selector: unknown, path: string, emit: Emit): void {
    if (!keys.length) return;
    const sel = asObj(selector);
    if (!sel)
        return emit(
            "kube/topology-spread",
            `${path}.matchLabelKeys`,
            forbidden("must not be specified when labelSelector is not set"),
            at(CORE, 8645),
        );
    keys.forEach((k, i) =>
        qualifiedName(k).forEach((m) => emit("kube/topology-spread", `${path}.matchLabelKeys[${i}]`, invalid(k, m), at(CORE, 8650))),
    );
    const seen = new Set(entries(sel.matchLabels).map(([k]) => k));
    for (const e of asArr(sel.matchExpressions)) {
        const k = str(asObj(e)?.key);
        const i = keys.indexOf(k);
        if (i >= 0 && seen.has(k))
            emit("kube/topology-spread", `${path}[${i}]`, invalid(k, "exists in both matchLabelKeys and labelSelector"), at(CORE, 8589));
        seen.add(k);
    }
}

/** validateTopologySpreadConstraints (8437-8495). */
function checkTopologySpread(list: unknown, path: string, emit: Emit): void {
    const items = asArr(list).map((x) => asObj(x) ?? {});
    items.forEach((c, i) => {
        const p = `${path}[${i}]`;
        if (int(c.maxSkew) <= 0)
            emit("kube/topology-spread", `${p}.maxSkew`, invalid(int(c.maxSkew), "must be greater than zero"), at(CORE, 8442));
        if (str(c.topologyKey) === "") emit("kube/topology-spread", `${p}.topologyKey`, required("can not be empty"), at(CORE, 8514));
        const when = str(c.whenUnsatisfiable);
        if (!["DoNotSchedule", "ScheduleAnyway"].includes(when))
            emit("kube/topology-spread", `${p}.whenUnsatisfiable`, notSupported(when, ["DoNotSchedule", "ScheduleAnyway"]), at(CORE, 8522));
        if (items.slice(i + 1).some((o) => str(o.topologyKey) === str(c.topologyKey) && str(o.whenUnsatisfiable) === when))
            emit(
                "kube/topology-spread",
                `${p}.{topologyKey, whenUnsatisfiable}`,
                duplicate(`{${str(c.topologyKey)}, ${when}}`),
                at(CORE, 8533),
            );
        if (isSet(c.minDomains) && int(c.minDomains) <= 0)
            emit("kube/topology-spread", `${p}.minDomains`, invalid(c.minDomains, "must be greater than zero"), at(CORE, 8503));
        if (isSet(c.minDomains) && when !== "DoNotSchedule")
            emit(
                "kube/topology-spread",
                `${p}.minDomains`,
                invalid(c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${when}`),
                at(CORE, 8506),
            );
        checkMatchLabelKeys(asArr(c.matchLabelKeys).map(str), c.labelSelector, p, emit);
        checkSelector(c.labelSelector, `${p}.labelSelector`, emit);
    });
}

/** ValidatePodTemplateSpec (6796-6809) and the parts of ValidatePodSpec (4507-4611) ported. */
export function checkPodTemplate(template: unknown, path: string, emit: Emit): void {
    const t = asObj(template) ?? {};
    const meta = asObj(t.metadata) ?? {};
    const spec = asObj(t.spec) ?? {};
    const sp = `${path}.spec`;
    checkLabels(meta.labels, `${path}.labels`, "kube/labels", emit);
    checkAnnotations(meta.annotations, `${path}.annotations`, emit);
    const grace = isSet(spec.terminationGracePeriodSeconds) ? int(spec.terminationGracePeriodSeconds) : 30; // SetDefaults_PodSpec
    const scope: PodScope = { volumes: checkVolumes(spec.volumes, `${sp}.volumes`, emit), grace, emit };
    checkInitContainers(spec, sp, checkContainers(spec, sp, scope), scope);
    const rp = spec.restartPolicy;
    if (isSet(rp) && !["Always", "OnFailure", "Never"].includes(str(rp)))
        emit("kube/pod-restart-policy", `${sp}.restartPolicy`, notSupported(rp, ["Always", "OnFailure", "Never"]), at(CORE, 3989));
    checkLabels(spec.nodeSelector, `${sp}.nodeSelector`, "kube/labels", emit);
    checkTopologySpread(spec.topologySpreadConstraints, `${sp}.topologySpreadConstraints`, emit);
    for (const [f, line] of [
        ["serviceAccountName", 4547],
        ["priorityClassName", 4582],
    ] as const) {
        const v = str(spec[f]);
        if (v !== "") for (const m of dns1123Subdomain(v)) emit("kube/pod-names", `${sp}.${f}`, invalid(v, m), at(CORE, line));
    }
    if (asArr(spec.ephemeralContainers).length)
        emit(
            "kube/pod-containers",
            `${sp}.ephemeralContainers`,
            forbidden("ephemeral containers not allowed in pod template"),
            at(CORE, 6806),
        );
}
