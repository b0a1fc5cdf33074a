/** Reading an export named on the command line (tools/forecast/seriesFile.ts). */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readSeriesFile } from "../../../../tools/forecast/seriesFile";

describe("readSeriesFile", () => {
    test("a missing file is an error naming it", () => {
        assert.throws(() => readSeriesFile("/nonexistent/x.csv"), { message: "/nonexistent/x.csv: file: cannot be read (ENOENT)" });
    });
    test("a directory or anything but a regular file is an error naming it; a file is read like an export", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fc-seriesfile-"));
        try {
            assert.throws(() => readSeriesFile(tmp), { message: `${tmp}: file: is a directory, not a file` });
            fs.writeFileSync(path.join(tmp, "a.csv"), "timestamp,value\n60,1\n120,2\n");
            const [s] = readSeriesFile(path.join(tmp, "a.csv"));
            assert.deepEqual([Array.from(s.t), Array.from(s.v), s.step, s.source], [[60, 120], [1, 2], 60, path.join(tmp, "a.csv")]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
