/**
 * Issue 13, property tests of the forecasting step's entry points: random export files (CSV,
 * query_range bodies, random bytes, huge numbers, odd timestamps, links out of the directory)
 * through `programForecast` (what `pulumi preview`, `npm run render` and `npm run forecast` run),
 * and the pieces that must hold for any input (the JSON scanner, ingest messages). Each is
 * bounded in runs and time. The CLI's and the URLs' properties are the tools' tests
 * (test/unit/tools/forecast.test.ts, test/unit/tools/forecast/live.test.ts).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parseConfig, rawConfig } from "../../../config/parse";
import type { AppConfig } from "../../../config/schema";
import { IngestError, jsonSyntaxError, parseSeriesText } from "../../../forecast/ingest";
import { programForecast } from "../../../forecast/program";
import { markdownReport } from "../../../tools/forecast/report";
import { readStackConfig } from "../../../config/stackFile";

/** The project root: Pulumi.yaml, the stack files and exports/. */
const PROJECT_DIR = path.resolve(__dirname, "../../..");

const SECRET = "ghp_PLANTED5ECRET";
const DEV_FILES = fs.readdirSync(path.join(PROJECT_DIR, "exports/dev")).filter((f) => /\.(csv|json)$/.test(f));
const CONFIG: AppConfig = parseConfig(rawConfig(readStackConfig(PROJECT_DIR, "dev").config, "dev"), "dev");

/** Node's fs module itself, whose readers are wrapped to record every path opened. */
const nodeFs = createRequire(__filename)("node:fs") as Record<string, unknown>;
function recordReads<T>(f: () => T): { result: T; opened: string[] } {
    const opened: string[] = [];
    const names = ["readFileSync", "openSync", "readFile", "open", "createReadStream"] as const;
    const saved = names.map((n) => nodeFs[n]);
    names.forEach((n, i) => {
        const orig = saved[i] as (...a: unknown[]) => unknown;
        nodeFs[n] = (...a: unknown[]) => {
            if (typeof a[0] === "string" || Buffer.isBuffer(a[0])) opened.push(String(a[0]));
            return orig(...a);
        };
    });
    try {
        return { result: f(), opened };
    } finally {
        names.forEach((n, i) => (nodeFs[n] = saved[i]));
    }
}

// ---- generators of export files ---------------------------------------------------------------

const T0 = 1_700_000_000;
const timestampCell = fc.oneof(
    fc.integer({ min: T0 - 30 * 86400, max: T0 + 30 * 86400 }).map(String),
    fc.integer({ min: T0 - 30 * 86400, max: T0 }).map((t) => String(t * 1000)), // milliseconds
    fc.bigInt({ min: 10n ** 17n, max: 10n ** 19n }).map(String), // nanoseconds
    fc.integer({ min: -1e9, max: 1e4 }).map(String), // before or just after 1970
    fc.double({ noNaN: false }).map(String),
    fc.date({ min: new Date("1969-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom("2024-02-30 00:00:00", "yesterday", "", "1e999", "0x10", "2024-01-01T24:00:00Z"),
    fc.string({ maxLength: 12 }),
);
const valueCell = fc.oneof(
    fc.double().map(String),
    fc.constantFrom("NaN", "+Inf", "-Inf", "", "1e308", "1.7e308", "-1", "0", "900", "1e15", "1e16", "abc", '"1"', SECRET),
    fc.integer({ min: 0, max: 1e6 }).map(String),
);
/** Any CSV-ish text: headers, rows and separators of every shape. */
const randomCsv = fc
    .tuple(
        fc.constantFrom("timestamp,value\n", "ts,a,b\n", "", `${SECRET}\n`, `user,${SECRET}\n`, "\ufefftimestamp,value\r\n", "# comment\n"),
        fc.array(fc.tuple(timestampCell, fc.array(valueCell, { minLength: 0, maxLength: 3 })), { maxLength: 60 }),
        fc.constantFrom("\n", "\r\n"),
    )
    .map(([header, rows, nl]) => header + rows.map(([t, vs]) => [t, ...vs].join(",")).join(nl));
/** A plausible export: a regular series with the defects real ones have (gaps, spikes, duplicates, huge values). */
const plausibleSeries = fc
    .record({
        start: fc.integer({ min: T0 - 40 * 86400, max: T0 }),
        step: fc.constantFrom(1, 15, 60, 300, 3600, 7200, 86400),
        n: fc.integer({ min: 0, max: 1500 }),
        level: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e9, noNaN: true })),
        defects: fc.array(fc.tuple(fc.nat(), fc.constantFrom("gap", "spike", "dup", "huge", "nan", "negative", "future")), {
            maxLength: 6,
        }),
        json: fc.boolean(),
    })
    .map(({ start, step, n, level, defects, json }) => {
        const pts: Array<[number, string]> = [];
        for (let i = 0; i < n; i++) pts.push([start + i * step, String(level * (1 + 0.5 * Math.sin((i * step * 2 * Math.PI) / 86400)))]);
        for (const [k, kind] of defects) {
            if (!pts.length) break;
            const i = k % pts.length;
            if (kind === "gap") pts.splice(i, Math.min(pts.length - i, 1 + (k % 500)));
            else if (kind === "spike") pts[i] = [pts[i][0], String(level * 1000 + 900)];
            else if (kind === "dup") pts.push([pts[i][0], String(level * 2 + 1)]);
            else if (kind === "huge") pts[i] = [pts[i][0], "1e308"];
            else if (kind === "nan") pts[i] = [pts[i][0], "NaN"];
            else if (kind === "negative") pts[i] = [pts[i][0], "-5"];
            else pts.push([4102444800, "1"]); // 2100-01-01
        }
        return json
            ? JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: { __name__: "x" }, values: pts }] } })
            : ["timestamp,value", ...pts.map(([t, v]) => `${t},${v}`)].join("\n") + "\n";
    });
