/**
 * The Kubernetes API server's own validation (beyond the OpenAPI schema) of the built-in kinds the
 * stacks declare, ported from kubernetes v1.34.0: pkg/apis/core/validation (objects, pod templates,
 * Services, Secrets, ConfigMaps), pkg/apis/apps/validation (Deployments, StatefulSets),
 * pkg/apis/autoscaling/validation (HPA v2), pkg/apis/policy/validation (PDBs),
 * pkg/apis/networking/validation (NetworkPolicies), pkg/apis/scheduling/validation and the Priority
 * admission plugin (PriorityClasses) and apimachinery's metadata and selector
 * validation. Defaults are applied as the API server applies them before validating; feature gates
 * are at their 1.34 defaults. Each violation cites the upstream file:line of the check (for the
 * apps, policy and networking files, the function: see admission/kubeApi/fmt.ts `at`).
 */
import { checkDeployment, checkStatefulSet } from "./kubeApi/workloads";
import { APPS, AUTOSCALING, CORE, K8S, METAV1, NETWORKING, OBJECTMETA, POLICY, at, type Emit, type Obj } from "./kubeApi/fmt";
import { checkHpa } from "./kubeApi/hpa";
import { checkObjectMeta } from "./kubeApi/meta";
import { checkNetworkPolicy, checkService } from "./kubeApi/network";
import { checkConfigMap, checkPdb, checkSecret } from "./kubeApi/objects";
import { checkPriorityClass } from "./kubeApi/scheduling";
import { objectRef, type AdmissionContext, type AdmissionModule, type Manifest, type RuleInfo, type Violation } from "./types";

const FIX_NAMES = "the component that names the object (components/**, lib/workload.ts standardLabels/selectorLabels)";
const FIX_POD = "lib/workload.ts container()/podTemplate() (config <service>.probes, .resources, .rollout)";
const FIX_DEPLOY = "components/compute/scalableService.ts / analyticsService.ts Deployment spec";
const FIX_HPA = "lib/hpa.ts hpaSpec/metricSpec/API_BEHAVIOR/WORKER_BEHAVIOR (config <service>.autoscaling)";
const FIX_PDB = "lib/workload.ts disruptionBudget(), components/data/connectionPooler.ts";
const FIX_NETPOL = "lib/networkPolicies.ts networkPolicies()/dataTierPolicies()";
const FIX_SVC = "components/compute/scalableService.ts Service spec";
const FIX_DATA = "the component that builds the Secret/ConfigMap (components/data/*.ts)";
const FIX_PRIORITY = "policies/contract/scheduling.ts PRIORITY_CLASSES (lib/priorityClasses.ts)";

type Rule = RuleInfo & { readonly fix: string };
const rule = (id: string, source: string, description: string, fix: string): Rule => ({ id: `kube/${id}`, source, description, fix });

