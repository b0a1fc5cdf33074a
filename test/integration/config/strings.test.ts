/**
 * Issue 13, the config's part: every string of the stack config is checked by the grammar of
 * what it becomes (defect 7), quantities that must be positive are (6), guardrails cannot lie
 * outside the configured bounds (1), a misspelt project namespace is an error (8), and messages
 * name the file, the key and the value as written, never a credential (10). Each expectation is
 * the exact line the user sees.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, parseConfig, rawConfig } from "../../../config";
import { configKeyDocs } from "../../../tools/configDocs";
import { PROJECT_DIR } from "../../../tools/mockRuntime";
import { readAppConfig } from "../../../config/stackFile";
import { renderWith } from "../../support/render";

/** The exact problem lines of a raw config (a dev stack, so prod's own rules stay out of the way). */
function problems(raw: Record<string, unknown>, stack = "dev", origin = {}): string[] {
    try {
        parseConfig({ environment: "dev", ...raw }, stack, origin);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.problems;
    }
    return [];
}

// The rules, as the messages state them (written out here, so a changed wording is a failing test).
const LABEL = "must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit";
const SUBDOMAIN =
    "must be a DNS-1123 subdomain: at most 253 characters, lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";
const LABEL_VALUE = "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
const LABEL_KEY =
    "must be a label key: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit (e.g. app.kubernetes.io/name)";
const POSITIVE = "must be > 0 (a Kubernetes quantity such as 500m, 2, 512Mi or 1Gi)";
const IMAGE =
    "must be an image pinned to a version tag (not latest) or a sha256 digest (registry/name[:tag][@sha256:digest], lowercase repository path)";
const TEXT = "must be a single line of printable text (no control, line-break or bidirectional characters)";
const PATH =
    "must be a relative path below its base: '/'-separated names of letters, digits, '.', '_' or '-' (not starting with '-'), no '.' or '..', no absolute path";
const SCHEDULE =
    'must be a six-field cron schedule with seconds first (seconds minutes hours day-of-month month day-of-week, e.g. "0 0 3 * * *" for 03:00 every day), @yearly, @monthly, @weekly, @daily, @hourly or @every <duration of at least 1s>';
const HOSTNAME =
    "must be a DNS name: dot-separated labels of lowercase letters, digits or '-' (each at most 63 characters, starting and ending with a letter or digit), at least two, the last starting with a letter; at most 253 characters";
const OBJECT_STORE =
    "must be an object-store URL: s3://bucket[/path], gs://bucket[/path] or https://host[:port][/path] (e.g. https://account.blob.core.windows.net/container), without credentials, query or fragment";
const ROLE =
    "must be a PostgreSQL identifier usable unquoted: a lowercase letter or '_', then lowercase letters, digits, '_' or '$', at most 63 bytes, not a reserved key word";

