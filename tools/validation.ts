/**
 * Validates Kubernetes objects the way a strict API server would:
 * - built-in kinds against the official schemas (`kubernetes-models`), Gateway API and
 *   prometheus-operator kinds against their model packages;
 * - custom resources without a model package (VPA, DNSEndpoint, CloudNativePG, Redis
 *   operator) against the upstream CRDs vendored in `crds/` with ajv; Karpenter's NodePool
 *   against both its CRD and `@kubernetes-models/karpenter`;
 * - unknown fields are errors, as under `kubectl --validate=strict`: for built-in kinds through
 *   the field lists of `@kubernetes/client-node`'s generated models, for CRDs through the CRD
 *   schema (except below `x-kubernetes-preserve-unknown-fields`). The two model packages for
 *   Gateway API and prometheus-operator ship no field lists, so at run time only their
 *   metadata is checked for unknown fields; their specs are built by `lib/traffic.ts` and
 *   `lib/monitors.ts`, typed with those packages' interfaces, so TypeScript rejects unknown
 *   fields there at compile time (`npm run typecheck`).
 * One module for every stack and every component.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parseAllDocuments } from "yaml";

export type K8sObject = Record<string, unknown> & {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: string; namespace?: string };
};

/** Where the upstream CRDs are kept: `crds/` in the project (see crds/README.md), or `$SYSMANAGE_CRDS_DIR`. */
export const CRDS_DIR = process.env.SYSMANAGE_CRDS_DIR ?? path.resolve(__dirname, "..", "crds");

/** Kinds validated against a CRD file under CRDS_DIR. */
const CRD_FILES: Record<string, string> = {
    "autoscaling.k8s.io/v1/VerticalPodAutoscaler": "vertical-pod-autoscaler/vpa-v1-crd-gen.yaml",
    "externaldns.k8s.io/v1alpha1/DNSEndpoint": "external-dns/dnsendpoints.externaldns.k8s.io.yaml",
    "keda.sh/v1alpha1/ScaledObject": "keda/keda.sh_scaledobjects.yaml",
    "postgresql.cnpg.io/v1/Cluster": "cloudnative-pg/postgresql.cnpg.io_clusters.yaml",
    "postgresql.cnpg.io/v1/Pooler": "cloudnative-pg/postgresql.cnpg.io_poolers.yaml",
    "postgresql.cnpg.io/v1/ScheduledBackup": "cloudnative-pg/postgresql.cnpg.io_scheduledbackups.yaml",
    "postgresql.cnpg.io/v1/Backup": "cloudnative-pg/postgresql.cnpg.io_backups.yaml",
    "postgresql.cnpg.io/v1/Database": "cloudnative-pg/postgresql.cnpg.io_databases.yaml",
    "redis.redis.opstreelabs.in/v1beta2/RedisCluster": "redis-operator/redis.redis.opstreelabs.in_redisclusters.yaml",
    "karpenter.sh/v1/NodePool": "karpenter/karpenter.sh_nodepools.yaml",
};

/** Kinds with a model package (CRD-based, from kubernetes-models' sister packages). */
const MODEL_PACKAGES: Record<string, string> = {
    "gateway.networking.k8s.io/v1": "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1",
    "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
    // Validated against the vendored CRD too (a kind in both is checked by both).
    "karpenter.sh/v1": "@kubernetes-models/karpenter/karpenter.sh/v1",
};

/** Built-in API groups served by kubernetes-models (the core group is `v1`). */
const BUILTIN_GROUPS = new Set([
    "v1",
    "apps",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "batch",
    "rbac.authorization.k8s.io",
    "scheduling.k8s.io",
]);

interface JsonSchema {
    type?: string;
    properties?: Record<string, JsonSchema>;
    additionalProperties?: JsonSchema | boolean;
    items?: JsonSchema;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-int-or-string"?: boolean;
    [k: string]: unknown;
}

interface CompiledCrd {
    readonly validate: ValidateFunction;
    readonly schema: JsonSchema;
}

