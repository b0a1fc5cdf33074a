import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { MARKER } from "../../../tools/renderOutput";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-cli-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function render(args: string[]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(PROJECT_DIR, "tools", "render.ts"), ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run render -- --stack dev", () => {
    let run: ReturnType<typeof render>;
    const out = path.join(tmp, "dev");
    const json = path.join(tmp, "dev.json");
    before(() => {
        // What an earlier render left: a file its list names, which this render no longer writes.
        fs.mkdirSync(out, { recursive: true });
        fs.writeFileSync(path.join(out, "99-stale-object.yaml"), "kind: Stale\n");
        fs.writeFileSync(
            path.join(out, MARKER),
            JSON.stringify({ tool: "sysmanage-scaling npm run render", stack: "dev", files: ["99-stale-object.yaml"] }),
        );
        run = render(["--stack", "dev", "--out", out, "--json", json]);
    });

    test("exits 0 and says what it is", () => {
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^Stack dev: 145 resources declared \(84 Kubernetes objects, 5 Helm releases, 25 components\)\.$/m);
        assert.match(run.stdout, /not a diff against a deployed stack/);
        assert.match(run.stdout, /^Validated 84 Kubernetes objects against the Kubernetes schemas and upstream CRDs: no problems\.$/m);
        assert.match(
            run.stdout,
            /^Admission check \(\d{3} rules ported from the API server, Pod Security Admission, CloudNativePG, redis-operator, the VPA, KEDA and Karpenter's NodePool CRD\): no violations\.$/m,
        );
        assert.match(run.stdout, /^Prerequisites \(in the cluster before `pulumi up`; the program does not install them\):$/m);
        assert.match(
            run.stdout,
            /^ {2}- Secret sysmanage-dev\/sysmanage-api-dev-tls \(made out of band\): referenced by Gateway sysmanage-us-east-1 spec\.listeners\[0\]\.tls\.certificateRefs$/m,
        );
        assert.match(
            run.stdout,
            /^ {2}- a default StorageClass \(ReadWriteOnce volumes\): the volumes of Cluster sysmanage-dev\/sysmanage-pg-analytics, Cluster sysmanage-dev\/sysmanage-pg, RedisCluster sysmanage-dev\/sysmanage-redis, RedisCluster sysmanage-dev\/sysmanage-redis-sessions$/m,
        );
        assert.match(run.stdout, /^Rendered in [0-9]+\.[0-9]{2} s\.$/m);
    });
    test("the summary lists each autoscaled workload with min, max and metrics", () => {
        // The bounds the forecasting step sizes from the committed exports, worked by hand in
        // test/unit/forecast/stack.test.ts: the api 1..2 (0.15 cores × 1.2 > 0.175 per pod → 2),
        // the queue worker 1..10 (837 × 1.2 ÷ 10 → 101, capped at dev's guardrail 10).
        const hpa = (n: string) =>
            parse(fs.readFileSync(path.join(out, `12-horizontalpodautoscaler-sysmanage-dev-${n}.yaml`), "utf8")).spec;
        assert.deepEqual([hpa("sysmanage-api").minReplicas, hpa("sysmanage-api").maxReplicas], [1, 2]);
        assert.deepEqual([hpa("sysmanage-worker-queue").minReplicas, hpa("sysmanage-worker-queue").maxReplicas], [1, 10]);
        assert.match(
            run.stdout,
            /^ {2}sysmanage-api +1 +2 +cpu 70%, memory 80%, http_requests_per_second=100\/pod, response_time_p95=500m\/pod$/m,
        );
        assert.match(run.stdout, /^ {2}sysmanage-worker-queue +1 +10 +queue_length\{queue=queue\}=10\/pod, processing_time_avg=30\/pod$/m);
        assert.match(run.stdout, /^ {2}api: configured 1\.\.4 -> 1\.\.2 \(median-ensemble\)$/m);
        assert.match(run.stdout, /^ {2}sysmanage-analytics {2}mode Recreate {2}cpu 500m\.\.2 {2}memory 1Gi\.\.4Gi$/m);
        assert.match(run.stdout, /^ {2}kubernetes:apps\/v1:Deployment +6$/m);
    });
    test("writes one YAML file per object in a stable order and their list, and removes the earlier render's files", () => {
        const files = fs
            .readdirSync(out)
            .filter((f) => f !== MARKER)
            .sort();
        assert.equal(files.length, 84);
        assert.equal(files[0], "00-namespace-sysmanage-dev.yaml");
        assert.ok(!files.includes("99-stale-object.yaml"));
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, MARKER), "utf8")), {
            tool: "sysmanage-scaling npm run render",
            stack: "dev",
            files,
        });
        assert.ok(files.includes("12-horizontalpodautoscaler-sysmanage-dev-sysmanage-api.yaml"));
        const hpa = parse(fs.readFileSync(path.join(out, "12-horizontalpodautoscaler-sysmanage-dev-sysmanage-api.yaml"), "utf8"));
        assert.equal(hpa.kind, "HorizontalPodAutoscaler");
        // Sized by the forecasting step from the committed exports: 1..2 (worked above).
        assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [1, 2]);
        assert.match(hpa.metadata.annotations["sysmanage.io/forecast-inputs-hash"], /^[0-9a-f]{16}$/);
    });
    test("the YAML reads the same under YAML 1.1 (kubectl) and 1.2: strings such as on/off are quoted", () => {
        const files = fs.readdirSync(out).filter((f) => f.endsWith(".yaml"));
        let quoted = 0;
        for (const f of files) {
            const text = fs.readFileSync(path.join(out, f), "utf8");
            assert.deepEqual(parse(text, { version: "1.1" }), parse(text, { version: "1.2" }), f);
            quoted += (text.match(/: "(on|off)"$/gm) ?? []).length;
        }
        // wal_compression, log_checkpoints, log_lock_waits on both clusters, hot_standby_feedback on the main one (issue 19
        // finding 7: replicas feed back) and off on the analytics one.
        const cluster = fs.readFileSync(path.join(out, "08-cluster-sysmanage-dev-sysmanage-pg.yaml"), "utf8");
        assert.match(cluster, /^ {6}wal_compression: "on"$/m);
        assert.equal(quoted, 8);
    });
    test("--json writes every declared resource with type, name, inputs and options", () => {
        const all = JSON.parse(fs.readFileSync(json, "utf8")) as {
            type: string;
            name: string;
            inputs: Record<string, unknown>;
            options: Record<string, unknown>;
        }[];
        assert.equal(all.length, 145);
        for (const r of all) assert.deepEqual(Object.keys(r), ["type", "name", "inputs", "options"]);
        const d = all.find((r) => r.name === "api-deployment")!;
        assert.equal(d.type, "kubernetes:apps/v1:Deployment");
        assert.deepEqual(d.options, {
            ignoreChanges: ["spec.replicas"],
            dependsOn: ["api-sa", "db-roles-sysmanage_write-secret", "db-roles-sysmanage_read-secret", "redis-auth", "redis-sessions-auth"],
            parent: "api",
        });
        assert.equal(all.filter((r) => r.type === "sysmanage:compute:ScalableService").length, 5);
        assert.equal(all.filter((r) => r.type === "pulumi:providers:kubernetes").length, 1);
        // No password reaches the JSON, not even the render's placeholders.
        assert.ok(!fs.readFileSync(json, "utf8").includes("mock-generated-password"));
    });
    test("Secrets are written with every value redacted", () => {
        const secret = parse(fs.readFileSync(path.join(out, "03-secret-sysmanage-dev-sysmanage-write.yaml"), "utf8"));
        assert.deepEqual(secret.stringData, {
            username: "<redacted>",
            password: "<redacted>",
            host: "<redacted>",
            port: "<redacted>",
            dbname: "<redacted>",
            uri: "<redacted>",
        });
        assert.ok(!run.stdout.includes("mock-generated-password"));
    });
});

