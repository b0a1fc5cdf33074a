/**
 * The contract's grammars (policies/contract/grammar.ts) against independent oracles: the admission
 * check's ports of apimachinery's validation and resource.Quantity (admission/kubeApi/strings.ts)
 * and of robfig/cron v1 (admission/cnpg/cron.ts), the WHATWG URL parser, and worked examples.
 * Property runs are bounded (a few hundred each, well under a second).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { robfigCronError } from "../../../../admission/cnpg/cron";
import { parseQuantity as admissionQuantityValue } from "../../../../admission/cnpg/quantity";
import * as kube from "../../../../admission/kubeApi/strings";
import * as g from "../../../../policies/contract/grammar";
import { parseQuantity } from "../../../../policies/lib/k8s";
import { schema } from "../../../../policies/lib/rule";

const RUNS = { numRuns: 400 };
const chars = (alphabet: string, maxLength = 70) => fc.string({ unit: fc.constantFrom(...alphabet.split("")), maxLength });

describe("Kubernetes names and labels agree with apimachinery's validation", () => {
    const nameChars = chars("abz09-.AZ_ /", 80);
    test("property: DNS-1123 label", () => {
        fc.assert(
            fc.property(
                fc.oneof(nameChars, chars("a-", 70)),
                (v) => (g.dnsLabelError(v) === undefined) === (kube.dns1123Label(v).length === 0),
            ),
            RUNS,
        );
    });
    test("property: DNS-1123 subdomain", () => {
        fc.assert(
            fc.property(
                fc.oneof(nameChars, chars("a.", 260)),
                (v) => (g.dnsSubdomainError(v) === undefined) === (kube.dns1123Subdomain(v).length === 0),
            ),
            RUNS,
        );
    });
    test("property: label keys (qualified names)", () => {
        fc.assert(
            fc.property(
                fc.oneof(nameChars, chars("aZ./_-", 80)),
                (v) => (g.labelKeyError(v) === undefined) === (kube.qualifiedName(v).length === 0),
            ),
            RUNS,
        );
    });
    test("property: label values", () => {
        fc.assert(
            fc.property(
                fc.oneof(nameChars, chars("aZ._-", 70)),
                (v) => (g.labelValueError(v) === undefined) === (kube.labelValue(v).length === 0),
            ),
            RUNS,
        );
    });
    test("examples", () => {
        assert.equal(g.labelKeyError("app.kubernetes.io/name"), undefined);
        assert.equal(g.labelKeyError("bad key!"), g.LABEL_KEY_RULE);
        assert.equal(g.labelValueError(""), undefined);
        assert.equal(g.labelValueError("", true), `${g.LABEL_VALUE_RULE}, and not empty`);
        assert.equal(g.dnsLabelError("a".repeat(64)), `${g.DNS_LABEL_RULE} (it has 64 characters)`);
    });
});

describe("quantities are read exactly as resource.ParseQuantity reads them", () => {
    const quantityLike = fc.oneof(
        chars("0123456789.+-eEKMGTPiumnk", 12),
        fc
            .tuple(
                fc.constantFrom("", "+", "-"),
                fc.stringMatching(/^[0-9]{0,6}(\.[0-9]{0,4})?$/),
                fc.constantFrom("", "m", "k", "M", "G", "Ki", "Mi", "Gi", "Ei", "n", "u", "e3", "E-2", "e+1"),
            )
            .map(([s, n, u]) => `${s}${n}${u}`),
    );
    /**
     * A value as resource.ParseQuantity keeps it: non-zero magnitudes rounded up to a nano and
     * capped at 2^63-1. (The admission port clamps exponents beyond ±4096 to bound its work, so
     * `5E8000` is not the same rational there; both keep the cap.)
     */
    const kept = (num: bigint, den: bigint): bigint => {
        const sign = num < 0n ? -1n : 1n;
        const scaled = (num < 0n ? -num : num) * 10n ** 9n;
        const nanos = scaled / den + (scaled % den === 0n ? 0n : 1n);
        const cap = (2n ** 63n - 1n) * 10n ** 9n;
        return sign * (nanos > cap ? cap : nanos);
    };
    test("property: same set of strings, same value as the admission port (ParseQuantity's nano rounding and int64 cap)", () => {
        fc.assert(
            fc.property(quantityLike, (v) => {
                const p = g.quantityParts(v);
                const q = kube.quantity(v);
                if (p === undefined || q === undefined) return p === q;
                // p = ±digits·10^exp10·2^exp2 and q = num/den, compared as integers.
                const sign = p.negative ? -1n : 1n;
                let num = sign * p.digits * 2n ** BigInt(p.exp2);
                let den = 1n;
                if (p.exp10 >= 0) num *= 10n ** BigInt(p.exp10);
                else den = 10n ** BigInt(-p.exp10);
                return kept(num, den) === kept(q.num, q.den);
            }),
            RUNS,
        );
    });
    test("the flaky counterexample: 5E8000 is accepted by both and capped alike", () => {
        const q = kube.quantity("5E8000")!;
        assert.equal(kept(q.num, q.den), kept(5n * 10n ** 8000n, 1n));
        assert.equal(kept(5n * 10n ** 8000n, 1n), (2n ** 63n - 1n) * 10n ** 9n);
        assert.equal(kept(1n, 10n ** 12n), 1n); // 1e-12 rounds up to one nano
    });
    test("property: an accepted positive quantity is > 0, finite, within int64 and at its resolution", () => {
        fc.assert(
            fc.property(quantityLike, fc.constantFrom("cpu" as const, "bytes" as const, "seconds" as const), (v, unit) => {
                if (g.positiveQuantityError(v, unit) !== undefined) return true;
                const x = g.quantityValue(v);
                const q = kube.quantity(v)!;
                const scaled = unit === "bytes" ? q.num : q.num * 1000n;
                return x > 0 && x <= 2 ** 63 && kube.sign(q) === 1 && scaled % q.den === 0n;
            }),
            RUNS,
        );
    });
    // Valid by construction: a sign, digits with an optional fraction, any suffix (exponents both ways).
    const validQuantity = fc
        .tuple(
            fc.constantFrom("", "+", "-"),
            fc.oneof(
                fc.stringMatching(/^[0-9]{1,20}(\.[0-9]{0,12})?$/),
                fc.stringMatching(/^\.[0-9]{1,12}$/),
                fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
            ),
            fc.oneof(
                fc.constantFrom("", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"),
                fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), fc.integer({ min: 0, max: 40 })).map((p) => p.join("")),
            ),
        )
        .map(([sign, n, suffix]) => `${sign}${n}${suffix}`);
    test("property: on valid quantities the contract's value is the admission's exact value, rounded once", () => {
        fc.assert(
            fc.property(validQuantity, (v) => {
                const q = kube.quantity(v);
                const x = g.quantityValue(v);
                if (q === undefined || g.quantityParts(v) === undefined) return false;
                // The exact num/den to the nearest double through its decimal form (den is a power of ten).
                const exact = Number(`${q.num}e-${q.den.toString().length - 1}`);
                return Object.is(x, exact) || (x === 0 && exact === 0);
            }),
            { numRuns: 1000 },
        );
    });
    test("property: the pack's parseQuantity and the admission's CloudNativePG sizes read the same numbers", () => {
        fc.assert(
            fc.property(fc.oneof(validQuantity, quantityLike), (v) => {
                const pack = parseQuantity(v);
                const admission = admissionQuantityValue(v);
                return admission === undefined ? Number.isNaN(pack) : pack === admission;
            }),
            { numRuns: 1000 },
        );
    });
    test("values and the pack's parseQuantity", () => {
        assert.equal(g.quantityValue("500m"), 0.5);
        assert.equal(g.quantityValue("0.3"), 0.3);
        assert.equal(g.quantityValue("1.5Gi"), 1.5 * 2 ** 30);
        assert.equal(g.quantityValue("1e3"), 1000);
        assert.ok(Number.isNaN(g.quantityValue("1e")));
        assert.equal(parseQuantity(" 2Gi "), 2 * 2 ** 30);
        assert.equal(parseQuantity(4), 4);
        assert.ok(Number.isNaN(parseQuantity("half")));
        assert.equal(g.positiveQuantityError("0", "cpu"), "must be > 0 (a Kubernetes quantity such as 500m, 2, 512Mi or 1Gi)");
    });
    test("the pack's quantity schema is the positive grammar (RE2-compatible: no look-around)", () => {
        const pattern = schema.quantity("4", "d").pattern;
        assert.equal(pattern, g.POSITIVE_QUANTITY_PATTERN);
        assert.ok(!/\(\?[=!<]/.test(pattern));
        const re = new RegExp(pattern);
        fc.assert(
            fc.property(
                quantityLike,
                (v) =>
                    re.test(v) === (g.quantityParts(v) !== undefined && !g.quantityParts(v)!.negative && g.quantityParts(v)!.digits > 0n),
            ),
            RUNS,
        );
    });
});

