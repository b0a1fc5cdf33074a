/** `npm run bench:forecast --json` (tools/benchForecast.ts) in a subprocess. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { METHODS } from "../../../tools/forecast/bench";

const ROOT = path.resolve(__dirname, "../../..");

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
                        // Issue 17: money and spot, added after the original fields.
                        "monthlyCost",
                        "spotMonthlyCost",
                        "spotWeightedCost",
                        "spotUnderProvisionedPct",
                        "spotInterruptions",
                    ]);
                    const method = String(m.method);
                    const forecasts = !["reactive-3-50", "static-peak", "hindsight-hourly"].includes(method);
                    for (const k of ["mase", "bandCoverage", "maxCoverage"])
                        assert.equal(typeof m[k], forecasts ? "number" : "object", `${method} ${k}`);
                    if (!forecasts) assert.equal(m.mase, null);
                    for (const k of ["underProvisionedPct", "capHitPct"])
                        assert.ok((m[k] as number) >= 0 && (m[k] as number) <= 100, `${method} ${k}`);
                    assert.ok(
                        (m.weightedCost as number) >= (m.replicaHoursRatio as number) - 1e-9,
                        `${method}: cost includes replica-hours`,
                    );
                    // Spot only cuts the price and only adds shortfall.
                    assert.ok((m.spotMonthlyCost as number) <= (m.monthlyCost as number) + 1e-9, `${method}: spot costs less`);
                    assert.ok(
                        (m.spotWeightedCost as number) >= (m.weightedCost as number) - 1e-9,
                        `${method}: interruptions add shortfall`,
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
