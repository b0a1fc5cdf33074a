/**
 * The PgBouncer pods CloudNativePG 1.30.0 creates for a Pooler: its Deployment's pod template is
 * `spec.template` passed through the builder of pkg/specs/pgbouncer/deployments.go:48
 * (pkg/podspec/builder.go), with the image resolved as internal/controller/pooler_image.go:50 does.
 *
 * What the template can and cannot override, as upstream:
 * - the `pgbouncer` container's image wins over spec.pgbouncer.image and the default 1.25.1 image;
 * - its resources, command (when set), env of the same name (PGUSER, PGDATABASE, PGHOST,
 *   PSQL_HISTORY) and readiness probe are kept; without a `pgbouncer` container in the template the
 *   operator appends one with no resources at all;
 * - its securityContext is always replaced by the cluster's container security context, and the
 *   pod securityContext by runAsUser 998 / runAsGroup 996 / fsGroup 996 / runAsNonRoot;
 * - the bootstrap-controller init container always runs the operator image; its resources come
 *   from the template's pod-level `spec.resources` only when it has none.
 */
import type { Json } from "../k8s";
import { CNPG_DEFAULT_PGBOUNCER_IMAGE, CNPG_OPERATOR_IMAGE, CNPG_SRC, containerSecurityContext, seccompOf, stringMap } from "./cnpgShared";
import type { ModelledPod } from "./types";

const SOURCE = `${CNPG_SRC} pkg/specs/pgbouncer/deployments.go, pkg/podspec/builder.go, internal/controller/pooler_image.go`;

/** `resolvePoolerImage`: template pgbouncer image, spec.pgbouncer.image, catalog, default. */
function pgbouncerImage(pooler: Json): string {
    const fromTemplate = ((pooler?.spec?.template?.spec?.containers ?? []) as Json[]).find((c) => c?.name === "pgbouncer");
    if (fromTemplate) return String(fromTemplate.image ?? "") || resolveRest(pooler);
    return resolveRest(pooler);
}

function resolveRest(pooler: Json): string {
    const pb = pooler?.spec?.pgbouncer;
    if (pb?.image) return String(pb.image);
    if (pb?.imageCatalogRef)
        return `(image of ${String(pb.imageCatalogRef.kind)} ${String(pb.imageCatalogRef.name)}, key ${String(pb.imageCatalogRef.key)})`;
    return CNPG_DEFAULT_PGBOUNCER_IMAGE;
}

/** The container (or init container) named `name`, appended when missing (`WithContainer`). */
function ensure(list: Json[], name: string): Json {
    let c = list.find((x) => x?.name === name);
    if (!c) {
        c = { name };
        list.push(c);
    }
    return c;
}

function upsert(items: Json[] | undefined, item: Json, overwrite: boolean): Json[] {
    const out = items ?? [];
    const i = out.findIndex((x) => x?.name === item.name);
    if (i < 0) out.push(item);
    else if (overwrite) out[i] = item;
    return out;
}

/** The pod template of the Pooler's Deployment; `cluster` (the referenced Cluster manifest) supplies seccomp, securityContext and certificate secrets. */
export function cnpgPoolerTemplate(
    pooler: Json,
    cluster?: Json,
    operatorImage: string = CNPG_OPERATOR_IMAGE,
): { labels: Record<string, string>; annotations: Record<string, string>; spec: Json } {
    const name = String(pooler?.metadata?.name ?? "");
    const clusterName = String(pooler?.spec?.cluster?.name ?? cluster?.metadata?.name ?? "");
    const c = cluster ?? { metadata: { name: clusterName }, spec: {} };
    const t = structuredClone(pooler?.spec?.template ?? {});
    const spec: Json = t.spec ?? {};
    const labels = {
        ...stringMap(t.metadata?.labels),
        "cnpg.io/poolerName": name,
        "cnpg.io/cluster": clusterName,
        "cnpg.io/podRole": "pooler",
        "app.kubernetes.io/name": "postgresql",
        "app.kubernetes.io/instance": clusterName,
        "app.kubernetes.io/component": "pooler",
        "app.kubernetes.io/managed-by": "cloudnative-pg",
    };
    const certs = c.spec?.certificates ?? {};
    spec.volumes = upsert(spec.volumes, { name: "ca", secret: { secretName: String(certs.serverCASecret || `${clusterName}-ca`) } }, true);
    spec.volumes = upsert(
        spec.volumes,
        { name: "server-tls", secret: { secretName: String(certs.serverTLSSecret || `${clusterName}-server`) } },
        true,
    );
    spec.securityContext = { runAsNonRoot: true, runAsUser: 998, runAsGroup: 996, fsGroup: 996, seccompProfile: seccompOf(c) };
    spec.containers = spec.containers ?? [];
    spec.initContainers = spec.initContainers ?? [];
    const pgb = ensure(spec.containers, "pgbouncer");
    pgb.image = pgbouncerImage(pooler);
    if (!pgb.command?.length) pgb.command = ["/controller/manager", "pgbouncer", "run"];
    pgb.ports = upsert(pgb.ports, { name: "pgbouncer", containerPort: 5432 }, true);
    pgb.ports = upsert(pgb.ports, { name: "metrics", containerPort: 9127 }, true);
    const init = ensure(spec.initContainers, "bootstrap-controller");
    init.image = operatorImage;
    init.command = ["/manager", "bootstrap", "/controller/manager"];
    if (!init.resources?.limits && !init.resources?.requests) init.resources = structuredClone(spec.resources ?? {});
    init.securityContext = containerSecurityContext(c);
    spec.volumes = upsert(spec.volumes, { name: "scratch-data", emptyDir: {} }, true);
    init.volumeMounts = upsert(init.volumeMounts, { name: "scratch-data", mountPath: "/controller" }, true);
    pgb.volumeMounts = upsert(pgb.volumeMounts, { name: "scratch-data", mountPath: "/controller" }, true);
    const tls = pooler?.spec?.monitoring?.tls?.enabled === true;
    for (const [k, v, overwrite] of [
        ["NAMESPACE", String(pooler?.metadata?.namespace ?? ""), true],
        ["POOLER_NAME", name, true],
        ["PGUSER", "pgbouncer", false],
        ["PGDATABASE", "pgbouncer", false],
        ["PGHOST", "/controller/run", false],
        ["PSQL_HISTORY", "/controller/tmp/.psql_history", false],
        ["METRICS_PORT_TLS", String(tls), true],
    ] as const)
        pgb.env = upsert(pgb.env, { name: k, value: v }, overwrite);
    pgb.securityContext = containerSecurityContext(c);
    spec.serviceAccountName = String(pooler?.spec?.serviceAccountName || name);
    pgb.readinessProbe ??= { timeoutSeconds: 5, tcpSocket: { port: 5432 } };
    return { labels, annotations: stringMap(t.metadata?.annotations), spec };
}

/** The pods of a Pooler's Deployment (`spec.instances`, default 1, replicas of one template). */
export function cnpgPoolerPods(o: Json, cluster?: Json, operatorImage: string = CNPG_OPERATOR_IMAGE): ModelledPod[] {
    const name = String(o?.metadata?.name ?? "");
    const ns = String(o?.metadata?.namespace ?? "");
    const t = cnpgPoolerTemplate(o, cluster, operatorImage);
    const n = o?.spec?.instances ?? 1;
    return [
        {
            desc: `pods of Pooler ${ns}/${name} (Deployment ${ns}/${name}, ${String(n)} replicas)`,
            namespace: ns,
            labels: t.labels,
            annotations: t.annotations,
            spec: t.spec,
            source: SOURCE,
        },
    ];
}
