/**
 * Sizes as the CloudNativePG webhook reads them: Kubernetes quantities (`resource.ParseQuantity`)
 * and PostgreSQL sizes, which the webhook turns into quantities with binary units
 * (`parsePostgresQuantityValue`, cluster_webhook.go:1295): `1GB` is 1Gi, `819MB` is 819Mi, `64kB`
 * is 64Ki, a bare number is MB. So `min_wal_size: 1GB` (1024Mi) is larger than `max_wal_size: 819MB`.
 */
import { quantity, type Quantity } from "../kubeApi/strings";
import { atoi } from "./util";

/** An exact quantity as the nearest number: through its decimal form (its denominator is a power of ten), so `0.3` is 0.3. */
const nearest = (q: Quantity): number => Number(`${q.num}e-${q.den.toString().length - 1}`);

/**
 * A Kubernetes quantity (`<sign><digits>[.<digits>]<suffix>`, suffix a binary SI, a decimal SI or an
 * `e<exponent>`) in base units, or undefined when `resource.ParseQuantity` would refuse it. One
 * grammar with the rest of the admission check: kubeApi/strings.ts `quantity`.
 */
export function parseQuantity(q: unknown): number | undefined {
    if (typeof q === "number") return q;
    if (typeof q !== "string") return undefined;
    const exact = quantity(q);
    return exact === undefined ? undefined : nearest(exact);
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
