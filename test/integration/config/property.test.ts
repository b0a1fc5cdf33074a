/**
 * Property tests over stack config values (issue 13): a random value at a random key of a valid
 * stack config, through the real validation paths: the offline reader (`readAppConfig` on a
 * stack file written to a temporary project) and the program under the Pulumi mock runtime
 * (`loadConfig` via `renderStack`). The outcome is a valid config or a ConfigError /
 * StackConfigError whose lines each name a file and a key, never a raw exception or a stack trace;
 * a credential put in a value is never in a message; every accepted string is in its grammar.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { ConfigError, PROJECT, type AppConfig } from "../../../config";
import * as g from "../../../policies/contract/grammar";
import { PROJECT_DIR, renderStack } from "../../../tools/mockRuntime";
import { readAppConfig, StackConfigError } from "../../../config/stackFile";

/** The grammar each accepted string must be in, by its path (`[]` for list indices). */
const GRAMMARS: [RegExp, (v: string) => string | undefined][] = [
    [/^metrics\.dashboardNamespace$/, (v) => (v === "" ? undefined : g.dnsLabelError(v))],
    [/^namespace$|Namespace$|\.operatorNamespace$|^dns\.regions\[\]\.name$/, g.dnsLabelError],
    [/^zones\[\]$|^cluster\.name$|\.queueName$/, (v) => g.labelValueError(v, true)],
    [/^cluster\.region$/, (v) => g.dnsLabelError(v) ?? (v.length > 53 ? "too long" : undefined)],
    [/^cluster\.kubeContext$/, (v) => g.textError(v, 1000)],
    [/^cluster\.renderYamlToDirectory$|^forecast\.exportsDir$/, (v) => (v === "" ? undefined : g.relativePathError(v))],
    [/\.image$|^redis\.exporterImage$/, g.pinnedImageError],
    [/^api\.targets\.responseTimeP95$/, (v) => g.positiveQuantityError(v, "seconds")],
    // Empty: the main cluster's value.
    [/^sharding\.postgres\.cpu$/, (v) => (v === "" ? undefined : g.positiveQuantityError(v, "cpu"))],
    [/^sharding\.postgres\.(memory|storageSize)$/, (v) => (v === "" ? undefined : g.positiveQuantityError(v, "bytes"))],
    [
        /\.(cpuRequest|minCpu|maxCpu)$|^(postgres|postgres\.analytics|redis|redis\.sessions|pooler)\.cpu$/,
        (v) => g.positiveQuantityError(v, "cpu"),
    ],
    [/\.cpuLimit$/, (v) => (v === "" ? undefined : g.positiveQuantityError(v, "cpu"))],
    // Empty: the API pod's request (issue 17 #4); before the `.memory` rule below.
    [/^placement\.overprovision\.cpu$/, (v) => (v === "" ? undefined : g.positiveQuantityError(v, "cpu"))],
    [/^placement\.overprovision\.memory$/, (v) => (v === "" ? undefined : g.positiveQuantityError(v, "bytes"))],
    [/\.(memoryRequest|memoryLimit|minMemory|maxMemory|memory|storageSize|walStorageSize)$/, (v) => g.positiveQuantityError(v, "bytes")],
    [/^metrics\.prometheusUrl$/, (v) => g.httpUrlError(v)],
    [/^metrics\.scrapeInterval$/, g.scrapeIntervalError],
    [/^metrics\.runbookBaseUrl$/, (v) => g.httpUrlError(v, { port: true, path: true })],
    [/^metrics\.dashboardFolder$/, (v) => (v === "" ? undefined : g.textError(v, 100))],
    [/^gateway\.(className|tlsSecretName)$|^postgres\.backup\.credentialsSecret$/, g.dnsSubdomainError],
    [/^postgres\.storageClass$/, (v) => (v === "" ? undefined : g.dnsSubdomainError(v))],
    [/^gateway\.hostname$/, (v) => g.hostnameError(v, { wildcard: true })],
    [/^gateway\.requestTimeout$/, g.gatewayDurationError],
    [/^dns\.regions\[\]\.target$/, g.dnsTargetError],
    [/^dns\.regions\[\]\.geo$/, (v) => (/^([A-Z]{2}|\*)$/.test(v) ? undefined : "geo")],
    [/^dns\.regions\[\]\.healthCheckId$/, g.providerIdError],
    [/^postgres\.walKeepSize$/, (v) => (/^[0-9]{1,10}(MB|GB)$/.test(v) ? undefined : "size")],
    [/^postgres\.backup\.destinationPath$/, (v) => (v === "" ? undefined : g.objectStoreUrlError(v))],
    [/^postgres\.backup\.endpointURL$/, (v) => (v === "" ? undefined : g.httpUrlError(v, { port: true, path: true }))],
    [/^postgres\.backup\.retentionPolicy$/, (v) => (/^[1-9][0-9]*[dwm]$/.test(v) ? undefined : "retention")],
    [/^postgres\.backup\.schedule$/, g.scheduleError],
    [/^databaseAccess\.host$/, g.hostError],
    [/^databaseAccess\.adminUsername$/, g.pgRoleNameError],
    [/^forecast\.prometheus\.url$/, (v) => (v === "" ? undefined : g.httpUrlError(v, { credentials: true, port: true, path: true }))],
    [/^forecast\.series\..*\.file$/, g.relativePathError],
    [/^forecast\.series\..*\.series$/, (v) => g.textError(v, 1000)],
    [/^forecast\.series\..*\.query$/, (v) => g.textError(v, 10000)],
    // Acknowledged bounds: empty, or "min..max" with 1 <= min <= max (written out here, not the contract's parser).
    [
        /^forecast\.acknowledge\./,
        (v) => {
            const m = /^(\d+)\.\.(\d+)$/.exec(v);
            return v === "" || (m && Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2])) ? undefined : "bounds";
        },
    ],
    // ISO 4217: three capitals (the schema checks the runtime's list of codes).
    [/^cost\.currency$/, (v) => (/^[A-Z]{3}$/.test(v) ? undefined : "currency")],
    [/^placement\.(capacityTypeLabel|spotTaint\.key)$/, g.labelKeyError],
    [/^placement\.spotTaint\.value$/, (v) => g.labelValueError(v, true)],
    // Karpenter (written out from its CRD's patterns, not the schema's helpers).
    [/^placement\.karpenter\.nodeClassRef\.(group|name)$/, g.dnsSubdomainError],
    [/^placement\.karpenter\.nodeClassRef\.kind$/, (v) => (/^[A-Z][A-Za-z0-9]{0,62}$/.test(v) ? undefined : "kind")],
    [/^placement\.karpenter\.(consolidateAfter|expireAfter)$/, (v) => (/^(Never|([0-9]+(s|m|h))+)$/.test(v) ? undefined : "duration")],
    [/^placement\.karpenter\.terminationGracePeriod$/, (v) => (v === "" || /^([0-9]+(s|m|h))+$/.test(v) ? undefined : "duration")],
    [/^placement\.karpenter\.instanceCategories\[\]$/, (v) => (/^[a-z]$/.test(v) ? undefined : "category")],
    [/^placement\.workingHours\.(start|end)$/, (v) => (/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/.test(v) ? undefined : "HH:MM")],
    // Enumerations: the schema's own list.
    [
        /^environment$|^dns\.routing$|\.updateMode$|^databaseAccess\.sslmode$|^redis\.evictionPolicy$|^pooler\.readFallback$|\.unit$|^forecast\.floorScenario$|^workers\.\w+\.capacity$|^placement\.spotTaint\.effect$|^placement\.karpenter\.architectures\[\]$/,
        () => undefined,
    ],
];
/** Maps whose keys and values each have a grammar. */
const MAPS: Record<string, [(k: string) => string | undefined, (v: string) => string | undefined]> = {
    "metrics.prometheusPodLabels": [g.labelKeyError, (v) => g.labelValueError(v)],
    "metrics.monitorLabels": [g.labelKeyError, (v) => g.labelValueError(v)],
    "metrics.dashboardLabels": [g.labelKeyError, (v) => g.labelValueError(v)],
    "images.digests": [
        (k) => (g.pinnedImageError(k) === undefined && !k.includes("@") ? undefined : "tag"),
        (v) => (g.isSha256Digest(v) ? undefined : "digest"),
    ],
};

