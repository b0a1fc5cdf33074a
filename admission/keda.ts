/**
 * KEDA 2.19.0's validating webhook for ScaledObjects (`vscaledobject.kb.io`, CREATE and UPDATE),
 * ported from kedacore/keda tag v2.19.0 apis/keda/v1alpha1/scaledobject_webhook.go
 * (`validateWorkload`:158) and what it calls: scaledobject_types.go (`CheckReplicaCountBoundsAreValid`,
 * `CheckFallbackValid`), scaletriggers_types.go (`ValidateTriggers`), gvkr.go (`ParseGVKR`: an empty
 * apiVersion is apps/v1, an empty kind Deployment). The webhook answers with the first error of
 * its checks (a Go map: the order varies); this port reports every one. The objects it lists from
 * the cluster (HPAs, ScaledObjects, the target workload, LimitRanges) are the stack's own. Not
 * ported: compiling a scalingModifiers formula (expr-lang), and the dry-run skip of the
 * cpu/memory checks (a render is no dry run).
 */
import { quantity } from "./kubeApi/strings";
import { objectRef, type AdmissionContext, type AdmissionModule, type Manifest, type RuleInfo, type Violation } from "./types";

const TAG = "kedacore/keda v2.19.0";
const WEBHOOK = `${TAG} apis/keda/v1alpha1/scaledobject_webhook.go`;
const TYPES = `${TAG} apis/keda/v1alpha1/scaledobject_types.go`;
const TRIGGERS = `${TAG} apis/keda/v1alpha1/scaletriggers_types.go`;
const FIX = "lib/scaledObject.ts scaledObjectSpec (config workers.<pool>.scaleToZero)";

type Rule = RuleInfo & { readonly fix: string };
const r = (id: string, source: string, description: string, fix = FIX): Rule => ({ id, description, source, fix });

/** The field each rule is about (the webhook's errors name none). */
const PATHS: Readonly<Record<string, string>> = {
    "keda/target-not-scaled-by-hpa": "spec.scaleTargetRef",
    "keda/target-not-scaled-by-scaledobject": "spec.scaleTargetRef",
    "keda/hpa-ownership-transfer-named": "spec.advanced.horizontalPodAutoscalerConfig.name",
    "keda/hpa-name-unique": "spec.advanced.horizontalPodAutoscalerConfig.name",
    "keda/scaling-modifiers": "spec.advanced.scalingModifiers",
    "keda/replica-bounds": "spec.minReplicaCount",
    "keda/fallback-non-negative": "spec.fallback",
    "keda/fallback-trigger": "spec.fallback",
};

const RULES: readonly Rule[] = [
    r("keda/triggers-required", `${TRIGGERS}:57`, "a ScaledObject has at least one trigger"),
    r("keda/trigger-names-unique", `${TRIGGERS}:76`, "trigger names are unique within a ScaledObject"),
    r("keda/cached-metrics-supported", `${TRIGGERS}:68`, "useCachedMetrics is not set on a cpu, memory or cron trigger"),
    r(
        "keda/target-not-scaled-by-hpa",
        `${WEBHOOK}:290`,
        "no HPA other than KEDA's own scales the target (unless it carries validations.keda.sh/hpa-ownership: false)",
        "declare no HorizontalPodAutoscaler for a pool that scales to zero (components/compute/scalableService.ts)",
    ),
    r(
        "keda/hpa-ownership-transfer-named",
        `${WEBHOOK}:284`,
        "with scaledobject.keda.sh/transfer-hpa-ownership, advanced.horizontalPodAutoscalerConfig.name names the HPA taken over",
    ),
    r("keda/target-not-scaled-by-scaledobject", `${WEBHOOK}:333`, "no other ScaledObject scales the same target"),
    r("keda/hpa-name-unique", `${WEBHOOK}:340`, "no other ScaledObject's HPA has the same name (keda-hpa-<name> by default)"),
    r(
        "keda/cpu-memory-requests",
        `${WEBHOOK}:420`,
        "a cpu or memory trigger's containers request (or limit) that resource, or a LimitRange defaults it",
        "config workers.<pool>.resources",
    ),
    r("keda/cpu-memory-not-to-zero", `${WEBHOOK}:440`, "a ScaledObject whose triggers are only cpu/memory does not go to 0 replicas"),
    r(
        "keda/scaling-modifiers",
        `${WEBHOOK}:458`,
        "advanced.scalingModifiers: a formula, a target with it (a number > 0), and no Utilization metricType",
    ),
    r("keda/replica-bounds", `${TYPES}:301`, "minReplicaCount <= maxReplicaCount (default 100), and idleReplicaCount < minReplicaCount"),
    r("keda/fallback-non-negative", `${TYPES}:319`, "fallback.failureThreshold and fallback.replicas are >= 0"),
    r("keda/fallback-trigger", `${TYPES}:335`, "a fallback needs a trigger other than cpu/memory (unless scalingModifiers are used)"),
];

