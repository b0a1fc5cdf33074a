/**
 * The Vertical Pod Autoscaler 1.7.1 admission controller's validation of VerticalPodAutoscaler
 * objects (its webhook `vpa.k8s.io` sees VPA CREATE and UPDATE and denies on any field error),
 * ported from kubernetes/autoscaler tag vertical-pod-autoscaler-1.7.1,
 * vertical-pod-autoscaler/pkg/admission-controller/resource/vpa/validation.go (`validateVPA`,
 * called from handler.go:83). Feature gates are those the admission controller runs with: chart
 * 0.11.0 as this program installs it passes none, and all three default off at 1.7
 * (pkg/features/versioned_features.go:29-37).
 */
import { compare, quantity, type Quantity } from "./kubeApi/strings";
import { objectRef, type AdmissionModule, type Manifest, type RuleInfo, type Violation } from "./types";

/** VPA admission-controller feature gates that change what validation accepts. */
export interface VpaFeatureGates {
    readonly InPlace: boolean;
    readonly PerVPAConfig: boolean;
    readonly CPUStartupBoost: boolean;
}

/** The gates as VPA 1.7.1 defaults them (and as our chart release leaves them). */
export const VPA_DEFAULT_GATES: VpaFeatureGates = { InPlace: false, PerVPAConfig: false, CPUStartupBoost: false };

const SRC =
    "kubernetes/autoscaler vertical-pod-autoscaler-1.7.1 vertical-pod-autoscaler/pkg/admission-controller/resource/vpa/validation.go";
const FIX_SPEC = "lib/vpa.ts vpaSpec (config analytics.vpa.*)";
/** vpa_types.GetUpdateModesList(): every mode but the deprecated Auto, sorted (Auto is still accepted). */
const UPDATE_MODES = ["InPlace", "InPlaceOrRecreate", "Initial", "Off", "Recreate"];

const CRD = "kubernetes/autoscaler vertical-pod-autoscaler-1.7.1 vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml";

const FIX_BOUNDS = "config analytics.vpa.minCpu/maxCpu/minMemory/maxMemory";
type Rule = RuleInfo & { readonly fix: string };
/** A rule checked at `validation.go:<at>`, or at the full source `at`. */
const r = (id: string, at: number | string, description: string, fix = FIX_SPEC): Rule => ({
    id,
    description,
    source: typeof at === "number" ? `${SRC}:${at}` : at,
    fix,
});

const RULES: readonly Rule[] = [
    r(
        "vpa/target-ref",
        `${CRD}:623`,
        "spec.targetRef is required by the v1 CRD schema; the webhook's own check (validation.go:122) never fires at 1.7.1: handler.go:66 passes a non-nil old VPA, so IsVPACreate is false",
    ),
    r("vpa/update-mode-required", 149, "updatePolicy, when present, sets updateMode"),
    r(
        "vpa/update-mode-supported",
        152,
        "updateMode is Off, Initial, Recreate, InPlaceOrRecreate, InPlace (or the deprecated Auto)",
        "config analytics.vpa.updateMode",
    ),
    r(
        "vpa/update-mode-in-place",
        156,
        "updateMode InPlace needs the InPlace feature gate",
        "config analytics.vpa.updateMode (InPlaceOrRecreate)",
    ),
    r("vpa/min-replicas-positive", 160, "updatePolicy.minReplicas is positive"),
    r("vpa/evict-after-oom-seconds", 164, "updatePolicy.evictAfterOOMSeconds needs PerVPAConfig and is >= 1"),
    r("vpa/container-name-required", 182, "each containerPolicies entry names its container (or *)"),
    r("vpa/container-mode-supported", 187, "containerPolicies[].mode is Auto or Off"),
    r("vpa/resource-resolution", 193, "minAllowed/maxAllowed: cpu in whole millicores, memory in whole bytes", FIX_BOUNDS),
    r("vpa/max-not-below-min", 195, "maxAllowed of a resource is not below its minAllowed", FIX_BOUNDS),
    r("vpa/controlled-values-mode-off", 206, "no controlledValues RequestsAndLimits on a container whose mode is Off"),
    r("vpa/oom-bump-up-ratio", 211, "containerPolicies[].oomBumpUpRatio needs PerVPAConfig and is >= 1"),
    r("vpa/oom-min-bump-up", 222, "containerPolicies[].oomMinBumpUp needs PerVPAConfig and is >= 0"),
    r("vpa/memory-aggregation-interval-seconds", 233, "memoryAggregationIntervalSeconds needs PerVPAConfig and is >= 1"),
    r("vpa/memory-aggregation-interval-count", 244, "memoryAggregationIntervalCount needs PerVPAConfig and is >= 1"),
    r("vpa/startup-boost", 263, "startupBoost (VPA or container) needs CPUStartupBoost and a complete cpu boost"),
    r("vpa/recommenders-at-most-one", 138, "spec.recommenders names at most one recommender"),
];

// ---- untyped JSON access --------------------------------------------------------------------

type Obj = Readonly<Record<string, unknown>>;
const asObj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const asArr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : String(v));

