/**
 * What the stack relies on in the cluster but does not install: the custom resource definitions
 * of kinds no release of ours brings, the controllers that act on them, the metrics pipelines the
 * autoscalers read, and Secrets its objects reference that neither the program nor an operator
 * creates. Derived from the rendered objects and releases, so the list follows the config.
 * Pure: plain objects in, a list out.
 */
import type { Manifest } from "./types";

export interface Prerequisite {
    /** What must exist (`CRD gateways.gateway.networking.k8s.io and a Gateway controller for class istio`). */
    readonly what: string;
    /** Which objects need it and why. */
    readonly why: string;
}

/** A Helm release the stack installs (chart name is enough to know which CRDs it brings). */
export interface ReleaseRef {
    readonly chart: string;
    readonly namespace: string;
}

/** Kinds whose CRDs come with the charts the program installs. */
const CRDS_FROM_CHART: Record<string, string> = {
    Cluster: "cloudnative-pg",
    Pooler: "cloudnative-pg",
    ScheduledBackup: "cloudnative-pg",
    RedisCluster: "redis-operator",
    VerticalPodAutoscaler: "vertical-pod-autoscaler",
};

/** Secrets CloudNativePG creates for a Cluster (pkg/specs/secrets.go, certificates): never prerequisites. */
const cnpgSecrets = (cluster: string) => ["ca", "replication", "server", "app", "superuser"].map((s) => `${cluster}-${s}`);

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
/** The `name` of a reference object (`{name: "x", key: "y"}`), if it is a string. */
const refName = (v: unknown): string | undefined => (isRec(v) && typeof v.name === "string" ? v.name : undefined);

/** Fields holding one `{name}` reference to a Secret. */
const SECRET_REF = /^(secretKeyRef|secretRef|passwordSecret|redisSecret|sslKey|sslCert|sslRootCert|superuserSecret)$/;

/** Every Secret name an object references, with the field it is referenced from. */
function secretRefs(o: Manifest): { name: string; at: string }[] {
    const out: { name: string; at: string }[] = [];
    const add = (name: string | undefined, at: string) => name !== undefined && out.push({ name, at });
    const walk = (v: unknown, at: string): void => {
        if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}[${i}]`));
        if (!isRec(v)) return;
        for (const [k, x] of Object.entries(v)) {
            const here = at ? `${at}.${k}` : k;
            if (SECRET_REF.test(k)) {
                add(refName(x), here);
            } else if (k === "secret" && isRec(x) && typeof x.secretName === "string") {
                add(x.secretName, here);
            } else if (/^(s3Credentials|googleCredentials|azureCredentials)$/.test(k) && isRec(x)) {
                for (const ref of Object.values(x)) add(refName(ref), here);
            } else if (k === "certificateRefs" && Array.isArray(x)) {
                for (const ref of x as unknown[]) if (!isRec(ref) || (ref.kind ?? "Secret") === "Secret") add(refName(ref), here);
            } else {
                walk(x, here);
            }
        }
    };
    walk(o.spec, "spec");
    return out;
}

/** The StorageClass each volume of ours asks for ("" = the cluster's default), with the objects asking. */
function volumeClasses(objects: readonly Manifest[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const add = (cls: unknown, o: Manifest) => {
        const key = typeof cls === "string" ? cls : "";
        const name = `${String(o.kind)} ${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
        if (!out.get(key)?.includes(name)) out.set(key, [...(out.get(key) ?? []), name]);
    };
    for (const o of objects) {
        const spec = isRec(o.spec) ? o.spec : {};
        if (o.kind === "Cluster") for (const v of [spec.storage, spec.walStorage]) if (isRec(v)) add(v.storageClass, o);
        if (o.kind === "RedisCluster" && isRec(spec.storage))
            for (const t of [spec.storage.volumeClaimTemplate, spec.storage.nodeConfVolumeClaimTemplate])
                if (isRec(t) && isRec(t.spec)) add(t.spec.storageClassName, o);
    }
    return out;
}

/** Volumes (a StorageClass that provisions them) and the object store the backups write to. */
function storagePrerequisites(objects: readonly Manifest[]): Prerequisite[] {
    const out: Prerequisite[] = [];
    for (const [cls, users] of volumeClasses(objects))
        out.push({
            what: cls ? `StorageClass ${cls} (ReadWriteOnce volumes)` : "a default StorageClass (ReadWriteOnce volumes)",
            why: `the volumes of ${users.join(", ")}`,
        });
    for (const c of objects.filter((o) => o.kind === "Cluster")) {
        const store =
            isRec(c.spec) && isRec(c.spec.backup) && isRec(c.spec.backup.barmanObjectStore) ? c.spec.backup.barmanObjectStore : undefined;
        if (typeof store?.destinationPath === "string")
            out.push({
                what: `an object store at ${store.destinationPath} the instances can write`,
                why: `Cluster ${c.metadata?.namespace ?? ""}/${c.metadata?.name ?? ""} archives its WAL and base backups there (the program creates no bucket)`,
            });
    }
    return out;
}

/** A ConfigMap whose data holds a Grafana dashboard's JSON (lib/dashboards): a sidecar must load it. */
function holdsDashboard(o: Manifest): boolean {
    const data = isRec(o.data) ? Object.values(o.data) : [];
    return data.some((v) => typeof v === "string" && v.trimStart().startsWith("{") && /"schemaVersion"/.test(v) && /"panels"/.test(v));
}

