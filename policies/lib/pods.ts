/**
 * Every pod a declared resource causes to run: a workload's own pod template, the pods an
 * operator builds from a custom resource (CloudNativePG Cluster and Pooler, redis-operator
 * RedisCluster) and the pods a pinned Helm chart deploys, the last two modelled at the version
 * the program pins (`operatorPods/`). Pod-level rules (Pod Security, resources, images, tokens,
 * eviction) read pods through here, so they see every container the stack makes a node run,
 * sidecars included. Pure: no Pulumi objects, no I/O.
 */
import { plain, podTemplateOf, WORKLOAD_KINDS, type Json, type Labels } from "./k8s";
import { chartPods } from "./operatorPods/charts";
import { cnpgClusterPods, cnpgPoolerPods } from "./operatorPods/cnpg";
import { redisClusterPods } from "./operatorPods/redis";

export interface StackPod {
    /** For messages: `pods of Deployment ns/x`, `instance pods of Cluster ns/db`. */
    readonly desc: string;
    readonly namespace: string;
    readonly labels: Labels;
    readonly annotations: Labels;
    /** The core/v1 PodSpec. */
    readonly spec: Json;
    /** For modelled pods, the upstream files the model follows; `undefined` for a template we write. */
    readonly modelledFrom: string | undefined;
    /**
     * The pod's process is a Kubernetes API client and needs its service-account token:
     * CloudNativePG's instance manager runs in every instance and pooler pod (it watches its
     * Cluster/Pooler), and every chart we install deploys a controller or an API server.
     */
    readonly callsApi: boolean;
    /**
     * Containers whose image the stack does not choose: the CloudNativePG bootstrap-controller
     * runs the operator's image, which is the stack's only when it installs the operator.
     */
    readonly imageFromOutside: readonly string[];
}

/** Kinds whose objects cause pods: workloads, the operators' custom resources, Helm releases. */
export const POD_SOURCE_KINDS: readonly string[] = [...WORKLOAD_KINDS, "Cluster", "Pooler", "RedisCluster", "Release"];

/** What a Helm release resource carries (name and namespace at the top, not under metadata). */
export interface ReleaseProps {
    readonly name: string;
    readonly namespace: string;
    readonly chart: string;
    readonly version: string;
    readonly values?: Json;
}

/**
 * The pods of one object (`props` as declared: a manifest, or a Helm release's inputs). Reads
 * every field it uses, so a value unknown in preview throws (callers wrap it in `known`).
 */
/** What a model needs from elsewhere in the stack. */
export interface PodContext {
    /** The CloudNativePG operator's image as the stack installs it (its bootstrap-controller runs in every instance and pooler pod). */
    readonly cnpgOperatorImage?: string;
}

export function podsOf(kind: string, namespace: string, id: string, props: Json, ctx: PodContext = {}): StackPod[] {
    if (WORKLOAD_KINDS.includes(kind)) {
        const t = podTemplateOf(kind, props);
        if (!t) return [];
        const meta =
            kind === "Pod"
                ? props?.metadata
                : kind === "CronJob"
                  ? props?.spec?.jobTemplate?.spec?.template?.metadata
                  : props?.spec?.template?.metadata;
        return [
            {
                desc: `pods of ${id}`,
                namespace,
                labels: plain<Labels>(t.labels ?? {}),
                annotations: plain<Labels>(meta?.annotations ?? {}),
                spec: t.spec,
                modelledFrom: undefined,
                callsApi: false,
                imageFromOutside: [],
            },
        ];
    }
    // The models copy and merge plain JSON; the engine's props are a proxy (plain() reads every
    // field, so a value unknown in preview throws here, before any model runs).
    const o: Json = plain(props);
    const modelled =
        kind === "Cluster"
            ? cnpgClusterPods(o, ctx.cnpgOperatorImage)
            : kind === "Pooler"
              ? cnpgPoolerPods(o, undefined, ctx.cnpgOperatorImage)
              : kind === "RedisCluster"
                ? redisClusterPods(o)
                : kind === "Release"
                  ? chartPods({
                        chart: String(o.chart),
                        version: String(o.version),
                        namespace: String(o.namespace),
                        name: String(o.name),
                        values: o.values ?? {},
                    })
                  : [];
    return modelled.map((p) => ({
        desc: p.desc,
        namespace: p.namespace,
        labels: { ...p.labels },
        annotations: { ...p.annotations },
        spec: p.spec,
        modelledFrom: p.source,
        callsApi: kind !== "RedisCluster",
        imageFromOutside: (kind === "Cluster" || kind === "Pooler") && ctx.cnpgOperatorImage === undefined ? ["bootstrap-controller"] : [],
    }));
}

/**
 * Who a pod-level message names: the object for a pod template we write (`Deployment ns/x`), the
 * modelled pods for one an operator or chart builds (`instance pods of Cluster ns/db`).
 */
export function podSubject(pod: StackPod, o: { readonly id: string }): string {
    return pod.modelledFrom === undefined ? o.id : pod.desc;
}
