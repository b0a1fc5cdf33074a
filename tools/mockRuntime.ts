/**
 * Runs the real program (`index.ts`) in-process under the Pulumi SDK's mock runtime with a
 * stack's config, and records every resource it declares with its resolved inputs and the
 * options the mocks cannot see (read through a stack transformation). The render CLI, the
 * tests and the policy checks all use this one module.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config";
import { attributeConfigError, readStackConfig } from "../config/stackFile";

export interface DeclaredOptions {
    readonly ignoreChanges: string[];
    readonly dependsOn: string[];
    readonly parent?: string;
    readonly protect?: boolean;
    readonly deleteBeforeReplace?: boolean;
    readonly replaceOnChanges?: string[];
}

export interface DeclaredResource {
    /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment` or `sysmanage:compute:ScalableService`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    /** Resolved inputs (secrets unwrapped). */
    readonly inputs: Record<string, unknown>;
    readonly options: DeclaredOptions;
}

export interface RenderResult {
    readonly stack: string;
    readonly resources: DeclaredResource[];
    readonly outputs: Record<string, unknown>;
    /** What the program logged with `pulumi.log.warn`, in order (the CLI shows these as warnings of the stack). */
    readonly warnings: string[];
    /** `secure:` values the render could not decrypt and replaced by a placeholder (`file`, `key`). */
    readonly placeholders?: readonly { readonly file: string; readonly key: string }[];
}

export const PROJECT_DIR = path.resolve(__dirname, "..");
/** What a RandomPassword's result is in a render. */
export const MOCK_PASSWORD = "mock-generated-password";
/** How @pulumi/pulumi's log.warn prefixes a message when no engine is connected. */
const RUNTIME_WARNING = "warning: [runtime] ";

/** Kubernetes objects among the declared resources (Helm releases and providers are not). */
export function kubernetesObjects(resources: readonly DeclaredResource[]): Record<string, unknown>[] {
    return resources
        .filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs.apiVersion === "string" && typeof r.inputs.kind === "string")
        .map((r) => r.inputs);
}

type ProgramMain = () => Promise<Record<string, unknown>>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** The SDK's marker of a secret value in serialized inputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Resolved inputs with secret wrappers replaced by their values (the render redacts Secrets itself). */
export function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SECRET_SIG] === SECRET_SIG_VALUE) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

const resName = (r: unknown): string | undefined => (r as { __name?: string } | undefined)?.__name;

const key = (type: string, name: string) => `${type}::${name}`;

/** The options of a resource that the mocks cannot see, as a stack transformation reads them. */
export function declaredOptions(opts: pulumi.ResourceOptions): DeclaredOptions {
    const deps = opts.dependsOn;
    const depList = Array.isArray(deps) ? deps : deps ? [deps] : [];
    const custom = opts as pulumi.CustomResourceOptions;
    return {
        ignoreChanges: [...(opts.ignoreChanges ?? [])],
        dependsOn: depList.map(resName).filter((n): n is string => n !== undefined),
        parent: resName(opts.parent),
        ...(opts.protect !== undefined ? { protect: opts.protect } : {}),
        ...(opts.replaceOnChanges ? { replaceOnChanges: [...opts.replaceOnChanges] } : {}),
        ...(custom.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: custom.deleteBeforeReplace } : {}),
    };
}

/** Mocks that record every resource's inputs; generated values are placeholders, the stack's last outputs as given. */
async function setRenderMocks(
    project: string,
    stack: string,
    declared: Map<string, { type: string; name: string; inputs: Record<string, unknown> }>,
    previousOutputs: Record<string, unknown>,
): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                if (args.type !== "pulumi:pulumi:Stack") {
                    const k = key(args.type, args.name);
                    if (declared.has(k)) throw new Error(`two resources of type ${args.type} are named ${args.name}`);
                    declared.set(k, { type: args.type, name: args.name, inputs: unwrapSecrets(args.inputs) as Record<string, unknown> });
                }
                // Generated values do not exist offline: a visible placeholder, never a real secret.
                const inputs = args.inputs as Record<string, unknown>;
                const state =
                    args.type === "random:index/randomPassword:RandomPassword"
                        ? { ...inputs, result: MOCK_PASSWORD }
                        : args.type === "pulumi:pulumi:StackReference"
                          ? // The stack's last deployment, as the test says (none by default: a first deployment).
                            { ...inputs, outputs: previousOutputs, secretOutputNames: [] }
                          : inputs;
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                // Every function the program calls must be mocked on purpose.
                throw new Error(`unexpected function call ${args.token} during render`);
            },
        },
        project,
        stack,
        false,
        // A file backend's organization name, as the CLI reports it.
        "organization",
    );
}