/** query_range-ish JSON of any shape. */
const randomQueryRange = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc
        .record({
            status: fc.constantFrom("success", "error", SECRET, 5),
            resultType: fc.constantFrom("matrix", "vector", SECRET),
            values: fc.array(fc.tuple(fc.oneof(timestampCell.map(Number), fc.constant(SECRET)), valueCell), { maxLength: 40 }),
        })
        .map(({ status, resultType, values }) =>
            JSON.stringify({ status, data: { resultType, result: [{ metric: { a: "b" }, values }] } }),
        ),
    fc.constantFrom("{", '{"status":', "[]", "null", `{"token": ${SECRET}}`),
);
type Planted =
    | { readonly kind: "text"; readonly text: string }
    | { readonly kind: "bytes"; readonly bytes: Uint8Array }
    | { readonly kind: "link-out" | "link-in" | "dir" | "missing" | "keep" };
const planted: fc.Arbitrary<Planted> = fc.oneof(
    { weight: 4, arbitrary: plausibleSeries.map((text) => ({ kind: "text" as const, text })) },
    { weight: 2, arbitrary: randomCsv.map((text) => ({ kind: "text" as const, text })) },
    { weight: 2, arbitrary: randomQueryRange.map((text) => ({ kind: "text" as const, text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ kind: "bytes" as const, bytes })) },
    {
        weight: 1,
        arbitrary: fc.constantFrom<Planted>(
            { kind: "link-out" },
            { kind: "link-in" },
            { kind: "dir" },
            { kind: "missing" },
            { kind: "keep" },
        ),
    },
);

/** The stack's guardrails of a workload, as the step applies them. */
function guardOf(name: string): { lowest: number; max: number } {
    const f = CONFIG.forecast;
    const g = name === "api" ? f.guardrails.api : f.guardrails.workers[name.slice("worker-".length) as "queue"];
    return { lowest: Math.max(g.minReplicas, f.policyMinimum, 1), max: Math.max(g.maxReplicas, f.policyMinimum) };
}

