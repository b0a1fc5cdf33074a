/** `npm run forecast` (tools/forecast.ts) in a subprocess: the report and charts it writes, and an unknown stack. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

describe("npm run forecast", () => {
    test("prod shards (sharding.shards 2): the report says when the next shard is needed; dev does not shard and has no such section", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "fc-shards-"));
        try {
            const r = spawnSync(
                process.execPath,
                ["--import", "tsx", path.join(ROOT, "tools/forecast.ts"), "--stack", "prod", "--out", out],
                {
                    cwd: ROOT,
                    encoding: "utf8",
                },
            );
            assert.equal(r.status, 0, r.stderr);
            // The projection's figures on these exports are checked against numpy.polyfit in
            // test/unit/forecast/shardCapacity.test.ts; here: the stack's config reaches the section
            // (postgres.storageSize 100Gi, sharding.capacity defaults) and the rows are there.
            assert.ok(
                r.stdout.includes(
                    "### Shards\n\nCapacity per shard: 100 GiB of storage, 5000 queries/s; the next shard is needed when either reaches 80 % (horizon 180 days from 1995-07-26).",
                ),
                r.stdout,
            );
            assert.match(r.stdout, /\n\| sysmanage-pg-shard-0 \| 38\.8 GiB \| 0\.90 GiB \| 1995-09-10 \|/);
            assert.match(r.stdout, /\n\| sysmanage-pg-shard-1 \| 38\.9 GiB \| 0\.91 GiB \| 1995-09-10 \|/);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
    test("npm run forecast writes report.md and one SVG and one PNG per workload", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "fc-cli-"));
        try {
            const r = spawnSync(
                process.execPath,
                ["--import", "tsx", path.join(ROOT, "tools/forecast.ts"), "--stack", "dev", "--out", out],
                { cwd: ROOT, encoding: "utf8" },
            );
            assert.equal(r.status, 0, r.stderr);
            assert.ok(r.stdout.startsWith("## Forecast sizing for stack `dev`"));
            assert.equal(r.stdout.includes("### Shards"), false, "dev does not shard");
            assert.deepEqual(fs.readdirSync(out).sort(), [
                ".sysmanage-forecast",
                "api.png",
                "api.svg",
                "report.md",
                "worker-agent.png",
                "worker-agent.svg",
                "worker-cleanup.png",
                "worker-cleanup.svg",
                "worker-queue.png",
                "worker-queue.svg",
                "worker-report.png",
                "worker-report.svg",
            ]);
            // The PNG is the SVG (ECharts' two panels over a UTC time axis) rasterised at its size (900 × 520), not an empty image.
            assert.ok(fs.readFileSync(path.join(out, "api.svg"), "utf8").includes(">time (UTC)</text>"));
            const png = fs.readFileSync(path.join(out, "api.png"));
            assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
            assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [900, 520]);
            assert.ok(png.length > 5000, `${png.length} bytes`);
            // The data-tier section: current vs proposed, the forecast peaks, the rule that decided.
            assert.match(
                r.stdout,
                /### Data tier\n\nInputs hash `[0-9a-f]{16}` \(the data tier's exports and config\)\.\n\n\| count \| current \| proposed \| forecast peak \| model \| rule \|/,
            );
            assert.match(
                r.stdout,
                /\| `redis\.masters` \| 3 \| \*\*4\*\* \| memoryUsed \d+ MiB, opsPerSecond [\d.]+ \| [^|]+ \| \d+ % memory and \d+ ops\/s per master at the peak: scale out to \d+ \(memory above 80 % on a node\)(; clamped to the guardrails 3\.\.6)?; one shard per update \(redis\.allowShardJump is off\): 4 now, [56] wanted \|/,
            );
            assert.match(r.stdout, /\| `postgres\.replicas` \| 0 \| 0 \| readQueries [\d.]+ \|/);
            // The cost section (issue 17): the fixed tiers as test/integration/render/cost.test.ts works them out
            // from Pulumi.dev.yaml; the cache's fourth master (0.0197693625 × 730 = 14.43) from the forecast.
            assert.ok(
                r.stdout.includes(
                    [
                        "| analytics | 14.63 | 14.63 | 0.00 |",
                        "| postgres | 58.52 | 58.52 | 0.00 |",
                        "| poolers | 19.63 | 19.63 | 0.00 |",
                        "| redis | 66.96 | 81.39 | +14.43 |",
                    ].join("\n"),
                ),
                r.stdout,
            );
            assert.match(
                r.stdout,
                /\nReserved floor: commit [\d.]+ vCPU and [\d.]+ GiB \(what the proposed stack keeps busy 90 % of the hours/,
            );
            // The base branch's stack files priced alike (--base-config-dir): one analytics replica more
            // there is 0.0200425 × 730 = 14.63 more (test/integration/render/cost.test.ts), and nothing else differs.
            const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-base-"));
            fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(baseDir, "Pulumi.yaml"));
            const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
            fs.writeFileSync(path.join(baseDir, "Pulumi.dev.yaml"), dev.replace(/(:analytics:\n\s+replicas:) 1\n/, "$1 2\n"));
            const cli = (dir: string) =>
                spawnSync(
                    process.execPath,
                    ["--import", "tsx", path.join(ROOT, "tools/forecast.ts"), "--stack", "dev", "--out", out, "--base-config-dir", dir],
                    { cwd: ROOT, encoding: "utf8" },
                );
            try {
                const b = cli(baseDir);
                assert.equal(b.status, 0, b.stderr);
                assert.match(b.stdout, /\n\| analytics \| 14\.63 \| 14\.63 \| 0\.00 \| 29\.26 \| -14\.63 \|\n/);
                assert.match(b.stdout, /\n\| postgres \| 58\.52 \| 58\.52 \| 0\.00 \| 58\.52 \| 0\.00 \|\n/);
                // Base stack files this branch's schema refuses: the report says so, the forecast still succeeds.
                fs.writeFileSync(path.join(baseDir, "Pulumi.dev.yaml"), dev.replace("config:\n", "config:\n  sysmanage-scaling:gone: 1\n"));
                const gone = cli(baseDir);
                assert.equal(gone.status, 0, gone.stderr);
                assert.ok(
                    gone.stdout.includes(
                        "Base branch: no figures: its stack files do not validate with this branch's schema (Pulumi.dev.yaml: gone is not a known key (see the config table in docs/configuration.md)).",
                    ),
                    gone.stdout,
                );
            } finally {
                fs.rmSync(baseDir, { recursive: true, force: true });
            }
            const bad = spawnSync(
                process.execPath,
                ["--import", "tsx", path.join(ROOT, "tools/forecast.ts"), "--stack", "nope", "--out", out],
                { cwd: ROOT, encoding: "utf8" },
            );
            assert.equal(bad.status, 1);
            assert.equal(bad.stderr, `forecast: invalid configuration for stack nope:\nPulumi.nope.yaml: file not found in ${ROOT}\n`);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
