/**
 * Issue 13, defect 10 (messages of the offline stack-config reader, config/stackFile.ts): a
 * problem in a project default names Pulumi.yaml, not the stack file; `.inf` is named as such,
 * not `(null)`; a `secure:` value anywhere is a secret the offline render cannot decrypt (a
 * placeholder stands in, and says so), not a type error; a config block that is not a mapping
 * is said to be one, not `0, 1, 2, 3 is not a known key`.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, parseConfig, rawConfig } from "../../../config";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { main as render } from "../../../tools/render";
import {
    MAX_STACK_FILE_BYTES,
    readAppConfig,
    readStackConfig,
    SECRET_PLACEHOLDER,
    SECRET_URL_PLACEHOLDER,
} from "../../../config/stackFile";
import { capture, tempDir, tempProject } from "../../support/cli";

const tmp = tempDir("cli-stack-config");
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const DEV = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8");
const problemsOf = (f: () => unknown): string[] => {
    try {
        f();
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    assert.fail("expected a ConfigError");
};

describe("a problem in Pulumi.yaml is blamed on Pulumi.yaml", () => {
    // dev's stack file without its namespace, and a project default that is not a DNS label.
    const dir = tempProject({ dev: DEV.replace(/^ {2}sysmanage-scaling:namespace: .*\n/m, "") }, path.join(tmp, "blame"));
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8").replace(/^( {4}default:) sysmanage$/m, "$1 Bad_NS"),
    );
    // What the config module says of that value, with the stack file's name (it cannot know where a value came from).
    const [raw] = problemsOf(() => parseConfig(rawConfig(readStackConfig(dir, "dev").config, "dev"), "dev"));

    it("the config module names the stack file", () => assert.match(raw, /^Pulumi\.dev\.yaml: namespace \("Bad_NS"\) /));
    it("readAppConfig names Pulumi.yaml", () => {
        assert.deepEqual(
            problemsOf(() => readAppConfig(dir, "dev")),
            [raw.replace(/^Pulumi\.dev\.yaml: /, "Pulumi.yaml: ")],
        );
    });
    it("so does the render (exit 1)", async () => {
        const r = await capture(render, ["--stack", "dev", "--config-dir", dir, "--out", path.join(tmp, "blame-out")]);
        assert.deepEqual(
            [r.code, r.err],
            [1, `render failed: invalid configuration for stack dev:\n${raw.replace(/^Pulumi\.dev\.yaml: /, "Pulumi.yaml: ")}\n`],
        );
        assert.ok(!fs.existsSync(path.join(tmp, "blame-out")));
    });
});

describe("values JSON cannot hold, and config blocks that are not mappings", () => {
    const cases: [string, string, string][] = [
        [
            ".inf (was shown as null)",
            "  sysmanage-scaling:api:\n    minReplicas: .inf\n",
            "Pulumi.s.yaml: api.minReplicas (.inf) is not a finite number; write a number",
        ],
        [
            "-.inf in a list",
            "  sysmanage-scaling:zones: [a, -.inf]\n",
            "Pulumi.s.yaml: zones[1] (-.inf) is not a finite number; write a number",
        ],
        [
            ".nan at the top",
            "  sysmanage-scaling:namespace: .nan\n",
            "Pulumi.s.yaml: namespace (.nan) is not a finite number; write a number",
        ],
        [
            "a secure: that is not a ciphertext",
            "  sysmanage-scaling:forecast:\n    prometheus:\n      url: { secure: 5 }\n",
            "Pulumi.s.yaml: forecast.prometheus.url.secure must be the ciphertext that `pulumi config set --secret` writes (a non-empty string)",
        ],
    ];
    for (const [name, yaml, message] of cases)
        it(name, () => {
            const dir = tempProject({ s: `config:\n${yaml}` }, path.join(tmp, name.replace(/\W+/g, "-")));
            assert.throws(() => readStackConfig(dir, "s"), { name: "StackConfigError", message });
        });
    it("config: <a string> (was `0, 1, 2, 3 is not a known key`)", () => {
        const dir = tempProject({ s: "config: abcd\n" }, path.join(tmp, "string"));
        assert.throws(() => readStackConfig(dir, "s"), {
            message: "Pulumi.s.yaml: config must be a mapping of keys to values, not a string",
        });
    });
    it("a stack file that is a list, a directory, or too large", () => {
        const dir = tempProject({ list: "- a\n- b\n" }, path.join(tmp, "shapes"));
        assert.throws(() => readStackConfig(dir, "list"), {
            message: "Pulumi.list.yaml: must be a YAML mapping (key: value lines), not a list",
        });
        fs.mkdirSync(path.join(dir, "Pulumi.folder.yaml"));
        assert.throws(() => readStackConfig(dir, "folder"), { message: `Pulumi.folder.yaml: is a directory in ${dir}, not a file` });
        fs.writeFileSync(path.join(dir, "Pulumi.big.yaml"), `# ${"x".repeat(MAX_STACK_FILE_BYTES)}\n`);
        assert.throws(() => readStackConfig(dir, "big"), {
            message: `Pulumi.big.yaml: is ${MAX_STACK_FILE_BYTES + 3} bytes; a Pulumi project or stack file may be at most ${MAX_STACK_FILE_BYTES} bytes`,
        });
    });
});

describe("secure: values anywhere are secrets with a placeholder (was: a nested one was `must be a string`)", () => {
    const yaml = [
        "config:",
        "  sysmanage-scaling:environment: dev",
        "  sysmanage-scaling:token:",
        "    secure: AAABAG1hc3Rlcg==",
        "  sysmanage-scaling:forecast:",
        "    prometheus:",
        "      url:",
        "        secure: AAABAHByb21ldGhldXM=",
        "",
    ].join("\n");
    const dir = tempProject({ s: yaml }, path.join(tmp, "secure"));

    it("top-level and nested values become placeholders, their keys secret, each place listed", () => {
        const sc = readStackConfig(dir, "s");
        assert.equal(sc.config["sysmanage-scaling:token"], SECRET_PLACEHOLDER);
        // A URL key gets the placeholder that is a URL, so the offline render still passes.
        assert.deepEqual(JSON.parse(sc.config["sysmanage-scaling:forecast"]), { prometheus: { url: SECRET_URL_PLACEHOLDER } });
        assert.deepEqual(sc.secretKeys.sort(), ["sysmanage-scaling:forecast", "sysmanage-scaling:token"]);
        assert.deepEqual(sc.placeholders, [
            { file: "Pulumi.s.yaml", key: "forecast.prometheus.url" },
            { file: "Pulumi.s.yaml", key: "token" },
        ]);
        assert.ok(!JSON.stringify(sc).includes("AAABAHByb21ldGhldXM="), "the ciphertext goes nowhere");
    });
    it("a secret where no placeholder passes the key's rule: the problem says it stood in for a secure: value", () => {
        const d = tempProject(
            { n: "config:\n  sysmanage-scaling:api:\n    minReplicas:\n      secure: AAABAA==\n" },
            path.join(tmp, "secure-number"),
        );
        const lines = problemsOf(() => readAppConfig(d, "n"));
        assert.equal(lines.length, 1);
        assert.ok(lines[0].startsWith("Pulumi.n.yaml: api.minReplicas ("), lines[0]);
        assert.ok(!lines[0].includes(SECRET_PLACEHOLDER), "the config module shows a secret's value as [secret]");
        assert.ok(
            lines[0].endsWith(
                " (api.minReplicas is a secure: value in Pulumi.n.yaml, which an offline run cannot decrypt: it stood in as a placeholder; `pulumi preview` checks the real value)",
            ),
            lines[0],
        );
    });
    it("the render says which values are placeholders, and prints no ciphertext", async () => {
        const withSecret = DEV.replace(
            /^( {2}sysmanage-scaling:forecast:\n)/m,
            "$1    prometheus:\n      url:\n        secure: AAABAHByb21ldGhldXM=\n",
        );
        assert.notEqual(withSecret, DEV);
        const d = tempProject({ s: withSecret }, path.join(tmp, "secure-render"));
        const out = path.join(tmp, "secure-out");
        const r = await capture(render, ["--stack", "s", "--config-dir", d, "--out", out]);
        assert.equal(r.code, 0, r.err);
        assert.match(
            r.out,
            /^ {2}warning: forecast\.prometheus\.url is a secure: value in Pulumi\.s\.yaml: an offline render cannot decrypt it, so a placeholder stands in for it \(`pulumi preview` uses the real value\)$/m,
        );
        assert.ok(!(r.out + r.err).includes("AAABAHByb21ldGhldXM="));
    });
});