/** Every ported rule, with its upstream function's line and how to fix it here. */
export const KUBE_API_RULES: readonly Rule[] = [
    rule(
        "object-name",
        at(OBJECTMETA, 166),
        "metadata.name is set and valid for the kind (DNS-1123 label for Namespace, DNS-1035 label for Service, DNS-1123 subdomain for the rest, path segment for PDB)",
        FIX_NAMES,
    ),
    rule(
        "object-namespace",
        at(OBJECTMETA, 173),
        "namespaced kinds have a DNS-1123-label namespace; cluster-scoped kinds have none",
        FIX_NAMES,
    ),
    rule(
        "labels",
        at(METAV1, 113),
        "label keys are qualified names (optional DNS-subdomain prefix), values at most 63 alphanumeric/-_. characters (objects, pod templates, nodeSelector, Service selector)",
        FIX_NAMES,
    ),
    rule(
        "annotations",
        at(OBJECTMETA, 44),
        "annotation keys are qualified names (case-insensitive); all annotations together at most 256 KiB",
        FIX_NAMES,
    ),
    rule(
        "label-selector",
        at(METAV1, 62),
        "selectors: valid matchLabels, matchExpressions with a known operator, values only (and always) for In/NotIn",
        FIX_NAMES,
    ),
    rule(
        "workload-selector",
        at(APPS, "ValidateDeploymentSpec"),
        "Deployment/StatefulSet selector is set, non-empty and matches the pod template labels",
        FIX_DEPLOY,
    ),
    rule(
        "workload-restart-policy",
        at(APPS, "ValidatePodTemplateSpecForReplicaSet"),
        "Deployment/StatefulSet templates use restartPolicy Always and no activeDeadlineSeconds",
        FIX_POD,
    ),
    rule(
        "workload-counts",
        at(APPS, "ValidateDeploymentSpec"),
        "replicas, minReadySeconds, revisionHistoryLimit >= 0; progressDeadlineSeconds > minReadySeconds",
        FIX_DEPLOY,
    ),
    rule(
        "deployment-strategy",
        at(APPS, "ValidateRollingUpdateDeployment"),
        "strategy Recreate or RollingUpdate; maxSurge/maxUnavailable int >= 0 or N%; maxUnavailable <= 100%; not both 0",
        FIX_DEPLOY,
    ),
    rule(
        "statefulset-policies",
        at(APPS, "ValidateStatefulSetSpec"),
        "podManagementPolicy OrderedReady/Parallel; updateStrategy RollingUpdate (partition >= 0) or OnDelete (no rollingUpdate)",
        FIX_DEPLOY,
    ),
    rule("pod-containers", at(CORE, 3937), "a pod template has at least one container and no ephemeral containers", FIX_POD),
    rule("container-name", at(CORE, 3794), "container names are DNS-1123 labels, unique across containers and init containers", FIX_POD),
    rule("container-image", at(CORE, 3801), "every container names an image", FIX_POD),
    rule(
        "container-ports",
        at(CORE, 2647),
        "containerPort/hostPort 1-65535, port names IANA_SVC_NAME and unique, protocol TCP/UDP/SCTP",
        FIX_POD,
    ),
    rule(
        "env-var-name",
        at(CORE, 2686),
        "env var names are non-empty printable ASCII without '=' (relaxed validation, GA at 1.34)",
        FIX_POD,
    ),
    rule("volumes", at(CORE, 411), "volume names are unique DNS-1123 labels and each volume has exactly one source", FIX_POD),
    rule(
        "volume-mounts",
        at(CORE, 3030),
        "volumeMounts name a declared volume, have a unique mountPath, and not both subPath and subPathExpr",
        FIX_POD,
    ),
    rule(
        "resources",
        at(CORE, 7521),
        "resource quantities parse and are >= 0; requests <= limits (== for non-overcommittable resources)",
        FIX_POD,
    ),
    rule("probe-handler", at(CORE, 3424), "probes and lifecycle hooks have exactly one handler, with a valid port or command", FIX_POD),
    rule(
        "probe-numbers",
        at(CORE, 3223),
        "probe delays/periods/thresholds >= 0; terminationGracePeriodSeconds > 0 and not on readiness probes",
        FIX_POD,
    ),
    rule("probe-success-threshold", at(CORE, 3184), "liveness and startup probes have successThreshold 1", FIX_POD),
    rule("lifecycle-sleep", at(CORE, 3297), "a sleep hook lasts 0..terminationGracePeriodSeconds seconds", FIX_POD),
    rule("init-container-probes", at(CORE, 3761), "init containers without restartPolicy Always set no lifecycle or probes", FIX_POD),
    rule(
        "container-restart-policy",
        at(CORE, 3969),
        "only init containers set restartPolicy, and only to Always (ContainerRestartRules is alpha, off)",
        FIX_POD,
    ),
    rule("container-policies", at(CORE, 3804), "imagePullPolicy and terminationMessagePolicy take supported values", FIX_POD),
    rule("pod-restart-policy", at(CORE, 3980), "the pod restartPolicy is Always, OnFailure or Never", FIX_POD),
    rule(
        "topology-spread",
        at(CORE, 8437),
        "topologySpreadConstraints: maxSkew > 0, topologyKey set, whenUnsatisfiable known, no repeated pair, valid minDomains and matchLabelKeys",
        FIX_POD,
    ),
    rule("pod-names", at(CORE, 4545), "serviceAccountName and priorityClassName are DNS-1123 subdomains", FIX_POD),
    rule(
        "service-ports",
        at(CORE, 6513),
        "Service ports: present, named when more than one (unique DNS labels), 1-65535, known protocol, valid targetPort, no duplicate protocol/port",
        FIX_SVC,
    ),
    rule(
        "service-type",
        at(CORE, 6402),
        "Service type and type-specific fields (nodePort, externalName, LB-only fields, traffic policies, session affinity)",
        FIX_SVC,
    ),
    rule(
        "data-keys",
        at(CORE, 7357),
        "Secret/ConfigMap keys are config keys ([-._a-zA-Z0-9]+, not ./..), not in both data and binaryData; at most 1 MiB",
        FIX_DATA,
    ),
    rule("secret-type-keys", at(CORE, 7366), "typed Secrets carry the keys their type requires", FIX_DATA),
    rule(
        "hpa-replicas",
        at(AUTOSCALING, 55),
        "HPA minReplicas >= 1 (HPAScaleToZero is alpha, off), maxReplicas >= 1 and >= minReplicas",
        FIX_HPA,
    ),
    rule(
        "hpa-scale-target-ref",
        at(AUTOSCALING, 82),
        "scaleTargetRef kind and name are set path segments; apiVersion names a group (ReplicationController excepted)",
        FIX_HPA,
    ),
    rule(
        "hpa-described-object",
        at(AUTOSCALING, 350),
        "an Object metric's describedObject: kind and name set path segments, apiVersion a group/version (the group may be empty)",
        FIX_HPA,
    ),
    rule("hpa-metric-source", at(AUTOSCALING, 261), "each metric has a supported type and populates that source field only", FIX_HPA),
    rule(
        "hpa-metric-target",
        at(AUTOSCALING, 441),
        "metric targets: known type, positive value/averageValue, averageUtilization >= 1, the value the source requires, metric names set",
        FIX_HPA,
    ),
    rule(
        "hpa-behavior",
        at(AUTOSCALING, 204),
        "behavior rules: stabilizationWindowSeconds 0..3600, selectPolicy Max/Min/Disabled, >= 1 policy, policy type Pods/Percent, value > 0, periodSeconds 1..1800",
        FIX_HPA,
    ),
    rule(
        "pdb-bounds",
        at(POLICY, "ValidatePodDisruptionBudgetSpec"),
        "not both minAvailable and maxUnavailable; each an int >= 0 or a percentage <= 100%",
        FIX_PDB,
    ),
    rule(
        "pdb-unhealthy-pod-eviction-policy",
        at(POLICY, "ValidatePodDisruptionBudgetSpec"),
        "unhealthyPodEvictionPolicy is IfHealthyBudget or AlwaysAllow",
        FIX_PDB,
    ),
    rule(
        "netpol-ports",
        at(NETWORKING, "ValidateNetworkPolicyPort"),
        "NetworkPolicy ports: TCP/UDP/SCTP, port 1-65535 or a port name, endPort only after a numeric port and >= it",
        FIX_NETPOL,
    ),
    rule(
        "netpol-peers",
        at(NETWORKING, "ValidateNetworkPolicyPeer"),
        "each peer sets podSelector/namespaceSelector, or ipBlock alone",
        FIX_NETPOL,
    ),
    rule(
        "netpol-ipblock",
        at(NETWORKING, "ValidateIPBlock"),
        "ipBlock cidr is a CIDR; each except is a CIDR strictly inside it",
        FIX_NETPOL,
    ),
    rule("netpol-policy-types", at(NETWORKING, "ValidateNetworkPolicySpec"), "policyTypes lists at most Ingress and Egress", FIX_NETPOL),
    rule(
        "priority-class-value",
        at(`${K8S} pkg/apis/scheduling/validation/validation.go`, "ValidatePriorityClass"),
        "a PriorityClass value is at most 1000000000 (HighestUserDefinablePriority); names starting system- are the built-in classes only",
        FIX_PRIORITY,
    ),
    rule(
        "priority-class-preemption",
        at(CORE, "ValidatePreemptionPolicy"),
        "preemptionPolicy is Never or PreemptLowerPriority",
        FIX_PRIORITY,
    ),
    rule(
        "priority-class-global-default",
        at(`${K8S} plugin/pkg/admission/priority/admission.go`, "validatePriorityClass"),
        "at most one PriorityClass is globalDefault (the Priority admission plugin)",
        FIX_PRIORITY,
    ),
];