/** One bad value per string key (by the key's documented path) and the rule its message states. */
const STRING_KEYS: [RegExp, string, string][] = [
    [/^metrics\.dashboardNamespace$/, "Sys_Manage", `${LABEL}, or empty`],
    [/^namespace$|Namespace$|\.operatorNamespace$/, "Sys_Manage", LABEL],
    [/^cluster\.name$|\.queueName$|^placement\.spotTaint\.value$/, "bad name!", LABEL_VALUE],
    [/^placement\.capacityTypeLabel$|^placement\.spotTaint\.key$/, "bad key!", LABEL_KEY],
    [/^placement\.workingHours\.(start|end)$/, "7:00", "must be a time of day HH:MM (00:00 to 24:00)"],
    [/^placement\.karpenter\.nodeClassRef\.(group|name)$/, "Bad_Name", SUBDOMAIN],
    [/^placement\.karpenter\.nodeClassRef\.kind$/, "ec2NodeClass", "must be a Kind (CamelCase, at most 63 characters)"],
    [/^placement\.karpenter\.(consolidateAfter|expireAfter)$/, "5 min", "must be a duration of s, m and h units (30s, 10m, 720h) or Never"],
    [/^placement\.karpenter\.terminationGracePeriod$/, "Never", "must be a duration (48h), or empty"],
    [
        /^cluster\.region$/,
        "r".repeat(54),
        "must be at most 53 characters (the Gateway is named sysmanage-<region>, a label value of at most 63)",
    ],
    [/^cluster\.kubeContext$/, "ctx\nother", TEXT],
    [/^cluster\.renderYamlToDirectory$/, "/etc", `${PATH}, or empty`],
    [/\.image$|^redis\.exporterImage$/, "a;b:1.0", IMAGE],
    [/^api\.targets\.responseTimeP95$/, "0", POSITIVE],
    [/\.resources\.(cpuRequest|memoryRequest|memoryLimit)$|\.vpa\.(min|max)(Cpu|Memory)$/, "0", POSITIVE],
    [/\.resources\.cpuLimit$|^sharding\.postgres\.(cpu|memory|storageSize)$/, "0", `${POSITIVE}, or empty`],
    [/^placement\.overprovision\.(cpu|memory)$/, "0", `${POSITIVE}, or empty`],
    [
        /^(postgres|postgres\.analytics|redis|redis\.sessions)\.(cpu|memory|storageSize)$|^postgres\.walStorageSize$|^pooler\.(cpu|memory)$/,
        "0",
        POSITIVE,
    ],
    [/^metrics\.prometheusUrl$/, "http://prom:9090", "must be http(s)://host without port or path"],
    [/^metrics\.scrapeInterval$/, "0s", "must be a duration > 0 such as 15s or 1m"],
    [/^metrics\.runbookBaseUrl$/, "docs/runbooks.md#x", "must be http(s)://host[:port][/path] without query or fragment"],
    [/^metrics\.dashboardFolder$/, "Sys\nManage", `${TEXT}, or empty`],
    [/^gateway\.className$|^gateway\.tlsSecretName$|^postgres\.backup\.credentialsSecret$/, "a;b c", SUBDOMAIN],
    [/^gateway\.hostname$/, "not a host", `${HOSTNAME}; '*.' in front for a wildcard`],
    [/^gateway\.requestTimeout$/, "30", "must be a Gateway API duration such as 30s (1 to 4 parts of 1-5 digits and h, m, s or ms)"],
    [/^dns\.regions\[\]\.name$/, "US East", LABEL],
    [
        /^dns\.regions\[\]\.target$/,
        "lb.example.com; rm -rf / #",
        "must be a load-balancer hostname (a DNS name such as lb.example.com) or an IPv4 address",
    ],
    [/^dns\.regions\[\]\.geo$/, "europe", "must be a continent code (e.g. NA, EU) or *"],
    [
        /^dns\.regions\[\]\.healthCheckId$/,
        "id with spaces",
        "must be empty or at most 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
    ],
    [/^postgres\.storageClass$/, "fast ssd", `${SUBDOMAIN}, or empty`],
    [/^postgres\.walKeepSize$/, "8 GB", "must be a size such as 512MB or 8GB, at most 2147483647MB (PostgreSQL's limit)"],
    [/^postgres\.backup\.destinationPath$/, "ftp://host/x", `${OBJECT_STORE}, or empty`],
    [/^postgres\.backup\.endpointURL$/, "minio:9000", "must be http(s)://host[:port][/path] without query or fragment, or empty"],
    [/^postgres\.backup\.retentionPolicy$/, "30 days", "must be like 30d, 4w or 3m"],
    [/^postgres\.backup\.schedule$/, "every day at noon", `${SCHEDULE}: it has 4 fields`],
    [
        /^databaseAccess\.host$/,
        "db;rm",
        "must be a host: a DNS name (lowercase labels, the last starting with a letter, e.g. localhost or db.example.com), an IPv4 or an IPv6 address",
    ],
    [/^databaseAccess\.adminUsername$/, "admin; DROP ROLE postgres;--", ROLE],
    [/^forecast\.exportsDir$/, "../../etc", `${PATH}, or empty`],
    [/^forecast\.acknowledge\./, "3-10", 'must be bounds written "min..max" (e.g. "3..12"), or empty'],
    [
        /^forecast\.prometheus\.url$/,
        "prometheus:9090",
        "must be http(s)://[user:password@]host[:port][/path] without query or fragment, or empty",
    ],
    [/^forecast\.series\..*\.file$/, "/etc/passwd", PATH],
    [/^forecast\.series\..*\.(series|query)$/, "up\u0000", TEXT],
    [/^cost\.currency$/, "US$", "must be an ISO 4217 currency code in capitals, such as USD, EUR or GBP"],
];

