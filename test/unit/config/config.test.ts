import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError, ConfigSchema, parseConfig, PROJECT } from "../../../config";
import { isPinnedImage } from "../../../policies/contract";
import { CONFIG_DOC, configKeyDocs, configTable, pulumiYamlConfig, TABLE_END, TABLE_START } from "../../../tools/configDocs";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { readAppConfig, readStackConfig, SECRET_PLACEHOLDER } from "../../../config/stackFile";
import { prodRaw, STACKS } from "../../support/render";

/** The exact problem lines parseConfig reports for a raw config. */
function problems(raw: Record<string, unknown>, stack = "prod"): string[] {
    try {
        parseConfig(prodRaw(raw), stack);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.problems;
    }
    return [];
}

describe("config rules: each has its exact message", () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
        [
            "min > max (the issue's example)",
            { api: { minReplicas: 60 } },
            ["Pulumi.prod.yaml: api.minReplicas (60) must be <= api.maxReplicas (50)"],
        ],
        [
            "worker min > max",
            { workers: { report: { minReplicas: 5, maxReplicas: 4 } } },
            ["Pulumi.prod.yaml: workers.report.minReplicas (5) must be <= workers.report.maxReplicas (4)"],
        ],
        ["min below 1", { api: { minReplicas: 0 } }, ["Pulumi.prod.yaml: api.minReplicas (0) must be >= 1"]],
        ["max above bound", { api: { maxReplicas: 5000 } }, ["Pulumi.prod.yaml: api.maxReplicas (5000) must be <= 1000"]],
        ["non-integer", { api: { minReplicas: 2.5 } }, ["Pulumi.prod.yaml: api.minReplicas (2.5) must be an integer"]],
        ["wrong type", { api: { maxReplicas: "fifty" } }, ['Pulumi.prod.yaml: api.maxReplicas ("fifty") must be a number']],
        [
            "unknown key (typo)",
            { api: { minReplica: 3 } },
            ["Pulumi.prod.yaml: api.minReplica is not a known key (see the config table in docs/configuration.md)"],
        ],
        [
            "unknown top-level key",
            { apii: {} },
            ["Pulumi.prod.yaml: apii is not a known key (see the config table in docs/configuration.md)"],
        ],
        ["environment enum", { environment: "qa" }, ['Pulumi.prod.yaml: environment ("qa") must be one of "dev", "staging", "prod"']],
        [
            "namespace label",
            { namespace: "Sys_Manage" },
            [
                `Pulumi.prod.yaml: namespace ("Sys_Manage") must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
            ],
        ],
        [
            "image not pinned (latest)",
            { api: { image: "ghcr.io/sysmanage/sysmanage-api:latest" } },
            [
                'Pulumi.prod.yaml: api.image ("ghcr.io/sysmanage/sysmanage-api:latest") must be an image pinned to a version tag (not latest) or a sha256 digest',
            ],
        ],
        [
            "image without tag",
            { workers: { agent: { image: "registry:5000/sysmanage-worker" } } },
            [
                'Pulumi.prod.yaml: workers.agent.image ("registry:5000/sysmanage-worker") must be an image pinned to a version tag (not latest) or a sha256 digest',
            ],
        ],
        [
            "quantity",
            { api: { resources: { cpuRequest: "half" } } },
            ['Pulumi.prod.yaml: api.resources.cpuRequest ("half") must be a Kubernetes quantity such as 500m, 2, 512Mi or 1Gi'],
        ],
        [
            "memory limit below request",
            { api: { resources: { memoryRequest: "2Gi", memoryLimit: "1Gi" } } },
            ['Pulumi.prod.yaml: api.resources.memoryLimit ("1Gi") must be >= api.resources.memoryRequest ("2Gi")'],
        ],
        [
            "cpu limit below request",
            { workers: { queue: { resources: { cpuLimit: "100m" } } } },
            ['Pulumi.prod.yaml: workers.queue.resources.cpuLimit ("100m") must be >= workers.queue.resources.cpuRequest ("250m")'],
        ],
        [
            "preStop >= grace",
            { api: { shutdown: { preStopSleepSeconds: 45 } } },
            ["Pulumi.prod.yaml: api.shutdown.preStopSleepSeconds (45) must be < api.shutdown.terminationGracePeriodSeconds (45)"],
        ],
        [
            "two pools on one queue",
            { workers: { agent: { queueName: "queue" } } },
            ['Pulumi.prod.yaml: workers.agent.queueName ("queue") is already consumed by workers.queue'],
        ],
        [
            "VPA min cpu > max",
            { analytics: { vpa: { minCpu: "8" } } },
            ['Pulumi.prod.yaml: analytics.vpa.minCpu ("8") must be <= analytics.vpa.maxCpu ("4")'],
        ],
        [
            "VPA min memory > max",
            { analytics: { vpa: { minMemory: "32Gi" } } },
            ['Pulumi.prod.yaml: analytics.vpa.minMemory ("32Gi") must be <= analytics.vpa.maxMemory ("16Gi")'],
        ],
        [
            "VPA mode",
            { analytics: { vpa: { updateMode: "Auto" } } },
            ['Pulumi.prod.yaml: analytics.vpa.updateMode ("Auto") must be one of "InPlaceOrRecreate", "Recreate", "Initial", "Off"'],
        ],
        ["zones empty", { zones: [] }, ["Pulumi.prod.yaml: zones ([]) must have at least 1 entry"]],
        ["zones repeat", { zones: ["a", "a"] }, ['Pulumi.prod.yaml: zones (["a","a"]) must not repeat a zone']],
        [
            "region not in dns.regions",
            { cluster: { region: "ap-south-1" } },
            ['Pulumi.prod.yaml: cluster.region ("ap-south-1") must be one of dns.regions[].name (["us-east-1"])'],
        ],
        [
            "duplicate region",
            {
                dns: {
                    regions: [
                        { name: "us-east-1", target: "a.example.com" },
                        { name: "us-east-1", target: "b.example.com" },
                    ],
                },
            },
            ['Pulumi.prod.yaml: dns.regions[1].name ("us-east-1") must be unique'],
        ],
        [
            "all weights zero",
            { dns: { regions: [{ name: "us-east-1", target: "a.example.com", weight: 0 }] } },
            ["Pulumi.prod.yaml: dns.regions[].weight (all 0) must leave at least one region with weight > 0"],
        ],
        [
            "geo without default",
            { dns: { routing: "geo", regions: [{ name: "us-east-1", target: "a.example.com", geo: "NA" }] } },
            ['Pulumi.prod.yaml: dns.regions[].geo (["NA"]) must include one default location "*" for geo routing'],
        ],
        [
            "geo code",
            { dns: { regions: [{ name: "us-east-1", target: "a.example.com", geo: "europe" }] } },
            ['Pulumi.prod.yaml: dns.regions[0].geo ("europe") must be a continent code (e.g. NA, EU) or *'],
        ],
        [
            "region target required",
            { dns: { regions: [{ name: "us-east-1" }] } },
            ["Pulumi.prod.yaml: dns.regions[0].target is required (a string)"],
        ],
        [
            "prometheus url",
            { metrics: { prometheusUrl: "http://prom:9090/api" } },
            ['Pulumi.prod.yaml: metrics.prometheusUrl ("http://prom:9090/api") must be http(s)://host without port or path'],
        ],
        [
            "hostname",
            { gateway: { hostname: "not a host" } },
            [
                `Pulumi.prod.yaml: gateway.hostname ("not a host") must be a DNS name: dot-separated labels of lowercase letters, digits or '-' (each at most 63 characters, starting and ending with a letter or digit), at least two, the last starting with a letter; at most 253 characters; '*.' in front for a wildcard`,
            ],
        ],
        [
            "renderYamlToDirectory with Helm releases",
            { cluster: { renderYamlToDirectory: "out/yaml" } },
            [
                'Pulumi.prod.yaml: cluster.renderYamlToDirectory ("out/yaml") needs metrics.installAdapter, metrics.installVpa, postgres.installOperator, redis.installOperator false (Helm releases cannot be rendered to YAML)',
                'Pulumi.prod.yaml: cluster.renderYamlToDirectory ("out/yaml") needs databaseAccess.manageRoles false (there is no database to connect to)',
            ],
        ],
        [
            "scrape interval",
            { metrics: { scrapeInterval: "15 seconds" } },
            ['Pulumi.prod.yaml: metrics.scrapeInterval ("15 seconds") must be a duration > 0 such as 15s or 1m'],
        ],
        [
            "request timeout",
            { gateway: { requestTimeout: "30" } },
            [
                'Pulumi.prod.yaml: gateway.requestTimeout ("30") must be a Gateway API duration such as 30s (1 to 4 parts of 1-5 digits and h, m, s or ms)',
            ],
        ],
        ["dns ttl", { dns: { ttl: 1 } }, ["Pulumi.prod.yaml: dns.ttl (1) must be >= 5"]],
        ["dns regions empty", { dns: { regions: [] } }, ["Pulumi.prod.yaml: dns.regions ([]) must have at least 1 entry"]],
        [
            "prod requires backups",
            { postgres: { backup: { destinationPath: "" } } },
            ['Pulumi.prod.yaml: postgres.backup.destinationPath ("") must be set in prod (backups to an object store are required)'],
        ],
        [
            "poolers HA outside dev",
            { environment: "staging", pooler: { readInstances: 1 } },
            ["Pulumi.prod.yaml: pooler.readInstances (1) must be >= 2 in staging"],
        ],
        [
            "redis replicas outside dev",
            { redis: { replicasPerMaster: 0 } },
            ["Pulumi.prod.yaml: redis.replicasPerMaster (0) must be >= 1 in prod"],
        ],
        ["redis at least 3 masters", { redis: { masters: 2 } }, ["Pulumi.prod.yaml: redis.masters (2) must be >= 3"]],
        [
            "analytics standby below the primary's max_connections",
            { postgres: { maxConnections: 400, backup: { destinationPath: "s3://b/p" } } },
            [
                "Pulumi.prod.yaml: postgres.analytics.maxConnections (300) must be >= postgres.maxConnections (400): a hot standby refuses to start with fewer connections than its primary",
            ],
        ],
        [
            "pool cap below min + reserve",
            { pooler: { maxDbConnections: 15 } },
            ["Pulumi.prod.yaml: pooler.maxDbConnections (15) must be >= pooler.minPoolSize + pooler.reservePoolSize (20)"],
        ],
        [
            "min pool above default pool",
            { pooler: { minPoolSize: 60 } },
            ["Pulumi.prod.yaml: pooler.minPoolSize (60) must be <= pooler.defaultPoolSize (50)"],
        ],
        ["port range", { api: { port: 70000 } }, ["Pulumi.prod.yaml: api.port (70000) must be <= 65535"]],
        [
            "forecast: a mapped series needs its file",
            { forecast: { series: { api: { requests: { query: "sum(rate(http_requests_total[5m]))" } } } } },
            ["Pulumi.prod.yaml: forecast.series.api.requests.file is required (a string)"],
        ],
        [
            "forecast: an empty file name",
            { forecast: { series: { redis: { memoryUsed: { file: "" } } } } },
            [
                `Pulumi.prod.yaml: forecast.series.redis.memoryUsed.file ("") must be a relative path below its base: '/'-separated names of letters, digits, '.', '_' or '-' (not starting with '-'), no '.' or '..', no absolute path`,
            ],
        ],
        [
            "forecast: a misspelt series key",
            { forecast: { series: { api: { request: { file: "api-requests.csv" } } } } },
            ["Pulumi.prod.yaml: forecast.series.api.request is not a known key (see the config table in docs/configuration.md)"],
        ],
        [
            "forecast: a worker pool the program does not have",
            { forecast: { series: { workers: { email: { queueLength: { file: "q.csv" } } } } } },
            ["Pulumi.prod.yaml: forecast.series.workers.email is not a known key (see the config table in docs/configuration.md)"],
        ],
        [
            "forecast: capacity is not restated in the mapping",
            { forecast: { series: { workers: { queue: { queueLength: { file: "q.csv", capacityPerPod: 14 } } } } } },
            [
                "Pulumi.prod.yaml: forecast.series.workers.queue.queueLength.capacityPerPod is not a known key (see the config table in docs/configuration.md)",
            ],
        ],
        [
            "forecast: unit enum",
            { forecast: { series: { postgres: { readQueries: { file: "r.csv", unit: "qps" } } } } },
            ['Pulumi.prod.yaml: forecast.series.postgres.readQueries.unit ("qps") must be one of "rate", "gauge", "count", "counter"'],
        ],
        [
            "forecast: floorScenario enum",
            { forecast: { floorScenario: "recent" } },
            ['Pulumi.prod.yaml: forecast.floorScenario ("recent") must be one of "forecast", "history"'],
        ],
        [
            "forecast: schedule slots tile the hour, and the schedule outlives its refresh",
            { forecast: { schedule: { slotMinutes: 25, horizonHours: 12, refreshHours: 24 } } },
            [
                "Pulumi.prod.yaml: forecast.schedule.slotMinutes (25) must divide 60 (5, 6, 10, 12, 15, 20, 30 or 60), so that slots tile the hour",
                "Pulumi.prod.yaml: forecast.schedule.refreshHours (24) must be <= forecast.schedule.horizonHours (12), or the schedule expires before the refresh that replaces it",
            ],
        ],
        [
            "forecast: the series file key is gone (the mapping is in the stack config)",
            { forecast: { seriesFile: "exports/prod/series.yaml" } },
            ["Pulumi.prod.yaml: forecast.seriesFile is not a known key (see the config table in docs/configuration.md)"],
        ],
        [
            "forecast: Prometheus URL",
            { forecast: { prometheus: { url: "prometheus:9090" } } },
            [
                'Pulumi.prod.yaml: forecast.prometheus.url ("prometheus:9090") must be http(s)://[user:password@]host[:port][/path] without query or fragment, or empty',
            ],
        ],
        [
            "forecast: workload guardrails min > max",
            { forecast: { guardrails: { api: { minReplicas: 20, maxReplicas: 10 }, workers: { report: { maxReplicas: 0 } } } } },
            ["Pulumi.prod.yaml: forecast.guardrails.workers.report.maxReplicas (0) must be >= 1"],
        ],
        [
            "forecast: guardrails min > max (cross-field)",
            { forecast: { guardrails: { api: { minReplicas: 20, maxReplicas: 10 }, postgresReplicas: { min: 3, max: 2 } } } },
            [
                "Pulumi.prod.yaml: forecast.guardrails.api.minReplicas (20) must be <= forecast.guardrails.api.maxReplicas (10)",
                "Pulumi.prod.yaml: forecast.guardrails.postgresReplicas.min (3) must be <= forecast.guardrails.postgresReplicas.max (2)",
            ],
        ],
        [
            "forecast: Redis guardrails keep the rules' 3 masters",
            { forecast: { guardrails: { redisMasters: { min: 2 } } } },
            ["Pulumi.prod.yaml: forecast.guardrails.redisMasters.min (2) must be >= 3"],
        ],
        [
            "forecast: data-tier capacities",
            { postgres: { readQueriesPerReplica: 0, backup: { destinationPath: "s3://b/p" } }, pooler: { clientTargetUtilization: 120 } },
            [
                "Pulumi.prod.yaml: postgres.readQueriesPerReplica (0) must be >= 1",
                "Pulumi.prod.yaml: pooler.clientTargetUtilization (120) must be <= 100",
            ],
        ],
    ];
    for (const [name, raw, expected] of cases) {
        test(name, () => assert.deepEqual(problems(raw), expected));
    }

    test("several problems are all reported, named after the stack file", () => {
        assert.deepEqual(problems({ api: { minReplicas: 0 }, namespace: "X" }, "staging"), [
            `Pulumi.staging.yaml: namespace ("X") must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
            "Pulumi.staging.yaml: api.minReplicas (0) must be >= 1",
        ]);
    });

    test("the parsed config is frozen all the way down", () => {
        const c = parseConfig(prodRaw(), "prod");
        assert.ok(Object.isFrozen(c) && Object.isFrozen(c.api) && Object.isFrozen(c.api.targets) && Object.isFrozen(c.dns.regions[0]));
    });

    test("a stack file overrides single fields of a structured key; the rest keeps its defaults", () => {
        const c = parseConfig({ environment: "dev", api: { minReplicas: 1 }, workers: { queue: { maxReplicas: 3 } } }, "dev");
        assert.equal(c.api.minReplicas, 1);
        assert.equal(c.api.maxReplicas, 50);
        assert.equal(c.api.targets.cpuUtilization, 70);
        assert.equal(c.workers.queue.maxReplicas, 3);
        assert.equal(c.workers.queue.minReplicas, 2);
        assert.equal(c.workers.agent.maxReplicas, 20);
    });
});