describe("backup schedules: what CloudNativePG's robfig/cron parses, six fields", () => {
    const item = fc.oneof(
        fc.constantFrom("*", "?", "*/5", "0", "7", "59", "60", "1-5", "5-1", "mon-fri", "jan", "JAN/2", "0/0", "31", "32", "x"),
        fc.integer({ min: 0, max: 70 }).map(String),
    );
    const field = fc.array(item, { minLength: 1, maxLength: 3 }).map((xs) => xs.join(","));
    const spec = fc.array(field, { minLength: 4, maxLength: 7 }).map((fs) => fs.join(" "));
    test("property: six fields accepted exactly when robfig accepts them; other counts refused", () => {
        fc.assert(
            fc.property(spec, (s) => {
                const ours = g.scheduleError(s) === undefined;
                const six = s.split(" ").length === 6;
                return six ? ours === (robfigCronError(s) === undefined) : !ours;
            }),
            RUNS,
        );
    });
    test("property: whatever we accept, robfig accepts (descriptors included)", () => {
        fc.assert(
            fc.property(fc.oneof(spec, fc.constantFrom("@daily", "@hourly", "@every 1h30m", "@every 0.5s", "@weekly ", "@reboot")), (s) =>
                g.scheduleError(s) === undefined ? robfigCronError(s) === undefined : true,
            ),
            RUNS,
        );
    });
    test("examples", () => {
        assert.equal(g.scheduleError("0 0 3 * * *"), undefined);
        assert.equal(g.scheduleError("0 3 * * *"), `${g.SCHEDULE_RULE}: it has 5 fields`);
        assert.equal(g.scheduleError("0  0 3 * * *"), `${g.SCHEDULE_RULE}: fields are separated by single spaces`);
        assert.equal(g.scheduleError("@every 0.5s"), `${g.SCHEDULE_RULE}: "0.5s" is not a Go duration of at least 1s`);
    });
});