describe("render failures", () => {
    test("broken config: exit 1 and the exact message", () => {
        const dir = path.join(tmp, "broken");
        fs.mkdirSync(dir);
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.broken.yaml"),
            "config:\n  sysmanage-scaling:environment: dev\n  sysmanage-scaling:api:\n    minReplicas: 60\n",
        );
        const r = render(["--stack", "broken", "--config-dir", dir, "--out", path.join(tmp, "broken-out")]);
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            "render failed: invalid configuration for stack broken:\nPulumi.broken.yaml: api.minReplicas (60) must be <= api.maxReplicas (50)\n",
        );
        assert.equal(r.stdout, "");
        assert.ok(!fs.existsSync(path.join(tmp, "broken-out")), "nothing is written for a broken config");
    });
    test("unknown stack: exit 1 naming the missing file", () => {
        const r = render(["--stack", "nope", "--out", path.join(tmp, "nope")]);
        assert.equal(r.code, 1);
        assert.equal(
            r.stderr,
            `render failed: invalid configuration for stack nope:\nPulumi.nope.yaml: file not found in ${PROJECT_DIR}\n`,
        );
    });
    test("missing --stack: usage error, exit 2", () => {
        const r = render([]);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, "error: required option '-s, --stack <name>' not specified\n");
    });
});

