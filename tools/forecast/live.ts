/**
 * The live mode: queries a Prometheus server's `/api/v1/query_range` over HTTP, chunked so no
 * request asks for more than 11,000 points per series (Prometheus' limit), merges the chunks and
 * returns one body in the exact query_range shape, ready to write as an export file. The only
 * module of the forecasting step that touches the network.
 */

/** Prometheus refuses query_range requests of more than 11,000 points per series. */
export const MAX_POINTS_PER_SERIES = 11000;

export interface RangeQuery {
    /** Base URL, e.g. http://127.0.0.1:9090 */
    readonly url: string;
    readonly query: string;
    /** Unix seconds, inclusive. */
    readonly start: number;
    readonly end: number;
    readonly stepSeconds: number;
    /** Request timeout per chunk. @default 30000 */
    readonly timeoutMs?: number;
}

export interface QueryRangeBody {
    status: "success";
    data: { resultType: "matrix"; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
}

/** [start, end] windows of at most `maxPoints` points each, aligned to the step. */
export function chunkRange(start: number, end: number, step: number, maxPoints = MAX_POINTS_PER_SERIES): Array<[number, number]> {
    if (!(step > 0) || !Number.isFinite(step)) throw new Error(`query_range step must be a positive number of seconds, got ${step}`);
    if (!Number.isFinite(start) || !Number.isFinite(end) || start > end)
        throw new Error(`query_range range [${start}, ${end}] is not a finite start <= end`);
    if (!(maxPoints >= 1)) throw new Error(`query_range maxPoints must be >= 1, got ${maxPoints}`);
    const out: Array<[number, number]> = [];
    for (let s = start; s <= end; s += maxPoints * step) out.push([s, Math.min(end, s + (maxPoints - 1) * step)]);
    return out;
}

/**
 * A URL for messages that never shows a credential, whatever the string looks like. Read with the
 * WHATWG URL parser: `scheme://host[:port]`, plus the path when it is plain (letters, digits,
 * `-._~/`); user, password, query and fragment are never shown. A string the parser cannot read,
 * or in which an `@` is left outside the user and password (a password with `/`, `?` or `#` in it
 * moves the rest of it into the host, the port or the path), is opaque: `scheme://<redacted>`
 * when it starts with a plain `scheme://`, else `<redacted url>`.
 */
export function safeUrl(url: string): string {
    let u: URL | undefined;
    try {
        u = new URL(url);
    } catch {
        u = undefined;
    }
    const opaque = () => {
        const m = /^([A-Za-z][A-Za-z0-9+.-]{0,15}):\/\//.exec(url);
        return m ? `${m[1].toLowerCase()}://<redacted>` : "<redacted url>";
    };
    if (!u || !u.host) return opaque();
    const userinfo = u.username !== "" || u.password !== "";
    // Every '@' must be the userinfo's: one anywhere else means the parser split a credential.
    if (`${u.pathname}${u.search}${u.hash}`.includes("@") || (!userinfo && url.includes("@"))) return opaque();
    const plainPath = /^[A-Za-z0-9._~/-]*$/.test(u.pathname) ? u.pathname.replace(/\/+$/, "") : "/<path>";
    return `${u.protocol}//${u.host}${plainPath}`;
}

/** @deprecated the name of `safeUrl` before it used the URL parser for every string. */
export const redactUrl = safeUrl;

/**
 * The server's URL without its credentials, for logs and errors (`http://user:pass@host` →
 * `http://host`, `safeUrl`), and the credentials as a Basic `Authorization` header: fetch refuses
 * URLs that carry them, and its error would print them. `from` names where the URL came from.
 */
export function prometheusEndpoint(
    url: string,
    from = "$PROMETHEUS_URL, else forecast.prometheus.url, else metrics.prometheusUrl",
): { readonly base: URL; readonly shown: string; readonly headers: Record<string, string> } {
    const bad = (why: string) =>
        new Error(`Prometheus URL ${JSON.stringify(safeUrl(url))} ${why} (e.g. http://prometheus:9090); it comes from ${from}`);
    let base: URL;
    try {
        base = new URL(url);
    } catch {
        throw bad("is not an http(s) URL");
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw bad("is not an http(s) URL");
    if (`${base.pathname}${base.search}${base.hash}`.includes("@"))
        throw bad("has an '@' after its host: percent-encode '/', '?', '#' and '@' in a user or password (%2F, %3F, %23, %40)");
    if (base.search || base.hash) throw bad("has a query or fragment: give the server's base URL");
    const headers: Record<string, string> = {};
    if (base.username || base.password) {
        const decode = (x: string) => {
            try {
                return decodeURIComponent(x);
            } catch {
                return x; // not percent-encoded after all: as written
            }
        };
        headers.authorization = `Basic ${Buffer.from(`${decode(base.username)}:${decode(base.password)}`).toString("base64")}`;
        base.username = "";
        base.password = "";
    }
    return { base, shown: safeUrl(base.href), headers };
}

export async function queryRange(q: RangeQuery & { readonly from?: string }): Promise<QueryRangeBody> {
    const series = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
    const { base, shown, headers } = prometheusEndpoint(q.url, q.from);
    for (const [s, e] of chunkRange(q.start, q.end, q.stepSeconds)) {
        const u = new URL("/api/v1/query_range", base);
        u.searchParams.set("query", q.query);
        u.searchParams.set("start", String(s));
        u.searchParams.set("end", String(e));
        u.searchParams.set("step", `${q.stepSeconds}s`);
        let res: Response;
        try {
            res = await fetch(u, { headers, signal: AbortSignal.timeout(q.timeoutMs ?? 30000) });
        } catch (err) {
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            const why =
                (err as Error).name === "TimeoutError"
                    ? `no answer within ${q.timeoutMs ?? 30000} ms`
                    : (cause?.code ?? cause?.message ?? (err as Error).message);
            throw new Error(`${shown}/api/v1/query_range ${JSON.stringify(q.query)}: cannot reach Prometheus (${why})`);
        }
        const where = `${shown}/api/v1/query_range ${JSON.stringify(q.query)} [${s}, ${e}]`;
        let text: string;
        try {
            text = await res.text();
        } catch (err) {
            throw new Error(`${where}: HTTP ${res.status}, and the answer could not be read (${(err as Error).name})`);
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch {
            parsed = undefined;
        }
        const type = (res.headers.get("content-type") ?? "").split(";")[0].trim() || "no content type";
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            const html = /^\s*</.test(text);
            throw new Error(
                `${where}: HTTP ${res.status} with ${text.trim() === "" ? "an empty body" : html ? `an HTML page (${type})` : `a body that is not JSON (${type})`}, not the Prometheus API's answer: is the URL the Prometheus server itself (not its UI, a proxy's login page or another service)?`,
            );
        }
        const body = parsed as { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } };
        // Prometheus' own error text (a PromQL parse error, a timeout), never the body: at most 300 characters of one line.
        const apiError = typeof body.error === "string" ? `: ${body.error.replace(/\s+/g, " ").slice(0, 300)}` : "";
        if (!res.ok) throw new Error(`${where}: HTTP ${res.status}${apiError}`);
        if (body.status !== "success")
            throw new Error(
                `${where}: Prometheus answered status ${JSON.stringify(typeof body.status === "string" ? body.status : null)}${apiError}`,
            );
        if (body.data?.resultType !== "matrix")
            throw new Error(
                `${shown}/api/v1/query_range ${JSON.stringify(q.query)}: resultType ${typeof body.data?.resultType === "string" ? JSON.stringify(body.data.resultType) : "missing"}, expected "matrix"`,
            );
        if (!Array.isArray(body.data.result)) throw new Error(`${where}: data.result is not an array of series`);
        const results = body.data.result as Array<{ metric?: unknown; values?: unknown }>;
        for (const r of results)
            if (typeof r !== "object" || r === null || typeof r.metric !== "object" || r.metric === null || !Array.isArray(r.values))
                throw new Error(`${where}: a series of data.result is not {metric, values}`);
        for (const r of results as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>) {
            const key = JSON.stringify(Object.entries(r.metric).sort());
            const cur = series.get(key) ?? { metric: r.metric, values: [] };
            cur.values.push(...r.values);
            series.set(key, cur);
        }
    }
    const result = [...series.values()].sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
    return { status: "success", data: { resultType: "matrix", result } };
}
