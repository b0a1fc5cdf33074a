/**
 * The human summary of a render: counts by type, autoscaled workloads, the forecast's sizing,
 * warnings, VPAs, the data tier, Helm releases, prerequisites and traffic.
 */
import { SHARD_MAP_CONFIGMAP, SHARD_MAP_PATH } from "../lib/sharding/published";
import { SHARD_LABEL } from "../policies/contract";
import { prerequisites } from "../admission/prerequisites";
import { kubernetesObjects, type RenderResult } from "./mockRuntime";
import { plainTextSecretsWarning } from "../config/stackFile";
import type { CostOutputs } from "../plan/outputs";
import { costLines } from "./costTable";
import { PLACEHOLDER_ROLE, ROLE_LABEL } from "../policies/contract";

/** A rendered Kubernetes object of any kind, read only for the summary (every nested access is guarded). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests of many kinds, some custom resources without types
type Obj = Record<string, any>;

function describeMetric(m: Obj): string {
    switch (m.type) {
        case "Resource":
            return `${m.resource.name} ${m.resource.target.averageUtilization}%`;
        case "Pods":
            return `${m.pods.metric.name}=${m.pods.target.averageValue}/pod`;
        case "Object": {
            // A metric of the namespace (the queue) with an AverageValue target: divided by the pods.
            const sel = Object.entries<string>(m.object.metric.selector?.matchLabels ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(",");
            return `${m.object.metric.name}{${sel}}=${m.object.target.averageValue}/pod`;
        }
        default:
            return String(m.type);
    }
}

const table = (rows: string[][]): string[] => {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) =>
        r
            .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd(),
    );
};

/** The human summary: counts by type, autoscaled workloads, VPAs, releases, traffic. */
export function summarize(result: RenderResult): string {
    const objects = kubernetesObjects(result.resources) as Obj[];
    const releases = result.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    return [
        ...overview(result, objects.length, releases.length),
        ...autoscaled(objects),
        ...overprovisioning(objects),
        ...forecastSizing(result),
        ...costSection(result),
        ...warningsOf(result),
        ...vpaSection(objects),
        ...dataTierSection(result, objects),
        ...shardingSection(result),
        ...releaseSection(releases),
        ...prerequisiteSection(objects, releases),
        ...trafficSection(objects),
    ].join("\n");
}

type Declared = RenderResult["resources"][number];

function overview(result: RenderResult, objects: number, releases: number): string[] {
    const res = result.resources;
    const components = res.filter((r) => r.type.startsWith("sysmanage:")).length;
    const byType = new Map<string, number>();
    for (const r of res) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    return [
        `Stack ${result.stack}: ${res.length} resources declared (${objects} Kubernetes objects, ${releases} Helm releases, ${components} components).`,
        "This is a render of what the program declares under the Pulumi mock runtime, not a diff against a deployed stack.",
        "",
        "Resources by type:",
        ...table([...byType.entries()].sort().map(([t, n]) => [`  ${t}`, String(n)])),
    ];
}

function autoscaled(objects: Obj[]): string[] {
    const hpas = objects.filter((o) => o.kind === "HorizontalPodAutoscaler");
    const scaled = objects.filter((o) => o.kind === "ScaledObject");
    return [
        ...(hpas.length
            ? [
                  "",
                  "Autoscaled workloads (HPA autoscaling/v2):",
                  ...table([
                      ["  WORKLOAD", "MIN", "MAX", "METRICS"],
                      ...hpas.map((h) => [
                          `  ${h.spec.scaleTargetRef.name}`,
                          String(h.spec.minReplicas),
                          String(h.spec.maxReplicas),
                          h.spec.metrics.map(describeMetric).join(", "),
                      ]),
                  ]),
              ]
            : []),
        ...(scaled.length
            ? [
                  "",
                  "Scaled to zero (KEDA ScaledObject keda.sh/v1alpha1; KEDA's HPA keda-hpa-<name> above 1 pod):",
                  ...table([
                      ["  WORKLOAD", "MIN", "MAX", "TRIGGERS"],
                      ...scaled.map((o) => [
                          `  ${o.spec.scaleTargetRef.name}`,
                          String(o.spec.minReplicaCount ?? 0),
                          String(o.spec.maxReplicaCount ?? 100),
                          (o.spec.triggers as Obj[])
                              .map(
                                  (t) =>
                                      `${t.name ?? t.type}=${t.metadata.threshold ?? t.metadata.value}${t.metricType === "Value" ? "" : "/pod"}`,
                              )
                              .join(", "),
                      ]),
                  ]),
              ]
            : []),
    ];
}

