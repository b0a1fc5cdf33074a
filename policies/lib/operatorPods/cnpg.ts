/**
 * The pods CloudNativePG 1.30.0 (Helm chart cloudnative-pg 0.29.0, default operator configuration)
 * creates for a Cluster: one instance pod per instance, all from the same spec, labelled primary
 * or replica. Followed upstream: `buildInstance`/`createClusterPodSpec` (pkg/specs/pods.go),
 * `createBootstrapContainer`/`GetSecurityContext` (pkg/specs/containers.go), the volumes
 * (pkg/specs/volumes.go), the metadata inheritance on creation (internal/controller/cluster_create.go:1584)
 * and the role labels (pkg/reconciler/instance/metadata.go:166). The pooler pods are in cnpgPooler.ts.
 *
 * Not modelled: the initdb/join Jobs' pods, plugin sidecars (CNPG-i), extension image volumes
 * (they come from the status of a running cluster), and the exact `cnpg.io/podEnvHash` value.
 */
import type { Json } from "../k8s";
import {
    CNPG_DEFAULT_POSTGRES_IMAGE,
    CNPG_OPERATOR_IMAGE,
    CNPG_SRC,
    CNPG_VERSION,
    compact,
    containerSecurityContext,
    seccompOf,
    stringMap,
} from "./cnpgShared";
import { applyJsonPatch, decodeJsonPatch } from "./jsonPatch";
import type { ModelledPod } from "./types";

export { cnpgPoolerPods } from "./cnpgPooler";
export { CNPG_DEFAULT_PGBOUNCER_IMAGE, CNPG_DEFAULT_POSTGRES_IMAGE, CNPG_OPERATOR_IMAGE } from "./cnpgShared";

const SOURCE = `${CNPG_SRC} pkg/specs/pods.go, pkg/specs/containers.go, pkg/specs/volumes.go, internal/controller/cluster_create.go, pkg/reconciler/instance/metadata.go`;

/** The PostgreSQL image: spec.imageName, the 1.30.0 default, or a marker for a catalog reference. */
function postgresImage(spec: Json): string {
    if (spec?.imageName) return String(spec.imageName);
    const c = spec?.imageCatalogRef;
    return c ? `(image of ${String(c.kind)} ${String(c.name)}, major ${String(c.major)})` : CNPG_DEFAULT_POSTGRES_IMAGE;
}

/** PostgreSQL major for the app.kubernetes.io/version label (0 when unreadable, as upstream). */
function majorOf(spec: Json): number {
    if (spec?.imageCatalogRef) return Number(spec.imageCatalogRef.major) || 0;
    const tag = /:([^/@]+)(@sha256:[a-fA-F0-9]+)?$/.exec(postgresImage(spec))?.[1] ?? "";
    const m = /^(\d+)/.exec(tag);
    return m ? Number(m[1]) : 0;
}

const tbsK8sName = (n: string): string =>
    (n.startsWith("_") ? `1${n.slice(1)}` : n).replaceAll("$", "-").replaceAll("_", "-").toLowerCase();
const sortedTablespaces = (spec: Json): string[] => ((spec?.tablespaces ?? []) as Json[]).map((t) => String(t?.name)).sort();

function volumeMounts(spec: Json): Json[] {
    const m: Json[] = [
        { name: "pgdata", mountPath: "/var/lib/postgresql/data" },
        { name: "scratch-data", mountPath: "/run" },
        { name: "scratch-data", mountPath: "/controller" },
        { name: "shm", mountPath: "/dev/shm" },
    ];
    if (spec?.walStorage) m.push({ name: "pg-wal", mountPath: "/var/lib/postgresql/wal" });
    if (spec?.projectedVolumeTemplate) m.push({ name: "projected", mountPath: "/projected" });
    for (const t of sortedTablespaces(spec)) m.push({ name: `tbs-${tbsK8sName(t)}`, mountPath: `/var/lib/postgresql/tablespaces/${t}` });
    return m;
}

