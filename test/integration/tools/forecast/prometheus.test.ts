import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { prometheusEndpoint, queryRange } from "../../../../tools/forecast/live";
import { readSeriesFile } from "../../../../tools/forecast/seriesFile";
import { parseConfig } from "../../../../config";
import { programForecast } from "../../../../forecast/program";
import { prometheusUrl, refreshExports, refreshTargets } from "../../../../tools/forecast/refresh";

const TRACE = path.resolve(__dirname, "../../../fixtures/traces/prometheus/nasa_http_rate5m_14d.query_range.json");

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

async function waitReady(url: string, proc: ChildProcess, log: () => string): Promise<void> {
    for (let i = 0; i < 150; i++) {
        if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}: ${log()}`);
        try {
            const r = await fetch(`${url}/-/ready`);
            if (r.ok) return;
        } catch {
            // not listening yet
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`prometheus not ready after 30 s: ${log()}`);
}

test("credentials in the Prometheus URL go into a Basic header, never into logs or errors", async () => {
    const e = prometheusEndpoint("http://admin:s%40cret@127.0.0.1:9090/prom/");
    assert.equal(e.shown, "http://127.0.0.1:9090/prom");
    assert.deepEqual(e.headers, { authorization: `Basic ${Buffer.from("admin:s@cret").toString("base64")}` });
    assert.deepEqual(prometheusEndpoint("http://127.0.0.1:9090").headers, {});
    const source = "it comes from $PROMETHEUS_URL, else forecast.prometheus.url, else metrics.prometheusUrl";
    for (const [given, shown] of [
        ["http//admin:pw@nohost", "<redacted url>"], // the URL parser cannot read it: opaque
        ["admin:s3cret@prom:9090", "<redacted url>"], // parses, with "admin:" as its scheme and the rest as its path
        ["ftp://u:p@prom:9090", "ftp://prom:9090"],
        ["htp://admin:s3cret@prom:9090", "htp://prom:9090"], // a scheme typo (issue 13 #5): the password stays out
        ["http://admin:pa/ss@prom:9090", "http://<redacted>"], // "pa" would be the port: unparsable
    ])
        assert.throws(() => prometheusEndpoint(given), {
            message: `Prometheus URL ${JSON.stringify(shown)} is not an http(s) URL (e.g. http://prometheus:9090); ${source}`,
        });
    // A password that is not percent-encoded is used as written.
    assert.deepEqual(prometheusEndpoint("http://user:50%off@prom").headers, {
        authorization: `Basic ${Buffer.from("user:50%off").toString("base64")}`,
    });
    const port = await freePort(); // nothing listens there
    await assert.rejects(queryRange({ url: `http://admin:s3cr3t@127.0.0.1:${port}`, query: "up", start: 0, end: 60, stepSeconds: 60 }), {
        message: `http://127.0.0.1:${port}/api/v1/query_range "up": cannot reach Prometheus (ECONNREFUSED)`,
    });
});

