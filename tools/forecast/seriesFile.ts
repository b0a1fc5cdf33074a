/**
 * Reads one export file named on the command line or by a test (the benchmark's folder of
 * traces), outside any exports directory: the program reads through forecast/exportFiles.ts
 * `readExport`, which also confines the path to the stack's exports directory.
 */
import * as fs from "node:fs";
import { MAX_EXPORT_BYTES } from "../../forecast/exportFiles";
import { IngestError, parseSeriesText, type IngestOptions } from "../../forecast/ingest";
import type { Series } from "../../forecast/types";

/**
 * Reads and parses `file`: a directory, anything but a regular file, or more than
 * `MAX_EXPORT_BYTES` is an IngestError (position `file`).
 */
export function readSeriesFile(file: string, opts: IngestOptions = {}): Series[] {
    let text: string;
    try {
        const st = fs.statSync(file);
        if (st.isDirectory()) throw new IngestError(file, "file", "is a directory, not a file");
        if (!st.isFile()) throw new IngestError(file, "file", "is not a regular file (a device, FIFO or socket)");
        if (st.size > MAX_EXPORT_BYTES)
            throw new IngestError(
                file,
                "file",
                `is too large (${(st.size / 2 ** 20).toFixed(1)} MiB > the ${(MAX_EXPORT_BYTES / 2 ** 20).toFixed(1)} MiB limit)`,
            );
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if (e instanceof IngestError) throw e;
        throw new IngestError(file, "file", `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    return parseSeriesText(text, file, opts);
}
