/**
 * Runs policies the way the Pulumi engine's analyzer does, without the engine: builds
 * `ResourceValidationArgs` / `StackValidationArgs` / `PolicyResource` objects shaped like
 * @pulumi/policy 1.21 builds them (props behind the same unknown-checking proxy, resource options
 * with `ignoreChanges` and `parent`, URNs, parents, dependencies), resolves each rule's
 * enforcement level from a pack config, and collects the violations. Used by `npm run policy`
 * and by the tests (which import rules, never the pack: constructing it starts a server).
 */
import type {
    EnforcementLevel,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownError } from "./lib/unknown";

/** The proxy module is internal to @pulumi/policy (its .d.ts is empty), so it is typed here. */
interface ProxyModule {
    unknownCheckingProxy: <T>(o: T) => T;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as ProxyModule;

/** A declared resource: the shape `npm run render -- --json` writes. */
export interface DeclaredLike {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly options?: {
        readonly ignoreChanges?: readonly string[];
        readonly dependsOn?: readonly string[];
        readonly parent?: string;
        readonly protect?: boolean;
        readonly deleteBeforeReplace?: boolean;
    };
}

/** A pack config: `{"rule": "advisory"}` or `{"rule": {"enforcementLevel": "mandatory", ...thresholds}}`. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export type Policy = ResourceValidationPolicy | StackValidationPolicy;

/** One violation as the engine reports it (the message without the description the CLI prints above it). */
export interface Violation {
    readonly rule: string;
    readonly level: "mandatory" | "advisory";
    readonly description: string;
    readonly message: string;
    /** Resource the violation is about; the stack when absent. */
    readonly urn?: string;
}

class NotApplicableError extends Error {}

/**
 * A rule threw on a resource (or the stack) with an error that is neither an unknown value nor
 * "not applicable". The engine fails the preview with "Error validating resource with policy
 * '<rule>' ..."; the harness stops the same way, with the rule and the resource named.
 */
export class PolicyRuleError extends Error {
    constructor(
        readonly rule: string,
        readonly urn: string | undefined,
        readonly cause: unknown,
    ) {
        const r = urn ? resourceOfUrn(urn) : undefined;
        super(
            `Error validating ${r ? `resource ${r.type} ${r.name}` : "the stack"} with policy '${rule}': ${cause instanceof Error ? cause.message : String(cause)}`,
        );
        this.name = "PolicyRuleError";
    }
}
const notApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason ?? "Policy does not apply");
};

/** `isType` as the engine implements it: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const c = resourceClass as { __pulumiType?: string; isInstance?: (o: unknown) => boolean };
    if (typeof c.__pulumiType === "string" && c.__pulumiType) return c.__pulumiType === type;
    return typeof c.isInstance === "function" && c.isInstance({ __pulumiType: type }) === true;
}

/**
 * Turns declared resources into the engine's `PolicyResource`s: URN
 * `urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>`, props behind the
 * unknown-checking proxy, `opts` as `getResourceOptions` builds them, parents and dependencies
 * linked by name.
 */
export function toPolicyResources(declared: readonly DeclaredLike[], stack = "dev", project = "sysmanage-scaling"): PolicyResource[] {
    const byName = new Map(declared.map((d) => [d.name, d]));
    const qualified = (d: DeclaredLike, seen = new Set<string>()): string => {
        const p = d.options?.parent ? byName.get(d.options.parent) : undefined;
        if (!p || seen.has(d.name)) return d.type;
        seen.add(d.name);
        return `${qualified(p, seen)}$${d.type}`;
    };
    const urnOf = (d: DeclaredLike) => `urn:pulumi:${stack}::${project}::${qualified(d)}::${d.name}`;
    const resources = declared.map((d): PolicyResource => {
        const props = unknownCheckingProxy(structuredClone(d.inputs));
        const parent = d.options?.parent ? byName.get(d.options.parent) : undefined;
        const opts: PolicyResourceOptions = {
            protect: d.options?.protect ?? false,
            ignoreChanges: [...(d.options?.ignoreChanges ?? [])],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            ...(d.options?.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: d.options.deleteBeforeReplace } : {}),
            ...(parent ? { parent: urnOf(parent) } : {}),
        };
        return {
            type: d.type,
            props,
            urn: urnOf(d),
            name: d.name,
            opts,
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => isTypeOf(d.type, cls),
            asType: ((cls: unknown) => (isTypeOf(d.type, cls) ? props : undefined)) as PolicyResource["asType"],
        };
    });
    const byUrnName = new Map(resources.map((r) => [r.name, r]));
    declared.forEach((d, i) => {
        const r = resources[i] as { parent?: PolicyResource; dependencies: PolicyResource[] };
        if (d.options?.parent) r.parent = byUrnName.get(d.options.parent);
        r.dependencies = (d.options?.dependsOn ?? []).map((n) => byUrnName.get(n)).filter((x): x is PolicyResource => x !== undefined);
    });
    return resources;
}

