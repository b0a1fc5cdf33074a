/** tools/mutation/changed.ts: which lines and test files a change gives Stryker, and the score of the changed lines. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
    type LineRange,
    changedRanges,
    isMutated,
    mutateArgs,
    relativeImports,
    score,
    tally,
    testsReaching,
} from "../../../tools/mutation/changed";

describe("mutation testing of a change", () => {
    it("reads the new-side lines of each hunk; a deletion marks the line after it", () => {
        const diff = "diff --git a/x.ts b/x.ts\n@@ -10,2 +10,3 @@ f\n+a\n@@ -40 +41 @@\n-b\n+c\n@@ -50,3 +52,0 @@\n-d\n";
        assert.deepEqual(changedRanges(diff), [
            { from: 10, to: 12 },
            { from: 41, to: 41 },
            { from: 52, to: 53 },
        ]);
        assert.deepEqual(changedRanges(""), []);
    });
    it("passes Stryker one file:from-to per range, a new file whole", () => {
        const files = new Map<string, LineRange[] | "all">([
            [
                "lib/hpa.ts",
                [
                    { from: 3, to: 4 },
                    { from: 9, to: 9 },
                ],
            ],
            ["lib/new.ts", "all"],
        ]);
        assert.deepEqual(mutateArgs(files), ["lib/hpa.ts:3-4", "lib/hpa.ts:9-9", "lib/new.ts"]);
    });
    it("mutates only the configured pure modules", () => {
        const patterns = ["lib/**/*.ts", "policies/rules/*.ts", "!policies/rules/index.ts"];
        assert.deepEqual(
            [
                "lib/data/postgresParams.ts",
                "policies/rules/poolConnectionBudget.ts",
                "policies/rules/index.ts",
                "tools/render.ts",
                "policies/lib/k8s.ts",
            ].map((f) => isMutated(f, patterns)),
            [true, true, false, false, false],
        );
    });
    it("follows relative imports (static, dynamic, side-effect, folders) and the test files that reach a module", () => {
        const exists = (f: string) => ["lib/hpa.ts", "lib/index.ts", "test/unit/z.ts"].includes(f);
        const text =
            'import { x } from "../../lib/hpa";\nimport type { y } from "./z";\nimport "node:fs";\nconst m = import("../../lib");\nimport "./missing";\n';
        assert.deepEqual(relativeImports("test/unit/a.test.ts", text, exists), ["lib/hpa.ts", "test/unit/z.ts", "lib/index.ts"]);
        const graph: Record<string, string[]> = { t1: ["a"], a: ["b", "a"], b: ["c"], t2: ["d"], d: ["t2"], t3: ["c"] };
        assert.deepEqual(
            testsReaching(["t1", "t2", "t3"], new Set(["c"]), (f) => graph[f] ?? []),
            ["t1", "t3"],
        );
    });
    it("scores only the mutants of the changed lines; uncovered ones count as survivors", () => {
        const m = (line: number, status: string) => ({
            id: String(line),
            mutatorName: "EqualityOperator",
            replacement: "<=",
            status,
            location: { start: { line, column: 7 } },
        });
        const report = {
            files: {
                "lib/a.ts": {
                    mutants: [m(5, "Killed"), m(6, "Survived"), m(7, "NoCoverage"), m(9, "Timeout"), m(20, "Survived"), m(8, "Ignored")],
                },
            },
        };
        const ts = tally(report, new Map([["lib/a.ts", [{ from: 5, to: 9 }]]]));
        assert.deepEqual(ts, [
            {
                file: "lib/a.ts",
                killed: 2,
                survivors: ['lib/a.ts:6:7 EqualityOperator -> "<=" (Survived)', 'lib/a.ts:7:7 EqualityOperator -> "<=" (NoCoverage)'],
                noCoverage: 1,
            },
        ]);
        assert.equal(score(ts), 50);
        assert.equal(score(tally(report, new Map([["lib/a.ts", "all" as const]]))), 40);
        assert.equal(score([]), 100);
    });
});
