/**
 * RFC 6902 JSON Patch, as CloudNativePG applies the `cnpg.io/podPatch` annotation to an instance
 * pod (evanphx/json-patch v5 `DecodePatch` + `Apply`, called from cloudnative-pg v1.30.0
 * pkg/specs/pods.go:578). Pure: returns a patched copy or the reason the patch does not apply.
 */
import type { Json } from "../k8s";

/** `DecodePatch`: a JSON array of operation objects (or `null`), else the decoding error. */
export function decodeJsonPatch(text: string): { ops: Json[] } | { error: string } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        return { error: (e as Error).message };
    }
    if (parsed === null) return { ops: [] };
    if (!Array.isArray(parsed) || parsed.some((op) => op !== null && (typeof op !== "object" || Array.isArray(op))))
        return { error: "json: cannot unmarshal into Go value of type jsonpatch.Patch" };
    return { ops: parsed };
}

const unescape = (t: string): string => t.replaceAll("~1", "/").replaceAll("~0", "~");

function tokens(pointer: string): string[] | undefined {
    if (pointer === "") return [];
    if (!pointer.startsWith("/")) return undefined;
    return pointer.slice(1).split("/").map(unescape);
}

/** The container and last key of a pointer, or undefined when a parent is missing. */
function parentOf(doc: Json, pointer: string): { parent: Json; key: string } | undefined {
    const ts = tokens(pointer);
    if (!ts || ts.length === 0) return undefined;
    let cur = doc;
    for (const t of ts.slice(0, -1)) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = Array.isArray(cur) ? cur[Number(t)] : cur[t];
        if (cur === undefined) return undefined;
    }
    return cur !== null && typeof cur === "object" ? { parent: cur, key: ts[ts.length - 1] } : undefined;
}

function get(doc: Json, pointer: string): Json {
    const at = parentOf(doc, pointer);
    if (!at) return pointer === "" ? doc : undefined;
    return Array.isArray(at.parent) ? at.parent[Number(at.key)] : at.parent[at.key];
}

function arrayIndex(arr: Json[], key: string, forAdd: boolean): number | undefined {
    if (forAdd && key === "-") return arr.length;
    if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
    const i = Number(key);
    return i < arr.length + (forAdd ? 1 : 0) ? i : undefined;
}

function add(doc: Json, path: string, value: Json): string | undefined {
    const at = parentOf(doc, path);
    if (!at) return `add operation does not apply: doc is missing path: "${path}"`;
    if (Array.isArray(at.parent)) {
        const i = arrayIndex(at.parent, at.key, true);
        if (i === undefined) return `add operation does not apply: index out of bounds: "${path}"`;
        at.parent.splice(i, 0, value);
    } else at.parent[at.key] = value;
    return undefined;
}

function remove(doc: Json, path: string): string | undefined {
    const at = parentOf(doc, path);
    if (!at) return `remove operation does not apply: doc is missing path: "${path}"`;
    if (Array.isArray(at.parent)) {
        const i = arrayIndex(at.parent, at.key, false);
        if (i === undefined) return `remove operation does not apply: index out of bounds: "${path}"`;
        at.parent.splice(i, 1);
    } else {
        if (!(at.key in at.parent)) return `remove operation does not apply: doc is missing key: "${path}"`;
        delete at.parent[at.key];
    }
    return undefined;
}

/** One operation applied in place; the error text of evanphx/json-patch when it does not apply. */
function applyOp(doc: Json, op: Json): string | undefined {
    const path = String(op?.path ?? "");
    const from = String(op?.from ?? "");
    switch (op?.op) {
        case "add":
            return add(doc, path, structuredClone(op.value));
        case "remove":
            return remove(doc, path);
        case "replace":
            if (get(doc, path) === undefined) return `replace operation does not apply: doc is missing key: "${path}"`;
            return remove(doc, path) ?? add(doc, path, structuredClone(op.value));
        case "move": {
            const v = get(doc, from);
            if (v === undefined) return `move operation does not apply: doc is missing from path: "${from}"`;
            return remove(doc, from) ?? add(doc, path, v);
        }
        case "copy": {
            const v = get(doc, from);
            if (v === undefined) return `copy operation does not apply: doc is missing from path: "${from}"`;
            return add(doc, path, structuredClone(v));
        }
        case "test":
            return JSON.stringify(get(doc, path)) === JSON.stringify(op.value) ? undefined : `testing value "${path}" failed: test failed`;
        default:
            return `unexpected kind of operation: "${String(op?.op)}"`;
    }
}

/** Applies the operations to a copy of the document. */
export function applyJsonPatch(doc: Json, ops: readonly Json[]): { doc: Json } | { error: string } {
    const copy = structuredClone(doc);
    for (const op of ops) {
        const err = applyOp(copy, op);
        if (err) return { error: err };
    }
    return { doc: copy };
}
