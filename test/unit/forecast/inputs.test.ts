/**
 * Issue 13, the forecasting step's inputs and outputs: each defect found by probing the step with
 * bad exports and paths, as a regression test with the exact message. The property tests over the
 * same entry points are in properties.test.ts; the URLs, the refresh and the CLI are the tools'
 * (test/unit/tools/forecast/).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../../config/errors";
import { parseConfig, rawConfig } from "../../../config/parse";
import type { AppConfig } from "../../../config/schema";
import { forecastDataTier } from "../../../forecast/dataTier";
import { MAX_EXPORT_BYTES, readExport, resolveExportsDir } from "../../../forecast/exportFiles";
import { exportsLocation, workloadInputs } from "../../../forecast/mapping";
import { programForecast } from "../../../forecast/program";
import { markdownReport } from "../../../tools/forecast/report";
import { forecastStack, type StackInput } from "../../../forecast/stack";
import { readStackConfig } from "../../../config/stackFile";

/** The project root: Pulumi.yaml, the stack files and exports/. */
const PROJECT_DIR = path.resolve(__dirname, "../../..");

const DEV_EXPORTS = path.join(PROJECT_DIR, "exports/dev");

/** dev's config as the program reads it, `forecast` fields replaced (parsed: config.ts' own rules run). */
function devConfig(forecast: Record<string, unknown> = {}, top: Record<string, unknown> = {}): AppConfig {
    const raw = rawConfig(readStackConfig(PROJECT_DIR, "dev").config, "dev");
    return parseConfig({ ...raw, ...top, forecast: { ...(raw.forecast as object), ...forecast } }, "dev");
}

/** A parsed config with `forecast` fields replaced WITHOUT config.ts' checks: the step's own checks are under test. */
function unchecked(c: AppConfig, forecast: Record<string, unknown>): AppConfig {
    return { ...structuredClone(c), forecast: { ...structuredClone(c.forecast), ...forecast } };
}

/** A project folder with a copy of dev's exports in exports/dev, removed after `f`. */
async function withProject<T>(f: (project: string, dir: string) => T | Promise<T>): Promise<T> {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "fc-in-"));
    const dir = path.join(project, "exports/dev");
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(DEV_EXPORTS)) fs.copyFileSync(path.join(DEV_EXPORTS, f), path.join(dir, f));
    try {
        return await f(project, dir);
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }
}

const devInput = (baseDir: string): StackInput => ({ stack: "dev", baseDir, workloads: workloadInputs(devConfig(), "dev") });
const api = (baseDir: string): StackInput => ({ ...devInput(baseDir), workloads: devInput(baseDir).workloads.slice(0, 1) });
const appendCsv = (file: string, line: string) => fs.appendFileSync(file, `${line}\n`);

/** Node's fs module itself (the `import * as` view of it is read-only): its readers are wrapped to record what is opened. */
const nodeFs = createRequire(__filename)("node:fs") as Record<string, unknown>;
export function recordReads<T>(f: () => T): { result: T; opened: string[] } {
    const opened: string[] = [];
    const names = ["readFileSync", "openSync", "readFile", "open", "createReadStream"] as const;
    const saved = names.map((n) => nodeFs[n]);
    names.forEach((n, i) => {
        const orig = saved[i] as (...a: unknown[]) => unknown;
        nodeFs[n] = (...a: unknown[]) => {
            if (typeof a[0] === "string" || a[0] instanceof URL || Buffer.isBuffer(a[0])) opened.push(String(a[0]));
            return orig(...a);
        };
    });
    try {
        return { result: f(), opened };
    } finally {
        names.forEach((n, i) => (nodeFs[n] = saved[i]));
    }
}