/** The key as a message names it, and a raw config that sets `docPath` to `v` (a dev stack). */
function setAt(docPath: string, v: unknown): { key: string; raw: Record<string, unknown> } {
    const key = docPath.replace("[]", "[0]");
    const parts = docPath.split(".");
    let leaf: unknown = v;
    if (/^forecast\.series\..*\.(series|query)$/.test(docPath)) {
        // A mapped series needs its file.
        leaf = { file: "x.csv", [parts[parts.length - 1]]: v };
        parts.pop();
    }
    if (docPath.startsWith("dns.regions[]."))
        return { key, raw: { dns: { regions: [{ name: "us-east-1", target: "a.example.com", [parts[2]]: v }] } } };
    if (docPath === "zones") return { key: "zones[0]", raw: { zones: [v] } };
    const raw: Record<string, unknown> = {};
    let cur = raw;
    parts.forEach((p, i) => {
        if (i === parts.length - 1) cur[p] = leaf;
        else cur = cur[p] = {};
    });
    return { key, raw };
}

describe("defect 7: every string key is checked by the grammar of what it becomes", () => {
    const docs = configKeyDocs().filter((d) => d.type === "string");
    test("each string key has its grammar here (a new key without one fails)", () => {
        assert.deepEqual(
            docs.map((d) => d.path).filter((p) => !STRING_KEYS.some(([re]) => re.test(p))),
            [],
        );
        assert.equal(docs.length, 200); // 199 + metrics.kedaNamespace
    });
    for (const d of docs) {
        const [, bad, rule] = STRING_KEYS.find(([re]) => re.test(d.path)) ?? [undefined, "", ""];
        test(`${d.path} (${JSON.stringify(bad)})`, () => {
            const { key, raw } = setAt(d.path, bad);
            assert.deepEqual(problems(raw), [`Pulumi.dev.yaml: ${key} (${JSON.stringify(bad)}) ${rule}`]);
        });
    }
    test("zones are topology label values", () => {
        assert.deepEqual(problems({ zones: ["zone a"] }), [`Pulumi.dev.yaml: zones[0] ("zone a") ${LABEL_VALUE}`]);
    });
    test("label maps: each key a label key, each value a label value", () => {
        assert.deepEqual(problems({ metrics: { monitorLabels: { "bad key!": "x" }, prometheusPodLabels: { app: "a b" } } }), [
            `Pulumi.dev.yaml: metrics.prometheusPodLabels.app ("a b") ${LABEL_VALUE}`,
            `Pulumi.dev.yaml: metrics.monitorLabels has the key "bad key!", which ${LABEL_KEY}`,
        ]);
        assert.deepEqual(problems({ metrics: { monitorLabels: { "app.kubernetes.io/name": "a;b" } } }), [
            `Pulumi.dev.yaml: metrics.monitorLabels["app.kubernetes.io/name"] ("a;b") ${LABEL_VALUE}`,
        ]);
    });
    test("image digests: keys are tagged images, values sha256 digests", () => {
        assert.deepEqual(problems({ images: { digests: { "quay.io/x": `sha256:${"a".repeat(64)}` } } }), [
            'Pulumi.dev.yaml: images.digests has the key "quay.io/x", which must be an image reference with a version tag (registry/name:tag, not latest, no digest)',
        ]);
        assert.deepEqual(problems({ images: { digests: { "quay.io/x:1.0": "sha256:XYZ" } } }), [
            'Pulumi.dev.yaml: images.digests["quay.io/x:1.0"] ("sha256:XYZ") must be sha256:<64 lowercase hex digits>',
        ]);
    });
    test("the issue's examples, each refused with its rule", () => {
        assert.deepEqual(
            problems({
                dns: { regions: [{ name: "us-east-1", target: "lb.example.com; rm -rf / #" }] },
                metrics: { monitorLabels: { "bad key!": "x" } },
                postgres: { backup: { credentialsSecret: "a;b c", schedule: "every day at noon" } },
                databaseAccess: { adminUsername: "admin; DROP ROLE postgres;--" },
                api: { targets: { responseTimeP95: "0" } },
            }),
            [
                `Pulumi.dev.yaml: api.targets.responseTimeP95 ("0") ${POSITIVE}`,
                `Pulumi.dev.yaml: metrics.monitorLabels has the key "bad key!", which ${LABEL_KEY}`,
                'Pulumi.dev.yaml: dns.regions[0].target ("lb.example.com; rm -rf / #") must be a load-balancer hostname (a DNS name such as lb.example.com) or an IPv4 address',
                `Pulumi.dev.yaml: postgres.backup.credentialsSecret ("a;b c") ${SUBDOMAIN}`,
                `Pulumi.dev.yaml: postgres.backup.schedule ("every day at noon") ${SCHEDULE}: it has 4 fields`,
                `Pulumi.dev.yaml: databaseAccess.adminUsername ("admin; DROP ROLE postgres;--") ${ROLE}`,
            ],
        );
    });
    test("a five-field crontab line is refused (CloudNativePG would read it shifted: seconds first)", () => {
        assert.deepEqual(problems({ postgres: { backup: { schedule: "0 3 * * *" } } }), [
            `Pulumi.dev.yaml: postgres.backup.schedule ("0 3 * * *") ${SCHEDULE}: it has 5 fields`,
        ]);
        assert.deepEqual(problems({ postgres: { backup: { schedule: "0 0 25 * * *" } } }), [
            `Pulumi.dev.yaml: postgres.backup.schedule ("0 0 25 * * *") ${SCHEDULE}: hours field: "25" is outside 0-23`,
        ]);
        assert.deepEqual(problems({ postgres: { backup: { schedule: "@every 1h" } } }), []);
    });
    test("reserved role names and key words", () => {
        assert.deepEqual(problems({ databaseAccess: { adminUsername: "postgres" } }), [
            'Pulumi.dev.yaml: databaseAccess.adminUsername ("postgres") must not be a reserved role (public, none, postgres, streaming_replica, pg_*, cnpg_*)',
        ]);
        assert.deepEqual(problems({ databaseAccess: { adminUsername: "user" } }), [
            `Pulumi.dev.yaml: databaseAccess.adminUsername ("user") ${ROLE} ("user" is one)`,
        ]);
    });
    test("names are held to their length limits", () => {
        const long = "a".repeat(64);
        assert.deepEqual(problems({ namespace: long }), [
            `Pulumi.dev.yaml: namespace (${JSON.stringify(long)}) ${LABEL} (it has 64 characters)`,
        ]);
    });
    test("valid values of each grammar are accepted", () => {
        assert.deepEqual(
            problems({
                cluster: { kubeContext: "arn:aws:eks:us-east-1:1:cluster/x", renderYamlToDirectory: "" },
                gateway: { hostname: "*.api.example.com", className: "istio.io-gateway", tlsSecretName: "api.tls" },
                dns: { regions: [{ name: "us-east-1", target: "10.0.0.1", healthCheckId: "1b2c3d4e-0000-4000-8000-000000000000" }] },
                metrics: { monitorLabels: { "example.com/team": "Platform_1" }, scrapeInterval: "1m" },
                postgres: {
                    storageClass: "gp3",
                    backup: {
                        destinationPath: "gs://bucket/pg",
                        endpointURL: "https://minio.example.com:9000",
                        schedule: "0 30 2 * * sun",
                    },
                },
                databaseAccess: { host: "::1", adminUsername: "deploy_admin" },
                forecast: { exportsDir: "exports/dev", prometheus: { url: "https://user:pass@prom.example.com:9090/prometheus" } },
                api: { resources: { cpuRequest: "1e-1", cpuLimit: "2" }, targets: { responseTimeP95: "0.25" } },
            }),
            [],
        );
    });
});

