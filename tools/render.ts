/**
 * `npm run render -- --stack <name> [--out <dir>] [--json <file>]`
 *
 * Runs the real program under the Pulumi mock runtime with a stack's config, validates every
 * Kubernetes object, prints a summary, and writes one YAML file per object. A render of what
 * the program declares, not a diff against a deployed stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { stringify } from "yaml";
import { admissionRules, admissionWarnings, admit, formatViolation } from "../admission";
import { prerequisites } from "../admission/prerequisites";
import { ConfigError } from "../config";
import { kubernetesObjects, PROJECT_DIR, renderStack, type DeclaredResource, type RenderResult } from "./mockRuntime";
import { StackConfigError } from "./stackConfig";
import { validateObjects, type K8sObject } from "./validation";

/** Apply order: what others depend on first. Kinds not listed sort after, by name. */
const KIND_ORDER = [
    "Namespace",
    "NetworkPolicy",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "Service",
    "Deployment",
    "StatefulSet",
    "Cluster",
    "ScheduledBackup",
    "Pooler",
    "RedisCluster",
    "HorizontalPodAutoscaler",
    "VerticalPodAutoscaler",
    "PodDisruptionBudget",
    "ServiceMonitor",
    "PodMonitor",
    "Gateway",
    "HTTPRoute",
    "DNSEndpoint",
];

const kindRank = (kind: string) => {
    const i = KIND_ORDER.indexOf(kind);
    return i < 0 ? KIND_ORDER.length : i;
};

export function sortObjects(objects: readonly K8sObject[]): K8sObject[] {
    const key = (o: K8sObject) => [kindRank(String(o.kind)), String(o.kind), o.metadata?.namespace ?? "", o.metadata?.name ?? ""] as const;
    return [...objects].sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        return 0;
    });
}

/** File name of an object: `<rank>-<kind>-<namespace>-<name>.yaml`, stable across renders. */
export function objectFileName(o: K8sObject): string {
    const rank = String(kindRank(String(o.kind))).padStart(2, "0");
    const parts = [rank, String(o.kind).toLowerCase(), o.metadata?.namespace, o.metadata?.name].filter(Boolean);
    return `${parts.join("-")}.yaml`;
}

/** A Secret's values never reach files or the terminal, not even the render's placeholders. */
export function redactSecrets(o: K8sObject): K8sObject {
    if (o.kind !== "Secret") return o;
    const redact = (m: unknown) => (m && typeof m === "object" ? Object.fromEntries(Object.keys(m).map((k) => [k, "<redacted>"])) : m);
    return { ...o, ...(o.data ? { data: redact(o.data) } : {}), ...(o.stringData ? { stringData: redact(o.stringData) } : {}) };
}

/**
 * An object as YAML that every reader takes the same way: written under YAML 1.1 rules, so a
 * string that YAML 1.1 reads as another type (`on`, `off`, `yes`, `n`, `0755`, `1:20`) is quoted.
 * kubectl's decoder (sigs.k8s.io/yaml on go-yaml v2) is YAML 1.1: unquoted `on` would reach the
 * API server as `true`, and CloudNativePG's schema wants the string.
 */
export function manifestYaml(o: K8sObject): string {
    return stringify(o, { version: "1.1", lineWidth: 0, sortMapEntries: false });
}

/** Writes one YAML file per object into `dir`, removing YAML files of earlier renders. */
export function writeObjects(dir: string, objects: readonly K8sObject[]): string[] {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) if (f.endsWith(".yaml")) fs.rmSync(path.join(dir, f));
    const names: string[] = [];
    for (const o of sortObjects(objects)) {
        const name = objectFileName(o);
        if (names.includes(name)) throw new Error(`two objects would be written to ${name}`);
        fs.writeFileSync(path.join(dir, name), manifestYaml(redactSecrets(o)));
        names.push(name);
    }
    return names;
}