describe("issue 13 #1: the forecast never makes an HPA inert, and says when the guardrail caps it", () => {
    test("a floor that reaches the guardrail's max: min lowered below it, both adjustments are warnings", () => {
        const input = devInput(DEV_EXPORTS);
        const queue = input.workloads[1];
        const r = forecastStack({ ...input, workloads: [{ ...queue, guardrails: { minReplicas: 1, maxReplicas: 2, policyMinimum: 1 } }] });
        const w = r.workloads[0];
        // Before: 2..2, exit 0 and no warning, and hpa-bounds-valid then blocked the preview.
        assert.deepEqual(w.proposed, { minReplicas: 1, maxReplicas: 2 });
        assert.deepEqual(w.raw, { minReplicas: 2, maxReplicas: 101 });
        assert.deepEqual(w.warnings, [
            "worker-queue: the forecast needs 101 replicas at its peak, above forecast.guardrails.workers.queue.maxReplicas (2): capped at the guardrail; raise it, or expect the HPA to sit at its maximum at the peak",
            "worker-queue: the floor the replay needs reaches forecast.guardrails.workers.queue.maxReplicas (2): minReplicas lowered to 1 so that the HPA can still scale (min = max never does); raise the guardrail",
        ]);
        assert.ok(markdownReport(r).includes(`- ⚠️ ${w.warnings[0]}`));
    });
    test("guardrails that leave no room (max not above min and the policy minimum) are a config error naming the key", () => {
        const input = devInput(DEV_EXPORTS);
        for (const [i, g, key, shown] of [
            [0, { minReplicas: 3, maxReplicas: 3, policyMinimum: 3 }, "forecast.guardrails.api", "3..3"],
            [1, { minReplicas: 2, maxReplicas: 2, policyMinimum: 1 }, "forecast.guardrails.workers.queue", "2..2"],
        ] as const)
            assert.throws(() => forecastStack({ ...input, workloads: [{ ...input.workloads[i], guardrails: g }] }), {
                name: "ConfigError",
                message: `Pulumi.dev.yaml: ${key} with forecast.policyMinimum (${g.policyMinimum}) allows the forecast only ${shown}: ${key}.maxReplicas must be above ${g.minReplicas}, or the HPA would get minReplicas = maxReplicas and never scale`,
            });
    });
    test("configured bounds entirely outside the guardrails (1..4 under 50..51) are a warning, and never give min = max", () => {
        const input = api(DEV_EXPORTS);
        const w = forecastStack({
            ...input,
            workloads: [{ ...input.workloads[0], guardrails: { minReplicas: 50, maxReplicas: 51, policyMinimum: 1 } }],
        }).workloads[0];
        assert.deepEqual(w.proposed, { minReplicas: 50, maxReplicas: 51 });
        assert.equal(
            w.warnings[0],
            "api: the configured bounds 1..4 lie outside forecast.guardrails.api (50..51 with forecast.policyMinimum): the forecast keeps to the guardrails",
        );
        // The fallback (a missing export) too: 50..50 before.
        const fell = forecastStack({
            ...input,
            workloads: [
                {
                    ...input.workloads[0],
                    guardrails: { minReplicas: 50, maxReplicas: 100, policyMinimum: 1 },
                    metrics: [{ ...input.workloads[0].metrics[0], file: "nope.csv" }],
                },
            ],
        }).workloads[0];
        assert.deepEqual(fell.proposed, { minReplicas: 50, maxReplicas: 51 });
        assert.deepEqual(fell.warnings.slice(1), ["export nope.csv for requests is missing", "api: kept the guardrail defaults 50..51"]);
    });
});