/** Karpenter itself and each NodeClass our NodePools launch nodes from (cloud-specific: the program declares neither). */
function karpenterPrerequisites(pools: readonly Manifest[]): Prerequisite[] {
    if (!pools.length) return [];
    const refs = new Map<string, string[]>();
    for (const p of pools) {
        const spec = isRec(p.spec) && isRec(p.spec.template) && isRec(p.spec.template.spec) ? p.spec.template.spec : {};
        const r = isRec(spec.nodeClassRef) ? spec.nodeClassRef : {};
        const key = `${String(r.kind)} ${String(r.name)} (${String(r.group)})`;
        refs.set(key, [...(refs.get(key) ?? []), String(p.metadata?.name)]);
    }
    return [
        {
            what: "Karpenter 1.x with its NodePool CRD (karpenter.sh/v1)",
            why: `NodePool ${pools.map((p) => String(p.metadata?.name)).join(", ")} launch the stack's nodes (the program installs no Karpenter)`,
        },
        ...[...refs].map(([ref, names]) => ({ what: `the NodeClass ${ref}`, why: `NodePool ${names.join(", ")} launch nodes from it` })),
    ];
}

/** The prerequisites of a rendered stack. */
export function prerequisites(objects: readonly Manifest[], releases: readonly ReleaseRef[]): Prerequisite[] {
    const out: Prerequisite[] = [];
    const kinds = (k: string) => objects.filter((o) => o.kind === k);
    const names = (os: readonly Manifest[]) =>
        os.map((o) => `${String(o.kind)} ${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`).join(", ");
    const charts = new Set(releases.map((r) => r.chart));

    const gateways = kinds("Gateway");
    if (gateways.length) {
        const classes = [...new Set(gateways.map((g) => String((g.spec as Rec | undefined)?.gatewayClassName)))].join(", ");
        out.push({
            what: `Gateway API CRDs (v1: gateways, httproutes.gateway.networking.k8s.io) and a Gateway controller serving class ${classes}`,
            why: `${names([...gateways, ...kinds("HTTPRoute")])} (the program installs no Gateway controller)`,
        });
    }
    const monitors = [...kinds("ServiceMonitor"), ...kinds("PodMonitor"), ...kinds("PrometheusRule")];
    if (monitors.length)
        out.push({
            what: "prometheus-operator CRDs (monitoring.coreos.com/v1) and a Prometheus that selects our monitors",
            why: `${monitors.length} monitors scrape the pods whose metrics the HPAs (through prometheus-adapter) and the forecast read`,
        });
    const dashboards = kinds("ConfigMap").filter(holdsDashboard);
    if (dashboards.length)
        out.push({
            what: "Grafana with its dashboard sidecar selecting the dashboards' ConfigMaps (metrics.dashboardLabels) in their namespace",
            why: `${names(dashboards)} hold the stack's dashboards (the program installs no Grafana)`,
        });
    const dns = kinds("DNSEndpoint");
    if (dns.length)
        out.push({
            what: "ExternalDNS with the DNSEndpoint CRD (externaldns.k8s.io/v1alpha1) and the crd source enabled",
            why: `${names(dns)} publishes the global DNS tier`,
        });
    out.push(...karpenterPrerequisites(kinds("NodePool")));
    const metricsOf = (h: Manifest): unknown[] => (isRec(h.spec) && Array.isArray(h.spec.metrics) ? (h.spec.metrics as unknown[]) : []);
    const resourceMetrics = kinds("HorizontalPodAutoscaler").filter((h) => metricsOf(h).some((m) => isRec(m) && m.type === "Resource"));
    if (resourceMetrics.length || kinds("VerticalPodAutoscaler").length)
        out.push({
            what: "metrics-server (metrics.k8s.io)",
            why: `the CPU/memory targets of ${resourceMetrics.length} HPA${resourceMetrics.length === 1 ? "" : "s"} and the VPA recommender read resource metrics`,
        });
    for (const chart of new Set(Object.values(CRDS_FROM_CHART))) {
        if (charts.has(chart)) continue;
        const users = Object.entries(CRDS_FROM_CHART).flatMap(([kind, c]) => (c === chart ? kinds(kind) : []));
        if (users.length)
            out.push({ what: `the ${chart} operator and its CRDs`, why: `${names(users)}; this stack does not install ${chart}` });
    }

    out.push(...storagePrerequisites(objects));

    const declared = new Set(kinds("Secret").map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`));
    for (const c of kinds("Cluster")) for (const s of cnpgSecrets(String(c.metadata?.name))) declared.add(`${c.metadata?.namespace}/${s}`);
    // A replica cluster reads its source's certificates: the source is a Cluster of ours.
    const missing = new Map<string, string[]>();
    for (const o of objects)
        for (const r of secretRefs(o)) {
            const key = `${o.metadata?.namespace}/${r.name}`;
            if (declared.has(key)) continue;
            const ref = `${String(o.kind)} ${o.metadata?.name} ${r.at}`;
            if (!missing.get(key)?.includes(ref)) missing.set(key, [...(missing.get(key) ?? []), ref]);
        }
    for (const [key, refs] of missing) out.push({ what: `Secret ${key} (made out of band)`, why: `referenced by ${refs.join("; ")}` });
    return out;
}