/** A rendered Kubernetes object of any kind, read only for the summary (every nested access is guarded). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests of many kinds, some custom resources without types
type Obj = Record<string, any>;

function describeMetric(m: Obj): string {
    switch (m.type) {
        case "Resource":
            return `${m.resource.name} ${m.resource.target.averageUtilization}%`;
        case "Pods":
            return `${m.pods.metric.name}=${m.pods.target.averageValue}/pod`;
        case "External": {
            const sel = Object.entries<string>(m.external.metric.selector?.matchLabels ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(",");
            return `${m.external.metric.name}{${sel}}=${m.external.target.averageValue}/pod`;
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
    const res = result.resources;
    const objects = kubernetesObjects(res) as Obj[];
    const lines: string[] = [];
    const components = res.filter((r) => r.type.startsWith("sysmanage:")).length;
    const releases = res.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
    lines.push(
        `Stack ${result.stack}: ${res.length} resources declared (${objects.length} Kubernetes objects, ${releases.length} Helm releases, ${components} components).`,
        "This is a render of what the program declares under the Pulumi mock runtime, not a diff against a deployed stack.",
        "",
        "Resources by type:",
    );
    const byType = new Map<string, number>();
    for (const r of res) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    lines.push(...table([...byType.entries()].sort().map(([t, n]) => [`  ${t}`, String(n)])));

    const hpas = objects.filter((o) => o.kind === "HorizontalPodAutoscaler");
    if (hpas.length) {
        lines.push("", "Autoscaled workloads (HPA autoscaling/v2):");
        lines.push(
            ...table([
                ["  WORKLOAD", "MIN", "MAX", "METRICS"],
                ...hpas.map((h) => [
                    `  ${h.spec.scaleTargetRef.name}`,
                    String(h.spec.minReplicas),
                    String(h.spec.maxReplicas),
                    h.spec.metrics.map(describeMetric).join(", "),
                ]),
            ]),
        );
    }
    const fc = result.outputs.forecast as Obj | null | undefined;
    if (fc) {
        lines.push(
            "",
            `Forecast sizing (exports in ${fc.exportsDir}/, inputs ${fc.inputsHash}; report: npm run forecast -- --stack ${result.stack}):`,
        );
        for (const [name, w] of Object.entries(fc.workloads as Record<string, Obj>))
            lines.push(
                `  ${name}: configured ${w.current.minReplicas}..${w.current.maxReplicas} -> ${w.proposed.minReplicas}..${w.proposed.maxReplicas} (${w.model})`,
            );
        for (const [key, n] of Object.entries((fc.dataTier ?? {}) as Record<string, Obj>))
            lines.push(`  ${key}: configured ${n.configured} -> ${n.proposed}${n.proposed !== n.configured ? ` (${n.rule})` : ""}`);
        for (const w of fc.warnings as string[]) lines.push(`  warning: ${w}`);
    }
    // Anything else the program logged as a warning (the forecast's are listed above).
    const listed = new Set((fc?.warnings as string[] | undefined) ?? []);
    const other = result.warnings.filter((w) => !listed.has(w));
    if (other.length) lines.push("", "Warnings:", ...other.map((w) => `  warning: ${w}`));
    const vpas = objects.filter((o) => o.kind === "VerticalPodAutoscaler");
    if (vpas.length) {
        lines.push("", "Vertically scaled workloads (VPA):");
        for (const v of vpas) {
            const c = v.spec.resourcePolicy.containerPolicies[0];
            lines.push(
                `  ${v.spec.targetRef.name}  mode ${v.spec.updatePolicy.updateMode}  cpu ${c.minAllowed.cpu}..${c.maxAllowed.cpu}  memory ${c.minAllowed.memory}..${c.maxAllowed.memory}`,
            );
        }
    }
    const clusters = objects.filter((o) => o.kind === "Cluster");
    const poolers = objects.filter((o) => o.kind === "Pooler");
    const redis = objects.filter((o) => o.kind === "RedisCluster");
    if (clusters.length || redis.length) {
        lines.push("", "Data tier:");
        for (const c of clusters) {
            const p = c.spec.postgresql.parameters;
            const role = c.spec.replica?.enabled
                ? `replica cluster of ${c.spec.replica.source}`
                : `1 primary + ${c.spec.instances - 1} read replicas`;
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
        for (const r of redis)
            lines.push(`  Redis ${r.metadata.name}: ${r.spec.clusterSize} masters, ${r.spec.redisFollower.replicas} replicas`);
    }
    if (releases.length) {
        lines.push("", "Helm releases (pinned):");
        for (const r of releases) {
            const i = r.inputs as Obj;
            lines.push(`  ${i.name}  chart ${i.chart} ${i.version}  from ${i.repositoryOpts?.repo}  namespace ${i.namespace}`);
        }
    }
    const prereqs = prerequisites(
        objects,
        releases.map((r) => ({ chart: String((r.inputs as Obj).chart), namespace: String((r.inputs as Obj).namespace) })),
    );
    if (prereqs.length) {
        lines.push("", "Prerequisites (in the cluster before `pulumi up`; the program does not install them):");
        for (const p of prereqs) lines.push(`  - ${p.what}: ${p.why}`);
    }
    const gateways = objects.filter((o) => o.kind === "Gateway");
    const routes = objects.filter((o) => o.kind === "HTTPRoute");
    const dns = objects.filter((o) => o.kind === "DNSEndpoint");
    lines.push("", "Traffic:");
    for (const d of dns)
        for (const e of d.spec.endpoints)
            lines.push(
                `  global   ${e.dnsName} ${e.recordType} -> ${e.targets.join(",")} [${e.setIdentifier}: ${e.providerSpecific.map((p: Obj) => `${p.name}=${p.value}`).join(", ")}]`,
            );
    for (const g of gateways)
        lines.push(
            `  regional Gateway ${g.metadata.name} (class ${g.spec.gatewayClassName}): ${g.spec.listeners.map((l: Obj) => `${l.protocol}:${l.port}`).join(", ")}`,
        );
    for (const r of routes) {
        const backends = [...new Set(r.spec.rules.flatMap((x: Obj) => (x.backendRefs ?? []).map((b: Obj) => `${b.name}:${b.port}`)))];
        lines.push(`  local    HTTPRoute ${r.metadata.name} -> ${backends.length ? backends.join(", ") : "redirect to https"}`);
    }
    return lines.join("\n");
}

export function resourcesJson(resources: readonly DeclaredResource[]): string {
    // Secret data and every password-like input are redacted, placeholders included.
    const deep = (v: unknown): unknown =>
        Array.isArray(v)
            ? v.map(deep)
            : v && typeof v === "object"
              ? Object.fromEntries(
                    Object.entries(v).map(([k, x]) => [k, /password|uri/i.test(k) && typeof x === "string" ? "<redacted>" : deep(x)]),
                )
              : v;
    const inputs = (r: DeclaredResource) => (r.type === "kubernetes:core/v1:Secret" ? redactSecrets(r.inputs) : deep(r.inputs));
    return (
        JSON.stringify(
            resources.map((r) => ({ type: r.type, name: r.name, inputs: inputs(r), options: r.options })),
            null,
            2,
        ) + "\n"
    );
}

export async function main(argv: string[]): Promise<number> {
    const program = new Command()
        .name("render")
        .description("Render a stack offline: run the program under the Pulumi mock runtime, validate and write its Kubernetes objects.")
        .requiredOption("-s, --stack <name>", "stack to render (reads Pulumi.<name>.yaml)")
        .option("-o, --out <dir>", "directory for the YAML files (default: out/<stack>)")
        .option("--json <file>", "also write every declared resource as JSON [{type, name, inputs, options}]")
        .option("--config-dir <dir>", "directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the project root)")
        .exitOverride();
    try {
        program.parse(argv, { from: "user" });
    } catch (e) {
        return (e as { exitCode?: number }).exitCode ?? 2;
    }
    const opts = program.opts<{ stack: string; out?: string; json?: string; configDir?: string }>();
    const started = process.hrtime.bigint();
    let result: RenderResult;
    try {
        result = await renderStack(opts.stack, { configDir: opts.configDir ? path.resolve(opts.configDir) : undefined });
    } catch (e) {
        if (e instanceof ConfigError || e instanceof StackConfigError) {
            console.error(`render failed: invalid configuration for stack ${opts.stack}:\n${e.message}`);
        } else {
            console.error(
                `render failed: the program threw while declaring resources for stack ${opts.stack}:\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
            );
        }
        return 1;
    }
    const objects = kubernetesObjects(result.resources) as K8sObject[];
    let problems: string[];
    try {
        problems = await validateObjects(objects);
    } catch (e) {
        console.error(`render failed: could not validate the objects: ${(e as Error).message}`);
        return 1;
    }
    const violations = problems.length ? [] : admit(objects);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(summarize({ ...result, warnings: [...result.warnings, ...admissionWarnings(objects)] }));
    if (problems.length) {
        console.error(`\nrender failed: ${problems.length} schema problems:\n${problems.map((p) => `  ${p}`).join("\n")}`);
        return 1;
    }
    if (violations.length) {
        console.error(
            `\nrender failed: a cluster would refuse ${violations.length} of these objects or their pods:\n${violations.map((v) => `  ${formatViolation(v)}`).join("\n")}`,
        );
        return 1;
    }
    const outDir = path.resolve(opts.out ?? path.join(PROJECT_DIR, "out", opts.stack));
    const files = writeObjects(outDir, objects);
    console.log(`\nValidated ${objects.length} Kubernetes objects against the Kubernetes schemas and upstream CRDs: no problems.`);
    console.log(
        `Admission check (${admissionRules().length} rules ported from the API server, Pod Security Admission, CloudNativePG, redis-operator and the VPA): no violations.`,
    );
    console.log(`Wrote ${files.length} files to ${path.relative(process.cwd(), outDir) || "."}/`);
    if (opts.json) {
        fs.mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
        fs.writeFileSync(opts.json, resourcesJson(result.resources));
        console.log(`Wrote ${result.resources.length} resources to ${opts.json}`);
    }
    console.log(`Rendered in ${(ms / 1000).toFixed(2)} s.`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            console.error(e);
            process.exit(1);
        },
    );
}
