/**
 * Reads a stack's configuration the way the Pulumi CLI does: project defaults from
 * `Pulumi.yaml` (`default:` or `value:`), overridden key by key by `Pulumi.<stack>.yaml`.
 * `secure:` values cannot be decrypted without the stack's secrets provider, so they become
 * placeholders and are marked secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { parseConfig, rawConfig, type AppConfig } from "../config";

export const SECRET_PLACEHOLDER = "SECRET-PLACEHOLDER";

export interface StackConfig {
    readonly project: string;
    /** Full keys (`project:key`, `kubernetes:context`) to string values, as the engine passes them. */
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
}

export class StackConfigError extends Error {}

function readYaml(file: string): Record<string, unknown> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new StackConfigError(`${path.basename(file)}: file not found in ${path.dirname(file)}`);
    }
    try {
        return (parse(text) ?? {}) as Record<string, unknown>;
    } catch (e) {
        throw new StackConfigError(`${path.basename(file)}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
}

const asString = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export function listStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((f) => /^Pulumi\.([\w-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** A stack's validated config, read offline from `Pulumi.yaml` and `Pulumi.<stack>.yaml`. */
export function readAppConfig(projectDir: string, stack: string): Readonly<AppConfig> {
    return parseConfig(rawConfig(readStackConfig(projectDir, stack).config, stack), stack);
}

export function readStackConfig(projectDir: string, stack: string): StackConfig {
    const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
    const name = String(project.name);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const full = (k: string) => (k.includes(":") ? k : `${name}:${k}`);
    for (const [k, decl] of Object.entries((project.config ?? {}) as Record<string, unknown>)) {
        const d = decl as Record<string, unknown> | null;
        if (d && typeof d === "object" && ("default" in d || "value" in d)) {
            config[full(k)] = asString("value" in d ? d.value : d.default);
        } else if (d !== null && typeof d !== "object") {
            config[full(k)] = asString(d);
        }
    }
    const stackFile = `Pulumi.${stack}.yaml`;
    const stackYaml = readYaml(path.join(projectDir, stackFile));
    for (const [k, v] of Object.entries((stackYaml.config ?? {}) as Record<string, unknown>)) {
        if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v) {
            config[full(k)] = SECRET_PLACEHOLDER;
            secretKeys.push(full(k));
        } else {
            config[full(k)] = asString(v);
        }
    }
    return { project: name, config, secretKeys };
}
