/**
 * docs/policies.md's catalogue is the pack as it is: every rule of `ALL_RULES` in order, its
 * file, its enforcement level in each environment's config and its description, and nothing else.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ALL_RULES } from "../../../policies/rules";

const ROOT = path.resolve(__dirname, "../../..");
const ENVS = ["dev", "staging", "prod"] as const;
const levels = Object.fromEntries(
    ENVS.map((env) => [
        env,
        JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "config", `${env}.json`), "utf8")) as Record<
            string,
            { enforcementLevel: string }
        >,
    ]),
);

/** The cells of each catalogue row: rule, file, dev, staging, prod, description. */
function catalogueRows(markdown: string): string[][] {
    const start = markdown.indexOf("\n## The catalogue\n");
    const end = markdown.indexOf("\n## ", start + 1);
    return [...markdown.slice(start, end).matchAll(/^\| `[a-z-]+` +\|.*$/gm)].map((m) =>
        m[0]
            .slice(1, -1)
            .split(/(?<!\\)\|/)
            .map((c) => c.trim().replace(/\\\|/g, "|")),
    );
}

describe("the policy catalogue (docs/policies.md)", () => {
    test("lists every rule of the pack with its file, its levels per environment and its description", () => {
        const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
        const expected = ALL_RULES.map((r) => [
            `\`${r.name}\``,
            `[\`${camel(r.name)}.ts\`](../policies/rules/${camel(r.name)}.ts)`,
            ...ENVS.map((env) => levels[env][r.name].enforcementLevel),
            r.description,
        ]);
        assert.deepEqual(catalogueRows(fs.readFileSync(path.join(ROOT, "docs", "policies.md"), "utf8")), expected);
    });
    test("says how many rules there are", () => {
        for (const file of ["docs/policies.md", "policies/README.md", "README.md"])
            assert.match(fs.readFileSync(path.join(ROOT, file), "utf8"), new RegExp(`\\b${ALL_RULES.length} rules\\b`), file);
    });
});