/** Every string of an accepted config that is not in its grammar, as `path: value (rule)`. */
function offGrammar(c: AppConfig): string[] {
    const out: string[] = [];
    const walk = (v: unknown, at: string) => {
        if (at in MAPS) {
            const [key, value] = MAPS[at];
            for (const [k, x] of Object.entries(v as Record<string, string>)) {
                const e = key(k) ?? value(x);
                if (e) out.push(`${at}[${JSON.stringify(k)}]: ${JSON.stringify(x)} (${e})`);
            }
        } else if (typeof v === "string") {
            const rule = GRAMMARS.find(([re]) => re.test(at));
            const e = rule ? rule[1](v) : "no grammar for this key";
            if (e) out.push(`${at}: ${JSON.stringify(v)} (${e})`);
        } else if (Array.isArray(v)) v.forEach((x) => walk(x, `${at}[]`));
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
    };
    walk(c, "");
    return out;
}

/** A marker a value may carry as a credential; no message may show it. */
const SECRET = "_Pw7";
const str = fc.oneof(
    fc.constantFrom(
        "",
        "0",
        "-1",
        "500m",
        "1Gi",
        "0.1m",
        "1e3",
        "sysmanage",
        "Sys_Manage",
        "a;b c",
        "bad key!",
        "lb.example.com; rm -rf / #",
        "127.0.0.1",
        "every day at noon",
        "0 0 3 * * *",
        "0 3 * * *",
        "admin; DROP ROLE postgres;--",
        "../../etc/passwd",
        "/etc/passwd",
        "exports/x",
        "s3://bucket/p",
        "http://prom",
        `http://user:${SECRET}/x@prom:9090`,
        `htp://admin:${SECRET}@prom`,
        `https://u:${SECRET}@h/p?token=${SECRET}`,
        "ghcr.io/a/b:1.0",
        "x:latest",
        "a\nb",
        "\u202e",
        "x".repeat(300),
        "*.example.com",
        "@daily",
        "true",
        "null",
        ".inf",
    ),
    fc.string({ maxLength: 12 }),
    fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
);
const scalar = fc.oneof(
    str,
    fc.integer({ min: -5, max: 100_000 }),
    fc.constantFrom(0, -0, 1.5, 1e308, Infinity, -Infinity, NaN, true, false, null),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom("a", "name", "minReplicas", "bad key!", "file"), scalar, { maxKeys: 2 }) },
);

