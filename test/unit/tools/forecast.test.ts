/** `npm run forecast` (tools/forecast.ts) in-process: exit codes and messages, and any command line. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { EXIT, main as forecastMain } from "../../../tools/forecast";

/** The project root: Pulumi.yaml, the stack files and exports/. */
const PROJECT_DIR = path.resolve(__dirname, "../../..");

const DEV_EXPORTS = path.join(PROJECT_DIR, "exports/dev");

/** A TCP port nothing listens on (fetch refuses the well-known "bad ports" such as 9). */
async function freePort(): Promise<number> {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    return port;
}

describe("npm run forecast: exit codes and messages (issue 13 #6)", () => {
    const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await forecastMain(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, ...env });
        return { code, out: out.join("\n"), err: err.join("\n") };
    };
    test("usage (2): a bad --now, --out a file or a foreign directory, a bad stack name", async () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-cli-"));
        try {
            fs.writeFileSync(path.join(tmp, "file"), "x");
            fs.mkdirSync(path.join(tmp, "mine"));
            fs.writeFileSync(path.join(tmp, "mine", "notes.txt"), "keep me");
            for (const [argv, message] of [
                [
                    ["--stack", "dev", "--now", "yesterday", "--out", tmp],
                    'forecast: --now "yesterday" is not a date (e.g. 2025-01-31T12:00:00Z)',
                ],
                [
                    ["--stack", "dev", "--out", path.join(tmp, "file")],
                    `forecast: --out ${path.join(tmp, "file")}: is a file, not a directory; give a directory for the report`,
                ],
                [
                    ["--stack", "dev", "--out", path.join(tmp, "mine")],
                    `forecast: --out ${path.join(tmp, "mine")}: holds "notes.txt", which the forecast did not write; give a new or empty directory (the forecast writes report.md and its charts there)`,
                ],
                [
                    ["--stack", "a/../../x", "--out", tmp],
                    'forecast: --stack "a/../../x": a stack name may only contain letters, digits, "-", "_" or "." (Pulumi\'s rule): invalid character "/" at position 1',
                ],
            ] as const) {
                const r = await run([...argv]);
                assert.deepEqual([r.code, r.err], [2, message]);
            }
            assert.equal(fs.readFileSync(path.join(tmp, "mine", "notes.txt"), "utf8"), "keep me");
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
    test("--refresh that cannot reach Prometheus (4): no password in any output, no export replaced", async () => {
        const before = fs.readdirSync(DEV_EXPORTS).map((f) => fs.statSync(path.join(DEV_EXPORTS, f)).mtimeMs);
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-cli-"));
        try {
            const port = await freePort();
            const r = await run(["--stack", "dev", "--refresh", "--out", tmp], {
                PROMETHEUS_URL: `http://admin:pa%2Fs3cret@127.0.0.1:${port}`,
            });
            assert.equal(r.code, 4);
            assert.equal(
                r.err.split("\n").slice(-2).join("\n"),
                `forecast: refresh api/requests: http://127.0.0.1:${port}/api/v1/query_range "sum(rate(http_requests_total{namespace=\\"sysmanage-dev\\",job=\\"sysmanage-api\\"}[5m]))": cannot reach Prometheus (ECONNREFUSED)\n(no export was replaced)`,
            );
            assert.doesNotMatch(r.out + r.err, /s3cret|admin/);
            const typo = await run(["--stack", "dev", "--refresh", "--out", tmp], { PROMETHEUS_URL: "htp://admin:12/s3cret@prom:9090" });
            assert.equal(typo.code, 4);
            assert.match(
                typo.err,
                /Prometheus URL "htp:\/\/<redacted>" is not an http\(s\) URL \(e\.g\. http:\/\/prometheus:9090\); it comes from \$PROMETHEUS_URL/,
            );
            assert.doesNotMatch(typo.out + typo.err, /s3cret|admin/);
            assert.deepEqual(fs.readdirSync(tmp), []);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
        assert.deepEqual(
            fs.readdirSync(DEV_EXPORTS).map((f) => fs.statSync(path.join(DEV_EXPORTS, f)).mtimeMs),
            before,
        );
    });
});

describe("property: npm run forecast's command line", () => {
    test("any options: a documented exit code with a message naming the option, nothing written outside --out, no credential shown", async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "fc-cliprop-"));
        fs.writeFileSync(path.join(root, "a-file"), "x");
        fs.mkdirSync(path.join(root, "foreign"));
        fs.writeFileSync(path.join(root, "foreign", "keep.txt"), "keep");
        const snapshot = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();
        const exportsBefore = snapshot(path.join(PROJECT_DIR, "exports"));
        const outBefore = fs.existsSync(path.join(PROJECT_DIR, "out")) ? snapshot(path.join(PROJECT_DIR, "out")) : [];
        const option = fc.oneof(
            fc.constant(["--stack", "dev"]),
            fc.constantFrom("prod", "nope", "../x", "a/b", "", "dev;rm").map((s) => ["--stack", s]),
            fc.constantFrom("out1", "a-file", "foreign", "out1/sub", "").map((o) => ["--out", path.join(root, o)]),
            fc.constantFrom("2025-01-01T00:00:00Z", "yesterday", "1995-08-01", "").map((n) => ["--now", n]),
            fc.constant(["--json"]),
            fc.constant(["--refresh"]),
            fc.constantFrom(PROJECT_DIR, path.join(root, "a-file"), "/nonexistent").map((d) => ["--config-dir", d]),
            fc.constantFrom("--nope", "-x", "--stack").map((o) => [o]),
        );
        const env = { PROMETHEUS_URL: "http://admin:pa%2Fs3cr3tpw@127.0.0.1:1" };
        const codes = new Set<number>();
        try {
            await fc.assert(
                fc.asyncProperty(fc.boolean(), fc.array(option, { maxLength: 4 }), async (base, opts) => {
                    const argv = [...(base ? ["--stack", "dev"] : []), ...opts.flat()];
                    // Every run writes its report under root (the default out/forecast/<stack> is never used here).
                    if (!argv.includes("--out")) argv.push("--out", path.join(root, "out-default"));
                    const out: string[] = [];
                    const err: string[] = [];
                    const code = await forecastMain(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...process.env, ...env });
                    const all = [...out, ...err].join("\n");
                    codes.add(code);
                    assert.ok(Object.values(EXIT).includes(code as never), `exit ${code}`);
                    assert.notEqual(code, EXIT.internal, all);
                    assert.doesNotMatch(all, /s3cr3tpw|admin|\n\s+at /, all);
                    if (code !== EXIT.ok) assert.match(err.join("\n"), /^(forecast: |error: |refresh )/m, all);
                }),
                { numRuns: 25, interruptAfterTimeLimit: 25_000, markInterruptAsFailure: false, seed: 13 },
            );
            // The runs reached the step (a report written) and refused bad options.
            assert.ok(codes.has(EXIT.ok) && codes.has(EXIT.usage), [...codes].join(","));
            assert.equal(fs.readFileSync(path.join(root, "foreign", "keep.txt"), "utf8"), "keep");
            assert.equal(fs.readFileSync(path.join(root, "a-file"), "utf8"), "x");
            assert.deepEqual(snapshot(path.join(PROJECT_DIR, "exports")), exportsBefore);
            assert.deepEqual(fs.existsSync(path.join(PROJECT_DIR, "out")) ? snapshot(path.join(PROJECT_DIR, "out")) : [], outBefore);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
