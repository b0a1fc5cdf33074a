import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { benchSeries, formatBench, METHODS } from "../../../forecast/bench";
import { parseSeriesText } from "../../../forecast/ingest";
import { markdownReport, workloadSvg } from "../../../forecast/report";
import { workloadInputs } from "../../../forecast/mapping";
import { ANNOTATION, forecastStack, type StackInput } from "../../../forecast/stack";
import { readAppConfig } from "../../../tools/stackConfig";

const ROOT = path.resolve(__dirname, "../../..");
const devDir = path.join(ROOT, "exports/dev");
/** The dev stack's workloads as the program maps them (Pulumi.dev.yaml forecast.series). */
const devInput = (baseDir: string): StackInput => ({ stack: "dev", baseDir, workloads: workloadInputs(readAppConfig(ROOT, "dev"), "dev") });
const dev = () => devInput(devDir);

describe("forecastStack (the integration API)", () => {
    test("deterministic: the same files give the same sizing, hash and annotations", () => {
        const a = forecastStack(dev());
        const b = forecastStack(dev());
        assert.deepEqual(
            a.workloads.map((w) => [w.proposed, w.annotations]),
            b.workloads.map((w) => [w.proposed, w.annotations]),
        );
        assert.match(a.inputsHash, /^[0-9a-f]{16}$/);
        // The committed exports: one NAB latency timestamp with 12 different values, and dev's
        // queue guardrail capping the worker's forecast (issue 13: neither is silent any more).
        assert.deepEqual(a.warnings, [
            "export api-latency-p95.csv for latencyP95: 1 timestamp(s) have several different values (the first at 1995-07-14T23:19:00Z): kept the last value of each; two exports concatenated, or series that should have been summed?",
            "worker-queue: the forecast needs 101 replicas at its peak, above forecast.guardrails.workers.queue.maxReplicas (10): capped at the guardrail; raise it, or expect the HPA to sit at its maximum at the peak",
        ]);
        const api = a.workloads.find((w) => w.name === "api")!;
        assert.deepEqual(
            Object.keys(api.annotations).sort(),
            [ANNOTATION.dataEnd, ANNOTATION.generatedAt, ANNOTATION.inputsHash, ANNOTATION.model, ANNOTATION.previousBounds].sort(),
        );
        assert.equal(api.annotations[ANNOTATION.previousBounds], "1..4");
        assert.equal(api.annotations[ANNOTATION.dataEnd], "1995-07-26T23:55:00.000Z");
        assert.equal(api.annotations[ANNOTATION.inputsHash], a.inputsHash);
        // The clock decides staleness only: two runs a year apart on the same (accepted) files
        // write the same annotations, so previews do not show a diff on every HPA every day.
        const at = (d: string) => forecastStack({ ...dev(), now: new Date(d), settings: { maxExportAgeHours: 24 * 365 * 40 } });
        const [y1, y2] = [at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")];
        assert.deepEqual(
            y1.workloads.map((w) => w.annotations),
            y2.workloads.map((w) => w.annotations),
        );
        assert.equal(y1.generatedAt, "2015-03-15T23:57:53.000Z");
        assert.equal(y1.workloads[0].annotations[ANNOTATION.generatedAt], "2015-03-15T23:57:53.000Z");
        for (const w of a.workloads) {
            assert.ok(w.proposed.minReplicas <= w.proposed.maxReplicas);
            assert.ok(
                w.proposed.maxReplicas <= w.raw!.maxReplicas ||
                    w.proposed.maxReplicas === w.current.maxReplicas ||
                    w.proposed.maxReplicas >= w.proposed.minReplicas,
            );
        }
    });
    test("a changed export changes the inputs hash", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-stack-"));
        try {
            for (const f of fs.readdirSync(devDir)) fs.copyFileSync(path.join(devDir, f), path.join(tmp, f));
            const base = devInput(tmp);
            const h1 = forecastStack(base).inputsHash;
            // The same files in another folder (another checkout) hash the same.
            assert.equal(forecastStack(dev()).inputsHash, h1);
            fs.appendFileSync(path.join(tmp, "worker-queue.csv"), "2015-03-16 00:02:53,40\n");
            assert.notEqual(forecastStack(base).inputsHash, h1);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
    test("missing or stale exports: guardrail defaults and a warning, never extreme values", () => {
        const input = dev();
        const missing: StackInput = {
            ...input,
            workloads: input.workloads.map((w, i) => (i === 0 ? { ...w, metrics: [{ ...w.metrics[0], file: "nope.json" }] } : w)),
        };
        const r = forecastStack(missing);
        const api = r.workloads[0];
        assert.deepEqual(api.proposed, { minReplicas: 1, maxReplicas: 4 }); // dev's configured 1..4, within its guardrails 1..10
        assert.deepEqual(api.warnings, ["export nope.json for requests is missing", "api: kept the guardrail defaults 1..4"]);
        assert.equal(api.annotations[ANNOTATION.model], "defaults");
        const stale = forecastStack({ ...input, now: new Date("2015-03-20T00:00:00Z") });
        assert.deepEqual(stale.workloads[0].warnings, [
            "export api-requests.query_range.json for requests ends 1995-07-26T23:55:00.000Z, older than 48 h",
            "export api-cpu.csv for cpu ends 1995-07-26T23:55:00.000Z, older than 48 h",
            "export api-memory.csv for memory ends 1995-07-26T23:55:00.000Z, older than 48 h",
            "export api-latency-p95.csv for latencyP95 ends 1995-07-26T23:55:00.000Z, older than 48 h",
            "api: kept the guardrail defaults 1..4",
        ]);
        assert.equal(stale.workloads[1].warnings.length, 3);
        // generated-at is the newest sample of the stack's exports (the worker queue's), not the clock.
        assert.equal(stale.generatedAt, "2015-03-15T23:57:53.000Z");
    });
    test("issue 13 #6: a malformed export falls back with a warning naming the file and the position, never a throw", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-bad-"));
        try {
            fs.writeFileSync(path.join(tmp, "bad.csv"), "timestamp,value\n2024-01-01 00:00:00,x\n");
            const input = dev();
            const r = forecastStack({
                ...input,
                baseDir: tmp,
                workloads: [{ ...input.workloads[0], metrics: [{ ...input.workloads[0].metrics[0], file: "bad.csv" }] }],
            });
            assert.deepEqual(r.workloads[0].proposed, { minReplicas: 1, maxReplicas: 4 });
            assert.deepEqual(r.workloads[0].warnings, [
                "export bad.csv for requests: line 2, column 2: the value is not a number",
                "api: kept the guardrail defaults 1..4",
            ]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});

describe("report and CLI", () => {
    test("Markdown has the per-workload table row and the SVG draws bounds as capacity lines", () => {
        const r = forecastStack(dev());
        const md = markdownReport(r);
        const api = r.workloads[0];
        assert.ok(md.includes(`| api | 1..4 | **${api.proposed.minReplicas}..${api.proposed.maxReplicas}** |`));
        assert.ok(md.includes("![worker-queue](worker-queue.svg)"));
        const svg = workloadSvg(api);
        assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        assert.ok(svg.includes(`proposed max ${api.proposed.maxReplicas}`));
        assert.ok(svg.includes("forecast, band shaded"));
        // A bound the forecast keeps is drawn once, labelled as kept.
        const kept = workloadSvg({ ...api, proposed: { ...api.proposed, minReplicas: api.current.minReplicas } });
        assert.ok(kept.includes(`proposed min ${api.current.minReplicas} (kept)`));
        assert.ok(!kept.includes("current min"));
    });
    test("the floor's scenario: the report prints each day's factor, and its risk replays the history as it was", () => {
        const scaled = forecastStack(dev());
        const plain = forecastStack({ ...dev(), settings: { floorScenario: "history" } });
        // Dev's bounds do not move with the scenario, so the risk of each, replayed on the
        // unscaled history, must be the same: the scaled replay that checked the floor is not it.
        assert.deepEqual(
            scaled.workloads.map((w) => [w.proposed, w.risk]),
            plain.workloads.map((w) => [w.proposed, w.risk]),
        );
        assert.deepEqual(plain.workloads[0].metrics[0].floorScales, [1, 1, 1, 1, 1, 1, 1]);
        const md = markdownReport(scaled);
        assert.ok(
            md.includes(
                "- floor replay: the last 7 days, each scaled to the forecast's peak for the matching day ahead: `requests` ×1.06 ×0.87 ×1.04 ×0.98 ×0.90 ×0.92 ×0.98; `cpu` ×1.03",
            ),
        );
        assert.ok(
            md.includes(
                "- floor replay: the last 7 days, each scaled to the forecast's peak for the matching day ahead: `queueLength` ×0.57 ×0.84 ×0.50",
            ),
        );
        assert.ok(!markdownReport(plain).includes("floor replay"));
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
            assert.deepEqual(fs.readdirSync(out).sort(), [
                ".sysmanage-forecast",
                "api.png",
                "api.svg",
                "report.md",
                "worker-queue.png",
                "worker-queue.svg",
            ]);
            // The PNG is the SVG rasterised at its size (900 × 320), not an empty image.
            const png = fs.readFileSync(path.join(out, "api.png"));
            assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
            assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [900, 320]);
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
    test("bench smoke: one 9-day series gives every method in every scenario", () => {
        const lines = ["timestamp,value"];
        for (let i = 0; i < 9 * 288; i++)
            lines.push(`${1700006400 + i * 300},${Math.round(100 + 60 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 17))}`);
        const [s] = parseSeriesText(lines.join("\n"), "smoke.csv");
        const r = benchSeries("smoke.csv", s);
        assert.ok(Array.isArray(r));
        const rows = r;
        assert.deepEqual(
            rows.map((x) => x.p99Pods),
            [5, 20, 100],
        );
        assert.deepEqual(
            rows[0].methods.map((m) => m.method),
            [...METHODS],
        );
        assert.equal(rows[0].origins, 2);
        assert.equal(rows[0].methods.find((m) => m.method === "static-peak")!.mase, null);
        // The floor bound: a hindsight floor per day never costs more than no floor at all, and
        // no method that keeps cap hits at zero beats the hindsight bound by more than the
        // approximation's slack (the curve prices floors from one replay).
        for (const row of rows) {
            const fb = row.floorBound!;
            assert.ok(fb.hindsight <= fb.noFloor + 1e-12, `${fb.hindsight} vs ${fb.noFloor}`);
            for (const m of row.methods.filter((x) => x.capHitPct === 0 && x.method !== "seed"))
                assert.ok(m.weightedCost >= fb.hindsight * 0.98, `${row.p99Pods} ${m.method} ${m.weightedCost} vs ${fb.hindsight}`);
        }
        const md = formatBench({ series: rows, speed: { forecastMs: 1, jsonParseMs: 1, ratio: 1 }, skipped: [] });
        assert.ok(md.includes("### smoke.csv · p99 needs 20 pods · 2 origins"));
        assert.match(md, /with the best floor of each day chosen in hindsight, \d\.\d{3}\./);
        assert.equal(
            benchSeries("short.csv", parseSeriesText("timestamp,value\n1,1\n2,2\n", "short.csv")[0]),
            "short.csv: 0.00 days is too short for 7 training days and a test day",
        );
    });
});

describe("npm run bench:forecast --json", () => {
    test("one JSON document in the issue's shape, on a folder it has never seen (CSV and query_range, auto-detected)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-json-"));
        try {
            // 9 days at 5 minutes as CSV, and 9 days at 10 minutes as query_range, in a subfolder.
            const wave = (i: number, per: number) => Math.round(100 + 60 * Math.sin((2 * Math.PI * i) / per) + ((i * 7919) % 17));
            const csv = ["timestamp,value", ...Array.from({ length: 9 * 288 }, (_, i) => `${1700006400 + i * 300},${wave(i, 288)}`)];
            fs.writeFileSync(path.join(dir, "a.csv"), csv.join("\n") + "\n");
            fs.mkdirSync(path.join(dir, "sub"));
            const values = Array.from({ length: 9 * 144 }, (_, i) => [1700006400 + i * 600, String(wave(i, 144) * 3)]);
            fs.writeFileSync(
                path.join(dir, "sub", "b.query_range.json"),
                JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: { __name__: "x" }, values }] } }),
            );
            const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "tools/benchForecast.ts"), "--data", dir, "--json"], {
                cwd: ROOT,
                encoding: "utf8",
            });
            assert.equal(r.status, 0, r.stderr);
            const doc = JSON.parse(r.stdout) as {
                series: Array<{ name: string; p99Pods: number; origins: number; methods: Array<Record<string, unknown>> }>;
                speed: Record<string, number>;
            };
            assert.deepEqual(Object.keys(doc), ["series", "speed"]);
            assert.deepEqual(
                doc.series.map((s) => [s.name, s.p99Pods, s.origins]),
                [
                    ["a.csv", 5, 2],
                    ["a.csv", 20, 2],
                    ["a.csv", 100, 2],
                    [path.join("sub", "b.query_range.json"), 5, 2],
                    [path.join("sub", "b.query_range.json"), 20, 2],
                    [path.join("sub", "b.query_range.json"), 100, 2],
                ],
            );
            for (const s of doc.series) {
                assert.deepEqual(Object.keys(s), ["name", "p99Pods", "origins", "methods"]);
                assert.deepEqual(
                    s.methods.map((m) => m.method),
                    [...METHODS],
                );
                for (const m of s.methods) {
                    assert.deepEqual(Object.keys(m), [
                        "method",
                        "mase",
                        "bandCoverage",
                        "maxCoverage",
                        "replicaHoursRatio",
                        "underProvisionedPct",
                        "capHitPct",
                        "shortfallRatio",
                        "weightedCost",
                    ]);
                    const method = String(m.method);
                    const forecasts = !["reactive-3-50", "static-peak"].includes(method);
                    for (const k of ["mase", "bandCoverage", "maxCoverage"])
                        assert.equal(typeof m[k], forecasts ? "number" : "object", `${method} ${k}`);
                    if (!forecasts) assert.equal(m.mase, null);
                    for (const k of ["underProvisionedPct", "capHitPct"])
                        assert.ok((m[k] as number) >= 0 && (m[k] as number) <= 100, `${method} ${k}`);
                    assert.ok(
                        (m.weightedCost as number) >= (m.replicaHoursRatio as number) - 1e-9,
                        `${method}: cost includes replica-hours`,
                    );
                }
            }
            assert.deepEqual(Object.keys(doc.speed), ["forecastMs", "jsonParseMs", "ratio"]);
            assert.ok(doc.speed.forecastMs > 0 && doc.speed.jsonParseMs > 0);
            assert.ok(Math.abs(doc.speed.ratio - doc.speed.forecastMs / doc.speed.jsonParseMs) < 1e-9);
            // Progress goes to stderr, never into the JSON.
            assert.match(r.stderr, /speed: the dev stack's whole forecasting step/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
