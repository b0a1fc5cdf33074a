/**
 * Issue 13, "make the class impossible": property tests (fast-check) over the command-line
 * options of `npm run render` and `npm run policy` and over the policy input. Whatever the
 * input, a run ends with exit 0 or a documented code with a message naming the option or file;
 * never a stack trace; never a change to a file outside the output directory (a snapshot of a
 * throw-away folder before and after each run); never a configured credential in stdout,
 * stderr or a written file. The CLIs run in-process through their `main(argv)`.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { MOCK_PASSWORD, PROJECT_DIR, renderStack, type RenderResult } from "../../../tools/mockRuntime";
import { main as policy } from "../../../tools/policy";
import { main as render, resourcesJson, type RenderDeps } from "../../../tools/render";
import { readStackConfig } from "../../../config/stackFile";
import { capture, changed, snapshot, STACK_FRAME, tempDir, tempProject, type Run } from "../../support/cli";
import { fixture } from "../../support/policy";
import { rendered } from "../../support/render";

/** Credentials configured for the runs: none may appear in any output. */
const PROM_PASSWORD = "CRED-pw-7f3a9e";
const CIPHERTEXT = "AAABAENSRUQtY2lwaGVy";
const ENV_SECRET = "CRED-envsecret-51d0";
const CREDENTIALS = [PROM_PASSWORD, CIPHERTEXT, ENV_SECRET, MOCK_PASSWORD];

const world = tempDir("cli-properties");
/** `arb` in `tenths` of the runs, else undefined (an option left out). */
const maybe = <T>(arb: fc.Arbitrary<T>, tenths: number): fc.Arbitrary<T | undefined> =>
    fc.oneof({ arbitrary: arb, weight: tenths }, { arbitrary: fc.constant(undefined), weight: 10 - tenths });
after(() => fs.rmSync(world, { recursive: true, force: true }));

const leaked = (texts: readonly string[]) => CREDENTIALS.filter((c) => texts.some((t) => t.includes(c)));
const contentsOf = (files: readonly string[]) =>
    files
        .map((f) => path.join(world, f))
        .filter((f) => fs.lstatSync(f, { throwIfNoEntry: false })?.isFile())
        .map((f) => fs.readFileSync(f, "utf8"));
const inWorld = async (f: () => Promise<Run>): Promise<Run> => {
    const cwd = process.cwd();
    process.chdir(world);
    try {
        return await f();
    } finally {
        process.chdir(cwd);
    }
};

