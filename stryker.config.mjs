// Mutation testing of the pure core (issue 20): `npm run test:mutation` mutates every file below,
// incrementally (only what changed since the committed state file is run again);
// `npm run test:mutation -- --mutate forecast/sizing.ts` one file. How to read the report:
// docs/testing.md#mutation-testing.
//
// Runner: the TAP runner runs each unit test file in its own `node --import tsx` process and
// records which files cover which mutant, so a mutant runs only the files that reach it (the
// command runner would run the whole unit suite, ~20 s, for each of several thousand mutants).
// Equivalent mutants are marked in the source with `// Stryker disable next-line <mutator>: <reason>`.

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    testRunner: "tap",
    tap: {
        testFiles: ["test/unit/{forecast,lib,plan,policies,components,admission,config}/**/*.test.ts"],
        nodeArgs: ["--import", "tsx", "--test-reporter=tap", "-r", "{{hookFile}}", "{{testFile}}"],
    },
    coverageAnalysis: "perTest",
    // The machine has two cores shared with other work; one mutant at a time.
    concurrency: 1,
    mutate: [
        "forecast/sizing.ts",
        "forecast/simulator.ts",
        "forecast/models/*.ts",
        "forecast/ingest.ts",
        "forecast/dataTier.ts",
        "plan/dataTier.ts",
        "lib/**/*.ts",
        "policies/rules/*.ts",
        "!policies/rules/index.ts",
    ],
    incremental: true,
    incrementalFile: "reports/stryker-incremental.json",
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    ignorePatterns: ["out", "exports/**/*.png", ".stryker-tmp"],
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
    thresholds: { high: 95, low: 90, break: null },
    timeoutMS: 10000,
};
