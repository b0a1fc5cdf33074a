/**
 * Sizes as the CloudNativePG webhook reads them: Kubernetes quantities (`resource.ParseQuantity`)
 * and PostgreSQL sizes, which the webhook turns into quantities with binary units
 * (`parsePostgresQuantityValue`, cluster_webhook.go:1295): `1GB` is 1Gi, `819MB` is 819Mi, `64kB`
 * is 64Ki, a bare number is MB. So `min_wal_size: 1GB` (1024Mi) is larger than `max_wal_size: 819MB`.
 */
import { atoi } from "./util";

const MULTIPLIER: Record<string, number> = {
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/**
 * A Kubernetes quantity (`<sign><digits>[.<digits>]<suffix>`, suffix a binary SI, a decimal SI or an
 * `e<exponent>`) in base units, or undefined when `resource.ParseQuantity` would refuse it.
 */
export function parseQuantity(q: unknown): number | undefined {
    if (typeof q === "number") return q;
    if (typeof q !== "string") return undefined;
    const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(q);
    if (!m) return undefined;
    const n = Number(m[1]);
    const suffix = m[2] ?? "";
    if (/^[eE]/.test(suffix)) return n * 10 ** Number(suffix.slice(1));
    return n * MULTIPLIER[suffix];
}

/** A quantity that is absent or zero counts as zero (`Quantity.IsZero`). */
export const quantityOrZero = (q: unknown): number => parseQuantity(q) ?? 0;

/**
 * The webhook's reading of a PostgreSQL size setting, in bytes, or undefined where it answers
 * "Invalid value": a bare number gets `MB`; the value must end in `B`, which is dropped; spaces are
 * removed; an `i` is appended unless the rest is a bare number (`kB` becomes `Ki`).
 */
export function parsePgSize(value: string): number | undefined {
    if (value === "") return undefined; // the webhook never passes "" here (it would index out of range)
    let v = value;
    if (atoi(v) !== undefined) v += "MB";
    if (!v.endsWith("B")) return undefined;
    v = v.slice(0, -1).replaceAll(" ", "");
    if (atoi(v) === undefined) v = `${v}i`.replaceAll("ki", "Ki");
    return parseQuantity(v);
}

/** `1073741824` -> `1024Mi` for messages (Mi from 1Mi up, so sizes compare at a glance). */
export function formatBytes(b: number): string {
    if (b >= 2 ** 20) return `${Math.round((b / 2 ** 20) * 100) / 100}Mi`;
    if (b >= 2 ** 10) return `${Math.round((b / 2 ** 10) * 100) / 100}Ki`;
    return String(b);
}