describe("npm run render: any options", () => {
    let deps: RenderDeps;
    before(async () => {
        const dev = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8");
        const cred = dev.replace(
            /^( {2}sysmanage-scaling:forecast:\n)/m,
            `$1    prometheus:\n      url: https://scraper:${PROM_PASSWORD}@prom.example.com:9090\n`,
        );
        assert.notEqual(cred, dev);
        const project = tempProject(
            { dev, cred: `${cred}  kubernetes:kubeconfig:\n    secure: ${CIPHERTEXT}\n`, broken: "config: [\n" },
            path.join(world, "project"),
        );
        fs.writeFileSync(path.join(project, "notes.txt"), "mine\n");
        fs.writeFileSync(path.join(world, "afile.txt"), "mine\n");
        fs.mkdirSync(path.join(world, "foreign"));
        fs.writeFileSync(path.join(world, "foreign", "a.txt"), "mine\n");
        fs.mkdirSync(path.join(world, "legacy"));
        fs.writeFileSync(path.join(world, "legacy", "00-namespace-old.yaml"), "kind: Namespace\n");
        fs.mkdirSync(path.join(world, "empty"));
        fs.writeFileSync(path.join(world, "notes.json"), '{"mine": true}\n');
        // One real render of the stack holding the credentials; every run below reuses it.
        const result: RenderResult = await renderStack("cred", { configDir: project });
        fs.writeFileSync(path.join(world, "old.json"), resourcesJson(result.resources));
        deps = {
            render: (stack, options = {}) => {
                readStackConfig(options.configDir ?? PROJECT_DIR, stack);
                return Promise.resolve({ ...result, stack });
            },
        };
        assert.equal(
            (await inWorld(() => capture((a, io) => render(a, io, deps), ["--stack", "dev", "--config-dir", "project", "--out", "owned"])))
                .code,
            0,
        );
        fs.symlinkSync("owned", path.join(world, "link"));
    });

    const name = fc.stringMatching(/^[a-z0-9_-]{1,10}$/).map((s) => `r-${s}`);
    const place = fc.oneof(
        { arbitrary: fc.constantFrom("owned", "legacy", "empty", "new/sub/dir", "link"), weight: 3 },
        { arbitrary: fc.constantFrom("foreign", "afile.txt", "afile.txt/x", ".", "", "project", "old.json"), weight: 2 },
        { arbitrary: name, weight: 2 },
    );
    const stack = fc.oneof(
        { arbitrary: fc.constantFrom("dev", "cred"), weight: 5 },
        { arbitrary: fc.constantFrom("broken", "nope", "", "a/../../x/Pulumi.dev", "..", ".", "dev/..", "x".repeat(101)), weight: 2 },
        { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
    );
    const json = fc.oneof(
        { arbitrary: fc.constantFrom("old.json", "new.json", "new/x.json"), weight: 3 },
        { arbitrary: fc.constantFrom("notes.json", "owned", "owned/x.json", "afile.txt", "."), weight: 1 },
        { arbitrary: name.map((n) => `${n}.json`), weight: 1 },
    );
    const chunks = fc.record({
        stack: maybe(
            stack.map((s) => ["--stack", s]),
            9,
        ),
        out: place.map((p) => ["--out", p]),
        json: maybe(
            json.map((p) => ["--json", p]),
            4,
        ),
        configDir: maybe(
            fc.constantFrom("project", "project", "project", "nope", "afile.txt", ".").map((p) => ["--config-dir", p]),
            6,
        ),
        extra: maybe(fc.constantFrom(["--bogus"], ["--stack"], ["-o"], ["--json"], ["extra-argument"], ["--help"]), 2),
    });
    const argv = chunks.chain((c) => {
        const parts = [c.stack, c.out, c.json, c.configDir, c.extra].filter((x): x is string[] => x !== undefined);
        return fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }).map((p) => p.flat());
    });

    it("exit 0, or 1/2 with a message naming the file or option; no stack trace; only the output directory changes; no credential anywhere", async () => {
        const codes = new Map<number, number>();
        await fc.assert(
            fc.asyncProperty(argv, async (args) => {
                const before = snapshot(world);
                const r = await inWorld(() => capture((a, io) => render(a, io, deps), args));
                const after = snapshot(world);
                const diff = changed(before, after);
                const what = `${JSON.stringify(args)} -> ${r.code}\n${r.err}`;
                codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
                assert.ok([0, 1, 2].includes(r.code), what);
                assert.doesNotMatch(r.out + r.err, STACK_FRAME, what);
                assert.deepEqual(leaked([r.out, r.err, ...contentsOf(diff)]), [], what);
                if (r.code === 2) assert.match(r.err, /--stack|--out|--json|--config-dir|output directory|option|argument/, what);
                if (r.code === 1) assert.match(r.err, /^render failed: invalid configuration for stack .*:\nPulumi\.[^\s:]*yaml: /, what);
                const help = r.code === 0 && r.out.startsWith("Usage: render");
                if (r.code !== 0 || help) {
                    assert.deepEqual(diff, [], what);
                    return;
                }
                assert.match(r.out, /\nRendered in \d+\.\d\d s\.\n$/, what);
                // Allowed: the output directory (through a link, its target), the JSON file, and the folders made to hold them.
                const outArg = args[args.lastIndexOf("--out") + 1];
                const jsonArg = args.includes("--json") ? args[args.lastIndexOf("--json") + 1] : undefined;
                const real = (p: string) => path.relative(world, fs.realpathSync(path.resolve(world, p)));
                const allowed = [real(outArg), ...(jsonArg ? [path.relative(world, path.resolve(world, jsonArg))] : [])];
                const ok = (f: string) => allowed.some((a) => f === a || f.startsWith(`${a}/`) || a.startsWith(`${f}/`));
                assert.deepEqual(
                    diff.filter((f) => !ok(f)),
                    [],
                    what,
                );
            }),
            { numRuns: 60, seed: 13 },
        );
        // The options reach every outcome: written renders, refused ones and broken stacks.
        assert.deepEqual([...codes.keys()].sort(), [0, 1, 2], JSON.stringify([...codes]));
    });
});

