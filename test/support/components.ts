/**
 * The component tests' harness: declares one component (or any code that declares resources)
 * under the Pulumi SDK's mock runtime and records what it declared: type, logical name,
 * resolved inputs, and the options the mocks cannot see (read through a stack transformation,
 * as tools/mockRuntime.ts does for the whole program). No config and no program: plain args in,
 * recorded resources out.
 */
import * as pulumi from "@pulumi/pulumi";
import { declaredOptions, MOCK_PASSWORD, unwrapSecrets, type DeclaredOptions, type DeclaredResource } from "../../tools/mockRuntime";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read recorded Kubernetes JSON field by field
export type Json = Record<string, any>;

/** The options of a declared resource; `replaceOnChanges` and `provider` only when set. */
export interface RecordedOptions extends Pick<DeclaredOptions, "parent" | "dependsOn" | "ignoreChanges" | "replaceOnChanges"> {
    /** Logical name of the explicit provider. */
    readonly provider?: string;
}

export interface Recorded extends Pick<DeclaredResource, "type" | "name"> {
    /** Resolved inputs (secrets unwrapped; a RandomPassword's result is `MOCK_PASSWORD`). */
    readonly inputs: Json;
    readonly options: RecordedOptions;
}

export interface MockState {
    /** Outputs of this stack's last deployment, as a StackReference to the stack reads them (none by default). */
    readonly previousOutputs?: Record<string, unknown>;
    /** Which of `previousOutputs` are secret. */
    readonly secretOutputNames?: readonly string[];
}

export interface Declared<T> {
    /** What the declaring function returned. */
    readonly value: T;
    /** Every resource declared, in construction order. */
    readonly resources: Recorded[];
}

export { MOCK_PASSWORD };
/** What `pulumi.getProject()`, `getStack()` and `getOrganization()` return under the harness. */
export const MOCK_STACK = { project: "sysmanage-scaling", stack: "test", organization: "organization" } as const;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

const key = (type: string, name: string) => `${type}::${name}`;
const resName = (r: unknown): string | undefined => (r as { __name?: string } | undefined)?.__name;

let chain: Promise<unknown> = Promise.resolve();
/** Whether a mock stack is declaring resources right now. */
let declaring = false;

/**
 * Runs `declare` inside a fresh mock stack and returns its value and the resources it declared.
 * The Pulumi runtime is process-global: calls run one after another, each with its own mocks
 * (`setMocks` resets the runtime's state). A throw of `declare` is rethrown once every
 * registration it started has finished.
 */
export function declared<T>(declare: () => T | Promise<T>, state: MockState = {}): Promise<Declared<T>> {
    const run = chain.then(() => declareOnce(declare, state));
    chain = run.catch(() => undefined);
    return run;
}

export interface Constructed<C> {
    /** The component instance, for its public outputs. */
    readonly component: C;
    /** The component's own registration. */
    readonly self: Recorded;
    /** Everything the component declared, in construction order. */
    readonly children: Recorded[];
}

/** The type token of `stub` resources. */
export const STUB_TYPE = "test:index:Stub";

class Stub extends pulumi.CustomResource {
    constructor(name: string) {
        super(STUB_TYPE, name, {});
    }
}

/** A stand-in for a resource a component depends on (an operator release, a cluster); call it inside `construct`'s args function. */
export function stub(name: string): pulumi.Resource {
    if (!declaring) throw new Error(`stub(${name}): call it inside construct's args function or declared(), where the mock stack exists`);
    return new Stub(name);
}

/**
 * Constructs one component with plain args (no options) and records what it declares. Args that
 * hold resources are built by a function, so that their `stub`s exist in the same mock stack.
 */
export async function construct<A extends object, C extends pulumi.ComponentResource>(
    Component: new (name: string, args: A, opts?: pulumi.ComponentResourceOptions) => C,
    name: string,
    args: A | (() => A),
): Promise<Constructed<C>> {
    const { value, resources } = await declared(() => new Component(name, typeof args === "function" ? args() : args));
    const [self, ...children] = resources.filter((r) => r.type !== STUB_TYPE);
    return { component: value, self, children };
}

/** `[type, name]` of each resource, for exact assertions on what was declared. */
export const typesAndNames = (resources: readonly Recorded[]): [string, string][] => resources.map((r) => [r.type, r.name]);

/** The one resource of this logical name. */
export function named(resources: readonly Recorded[], name: string): Recorded {
    const found = resources.filter((r) => r.name === name);
    if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
    return found[0];
}

/** The logical name of a resource a component exposes (e.g. what dependants must wait for). */
export const resourceName = (r: pulumi.Resource): string | undefined => resName(r);

/** A resolved Output's value (outputs of a component's public fields, read after `construct`). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

function recordOptions(opts: pulumi.CustomResourceOptions): RecordedOptions {
    const { parent, dependsOn, ignoreChanges, replaceOnChanges } = declaredOptions(opts);
    const provider = resName(opts.provider);
    return {
        ...(parent !== undefined ? { parent } : {}),
        dependsOn,
        ignoreChanges,
        ...(replaceOnChanges ? { replaceOnChanges } : {}),
        ...(provider !== undefined ? { provider } : {}),
    };
}

/** State the mocks return beyond the inputs: generated values and the last deployment's outputs. */
function mockState(type: string, state: MockState): Json {
    if (type === "random:index/randomPassword:RandomPassword") return { result: MOCK_PASSWORD };
    if (type === "pulumi:pulumi:StackReference")
        return { outputs: state.previousOutputs ?? {}, secretOutputNames: [...(state.secretOutputNames ?? [])] };
    return {};
}

async function declareOnce<T>(declare: () => T | Promise<T>, state: MockState): Promise<Declared<T>> {
    const order: { key: string; type: string; name: string; options: RecordedOptions }[] = [];
    const inputs = new Map<string, Json>();
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                inputs.set(key(args.type, args.name), unwrapSecrets(args.inputs) as Json);
                return { id: `${args.name}-id`, state: { ...(args.inputs as Json), ...mockState(args.type, state) } };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                // Every function a component calls must be mocked on purpose.
                throw new Error(`unexpected function call ${args.token}`);
            },
        },
        MOCK_STACK.project,
        MOCK_STACK.stack,
        false,
        MOCK_STACK.organization,
    );
    let value: T | undefined;
    let error: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
        // Transformations run synchronously in each constructor: this is construction order.
        pulumi.runtime.registerStackTransformation((t) => {
            const k = key(t.type, t.name);
            if (order.some((o) => o.key === k)) throw new Error(`two resources of type ${t.type} are named ${t.name}`);
            order.push({ key: k, type: t.type, name: t.name, options: recordOptions(t.opts) });
            return undefined;
        });
        declaring = true;
        try {
            value = await declare();
        } catch (e) {
            // Rethrown below, after the registrations in flight: not an unhandled rejection of the stack.
            error = e;
        } finally {
            declaring = false;
        }
        return {};
    });
    await settings.waitForRPCs();
    if (error !== undefined)
        throw error instanceof Error ? error : new Error("the declaring function threw a non-Error value", { cause: error });
    const resources = order.map(({ key: k, type, name, options }) => {
        const recorded = inputs.get(k);
        if (!recorded) throw new Error(`${type} ${name} was constructed but never registered`);
        return { type, name, inputs: recorded, options };
    });
    return { value: value as T, resources };
}
