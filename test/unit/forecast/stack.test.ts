import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { workloadInputs } from "../../../forecast/mapping";
import { ANNOTATION, forecastStack, type StackInput } from "../../../forecast/stack";
import { readAppConfig } from "../../../config/stackFile";

const ROOT = path.resolve(__dirname, "../../..");
const devDir = path.join(ROOT, "exports/dev");
/** The dev stack's workloads as the program maps them (Pulumi.dev.yaml forecast.series). */
const devInput = (baseDir: string): StackInput => ({ stack: "dev", baseDir, workloads: workloadInputs(readAppConfig(ROOT, "dev"), "dev") });
const dev = () => devInput(devDir);

describe("forecastStack (the workloads of a stack)", () => {
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
    });
    test("dev's sizing, worked from the peaks the step reports (issue 20: not a second run of the same code)", () => {
        const a = forecastStack(dev());
        // The raw max is max over metrics of ceil(max(forecast peak, recent peak) × 1.2 / (capacity × target)):
        // the api's cpu: 0.15 cores × 1.2 = 0.18 > 0.25 × 0.7 = 0.175 per pod → 2 pods; the queue:
        // 837 items × 1.2 = 1004.4 ÷ 10 per pod → 101, capped at dev's guardrail 10 (the warning above).
        assert.deepEqual(
            a.workloads.map((w) => [w.name, w.current, w.raw, w.proposed]),
            [
                ["api", { minReplicas: 1, maxReplicas: 4 }, { minReplicas: 1, maxReplicas: 2 }, { minReplicas: 1, maxReplicas: 2 }],
                [
                    "worker-queue",
                    { minReplicas: 1, maxReplicas: 3 },
                    { minReplicas: 1, maxReplicas: 101 },
                    { minReplicas: 1, maxReplicas: 10 },
                ],
                // The agent's forecast peak (157.8 items, above its recent 98) × 1.2 ÷ 10 → 19, within
                // the default guardrail; the report's 16.1 → 2 and the cleanup's 27.2 → 4.
                [
                    "worker-agent",
                    { minReplicas: 1, maxReplicas: 3 },
                    { minReplicas: 1, maxReplicas: 19 },
                    { minReplicas: 1, maxReplicas: 19 },
                ],
                // Report and cleanup scale to zero in dev (minReplicas 0 by config): the step still
                // replays a floor of 1 (the pool awake); the program keeps their 0 (forecast/program.ts).
                [
                    "worker-report",
                    { minReplicas: 0, maxReplicas: 2 },
                    { minReplicas: 1, maxReplicas: 2 },
                    { minReplicas: 1, maxReplicas: 2 },
                ],
                [
                    "worker-cleanup",
                    { minReplicas: 0, maxReplicas: 2 },
                    { minReplicas: 1, maxReplicas: 4 },
                    { minReplicas: 1, maxReplicas: 4 },
                ],
            ],
        );
        // The largest queue lengths in exports/dev/worker-{agent,report,cleanup}.csv.
        assert.deepEqual(
            a.workloads.slice(2).map((w) => w.metrics[0].recentPeak),
            [98, 11, 15],
        );
        const cpu = a.workloads[0].metrics.find((m) => m.name === "cpu")!;
        const queue = a.workloads[1].metrics[0];
        assert.deepEqual(
            [cpu.recentPeak, cpu.capacityPerPod, cpu.targetUtilization, queue.recentPeak, queue.capacityPerPod * queue.targetUtilization],
            [0.15, 0.25, 0.7, 837, 10],
        );
        // The same rule over every metric's peaks, written out here.
        for (const w of a.workloads) {
            const pods = w.metrics.map((m) =>
                Math.ceil((Math.max(m.forecastPeak, m.recentPeak) * 1.2) / (m.capacityPerPod * m.targetUtilization) - 1e-9),
            );
            assert.equal(w.raw!.maxReplicas, Math.max(1, ...pods), w.name);
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
        // No schedule: the note names the first reason (the stale export), the warnings all of them.
        assert.deepEqual(
            [api.scheduleNote, stale.workloads[0].scheduleNote],
            [
                "not sized from metrics (export nope.json for requests is missing): the static floor",
                "not sized from metrics (export api-requests.query_range.json for requests ends 1995-07-26T23:55:00.000Z, older than 48 h; and 3 more in the warnings): the static floor",
            ],
        );
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
