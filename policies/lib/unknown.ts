/**
 * Values that are unknown during `pulumi preview` (outputs of resources not created yet).
 *
 * The policy engine wraps `props` in a proxy that throws `UnknownValueError` when a rule reads
 * an unknown value. Left alone, that error aborts the whole rule for every resource; the helpers
 * here catch it per resource (or per check), so one unknown field means "cannot check this
 * resource" and the rest of the rule still runs.
 */

/** The proxy module is internal to @pulumi/policy (its .d.ts is empty), so it is typed here. */
interface ProxyModule {
    unknownCheckingProxy: <T>(o: T) => T;
    UnknownValueError: new (...args: unknown[]) => Error;
    unknownStringValue: string;
    unknownNumberValue: string;
    unknownBooleanValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as ProxyModule;

/** Wraps plain props the way the engine does before handing them to a rule. */
export const unknownCheckingProxy = proxy.unknownCheckingProxy;

/** The sentinel the engine deserializes an unknown value to (the same string for every type). */
export const UNKNOWN = proxy.unknownStringValue;

/** True for the error the engine's proxy throws on reading an unknown value. */
export function isUnknownError(e: unknown): boolean {
    return e instanceof proxy.UnknownValueError || (e instanceof Error && e.constructor?.name === "UnknownValueError");
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