describe("URLs: read with the URL parser; credentials never shown", () => {
    // A marker no scheme can start with, then anything a user or password may hold.
    const secretChars = chars("abcXYZ019/:@%?#&=._~-", 16).map((s) => `_Q7${s}`);
    const host = fc.constantFrom("prom", "prom.example.com", "10.0.0.1", "[::1]");
    test("property: redactUrl never shows the user or the password, whatever their shape", () => {
        fc.assert(
            fc.property(
                fc.constantFrom("http://", "https://", "htp://", "http//", "http:/", ""),
                secretChars,
                secretChars,
                host,
                fc.constantFrom("", ":9090", "/api", "/p?x=1"),
                (scheme, user, pass, h, rest) => {
                    const shown = g.redactUrl(`${scheme}${user}:${pass}@${h}${rest}`);
                    return !shown.includes("Q7");
                },
            ),
            RUNS,
        );
    });
    test("property: an accepted http(s) URL parses, with an http(s) scheme and a valid host", () => {
        const urlish = fc
            .tuple(
                fc.constantFrom("http://", "https://", "HTTP://", "ftp://", "http:/"),
                fc.constantFrom("", "u:p@"),
                fc.constantFrom("prom", "0x7f.1", "a..b", "10.0.0.1", "[::1]", "[zz]", "bad host", "-x", "x.example.com"),
                fc.constantFrom("", ":9090", ":0", ":99999", ":"),
                fc.constantFrom("", "/", "/api", "/a/../b", "?q=1", "#f"),
            )
            .map((xs) => xs.join(""));
        fc.assert(
            fc.property(urlish, fc.boolean(), fc.boolean(), fc.boolean(), (v, credentials, port, p) => {
                if (g.httpUrlError(v, { credentials, port, path: p }) !== undefined) return true;
                const u = new URL(v);
                return (
                    (u.protocol === "http:" || u.protocol === "https:") &&
                    (credentials || (!u.username && !u.password)) &&
                    (port || u.port === "")
                );
            }),
            RUNS,
        );
    });
    test("examples", () => {
        assert.equal(g.redactUrl("http://u:p@h:9090/x"), "http://***@h:9090/x");
        assert.equal(g.redactUrl("http://u:pa/ss@host/x"), "http://***@host/x");
        assert.equal(g.redactUrl("http://u#x:pass@host"), "http://***@host");
        assert.equal(g.redactUrl("htp//user:pass@host"), "***@host");
        assert.equal(g.redactUrl("http://host/p?token=abc&x"), "http://host/p?token=***&***");
        assert.equal(g.httpUrlError("http://prom:9090"), "must be http(s)://host without port or path");
        assert.equal(g.httpUrlError("http://0x7f.1"), "must be http(s)://host without port or path");
        assert.equal(g.objectStoreUrlError("s3://sysmanage-backups/prod"), undefined);
        assert.equal(g.objectStoreUrlError("s3://key:secret@bucket/prod"), g.OBJECT_STORE_RULE);
    });
});