describe("image pinning", () => {
    const cases: [string, boolean][] = [
        ["ghcr.io/sysmanage/api:2.4.1", true],
        ["registry:5000/team/api:v1", true],
        [`ghcr.io/sysmanage/api@sha256:${"a".repeat(64)}`, true],
        [`ghcr.io/sysmanage/api:2.4.1@sha256:${"b".repeat(64)}`, true],
        ["ghcr.io/sysmanage/api:latest", false],
        ["ghcr.io/sysmanage/api", false],
        ["registry:5000/api", false],
        ["ghcr.io/sysmanage/api@sha256:short", false],
    ];
    for (const [ref, ok] of cases) test(`${ref} -> ${ok}`, () => assert.equal(isPinnedImage(ref), ok));
});

describe("config documentation stays complete", () => {
    const pulumiYaml = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
    const reference = fs.readFileSync(path.join(PROJECT_DIR, CONFIG_DOC), "utf8");
    const keys = configKeyDocs();

    test("every schema key has a description", () => {
        const missing = keys.filter((k) => !k.description).map((k) => k.path);
        assert.deepEqual(missing, []);
    });

    test("Pulumi.yaml declares every top-level key with the schema's default", () => {
        const decl = (parse(pulumiYaml) as { config: Record<string, Record<string, unknown>> }).config;
        const defaults = ConfigSchema.parse({}) as Record<string, unknown>;
        assert.deepEqual(
            Object.keys(decl).sort(),
            Object.keys(defaults)
                .map((k) => `${PROJECT}:${k}`)
                .sort(),
        );
        for (const [k, v] of Object.entries(defaults)) {
            const d = decl[`${PROJECT}:${k}`];
            assert.deepEqual("value" in d ? d.value : d.default, v, `Pulumi.yaml default of ${k}`);
        }
        assert.ok(pulumiYaml.includes(pulumiYamlConfig()), "Pulumi.yaml config block is stale: run npm run docs:config");
    });

    test(`the config table of ${CONFIG_DOC} lists every key, and only those`, () => {
        const table = reference.slice(reference.indexOf(TABLE_START), reference.indexOf(TABLE_END));
        const rows = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
        const documented = new Set(rows);
        const missing = keys.map((k) => k.path).filter((k) => !documented.has(k));
        assert.deepEqual(missing, []);
        assert.equal(rows.length, keys.length);
        assert.ok(reference.includes(configTable()), `${CONFIG_DOC} config table is stale: run npm run docs:config`);
    });
});