describe("defect 6: quantities that must be positive are > 0, at the precision Kubernetes keeps", () => {
    test('cpuRequest "0" is refused before anything divides by it', () => {
        assert.deepEqual(problems({ api: { resources: { cpuRequest: "0" } } }), [
            `Pulumi.dev.yaml: api.resources.cpuRequest ("0") ${POSITIVE}`,
        ]);
    });
    test("negative, zero in any form, too fine, fractional bytes, too large", () => {
        assert.deepEqual(
            problems({
                api: { resources: { cpuRequest: "-1", memoryRequest: "0Mi", memoryLimit: "0.5", cpuLimit: "0.1m" } },
                postgres: { storageSize: "8Ei", walStorageSize: "0e3" },
            }),
            [
                `Pulumi.dev.yaml: api.resources.cpuRequest ("-1") ${POSITIVE}`,
                `Pulumi.dev.yaml: api.resources.memoryRequest ("0Mi") ${POSITIVE}`,
                'Pulumi.dev.yaml: api.resources.memoryLimit ("0.5") must be a whole number of bytes (e.g. 512Mi, 1Gi)',
                'Pulumi.dev.yaml: api.resources.cpuLimit ("0.1m") must be a multiple of 1m (Kubernetes rounds finer CPU up), or empty',
                'Pulumi.dev.yaml: postgres.storageSize ("8Ei") must be at most 2^63-1 (9223372036854775807) in base units',
                `Pulumi.dev.yaml: postgres.walStorageSize ("0e3") ${POSITIVE}`,
            ],
        );
    });
});