describe("hosts, images, paths, identifiers", () => {
    test("DNS targets: a hostname or an IPv4, never a command line", () => {
        assert.equal(g.dnsTargetError("lb.example.com"), undefined);
        assert.equal(g.dnsTargetError("127.0.0.1"), undefined);
        for (const bad of ["lb.example.com; rm -rf / #", "999.1.1.1", "01.2.3.4", "lb", "*.example.com", "LB.example.com"])
            assert.equal(g.dnsTargetError(bad), g.DNS_TARGET_RULE, bad);
    });
    test("image references (distribution/reference)", () => {
        for (const ok of [
            "ghcr.io/a/b:1.0",
            "registry:5000/team/api:v1",
            `x@sha256:${"a".repeat(64)}`,
            `ghcr.io/a:1@sha256:${"b".repeat(64)}`,
        ])
            assert.equal(g.pinnedImageError(ok), undefined, ok);
        assert.equal(
            g.pinnedImageError("a;b:1.0"),
            `${g.PINNED_IMAGE_RULE} (registry/name[:tag][@sha256:digest], lowercase repository path)`,
        );
        assert.equal(
            g.pinnedImageError("ghcr.io/A/b:1"),
            `${g.PINNED_IMAGE_RULE} (registry/name[:tag][@sha256:digest], lowercase repository path)`,
        );
        assert.equal(g.pinnedImageError("x:latest"), g.PINNED_IMAGE_RULE);
        assert.equal(
            g.pinnedImageError("x@sha256:short"),
            `${g.PINNED_IMAGE_RULE} (registry/name[:tag][@sha256:digest], lowercase repository path)`,
        );
    });
    test("property: an accepted relative path never leaves its base", () => {
        fc.assert(
            fc.property(chars("a./-_\\:~ ", 20), (v) => {
                if (g.relativePathError(v) !== undefined) return true;
                const parts = v.split("/");
                return !v.startsWith("/") && parts.every((p) => p !== ".." && p !== "." && p !== "") && !v.includes("\\");
            }),
            RUNS,
        );
    });
    test("PostgreSQL role names", () => {
        assert.equal(g.pgRoleNameError("sysmanage_admin"), undefined);
        assert.equal(g.pgRoleNameError("admin; DROP ROLE postgres;--"), g.PG_IDENTIFIER_RULE);
        assert.equal(g.pgRoleNameError("select"), `${g.PG_IDENTIFIER_RULE} ("select" is one)`);
        assert.equal(
            g.pgRoleNameError("pg_monitor"),
            "must not be a reserved role (public, none, postgres, streaming_replica, pg_*, cnpg_*)",
        );
        assert.equal(g.PG_RESERVED_KEYWORDS.size, 78);
    });
    test("text: control characters, line breaks and bidirectional overrides are refused", () => {
        for (const bad of ["a\nb", "a\u0000", "a\u202eb", "a\u2028b"])
            assert.equal(g.textError(bad, 100), g.textError("\n", 100), JSON.stringify(bad));
        assert.equal(g.textError("x".repeat(5), 4), "must be at most 4 characters (it has 5)");
    });
});