/** The config the engine passes to one rule: its entry without `enforcementLevel`. */
export function ruleConfig(config: PackConfig | undefined, rule: string): Record<string, unknown> {
    const c = config?.[rule];
    if (!c || typeof c === "string") return {};
    const { enforcementLevel: _level, ...rest } = c;
    return rest;
}

/** `ResourceValidationArgs` for one resource, as the engine builds them. */
export function resourceArgs(r: PolicyResource, config: Record<string, unknown> = {}): ResourceValidationArgs {
    return {
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts: r.opts,
        stackTags: new Map(),
        isType: r.isType.bind(r),
        asType: r.asType.bind(r) as unknown as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...config }) as T,
        notApplicable,
    };
}

/** `StackValidationArgs` for a stack, as the engine builds them. */
export function stackArgs(resources: PolicyResource[], config: Record<string, unknown> = {}): StackValidationArgs {
    return { resources, stackTags: new Map(), getConfig: <T extends object>() => ({ ...config }) as T, notApplicable };
}

/**
 * The level a rule runs at under a pack config (the engine's resolution: the rule's own entry,
 * else the config's `all` entry, else the rule's default; remediate counts as mandatory).
 */
export function levelOf(policy: Policy, config?: PackConfig): EnforcementLevel {
    const levelIn = (c: PackConfig[string] | undefined) => (typeof c === "string" ? c : c?.enforcementLevel);
    const level = levelIn(config?.[policy.name]) || levelIn(config?.all) || policy.enforcementLevel || "advisory";
    return level === "remediate" ? "mandatory" : level;
}

/**
 * Runs one rule over resources with its own config (thresholds only), returning the raw
 * messages with the URN each is about. Ignores enforcement levels: for unit tests of a rule.
 */
export async function runRule(
    policy: Policy,
    resources: PolicyResource[],
    config: Record<string, unknown> = {},
): Promise<{ message: string; urn?: string }[]> {
    const out: { message: string; urn?: string }[] = [];
    if ("validateStack" in policy) {
        await policy.validateStack(stackArgs(resources, config), (message, urn) => out.push({ message, urn }));
        return out;
    }
    const validations =
        policy.validateResource === undefined
            ? []
            : Array.isArray(policy.validateResource)
              ? policy.validateResource
              : [policy.validateResource];
    for (const r of resources) {
        for (const v of validations) await v(resourceArgs(r, config), (message) => out.push({ message, urn: r.urn }));
    }
    return out;
}

/**
 * Runs a whole pack like the engine: each rule at its configured level (disabled ones skipped),
 * resource rules per resource, stack rules once. An unknown value that escapes a rule becomes
 * the engine's advisory "can't run ... during preview"; any other error stops the run as a
 * `PolicyRuleError` naming the rule and the resource.
 */
export async function runPack(policies: readonly Policy[], resources: PolicyResource[], config?: PackConfig): Promise<Violation[]> {
    const out: Violation[] = [];
    for (const p of policies) {
        const level = levelOf(p, config);
        if (level === "disabled") continue;
        const cfg = ruleConfig(config, p.name);
        const add = (message: string, urn?: string, lvl: "mandatory" | "advisory" = level as "mandatory" | "advisory") =>
            out.push({ rule: p.name, level: lvl, description: p.description, message, ...(urn ? { urn } : {}) });
        const guard = async (fn: () => Promise<void> | void, urn?: string) => {
            try {
                await fn();
            } catch (e) {
                if (isUnknownError(e)) add(`can't run policy '${p.name}' during preview: ${(e as Error).message}`, undefined, "advisory");
                else if (!(e instanceof NotApplicableError)) throw new PolicyRuleError(p.name, urn, e);
            }
        };
        if ("validateStack" in p) {
            await guard(() => p.validateStack(stackArgs(resources, cfg), (m, urn) => add(m, urn)));
            continue;
        }
        const validations =
            p.validateResource === undefined ? [] : Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
        for (const r of resources) for (const v of validations) await guard(() => v(resourceArgs(r, cfg), (m) => add(m, r.urn)), r.urn);
    }
    return out;
}

/** `name` and `type` from a URN, for printing. */
export function resourceOfUrn(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const qualified = parts[2] ?? "";
    return { type: qualified.slice(qualified.lastIndexOf("$") + 1), name: parts[3] ?? "" };
}