describe("npm run policy: any options", () => {
    const dir = path.join(world, "policy");
    before(() => {
        fs.mkdirSync(dir, { recursive: true });
        // A literal credential in a container's env: the pack flags it, and must not print it.
        const withSecret = fixture();
        withSecret.find((f) => f.name === "api-deployment")!.inputs.spec.template.spec.containers[0].env = [
            { name: "API_TOKEN", value: ENV_SECRET },
        ];
        fs.writeFileSync(path.join(dir, "good.json"), JSON.stringify(withSecret));
        fs.writeFileSync(path.join(dir, "shape.json"), JSON.stringify([{ type: "kubernetes:apps/v1:Deployment", name: "d", inputs: [] }]));
        fs.writeFileSync(path.join(dir, "notjson.json"), "{");
        fs.writeFileSync(path.join(dir, "cfg.json"), JSON.stringify({ all: "advisory" }));
        fs.writeFileSync(path.join(dir, "badcfg.json"), JSON.stringify({ "hpa-bounds-valid": { enforcementLevel: "always" } }));
    });
    const file = fc.oneof(
        fc
            .constantFrom("good.json", "shape.json", "notjson.json", "cfg.json", "missing.json", ".", "/dev/null")
            .map((f) => (f.startsWith("/") ? f : path.join(dir, f))),
        fc.string({ maxLength: 10 }),
    );
    const chunks = fc.record({
        stack: maybe(
            fc
                .oneof(
                    fc.constantFrom("nope", "a/../x", "..", ""),
                    fc.string({ maxLength: 10 }).filter((s) => !fs.existsSync(path.join(PROJECT_DIR, `Pulumi.${s}.yaml`))),
                )
                .map((s) => ["--stack", s]),
            3,
        ),
        resources: maybe(
            file.map((f) => ["--resources", f]),
            7,
        ),
        env: maybe(
            fc
                .oneof(fc.constantFrom("dev", "staging", "prod", "qa", "../config/dev", ""), fc.string({ maxLength: 8 }))
                .map((e) => ["--env", e]),
            7,
        ),
        config: maybe(
            fc
                .oneof(
                    fc.constantFrom("cfg.json", "badcfg.json", "good.json", "missing.json").map((f) => path.join(dir, f)),
                    fc.string({ maxLength: 8 }),
                )
                .map((c) => ["--config", c]),
            4,
        ),
        extra: maybe(fc.constantFrom(["--bogus"], ["--env"], ["x"], ["-h"]), 2),
    });
    const argv = chunks.chain((c) => {
        const parts = [c.stack, c.resources, c.env, c.config, c.extra].filter((x): x is string[] => x !== undefined);
        return fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }).map((p) => p.flat());
    });

    it("exit 0/1, or 2/3 with a message naming the option or file; no stack trace; nothing written; no credential printed", async () => {
        await fc.assert(
            fc.asyncProperty(argv, async (args) => {
                const before = snapshot(world);
                const r = await inWorld(() => capture(policy, args));
                const what = `${JSON.stringify(args)} -> ${r.code}\n${r.err}`;
                assert.ok([0, 1, 2, 3].includes(r.code), what);
                assert.doesNotMatch(r.out + r.err, STACK_FRAME, what);
                assert.deepEqual(leaked([r.out, r.err]), [], what);
                if (r.code === 2) assert.match(r.err, /--stack|--resources|--env|--config|option|argument|\.json|\//, what);
                if (r.code === 3) assert.match(r.err, /^policy check failed: stack .* does not render:\n/, what);
                assert.deepEqual(changed(before, snapshot(world)), [], what);
            }),
            { numRuns: 80, seed: 13 },
        );
    });
});

