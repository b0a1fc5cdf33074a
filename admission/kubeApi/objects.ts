/**
 * Secret and ConfigMap (core validation.go ValidateSecret 7351, ValidateConfigMap 7453) and
 * PodDisruptionBudget (policy validation.go ValidatePodDisruptionBudgetSpec) at v1.34.0. A Secret's
 * `stringData` is merged into `data` before validation, so its keys count too. Pure.
 */
import { CORE, POLICY, asObj, at, entries, invalid, isSet, notSupported, required, str, tooLong, type Emit, type Obj } from "./fmt";
import { checkSelector } from "./meta";
import { checkIntOrPercent } from "./workloads";
import { configMapKey } from "./strings";

const MAX_SIZE = 1024 * 1024; // core.MaxSecretSize

/** Decoded byte length of a `data` value (base64) or a `stringData` value (text). */
const b64len = (v: unknown): number => Buffer.from(str(v), "base64").length;
const textLen = (v: unknown): number => Buffer.byteLength(str(v));

/** Keys a Secret type requires (7366-7422). */
const SECRET_KEYS: Readonly<Record<string, { keys: string[]; line: number; any?: boolean }>> = {
    "kubernetes.io/dockercfg": { keys: [".dockercfg"], line: 7378 },
    "kubernetes.io/dockerconfigjson": { keys: [".dockerconfigjson"], line: 7389 },
    "kubernetes.io/basic-auth": { keys: ["username", "password"], line: 7403, any: true },
    "kubernetes.io/ssh-auth": { keys: ["ssh-privatekey"], line: 7408 },
    "kubernetes.io/tls": { keys: ["tls.crt", "tls.key"], line: 7414 },
};

/** ValidateSecret: key format, 1 MiB total, the keys its type requires. */
export function checkSecret(o: Obj, emit: Emit): void {
    const data = new Map<string, number>();
    for (const [k, v] of entries(o.data)) data.set(k, b64len(v));
    for (const [k, v] of entries(o.stringData)) data.set(k, textLen(v));
    let size = 0;
    for (const [k, len] of data) {
        for (const m of configMapKey(k)) emit("kube/data-keys", `data[${k}]`, invalid(k, m), at(CORE, 7358));
        size += len;
    }
    if (size > MAX_SIZE) emit("kube/data-keys", "data", tooLong(MAX_SIZE), at(CORE, 7363));
    const type = str(o.type);
    if (
        type === "kubernetes.io/service-account-token" &&
        !str(asObj(asObj(o.metadata)?.annotations)?.["kubernetes.io/service-account.name"])
    )
        emit("kube/secret-type-keys", "metadata.annotations[kubernetes.io/service-account.name]", required(), at(CORE, 7371));
    const need = SECRET_KEYS[type];
    if (!need) return;
    const missing = need.keys.filter((k) => !data.has(k));
    if (need.any ? missing.length === need.keys.length : missing.length > 0)
        for (const k of missing) emit("kube/secret-type-keys", `data[${k}]`, required(), at(CORE, need.line));
}

/** ValidateConfigMap: key format, no key in both data and binaryData, 1 MiB total. */
export function checkConfigMap(o: Obj, emit: Emit): void {
    let size = 0;
    const binary = asObj(o.binaryData) ?? {};
    for (const [k, v] of entries(o.data)) {
        for (const m of configMapKey(k)) emit("kube/data-keys", `data[${k}]`, invalid(k, m), at(CORE, 7461));
        if (k in binary) emit("kube/data-keys", `data[${k}]`, invalid(k, "duplicate of key present in binaryData"), at(CORE, 7466));
        size += textLen(v);
    }
    for (const [k, v] of entries(binary)) {
        for (const m of configMapKey(k)) emit("kube/data-keys", `binaryData[${k}]`, invalid(k, m), at(CORE, 7472));
        size += b64len(v);
    }
    if (size > MAX_SIZE) emit("kube/data-keys", "", tooLong(MAX_SIZE), at(CORE, 7478));
}

const p = (fn: string): string => at(POLICY, fn);

/** ValidatePodDisruptionBudgetSpec: not both bounds, int-or-percent bounds, selector, eviction policy. */
export function checkPdb(o: Obj, emit: Emit): void {
    const spec = asObj(o.spec) ?? {};
    if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable))
        emit(
            "kube/pdb-bounds",
            "spec",
            invalid(spec, "minAvailable and maxUnavailable cannot be both set"),
            p("ValidatePodDisruptionBudgetSpec"),
        );
    for (const f of ["minAvailable", "maxUnavailable"])
        if (isSet(spec[f])) checkIntOrPercent(spec[f], `spec.${f}`, "kube/pdb-bounds", emit);
    checkSelector(spec.selector, "spec.selector", emit);
    const policy = spec.unhealthyPodEvictionPolicy;
    if (isSet(policy) && policy !== "AlwaysAllow" && policy !== "IfHealthyBudget")
        emit(
            "kube/pdb-unhealthy-pod-eviction-policy",
            "spec.unhealthyPodEvictionPolicy",
            notSupported(policy, ["AlwaysAllow", "IfHealthyBudget"]),
            p("ValidatePodDisruptionBudgetSpec"),
        );
}