describe("defect 1: guardrails must overlap the configured bounds of what the forecast sizes", () => {
    const mapped = { file: "x.csv" };
    test("guardrail minima above the configured max (1..4 -> 50..51)", () => {
        assert.deepEqual(
            problems({
                api: { minReplicas: 1, maxReplicas: 4 },
                forecast: { series: { api: { requests: mapped } }, guardrails: { api: { minReplicas: 50, maxReplicas: 51 } } },
            }),
            [
                "Pulumi.dev.yaml: forecast.guardrails.api.minReplicas (50) must be <= api.maxReplicas (4): the guardrails must overlap the configured bounds, or the forecast would jump past them",
            ],
        );
    });
    test("a worker pool's guardrail max below its configured min", () => {
        assert.deepEqual(
            problems({
                workers: { queue: { minReplicas: 5, maxReplicas: 8 } },
                forecast: {
                    series: { workers: { queue: { queueLength: mapped } } },
                    guardrails: { workers: { queue: { minReplicas: 1, maxReplicas: 3 } } },
                },
            }),
            [
                "Pulumi.dev.yaml: forecast.guardrails.workers.queue.maxReplicas (3) must be >= workers.queue.minReplicas (5): the guardrails must overlap the configured bounds, or the forecast would jump past them",
            ],
        );
    });
    test("guardrails of a workload the forecast does not size (no series, or the forecast off) are not held to it", () => {
        const guardrails = { api: { minReplicas: 50, maxReplicas: 51 } };
        assert.deepEqual(problems({ api: { minReplicas: 1, maxReplicas: 4 }, forecast: { guardrails } }), []);
        assert.deepEqual(
            problems({
                api: { minReplicas: 1, maxReplicas: 4 },
                forecast: { enabled: false, series: { api: { requests: mapped } }, guardrails },
            }),
            [],
        );
    });
    test("the committed stacks keep their bounds within their guardrails", () => {
        for (const stack of ["dev", "staging", "prod", "local"]) assert.ok(readAppConfig(PROJECT_DIR, stack));
    });
});