describe("property: any export files through the step (programForecast)", () => {
    test("bounds within the guardrails with min < max, or a documented fallback; never a throw, a zero-peak plan, a read outside the exports directory or the planted secret", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "fc-prop-"));
        const outside = path.join(root, "secret.txt");
        fs.writeFileSync(outside, `timestamp,value\n${T0},1\n${T0 + 300},2\n# ${SECRET}\n`);
        let run = 0;
        const seen = new Set<string>();
        try {
            fc.assert(
                fc.property(
                    fc.array(planted, { minLength: DEV_FILES.length, maxLength: DEV_FILES.length }),
                    fc.boolean(),
                    (files, withNow) => {
                        const project = path.join(root, `p${run++}`);
                        const dir = path.join(project, "exports/dev");
                        fs.mkdirSync(dir, { recursive: true });
                        DEV_FILES.forEach((name, i) => {
                            const p = files[i];
                            const target = path.join(dir, name);
                            if (p.kind === "text") fs.writeFileSync(target, p.text);
                            else if (p.kind === "bytes") fs.writeFileSync(target, p.bytes);
                            else if (p.kind === "link-out") fs.symlinkSync(outside, target);
                            else if (p.kind === "link-in") {
                                fs.copyFileSync(path.join(PROJECT_DIR, "exports/dev", name), path.join(dir, `real-${name}`));
                                fs.symlinkSync(`real-${name}`, target);
                            } else if (p.kind === "dir") fs.mkdirSync(target);
                            else if (p.kind === "keep") fs.copyFileSync(path.join(PROJECT_DIR, "exports/dev", name), target);
                        });
                        const now = withNow ? new Date((T0 + 86400) * 1000) : undefined;
                        const { result: f, opened } = recordReads(() =>
                            programForecast({ stack: "dev", projectDir: project, config: CONFIG, now }),
                        );
                        const real = fs.realpathSync(dir);
                        for (const p of opened) assert.ok(p.startsWith(real + path.sep), `read outside the exports directory: ${p}`);
                        for (const w of f.result.workloads) {
                            const g = guardOf(w.name);
                            const b = w.proposed;
                            // dev's report and cleanup scale to zero: their min stays 0, with a note last.
                            const zero = w.name !== "api" && CONFIG.workers[w.name.slice("worker-".length) as "queue"].scaleToZero;
                            const warnings = zero ? w.warnings.slice(0, -1) : w.warnings;
                            if (zero) assert.match(w.warnings[w.warnings.length - 1], /^scales to zero: minReplicas stays 0 /);
                            assert.ok(b.minReplicas < b.maxReplicas, `${w.name}: ${b.minReplicas}..${b.maxReplicas} is inert`);
                            assert.ok(
                                (zero ? b.minReplicas === 0 : b.minReplicas >= g.lowest && b.minReplicas >= 1) && b.maxReplicas <= g.max,
                                `${w.name}: ${b.minReplicas}..${b.maxReplicas}`,
                            );
                            seen.add(w.raw ? "sized" : "fallback");
                            if (w.raw)
                                assert.ok(
                                    w.metrics.some((m) => m.forecastPeak > 0 || m.recentPeak > 0),
                                    `${w.name}: sized from a zero peak`,
                                );
                            else
                                assert.match(
                                    warnings[warnings.length - 1],
                                    new RegExp(`^${w.name}: kept the guardrail defaults \\d+\\.\\.\\d+$`),
                                );
                        }
                        for (const n of f.dataTier.counts) {
                            seen.add(n.fallback ? "count fallback" : "count sized");
                            if (n.fallback) assert.equal(n.proposed, n.configured, n.key);
                            else
                                assert.ok(
                                    Object.values(n.peaks).some((p) => p > 0),
                                    `${n.key}: sized from a zero peak`,
                                );
                        }
                        const shown = [...f.warnings, markdownReport(f.result, f.dataTier)].join("\n");
                        assert.doesNotMatch(shown, /a bug in the forecasting step/, shown);
                        assert.ok(!shown.includes(SECRET), "the planted secret reached a message");
                        fs.rmSync(project, { recursive: true, force: true });
                    },
                ),
                { numRuns: 60, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false, seed: 13 },
            );
            // Not vacuous: workloads and counts were both sized and refused.
            assert.deepEqual([...seen].sort(), ["count fallback", "count sized", "fallback", "sized"]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});

describe("property: ingest", () => {
    test("any text or bytes: series, or an IngestError naming a position; never another error, never the content", () => {
        const content = fc.oneof(
            randomCsv,
            randomQueryRange,
            plausibleSeries,
            fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString("utf8")),
            fc.string({ maxLength: 200 }).map((s) => `${s}${SECRET}${s}`),
        );
        fc.assert(
            fc.property(content, fc.boolean(), (text, counter) => {
                try {
                    parseSeriesText(text, "e.x", { counter });
                } catch (e) {
                    assert.ok(e instanceof IngestError, String(e));
                    assert.match(e.position, /^(line \d+(, column \d+)?|\$[\w.[\]]*|JSON)$/);
                    assert.ok(!e.message.includes(SECRET), e.message);
                }
            }),
            { numRuns: 1500, seed: 13 },
        );
    });
    test("jsonSyntaxError agrees with JSON.parse on what is JSON, and points inside the text", () => {
        const alphabet = fc.constantFrom(...'{}[]:,"\\ \n0123456789.-+eEtrufalsn/ub'.split(""));
        const jsonish = fc.oneof(
            fc.jsonValue().map((v) => JSON.stringify(v, null, 1)),
            fc.jsonValue().map((v) => {
                const s = JSON.stringify(v);
                return s.slice(0, Math.floor(s.length / 2));
            }),
            fc.array(alphabet, { maxLength: 40 }).map((a) => a.join("")),
        );
        fc.assert(
            fc.property(jsonish, (text) => {
                let valid = true;
                try {
                    JSON.parse(text);
                } catch {
                    valid = false;
                }
                const e = jsonSyntaxError(text);
                assert.equal(e === undefined, valid, `${JSON.stringify(text)}: ${JSON.stringify(e)}`);
                if (e) assert.ok(e.pos >= 0 && e.pos <= text.length);
            }),
            { numRuns: 3000, seed: 13 },
        );
    });
});
