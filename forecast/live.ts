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
 * The server's URL without its credentials, for logs and errors (`http://user:pass@host` →
 * `http://host`), and the credentials as a Basic `Authorization` header: fetch refuses URLs that
 * carry them, and its error would print them.
 */
export function prometheusEndpoint(url: string): { readonly base: URL; readonly shown: string; readonly headers: Record<string, string> } {
    const bad = () =>
        new Error(
            `Prometheus URL ${JSON.stringify(redactUrl(url))} is not an http(s) URL (e.g. http://prometheus:9090); it comes from $PROMETHEUS_URL, else forecast.prometheus.url, else metrics.prometheusUrl`,
        );
    let base: URL;
    try {
        base = new URL(url);
    } catch {
        throw bad();
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw bad();
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
    return { base, shown: base.origin + base.pathname.replace(/\/$/, ""), headers };
}

/** `url` with whatever precedes an `@` (user and password) replaced by `***`, for messages. */
export function redactUrl(url: string): string {
    return url.replace(/[^/@\s]*@/, "***@");
}

export async function queryRange(q: RangeQuery): Promise<QueryRangeBody> {
    const series = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
    const { base, shown, headers } = prometheusEndpoint(q.url);
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
        const body = (await res.json().catch(() => null)) as {
            status?: string;
            error?: string;
            data?: { resultType?: string; result?: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
        } | null;
        if (!res.ok || !body || body.status !== "success")
            throw new Error(
                `${shown}/api/v1/query_range ${JSON.stringify(q.query)} [${s}, ${e}]: HTTP ${res.status}${body?.error ? `: ${body.error}` : ""}`,
            );
        if (body.data?.resultType !== "matrix")
            throw new Error(
                `${shown}/api/v1/query_range ${JSON.stringify(q.query)}: resultType ${JSON.stringify(body.data?.resultType)}, expected "matrix"`,
            );
        for (const r of body.data.result ?? []) {
            const key = JSON.stringify(Object.entries(r.metric).sort());
            const cur = series.get(key) ?? { metric: r.metric, values: [] };
            cur.values.push(...r.values);
            series.set(key, cur);
        }
    }
    const result = [...series.values()].sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
    return { status: "success", data: { resultType: "matrix", result } };
}