/** The group/version each checked kind must have (a CRD kind of the same name is not ours to check). */
const KINDS: Readonly<Record<string, { apiVersion: string; check?: (o: Obj, emit: Emit, ctx: AdmissionContext) => void }>> = {
    Namespace: { apiVersion: "v1" },
    ServiceAccount: { apiVersion: "v1" },
    Secret: { apiVersion: "v1", check: checkSecret },
    ConfigMap: { apiVersion: "v1", check: checkConfigMap },
    Service: { apiVersion: "v1", check: checkService },
    Deployment: { apiVersion: "apps/v1", check: checkDeployment },
    StatefulSet: { apiVersion: "apps/v1", check: checkStatefulSet },
    HorizontalPodAutoscaler: { apiVersion: "autoscaling/v2", check: checkHpa },
    PodDisruptionBudget: { apiVersion: "policy/v1", check: checkPdb },
    NetworkPolicy: { apiVersion: "networking.k8s.io/v1", check: checkNetworkPolicy },
    PriorityClass: { apiVersion: "scheduling.k8s.io/v1", check: (o, emit, ctx) => checkPriorityClass(o, emit, ctx.objects) },
};

/** `spec.x[0].requests[cpu]` -> `spec.x[0].requests.cpu` (Violation.path is dotted). */
const dotted = (goPath: string): string => (goPath === "" ? "(root)" : goPath.replace(/\[([^\]0-9][^\]]*)\]/g, ".$1"));

/** The API server's validation of the built-in kinds the stacks declare (kubernetes v1.34.0). */
export const kubeApi: AdmissionModule = {
    rules: KUBE_API_RULES.map(({ id, description, source }) => ({ id, description, source })),
    check(o: Manifest, ctx: AdmissionContext): Violation[] {
        const kind = KINDS[String(o.kind)];
        if (!kind || o.apiVersion !== kind.apiVersion) return [];
        const byId = new Map(KUBE_API_RULES.map((r) => [r.id, r]));
        const out: Violation[] = [];
        const emit: Emit = (id, goPath, body, source) => {
            const r = byId.get(id);
            if (!r) throw new Error(`kubeApi: unknown rule ${id}`);
            out.push({
                object: objectRef(o),
                rule: id,
                path: dotted(goPath),
                message: `the API server refuses it: ${goPath ? `${goPath}: ` : ""}${body}`,
                fix: r.fix,
                source,
            });
        };
        checkObjectMeta(o, emit);
        kind.check?.(o, emit, ctx);
        return out;
    },
};