describe("npm run render -- --stack prod (its demo exports are stale on purpose)", () => {
    test("each warning the program logs is printed once, in the summary, and nothing goes to stderr", () => {
        const r = render(["--stack", "prod", "--out", path.join(tmp, "prod")]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        const warnings = r.stdout.split("\n").filter((l) => l.startsWith("  warning: "));
        // 22 from the forecast (3 per worker pool and 5 for the API: stale exports, defaults kept;
        // 5 for the data tier), and CloudNativePG's webhook warning on each Cluster's in-tree Barman
        // (deprecated in 1.30, kept until the plugin migration: docs/data-tier.md): the main cluster,
        // the analytics replica and prod's two shards.
        assert.equal(warnings.length, 26);
        assert.equal(new Set(warnings).size, 26);
        assert.ok(warnings.includes("  warning: forecast api: api: kept the guardrail defaults 3..50"));
        assert.equal(warnings.filter((w) => /barmanObjectStore/.test(w)).length, 4);
        assert.doesNotMatch(r.stdout, /\[runtime\]/);
        // The Redis memory model (issue 19): 2Gi at ratio 0.52 with one replica per master.
        assert.ok(
            r.stdout.includes(
                "  Redis memory per node of the cache at its worst (a fork under writes): maxmemory 1064 + fragmentation 106 + fork copy-on-write 638 + backlog 64 + replica buffers 128 + process 16 = 2017 MiB of its 2048 MiB limit\n",
            ),
            r.stdout,
        );
        // The session store: 1Gi at 0.52 (532), 10 % fragmentation, a 60 % fork copy (319), backlog
        // 1024/32, one replica's buffer 1024/16, process 16: 1016.
        assert.ok(
            r.stdout.includes(
                "  Redis memory per node of the session store at its worst (a fork under writes): maxmemory 532 + fragmentation 53 + fork copy-on-write 319 + backlog 32 + replica buffers 64 + process 16 = 1016 MiB of its 1024 MiB limit\n",
            ),
            r.stdout,
        );
    });
});

describe("the Pulumi CLI's path", () => {
    test("index.ts compiles and loads with ts-node and type checking, as `pulumi preview` loads it", () => {
        const r = spawnSync(
            process.execPath,
            ["-e", 'require("ts-node").register({ project: "tsconfig.json" }); console.log(typeof require("./index.ts"));'],
            {
                cwd: PROJECT_DIR,
                encoding: "utf8",
                timeout: 120_000,
            },
        );
        assert.equal(r.stderr, "");
        assert.equal(r.stdout, "function\n");
        assert.equal(r.status, 0);
    });
});
