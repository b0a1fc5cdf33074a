/**
 * A real Prometheus (Debian's `prometheus`) for the tests: on 127.0.0.1 with a free port and its
 * own data dir under a `Servers` root (stopped by `stopAll`), scraping the given targets every
 * 2 s and evaluating the given rule files every second, read through its HTTP API.
 */
import * as path from "node:path";
import { stringify } from "yaml";
import { freePort, HOST, Servers, waitFor } from "./servers";

/** One exporter to scrape: a job of one target, with the labels a PodMonitor would attach. */
export interface ScrapeTarget {
    readonly job: string;
    readonly port: number;
    /** Target labels (`namespace`, `pod`): what the alert selectors match on in a cluster. */
    readonly labels: Readonly<Record<string, string>>;
}

/** An entry of `/api/v1/alerts` (pending or firing). */
export interface ActiveAlert {
    readonly labels: Record<string, string>;
    readonly state: "pending" | "firing";
    readonly value: string;
}

/** An alerting rule of `/api/v1/rules`. */
export interface AlertingRule {
    readonly name: string;
    readonly query: string;
    readonly labels: Record<string, string>;
    readonly state: "inactive" | "pending" | "firing";
    readonly health: string;
    readonly lastError?: string;
}

export interface RuleGroup {
    readonly name: string;
    readonly lastEvaluation: string;
    readonly rules: AlertingRule[];
}

export class PrometheusServer {
    private constructor(
        readonly url: string,
        readonly logFile: string,
    ) {}

    /** Starts Prometheus on `targets` and `ruleFiles`; resolves once `/-/ready` answers. */
    static async start(servers: Servers, targets: readonly ScrapeTarget[], ruleFiles: readonly string[]): Promise<PrometheusServer> {
        const port = await freePort();
        const config = path.join(servers.root, "prometheus.yml");
        servers.writeFile(
            config,
            stringify({
                // Seconds, not prod's 30 s: the test reads each alert within seconds of inducing it. A
                // scrape may take up to 2 s, so a slow answer on a loaded machine drops no sample.
                global: { scrape_interval: "2s", scrape_timeout: "2s", evaluation_interval: "1s" },
                rule_files: ruleFiles,
                scrape_configs: targets.map((t) => ({
                    job_name: t.job,
                    static_configs: [{ targets: [`${HOST}:${t.port}`], labels: t.labels }],
                })),
            }),
        );
        const logFile = path.join(servers.root, "prometheus.log");
        const child = servers.spawn(
            "prometheus",
            "prometheus",
            [
                `--config.file=${config}`,
                `--storage.tsdb.path=${servers.dir("prometheus-data")}`,
                `--web.listen-address=${HOST}:${port}`,
                "--log.level=warn",
            ],
            logFile,
        );
        const p = new PrometheusServer(`http://${HOST}:${port}`, logFile);
        const exited = () => child.exitCode !== null || child.signalCode !== null;
        await waitFor("prometheus ready", 30_000, async () => (exited() || (await fetch(`${p.url}/-/ready`)).ok ? true : undefined));
        if (exited()) throw new Error(`prometheus exited:\n${Servers.tail(logFile)}`);
        return p;
    }

    /** GET `/api/v1/<what>`: its `data`, or an error with Prometheus's own message. */
    async api<T>(what: string): Promise<T> {
        const r = await fetch(`${this.url}/api/v1/${what}`);
        const body = (await r.json()) as { status: string; data: T; error?: string };
        if (body.status !== "success") throw new Error(`prometheus /api/v1/${what}: ${body.error}`);
        return body.data;
    }

    async alerts(): Promise<ActiveAlert[]> {
        return (await this.api<{ alerts: ActiveAlert[] }>("alerts")).alerts;
    }

    async ruleGroups(): Promise<RuleGroup[]> {
        return (await this.api<{ groups: RuleGroup[] }>("rules?type=alert")).groups;
    }

    /** Each target's job, health and last scrape error (for failure messages). */
    async targetHealth(): Promise<string[]> {
        const data = await this.api<{
            activeTargets: { scrapePool: string; health: string; lastError: string; lastScrapeDuration: number }[];
        }>("targets?state=active");
        return data.activeTargets.map(
            (t) => `${t.scrapePool} ${t.health} in ${t.lastScrapeDuration} s${t.lastError ? `: ${t.lastError}` : ""}`,
        );
    }

    /** An instant query: each series' labels and value. */
    async query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]> {
        const data = await this.api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
            `query?query=${encodeURIComponent(expr)}`,
        );
        return data.result.map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
    }
}
