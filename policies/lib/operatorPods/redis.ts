/**
 * The pods redis-operator v0.26.0 runs for a RedisCluster: one StatefulSet per role
 * (`<name>-leader`, `<name>-follower`), built by CreateRedisLeader/CreateRedisFollower
 * (internal/k8sutils/redis-cluster.go:230-314) through generateStatefulSetsDef
 * (internal/k8sutils/statefulset.go:300-408). The operator runs with chart 0.26.0's defaults:
 * feature gate GenerateConfigInInitContainer off (values.yaml:131), so no `init-config` init
 * container and no `config` mount; no pod webhook (values.yaml:39); OPERATOR_STS_PVC_TEMPLATE_NAME
 * unset, so the data claim is named after the StatefulSet. The CRD defaults (port 6379,
 * clusterVersion v7) and the controller's SetDefault (exporter port 9121,
 * api/rediscluster/v1beta2/rediscluster_default.go) are applied first.
 *
 * Each pod is modelled as pod 0 of its StatefulSet: the claim volumes the StatefulSet controller
 * adds come first (`<template>-<statefulset>-0`), then the template's own volumes. Fields the
 * operator leaves empty are left out (the API server defaults them: imagePullPolicy,
 * serviceAccountName `default`, automountServiceAccountToken true). A role with 0 replicas runs
 * no pod and is not returned. Not modelled: the NodePort per-pod announce variables (read from
 * live Services) and the `redis-role` label the operator patches onto running pods.
 */
import { parseQuantity, type Json } from "../k8s";
import type { ModelledPod } from "./types";

const SOURCE = "redis-operator v0.26.0 internal/k8sutils/redis-cluster.go, internal/k8sutils/statefulset.go, internal/k8sutils/labels.go";
const REDIS_PORT = 6379; // common.RedisPort: REDIS_ADDR ignores spec.port (statefulset.go:1026)
const EXPORTER_PORT = 9121;

type Env = { name: string; value?: string; valueFrom?: Json };
const byName = (a: Env, b: Env) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const given = (v: unknown) => v !== undefined && v !== null;
/** `{ key: v }` when v is set, else `{}`: for spreading optional fields like Go's omitempty. */
const opt = (key: string, v: unknown): Json =>
    given(v) && v !== "" && v !== false && !(Array.isArray(v) && v.length === 0) ? { [key]: v } : {};

interface Ctx {
    readonly s: Json;
    readonly role: "leader" | "follower";
    readonly sts: string;
    readonly port: number;
    readonly persistence: boolean;
    readonly nodeConf: boolean;
    readonly tls: Json;
    readonly acl: Json;
    readonly secret: Json;
}

function tlsEnv(tls: Json): Env[] {
    const ca = tls.ca || "ca.crt";
    return [
        { name: "TLS_MODE", value: "true" },
        ...(tls.ca ? [{ name: "REDIS_TLS_CA_CERT", value: `/tls/${ca}` }] : []),
        { name: "REDIS_TLS_CERT", value: `/tls/${tls.cert || "tls.crt"}` },
        { name: "REDIS_TLS_CERT_KEY", value: `/tls/${tls.key || "tls.key"}` },
    ];
}

const passwordEnv = (secret: Json): Env[] =>
    secret ? [{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } }] : [];

/** getEnvironmentVariables (statefulset.go:990), role "cluster", sorted by name. */
function redisEnv(c: Ctx, resources: Json): Env[] {
    const env: Env[] = [
        { name: "SERVER_MODE", value: "cluster" },
        { name: "SETUP_MODE", value: "cluster" },
        { name: "REDIS_MAJOR_VERSION", value: String(c.s.clusterVersion ?? "v7") },
    ];
    const pct = Number(c.s.redisConfig?.maxMemoryPercentOfLimit ?? 0);
    const limit = Math.ceil(parseQuantity(resources?.limits?.memory)); // Quantity.Value() rounds up
    if (pct > 0 && limit > 0) env.push({ name: "REDIS_MAX_MEMORY", value: String(Math.trunc((limit * pct) / 100)) });
    env.push({ name: "REDIS_PORT", value: String(c.port) });
    if (c.tls) env.push(...tlsEnv(c.tls));
    if (c.acl)
        env.push(
            { name: "ACL_MODE", value: "true" },
            { name: "ACL_FILE_PATH", value: c.acl.persistentVolumeClaim ? "/data/redis/user.acl" : "/etc/redis/user.acl" },
        );
    env.push({ name: "REDIS_ADDR", value: `redis://localhost:${REDIS_PORT}` }, ...passwordEnv(c.secret));
    if (c.persistence) env.push({ name: "PERSISTENCE_ENABLED", value: "true" });
    env.push(...((c.s.env as Env[] | undefined) ?? []));
    if (c.s.kubernetesConfig?.service?.serviceType === "NodePort")
        env.push({ name: "NODEPORT", value: "true" }, { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } });
    return env.sort(byName);
}

