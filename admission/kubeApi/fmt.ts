/**
 * Shared plumbing of the API-server validation port: where each rule comes from, the field-error
 * wording of k8s.io/apimachinery/pkg/util/validation/field (errors.go at v0.34.0, `ErrorBody`),
 * and untyped JSON access. Pure.
 */

/** Upstream files at the pinned tag. */
export const K8S = "kubernetes v1.34.0";
export const CORE = `${K8S} pkg/apis/core/validation/validation.go`;
export const APPS = `${K8S} pkg/apis/apps/validation/validation.go`;
export const AUTOSCALING = `${K8S} pkg/apis/autoscaling/validation/validation.go`;
export const POLICY = `${K8S} pkg/apis/policy/validation/validation.go`;
export const NETWORKING = `${K8S} pkg/apis/networking/validation/validation.go`;
const AM = `${K8S} staging/src/k8s.io/apimachinery/pkg`;
export const OBJECTMETA = `${AM}/api/validation/objectmeta.go`;
export const METAV1 = `${AM}/apis/meta/v1/validation/validation.go`;
export const UTILVAL = `${AM}/util/validation/validation.go`;

/** `file:line`, or `file (function)` where the line at the tag could not be read. */
export const at = (file: string, where: number | string): string => (typeof where === "number" ? `${file}:${where}` : `${file} (${where})`);

/** Reports one field error: rule id, Go field path, error body, upstream file:line. */
export type Emit = (rule: string, path: string, body: string, source: string) => void;

// ---- field.Error bodies --------------------------------------------------------------------

/** JSON with object keys sorted, as Go's encoding/json writes maps. */
const sortedJson = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
        x !== null && typeof x === "object" && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
            : x,
    );

/** A bad value as field.Error prints it: strings quoted, numbers and booleans bare, the rest as JSON. */
export function show(v: unknown): string {
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return v === undefined ? "null" : sortedJson(v);
}
const withDetail = (s: string, detail?: string): string => (detail ? `${s}: ${detail}` : s);
export const invalid = (value: unknown, detail: string): string => withDetail(`Invalid value: ${show(value)}`, detail);
export const required = (detail?: string): string => withDetail("Required value", detail);
export const forbidden = (detail: string): string => withDetail("Forbidden", detail);
export const duplicate = (value: unknown): string => `Duplicate value: ${show(value)}`;
export const notFound = (value: unknown): string => `Not found: ${show(value)}`;
export const tooLong = (max: number): string => `Too long: may not be more than ${max} bytes`;
export function notSupported(value: unknown, valid: readonly string[]): string {
    return withDetail(
        `Unsupported value: ${show(value)}`,
        valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(", ")}` : "",
    );
}

// ---- untyped JSON ---------------------------------------------------------------------------

export type Obj = Readonly<Record<string, unknown>>;
export const asObj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
export const asArr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;
/** A string field (numbers and booleans as written; absent, objects and arrays as JSON or ""). */
export function str(v: unknown): string {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
    return v === undefined || v === null ? "" : JSON.stringify(v);
}
/** An integer field as the API decodes it (absent is 0, as Go's zero value). */
export const int = (v: unknown): number => (typeof v === "number" ? v : 0);
/** Map entries of a `map[string]string` field. */
export const entries = (v: unknown): [string, unknown][] => Object.entries(asObj(v) ?? {});
/** Go's `[key]` path element for map keys. */
export const key = (path: string, k: string): string => `${path}[${k}]`;