const devStack = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
const devShort = Object.fromEntries(Object.entries(devStack.config).map(([k, v]) => [k.slice(PROJECT.length + 1), v]));
/** The dev config as the program reads it: every key, for mutation targets. */
const devFull = readAppConfig(PROJECT_DIR, "dev") as unknown as Record<string, unknown>;

/** Every path of an object (leaves and inner nodes), as key lists. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
    const here = at.length ? [at] : [];
    if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => paths(x, [...at, i]))];
    if (v && typeof v === "object") return [...here, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
    return here;
}
const TARGETS = paths(devFull);

/** A top-level key's value (as in the dev stack file, else the program's default) with `value` set at `rest`. */
function mutated(top: string, rest: (string | number)[], v: unknown): unknown {
    if (rest.length === 0) return v;
    const base = structuredClone(devShort[top] ?? devFull[top]) as Record<string | number, unknown>;
    let cur = base;
    for (const p of rest.slice(0, -1)) {
        if (cur[p] === null || typeof cur[p] !== "object") cur[p] = typeof rest[rest.indexOf(p) + 1] === "number" ? [] : {};
        cur = cur[p] as Record<string | number, unknown>;
    }
    cur[rest[rest.length - 1]] = v;
    return base;
}

/** The change a run makes: a key of the config (or a new one) set to a value. */
const change = fc.oneof(
    {
        weight: 8,
        arbitrary: fc.tuple(fc.constantFrom(...TARGETS), value).map(([p, v]) => ({ top: String(p[0]), rest: p.slice(1), v, ns: PROJECT })),
    },
    {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom("apii", "api.minReplica", "x"), value).map(([k, v]) => ({ top: k, rest: [], v, ns: PROJECT })),
    },
    {
        weight: 1,
        arbitrary: fc
            .tuple(fc.constantFrom("sysmanage-scalling", "sysmanage", "kubernetes", "aws"), fc.constantFrom("api", "context"), value)
            .map(([ns, k, v]) => ({ top: k, rest: [], v, ns })),
    },
);

