/**
 * Values that are unknown during `pulumi preview` (outputs of resources not created yet).
 *
 * The policy engine wraps `props` in a proxy that throws `UnknownValueError` when a rule reads
 * an unknown value. Left alone, that error aborts the whole rule for every resource; the helpers
 * here catch it per resource (or per check), so one unknown field means "cannot check this
 * resource" and the rest of the rule still runs.
 */

// Nothing here loads @pulumi/policy: the admission check (a pure module) models pods with this
// folder's code. The engine's proxy (policies/harness.ts wraps props with it) throws an error
// named UnknownValueError; test/unit/policies/unknown.test.ts checks both constants against it.

/** The sentinel the engine deserializes an unknown value to (@pulumi/policy's `unknownStringValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True for the error the engine's proxy throws on reading an unknown value. */
export function isUnknownError(e: unknown): boolean {
    return e instanceof Error && e.constructor?.name === "UnknownValueError";
}

/**
 * Runs `fn`; an unknown value read inside it makes the result `undefined` ("cannot check")
 * instead of failing the rule. Any other error propagates.
 */
export function known<T>(fn: () => T): T | undefined {
    try {
        return fn();
    } catch (e) {
        if (isUnknownError(e)) return undefined;
        throw e;
    }
}

/** Calls `fn` for each item, skipping (not failing on) items whose needed values are unknown. */
export function forEachKnown<T>(items: Iterable<T>, fn: (item: T) => void): void {
    for (const item of items) known(() => fn(item));
}