describe("npm run policy: any resource list", () => {
    const dir = path.join(world, "inputs");
    let base: unknown[];
    before(async () => {
        fs.mkdirSync(dir, { recursive: true });
        type Entry = { type: string; name: string; inputs: Record<string, unknown>; options?: unknown };
        // A credential in a ConfigMap: the pack flags it, and must not print it.
        const withCredential = (list: readonly Entry[]): Entry[] =>
            list.map((x) =>
                x.type === "kubernetes:core/v1:ConfigMap"
                    ? { ...x, inputs: { ...x.inputs, data: { DATABASE_URL: `postgres://app:${ENV_SECRET}@db/app` } } }
                    : x,
            );
        // The dev render's resources, renamed apart from the fixture's, without parents (the fixture's names differ).
        const dev = (JSON.parse(resourcesJson((await rendered("dev")).resources)) as Entry[]).map((r) => ({
            ...r,
            name: `dev-${r.name}`,
            options: undefined,
        }));
        base = [...withCredential(fixture()), ...withCredential(dev)];
    });
    let n = 0;
    const codes = new Map<number, number>();
    const check = async (data: unknown) => {
        const file = path.join(dir, `input-${n++}.json`);
        fs.writeFileSync(file, JSON.stringify(data) ?? "null");
        const r = await capture(policy, ["--resources", file, "--env", "prod"]);
        const what = `${file} -> ${r.code}\n${r.err.slice(0, 2000)}`;
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        assert.ok([0, 1, 2].includes(r.code), what);
        assert.doesNotMatch(r.out + r.err, STACK_FRAME, what);
        assert.deepEqual(leaked([r.out, r.err]), [], what);
        if (r.code === 2) assert.ok(r.err.startsWith(`policy check failed: --resources ${file}: `), what);
        fs.rmSync(file);
    };
    const TYPES = [
        "kubernetes:apps/v1:Deployment",
        "kubernetes:core/v1:Service",
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        "kubernetes:policy/v1:PodDisruptionBudget",
        "kubernetes:postgresql.cnpg.io/v1:Cluster",
        "kubernetes:helm.sh/v3:Release",
        "kubernetes:example.com/v1:Widget",
        "sysmanage:compute:ScalableService",
    ];

    it("any JSON at all", async () => {
        await fc.assert(fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), check), { numRuns: 40, seed: 13 });
    });
    it("lists of entries of known types with arbitrary inputs and options", async () => {
        const entry = fc.record(
            {
                type: fc.oneof(fc.constantFrom(...TYPES), fc.string({ maxLength: 20 })),
                name: fc.oneof(fc.constantFrom("api", "api-deployment", "x"), fc.string({ maxLength: 10 })),
                inputs: fc.dictionary(
                    fc.constantFrom("apiVersion", "kind", "metadata", "spec", "values", "chart", "data"),
                    fc.jsonValue({ maxDepth: 3 }),
                ),
                options: fc.dictionary(
                    fc.constantFrom("parent", "dependsOn", "ignoreChanges", "protect", "other"),
                    fc.jsonValue({ maxDepth: 2 }),
                ),
            },
            { requiredKeys: ["type", "name", "inputs"] },
        );
        await fc.assert(fc.asyncProperty(fc.array(entry, { maxLength: 6 }), check), { numRuns: 60, seed: 13 });
    });
    it("the compliant fixture and a dev render with one value anywhere replaced by arbitrary JSON", async () => {
        codes.clear();
        const paths = (v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) => {
            out.push(at);
            if (v && typeof v === "object")
                for (const [k, x] of Object.entries(v)) paths(x, [...at, Array.isArray(v) ? Number(k) : k], out);
            return out;
        };
        const all = paths(base).filter((p) => p.length >= 2);
        await fc.assert(
            fc.asyncProperty(fc.nat(all.length - 1), fc.jsonValue({ maxDepth: 3 }), async (i, value) => {
                const list = structuredClone(base);
                const at = all[i];
                let cur = list as unknown as Record<string | number, unknown>;
                for (const k of at.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
                cur[at[at.length - 1]] = value;
                await check(list);
            }),
            { numRuns: 80, seed: 13 },
        );
        // Mutations reach the pack (0 or 1), not only the input checks (2).
        assert.ok((codes.get(0) ?? 0) + (codes.get(1) ?? 0) >= 10 && (codes.get(2) ?? 0) >= 10, JSON.stringify([...codes]));
    });
});