const crdCache = new Map<string, CompiledCrd>();
let ajv: Ajv | undefined;

/**
 * Where the OpenAPI schemas taken out of the CRD files are kept between runs, keyed by the CRD
 * file's content hash: parsing the CloudNativePG CRDs' YAML costs about a second per render.
 * `$SYSMANAGE_CACHE_DIR` moves it.
 */
export const SCHEMA_CACHE_DIR =
    process.env.SYSMANAGE_CACHE_DIR ?? path.resolve(__dirname, "..", "node_modules", ".cache", "sysmanage", "crd-schemas");

/** Bump when what `crdSchema` extracts changes: older cache entries are then never read. */
const SCHEMA_CACHE_VERSION = 1;

/** A cached schema is used only if it looks like one (a top-level object schema with properties). */
function looksLikeSchema(x: unknown): x is JsonSchema {
    return typeof x === "object" && x !== null && (x as JsonSchema).type === "object" && typeof (x as JsonSchema).properties === "object";
}

/** The openAPIV3Schema of `gvk` in the CRD `file`, from the cache when the file is unchanged. */
function crdSchema(file: string, gvk: string): JsonSchema {
    const text = fs.readFileSync(file, "utf8");
    const key = crypto.createHash("sha256").update(`v${SCHEMA_CACHE_VERSION}\0${gvk}\0`).update(text).digest("hex").slice(0, 32);
    const cacheFile = path.join(SCHEMA_CACHE_DIR, `${key}.json`);
    try {
        const cached: unknown = JSON.parse(fs.readFileSync(cacheFile, "utf8"));
        if (looksLikeSchema(cached)) return cached;
        fs.rmSync(cacheFile, { force: true }); // damaged: parse the YAML again below
    } catch {
        // not cached yet (or unreadable): parse the YAML below
    }
    const [group, version, kind] = splitGvk(gvk);
    // An upstream CRD document, only walked with optional chaining to its OpenAPI schema.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped YAML; the schema itself goes to ajv
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
    const crd = docs.find((d) => d?.spec?.names?.kind === kind && d?.spec?.group === group);
    const ver = crd?.spec?.versions?.find((v: { name: string }) => v.name === version);
    if (!ver?.schema?.openAPIV3Schema) throw new Error(`${file}: no schema for ${group}/${version} ${kind}`);
    const schema = ver.schema.openAPIV3Schema as JsonSchema;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
        fs.mkdirSync(SCHEMA_CACHE_DIR, { recursive: true });
        fs.writeFileSync(tmp, JSON.stringify(schema));
        fs.renameSync(tmp, cacheFile); // atomic: parallel test processes never read half a file
    } catch {
        // a read-only checkout still validates, only without the cache
        fs.rmSync(tmp, { force: true });
    }
    return schema;
}

function compileCrd(gvk: string): CompiledCrd {
    const cached = crdCache.get(gvk);
    if (cached) return cached;
    const file = path.join(CRDS_DIR, CRD_FILES[gvk]);
    if (!fs.existsSync(file)) throw new Error(`CRD file ${file} not found (the vendored CRDs are in crds/; see crds/README.md)`);
    const schema = crdSchema(file, gvk);
    ajv ??= (() => {
        // No code optimisation pass: the CRD schemas are large and each is compiled once per run.
        const a = new Ajv({ strict: false, allErrors: true, code: { optimize: false } });
        addFormats(a);
        for (const f of ["int32", "int64", "byte"]) a.addFormat(f, true);
        return a;
    })();
    const compiled = { validate: ajv.compile(schema), schema };
    crdCache.set(gvk, compiled);
    return compiled;
}

function splitGvk(gvk: string): [string, string, string] {
    const parts = gvk.split("/");
    const kind = parts.pop()!;
    const version = parts.pop()!;
    return [parts.join("/"), version, kind];
}