describe("defect 8: keys under an unknown namespace are errors", () => {
    test("rawConfig refuses a misspelt project namespace, and keys not of the form namespace:name", () => {
        assert.throws(
            () =>
                rawConfig(
                    {
                        "sysmanage-scalling:api": '{"minReplicas":2}',
                        "kubernetes:context": "kind",
                        "pulumi:disable-default-providers": '["*"]',
                        "a:b:c": "1",
                    },
                    "dev",
                ),
            {
                name: "ConfigError",
                message: [
                    "Pulumi.dev.yaml: sysmanage-scalling:api is not a key of this project (sysmanage-scaling) nor of a provider it configures (kubernetes, postgresql, random, pulumi): a misspelt project name? (unknown keys are errors)",
                    'Pulumi.dev.yaml: "a:b:c" is not a config key of the form <namespace>:<name> (e.g. sysmanage-scaling:api)',
                ].join("\n"),
            },
        );
    });
    test("the engine's old ns:config:name spelling is read as ns:name", () => {
        assert.deepEqual(rawConfig({ "sysmanage-scaling:config:namespace": "x" }, "dev"), { namespace: "x" });
    });
    test("the offline reader (readAppConfig) refuses it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cfg-ns-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            fs.writeFileSync(path.join(dir, "Pulumi.t.yaml"), "config:\n  sysmanage-scalling:api:\n    minReplicas: 2\n");
            assert.throws(() => readAppConfig(dir, "t"), {
                name: "ConfigError",
                message:
                    "Pulumi.t.yaml: sysmanage-scalling:api is not a key of this project (sysmanage-scaling) nor of a provider it configures (kubernetes, postgresql, random, pulumi): a misspelt project name? (unknown keys are errors)",
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
    test("the program under the Pulumi runtime (loadConfig via allConfig) refuses it", async () => {
        await assert.rejects(renderWith("dev", { "sysmanage-scalling:api": { minReplicas: 2 } }), {
            name: "ConfigError",
            message:
                "Pulumi.dev.yaml: sysmanage-scalling:api is not a key of this project (sysmanage-scaling) nor of a provider it configures (kubernetes, postgresql, random, pulumi): a misspelt project name? (unknown keys are errors)",
        });
    });
    test("npm run render: exit 1 with the line on stderr", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cfg-cli-"));
        try {
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            fs.writeFileSync(path.join(dir, "Pulumi.t.yaml"), "config:\n  sysmanage-scalling:api:\n    minReplicas: 2\n");
            const r = spawnSync(
                process.execPath,
                [
                    "--import",
                    "tsx",
                    path.join(PROJECT_DIR, "tools/render.ts"),
                    "--stack",
                    "t",
                    "--config-dir",
                    dir,
                    "--out",
                    path.join(dir, "out"),
                ],
                { cwd: PROJECT_DIR, encoding: "utf8", timeout: 120_000 },
            );
            assert.equal(r.status, 1, r.stderr);
            assert.ok(
                r.stderr
                    .split("\n")
                    .includes(
                        "Pulumi.t.yaml: sysmanage-scalling:api is not a key of this project (sysmanage-scaling) nor of a provider it configures (kubernetes, postgresql, random, pulumi): a misspelt project name? (unknown keys are errors)",
                    ),
                r.stderr,
            );
            assert.ok(!r.stderr.includes("    at "), "no stack trace");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("defect 10: messages name the key and show the value faithfully", () => {
    test("a list where an object belongs: one line, in plain words", () => {
        assert.deepEqual(problems({ api: ["a", "b", "c", "d"] }), [
            'Pulumi.dev.yaml: api (["a","b","c","d"]) must be an object (a map of keys to values)',
        ]);
    });
    test("unknown keys: one line each", () => {
        assert.deepEqual(problems({ "0": 1, "1": 2 }), [
            'Pulumi.dev.yaml: ["0"] is not a known key (see the config table in docs/configuration.md)',
            'Pulumi.dev.yaml: ["1"] is not a known key (see the config table in docs/configuration.md)',
        ]);
    });
    test(".inf, -.inf and .nan are shown as they are, not as null", () => {
        assert.deepEqual(problems({ api: { minReplicas: Infinity, maxReplicas: -Infinity, port: NaN } }), [
            "Pulumi.dev.yaml: api.port (NaN) must be a finite number",
            "Pulumi.dev.yaml: api.minReplicas (Infinity) must be a finite number",
            "Pulumi.dev.yaml: api.maxReplicas (-Infinity) must be a finite number",
        ]);
    });
    test("a missing required key says so", () => {
        assert.deepEqual(problems({ dns: { regions: [{ name: "us-east-1" }] } }), [
            "Pulumi.dev.yaml: dns.regions[0].target is required (a string)",
        ]);
    });
    test("booleans and lists are named in plain words", () => {
        assert.deepEqual(problems({ zones: "a", dns: { enabled: "yes" } }), [
            'Pulumi.dev.yaml: zones ("a") must be a list',
            'Pulumi.dev.yaml: dns.enabled ("yes") must be true or false',
        ]);
    });
    test("a URL's user, password and query values are never shown", () => {
        const lines = problems({
            forecast: { prometheus: { url: "htp://admin:s3cr%2Ft@prom:9090/?token=abc123" } },
            postgres: { backup: { endpointURL: "http://key:pa/ss@minio" } },
            cluster: "https://u:hunter2@x.example.com",
        });
        assert.deepEqual(lines, [
            'Pulumi.dev.yaml: cluster ("https://***@x.example.com") must be an object (a map of keys to values)',
            'Pulumi.dev.yaml: postgres.backup.endpointURL ("http://***@minio") must be http(s)://host[:port][/path] without query or fragment, or empty',
            'Pulumi.dev.yaml: forecast.prometheus.url ("htp://***@prom:9090/?token=***") must be http(s)://[user:password@]host[:port][/path] without query or fragment, or empty',
        ]);
        for (const secret of ["s3cr", "abc123", "pa/ss", "hunter2", "admin", "key:"]) assert.ok(!lines.join("\n").includes(secret), secret);
    });
    test("values of secret keys are never shown", () => {
        assert.deepEqual(
            problems({ databaseAccess: { host: "db;pw=hunter2" } }, "dev", { secretKeys: ["sysmanage-scaling:databaseAccess"] }),
            [
                "Pulumi.dev.yaml: databaseAccess.host ([secret]) must be a host: a DNS name (lowercase labels, the last starting with a letter, e.g. localhost or db.example.com), an IPv4 or an IPv6 address",
            ],
        );
    });
    test("a key read from Pulumi.yaml is blamed on Pulumi.yaml", () => {
        assert.deepEqual(problems({ namespace: "X" }, "dev", { files: { "sysmanage-scaling:namespace": "Pulumi.yaml" } }), [
            `Pulumi.yaml: namespace ("X") ${LABEL}`,
        ]);
    });
    test("long values are cut, with their length", () => {
        const long = `${"x".repeat(300)}`;
        assert.deepEqual(problems({ namespace: long }), [
            `Pulumi.dev.yaml: namespace (${JSON.stringify("x".repeat(200))}… (300 characters)) ${LABEL} (it has 300 characters)`,
        ]);
    });
});
