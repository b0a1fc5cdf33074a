/** `npm run forecast -- --refresh` (tools/forecast/refresh.ts): what it rewrites, and Prometheus' answers it refuses. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parseConfig, rawConfig } from "../../../../config/parse";
import type { AppConfig } from "../../../../config/schema";
import { readStackConfig } from "../../../../config/stackFile";
import { exportsLocation } from "../../../../forecast/mapping";
import { refreshExports, RefreshError, refreshTargets } from "../../../../tools/forecast/refresh";

/** The project root: Pulumi.yaml, the stack files and exports/. */
const PROJECT_DIR = path.resolve(__dirname, "../../../..");

/** dev's config as the program reads it, `forecast` fields replaced. */
function devConfig(forecast: Record<string, unknown> = {}): AppConfig {
    const raw = rawConfig(readStackConfig(PROJECT_DIR, "dev").config, "dev");
    return parseConfig({ ...raw, forecast: { ...(raw.forecast as object), ...forecast } }, "dev");
}

/** A project folder with a copy of dev's exports in exports/dev, removed after `f`. */
async function withProject<T>(f: (project: string) => Promise<T>): Promise<T> {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "fc-refresh-"));
    fs.cpSync(path.join(PROJECT_DIR, "exports/dev"), path.join(project, "exports/dev"), { recursive: true });
    try {
        return await f(project);
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }
}

/** A server answering every request with `status`, `type` and `body`. */
async function serve(status: number, type: string, body: string, f: (url: string) => Promise<void>): Promise<void> {
    const server = http.createServer((_, res) => {
        res.writeHead(status, { "content-type": type });
        res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
        await f(`http://admin:s3cret@127.0.0.1:${(server.address() as { port: number }).port}`);
    } finally {
        await new Promise((r) => server.close(r));
    }
}

describe("--refresh", () => {
    test("rewrites every mapped series with a query, in config order, each with the config key of its file", () => {
        assert.deepEqual(
            refreshTargets(devConfig()).map((t) => [t.name, t.key]),
            [
                ["api/requests", "forecast.series.api.requests.file"],
                ["api/cpu", "forecast.series.api.cpu.file"],
                ["api/memory", "forecast.series.api.memory.file"],
                ["api/latencyP95", "forecast.series.api.latencyP95.file"],
                ["worker-queue/queueLength", "forecast.series.workers.queue.queueLength.file"],
                ["worker-queue/processingTime", "forecast.series.workers.queue.processingTime.file"],
                ["worker-queue/cpu", "forecast.series.workers.queue.cpu.file"],
                ["worker-queue/memory", "forecast.series.workers.queue.memory.file"],
                ...["agent", "report", "cleanup"].flatMap((p) => [
                    [`worker-${p}/queueLength`, `forecast.series.workers.${p}.queueLength.file`],
                    [`worker-${p}/processingTime`, `forecast.series.workers.${p}.processingTime.file`],
                    [`worker-${p}/cpu`, `forecast.series.workers.${p}.cpu.file`],
                    [`worker-${p}/memory`, `forecast.series.workers.${p}.memory.file`],
                ]),
                ["analytics/cpu", "forecast.series.analytics.cpu.file"],
                ["analytics/memory", "forecast.series.analytics.memory.file"],
                ["redis/memoryUsed", "forecast.series.redis.memoryUsed.file"],
                ["redis/opsPerSecond", "forecast.series.redis.opsPerSecond.file"],
                ["postgres/readQueries", "forecast.series.postgres.readQueries.file"],
                ["poolers/write", "forecast.series.poolers.write.file"],
                ["poolers/read", "forecast.series.poolers.read.file"],
                ["poolers/analytics", "forecast.series.poolers.analytics.file"],
            ],
        );
    });
    test("an empty answer is 'no series', not 'no series undefined'", async () => {
        const body = JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } });
        await serve(200, "application/json", body, async (url) => {
            await withProject(async (project) => {
                const c = devConfig({ exportsDir: "exports/dev", prometheus: { url: "", stepSeconds: 300, days: 1 } });
                await assert.rejects(refreshExports(c, exportsLocation(c, "dev", project).dir, 1700000000, { url }), (e: unknown) => {
                    assert.ok(e instanceof RefreshError);
                    assert.equal(
                        e.message,
                        `refresh api/requests: "sum(rate(http_requests_total{namespace=\\"sysmanage-dev\\",job=\\"sysmanage-api\\"}[5m]))" answered, but export api-requests.query_range.json for api/requests has no series: an empty query_range result (the query matched nothing when it was exported)`,
                    );
                    return true;
                });
            });
        });
    });
});