type Obj = Readonly<Record<string, unknown>>;
const asObj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const RESOURCE = ["cpu", "memory"];

/** gvkr.go ParseGVKR and GVKString: `<group>/<version>.<Kind>`, defaults apps/v1 and Deployment. */
export function gvkString(ref: Obj): string {
    const kind = str(ref.kind) || "Deployment";
    return `${str(ref.apiVersion) || "apps/v1"}.${kind}`;
}

/** scaledobject_webhook.go:603 getHpaName. */
export const kedaHpaNameOf = (so: Manifest): string =>
    str(asObj(asObj(asObj(so.spec).advanced).horizontalPodAutoscalerConfig).name) || `keda-hpa-${so.metadata?.name ?? ""}`;

type Emit = (id: string, error: string) => void;

/** ValidateTriggers (scaletriggers_types.go:54). */
function checkTriggers(triggers: readonly Obj[], emit: Emit): void {
    if (triggers.length === 0) return emit("keda/triggers-required", "no triggers defined in the ScaledObject/ScaledJob");
    const names = new Set<string>();
    for (const t of triggers) {
        if (t.useCachedMetrics === true && ["cpu", "memory", "cron"].includes(str(t.type)))
            emit("keda/cached-metrics-supported", `property "useCachedMetrics" is not supported for ${JSON.stringify(str(t.type))} scaler`);
        const name = str(t.name);
        if (name && names.has(name))
            emit(
                "keda/trigger-names-unique",
                `triggerName "${name}" is defined multiple times in the ScaledObject/ScaledJob, but it must be unique`,
            );
        names.add(name);
    }
}

/** verifyHpas (:237): HPAs of the namespace on the same target, not owned by this ScaledObject. */
function checkHpas(so: Manifest, ctx: AdmissionContext, emit: Emit): void {
    const ref = asObj(asObj(so.spec).scaleTargetRef);
    const gvk = gvkString(ref);
    for (const h of ctx.objects) {
        if (h.kind !== "HorizontalPodAutoscaler" || h.metadata?.namespace !== so.metadata?.namespace) continue;
        if (h.metadata?.annotations?.["validations.keda.sh/hpa-ownership"] === "false") continue;
        const target = asObj(asObj(h.spec).scaleTargetRef);
        if (gvkString(target) !== gvk || str(target.name) !== str(ref.name)) continue;
        const owned = asArr(asObj(h.metadata).ownerReferences).some(
            (o) => asObj(o).kind === so.kind && asObj(o).name === so.metadata?.name,
        );
        if (owned) continue;
        if (so.metadata?.annotations?.["scaledobject.keda.sh/transfer-hpa-ownership"] !== "true")
            emit(
                "keda/target-not-scaled-by-hpa",
                `the workload '${str(ref.name)}' of type '${gvk}' is already managed by the hpa '${h.metadata?.name}'`,
            );
        else if (str(asObj(asObj(asObj(so.spec).advanced).horizontalPodAutoscalerConfig).name) !== h.metadata?.name)
            emit(
                "keda/hpa-ownership-transfer-named",
                `the existing hpa '${h.metadata?.name}' for workload '${str(ref.name)}' of type '${gvk}' must be specified by name in advanced settings to enable ownership transfer`,
            );
    }
}