// ---- exact quantities (resource.Quantity as a fraction) -----------------------------------

/** A quantity as num/den (den > 0), exact, so resolution and order checks match Go's (one parser: kubeApi/strings.ts). */
export type Exact = Quantity;

/** Parses a Kubernetes quantity (`500m`, `1.5Gi`, `2`, `1e3`), surrounding space ignored; undefined when malformed. */
export const exactQuantity = (q: unknown): Exact | undefined => quantity(typeof q === "string" ? q.trim() : q);
const cmp = compare;

// ---- the checks -----------------------------------------------------------------------------

type Emit = (id: string, goPath: string, error: string) => void;

function checkUpdatePolicy(p: Obj, gates: VpaFeatureGates, emit: Emit): void {
    const mode = p.updateMode;
    if (mode === undefined || mode === null)
        emit("vpa/update-mode-required", "spec.updatePolicy.updateMode", "Required value: updateMode is required if UpdatePolicy is used");
    else {
        if (typeof mode !== "string" || ![...UPDATE_MODES, "Auto"].includes(mode))
            emit(
                "vpa/update-mode-supported",
                "spec.updatePolicy.updateMode",
                `Unsupported value: ${show(mode)}: supported values: ${UPDATE_MODES.map((x) => `"${x}"`).join(", ")}`,
            );
        if (mode === "InPlace" && !gates.InPlace)
            emit(
                "vpa/update-mode-in-place",
                "spec.updatePolicy.updateMode",
                "Forbidden: in order to use UpdateMode InPlace, you must enable feature gate InPlace in the admission-controller args",
            );
    }
    if (typeof p.minReplicas === "number" && p.minReplicas <= 0)
        emit(
            "vpa/min-replicas-positive",
            "spec.updatePolicy.minReplicas",
            `Invalid value: ${p.minReplicas}: minReplicas has to be positive`,
        );
    perVpa(p.evictAfterOOMSeconds, "vpa/evict-after-oom-seconds", "spec.updatePolicy.evictAfterOOMSeconds", gates, emit, (v) =>
        typeof v === "number" && v < 1 ? `Invalid value: ${v}: must be greater than or equal to 1` : undefined,
    );
}

/** A PerVPAConfig field: forbidden with the gate off, else checked by `bad`. */
function perVpa(v: unknown, id: string, goPath: string, gates: VpaFeatureGates, emit: Emit, bad: (v: unknown) => string | undefined): void {
    if (v === undefined || v === null) return;
    if (!gates.PerVPAConfig) return emit(id, goPath, "Forbidden: not supported when feature flag PerVPAConfig is disabled");
    const err = bad(v);
    if (err) emit(id, goPath, err);
}

function resolution(resource: string, q: unknown, goPath: string, emit: Emit): Exact | undefined {
    const x = exactQuantity(q);
    if (!x) return undefined;
    if (resource === "cpu" && (x.num * 1000n) % x.den !== 0n)
        emit("vpa/resource-resolution", goPath, `Invalid value: ${show(q)}: must be a whole number of milli CPUs`);
    if (resource === "memory" && x.num % x.den !== 0n)
        emit("vpa/resource-resolution", goPath, `Invalid value: ${show(q)}: must be a whole number of bytes`);
    return x;
}

function checkContainerPolicy(c: Obj, at: string, gates: VpaFeatureGates, emit: Emit): void {
    if (typeof c.containerName !== "string" || c.containerName === "")
        emit("vpa/container-name-required", `${at}.containerName`, "Required value");
    if (c.mode !== undefined && c.mode !== "Auto" && c.mode !== "Off")
        emit("vpa/container-mode-supported", `${at}.mode`, `Unsupported value: ${show(c.mode)}: supported values: "Auto", "Off"`);
    const min = asObj(c.minAllowed) ?? {};
    const max = asObj(c.maxAllowed) ?? {};
    for (const [res, q] of Object.entries(min)) {
        const lo = resolution(res, q, `${at}.minAllowed[${res}]`, emit);
        const hi = res in max ? exactQuantity(max[res]) : undefined;
        if (lo && hi && cmp(hi, lo) < 0)
            emit(
                "vpa/max-not-below-min",
                `${at}.maxAllowed[${res}]`,
                `Invalid value: ${show(max[res])}: max resource for ${res} is lower than min of "${String(q)}"`,
            );
    }
    for (const [res, q] of Object.entries(max)) resolution(res, q, `${at}.maxAllowed[${res}]`, emit);
    if (c.mode === "Off" && c.controlledValues === "RequestsAndLimits")
        emit(
            "vpa/controlled-values-mode-off",
            `${at}.controlledValues`,
            "Forbidden: controlledValues shouldn't be specified if container scaling mode is off",
        );
    const q = (v: unknown) => exactQuantity(v) ?? { num: 0n, den: 1n };
    perVpa(c.oomBumpUpRatio, "vpa/oom-bump-up-ratio", `${at}.oomBumpUpRatio`, gates, emit, (v) =>
        cmp(q(v), { num: 1n, den: 1n }) < 0 ? `Invalid value: ${String(v)}: must be greater than or equal to 1.0` : undefined,
    );
    perVpa(c.oomMinBumpUp, "vpa/oom-min-bump-up", `${at}.oomMinBumpUp`, gates, emit, (v) =>
        q(v).num < 0n ? `Invalid value: ${String(v)}: must be greater than or equal to 0` : undefined,
    );
    for (const f of ["Seconds", "Count"]) {
        const key = `memoryAggregationInterval${f}`;
        perVpa(c[key], `vpa/memory-aggregation-interval-${f.toLowerCase()}`, `${at}.${key}`, gates, emit, (v) =>
            typeof v === "number" && v < 1 ? `Invalid value: ${v}: must be greater than or equal to 1` : undefined,
        );
    }
    if (c.startupBoost !== undefined && c.startupBoost !== null)
        checkStartupBoost(asObj(c.startupBoost) ?? {}, `${at}.startupBoost`, gates, emit);
}