function volumes(spec: Json, podName: string): Json[] {
    const limits = spec?.ephemeralVolumesSizeLimit ?? {};
    const v: Json[] = [
        { name: "pgdata", persistentVolumeClaim: { claimName: podName } },
        spec?.ephemeralVolumeSource
            ? { name: "scratch-data", ephemeral: structuredClone(spec.ephemeralVolumeSource) }
            : { name: "scratch-data", emptyDir: compact({ sizeLimit: limits.temporaryData }) },
        { name: "shm", emptyDir: compact({ medium: "Memory", sizeLimit: limits.shm }) },
    ];
    if (spec?.walStorage) v.push({ name: "pg-wal", persistentVolumeClaim: { claimName: `${podName}-wal` } });
    for (const t of sortedTablespaces(spec))
        v.push({ name: `tbs-${tbsK8sName(t)}`, persistentVolumeClaim: { claimName: `${podName}-tbs-${tbsK8sName(t)}` } });
    if (spec?.projectedVolumeTemplate) v.push({ name: "projected", projected: structuredClone(spec.projectedVolumeTemplate) });
    return v;
}

/** `ApplyInto`: non-zero user probe fields override the defaults. */
function withUserProbe(probe: Json, user: Json): Json {
    for (const k of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"])
        if (user?.[k]) probe[k] = user[k];
    if (user?.terminationGracePeriodSeconds != null) probe.terminationGracePeriodSeconds = user.terminationGracePeriodSeconds;
    return probe;
}

const threshold = (delay: number, period: number): number => (delay <= period ? 1 : Math.ceil(delay / period));
const httpProbe = (path: string): Json => ({ httpGet: { path, port: 8000, scheme: "HTTPS" }, periodSeconds: 10, timeoutSeconds: 5 });

function postgresContainer(cluster: Json, podName: string): Json {
    const spec = cluster.spec ?? {};
    const logLevel = String(spec.logLevel || "info");
    const command = ["/controller/manager", "instance", "run", "--status-port-tls"];
    if (spec.monitoring?.tls?.enabled === true) command.push("--metrics-port-tls");
    const ports: Json[] = [
        { name: "postgresql", containerPort: 5432, protocol: "TCP" },
        { name: "metrics", containerPort: 9187, protocol: "TCP" },
        { name: "status", containerPort: 8000, protocol: "TCP" },
    ];
    if (cluster.metadata?.annotations?.["alpha.cnpg.io/enableInstancePprof"] === "true") {
        ports.push({ name: "pprof", containerPort: 6060, protocol: "TCP" });
        command.splice(3, 0, "--pprof-server");
    }
    command.push(`--log-level=${logLevel}`);
    const startup = withUserProbe(httpProbe("/startupz"), spec.probes?.startup);
    const liveness = withUserProbe(httpProbe("/healthz"), spec.probes?.liveness);
    const readiness = withUserProbe(httpProbe("/readyz"), spec.probes?.readiness);
    if (!startup.failureThreshold)
        startup.failureThreshold = threshold(Number(spec.startDelay) > 0 ? Number(spec.startDelay) : 3600, startup.periodSeconds);
    if (spec.livenessProbeTimeout != null && !liveness.failureThreshold)
        liveness.failureThreshold = threshold(Number(spec.livenessProbeTimeout), liveness.periodSeconds);
    const env: Json[] = [
        { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
        { name: "POD_NAME", value: podName },
        { name: "NAMESPACE", value: String(cluster.metadata?.namespace ?? "") },
        { name: "CLUSTER_NAME", value: String(cluster.metadata?.name ?? "") },
        { name: "PSQL_HISTORY", value: "/controller/tmp/.psql_history" },
        { name: "PGPORT", value: "5432" },
        { name: "PGHOST", value: "/controller/run" },
        { name: "TMPDIR", value: "/controller/tmp" },
        ...((spec.env ?? []) as Json[]).map((e) => structuredClone(e)),
    ];
    return compact({
        name: "postgres",
        image: postgresImage(spec),
        imagePullPolicy: spec.imagePullPolicy,
        command,
        ports,
        envFrom: structuredClone(spec.envFrom),
        env,
        resources: structuredClone(spec.resources ?? {}),
        volumeMounts: volumeMounts(spec),
        livenessProbe: liveness,
        readinessProbe: readiness,
        startupProbe: startup,
        securityContext: containerSecurityContext(cluster),
    });
}

function bootstrapContainer(cluster: Json, operatorImage: string): Json {
    const spec = cluster.spec ?? {};
    return compact({
        name: "bootstrap-controller",
        image: operatorImage,
        imagePullPolicy: spec.imagePullPolicy,
        command: ["/manager", "bootstrap", "/controller/manager", `--log-level=${String(spec.logLevel || "info")}`],
        resources: structuredClone(spec.resources ?? {}),
        volumeMounts: volumeMounts(spec),
        securityContext: containerSecurityContext(cluster),
    });
}

/** `GetPodSecurityContext`: uid/gid 26, fsGroup, non-root, seccomp; spec.podSecurityContext fills only runAsUser/Group and seccomp. */
function podSecurityContext(cluster: Json): Json {
    const uid = Number(cluster.spec?.postgresUID) || 26;
    const gid = Number(cluster.spec?.postgresGID) || 26;
    const user = cluster.spec?.podSecurityContext;
    if (!user || typeof user !== "object")
        return { runAsUser: uid, runAsGroup: gid, runAsNonRoot: true, fsGroup: gid, seccompProfile: seccompOf(cluster) };
    const out: Json = structuredClone(user);
    out.runAsUser ??= uid;
    out.runAsGroup ??= gid;
    out.seccompProfile ??= seccompOf(cluster);
    return out;
}

/** `CreateAffinitySection`: the generated anti-affinity on cnpg.io/cluster + podRole=instance, plus the user's extras. */
function affinity(name: string, a: Json): Json {
    const term = {
        labelSelector: {
            matchExpressions: [
                { key: "cnpg.io/cluster", operator: "In", values: [name] },
                { key: "cnpg.io/podRole", operator: "In", values: ["instance"] },
            ],
        },
        topologyKey: String(a?.topologyKey || "kubernetes.io/hostname"),
    };
    const type = String(a?.podAntiAffinityType || "preferred");
    let out: Json =
        a?.enablePodAntiAffinity === false || !["preferred", "required"].includes(type)
            ? undefined
            : type === "required"
              ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
              : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
    if (!a?.additionalPodAffinity && !a?.additionalPodAntiAffinity && !a?.nodeAffinity) return out;
    out ??= {};
    if (a.additionalPodAffinity) out.podAffinity = structuredClone(a.additionalPodAffinity);
    if (a.additionalPodAntiAffinity) {
        out.podAntiAffinity ??= {};
        for (const k of ["requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"]) {
            const merged = [...(out.podAntiAffinity[k] ?? []), ...(a.additionalPodAntiAffinity[k] ?? [])];
            if (merged.length) out.podAntiAffinity[k] = merged;
        }
    }
    if (a.nodeAffinity) out.nodeAffinity = structuredClone(a.nodeAffinity);
    return out;
}

/**
 * `buildInstance`: the pod of instance `serial` before the controller adds inherited metadata,
 * with the `cnpg.io/podPatch` annotation applied; `error` when that patch does not decode or apply.
 */
/** `operatorImage`: the operator's own image (the chart's OPERATOR_IMAGE_NAME), which the bootstrap-controller runs. */
export function cnpgInstancePod(cluster: Json, serial: number, operatorImage: string = CNPG_OPERATOR_IMAGE): { pod: Json; error?: string } {
    const name = String(cluster?.metadata?.name ?? "");
    const spec = cluster?.spec ?? {};
    const podName = `${name}-${serial}`;
    const a = spec.affinity ?? {};
    const podSpec = compact({
        hostname: podName,
        initContainers: [bootstrapContainer(cluster, operatorImage)],
        schedulerName: spec.schedulerName,
        containers: [postgresContainer(cluster, podName)],
        volumes: volumes(spec, podName),
        securityContext: podSecurityContext(cluster),
        affinity: affinity(name, a),
        tolerations: structuredClone(a.tolerations),
        serviceAccountName: String(spec.serviceAccountName || name),
        nodeSelector: structuredClone(a.nodeSelector),
        terminationGracePeriodSeconds: Number(spec.stopDelay) > 0 ? Number(spec.stopDelay) : 1800,
        topologySpreadConstraints: structuredClone(spec.topologySpreadConstraints),
        priorityClassName: spec.priorityClassName,
    });
    const annotations = stringMap(cluster?.metadata?.annotations);
    const pod: Json = {
        metadata: {
            name: podName,
            namespace: String(cluster?.metadata?.namespace ?? ""),
            labels: {
                "cnpg.io/cluster": name,
                "cnpg.io/instanceName": podName,
                "cnpg.io/podRole": "instance",
                "app.kubernetes.io/name": "postgresql",
                "app.kubernetes.io/instance": name,
                "app.kubernetes.io/version": String(majorOf(spec)),
                "app.kubernetes.io/component": "database",
                "app.kubernetes.io/managed-by": "cloudnative-pg",
            },
            annotations: {
                "cnpg.io/nodeSerial": String(serial),
                "cnpg.io/podEnvHash": "(hash of the environment, computed by the operator)",
            },
        },
        spec: podSpec,
        status: {},
    };
    for (const [k, v] of Object.entries(annotations)) {
        const container = k.startsWith("container.apparmor.security.beta.kubernetes.io/") ? k.split("/")[1] : undefined;
        if (container === "postgres" || container === "bootstrap-controller") pod.metadata.annotations[k] = v;
    }
    const patchText = annotations["cnpg.io/podPatch"];
    if (!patchText) return { pod };
    const decoded = decodeJsonPatch(patchText);
    if ("error" in decoded) return { pod, error: `while decoding JSON patch from annotation: ${decoded.error}` };
    const patched = applyJsonPatch(pod, decoded.ops);
    return "error" in patched ? { pod, error: `while applying JSON patch from annotation: ${patched.error}` } : { pod: patched.doc };
}

/** Instance pods of a Cluster: the primary and (when instances > 1) the replicas, which share a spec. */
export function cnpgClusterPods(o: Json, operatorImage: string = CNPG_OPERATOR_IMAGE): ModelledPod[] {
    const name = String(o?.metadata?.name ?? "");
    const ns = String(o?.metadata?.namespace ?? "");
    const instances = Number(o?.spec?.instances ?? 1);
    const inherited = o?.spec?.inheritedMetadata ?? {};
    const roles: ["primary" | "replica", number][] = [["primary", 1]];
    if (instances > 1) roles.push(["replica", 2]);
    return roles.map(([role, serial]) => {
        const { pod } = cnpgInstancePod(o, serial, operatorImage);
        const labels = { ...stringMap(pod.metadata?.labels), ...stringMap(inherited.labels), role, "cnpg.io/instanceRole": role };
        const annotations = {
            ...stringMap(pod.metadata?.annotations),
            "cnpg.io/podSpec": JSON.stringify(pod.spec),
            "cnpg.io/operatorVersion": CNPG_VERSION,
            ...stringMap(inherited.annotations),
        };
        const what = role === "primary" ? `primary instance pod (${name}-1)` : `replica instance pods (${instances - 1})`;
        return { desc: `${what} of Cluster ${ns}/${name}`, namespace: ns, labels, annotations, spec: pod.spec, source: SOURCE };
    });
}