/** verifyScaledObjects (:301): another ScaledObject of the namespace on the same target, or with the same HPA name. */
function checkScaledObjects(so: Manifest, ctx: AdmissionContext, emit: Emit): void {
    const ref = asObj(asObj(so.spec).scaleTargetRef);
    const gvk = gvkString(ref);
    for (const o of ctx.objects) {
        if (!isScaledObject(o) || o.metadata?.namespace !== so.metadata?.namespace || o.metadata?.name === so.metadata?.name) continue;
        const other = asObj(asObj(o.spec).scaleTargetRef);
        if (gvkString(other) === gvk && str(other.name) === str(ref.name))
            emit(
                "keda/target-not-scaled-by-scaledobject",
                `the workload '${str(other.name)}' of type '${gvk}' is already managed by the ScaledObject '${o.metadata?.name}'`,
            );
        else if (kedaHpaNameOf(o) === kedaHpaNameOf(so))
            emit("keda/hpa-name-unique", `the HPA '${kedaHpaNameOf(o)}' is already managed by the ScaledObject '${o.metadata?.name}'`);
    }
}

/** isWorkloadResourceSet (:552): a request or a limit above 0. */
const resourceSet = (resources: Obj, name: string): boolean =>
    ["requests", "limits"].some((k) => (quantity(asObj(resources[k])[name])?.num ?? 0n) > 0n);

/** isContainerResourceLimitSet (:572): a Container LimitRange item of the namespace defaults it. */
const limitRangeSets = (ctx: AdmissionContext, ns: string | undefined, name: string): boolean =>
    ctx.objects.some(
        (o) =>
            o.kind === "LimitRange" &&
            o.metadata?.namespace === ns &&
            asArr(asObj(o.spec).limits).some(
                (l) => asObj(l).type === "Container" && resourceSet({ requests: asObj(l).defaultRequest, limits: asObj(l).default }, name),
            ),
    );

/** verifyCPUMemoryScalers (:372): only for a Deployment or StatefulSet target the stack declares. */
function checkCpuMemory(so: Manifest, triggers: readonly Obj[], ctx: AdmissionContext, emit: Emit): void {
    const spec = asObj(so.spec);
    const ref = asObj(spec.scaleTargetRef);
    const gvk = gvkString(ref);
    if (!triggers.some((t) => RESOURCE.includes(str(t.type))) || !["apps/v1.Deployment", "apps/v1.StatefulSet"].includes(gvk)) return;
    const target = ctx.objects.find(
        (o) =>
            `${String(o.apiVersion)}.${String(o.kind)}` === gvk &&
            o.metadata?.namespace === so.metadata?.namespace &&
            o.metadata?.name === str(ref.name),
    );
    if (!target) return;
    const containers = asArr(asObj(asObj(asObj(target.spec).template).spec).containers).map(asObj);
    for (const t of triggers.filter((x) => RESOURCE.includes(str(x.type)))) {
        const only = str(asObj(t.metadata).containerName);
        const c = containers.find(
            (c) =>
                (!only || c.name === only) &&
                !resourceSet(asObj(c.resources), str(t.type)) &&
                !limitRangeSets(ctx, so.metadata?.namespace, str(t.type)),
        );
        if (c)
            emit(
                "keda/cpu-memory-requests",
                `the scaledobject has a ${str(t.type)} trigger but the container ${str(c.name)} doesn't have the ${str(t.type)} request defined`,
            );
    }
    if (triggers.every((t) => RESOURCE.includes(str(t.type))) && (spec.minReplicaCount ?? 0) === 0)
        emit(
            "keda/cpu-memory-not-to-zero",
            "scaledobject has only cpu/memory triggers AND minReplica is 0 (scale to zero doesn't work in this case)",
        );
}

