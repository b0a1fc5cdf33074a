/**
 * The program's configuration: one typed schema with a description of every key (schema/), the
 * cross-field rules (rules/), one pure parser that turns a stack's raw config into a frozen object
 * or an exact error (parse.ts, errors.ts), and `loadConfig()`, which reads the Pulumi config once.
 *
 * Every string is checked by the grammar of what it becomes (a DNS-1123 label or subdomain, a
 * label key or value, a hostname, a positive quantity, an image reference, a six-field cron, a
 * PostgreSQL role, a URL, a relative path): the grammars live in the policy pack's contract,
 * shared with the forecast and the pack. A message names the file, the key, the value (URLs
 * without credentials, secrets not at all) and the rule.
 *
 * This is the only module of config/ that loads the Pulumi SDK: pure code (lib/, forecast/,
 * plan/, admission/) imports the module it needs (`config/schema`, `config/parse`, ...) instead.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiConfig from "@pulumi/pulumi/runtime/config";
import { parseConfig, rawConfig } from "./parse";
import type { AppConfig } from "./schema";

export { ConfigError, showValue } from "./errors";
export { configValueString, parseConfig, PROJECT, PROVIDER_NAMESPACES, rawConfig, type ConfigOrigin } from "./parse";
export {
    CONFIG_KEYS,
    ConfigSchema,
    WORKER_POOLS,
    type AppConfig,
    type ResourcesConfig,
    type WorkerPoolConfig,
    type WorkerPoolName,
} from "./schema";

/**
 * Reads this stack's config from the Pulumi runtime once and validates it. Structured keys
 * arrive as JSON strings; keys of this project that the schema does not know are errors (a
 * misspelt key would otherwise be silently ignored), and so are keys under a namespace that is
 * neither the project's nor a provider's (a misspelt project name).
 */
export function loadConfig(): Readonly<AppConfig> {
    const stack = pulumi.getStack();
    const all = pulumi.runtime.allConfig();
    // The SDK knows which keys the engine passed as secrets (marked internal, so looked up defensively).
    const isSecret = (pulumiConfig as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    const secretKeys = typeof isSecret === "function" ? Object.keys(all).filter((k) => isSecret(k)) : [];
    return parseConfig(rawConfig(all, stack, { secretKeys }), stack, { secretKeys });
}