function checkStartupBoost(b: Obj, at: string, gates: VpaFeatureGates, emit: Emit): void {
    const id = "vpa/startup-boost";
    if (!gates.CPUStartupBoost)
        return emit(
            id,
            at,
            "Forbidden: in order to use startupBoost, you must enable feature gate CPUStartupBoost in the admission-controller args",
        );
    const cpu = asObj(b.cpu);
    if (!cpu) return;
    const type = cpu.type ?? "";
    if (type === "") return emit(id, `${at}.cpu.type`, "Required value: must be either Factor or Quantity");
    if (type === "Factor") {
        if (cpu.factor === undefined || cpu.factor === null) emit(id, `${at}.cpu.factor`, "Required value: required when type is Factor");
        else if (typeof cpu.factor === "number" && cpu.factor < 1)
            emit(id, `${at}.cpu.factor`, `Invalid value: ${cpu.factor}: must be >= 1 for type Factor`);
    } else if (type === "Quantity") {
        if (cpu.quantity === undefined || cpu.quantity === null)
            emit(id, `${at}.cpu.quantity`, "Required value: required when type is Quantity");
        else {
            const x = exactQuantity(cpu.quantity);
            if (x && (x.num * 1000n) % x.den !== 0n)
                emit(id, `${at}.cpu.quantity`, `Invalid value: ${show(cpu.quantity)}: must be a whole number of milli CPUs`);
        }
    } else emit(id, `${at}.cpu.type`, `Unsupported value: ${show(type)}: supported values: "Factor", "Quantity"`);
}

/** All field errors `validateVPA` returns for one VerticalPodAutoscaler, as (rule, Go path, error). */
function validate(o: Manifest, gates: VpaFeatureGates, emit: Emit): void {
    const spec = asObj(o.spec) ?? {};
    if (spec.targetRef === undefined || spec.targetRef === null) emit("vpa/target-ref", "spec.targetRef", "Required value");
    const up = asObj(spec.updatePolicy);
    if (up) checkUpdatePolicy(up, gates, emit);
    asArr(asObj(spec.resourcePolicy)?.containerPolicies).forEach((c, i) =>
        checkContainerPolicy(asObj(c) ?? {}, `spec.resourcePolicy.containerPolicies[${i}]`, gates, emit),
    );
    if (spec.startupBoost !== undefined && spec.startupBoost !== null)
        checkStartupBoost(asObj(spec.startupBoost) ?? {}, "spec.startupBoost", gates, emit);
    const recommenders = asArr(spec.recommenders).length;
    if (recommenders > 1) emit("vpa/recommenders-at-most-one", "spec.recommenders", `Too many: ${recommenders}: must have at most 1 items`);
}

/** The VPA admission module with the given feature gates (tests flip them; the stack uses the defaults). */
export function vpaModule(gates: VpaFeatureGates = VPA_DEFAULT_GATES): AdmissionModule {
    const byId = new Map(RULES.map((r) => [r.id, r]));
    return {
        rules: RULES.map(({ id, description, source }) => ({ id, description, source })),
        check(o: Manifest): Violation[] {
            if (o.kind !== "VerticalPodAutoscaler" || !String(o.apiVersion).startsWith("autoscaling.k8s.io/")) return [];
            const out: Violation[] = [];
            validate(o, gates, (id, goPath, error) => {
                const r = byId.get(id);
                if (!r) throw new Error(`vpa: unknown rule ${id}`);
                out.push({
                    object: objectRef(o),
                    rule: id,
                    path: goPath.replace(/\[([^\]0-9][^\]]*)\]/g, ".$1"),
                    message: `${id === "vpa/target-ref" ? "the API server (CRD schema) refuses it" : "the VPA admission webhook (vpa.k8s.io) denies it"}: ${goPath}: ${error}`,
                    fix: r.fix,
                    source: r.source,
                });
            });
            return out;
        },
    };
}

/** VPA 1.7.1 admission validation of VerticalPodAutoscalers, with the default (all off) feature gates. */
export const vpa: AdmissionModule = vpaModule();