/** getVolumeMount (statefulset.go:897); `name` is the data claim, or "" for the exporter. */
function mounts(c: Ctx, name: string, nodeConf: boolean, persistence: boolean, tlsAcl: boolean, external: boolean): Json[] {
    const out: Json[] = [];
    if (nodeConf) out.push({ name: "node-conf", mountPath: "/node-conf" });
    if (persistence) out.push({ name, mountPath: "/data" });
    if (tlsAcl && c.tls) out.push({ name: "tls-certs", readOnly: true, mountPath: "/tls" });
    if (tlsAcl && c.acl)
        out.push(
            c.acl.persistentVolumeClaim
                ? { name: "acl-pvc", mountPath: "/data/redis" }
                : { name: "acl-secret", mountPath: "/etc/redis/user.acl", subPath: "user.acl" },
        );
    if (external) out.push({ name: "external-config", mountPath: "/etc/redis/external.conf.d" });
    return [...out, ...((c.s.storage?.volumeMount?.mountPath as Json[] | undefined) ?? [])];
}

/** getProbeInfo (statefulset.go:953): the user's probe, with the operator's PONG check when it has no handler. */
function probe(p: Json, c: Ctx): Json {
    if (p?.exec || p?.httpGet || p?.tcpSocket || p?.grpc) return p;
    const tls = c.tls
        ? [
              "--tls",
              "--cert",
              "${REDIS_TLS_CERT}",
              "--key",
              "${REDIS_TLS_CERT_KEY}",
              "${REDIS_TLS_CA_CERT:+--cacert}",
              "${REDIS_TLS_CA_CERT}",
          ]
        : [];
    const cli = ["redis-cli", "-h", "$(hostname)", "-p", "${REDIS_PORT}", ...(c.secret ? ["-a", "${REDIS_PASSWORD}"] : []), ...tls, "ping"];
    return { ...(p ?? {}), exec: { command: ["sh", "-ec", `RESP="$(${cli.join(" ")})"\n[ "$RESP" = "PONG" ]`] } };
}

/** generateClusterPreStop (statefulset.go:657): fail over to the best replica before a master stops. */
export function clusterPreStop(auth: boolean, tls: boolean): string {
    const a = auth ? ' -a "${REDIS_PASSWORD}"' : "";
    const t = tls
        ? ' --tls --cert "${REDIS_TLS_CERT}" --key "${REDIS_TLS_CERT_KEY}"${REDIS_TLS_CA_CERT:+ --cacert "${REDIS_TLS_CA_CERT}"}'
        : "";
    const cli = (target: string, rest: string) => `redis-cli -h ${target} -p \${REDIS_PORT} ${a} ${t} ${rest}`;
    return [
        "#!/bin/sh",
        `ROLE=$(${cli("$(hostname)", "info replication")} | awk -F: '/role:master/ {print "master"}')`,
        "",
        'if [ "$ROLE" = "master" ]; then',
        `    BEST_SLAVE=$(${cli("$(hostname)", "info replication")} | awk -F: '`,
        '        BEGIN { maxOffset = -1; bestSlave = "" }',
        "        /slave[0-9]+:ip/ {",
        '            split($2, a, ",");',
        '            split(a[1], ip_arr, "=");',
        '            split(a[4], offset_arr, "=");',
        "            ip = ip_arr[2];",
        "            offset = offset_arr[2] + 0;",
        "            if (offset > maxOffset) {",
        "                maxOffset = offset;",
        "                bestSlave = ip;",
        "            }",
        "        }",
        "        END { print bestSlave }",
        "    ')",
        "",
        '    if [ -n "$BEST_SLAVE" ]; then',
        `        ${cli('"$BEST_SLAVE"', "cluster failover")}`,
        "    fi",
        "fi",
    ].join("\n");
}

