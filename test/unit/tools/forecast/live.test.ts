/** The live mode (tools/forecast/live.ts): query_range chunks, Prometheus' answers in words, and no credential in any message. */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import fc from "fast-check";
import { chunkRange, prometheusEndpoint, queryRange, safeUrl } from "../../../../tools/forecast/live";

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

describe("query_range requests", () => {
    test("query_range windows stay within 11,000 points", () => {
        assert.deepEqual(chunkRange(0, 300 * 25000, 300), [
            [0, 300 * 10999],
            [300 * 11000, 300 * 21999],
            [300 * 22000, 300 * 25000],
        ]);
        assert.deepEqual(chunkRange(0, 600, 300), [[0, 600]]);
        assert.throws(() => chunkRange(0, 600, 0), { message: "query_range step must be a positive number of seconds, got 0" });
        assert.throws(() => chunkRange(600, 0, 60), { message: "query_range range [600, 0] is not a finite start <= end" });
    });
});

describe("issue 13 #5: no message prints a credential, whatever the URL's shape", () => {
    test("safeUrl: the URL parser's scheme, host and plain path; anything else opaque", () => {
        for (const [given, shown] of [
            ["http://admin:s3cret@prom:9090/prom/", "http://prom:9090/prom"],
            ["https://prom.example", "https://prom.example"],
            ["http://prom:9090/?token=s3cret#frag", "http://prom:9090"],
            ["http://user:12/s3cret@prom:9090", "http://<redacted>"], // "12" would be the port, "/s3cret@prom:9090" the path
            ["http://user:pa/s3cret@prom:9090", "http://<redacted>"], // the URL parser refuses it
            ["http://user:pa?s3cret@prom", "http://<redacted>"],
            ["http://us/er:s3cret@prom", "http://<redacted>"],
            ["htp://admin:s3cret@prom", "htp://prom"],
            ["http//admin:s3cret@prom", "<redacted url>"],
            ["admin:s3cret@prom:9090", "<redacted url>"],
            ["prom:9090", "<redacted url>"],
            ["", "<redacted url>"],
            ["http://prom/a%40b", "http://prom/<path>"],
        ])
            assert.equal(safeUrl(given), shown, given);
    });
    test("prometheusEndpoint: a password with '/' is refused without a trace of it, with where the URL came from", () => {
        assert.throws(() => prometheusEndpoint("http://admin:12/s3cret@prom:9090", "forecast.prometheus.url"), {
            message:
                "Prometheus URL \"http://<redacted>\" has an '@' after its host: percent-encode '/', '?', '#' and '@' in a user or password (%2F, %3F, %23, %40) (e.g. http://prometheus:9090); it comes from forecast.prometheus.url",
        });
        assert.throws(() => prometheusEndpoint("htp://admin:s3cret@prom:9090", "$PROMETHEUS_URL"), {
            message: 'Prometheus URL "htp://prom:9090" is not an http(s) URL (e.g. http://prometheus:9090); it comes from $PROMETHEUS_URL',
        });
        const e = prometheusEndpoint("http://admin:s%2Fcret@prom:9090");
        assert.equal(e.shown, "http://prom:9090");
        assert.deepEqual(e.headers, { authorization: `Basic ${Buffer.from("admin:s/cret").toString("base64")}` });
    });
});

describe("issue 13 #10: what Prometheus answered, in words", () => {
    const q = { query: "up", start: 0, end: 600, stepSeconds: 300 };
    test("an HTML page with HTTP 200 is not 'HTTP 200'", async () => {
        await serve(200, "text/html; charset=utf-8", "<!doctype html><title>Log in</title>s3cret-page", async (url) => {
            const port = new URL(url).port;
            await assert.rejects(queryRange({ url, ...q }), {
                message: `http://127.0.0.1:${port}/api/v1/query_range "up" [0, 600]: HTTP 200 with an HTML page (text/html), not the Prometheus API's answer: is the URL the Prometheus server itself (not its UI, a proxy's login page or another service)?`,
            });
        });
        await serve(200, "application/json", "", async (url) => {
            await assert.rejects(queryRange({ url, ...q }), /: HTTP 200 with an empty body, not the Prometheus API's answer/);
        });
    });
});

describe("property: URLs in messages", () => {
    test("no part of a password (or user) is ever shown, whatever characters it has and wherever the URL breaks", () => {
        const token = fc.stringMatching(/^[A-Z][A-Z0-9]{5}$/);
        const sep = fc.constantFrom("/", "?", "#", "@", ":", "%", "%2F", " ", "\\", "");
        const secret = fc.array(fc.tuple(token, sep), { minLength: 1, maxLength: 4 });
        const shape = fc.constantFrom(
            (u: string, p: string) => `http://${u}:${p}@prom.example:9090/prom`,
            (u: string, p: string) => `https://${u}:${p}@prom.example`,
            (u: string, p: string) => `htp://${u}:${p}@prom.example`,
            (u: string, p: string) => `http//${u}:${p}@prom.example`,
            (u: string, p: string) => `${u}:${p}@prom.example:9090`,
            (u: string, p: string) => `http:/${u}:${p}@prom.example`,
            (u: string, p: string) => `http://prom.example/?user=${u}&password=${p}`,
            (u: string, p: string) => `http://${u}:${p}@[::1]:9090`,
        );
        fc.assert(
            fc.property(token, secret, shape, (user, parts, make) => {
                const password = parts.map(([t, s]) => t + s).join("");
                const url = make(user, password);
                let message = safeUrl(url);
                try {
                    message += prometheusEndpoint(url).shown;
                } catch (e) {
                    message += (e as Error).message;
                }
                for (const t of [user, ...parts.map(([t]) => t)]) assert.ok(!message.includes(t), `${url} → ${message}`);
            }),
            { numRuns: 2000, seed: 13 },
        );
    });
});
