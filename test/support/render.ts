/** Shared test helpers: one render per stack per test process (the Pulumi runtime is global). */
import { kubernetesObjects, renderStack, type RenderResult } from "../../tools/mockRuntime";
import { listStacks } from "../../config/stackFile";
import { PROJECT_DIR } from "../../tools/mockRuntime";

export const STACKS = listStacks(PROJECT_DIR);

const cache = new Map<string, Promise<RenderResult>>();
let chain: Promise<unknown> = Promise.resolve();

/** Renders a stack once; renders run one after another. */
export function rendered(stack: string): Promise<RenderResult> {
    let p = cache.get(stack);
    if (!p) {
        p = chain.then(() => renderStack(stack));
        chain = p.catch(() => undefined);
        cache.set(stack, p);
    }
    return p;
}

/** Renders with config overrides (not cached), after any render in flight; optionally as if the
 * stack's last deployment had these outputs. */
export function renderWith(
    stack: string,
    overrides: Record<string, unknown>,
    previousOutputs?: Record<string, unknown>,
): Promise<RenderResult> {
    const p = chain.then(() => renderStack(stack, { configOverrides: overrides, previousOutputs }));
    chain = p.catch(() => undefined);
    return p;
}

export type Obj = Record<string, any>;

/** Raw config that is valid as prod (which requires a backup destination), plus overrides. */
export function prodRaw(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { postgres: { backup: { destinationPath: "s3://sysmanage-backups/test" } }, ...overrides };
}

export async function objectsOf(stack: string): Promise<Obj[]> {
    return kubernetesObjects((await rendered(stack)).resources);
}

export function find(objects: Obj[], kind: string, name: string): Obj {
    const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0];
}
