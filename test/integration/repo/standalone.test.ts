import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { generate, TYPED_KINDS, TYPES_DIR } from "../../../tools/crdTypes";
import { readSources, sha256 } from "../../../tools/refreshCrds";

const ROOT = path.resolve(__dirname, "../../..");
const tracked = (): string[] => execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);

describe("the repository stands alone", () => {
    test("no tracked file refers to the team's shared folder beside the clone", () => {
        const needle = ["..", "shared"].join("/"); // spelt in two parts so this file does not match itself
        const files = tracked();
        assert.ok(files.length > 100, `git ls-files listed ${files.length} files`);
        const hits = files.filter(
            (f) => fs.existsSync(path.join(ROOT, f)) && fs.readFileSync(path.join(ROOT, f), "latin1").includes(needle),
        );
        assert.deepEqual(hits, []);
    });

    test("every vendored CRD matches crds/sources.json byte for byte, with its licence beside it", () => {
        const sources = readSources();
        const files = sources.projects.flatMap((p) => p.files.map((f) => ({ ...f, project: p.project })));
        assert.equal(files.length, 10); // CloudNativePG 5, redis-operator, VPA, ExternalDNS, Karpenter, KEDA
        for (const f of files) {
            const body = fs.readFileSync(path.join(ROOT, "crds", f.file));
            assert.equal(body.length, f.bytes, f.file);
            assert.equal(sha256(body), f.sha256, f.file);
        }
        for (const p of sources.projects as { licenceFile?: string }[])
            assert.match(fs.readFileSync(path.join(ROOT, "crds", p.licenceFile!), "utf8"), /Apache License\s+Version 2\.0/);
        // The README's table names every file and the start of its hash.
        const readme = fs.readFileSync(path.join(ROOT, "crds", "README.md"), "utf8");
        for (const f of files) {
            assert.ok(readme.includes(f.file), `crds/README.md lists ${f.file}`);
            assert.ok(readme.includes(f.sha256.slice(0, 8)), `crds/README.md shows the hash of ${f.file}`);
        }
    });

    test("the test traces carry their licences and stay small", () => {
        const dir = path.join(ROOT, "test", "fixtures", "traces");
        for (const l of ["nab/LICENSE.txt", "azure_llm_2023/LICENSE.CC-BY-4.0.txt", "README.md"])
            assert.ok(fs.existsSync(path.join(dir, l)), l);
        let bytes = 0;
        const walk = (d: string): void => {
            for (const e of fs.readdirSync(d, { withFileTypes: true }))
                if (e.isDirectory()) walk(path.join(d, e.name));
                else bytes += fs.statSync(path.join(d, e.name)).size;
        };
        walk(dir);
        assert.ok(bytes < 1_000_000, `trace fixtures take ${bytes} bytes`);
    });
});

describe("the custom resources' types come from the vendored CRDs", () => {
    test("npm run crds:types regenerates generated/crds/ byte for byte", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crd-types-test-"));
        try {
            const files = generate(tmp);
            assert.equal(files.length, TYPED_KINDS.length);
            for (const k of TYPED_KINDS) {
                const rel = path.join(k.group, k.version, `${k.kind}.ts`);
                assert.equal(fs.readFileSync(path.join(tmp, rel), "utf8"), fs.readFileSync(path.join(TYPES_DIR, rel), "utf8"), rel);
            }
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});

describe("the supported runtime is Node 22", () => {
    test("the tests run on Node >= 22", () => {
        assert.ok(Number(process.versions.node.split(".")[0]) >= 22, `running on Node ${process.versions.node}`);
    });

    test("package.json, .nvmrc and every workflow agree on Node 22", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.equal(pkg.engines.node, ">=22.12");
        assert.match(pkg.devDependencies.node, /^22\./);
        assert.match(pkg.devDependencies["@types/node"], /^22\./);
        assert.equal(fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim(), "22");
        const wf = path.join(ROOT, ".github", "workflows");
        let setups = 0;
        for (const f of fs.readdirSync(wf)) {
            const w = parse(fs.readFileSync(path.join(wf, f), "utf8"));
            for (const job of Object.values<{ steps?: { uses?: string; with?: Record<string, unknown> }[] }>(w.jobs))
                for (const s of job.steps ?? [])
                    if (String(s.uses).startsWith("actions/setup-node")) {
                        setups++;
                        assert.equal(s.with?.["node-version-file"], ".nvmrc", `${f}: setup-node reads .nvmrc`);
                        assert.equal(s.with?.["node-version"], undefined, `${f}: no second Node version`);
                    }
        }
        assert.ok(setups >= 3, `${setups} setup-node steps`);
    });
});