/** What a run checks about a failure's message. */
function checkMessage(e: unknown, top: string): void {
    assert.ok(e instanceof ConfigError || e instanceof StackConfigError, `not a config error: ${e instanceof Error ? e.stack : String(e)}`);
    const message = e.message;
    assert.ok(!message.includes(SECRET), `a credential in: ${message}`);
    assert.ok(!/\n\s+at /.test(message), `a stack trace in: ${message}`);
    for (const line of message.split("\n")) assert.match(line, /^(Pulumi\.[\w.-]+\.yaml|Pulumi\.yaml|stack "p"): \S/, line);
    assert.ok(message.includes(top), `the key ${top} is not named in: ${message}`);
}

describe("property: random values at random keys of the dev stack, read offline (readAppConfig)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cfg-prop-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const stackFile = path.join(dir, "Pulumi.p.yaml");
    let accepted = 0;
    test("a valid config whose strings are in their grammars, or a config error naming the file and key (300 runs)", () => {
        try {
            fc.assert(
                fc.property(change, ({ top, rest, v, ns }) => {
                    const config = { ...devStack.config, [`${ns}:${top}`]: mutated(top, rest, v) };
                    fs.writeFileSync(stackFile, stringify({ config }));
                    let c: AppConfig;
                    try {
                        c = readAppConfig(dir, "p");
                    } catch (e) {
                        checkMessage(e, ns === PROJECT ? top : `${ns}:${top}`);
                        return;
                    }
                    accepted++;
                    assert.deepEqual(offGrammar(c), []);
                    assert.ok(ns === PROJECT || ns === "kubernetes", `${ns}:${top} was accepted`);
                }),
                { numRuns: 300, seed: 13 },
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        // The runs are not all refusals: some changes are valid.
        assert.ok(accepted >= 10, `only ${accepted} accepted`);
    });
    test("the committed stacks' strings are all in their grammars", () => {
        for (const stack of ["dev", "staging", "prod", "local"]) assert.deepEqual(offGrammar(readAppConfig(PROJECT_DIR, stack)), [], stack);
    });
});

describe("property: random values through the program under the Pulumi runtime (loadConfig)", () => {
    test("the program renders, or fails with a config error naming the key (25 runs)", async () => {
        await fc.assert(
            fc.asyncProperty(fc.tuple(fc.constantFrom(...TARGETS.filter((p) => p[0] !== "forecast")), value), async ([p, v]) => {
                const top = String(p[0]);
                try {
                    await renderStack("dev", { configOverrides: { [top]: mutated(top, p.slice(1), v) } });
                } catch (e) {
                    assert.ok(e instanceof ConfigError, `not a ConfigError: ${e instanceof Error ? e.stack : String(e)}`);
                    checkMessage(e, top);
                }
            }),
            { numRuns: 25, seed: 13 },
        );
    });
});