describe("issue 13 #3: future data and an empty training window fall back, with a warning that says so", () => {
    test("one point dated 2030 in the API's exports: the configured bounds, and why (workloads and data tier)", async () => {
        await withProject((project, dir) => {
            for (const f of ["api-cpu.csv", "api-memory.csv", "api-latency-p95.csv", "redis-memory-used.csv"])
                appendCsv(path.join(dir, f), "1900000000,0.1");
            const j = JSON.parse(fs.readFileSync(path.join(dir, "api-requests.query_range.json"), "utf8")) as {
                data: { result: { values: unknown[] }[] };
            };
            j.data.result[0].values.push([1900000000, "5"]);
            fs.writeFileSync(path.join(dir, "api-requests.query_range.json"), JSON.stringify(j));
            const f = programForecast({
                stack: "dev",
                projectDir: project,
                config: devConfig({ maxAgeDays: 30 }),
                now: new Date("1995-07-27T00:00:00Z"),
            });
            const future = (file: string, what: string) =>
                `export ${file} for ${what} ends 2030-03-17T17:46:40.000Z, after the time of this run (1995-07-27T00:00:00.000Z): data dated in the future is not a measurement`;
            // Before: 1..4 -> 1..2 from a peak of 0, with only a "too few points" note.
            assert.deepEqual([f.values["api.minReplicas"], f.values["api.maxReplicas"]], [1, 4]);
            assert.deepEqual(f.result.workloads[0].warnings, [
                future("api-requests.query_range.json", "requests"),
                future("api-cpu.csv", "cpu"),
                future("api-memory.csv", "memory"),
                future("api-latency-p95.csv", "latencyP95"),
                "api: kept the guardrail defaults 1..4",
            ]);
            assert.equal(f.annotations.api, undefined);
            assert.ok(
                f.warnings.includes(`forecast redis.masters: kept the configured 3: ${future("redis-memory-used.csv", "memoryUsed")}`),
                f.warnings.join("\n"),
            );
        });
    });
    test("without a staleness limit the wall clock still refuses data dated in the future", async () => {
        await withProject((project, dir) => {
            appendCsv(path.join(dir, "api-cpu.csv"), "4102444800,0.1"); // 2100-01-01
            const f = programForecast({ stack: "dev", projectDir: project, config: devConfig() });
            assert.equal(f.result.workloads[0].raw, undefined);
            assert.match(
                f.result.workloads[0].warnings[0],
                /^export api-cpu\.csv for cpu ends 2100-01-01T00:00:00\.000Z, after the time of this run \(\d{4}-/,
            );
        });
    });
    test("an hour of history after the last full hour: no data in the training window, so no sizing", async () => {
        await withProject((project, dir) => {
            const t0 = 1700000000 - (1700000000 % 3600); // on the hour: the window ends where the data starts
            const rows = Array.from({ length: 12 }, (_, i) => `${t0 + i * 300},${1 + i / 10}`);
            for (const f of ["api-cpu.csv", "api-memory.csv", "api-latency-p95.csv"])
                fs.writeFileSync(path.join(dir, f), ["timestamp,value", ...rows].join("\n") + "\n");
            fs.writeFileSync(
                path.join(dir, "api-requests.query_range.json"),
                JSON.stringify({
                    status: "success",
                    data: { resultType: "matrix", result: [{ metric: {}, values: rows.map((r) => [Number(r.split(",")[0]), "5"]) }] },
                }),
            );
            const f = programForecast({ stack: "dev", projectDir: project, config: devConfig() });
            assert.deepEqual([f.values["api.minReplicas"], f.values["api.maxReplicas"]], [1, 4]);
            assert.deepEqual(f.result.workloads[0].warnings, [
                "exports api-requests.query_range.json for requests, api-cpu.csv for cpu, api-memory.csv for memory have fewer than 2 data points each in the training window 2023-10-31T22:00:00.000Z .. 2023-11-14T22:00:00.000Z (the last 14 days before the last full 3600 s step of the workload's exports): at least 2 are needed",
                "api: kept the guardrail defaults 1..4",
            ]);
        });
    });
    test("an hour of history inside the window: too little to size from (workloads and data tier)", async () => {
        await withProject((project, dir) => {
            const t0 = 1700000000 - (1700000000 % 3600) - 3600; // 13 points to t0 + 1 h: the window holds 12 of them
            const rows = Array.from({ length: 13 }, (_, i) => `${t0 + i * 300},${1 + i / 10}`);
            for (const f of ["api-cpu.csv", "api-memory.csv", "api-latency-p95.csv", "postgres-read-queries.csv"])
                fs.writeFileSync(path.join(dir, f), ["timestamp,value", ...rows].join("\n") + "\n");
            fs.writeFileSync(
                path.join(dir, "api-requests.query_range.json"),
                JSON.stringify({
                    status: "success",
                    data: { resultType: "matrix", result: [{ metric: {}, values: rows.map((r) => [Number(r.split(",")[0]), "5"]) }] },
                }),
            );
            const f = programForecast({ stack: "dev", projectDir: project, config: devConfig() });
            const window =
                "2023-10-31T22:00:00.000Z .. 2023-11-14T22:00:00.000Z (the last 14 days before the last full 3600 s step of the workload's exports)";
            assert.deepEqual(f.result.workloads[0].warnings, [
                `export api-requests.query_range.json for requests has data over only 1.0 h, export api-cpu.csv for cpu has data over only 1.0 h, export api-memory.csv for memory has data over only 1.0 h of the training window ${window}: at least 24 h are needed to size from (a Prometheus with little history?)`,
                "api: kept the guardrail defaults 1..4",
            ]);
            assert.ok(
                f.warnings.includes(
                    "forecast postgres.replicas: kept the configured 0: export postgres-read-queries.csv for readQueries has data over only 1.0 h of the training window 2023-10-31T22:00:00.000Z .. 2023-11-14T22:00:00.000Z (the last 14 days before its last full 3600 s step): at least 24 h are needed to size from (a Prometheus with little history?)",
                ),
                f.warnings.join("\n"),
            );
        });
    });
    test("no load above 0 in the window: never a plan from a zero peak", async () => {
        await withProject((project, dir) => {
            const zero = (file: string) => {
                const lines = fs.readFileSync(path.join(dir, file), "utf8").trim().split("\n");
                fs.writeFileSync(path.join(dir, file), [lines[0], ...lines.slice(1).map((l) => `${l.split(",")[0]},0`)].join("\n") + "\n");
            };
            zero("api-cpu.csv");
            zero("api-memory.csv");
            zero("postgres-read-queries.csv");
            const j = JSON.parse(fs.readFileSync(path.join(dir, "api-requests.query_range.json"), "utf8")) as {
                data: { result: { values: [number, string][] }[] };
            };
            j.data.result[0].values = j.data.result[0].values.map(([t]) => [t, "0"]);
            fs.writeFileSync(path.join(dir, "api-requests.query_range.json"), JSON.stringify(j));
            const f = programForecast({ stack: "dev", projectDir: project, config: devConfig() });
            assert.deepEqual(f.result.workloads[0].warnings, [
                "export api-requests.query_range.json for requests, export api-cpu.csv for cpu, export api-memory.csv for memory: no load above 0 in the training window 1995-07-12T23:00:00.000Z .. 1995-07-26T23:00:00.000Z (the last 14 days before the last full 3600 s step of the workload's exports): nothing to size from",
                "api: kept the guardrail defaults 1..4",
            ]);
            assert.ok(
                f.warnings.includes(
                    "forecast postgres.replicas: kept the configured 0: export postgres-read-queries.csv for readQueries: no value above 0 in the training window 1995-07-12T23:00:00.000Z .. 1995-07-26T23:00:00.000Z (the last 14 days before its last full 3600 s step): nothing to size from",
                ),
                f.warnings.join("\n"),
            );
        });
    });
});

describe("issue 13 #4: reads are confined to the stack's exports directory", () => {
    test("an absolute or ../ series file is a config error naming the key (the step's own check, whatever config.ts accepts)", () => {
        const input = api(DEV_EXPORTS);
        const m = input.workloads[0].metrics;
        for (const [file, rule] of [
            ["/etc/passwd", "must be a relative path below its base"],
            ["../prod/api-cpu.csv", "must be a relative path below its base"],
            [
                ".git/config",
                "must not have a hidden segment (a name starting with '.'): exports are never read from hidden files or directories such as .git",
            ],
        ])
            assert.throws(
                () => forecastStack({ ...input, workloads: [{ ...input.workloads[0], metrics: [{ ...m[0], file }, ...m.slice(1)] }] }),
                (e: unknown) => {
                    assert.ok(e instanceof ConfigError);
                    assert.ok(
                        e.message.startsWith(`Pulumi.dev.yaml: forecast.series.api.requests.file (${JSON.stringify(file)}) ${rule}`),
                        e.message,
                    );
                    assert.ok(e.message.endsWith("(a file inside forecast.exportsDir, relative to it)"), e.message);
                    return true;
                },
            );
        const c = unchecked(devConfig(), {});
        (c.forecast.series.redis as { memoryUsed: { file: string } }).memoryUsed.file = "/etc/shadow";
        assert.throws(() => forecastDataTier({ config: c, stack: "dev", baseDir: DEV_EXPORTS }), {
            name: "ConfigError",
            message:
                "Pulumi.dev.yaml: forecast.series.redis.memoryUsed.file (\"/etc/shadow\") must be a relative path below its base: '/'-separated names of letters, digits, '.', '_' or '-' (not starting with '-'), no '.' or '..', no absolute path (a file inside forecast.exportsDir, relative to it)",
        });
    });
    test("the exports directory must be inside the project, also through a symbolic link", async () => {
        await withProject((project) => {
            const c = devConfig();
            assert.throws(() => exportsLocation(unchecked(c, { exportsDir: "../elsewhere" }), "dev", project).dir, {
                name: "ConfigError",
                message:
                    "Pulumi.dev.yaml: forecast.exportsDir (\"../elsewhere\") must be a relative path below its base: '/'-separated names of letters, digits, '.', '_' or '-' (not starting with '-'), no '.' or '..', no absolute path (a directory inside the project, relative to it, e.g. exports/dev)",
            });
            assert.throws(() => exportsLocation(unchecked(c, { exportsDir: "/etc" }), "dev", project).dir, { name: "ConfigError" });
            fs.symlinkSync(os.tmpdir(), path.join(project, "outside"));
            assert.throws(() => programForecast({ stack: "dev", projectDir: project, config: unchecked(c, { exportsDir: "outside" }) }), {
                name: "ConfigError",
                message:
                    'Pulumi.dev.yaml: forecast.exportsDir ("outside") must be a directory inside the project: it resolves, through a symbolic link, to one outside it (exports are read only from inside the project)',
            });
            assert.deepEqual(resolveExportsDir("", "dev", project), { dir: path.join(project, "exports/dev"), shown: "exports/dev" });
        });
    });
    test("a symbolic link that leaves the exports directory is refused, not followed; its content is never read or shown", async () => {
        await withProject((project, dir) => {
            const secret = path.join(project, "git-credentials");
            fs.writeFileSync(secret, "https://user:ghp_S3CR3TT0KEN@github.com\n");
            fs.rmSync(path.join(dir, "api-cpu.csv"));
            fs.symlinkSync(secret, path.join(dir, "api-cpu.csv"));
            // A link inside the directory is followed.
            fs.renameSync(path.join(dir, "api-memory.csv"), path.join(dir, "memory-real.csv"));
            fs.symlinkSync("memory-real.csv", path.join(dir, "api-memory.csv"));
            const config = devConfig();
            const { result: f, opened } = recordReads(() => programForecast({ stack: "dev", projectDir: project, config }));
            assert.deepEqual(f.result.workloads[0].warnings, [
                "export api-cpu.csv for cpu is a symbolic link to a file outside exports/dev: refused (exports are read only from inside the exports directory)",
                "api: kept the guardrail defaults 1..4",
            ]);
            const real = fs.realpathSync(dir);
            assert.ok(opened.length > 0 && opened.every((p) => p.startsWith(real + path.sep)), opened.join("\n"));
            assert.ok(opened.includes(path.join(real, "memory-real.csv")));
            assert.doesNotMatch(JSON.stringify(f), /S3CR3T/);
        });
    });
    test("a file inside the directory that is not an export: the position, never its content", async () => {
        await withProject((project, dir) => {
            fs.writeFileSync(path.join(dir, "api-cpu.csv"), "user,ghp_S3CR3TT0KEN\nadmin,hunter2-S3CR3T\n");
            fs.writeFileSync(path.join(dir, "api-memory.csv"), "ghp_S3CR3TT0KEN\n");
            fs.writeFileSync(path.join(dir, "api-requests.query_range.json"), '{"token": ghp_S3CR3TT0KEN}');
            const f = programForecast({ stack: "dev", projectDir: project, config: devConfig() });
            assert.deepEqual(f.result.workloads[0].warnings, [
                "export api-requests.query_range.json for requests: line 1, column 11: invalid JSON: unexpected character where a value should be",
                "export api-cpu.csv for cpu: line 2, column 1: the timestamp is not a date (YYYY-MM-DD[ HH:MM[:SS]], ISO 8601) or unix seconds or milliseconds",
                "export api-memory.csv for memory: line 1: the header needs a timestamp column and at least one value column, comma-separated (it has one column)",
                "api: kept the guardrail defaults 1..4",
            ]);
            assert.doesNotMatch(JSON.stringify(f.warnings), /S3CR3T|hunter2/);
        });
    });
});

describe("issue 13 #6 and #10: clear messages for malformed, oversized and odd exports", () => {
    test("nanosecond timestamps: the file, the line and what is expected (was: Invalid time value)", async () => {
        await withProject((project, dir) => {
            const lines = fs.readFileSync(path.join(dir, "api-cpu.csv"), "utf8").trim().split("\n");
            fs.writeFileSync(
                path.join(dir, "api-cpu.csv"),
                [lines[0], ...lines.slice(1).map((l) => `${l.split(",")[0]}000000000,${l.split(",")[1]}`)].join("\n") + "\n",
            );
            const f = programForecast({ stack: "dev", projectDir: project, config: devConfig() });
            assert.equal(
                f.result.workloads[0].warnings[0],
                "export api-cpu.csv for cpu: line 2, column 1: the timestamp is after the year 9999: numeric timestamps are unix seconds or milliseconds (not micro- or nanoseconds)",
            );
        });
    });
    test("a 600 MB export is too large, a directory is a directory, not 'missing'", async () => {
        await withProject((project, dir) => {
            fs.rmSync(path.join(dir, "api-cpu.csv"));
            fs.writeFileSync(path.join(dir, "api-cpu.csv"), "");
            fs.truncateSync(path.join(dir, "api-cpu.csv"), 600 * 1024 * 1024); // sparse: nothing is written
            fs.rmSync(path.join(dir, "api-memory.csv"));
            fs.mkdirSync(path.join(dir, "api-memory.csv"));
            const f = programForecast({ stack: "dev", projectDir: project, config: devConfig() });
            assert.deepEqual(f.result.workloads[0].warnings, [
                "export api-cpu.csv for cpu is too large (600.0 MiB > the 256.0 MiB limit)",
                "export api-memory.csv for memory is a directory, not a file",
                "api: kept the guardrail defaults 1..4",
            ]);
            assert.equal(MAX_EXPORT_BYTES, 256 * 1024 * 1024);
            assert.deepEqual(readExport(dir, "nope.csv", "exports/dev"), { ok: false, reason: "is missing" });
        });
    });
});

describe("issue 13 #9: suspicious data is a warning, not a silent repair", () => {
    const sized = (dir: string) => forecastStack(api(dir)).workloads[0];
    test("duplicated timestamps with conflicting values", async () => {
        await withProject((_, dir) => {
            const lines = fs.readFileSync(path.join(dir, "api-cpu.csv"), "utf8").trim().split("\n");
            // The whole export twice, the second copy with other values.
            fs.writeFileSync(
                path.join(dir, "api-cpu.csv"),
                [...lines, ...lines.slice(1).map((l) => `${l.split(",")[0]},${Number(l.split(",")[1]) * 1.5}`)].join("\n") + "\n",
            );
            const w = sized(dir);
            assert.ok(w.raw, "still sized");
            assert.ok(
                w.warnings.includes(
                    "export api-cpu.csv for cpu: 4032 timestamp(s) have several different values (the first at 1995-07-13T00:00:00Z): kept the last value of each; two exports concatenated, or series that should have been summed?",
                ),
                w.warnings.join("\n"),
            );
            assert.ok(w.notes.includes("export api-cpu.csv for cpu: 4032 duplicate timestamp(s): kept the last value"));
        });
    });
    test("a 4-day gap is listed", async () => {
        await withProject((_, dir) => {
            const lines = fs.readFileSync(path.join(dir, "api-cpu.csv"), "utf8").trim().split("\n");
            fs.writeFileSync(path.join(dir, "api-cpu.csv"), lines.filter((_, i) => !(i > 1000 && i < 1000 + 4 * 288)).join("\n") + "\n");
            assert.ok(
                sized(dir).warnings.includes(
                    "export api-cpu.csv for cpu: 1 gap(s) of 6.0 h or more without data: 1995-07-16T11:15:00Z .. 1995-07-20T11:15:00Z (4.0 d); nothing is forecast or replayed from them",
                ),
            );
        });
    });
    test("one 900-core outlier that lifts max to the guardrail: both said", async () => {
        await withProject((_, dir) => {
            const lines = fs.readFileSync(path.join(dir, "api-cpu.csv"), "utf8").trim().split("\n");
            lines[3000] = `${lines[3000].split(",")[0]},900`;
            fs.writeFileSync(path.join(dir, "api-cpu.csv"), lines.join("\n") + "\n");
            const w = sized(dir);
            assert.deepEqual(w.proposed, { minReplicas: 1, maxReplicas: 10 });
            assert.ok(
                w.warnings.includes(
                    "export api-cpu.csv for cpu: 1 isolated value(s) above 10 × the 99th percentile (0.126), the highest 900 at 1995-07-23T09:55:00Z: kept (a real burst is never dropped), but one bad sample can raise maxReplicas or a count to its guardrail: check the export",
                ),
                w.warnings.join("\n"),
            );
            assert.ok(
                w.warnings.some((x) =>
                    x.startsWith("api: the forecast needs 6172 replicas at its peak, above forecast.guardrails.api.maxReplicas (10)"),
                ),
            );
        });
    });
    test("1e308 values are gaps, with a warning (they overflowed every sum)", async () => {
        await withProject((_, dir) => {
            const lines = fs.readFileSync(path.join(dir, "api-cpu.csv"), "utf8").trim().split("\n");
            lines[3000] = `${lines[3000].split(",")[0]},1e308`;
            lines[3001] = `${lines[3001].split(",")[0]},1.7e308`;
            fs.writeFileSync(path.join(dir, "api-cpu.csv"), lines.join("\n") + "\n");
            const w = sized(dir);
            assert.deepEqual(w.proposed, { minReplicas: 1, maxReplicas: 2 });
            assert.ok(
                w.warnings.includes(
                    "export api-cpu.csv for cpu: 2 value(s) above 1.000e+15 treated as gaps (the first, 1.000e+308, at 1995-07-23T09:55:00Z): no load is that large (an overflowed counter or a unit mistake?)",
                ),
                w.warnings.join("\n"),
            );
        });
    });
    test("the data tier's exports get the same warnings, in the step's warnings and the report", async () => {
        await withProject((project, dir) => {
            appendCsv(path.join(dir, "postgres-read-queries.csv"), "806802900,999999");
            const f = programForecast({ stack: "dev", projectDir: project, config: devConfig() });
            const w =
                "forecast postgres.replicas: export postgres-read-queries.csv for readQueries: 1 timestamp(s) have several different values (the first at 1995-07-26T23:55:00Z): kept the last value of each; two exports concatenated, or series that should have been summed?";
            assert.ok(f.warnings.includes(w), f.warnings.join("\n"));
            assert.ok(markdownReport(f.result, f.dataTier).includes(`- ⚠️ ${w}`));
        });
    });
});
