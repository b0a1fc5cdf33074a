/**
 * Issue 13, defects 6 and 11 (policy): the input is checked before the pack runs (options of
 * the wrong type, unknown options, dangling parents, invalid Kubernetes objects: exit 2 with the
 * file and entry named, not a TypeError and exit 1); the input has a size guard; `--env` is one
 * of the known environments (it was joined into a path, so any JSON file could be the pack's
 * config), and a pack config file is given with `--config` and checked against the rules.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import type { StackValidationPolicy } from "@pulumi/policy";
import * as fs from "node:fs";
import * as path from "node:path";
import { levelOf, PolicyRuleError, runPack, toPolicyResources } from "../../../policies/harness";
import { hpaBoundsValid } from "../../../policies/rules";
import { internalError } from "../../../tools/cli";
import { main } from "../../../tools/policy";
import { MAX_DEPTH, MAX_INPUT_BYTES, MAX_RESOURCES } from "../../../tools/policyInput";
import { capture, STACK_FRAME, tempDir } from "../../support/cli";
import { fixture, mutated } from "../../support/policy";

const tmp = tempDir("cli-policy-input");
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, data: unknown) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, typeof data === "string" ? data : JSON.stringify(data));
    return file;
};
const policy = (...argv: string[]) => capture(main, argv);
const failed = (text: string) => `policy check failed: ${text}\n`;
const resources = (text: string) => failed(`--resources ${text}`);
const api = fixture().findIndex((f) => f.name === "api-deployment");

describe("a resource list the pack cannot read is an input error (exit 2), naming the file, the entry and the field", () => {
    const cases: [string, () => unknown, (file: string) => string][] = [
        [
            "options.dependsOn: 5 (was a TypeError, exit 1)",
            () => mutated("api-deployment", (_i, f) => (f.options = { ...f.options, dependsOn: 5 as never })),
            (file) =>
                `${file}: not a resource list:\n  entry ${api} ("api-deployment"): options.dependsOn must be a list of resource names`,
        ],
        [
            "an option the pack does not read",
            () => mutated("api-deployment", (_i, f) => (f.options = { ...f.options, retainOnDelete: true } as never)),
            (file) =>
                `${file}: not a resource list:\n  entry ${api} ("api-deployment"): options.retainOnDelete is not a resource option the pack reads (ignoreChanges, dependsOn, replaceOnChanges, parent, protect, deleteBeforeReplace)`,
        ],
        [
            "a parent that names no resource",
            () => mutated("api-deployment", (_i, f) => (f.options = { ...f.options, parent: "nope" })),
            (file) => `${file}: not a resource list:\n  entry ${api}: options.parent "nope" names no resource in the list`,
        ],
        [
            "an entry that is not an object, and one without inputs",
            () => [...fixture(), 7, { type: "kubernetes:core/v1:ConfigMap", name: "c" }],
            (file) =>
                `${file}: not a resource list:\n  entry ${fixture().length}: must be an object {type, name, inputs, options?}\n  entry ${fixture().length + 1} ("c"): inputs must be an object`,
        ],
        [
            "a Kubernetes type whose inputs are another kind",
            () => mutated("api-deployment", (i) => (i.kind = "StatefulSet")),
            (file) =>
                `${file}: not a resource list:\n  entry ${api} ("api-deployment"): inputs.apiVersion and inputs.kind must be "apps/v1" and "Deployment" for kubernetes:apps/v1:Deployment`,
        ],
        [
            "a Kubernetes object a cluster would refuse",
            () => mutated("api-deployment", (i) => (i.spec.template.spec.containers[0].ports = 5)),
            (file) =>
                `${file}: Kubernetes objects a cluster would refuse (the pack checks valid objects only):\n  entry ${api} ("api-deployment"): apps/v1 Deployment app/api: spec.template.spec.containers.0.ports: must be array`,
        ],
        ["not an array", () => ({}), (file) => `${file}: expected a JSON array of {type, name, inputs, options?}`],
        ["not JSON", () => '[{"type": ', (file) => `${file}: not valid JSON (it ends before the JSON does)`],
    ];
    for (const [name, data, message] of cases)
        it(name, async () => {
            const file = write(`${name.replace(/\W+/g, "-")}.json`, data());
            const r = await policy("--resources", file, "--env", "dev");
            assert.deepEqual([r.code, r.err, r.out], [2, resources(message(file)), ""]);
        });
    it("the repeated type and name of an entry", async () => {
        const list = fixture();
        const file = write("repeated.json", [...list, list[api]]);
        const r = await policy("--resources", file, "--env", "dev");
        assert.deepEqual(
            [r.code, r.err],
            [
                2,
                resources(
                    `${file}: not a resource list:\n  entry ${list.length}: repeats the type and name of entry ${api} (kubernetes:apps/v1:Deployment "api-deployment")`,
                ),
            ],
        );
    });
});

describe("size guard (35 MB took 125 s and 1.3 GB before)", () => {
    it(`a file over ${MAX_INPUT_BYTES} bytes is refused before it is read`, async () => {
        const file = path.join(tmp, "big.json");
        fs.writeFileSync(file, "[]");
        fs.truncateSync(file, MAX_INPUT_BYTES + 1);
        const t0 = Date.now();
        const r = await policy("--resources", file, "--env", "dev");
        assert.deepEqual(
            [r.code, r.err],
            [2, resources(`${file}: is ${MAX_INPUT_BYTES + 1} bytes; a resource list may be at most ${MAX_INPUT_BYTES} bytes (16 MiB)`)],
        );
        assert.ok(Date.now() - t0 < 1000);
    });
    it(`more than ${MAX_RESOURCES} resources`, async () => {
        const file = write(
            "many.json",
            Array.from({ length: MAX_RESOURCES + 1 }, (_, i) => ({ type: "x:y:Z", name: `r${i}`, inputs: {} })),
        );
        const r = await policy("--resources", file, "--env", "dev");
        assert.deepEqual(
            [r.code, r.err],
            [2, resources(`${file}: holds ${MAX_RESOURCES + 1} resources; the policy check takes at most ${MAX_RESOURCES}`)],
        );
    });
    it(`inputs nested deeper than ${MAX_DEPTH} levels`, async () => {
        const file = write("deep.json", `[{"type":"x:y:Z","name":"a","inputs":{"d":${"[".repeat(100_000)}${"]".repeat(100_000)}}}]`);
        const r = await policy("--resources", file, "--env", "dev");
        assert.deepEqual([r.code, r.err], [2, resources(`${file}: nests deeper than ${MAX_DEPTH} levels; no resource's inputs do`)]);
    });
    it("a device or a directory is not read", async () => {
        for (const [file, why] of [
            ["/dev/zero", "is not a regular file"],
            [tmp, "is a directory, not a resource list"],
        ]) {
            const r = await policy("--resources", file, "--env", "dev");
            assert.deepEqual([r.code, r.err], [2, resources(`${file}: ${why}`)]);
        }
    });
});

describe("--env and --config", () => {
    const good = write("good.json", fixture());
    it("--env is one of dev, staging, prod; a path is refused (it used to load any JSON file as the pack's config)", async () => {
        const elsewhere = write("evil.json", { "hpa-bounds-valid": "disabled" });
        const relative = path.relative(path.join(__dirname, "../..", "..", "policies", "config"), elsewhere).replace(/\.json$/, "");
        for (const env of [relative, "../config/dev", "qa", ""]) {
            const r = await policy("--resources", good, "--env", env);
            assert.deepEqual(
                [r.code, r.err],
                [
                    2,
                    failed(
                        `--env ${JSON.stringify(env)}: must be one of dev, staging, prod (policies/config/<env>.json), or give a pack config with --config <file>`,
                    ),
                ],
                env,
            );
        }
    });
    it("--config applies a pack config file, with Pulumi's `all` level", async () => {
        const bad = write(
            "bad.json",
            mutated("api-service", (i) => (i.spec.type = "NodePort")),
        );
        const cfg = write("cfg.json", { all: "advisory" });
        const r = await policy("--resources", bad, "--config", cfg);
        assert.equal(r.code, 0, r.err);
        assert.match(r.out, /^ {8}- \[advisory\] {2}net-exposure-controls {2}\(kubernetes:core\/v1:Service: api-service\)$/m);
        assert.ok(
            r.out.endsWith(`\nresources (policy config ${cfg}): 0 mandatory and 1 advisory violation(s); 53 rules, 0 disabled.\n`),
            r.out,
        );
        const strict = write("strict.json", { all: "mandatory", "net-exposure-controls": "advisory" });
        assert.equal((await policy("--resources", bad, "--config", strict)).code, 0, "a rule's own entry wins over all");
        const all = write("all.json", { all: "mandatory" });
        assert.equal((await policy("--resources", bad, "--config", all)).code, 1);
    });
    it("a pack config is checked against the rules and their configSchema", async () => {
        const cfg = write("wrong.json", {
            "hpa-min-replicas-ha": { floor: "two", flor: 1 },
            "no-such-rule": "mandatory",
            all: "sometimes",
        });
        const r = await policy("--resources", good, "--config", cfg);
        assert.deepEqual(
            [r.code, r.err],
            [
                2,
                failed(
                    `--config ${cfg}: not a valid pack config:\n  hpa-min-replicas-ha: must NOT have additional properties ("flor")\n  hpa-min-replicas-ha.floor: must be integer\n  "no-such-rule": is not a rule of the pack (see docs/policies.md)\n  "all": must be one of advisory, mandatory, remediate, disabled (the level of every rule without its own)`,
                ),
            ],
        );
        const missing = path.join(tmp, "missing.json");
        assert.deepEqual((await policy("--resources", good, "--config", missing)).err, failed(`--config ${missing}: file not found`));
    });
    it("levelOf: a rule's own entry, else all, else its default", () => {
        assert.equal(levelOf(hpaBoundsValid, { all: "advisory" }), "advisory");
        assert.equal(levelOf(hpaBoundsValid, { all: "advisory", "hpa-bounds-valid": "disabled" }), "disabled");
        assert.equal(levelOf(hpaBoundsValid, {}), "mandatory");
    });
});

describe("a rule that throws is a bug, reported as one (exit 70), never a stack trace", () => {
    const broken: StackValidationPolicy = {
        name: "broken",
        description: "throws",
        enforcementLevel: "mandatory",
        validateStack: () => {
            throw new TypeError("x is not iterable");
        },
    };
    it("runPack stops with the rule named, as the engine's 'Error validating ... with policy'", async () => {
        await assert.rejects(
            runPack([broken], toPolicyResources(fixture())),
            (e: unknown) =>
                e instanceof PolicyRuleError && e.message === "Error validating the stack with policy 'broken': x is not iterable",
        );
    });
    it("the report names the rule and the resource, and says it is a bug", () => {
        let err = "";
        const e = new PolicyRuleError("wl-probes", "urn:pulumi:dev::p::kubernetes:apps/v1:Deployment::api", new TypeError("boom"));
        const code = internalError("policy", e, { out: () => undefined, err: (l) => (err += `${l}\n`) }, {});
        assert.equal(code, 70);
        assert.equal(
            err,
            "policy: internal error (a bug, please report it): Error validating resource kubernetes:apps/v1:Deployment api with policy 'wl-probes': boom\n(set SYSMANAGE_DEBUG=1 to print the stack trace)\n",
        );
        assert.doesNotMatch(err, STACK_FRAME);
    });
});