/** The placeholders (issue 17 #4): how much room they hold, at which priority. */
function overprovisioning(objects: Obj[]): string[] {
    const d = objects.find((o) => o.kind === "Deployment" && o.metadata?.labels?.[ROLE_LABEL] === PLACEHOLDER_ROLE);
    if (!d) return [];
    const pod = d.spec.template.spec;
    const room = pod.containers[0].resources.requests;
    const pc = objects.find((o) => o.kind === "PriorityClass" && o.metadata?.name === pod.priorityClassName);
    return [
        "",
        `Overprovisioning: ${d.spec.replicas} placeholder pods (${d.metadata.name}) x ${room.cpu} CPU / ${room.memory}, PriorityClass ${pod.priorityClassName} (${pc?.value}, preemption ${pc?.preemptionPolicy}): room for API pods before a node is added.`,
    ];
}

function forecastSizing(result: RenderResult): string[] {
    const fc = result.outputs.forecast as Obj | null | undefined;
    if (!fc) return [];
    const lines = [
        "",
        `Forecast sizing (exports in ${fc.exportsDir}/, inputs ${fc.inputsHash}; report: npm run forecast -- --stack ${result.stack}):`,
    ];
    for (const [name, w] of Object.entries(fc.workloads as Record<string, Obj>))
        lines.push(
            `  ${name}: configured ${w.current.minReplicas}..${w.current.maxReplicas} -> ${w.proposed.minReplicas}..${w.proposed.maxReplicas} (${w.model})`,
        );
    for (const [key, n] of Object.entries((fc.dataTier ?? {}) as Record<string, Obj>))
        lines.push(`  ${key}: configured ${n.configured} -> ${n.proposed}${n.proposed !== n.configured ? ` (${n.rule})` : ""}`);
    // The band's headroom and whether it pays: the API's sizes the placeholders (none when it does not pay).
    for (const [name, h] of Object.entries((fc.headroom ?? {}) as Record<string, Obj>))
        lines.push(
            `  ${name} headroom: ${h.pods} placeholder pod(s) at the band's peak, replay weighted cost ${h.without.toFixed(4)} -> ${h.with.toFixed(4)}: ${h.pays ? "pays" : "does not pay"}`,
        );
    for (const w of fc.warnings as string[]) lines.push(`  warning: ${w}`);
    return lines;
}

function costSection(result: RenderResult): string[] {
    const cost = result.outputs.cost as CostOutputs | undefined;
    return cost ? ["", ...costLines(cost)] : [];
}

/** Anything else the program logged as a warning (the forecast's are listed with it), and what the render has to say about secrets. */
function warningsOf(result: RenderResult): string[] {
    const fc = result.outputs.forecast as Obj | null | undefined;
    const listed = new Set((fc?.warnings as string[] | undefined) ?? []);
    const other = [...result.warnings.filter((w) => !listed.has(w)), ...secretWarnings(result)];
    return other.length ? ["", "Warnings:", ...other.map((w) => `  warning: ${w}`)] : [];
}

function vpaSection(objects: Obj[]): string[] {
    const vpas = objects.filter((o) => o.kind === "VerticalPodAutoscaler");
    if (!vpas.length) return [];
    return [
        "",
        "Vertically scaled workloads (VPA):",
        ...vpas.map((v) => {
            const c = v.spec.resourcePolicy.containerPolicies[0];
            return `  ${v.spec.targetRef.name}  mode ${v.spec.updatePolicy.updateMode}  cpu ${c.minAllowed.cpu}..${c.maxAllowed.cpu}  memory ${c.minAllowed.memory}..${c.maxAllowed.memory}`;
        }),
    ];
}

