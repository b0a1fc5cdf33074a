/**
 * The one way the forecast reaches the program: its numbers are set on the config as if the
 * stack file said so, and the config is parsed again, so every config rule runs on the final
 * numbers (a sized count that breaks a rule is a ConfigError naming the key and the value).
 */
import { parseConfig } from "../config/parse";
import type { AppConfig } from "../config/schema";

/** The config with `values` (`api.minReplicas`: 3, `postgres.replicas`: 2, ...) set, validated again. */
export function withForecast(config: AppConfig, values: Readonly<Record<string, number>>, stack: string): Readonly<AppConfig> {
    const raw = structuredClone(config) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(values)) {
        const path = key.split(".");
        let at = raw;
        for (const k of path.slice(0, -1)) {
            const next = at[k];
            if (next === null || typeof next !== "object") throw new Error(`the forecast set ${key}, which is not a config key`);
            at = next as Record<string, unknown>;
        }
        if (typeof at[path[path.length - 1]] !== "number") throw new Error(`the forecast set ${key}, which is not a numeric config key`);
        at[path[path.length - 1]] = value;
    }
    return parseConfig(raw, stack);
}