/** The redis container (statefulset.go:470), then the exporter (enableRedisMonitoring, :809), then sidecars (:550). */
function containers(c: Ctx): Json[] {
    const roleSpec = c.s[c.role === "leader" ? "redisLeader" : "redisFollower"] ?? {};
    const resources = roleSpec.resources ?? c.s.kubernetesConfig?.resources;
    const external = given(roleSpec.redisConfig?.additionalRedisConfig);
    const redis = {
        name: c.sts,
        image: c.s.kubernetesConfig?.image,
        ...opt("imagePullPolicy", c.s.kubernetesConfig?.imagePullPolicy),
        ...opt("securityContext", roleSpec.securityContext),
        env: redisEnv(c, resources),
        readinessProbe: probe(roleSpec.readinessProbe, c),
        livenessProbe: probe(roleSpec.livenessProbe, c),
        ...opt("volumeMounts", mounts(c, c.sts, c.nodeConf, c.persistence, true, external)),
        lifecycle: { preStop: { exec: { command: ["sh", "-c", clusterPreStop(Boolean(c.secret), Boolean(c.tls))] } } },
        ...(given(c.s.hostPort) ? { ports: [{ hostPort: c.s.hostPort, containerPort: c.port }] } : {}),
        resources: resources ?? {},
    };
    const out: Json[] = [redis];
    const ex = c.s.redisExporter;
    if (ex?.enabled === true) {
        const port = Number(ex.port ?? EXPORTER_PORT);
        const scheme = c.tls ? "rediss" : "redis";
        const tlsEnvs: Env[] = c.tls
            ? [
                  { name: "REDIS_EXPORTER_TLS_CLIENT_KEY_FILE", value: `/tls/${c.tls.key || "tls.key"}` },
                  { name: "REDIS_EXPORTER_TLS_CLIENT_CERT_FILE", value: `/tls/${c.tls.cert || "tls.crt"}` },
                  ...(c.tls.ca ? [{ name: "REDIS_EXPORTER_TLS_CA_CERT_FILE", value: `/tls/${c.tls.ca}` }] : []),
                  { name: "REDIS_EXPORTER_SKIP_TLS_VERIFICATION", value: "true" },
              ]
            : [];
        const env: Env[] = [
            ...tlsEnvs,
            { name: "REDIS_EXPORTER_WEB_LISTEN_ADDRESS", value: `:${port}` },
            { name: "REDIS_ADDR", value: `${scheme}://localhost:${c.port}` },
            ...passwordEnv(c.secret),
            ...((ex.env as Env[] | undefined) ?? []),
        ].sort(byName);
        out.push({
            name: "redis-exporter",
            image: ex.image,
            ...opt("imagePullPolicy", ex.imagePullPolicy),
            env,
            ...opt("volumeMounts", mounts(c, "", false, false, true, false)),
            ports: [{ name: "redis-exporter", containerPort: port, protocol: "TCP" }],
            ...opt("securityContext", ex.securityContext),
            resources: ex.resources ?? {},
        });
    }
    for (const sc of (c.s.sidecars as Json[] | undefined) ?? [])
        out.push({
            name: sc.name,
            image: sc.image,
            ...opt("imagePullPolicy", sc.imagePullPolicy),
            ...opt("securityContext", sc.securityContext),
            ...opt("command", sc.command),
            ...opt("ports", sc.ports),
            ...opt("volumeMounts", sc.mountPath),
            resources: sc.resources ?? {},
            ...opt("env", sc.env),
        });
    return out;
}

/** The user's init container when enabled (generateInitContainerDef, statefulset.go:765). */
function initContainers(c: Ctx): Json[] {
    const ic = c.s.initContainer;
    if (ic?.enabled !== true) return [];
    const persistence = c.persistence; // set only with storage and persistenceEnabled (redis-cluster.go:111)
    return [
        {
            name: `init${c.sts}`,
            image: ic.image,
            ...opt("imagePullPolicy", ic.imagePullPolicy),
            ...opt("command", ic.command),
            ...opt("args", ic.args),
            ...opt("volumeMounts", mounts(c, c.sts, false, persistence, false, false)),
            ...opt("securityContext", ic.securityContext),
            resources: ic.resources ?? {},
            ...opt("env", ic.env),
        },
    ];
}

