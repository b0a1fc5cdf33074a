/** `npm run policy`: output as the Pulumi CLI prints it, exit codes, usage errors. */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { main } from "../../../tools/policy";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fixture, mutated } from "../../support/policy";

const ROOT = path.resolve(__dirname, "../../..");
/** Runs the CLI in-process (fast); one test below runs it as a real process. */
const run = async (...args: string[]) => {
    let out = "";
    let err = "";
    const code = await main(args, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) });
    return { code, out, err };
};

describe("npm run policy", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
        fs.writeFileSync(path.join(dir, "good.json"), JSON.stringify(fixture()));
        fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify(mutated("api-service", (i) => (i.spec.type = "NodePort"))));
        fs.writeFileSync(path.join(dir, "notlist.json"), "{}");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("--resources with a compliant list exits 0", async () => {
        const r = await run("--resources", path.join(dir, "good.json"), "--env", "staging");
        assert.equal(r.code, 0, r.err);
        assert.equal(
            r.out,
            "Policies:\n    ✅ sysmanage-policies@v0.1.0 (local: policies)\n\nstaging (policy config staging): 0 mandatory and 0 advisory violation(s); 53 rules, 0 disabled.\n",
        );
    });
    it("a mandatory violation is printed like the CLI does and exits 1; advisory in dev exits 0", async () => {
        const r = await run("--resources", path.join(dir, "bad.json"), "--env", "staging");
        assert.equal(r.code, 1);
        assert.equal(
            r.out,
            [
                "Policies:",
                "    ❌ sysmanage-policies@v0.1.0 (local: policies)",
                "        - [mandatory]  net-exposure-controls  (kubernetes:core/v1:Service: api-service)",
                "          No NodePort Services, no externalIPs, and LoadBalancer Services only where allowed.",
                "          Service app/api: is of type NodePort, which opens a port on every node; use ClusterIP behind the Gateway.",
                "",
                "staging (policy config staging): 1 mandatory and 0 advisory violation(s); 53 rules, 0 disabled.",
                "",
            ].join("\n"),
        );
        const dev = await run("--resources", path.join(dir, "bad.json"), "--env", "dev");
        assert.equal(dev.code, 0);
        assert.match(dev.out, /- \[advisory\] {2}net-exposure-controls {2}\(kubernetes:core\/v1:Service: api-service\)/);
    });
    it("usage and input errors exit 2 with a message", async () => {
        const cases: [string[], string][] = [
            [[], "policy check failed: give exactly one of --stack <name> or --resources <file.json>\n"],
            [
                ["--resources", path.join(dir, "good.json")],
                "policy check failed: --resources needs --env <dev|staging|prod> or --config <file>\n",
            ],
            [
                ["--resources", path.join(dir, "good.json"), "--env", "qa"],
                'policy check failed: --env "qa": must be one of dev, staging, prod (policies/config/<env>.json), or give a pack config with --config <file>\n',
            ],
            [
                ["--resources", path.join(dir, "missing.json"), "--env", "dev"],
                `policy check failed: --resources ${path.join(dir, "missing.json")}: file not found\n`,
            ],
            [
                ["--resources", path.join(dir, "notlist.json"), "--env", "dev"],
                `policy check failed: --resources ${path.join(dir, "notlist.json")}: expected a JSON array of {type, name, inputs, options?}\n`,
            ],
        ];
        for (const [args, err] of cases) {
            const r = await run(...args);
            assert.deepEqual([r.code, r.err], [2, err], args.join(" "));
        }
    });
    it("as a process, --stack dev renders the stack and exits 0 (dev's config)", () => {
        const r = spawnSync(process.execPath, ["--import", "tsx", "tools/policy.ts", "--stack", "dev"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^Policies:\n {4}✅ sysmanage-policies@v0\.1\.0 \(local: policies\)\n/);
        assert.match(r.stdout, /\ndev \(policy config dev\): 0 mandatory and \d+ advisory violation\(s\); 53 rules, 9 disabled\.\n$/);
    });
});