function dataTierSection(result: RenderResult, objects: Obj[]): string[] {
    const clusters = objects.filter((o) => o.kind === "Cluster");
    const poolers = objects.filter((o) => o.kind === "Pooler");
    const redis = objects.filter((o) => o.kind === "RedisCluster");
    if (!clusters.length && !redis.length) return [];
    const lines = ["", "Data tier:"];
    for (const c of clusters) {
        const p = c.spec.postgresql.parameters;
        // A shard has no read pooler: its replicas are standbys for HA.
        const role = c.spec.replica?.enabled
            ? `replica cluster of ${c.spec.replica.source}`
            : `1 primary + ${c.spec.instances - 1} ${c.metadata.labels?.[SHARD_LABEL] ? "standbys (a shard)" : "read replicas"}`;
        lines.push(
            `  Postgres ${c.metadata.name}: ${role}; ${c.spec.resources.limits.cpu} CPU, ${c.spec.resources.limits.memory}; max_connections ${p.max_connections}, shared_buffers ${p.shared_buffers}, work_mem ${p.work_mem}`,
        );
    }
    for (const p of poolers) {
        const x = p.spec.pgbouncer.parameters;
        lines.push(
            `  PgBouncer ${p.metadata.name} (${p.spec.type} -> ${p.spec.cluster.name}): ${p.spec.instances} pods × max_db_connections ${x.max_db_connections} (default_pool_size ${x.default_pool_size}, reserve ${x.reserve_pool_size}), ${p.spec.pgbouncer.poolMode} mode`,
        );
    }
    const budgets = ((result.outputs.dataTier as Obj | undefined)?.postgres?.budgets ?? []) as Obj[];
    for (const b of budgets) lines.push(`  Connection budget ${b.target}: poolers may open ${b.used} of ${b.available} available`);
    const pgMemory = ((result.outputs.dataTier as Obj | undefined)?.postgres?.memoryMiB ?? {}) as Record<string, Record<string, number>>;
    for (const [name, m] of Object.entries(pgMemory))
        lines.push(
            `  Postgres memory per instance of ${name} at its worst: shared ${m.shared} + connections ${m.connections} + running queries ${m.queries} + maintenance ${m.maintenance} + autovacuum ${m.autovacuum} + processes ${m.process} = ${m.worstCase} MiB of ${m.budget} (its ${m.limit} MiB limit less 10 %)`,
        );
    for (const r of redis)
        lines.push(`  Redis ${r.metadata.name}: ${r.spec.clusterSize} masters, ${r.spec.redisFollower.replicas} replicas`);
    for (const [store, name] of [
        ["redis", "the cache"],
        ["sessions", "the session store"],
    ] as const) {
        const m = (result.outputs.dataTier as Obj | undefined)?.[store]?.memoryMiB as Record<string, number> | undefined;
        if (m)
            lines.push(
                `  Redis memory per node of ${name} at its worst (a fork under writes): maxmemory ${m.maxmemory} + fragmentation ${m.fragmentation} + fork copy-on-write ${m.forkCopy} + backlog ${m.backlog} + replica buffers ${m.replicaBuffers} + process ${m.process} = ${m.worstCase} MiB of its ${m.limit} MiB limit`,
            );
    }
    return lines;
}