/** Fields present in `value` that the CRD schema does not declare. */
function unknownCrdFields(schema: JsonSchema, value: unknown, at: string, out: string[]): void {
    if (value === null || value === undefined || schema["x-kubernetes-preserve-unknown-fields"]) return;
    if (Array.isArray(value)) {
        if (schema.items) value.forEach((v, i) => unknownCrdFields(schema.items!, v, `${at}[${i}]`, out));
        return;
    }
    if (typeof value !== "object") return;
    for (const [k, v] of Object.entries(value)) {
        const p = at ? `${at}.${k}` : k;
        if (schema.properties?.[k]) unknownCrdFields(schema.properties[k], v, p, out);
        else if (schema.additionalProperties && typeof schema.additionalProperties === "object")
            unknownCrdFields(schema.additionalProperties, v, p, out);
        else if (schema.additionalProperties !== true && schema.properties) out.push(`${p}: unknown field`);
    }
}

/** Fields present in `value` whose CRD schema carries CEL rules (`x-kubernetes-validations`). */
function celFields(schema: JsonSchema, value: unknown, at: string, out: string[]): void {
    if (value === null || value === undefined) return;
    if (schema["x-kubernetes-validations"]) out.push(at || "(root)");
    if (Array.isArray(value)) {
        if (schema.items) value.forEach((v, i) => celFields(schema.items!, v, `${at}[${i}]`, out));
    } else if (typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            const sub =
                schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
            if (sub) celFields(sub, v, at ? `${at}.${k}` : k, out);
        }
    }
}

/**
 * The fields of a custom resource that CEL rules govern. JSON Schema cannot run those rules, so
 * every such field our objects use must be covered by a test of our own; the tests list them.
 */
export function celGovernedFields(o: K8sObject): string[] {
    const gvk = `${String(o.apiVersion)}/${String(o.kind)}`;
    if (!CRD_FILES[gvk]) return [];
    const out: string[] = [];
    celFields(compileCrd(gvk).schema, o, "", out);
    return out;
}

// The generated models of @kubernetes/client-node list every field of every built-in type. Each
// model is a file of its own with no imports, so only the types a stack uses are loaded (the
// package's index loads the whole API client: about a second of every render).
type AttributeMap = { name: string; baseName: string; type: string }[];
type ClientModel = { getAttributeTypeMap?: () => AttributeMap };
const CLIENT_MODELS_DIR = path.join(path.dirname(require.resolve("@kubernetes/client-node/package.json")), "dist", "gen", "models");
const clientModelCache = new Map<string, ClientModel | undefined>();

function clientModel(typeName: string): ClientModel | undefined {
    if (clientModelCache.has(typeName)) return clientModelCache.get(typeName);
    let model: ClientModel | undefined;
    const file = path.join(CLIENT_MODELS_DIR, `${typeName}.js`);
    if (/^\w+$/.test(typeName) && fs.existsSync(file)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        model = (require(file) as Record<string, ClientModel>)[typeName];
    }
    clientModelCache.set(typeName, model);
    return model;
}