/** ValidateAndCompileScalingModifiers (:455), less the formula's compilation. */
function checkModifiers(spec: Obj, emit: Emit): void {
    const sm = asObj(asObj(spec.advanced).scalingModifiers);
    if (Object.keys(sm).length === 0) return;
    const id = "keda/scaling-modifiers";
    if (!str(sm.formula)) return emit(id, "error ScalingModifiers.Formula is mandatory");
    if (!str(sm.target)) return emit(id, "error validating formula in ScalingModifiers\nformula is given but target is empty");
    const n = Number(sm.target);
    if (!(n > 0))
        emit(
            id,
            "error validating target in ScalingModifiers\nerror converting target for scalingModifiers (string->float) to valid target",
        );
    else if (sm.metricType === "Utilization")
        emit(
            id,
            "error validating target in ScalingModifiers\nerror trigger type is Utilization, but it needs to be AverageValue or Value for external metrics",
        );
}

/** CheckReplicaCountBoundsAreValid (scaledobject_types.go:294) and CheckFallbackValid (:314). */
function checkBoundsAndFallback(spec: Obj, triggers: readonly Obj[], emit: Emit): void {
    const declared = typeof spec.minReplicaCount === "number" ? spec.minReplicaCount : undefined;
    // GetHPAMinReplicas: a declared 0 counts as 1 for the comparison; an absent one as 0.
    const min = declared === undefined ? 0 : declared > 0 ? declared : 1;
    const max = typeof spec.maxReplicaCount === "number" ? spec.maxReplicaCount : 100;
    if (min > max) emit("keda/replica-bounds", `MinReplicaCount=${min} must be less than MaxReplicaCount=${max}`);
    if (typeof spec.idleReplicaCount === "number" && spec.idleReplicaCount >= min)
        emit("keda/replica-bounds", `IdleReplicaCount=${spec.idleReplicaCount} must be less than MinReplicaCount=${min}`);
    if (spec.fallback === undefined || spec.fallback === null) return;
    const f = asObj(spec.fallback);
    const [ft, rep] = [Number(f.failureThreshold ?? 0), Number(f.replicas ?? 0)];
    if (ft < 0 || rep < 0)
        emit("keda/fallback-non-negative", `FailureThreshold=${ft} & Replicas=${rep} must both be greater than or equal to 0`);
    const modifiers = Object.keys(asObj(asObj(spec.advanced).scalingModifiers)).length > 0;
    if (!modifiers && triggers.every((t) => RESOURCE.includes(str(t.type))))
        emit(
            "keda/fallback-trigger",
            "at least one trigger (that is not cpu or memory) has to have the `AverageValue` type for the fallback to be enabled",
        );
}

const isScaledObject = (o: Manifest): boolean => o.kind === "ScaledObject" && String(o.apiVersion).startsWith("keda.sh/");

/** Every denial of the webhook for one ScaledObject, as (rule, error). */
function validate(so: Manifest, ctx: AdmissionContext, emit: Emit): void {
    const spec = asObj(so.spec);
    const triggers = asArr(spec.triggers).map(asObj);
    checkCpuMemory(so, triggers, ctx, emit);
    checkScaledObjects(so, ctx, emit);
    checkModifiers(spec, emit);
    checkHpas(so, ctx, emit);
    checkBoundsAndFallback(spec, triggers, emit);
    checkTriggers(triggers, emit);
}

/** KEDA 2.19.0's admission of ScaledObjects. */
export const keda: AdmissionModule = {
    rules: RULES.map(({ id, description, source }) => ({ id, description, source })),
    check(o: Manifest, ctx: AdmissionContext): Violation[] {
        if (!isScaledObject(o)) return [];
        const byId = new Map(RULES.map((x) => [x.id, x]));
        const out: Violation[] = [];
        validate(o, ctx, (id, error) => {
            const rule = byId.get(id)!;
            // The webhook only logs bad bounds (verifyReplicaCount:194 returns nil); the controller refuses them.
            const who =
                id === "keda/replica-bounds"
                    ? "KEDA's controller refuses to scale it (ScaledObject not Ready; the webhook only logs it)"
                    : "the KEDA admission webhook (vscaledobject.kb.io) denies it";
            out.push({
                object: objectRef(o),
                rule: id,
                path: PATHS[id] ?? "spec.triggers",
                message: `${who}: ${error}`,
                fix: rule.fix,
                source: rule.source,
            });
        });
        return out;
    },
};
