import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputsHash, SeriesLoader, trainingGrid, trainingWindow } from "../../../forecast/series";

/** A folder with `files` (name → content), removed after `f`. */
function withExports<T>(files: Record<string, string>, f: (dir: string) => T): T {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-series-"));
    try {
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
        return f(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const CSV = "timestamp,a,b\n1700000000,60,6\n1700000060,120,12\n1700000120,180,18\n";
const loader = (baseDir: string, o: { now?: Date; wallClock?: Date } = {}) =>
    new SeriesLoader({ baseDir, baseDirShown: "exports/x", inputs: '{"k":1}', maxExportAgeHours: 1, ...o });

describe("the series loader (one for the workloads and the data tier)", () => {
    test("each export is read and hashed once, whatever reads it; a count is a per-second rate", () => {
        withExports({ "m.csv": CSV }, (dir) => {
            const l = loader(dir);
            const a = l.load("a", { file: "m.csv", series: "a", unit: "count" });
            const b = l.load("b", { file: "m.csv", series: "b" });
            assert.ok(typeof a !== "string" && typeof b !== "string");
            assert.deepEqual(Array.from(a.v), [1, 2, 3]);
            assert.deepEqual(Array.from(b.v), [6, 12, 18]);
            const once = loader(dir);
            once.load("a", { file: "m.csv", series: "a" });
            assert.equal(l.inputsHash(), once.inputsHash());
            // The hash is the consumer's inputs, then each export's path as mapped and its content.
            const h = new InputsHash('{"k":1}');
            h.export("m.csv", { ok: true, bytes: Buffer.from(CSV) });
            assert.equal(l.inputsHash(), h.digest());
            assert.match(h.digest(), /^[0-9a-f]{16}$/);
        });
    });
    test("the inputs hash: valid UTF-8 as read, other bytes as their decoded text re-encoded (as the text always was)", () => {
        const sha = (...parts: Array<string | Buffer>) => {
            const h = createHash("sha256");
            for (const p of parts) h.update(p);
            return h.digest("hex").slice(0, 16);
        };
        const valid = new InputsHash("{}");
        valid.export("e.json", { ok: true, bytes: Buffer.from("é1") });
        assert.equal(valid.digest(), sha("{}", "\0e.json\0", Buffer.from([0xc3, 0xa9, 0x31])));
        const invalid = new InputsHash("{}");
        invalid.export("e.json", { ok: true, bytes: Buffer.from([0x31, 0xff]) });
        assert.equal(invalid.digest(), sha("{}", "\0e.json\0", Buffer.from([0x31, 0xef, 0xbf, 0xbd])));
    });
    test("what cannot be used is a reason naming the export: missing, malformed, no such series", () => {
        withExports({ "m.csv": CSV, "bad.csv": "timestamp,value\nyesterday,1\n" }, (dir) => {
            const l = loader(dir);
            assert.equal(l.load("x", { file: "none.csv" }), "export none.csv for x is missing");
            assert.equal(
                l.load("x", { file: "bad.csv" }),
                "export bad.csv for x: line 2, column 1: the timestamp is not a date (YYYY-MM-DD[ HH:MM[:SS]], ISO 8601) or unix seconds or milliseconds",
            );
            assert.equal(l.load("x", { file: "m.csv", series: "c" }), 'export m.csv has no series "c" for x (has "a", "b")');
            // A missing export is part of the inputs too: it appearing changes the hash.
            const h = new InputsHash('{"k":1}');
            h.export("none.csv", { ok: false, reason: "is missing" });
            h.export("bad.csv", { ok: true, bytes: Buffer.from("timestamp,value\nyesterday,1\n") });
            h.export("m.csv", { ok: true, bytes: Buffer.from(CSV) });
            assert.equal(l.inputsHash(), h.digest());
        });
    });
    test("dated after the wall clock (beyond 15 min) or older than the limit before `now`; neither without a clock", () => {
        withExports({}, (dir) => {
            const end = 1700000120;
            const at = (s: number) => new Date(s * 1000);
            assert.equal(loader(dir).timeProblem("a", "m.csv", end), undefined);
            assert.equal(loader(dir, { wallClock: at(end - 900) }).timeProblem("a", "m.csv", end), undefined);
            assert.equal(
                loader(dir, { wallClock: at(end - 901) }).timeProblem("a", "m.csv", end),
                "export m.csv for a ends 2023-11-14T22:15:20.000Z, after the time of this run (2023-11-14T22:00:19.000Z): data dated in the future is not a measurement",
            );
            assert.equal(loader(dir, { now: at(end + 3600) }).timeProblem("a", "m.csv", end), undefined);
            assert.equal(
                loader(dir, { now: at(end + 3601) }).timeProblem("a", "m.csv", end),
                "export m.csv for a ends 2023-11-14T22:15:20.000Z, older than 1 h",
            );
        });
    });
    test("the training window ends at the last full model step; its grid is never finer than 15 s", () => {
        assert.deepEqual(trainingWindow(7199, { modelStepSeconds: 3600, trainingDays: 1 }), { start: 7200 - 86400, end: 7200 });
        assert.deepEqual(trainingWindow(7198, { modelStepSeconds: 3600, trainingDays: 1 }), { start: 3600 - 86400, end: 3600 });
        const g = trainingGrid({ t: Float64Array.from([0, 5, 10, 30]), v: Float64Array.from([1, 2, 3, 4]), step: 5 }, 0, 45);
        assert.deepEqual([g.full.step, Array.from(g.full.values), g.points, g.span], [15, [2, NaN, 4], 2, 45]);
    });
});