function unknownBuiltinFields(typeName: string, value: unknown, at: string, out: string[]): void {
    if (value === null || value === undefined) return;
    const arr = /^Array<(.+)>$/.exec(typeName);
    if (arr) {
        if (Array.isArray(value)) value.forEach((v, i) => unknownBuiltinFields(arr[1], v, `${at}[${i}]`, out));
        return;
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
    if (map) {
        if (typeof value === "object") for (const [k, v] of Object.entries(value)) unknownBuiltinFields(map[1], v, `${at}.${k}`, out);
        return;
    }
    const model = clientModel(typeName);
    if (!model?.getAttributeTypeMap || typeof value !== "object" || Array.isArray(value)) return;
    const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
    for (const [k, v] of Object.entries(value)) {
        const p = at ? `${at}.${k}` : k;
        const t = attrs.get(k);
        if (t === undefined) out.push(`${p}: unknown field`);
        else unknownBuiltinFields(t, v, p, out);
    }
}

/** `apps/v1` + `Deployment` -> `V1Deployment`; `autoscaling/v2` -> `V2...`. */
function clientModelName(apiVersion: string, kind: string): string {
    const version = apiVersion.split("/").pop()!;
    return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

type ModelCtor = new (data: unknown) => { validate(): void };
const modelCache = new Map<string, ModelCtor>();

async function loadModel(apiVersion: string, kind: string): Promise<ModelCtor | undefined> {
    const k = `${apiVersion}/${kind}`;
    if (modelCache.has(k)) return modelCache.get(k);
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "v1";
    let spec: string | undefined;
    if (MODEL_PACKAGES[apiVersion]) spec = `${MODEL_PACKAGES[apiVersion]}/${kind}`;
    else if (BUILTIN_GROUPS.has(group))
        spec = apiVersion === "v1" ? `kubernetes-models/v1/${kind}` : `kubernetes-models/${apiVersion}/${kind}`;
    if (!spec) return undefined;
    try {
        const mod = (await import(spec)) as Record<string, ModelCtor>;
        const ctor = mod[kind];
        if (ctor) modelCache.set(k, ctor);
        return ctor;
    } catch {
        return undefined;
    }
}

export function objectId(o: K8sObject): string {
    const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : "";
    return `${String(o.apiVersion)} ${String(o.kind)} ${ns}${o.metadata?.name ?? "(no name)"}`;
}

/** What the kind's model package (kubernetes-models or a sister package) refuses in the object. */
async function modelProblems(o: K8sObject, apiVersion: string, kind: string): Promise<string[]> {
    const Model = await loadModel(apiVersion, kind);
    if (!Model) return [`no model for ${apiVersion} ${kind}`];
    try {
        new Model(o).validate();
        return [];
    } catch (e) {
        const errors = (e as { errors?: { instancePath: string; message?: string }[] }).errors;
        if (!errors) return [String((e as Error).message)];
        return errors.map((x) => `${x.instancePath.slice(1).replace(/\//g, ".") || "(root)"}: ${x.message}`);
    }
}

/** Validates one object; returns its problems (empty when valid). */
export async function validateObject(o: K8sObject): Promise<string[]> {
    const id = objectId(o);
    if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") return [`${id}: apiVersion and kind are required`];
    const problems: string[] = [];
    if (!o.metadata?.name) problems.push("metadata.name: required");
    const gvk = `${o.apiVersion}/${o.kind}`;
    if (CRD_FILES[gvk]) {
        const crd = compileCrd(gvk);
        if (!crd.validate(o)) {
            for (const e of crd.validate.errors ?? [])
                problems.push(`${e.instancePath.slice(1).replace(/\//g, ".") || "(root)"}: ${e.message}`);
        }
        const { metadata, apiVersion: _a, kind: _k, ...rest } = o;
        unknownCrdFields(crd.schema, rest, "", problems);
        unknownBuiltinFields("V1ObjectMeta", metadata, "metadata", problems);
        if (MODEL_PACKAGES[o.apiVersion]) problems.push(...(await modelProblems(o, o.apiVersion, o.kind)).map((p) => `model: ${p}`));
    } else {
        const Model = await loadModel(o.apiVersion, o.kind);
        if (!Model) return [`${id}: no schema known for ${o.apiVersion} ${o.kind}; add its CRD or model package to tools/validation.ts`];
        problems.push(...(await modelProblems(o, o.apiVersion, o.kind)));
        const modelName = clientModelName(o.apiVersion, o.kind);
        if (clientModel(modelName)?.getAttributeTypeMap) unknownBuiltinFields(modelName, o, "", problems);
        else unknownBuiltinFields("V1ObjectMeta", o.metadata, "metadata", problems);
    }
    return problems.map((p) => `${id}: ${p}`);
}

/** Validates many objects; returns every problem. */
export async function validateObjects(objects: readonly K8sObject[]): Promise<string[]> {
    const out: string[] = [];
    for (const o of objects) out.push(...(await validateObject(o)));
    return out;
}