describe("stack files", () => {
    test("dev, staging, prod and local exist", () => assert.deepEqual(STACKS, ["dev", "local", "prod", "staging"]));
    for (const stack of ["dev", "staging", "prod", "local"]) {
        test(`${stack} parses, sets its environment and holds only keys of the schema`, () => {
            const c = readAppConfig(PROJECT_DIR, stack);
            assert.equal(c.environment, stack === "local" ? "dev" : stack);
        });
    }
    test("secure: values become secret placeholders", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackcfg-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), "config:\n  sysmanage-scaling:token:\n    secure: AAABAG==\n");
            const sc = readStackConfig(dir, "s");
            assert.equal(sc.config["sysmanage-scaling:token"], SECRET_PLACEHOLDER);
            assert.deepEqual(sc.secretKeys, ["sysmanage-scaling:token"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
    test("a missing stack file is an error naming it", () => {
        assert.throws(() => readStackConfig(PROJECT_DIR, "nope"), { message: `Pulumi.nope.yaml: file not found in ${PROJECT_DIR}` });
    });
});

describe("forecast.policyMinimum and the environment's HA floor", () => {
    test("0 means the floor the pack enforces; a lower explicit minimum is refused with the floor named", () => {
        assert.equal(parseConfig({ environment: "staging", forecast: { policyMinimum: 0 } }, "staging").forecast.policyMinimum, 2);
        assert.equal(parseConfig({ environment: "staging", forecast: { policyMinimum: 5 } }, "staging").forecast.policyMinimum, 5);
        assert.throws(() => parseConfig({ environment: "staging", forecast: { policyMinimum: 1 } }, "staging"), {
            message:
                "Pulumi.staging.yaml: forecast.policyMinimum (1) must be >= 2, the staging HA floor the policy pack enforces (0: that floor)",
        });
    });
});
