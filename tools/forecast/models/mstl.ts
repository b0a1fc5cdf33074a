/**
 * Multi-seasonal baseline: MSTL (daily and, with two weeks of history, weekly seasons) with an
 * AutoETS trend, from `@bsull/augurs` (Grafana's augurs, a dev dependency: the benchmark's
 * well-kept library baseline). The package is ESM with WASM; it is loaded with `require` (Node
 * >= 20.19 loads ESM synchronously) and initialised from the .wasm file, so no fetch is needed.
 * When the package is absent, `mstlAvailable()` is false and callers skip the model.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Model } from "../../../forecast/models/common";

interface AugursMstl {
    initSync(o: { module: Buffer }): unknown;
    MSTL: {
        ets(
            periods: number[],
            options?: { impute?: boolean },
        ): {
            fit(y: Float64Array): void;
            predict(h: number, level?: number | null): { point: number[] };
            free(): void;
        };
    };
}

let lib: AugursMstl | null | undefined;

function load(): AugursMstl | null {
    if (lib !== undefined) return lib;
    try {
        const entry = require.resolve("@bsull/augurs/mstl");
        // A synchronous, optional load of a package that may be absent (the caller falls back to the
        // pure-JS decomposition): a static import would make it mandatory.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const m = require(entry) as AugursMstl;
        m.initSync({ module: fs.readFileSync(path.join(path.dirname(entry), "mstl_bg.wasm")) });
        lib = m;
    } catch {
        lib = null;
    }
    return lib;
}

export function mstlAvailable(): boolean {
    return load() !== null;
}

export const mstl: Model = {
    name: "mstl",
    minPoints: (period) => 2 * period + 1,
    forecast(y, h, period) {
        const m = load();
        if (!m) throw new Error("mstl: @bsull/augurs is not installed");
        const periods = y.length >= 2 * 7 * period ? [period, 7 * period] : [period];
        const model = m.MSTL.ets(periods);
        try {
            model.fit(y);
            const point = Float64Array.from(model.predict(h, null).point);
            for (let i = 0; i < h; i++) if (!Number.isFinite(point[i])) point[i] = y[y.length - 1];
            return { point, detail: `mstl(periods=${periods.join(",")}, trend=AutoETS; augurs 0.10)` };
        } finally {
            model.free();
        }
    },
};