/** Claim volumes (StatefulSet controller), then `config` emptyDir, external config, user volumes, TLS, ACL (statefulset.go:338-400). */
function volumes(c: Ctx, external: unknown): Json[] {
    const claim = (name: string) => ({ name, persistentVolumeClaim: { claimName: `${name}-${c.sts}-0` } });
    const out: Json[] = [];
    if (c.nodeConf) out.push(claim("node-conf"));
    if (c.persistence) out.push(claim(c.sts));
    out.push({ name: "config", emptyDir: {} });
    if (given(external)) out.push({ name: "external-config", configMap: { name: external } });
    out.push(...((c.s.storage?.volumeMount?.volume as Json[] | undefined) ?? []));
    if (c.tls) out.push({ name: "tls-certs", secret: c.tls.secret });
    if (c.acl?.secret) out.push({ name: "acl-secret", secret: c.acl.secret });
    else if (c.acl?.persistentVolumeClaim) out.push({ name: "acl-pvc", persistentVolumeClaim: { claimName: c.acl.persistentVolumeClaim } });
    return out;
}

/** generateStatefulSetsAnots (labels.go:101), applied to the RedisCluster and then to the StatefulSet's result. */
function annotations(cr: Json, sts: string): Record<string, string> {
    const ignore: string[] = cr.spec?.kubernetesConfig?.ignoreAnnotations ?? [];
    const pass = (name: string, from: Record<string, string>) => {
        const a: Record<string, string> = { "redis.opstreelabs.in": "true", "redis.opstreelabs.instance": name, ...from };
        for (const k of ["kubectl.kubernetes.io/last-applied-configuration", "banzaicloud.com/last-applied", ...ignore]) delete a[k];
        return a;
    };
    return pass(sts, pass(String(cr.metadata?.name), cr.metadata?.annotations ?? {}));
}

function rolePod(cr: Json, role: "leader" | "follower"): ModelledPod {
    const s = cr.spec ?? {};
    const name = String(cr.metadata?.name);
    const sts = `${name}-${role}`;
    const storage = s.storage;
    const c: Ctx = {
        s,
        role,
        sts,
        port: Number(s.port ?? REDIS_PORT),
        persistence: Boolean(storage) && s.persistenceEnabled === true,
        nodeConf: Boolean(storage?.nodeConfVolume), // PersistenceEnabled is never nil in cluster mode (statefulset.go:356)
        tls: s.TLS,
        acl: s.acl,
        secret: s.kubernetesConfig?.redisSecret,
    };
    const roleSpec = s[role === "leader" ? "redisLeader" : "redisFollower"] ?? {};
    const spec = {
        containers: containers(c),
        ...opt("initContainers", initContainers(c)),
        ...opt("nodeSelector", roleSpec.nodeSelector),
        ...opt("topologySpreadConstraints", roleSpec.topologySpreadConstraints),
        ...opt("securityContext", s.podSecurityContext),
        ...opt("priorityClassName", s.priorityClassName),
        ...opt("affinity", roleSpec.affinity),
        ...opt("terminationGracePeriodSeconds", roleSpec.terminationGracePeriodSeconds),
        ...opt("hostNetwork", s.hostNetwork),
        volumes: volumes(c, roleSpec.redisConfig?.additionalRedisConfig),
        ...opt("tolerations", roleSpec.tolerations),
        ...opt("imagePullSecrets", s.kubernetesConfig?.imagePullSecrets),
        ...opt("serviceAccountName", s.serviceAccountName),
    };
    const labels = { app: sts, redis_setup_type: "cluster", role, ...(cr.metadata?.labels ?? {}), cluster: name };
    return {
        desc: `${role} pods of RedisCluster ${String(cr.metadata?.namespace)}/${name} (StatefulSet ${sts}, redis-operator v0.26.0)`,
        namespace: String(cr.metadata?.namespace),
        labels,
        annotations: annotations(cr, sts),
        spec,
        source: SOURCE,
    };
}

/**
 * The pods redis-operator v0.26.0 creates for a RedisCluster: one per role (leader, follower)
 * whose replica count (`redisLeader/redisFollower.replicas`, else `clusterSize`) is above 0.
 */
export function redisClusterPods(o: Json): ModelledPod[] {
    const s = o?.spec ?? {};
    const replicas = (r: Json) => Number(r?.replicas ?? s.clusterSize ?? 0);
    return (
        [
            ["leader", s.redisLeader],
            ["follower", s.redisFollower],
        ] as const
    )
        .filter(([, r]) => replicas(r) > 0)
        .map(([role]) => rolePod(o, role));
}