test("live export from a real Prometheus (backfilled with promtool) sizes exactly like the export file", { timeout: 120000 }, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-prom-"));
    let proc: ChildProcess | undefined;
    let stderr = "";
    try {
        // 1. The shared trace as OpenMetrics, backfilled into a fresh TSDB.
        const [s] = readSeriesFile(TRACE);
        const om = ["# TYPE nasa_http_requests_per_second gauge"];
        for (let i = 0; i < s.t.length; i++) om.push(`nasa_http_requests_per_second{job="nasa-http"} ${s.v[i]} ${s.t[i]}`);
        om.push("# EOF");
        fs.writeFileSync(path.join(tmp, "trace.om"), om.join("\n") + "\n");
        const data = path.join(tmp, "tsdb");
        const bf = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", path.join(tmp, "trace.om"), data], {
            encoding: "utf8",
        });
        assert.equal(bf.status, 0, bf.stderr);
        // 2. Prometheus on 127.0.0.1 with its own port and data dir; old data stays queryable with a 100 y retention.
        const port = await freePort();
        fs.writeFileSync(path.join(tmp, "prometheus.yml"), "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
        proc = spawn(
            "prometheus",
            [
                `--config.file=${path.join(tmp, "prometheus.yml")}`,
                `--storage.tsdb.path=${data}`,
                "--storage.tsdb.retention.time=100y",
                `--web.listen-address=127.0.0.1:${port}`,
                "--log.level=warn",
            ],
            { stdio: ["ignore", "ignore", "pipe"] },
        );
        proc.stderr!.on("data", (d) => (stderr += String(d)));
        const url = `http://127.0.0.1:${port}`;
        await waitReady(url, proc, () => stderr);

        // 3. The same workload, once from the shared file and once from the live export, each
        // mapped in a stack config as the stack files map theirs (capacity: 1 req/s per pod).
        const exportsDir = path.join(tmp, "exports");
        fs.mkdirSync(exportsDir);
        fs.copyFileSync(TRACE, path.join(exportsDir, "file.query_range.json"));
        const config = (file: string) =>
            parseConfig(
                {
                    environment: "dev",
                    api: { targets: { requestsPerSecond: 1 } },
                    forecast: {
                        exportsDir: "exports",
                        prometheus: { url, stepSeconds: 300, days: 14 },
                        series: { api: { requests: { file, query: 'nasa_http_requests_per_second{job="nasa-http"}' } } },
                        guardrails: { api: { minReplicas: 1, maxReplicas: 200 } },
                    },
                },
                "t",
            );
        const live = config("live.query_range.json");
        assert.equal(prometheusUrl(live, {}), url);
        assert.deepEqual(refreshTargets(live), [
            {
                name: "api/requests",
                key: "forecast.series.api.requests.file",
                file: "live.query_range.json",
                query: 'nasa_http_requests_per_second{job="nasa-http"}',
            },
        ]);
        const written = await refreshExports(live, exportsDir, s.t[s.t.length - 1], { url: prometheusUrl(live, {}) });
        assert.deepEqual(written, [path.join(exportsDir, "live.query_range.json")]);
        const [l] = readSeriesFile(written[0]);
        assert.equal(l.t.length, s.t.length);
        assert.deepEqual(Array.from(l.v), Array.from(s.v));

        const sized = (c: ReturnType<typeof config>) => programForecast({ stack: "t", projectDir: tmp, config: c }).result.workloads[0];
        const fromLive = sized(live);
        const fromFile = sized(config("file.query_range.json"));
        assert.deepEqual(fromLive.proposed, fromFile.proposed);
        assert.deepEqual(fromLive.raw, fromFile.raw);
        assert.equal(fromLive.metrics[0].forecastPeak, fromFile.metrics[0].forecastPeak);
        assert.equal(fromLive.warnings.length, 0);
        assert.notDeepEqual(fromLive.proposed, fromLive.current);

        // Credentials in the URL reach Prometheus as a header (this one ignores them).
        const withCreds = await queryRange({
            url: url.replace("http://", "http://u:p@"),
            query: "up",
            start: s.t[0],
            end: s.t[10],
            stepSeconds: 300,
        });
        assert.equal(withCreds.status, "success");
        // A query returning two series cannot become a one-series CSV, and a failed refresh
        // writes nothing at all (the JSON export before it is not rewritten either).
        const two = parseConfig(
            {
                environment: "dev",
                forecast: {
                    exportsDir: "exports",
                    prometheus: { url, stepSeconds: 300, days: 14 },
                    series: {
                        api: {
                            requests: { file: "r2.query_range.json", query: "nasa_http_requests_per_second" },
                            cpu: {
                                file: "cpu2.csv",
                                query: 'nasa_http_requests_per_second or label_replace(nasa_http_requests_per_second, "copy", "1", "", "")',
                            },
                        },
                    },
                },
            },
            "t",
        );
        await assert.rejects(refreshExports(two, exportsDir, s.t[s.t.length - 1], { url }), {
            message:
                'refresh api/cpu: "nasa_http_requests_per_second or label_replace(nasa_http_requests_per_second, \\"copy\\", \\"1\\", \\"\\", \\"\\")" returned 2 series; cpu2.csv is a CSV of one series: aggregate the query (e.g. sum(...)) or write a .json export',
        });
        assert.equal(fs.existsSync(path.join(exportsDir, "r2.query_range.json")), false);
        // A JSON export may hold several series, but the mapping must name one of them.
        const cfg = (requests: Record<string, string>, cpu: Record<string, string>) =>
            parseConfig(
                {
                    environment: "dev",
                    forecast: {
                        exportsDir: "exports",
                        prometheus: { url, stepSeconds: 300, days: 14 },
                        series: { api: { requests, cpu } },
                    },
                },
                "t",
            );
        const twoSeries = 'nasa_http_requests_per_second or label_replace(nasa_http_requests_per_second, "copy", "1", "", "")';
        await assert.rejects(
            refreshExports(
                cfg({ file: "r3.query_range.json", query: twoSeries }, { file: "c3.csv", query: "nasa_http_requests_per_second" }),
                exportsDir,
                s.t[s.t.length - 1],
                { url },
            ),
            {
                message: `refresh api/requests: ${JSON.stringify(twoSeries)} answered, but export r3.query_range.json has 2 series ("nasa_http_requests_per_second{copy=\\"1\\",job=\\"nasa-http\\"}", "nasa_http_requests_per_second{job=\\"nasa-http\\"}"); set the mapping's series for api/requests to one of them`,
            },
        );
        assert.equal(fs.existsSync(path.join(exportsDir, "r3.query_range.json")), false);
        // A rename that fails halfway says which exports were replaced, and leaves no temporary file.
        fs.mkdirSync(path.join(exportsDir, "c3.csv", "blocker"), { recursive: true });
        await assert.rejects(
            refreshExports(
                cfg(
                    { file: "r3.query_range.json", query: twoSeries, series: 'nasa_http_requests_per_second{copy="1"}' },
                    { file: "c3.csv", query: "nasa_http_requests_per_second" },
                ),
                exportsDir,
                s.t[s.t.length - 1],
                { url },
            ),
            /^RefreshError: refresh: replaced 1 of 2 exports \(r3\.query_range\.json\) before c3\.csv failed: is a directory \(EISDIR\)$/,
        );
        assert.deepEqual(
            fs.readdirSync(exportsDir).filter((f) => f.endsWith(".tmp")),
            [],
        );

        // A query Prometheus rejects is an error naming the query.
        await assert.rejects(
            queryRange({ url, query: "sum(", start: s.t[0], end: s.t[10], stepSeconds: 300 }),
            /query_range "sum\(" \[\d+, \d+\]: HTTP 400/,
        );
    } finally {
        if (proc && proc.exitCode === null) {
            const exited = new Promise((r) => proc!.once("exit", r));
            proc.kill("SIGTERM");
            await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
            if (proc.exitCode === null) proc.kill("SIGKILL");
        }
        fs.rmSync(tmp, { recursive: true, force: true });
    }
});