/** The published shard map: its version, each shard's buckets and endpoint, and shards declared but not yet in the map. */
function shardingSection(result: RenderResult): string[] {
    const s = result.outputs.sharding as Obj | null | undefined;
    if (!s) return [];
    const map = s.map as Obj;
    const lines = [
        "",
        "Sharding:",
        `  Shard map version ${map.version} (${map.hash}, ${map.buckets} buckets over ${map.shards.length} shards) in ConfigMap ${SHARD_MAP_CONFIGMAP}, mounted at ${SHARD_MAP_PATH}`,
    ];
    for (const shard of s.shards as Obj[]) {
        const ranges = (map.ranges as Obj[]).filter((r) => r.shard === shard.name);
        const held = ranges.reduce((n: number, r: Obj) => n + r.to - r.from, 0);
        const where = ranges.length
            ? `buckets ${ranges.map((r) => `${r.from}..${r.to - 1}`).join(", ")} (${held})`
            : "no buckets (declared, not yet in the map)";
        const e = map.endpoints[shard.name] as Obj | undefined;
        lines.push(
            `  ${shard.name}: ${where}${e ? ` via ${e.host}:${e.port}/${e.database}` : ""}; ${shard.instances} instances, ${shard.storageSize} each; pooler ${shard.pooler} ${shard.poolerInstances} pods may open ${shard.budget.used} of ${shard.budget.available} connections`,
        );
    }
    return lines;
}

function releaseSection(releases: Declared[]): string[] {
    if (!releases.length) return [];
    return [
        "",
        "Helm releases (pinned):",
        ...releases.map((r) => {
            const i = r.inputs as Obj;
            return `  ${i.name}  chart ${i.chart} ${i.version}  from ${i.repositoryOpts?.repo}  namespace ${i.namespace}`;
        }),
    ];
}

function prerequisiteSection(objects: Obj[], releases: Declared[]): string[] {
    const prereqs = prerequisites(
        objects,
        releases.map((r) => ({ chart: String((r.inputs as Obj).chart), namespace: String((r.inputs as Obj).namespace) })),
    );
    if (!prereqs.length) return [];
    return [
        "",
        "Prerequisites (in the cluster before `pulumi up`; the program does not install them):",
        ...prereqs.map((p) => `  - ${p.what}: ${p.why}`),
    ];
}

function trafficSection(objects: Obj[]): string[] {
    const lines = ["", "Traffic:"];
    for (const d of objects.filter((o) => o.kind === "DNSEndpoint"))
        for (const e of d.spec.endpoints)
            lines.push(
                `  global   ${e.dnsName} ${e.recordType} -> ${e.targets.join(",")} [${e.setIdentifier}: ${e.providerSpecific.map((p: Obj) => `${p.name}=${p.value}`).join(", ")}]`,
            );
    for (const g of objects.filter((o) => o.kind === "Gateway"))
        lines.push(
            `  regional Gateway ${g.metadata.name} (class ${g.spec.gatewayClassName}): ${g.spec.listeners.map((l: Obj) => `${l.protocol}:${l.port}`).join(", ")}`,
        );
    for (const r of objects.filter((o) => o.kind === "HTTPRoute")) {
        const backends = [...new Set(r.spec.rules.flatMap((x: Obj) => (x.backendRefs ?? []).map((b: Obj) => `${b.name}:${b.port}`)))];
        lines.push(`  local    HTTPRoute ${r.metadata.name} -> ${backends.length ? backends.join(", ") : "redirect to https"}`);
    }
    return lines;
}

/** The render's warnings about secrets: plain-text Secrets of a render-to-directory provider, `secure:` placeholders. */
export function secretWarnings(result: RenderResult): string[] {
    const out: string[] = [];
    const objects = kubernetesObjects(result.resources) as Obj[];
    const secrets = objects.filter((o) => o.kind === "Secret").map((o) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`);
    for (const p of result.resources)
        if (
            p.type === "pulumi:providers:kubernetes" &&
            typeof p.inputs.renderYamlToDirectory === "string" &&
            p.inputs.renderYamlToDirectory
        )
            out.push(plainTextSecretsWarning(p.inputs.renderYamlToDirectory, secrets));
    for (const p of result.placeholders ?? [])
        out.push(
            `${p.key} is a secure: value in ${p.file}: an offline render cannot decrypt it, so a placeholder stands in for it (\`pulumi preview\` uses the real value)`,
        );
    return out;
}