let running = false;

/**
 * Renders one stack. The program is always this repository's `index.ts`; `configDir` holds
 * `Pulumi.yaml` and the stack files (default: the repository root). `configOverrides` replace whole keys (`project:key` or short `key`) after
 * the stack file, for tests of bad config. Runs are serialized: the Pulumi runtime is global.
 */
export async function renderStack(
    stack: string,
    options: { configDir?: string; configOverrides?: Record<string, unknown>; previousOutputs?: Record<string, unknown> } = {},
): Promise<RenderResult> {
    if (running) throw new Error("renderStack: one render at a time (the Pulumi runtime is process-global)");
    running = true;
    try {
        return await renderOnce(stack, options.configDir ?? PROJECT_DIR, options.configOverrides ?? {}, options.previousOutputs ?? {});
    } finally {
        running = false;
    }
}

/** The stack file's config with whole keys replaced (`project:key` or short `key`), each standing for the stack file's value. */
function configWithOverrides(configDir: string, stack: string, overrides: Record<string, unknown>) {
    const read = readStackConfig(configDir, stack);
    const config = { ...read.config };
    const origins = { ...read.origins };
    for (const [k, v] of Object.entries(overrides)) {
        const full = k.includes(":") ? k : `${read.project}:${k}`;
        config[full] = typeof v === "string" ? v : JSON.stringify(v);
        origins[full] = `Pulumi.${stack}.yaml`;
    }
    return { sc: { ...read, origins }, config };
}

async function renderOnce(
    stack: string,
    configDir: string,
    overrides: Record<string, unknown>,
    previousOutputs: Record<string, unknown>,
): Promise<RenderResult> {
    const { sc, config } = configWithOverrides(configDir, stack, overrides);

    const declared = new Map<string, { type: string; name: string; inputs: Record<string, unknown> }>();
    const options = new Map<string, DeclaredOptions>();
    await setRenderMocks(sc.project, stack, declared, previousOutputs);
    pulumi.runtime.setAllConfig(config, sc.secretKeys);

    const programPath = path.join(PROJECT_DIR, "index.ts");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require(programPath) as ProgramMain;
    let programError: unknown;
    // With no engine, pulumi.log.warn writes "warning: [runtime] …" to stderr; a render returns
    // them instead, and its summary prints each once.
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => {
        if (args.length === 1 && typeof args[0] === "string" && args[0].startsWith(RUNTIME_WARNING))
            warnings.push(args[0].slice(RUNTIME_WARNING.length));
        else consoleWarn(...args);
    };
    let outputs: Record<string, unknown>;
    try {
        outputs = (await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((t) => {
                options.set(key(t.type, t.name), declaredOptions(t.opts));
                return undefined;
            });
            try {
                return await main();
            } catch (e) {
                // Keep the error from escaping as an unhandled rejection of the stack resource.
                programError = e;
                return {};
            }
        })) as Record<string, unknown>;
        // Registration is asynchronous: wait until every RPC the program started has finished.
        await settings.waitForRPCs();
    } finally {
        console.warn = consoleWarn;
    }
    if (programError instanceof ConfigError) throw attributeConfigError(programError, sc, stack);
    if (programError !== undefined)
        throw programError instanceof Error ? programError : new Error("the program threw a non-Error value", { cause: programError });

    const resources = [...declared.values()]
        .map((r) => ({ ...r, options: options.get(key(r.type, r.name)) ?? { ignoreChanges: [], dependsOn: [] } }))
        .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type)));
    return { stack, resources, outputs: outputs ?? {}, warnings, placeholders: sc.placeholders };
}
